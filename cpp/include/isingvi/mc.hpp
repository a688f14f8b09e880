// Monte Carlo temperature sweeps.
//
// One call runs every temperature of a list: a start configuration, n_therm sweeps to
// thermalise, then n_measure sweeps with E and M recorded after every `every`-th sweep.
// Each temperature draws from its own RNG stream, named by (seed, bit pattern of T), so a
// temperature's time series does not depend on the other temperatures in the list, nor on
// the number of threads that share the list.
//
// A sweep is N single-spin attempts (checkerboard order on lattices, index order on graphs);
// for Wolff, about N flipped spins: while thermalising, clusters until N spins have
// flipped; while measuring, a fixed number of clusters, N / (mean cluster size over the
// second half of the thermalisation), because sampling at a size-dependent stopping time
// would bias the measurements;
// for Swendsen-Wang, one decomposition of the whole configuration into clusters, each
// flipped with probability 1/2 (about N/2 flipped spins).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "isingvi/models.hpp"

namespace isingvi {

enum class Algorithm { Metropolis, HeatBath, Wolff, SwendsenWang };
enum class Init { Random, Up, Down };

// "metropolis" | "heatbath" | "wolff" | "swendsen-wang"
Algorithm parse_algorithm(const std::string& name);
Init parse_init(const std::string& name);            // "random" | "up" | "down"

struct SweepParams {
  std::vector<double> T;
  std::int64_t n_therm = 1000;
  std::int64_t n_measure = 10000;
  std::int64_t every = 1;
  std::uint64_t seed = 0;
  int threads = 1;  // temperatures in parallel; the multi-spin kernel also splits one lattice
  Init init = Init::Random;
  bool save_configs = false;  // also keep every measured configuration (n_T x n_samples x N)
  // Instruction set of the lattice checkerboard kernels: "auto" (the best this CPU has),
  // "scalar", "avx2" or "avx512". Every choice gives bit-identical results; others ignore it.
  std::string simd = "auto";
  // Lattice Metropolis / heat-bath implementation: "multispin" (64 spins per word; L a
  // multiple of 128), "plain" (one byte per spin, any even L) or "auto" (multispin where it
  // applies). Graph samplers and the cluster algorithms accept only "auto" and "plain".
  std::string kernel = "auto";
};

struct SweepResult {
  std::int64_t n_T = 0;
  std::int64_t n_samples = 0;
  std::int64_t n_spins = 0;
  std::vector<double> E;             // total energy, row-major (n_T, n_samples)
  std::vector<double> M;             // total magnetisation, row-major (n_T, n_samples)
  // per T: flipped spins / attempts (Wolff: 1; Swendsen-Wang: flipped spins / N, about 1/2)
  std::vector<double> acceptance;
  // per T during measurement: mean Wolff cluster size, or mean size of a flipped
  // Swendsen-Wang cluster (0 for single-spin algorithms)
  std::vector<double> cluster_size;
  // per T: spins flipped per measuring sweep / N, the work a sweep does (Metropolis, heat bath:
  // the acceptance; Swendsen-Wang: about 1/2; Wolff: its clusters per sweep times their mean
  // size, near 1 when the second half of the thermalisation was in equilibrium)
  std::vector<double> flips_per_sweep;
  std::vector<std::int8_t> configs;  // (n_T, n_samples, N) when save_configs
  std::string sampler;               // which implementation ran, e.g. "multispin-metropolis-avx512"
};

void check_sweep_params(const SweepParams& p, std::int64_t n_spins);

SweepResult run_sweep(const Lattice& lattice, Algorithm algorithm, const SweepParams& params);
SweepResult run_sweep(const Graph& graph, Algorithm algorithm, const SweepParams& params);

}  // namespace isingvi
