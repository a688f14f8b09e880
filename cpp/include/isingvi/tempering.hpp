// Parallel tempering (replica exchange) over a ladder of temperatures, for any model.
//
// One replica per temperature. Between swap rounds each replica runs sequential single-spin
// sweeps (Metropolis or heat bath, index order: lattices run as their Graph) at the
// temperature of the slot it holds; after every `swap_every`-th sweep a swap round tries
// every adjacent pair of the sorted ladder, even pairs (0-1, 2-3, ...) then odd pairs (1-2,
// 3-4, ...), and exchanges the two replicas' temperatures with probability
// min(1, exp((beta_k - beta_k+1) (E_k - E_k+1))). Measurements are per temperature, not per
// replica: after every `every`-th measuring sweep each slot records the energy, the
// magnetisation (and the spins) of the replica it holds, before that sweep's swap round.
//
// Reproducibility: replica r, the one that starts at the r-th lowest temperature T_r, draws
// from the stream (seed, bit pattern of T_r), as mc's chain at T_r would; swap decisions draw
// from the stream (seed, 0), which no temperature names, one uniform per tried pair in the
// fixed order above. Replicas share no state between swap rounds, so any split of them among
// threads gives bit-identical results. With no swap round at all (swap_every larger than the
// run) each temperature's series equals mc's sequential chain on the same Graph.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "isingvi/mc.hpp"
#include "isingvi/models.hpp"

namespace isingvi {

struct TemperingParams {
  std::vector<double> T;  // the ladder in any order: at least 2 distinct temperatures > 0
  Algorithm algorithm = Algorithm::Metropolis;  // Metropolis or HeatBath
  std::int64_t n_therm = 1000;     // sweeps per replica before measuring (swap rounds included)
  std::int64_t n_measure = 10000;  // measuring sweeps per replica
  std::int64_t every = 1;          // record after every `every`-th measuring sweep
  std::int64_t swap_every = 1;     // a swap round after every `swap_every`-th sweep
  std::uint64_t seed = 0;
  int threads = 1;  // replicas in parallel; results do not depend on it
  Init init = Init::Random;
  bool save_configs = false;  // also keep every recorded configuration (n_T x n_samples x N)
};

// Rows of E, M, acceptance, marginals and configs follow the given order of T; swap statistics
// follow the sorted ladder, and round trips the replicas (replica r starts at ladder[r]).
struct TemperingResult {
  std::int64_t n_T = 0, n_samples = 0, n_spins = 0;
  std::vector<double> ladder;        // T sorted increasing
  std::vector<double> E, M;          // totals, row-major (n_T, n_samples)
  std::vector<double> acceptance;    // per T: flipped spins / attempts during measurement
  std::vector<double> marginals;     // per T: mean of each s_i over the records, (n_T, N)
  std::vector<std::int8_t> configs;  // (n_T, n_samples, N) when save_configs
  // per adjacent ladder pair (k, k+1), swap rounds during measurement: tries, exchanges
  std::vector<std::int64_t> swap_attempts, swap_accepted;
  // per replica: completed round trips lowest -> highest -> lowest temperature that ended
  // during measurement (a trip begun while thermalising counts)
  std::vector<std::int64_t> round_trips;
  std::string sampler;  // "tempering-sequential-metropolis" | "tempering-sequential-heatbath"
};

void check_tempering_params(const TemperingParams& p, std::int64_t n_spins);

TemperingResult run_tempering(const Graph& graph, const TemperingParams& params);
TemperingResult run_tempering(const Lattice& lattice, const TemperingParams& params);  // as its Graph

}  // namespace isingvi
