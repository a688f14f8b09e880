// Naive mean-field and TAP fixed-point iterations on a graph, every temperature of a list.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "isingvi/check.hpp"
#include "isingvi/meanfield.hpp"
#include "isingvi/rng.hpp"
#include "meanfield_detail.hpp"
#include "parallel.hpp"

namespace isingvi {

void check_mean_field_params(const MeanFieldParams& p, std::int64_t n_spins) {
  require_temperatures(p.T);
  for (std::size_t k = 0; k < p.T.size(); ++k)
    require(std::isfinite(1.0 / p.T[k]), "T",
            "too small: 1/T overflows, got " + std::to_string(p.T[k]) + " at index " + std::to_string(k));
  require(p.damping >= 0.0 && p.damping < 1.0, "damping", "must lie in [0, 1), got " + std::to_string(p.damping));
  require(std::isfinite(p.tol) && p.tol > 0.0, "tol", "must be finite and > 0, got " + std::to_string(p.tol));
  require(p.max_iter >= 1, "max_iter", "must be >= 1, got " + std::to_string(p.max_iter));
  // The traces grow with the iterations: refuse what could not fit in memory.
  require(static_cast<double>(p.T.size()) * (static_cast<double>(p.max_iter) + 1.0) <= double(1ULL << 28),
          "max_iter", "len(T) * (max_iter + 1) must be <= 2^28 (the per-iteration traces)");
  require(p.threads >= 1, "threads", "must be >= 1, got " + std::to_string(p.threads));
  if (p.init == MFStart::Given) {
    require(static_cast<std::int64_t>(p.m0.size()) == n_spins, "init",
            "needs one magnetisation per spin: N = " + std::to_string(n_spins) + ", got " +
                std::to_string(p.m0.size()));
    for (std::size_t i = 0; i < p.m0.size(); ++i)
      require(p.m0[i] >= -1.0 && p.m0[i] <= 1.0, "init",
              "every m_i must lie in [-1, 1], got " + std::to_string(p.m0[i]) + " at index " + std::to_string(i));
  }
}

namespace {

std::vector<double> start_vector(const MeanFieldParams& p, int n) {
  switch (p.init) {
    case MFStart::Up: return std::vector<double>(static_cast<std::size_t>(n), 1.0);
    case MFStart::Down: return std::vector<double>(static_cast<std::size_t>(n), -1.0);
    case MFStart::Given: return p.m0;
    case MFStart::Random: break;
  }
  Rng rng(p.seed, 0);
  std::vector<double> m(static_cast<std::size_t>(n));
  for (auto& x : m) x = 2.0 * rng.uniform() - 1.0;
  return m;
}

struct Outcome {
  std::vector<double> trace_f, trace_dm;
  double f = 0, u = 0;
  bool converged = false;
  std::int64_t n_iter = 0;
};

// Iterates one temperature in place on m.
Outcome iterate(const Graph& g, const MeanFieldParams& p, double T, double* m) {
  const int n = g.n();
  const double N = static_cast<double>(n), beta = 1.0 / T, d = p.damping;
  const bool tap = p.method == MFMethod::TAP;
  const auto& row = g.row();
  const auto& nbr = g.nbr();
  const auto& nbr_J = g.nbr_J();
  const auto& h = g.fields();

  // The fixed-point map at site i, reading the magnetisations `cur`:
  // tanh(beta (h_i + sum_j J_ij m_j - [TAP] beta m_i sum_j J_ij^2 (1 - m_j^2))).
  auto target = [&](int i, const double* cur) {
    double field = h[i], reaction = 0.0;
    for (int k = row[i]; k < row[i + 1]; ++k) {
      const double mj = cur[nbr[k]];
      field += nbr_J[k] * mj;
      if (tap) reaction += nbr_J[k] * nbr_J[k] * detail::one_minus_sq(mj);
    }
    if (tap) field -= beta * (cur[i] * reaction);  // m_i * reaction first: no 0 * inf
    return std::tanh(beta * field);
  };
  auto free_energy = [&](const double* cur) {
    return detail::method_free_energy(detail::mean_field_terms(g, cur, tap), T, tap, N);
  };

  Outcome out;
  out.trace_f.push_back(free_energy(m));
  out.trace_dm.push_back(std::numeric_limits<double>::quiet_NaN());
  std::vector<double> next(p.update == MFUpdate::Parallel ? static_cast<std::size_t>(n) : 0);
  for (std::int64_t it = 1; it <= p.max_iter; ++it) {
    double residual = 0.0, step = 0.0;
    if (p.update == MFUpdate::Sequential) {
      for (int i = 0; i < n; ++i) {
        const double t = target(i, m);
        const double v = d == 0.0 ? t : d * m[i] + (1.0 - d) * t;
        residual = std::max(residual, std::fabs(t - m[i]));
        step = std::max(step, std::fabs(v - m[i]));
        m[i] = v;
      }
    } else {
      for (int i = 0; i < n; ++i) {
        const double t = target(i, m);
        next[i] = d == 0.0 ? t : d * m[i] + (1.0 - d) * t;
        residual = std::max(residual, std::fabs(t - m[i]));
        step = std::max(step, std::fabs(next[i] - m[i]));
      }
      std::copy(next.begin(), next.end(), m);
    }
    out.n_iter = it;
    out.trace_f.push_back(free_energy(m));
    out.trace_dm.push_back(step);
    if (residual < p.tol) {
      out.converged = true;
      break;
    }
  }
  const auto terms = detail::mean_field_terms(g, m, tap);
  out.f = detail::method_free_energy(terms, T, tap, N);
  out.u = detail::method_energy(terms, T, tap, N);
  return out;
}

}  // namespace

MeanFieldResult solve_mean_field(const Graph& g, const MeanFieldParams& p) {
  check_mean_field_params(p, g.n());
  const auto n_T = static_cast<std::int64_t>(p.T.size());
  const std::vector<double> start = start_vector(p, g.n());
  MeanFieldResult r;
  r.n_T = n_T;
  r.n_spins = g.n();
  r.m.resize(static_cast<std::size_t>(n_T * g.n()));
  r.f.resize(n_T);
  r.u.resize(n_T);
  r.converged.resize(n_T);
  r.n_iter.resize(n_T);
  r.trace_f.resize(n_T);
  r.trace_dm.resize(n_T);
  detail::parallel_for(n_T, p.threads, [&](std::int64_t k) {
    double* m = r.m.data() + k * g.n();
    std::copy(start.begin(), start.end(), m);
    Outcome o = iterate(g, p, p.T[k], m);
    r.f[k] = o.f;
    r.u[k] = o.u;
    r.converged[k] = o.converged ? 1 : 0;
    r.n_iter[k] = o.n_iter;
    r.trace_f[k] = std::move(o.trace_f);
    r.trace_dm[k] = std::move(o.trace_dm);
  });
  return r;
}

MeanFieldResult solve_mean_field(const Lattice& lattice, const MeanFieldParams& p) {
  check_mean_field_params(p, lattice.n());
  return solve_mean_field(lattice.to_graph(), p);
}

}  // namespace isingvi
