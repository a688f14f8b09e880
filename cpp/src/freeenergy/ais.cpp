// Annealed importance sampling on a Graph: independent chains, each on its own RNG stream,
// reduced in chain order so that the result does not depend on the number of threads.
#include "isingvi/ais.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "mc/graph_sweep.hpp"
#include "isingvi/check.hpp"
#include "isingvi/monitor.hpp"
#include "isingvi/rng.hpp"
#include "parallel.hpp"

namespace isingvi {
namespace {

void check_ais_params(const Graph& g, const AisParams& p) {
  require_temperatures(p.T);
  // beta and beta |E| must stay finite: |E| <= sum |J_ij| + sum |h_i|.
  double e_max = 0.0;
  for (double J : g.couplings()) e_max += std::fabs(J);
  for (double h : g.fields()) e_max += std::fabs(h);
  for (double T : p.T)
    require(std::isfinite(1.0 / T) && e_max / T <= 1e305, "T",
            "too small for this model's energies: beta E_max exceeds 1e305 at T = " + show(T));
  require(p.n_steps >= 1, "n_steps", "must be >= 1, got " + std::to_string(p.n_steps));
  require(p.n_sweeps >= 0, "n_sweeps", "must be >= 0, got " + std::to_string(p.n_sweeps));
  require(p.n_chains >= 2, "n_chains",
          "must be >= 2 (the standard error needs two chains), got " + std::to_string(p.n_chains));
  require(p.algorithm == Algorithm::Metropolis || p.algorithm == Algorithm::HeatBath, "algorithm",
          "AIS needs a single-spin sampler, 'metropolis' or 'heatbath'");
  require(p.threads >= 1, "threads", "must be >= 1, got " + std::to_string(p.threads));
  const double weights = static_cast<double>(p.T.size()) * static_cast<double>(p.n_chains);
  require(weights * 8.0 <= 8.0 * (1ULL << 30), "n_chains", "the log-weights would need more than 8 GiB");
}

// One chain: an exact sample at beta = 0, then up the schedule. Writes ln w at each pin
// (pins: the distinct targets, increasing) to out[k * stride].
void run_chain(const Graph& g, const AisParams& p, const std::vector<double>& schedule,
               const std::vector<double>& pins, Rng& rng, double* out, std::int64_t stride) {
  std::vector<std::int8_t> s(static_cast<std::size_t>(g.n()));
  for (auto& si : s) si = rng.next() >> 63 ? 1 : -1;
  double E = g.energy(s.data());  // then updated flip by flip
  double log_w = 0.0, previous = 0.0;
  std::size_t pin = 0;
  const auto steps = static_cast<std::int64_t>(schedule.size());
  for (std::int64_t step = 0; step < steps; ++step) {
    const double beta = schedule[step];
    checkpoint(1);
    log_w -= (beta - previous) * E;
    previous = beta;
    if (beta == pins[pin]) {
      out[static_cast<std::int64_t>(pin) * stride] = log_w;
      if (++pin == pins.size()) {  // transitions past the last target change no weight
        checkpoint(steps - step - 1);
        return;
      }
    }
    for (std::int64_t t = 0; t < p.n_sweeps; ++t) {
      detail::SweepTally tally;
      detail::sequential_sweep(g, p.algorithm, beta, s.data(), rng, tally);
      E += tally.dE;
    }
  }
}

}  // namespace

AisResult ais(const Graph& g, const AisParams& p) {
  check_ais_params(g, p);
  AisResult r;
  r.n_T = static_cast<std::int64_t>(p.T.size());
  r.n_chains = p.n_chains;
  r.n_spins = g.n();
  r.T = p.T;
  for (double T : p.T) r.beta.push_back(1.0 / T);
  r.schedule = pinned_schedule(r.beta, p.n_steps);

  std::vector<double> pins(r.beta);
  std::sort(pins.begin(), pins.end());
  pins.erase(std::unique(pins.begin(), pins.end()), pins.end());
  const auto n_pins = static_cast<std::int64_t>(pins.size());
  std::vector<double> pin_weights(static_cast<std::size_t>(n_pins * p.n_chains));
  expect_work(p.n_chains * static_cast<std::int64_t>(r.schedule.size()));  // progress in chain steps
  detail::parallel_for(p.n_chains, p.threads, [&](std::int64_t c) {
    Rng rng(p.seed, static_cast<std::uint64_t>(c));
    run_chain(g, p, r.schedule, pins, rng, pin_weights.data() + c, p.n_chains);
  });

  // Per target, in chain order: weights relative to the largest (log-sum-exp), then the mean,
  // its standard error and the effective sample size.
  const double n = static_cast<double>(p.n_chains);
  const double N = static_cast<double>(g.n());
  for (std::int64_t k = 0; k < r.n_T; ++k) {
    const auto pin = std::lower_bound(pins.begin(), pins.end(), r.beta[k]) - pins.begin();
    const double* lw = pin_weights.data() + pin * p.n_chains;
    r.log_weights.insert(r.log_weights.end(), lw, lw + p.n_chains);
    const double top = *std::max_element(lw, lw + p.n_chains);
    double sum = 0.0, sum_sq = 0.0;
    for (std::int64_t c = 0; c < p.n_chains; ++c) {
      const double w = std::exp(lw[c] - top);
      sum += w;
      sum_sq += w * w;
    }
    const double mean = sum / n;
    double var = 0.0;
    for (std::int64_t c = 0; c < p.n_chains; ++c) {
      const double d = std::exp(lw[c] - top) - mean;
      var += d * d;
    }
    var /= n - 1.0;
    r.ln_z.push_back((N * std::log(2.0) + top + std::log(mean)) / N);
    r.ln_z_err.push_back(std::sqrt(var / n) / mean / N);
    r.ess.push_back(sum * sum / sum_sq);
  }
  return r;
}

}  // namespace isingvi
