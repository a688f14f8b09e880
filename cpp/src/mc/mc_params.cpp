#include <string>

#include "isingvi/check.hpp"
#include "isingvi/mc.hpp"
#include "isingvi/simd.hpp"

namespace isingvi {

Algorithm parse_algorithm(const std::string& name) {
  if (name == "metropolis") return Algorithm::Metropolis;
  if (name == "heatbath") return Algorithm::HeatBath;
  if (name == "wolff") return Algorithm::Wolff;
  if (name == "swendsen-wang") return Algorithm::SwendsenWang;
  fail("algorithm", "must be 'metropolis', 'heatbath', 'wolff' or 'swendsen-wang', got '" + name + "'");
}

Init parse_init(const std::string& name) {
  if (name == "random") return Init::Random;
  if (name == "up") return Init::Up;
  if (name == "down") return Init::Down;
  fail("init", "must be 'random', 'up' or 'down', got '" + name + "'");
}

void check_sweep_params(const SweepParams& p, std::int64_t n_spins) {
  require_temperatures(p.T);
  require(p.n_therm >= 0, "n_therm", "must be >= 0, got " + std::to_string(p.n_therm));
  require(p.n_measure >= 1, "n_measure", "must be >= 1, got " + std::to_string(p.n_measure));
  require(p.every >= 1, "every", "must be >= 1, got " + std::to_string(p.every));
  require(p.every <= p.n_measure, "every",
          "must be <= n_measure (" + std::to_string(p.n_measure) + "), got " + std::to_string(p.every));
  require(p.threads >= 1, "threads", "must be >= 1, got " + std::to_string(p.threads));
  resolve_isa(p.simd, "simd");
  require(p.kernel == "auto" || p.kernel == "multispin" || p.kernel == "plain", "kernel",
          "must be 'auto', 'multispin' or 'plain', got '" + p.kernel + "'");
  // Refuse outputs that cannot fit in memory rather than dying in the allocator.
  const double samples = static_cast<double>(p.T.size()) * static_cast<double>(p.n_measure / p.every);
  require(samples * 16.0 <= 16.0 * (1ULL << 30), "n_measure",
          "the time series would need more than 16 GiB; raise `every` or lower n_measure");
  if (p.save_configs)
    require(samples * static_cast<double>(n_spins) <= 8.0 * (1ULL << 30), "save_configs",
            "the configurations would need more than 8 GiB; raise `every` or lower n_measure");
}

}  // namespace isingvi
