// Annealed importance sampling (Neal 2001), the Jarzynski equality at equilibrium sampling:
// ln Z at a list of inverse temperatures from chains annealed up from beta = 0.
//
// A chain starts from an exact sample of beta = 0 (uniform over the 2^N states, where
// Z = 2^N for any fields), and walks up an increasing schedule beta_1 < ... < beta_K. Before
// the MC transition at beta_{k+1} it adds -(beta_{k+1} - beta_k) E(s) to its log-weight
// ln w. Then E[w] = Z(beta) / 2^N exactly at every beta of the schedule, whatever the
// number of steps, so Z-hat = 2^N * mean(w) is unbiased and, by Jensen, E[ln Z-hat] <= ln Z;
// the gap closes as the schedule gets finer or the transitions mix better.
//
// Transitions: on square and cubic lattices of even L the checkerboard kernels of Monte Carlo
// (plain, or multi-spin where L % 128 == 0), their flip tables set for each beta and E
// counted exactly, as integers, from the spins; on graphs (and odd L) sequential sweeps in index order, the
// flip probabilities looked up in a table rebuilt at each beta where the local fields take few
// values (the same numbers as computing them, so the same results), else computed per spin.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "isingvi/mc.hpp"
#include "isingvi/models.hpp"

namespace isingvi {

// n_steps increasing inverse temperatures in (0, max target] that contain every target.
// Linear in beta between consecutive targets (and from 0 to the first): each gap gets at
// least one step, and the others go one at a time to the gap whose steps are then widest,
// so the largest step is as small as it can be. Targets: finite and > 0, any order,
// repeats allowed; n_steps >= the number of distinct targets.
std::vector<double> pinned_schedule(const std::vector<double>& targets, std::int64_t n_steps);

struct AisParams {
  std::vector<double> T;          // target temperatures (> 0), any order
  std::int64_t n_steps = 1000;    // length of the beta schedule (pinned_schedule)
  std::int64_t n_sweeps = 1;      // MC sweeps at each step of the schedule (0: plain importance sampling)
  std::int64_t n_chains = 64;     // independent chains, >= 2 (the error needs two)
  Algorithm algorithm = Algorithm::HeatBath;  // Metropolis or HeatBath (sequential sweeps)
  std::uint64_t seed = 0;         // chain c draws from the stream (seed, c)
  int threads = 1;                // chains run in parallel; the results do not depend on it
  // Lattices: as SweepParams::simd and ::kernel ("auto", or "plain" / "multispin"; graphs and
  // odd L accept "auto" and "plain"). Every simd gives bit-identical results.
  std::string simd = "auto";
  std::string kernel = "auto";
  // Graphs: tabulate the flip probabilities where that is exact (false: std::exp per spin,
  // the reference the table reproduces bit for bit).
  bool tables = true;
};

struct AisResult {
  std::int64_t n_T = 0, n_chains = 0, n_spins = 0;
  std::vector<double> T, beta;  // the targets, in the order given
  // Per target, per spin: ln Z-hat / N, where Z-hat = 2^N mean(w); its standard error by the
  // delta method, sd(w) / (sqrt(n_chains) mean(w) N); the effective sample size
  // (sum w)^2 / sum w^2, in [1, n_chains]. The error is trustworthy only when ess >> 1.
  std::vector<double> ln_z, ln_z_err, ess;
  std::vector<double> log_weights;  // (n_T, n_chains) row-major: ln w of each chain, total (not per spin)
  std::vector<double> schedule;     // the betas the chains walked through
  std::string sampler;              // which transitions ran, e.g. "checkerboard-heatbath-avx2"
};

AisResult ais(const Graph& g, const AisParams& params);
AisResult ais(const Lattice& lattice, const AisParams& params);

}  // namespace isingvi
