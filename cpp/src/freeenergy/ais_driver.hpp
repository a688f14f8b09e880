// Private to the core: what annealed importance sampling does the same on every model - the
// checks, the schedule, the walk of one chain up it (the weight update), the chains spread over
// threads and the reduction in chain order - for the graph (ais.cpp) and the lattice
// (ais_lattice.cpp) chains.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "isingvi/ais.hpp"
#include "isingvi/monitor.hpp"
#include "isingvi/rng.hpp"
#include "parallel.hpp"

namespace isingvi::detail {

// The checks of every AisParams field but simd and kernel; e_max >= |E(s)| for every s.
void check_ais_params(double e_max, const AisParams& params);

// The betas the chains walk through: pinned_schedule of the targets' 1/T.
std::vector<double> ais_schedule(const AisParams& params);

// The pins (the distinct targets, increasing), and the result's T, beta, schedule, sizes.
AisResult ais_setup(std::int64_t n_spins, const AisParams& params, std::vector<double>& pins);

// ln_z, ln_z_err, ess and log_weights from the chains' ln w at each pin, pin_weights[pin * n_chains + c].
void ais_reduce(AisResult& r, const std::vector<double>& pins, const std::vector<double>& pin_weights);

// One chain up the schedule from its exact beta = 0 sample (the chain as built). Before the
// sweeps at beta_{k+1} it adds -(beta_{k+1} - beta_k) E(s) to ln w, and records ln w at each pin
// in out[pin * stride]. A Chain offers energy() (E of its configuration), set_beta(step, beta)
// (beta = schedule[step]) and sweep() (one sweep at the last beta set).
template <class Chain>
void anneal(Chain& chain, std::int64_t n_sweeps, const std::vector<double>& schedule,
            const std::vector<double>& pins, double* out, std::int64_t stride) {
  double log_w = 0.0, previous = 0.0;
  std::size_t pin = 0;
  const auto steps = static_cast<std::int64_t>(schedule.size());
  for (std::int64_t step = 0; step < steps; ++step) {
    const double beta = schedule[step];
    checkpoint(1);
    log_w -= (beta - previous) * chain.energy();
    previous = beta;
    if (beta == pins[pin]) {
      out[static_cast<std::int64_t>(pin) * stride] = log_w;
      if (++pin == pins.size()) {  // transitions past the last target change no weight
        checkpoint(steps - step - 1);
        return;
      }
    }
    if (n_sweeps > 0) chain.set_beta(step, beta);
    for (std::int64_t t = 0; t < n_sweeps; ++t) chain.sweep();
  }
}

// The whole run: chain c is make_chain(rng) with rng the stream (seed, c), which draws its
// beta = 0 sample from it; chains in parallel, reduced in chain order, so the result does not
// depend on the number of threads. Call after check_ais_params.
template <class MakeChain>
AisResult run_ais(std::int64_t n_spins, const AisParams& p, const std::string& sampler, MakeChain&& make_chain) {
  std::vector<double> pins;
  AisResult r = ais_setup(n_spins, p, pins);
  r.sampler = sampler;
  std::vector<double> pin_weights(pins.size() * static_cast<std::size_t>(p.n_chains));
  expect_work(p.n_chains * static_cast<std::int64_t>(r.schedule.size()));  // progress in chain steps
  parallel_for(p.n_chains, p.threads, [&](std::int64_t c) {
    Rng rng(p.seed, static_cast<std::uint64_t>(c));
    auto chain = make_chain(rng);
    anneal(chain, p.n_sweeps, r.schedule, pins, pin_weights.data() + c, p.n_chains);
  });
  ais_reduce(r, pins, pin_weights);
  return r;
}

}  // namespace isingvi::detail
