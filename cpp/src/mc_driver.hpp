// Private to the core: the temperature-sweep driver shared by the lattice and graph samplers.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "isingvi/mc.hpp"
#include "isingvi/rng.hpp"
#include "parallel.hpp"

namespace isingvi::detail {

// Clusters per Wolff sweep during measurement: N / (mean cluster size while thermalising), at
// least 1. While thermalising, a sweep runs clusters until N spins have flipped; measuring at
// such a data-dependent stopping time would bias the samples, so the count is frozen first.
inline std::int64_t wolff_clusters_per_sweep(std::int64_t flipped, std::int64_t clusters, std::int64_t n) {
  if (clusters == 0 || flipped == 0) return 1;
  const double mean = static_cast<double>(flipped) / static_cast<double>(clusters);
  return std::max<std::int64_t>(1, std::llround(static_cast<double>(n) / mean));
}

// The RNG stream of one temperature: its bit pattern, so it does not depend on list order.
inline std::uint64_t temperature_stream(double T) {
  std::uint64_t bits;
  std::memcpy(&bits, &T, sizeof bits);
  return bits;
}

// A Chain is built per temperature and offers: init(Init, Rng&), sweep(Rng&),
// observe(double& E, int64& M), spins(), reset_stats(), acceptance(), mean_cluster_size().
template <class MakeChain>
SweepResult drive(std::int64_t n_spins, const SweepParams& p, const std::string& sampler,
                  MakeChain&& make_chain) {
  check_sweep_params(p, n_spins);
  SweepResult r;
  r.n_T = static_cast<std::int64_t>(p.T.size());
  r.n_samples = p.n_measure / p.every;
  r.n_spins = n_spins;
  r.sampler = sampler;
  r.E.assign(static_cast<std::size_t>(r.n_T * r.n_samples), 0.0);
  r.M.assign(r.E.size(), 0.0);
  r.acceptance.assign(static_cast<std::size_t>(r.n_T), 0.0);
  r.cluster_size.assign(static_cast<std::size_t>(r.n_T), 0.0);
  if (p.save_configs) r.configs.assign(static_cast<std::size_t>(r.n_T * r.n_samples * n_spins), 0);

  parallel_for(r.n_T, p.threads, [&](std::int64_t k) {
    Rng rng(p.seed, temperature_stream(p.T[k]));
    auto chain = make_chain(p.T[k]);
    chain.init(p.init, rng);
    for (std::int64_t t = 0; t < p.n_therm; ++t) chain.sweep(rng);
    chain.reset_stats();
    std::int64_t sample = 0;
    for (std::int64_t t = 1; sample < r.n_samples; ++t) {
      chain.sweep(rng);
      if (t % p.every != 0) continue;
      const std::int64_t at = k * r.n_samples + sample;
      std::int64_t mag = 0;
      chain.observe(r.E[at], mag);
      r.M[at] = static_cast<double>(mag);
      if (p.save_configs)
        std::copy(chain.spins(), chain.spins() + n_spins, r.configs.begin() + at * n_spins);
      ++sample;
    }
    r.acceptance[k] = chain.acceptance();
    r.cluster_size[k] = chain.mean_cluster_size();
  });
  return r;
}

}  // namespace isingvi::detail
