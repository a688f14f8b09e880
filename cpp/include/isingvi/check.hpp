// Argument validation shared by the core. Every public entry point checks its inputs and
// throws std::invalid_argument whose message starts with the parameter's name; the
// bindings turn it into a Python ValueError.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace isingvi {

// A number as a message shows it: %g, so that 5e-324 does not print as 0.000000.
inline std::string show(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

[[noreturn]] inline void fail(const std::string& param, const std::string& what) {
  throw std::invalid_argument(param + ": " + what);
}

inline void require(bool ok, const std::string& param, const std::string& what) {
  if (!ok) fail(param, what);
}

inline void require_finite(double x, const std::string& param) {
  require(std::isfinite(x), param, "must be finite, got " + show(x));
}

// Temperatures must be finite and positive; one bad entry names its index.
inline void require_temperatures(const std::vector<double>& T, const std::string& param = "T") {
  require(!T.empty(), param, "needs at least one temperature");
  for (std::size_t k = 0; k < T.size(); ++k) {
    if (!(std::isfinite(T[k]) && T[k] > 0.0))
      fail(param, "every temperature must be finite and > 0, got " + show(T[k]) +
                      " at index " + std::to_string(k));
  }
}

// Temperatures as above whose beta = 1/T is finite too (the solvers work in beta).
inline void require_inverse_temperatures(const std::vector<double>& T, const std::string& param = "T") {
  require_temperatures(T, param);
  for (std::size_t k = 0; k < T.size(); ++k) {
    if (!std::isfinite(1.0 / T[k]))
      fail(param, "too small: 1/T overflows, got " + show(T[k]) + " at index " + std::to_string(k));
  }
}

// Settings of a damped fixed-point iteration (mean field, TAP, belief propagation).
inline void require_iteration_settings(double damping, double tol, std::int64_t max_iter) {
  require(damping >= 0.0 && damping < 1.0, "damping", "must lie in [0, 1), got " + show(damping));
  require(std::isfinite(tol) && tol > 0.0, "tol", "must be finite and > 0, got " + show(tol));
  require(max_iter >= 1, "max_iter", "must be >= 1, got " + std::to_string(max_iter));
}

}  // namespace isingvi
