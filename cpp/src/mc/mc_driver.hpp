// Private to the core: the temperature-sweep driver shared by the lattice and graph samplers.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "isingvi/mc.hpp"
#include "isingvi/monitor.hpp"
#include "isingvi/rng.hpp"
#include "parallel.hpp"

namespace isingvi::detail {

// What every chain counts: attempts and accepted flips (for Wolff, spins flipped) and Wolff
// clusters, reset when measuring starts, plus the Wolff sweep rule. While thermalising, a
// Wolff sweep runs clusters until N spins have flipped; measuring at such a data-dependent
// stopping time would bias the samples, so measuring sweeps run a fixed number of clusters,
// N / (mean cluster size over the second half of the thermalisation), at least 1. The first
// half is left out: the many small clusters of a random start would weigh in the mean and make
// a measuring sweep flip several N spins (at L = 128, T_c, 3.6 N after 100 sweeps; now 0.95 N).
struct ChainCounters {
  std::int64_t attempts = 0, accepted = 0, clusters = 0;
  std::int64_t clusters_per_sweep = 0;  // 0 while thermalising

  // Called once, halfway through the thermalisation.
  void forget() { attempts = accepted = clusters = 0; }
  // Called once, between thermalisation and measurement.
  void start_measuring(std::int64_t n) {
    clusters_per_sweep = 1;
    if (clusters > 0 && accepted > 0) {
      const double mean = static_cast<double>(accepted) / static_cast<double>(clusters);
      clusters_per_sweep = std::max<std::int64_t>(1, std::llround(static_cast<double>(n) / mean));
    }
    attempts = accepted = clusters = 0;
  }
  // Whether a Wolff sweep that has grown `done` clusters flipping `flipped` spins goes on.
  bool another_cluster(std::int64_t done, std::int64_t flipped, std::int64_t n) const {
    return clusters_per_sweep ? done < clusters_per_sweep : flipped < n;
  }
  double acceptance() const { return attempts ? double(accepted) / double(attempts) : 0.0; }
  double mean_cluster_size() const { return clusters ? double(accepted) / double(clusters) : 0.0; }
};

// n sweeps of a chain, one checkpoint each: through chain.sweeps(rng, n) where the chain has it
// (it runs them in one go, so that a thread team meets once per call rather than per sweep,
// and calls checkpoint(1) after each sweep itself), else one sweep() at a time.
template <class Chain>
auto run_sweeps(Chain& chain, Rng& rng, std::int64_t n, int) -> decltype(chain.sweeps(rng, n), void()) {
  chain.sweeps(rng, n);
}
template <class Chain>
void run_sweeps(Chain& chain, Rng& rng, std::int64_t n, long) {
  for (std::int64_t t = 0; t < n; ++t) {
    chain.sweep(rng);
    checkpoint(1);
  }
}

// A Chain is built per temperature and offers: init(Init, Rng&), sweep(Rng&),
// observe(double& E, int64& M), copy_spins(int8* out) (in site order), and its
// ChainCounters as `counters`; it may offer sweeps(Rng&, n) instead of sweep (run_sweeps).
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
  r.flips_per_sweep.assign(static_cast<std::size_t>(r.n_T), 0.0);
  if (p.save_configs) r.configs.assign(static_cast<std::size_t>(r.n_T * r.n_samples * n_spins), 0);

  // Progress in sweeps; one checkpoint per sweep (a sweep is well under 100 ms at any size
  // that fits in memory with the fast kernels).
  expect_work(r.n_T * (p.n_therm + r.n_samples * p.every));
  parallel_for(r.n_T, p.threads, [&](std::int64_t k) {
    Rng rng(p.seed, temperature_stream(p.T[k]));
    auto chain = make_chain(p.T[k]);
    chain.init(p.init, rng);
    run_sweeps(chain, rng, p.n_therm / 2, 0);
    if (p.n_therm > 0) chain.counters.forget();
    run_sweeps(chain, rng, p.n_therm - p.n_therm / 2, 0);
    chain.counters.start_measuring(n_spins);
    for (std::int64_t sample = 0; sample < r.n_samples; ++sample) {
      run_sweeps(chain, rng, p.every, 0);
      const std::int64_t at = k * r.n_samples + sample;
      std::int64_t mag = 0;
      chain.observe(r.E[at], mag);
      r.M[at] = static_cast<double>(mag);
      if (p.save_configs) chain.copy_spins(r.configs.data() + at * n_spins);
    }
    r.acceptance[k] = chain.counters.acceptance();
    r.cluster_size[k] = chain.counters.mean_cluster_size();
    // the measuring sweeps run are n_samples * every (n_measure rounded down to a multiple of every)
    r.flips_per_sweep[k] = static_cast<double>(chain.counters.accepted) /
                           (static_cast<double>(r.n_samples * p.every) * static_cast<double>(n_spins));
  });
  return r;
}

}  // namespace isingvi::detail
