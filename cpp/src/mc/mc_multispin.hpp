// Private to the core: the multi-spin-coded checkerboard samplers on periodic lattices.
#pragma once
#include "isingvi/mc.hpp"

namespace isingvi::detail {

// Whether the packing serves this lattice: L a multiple of 128 (64 strips of an even
// number of planes along the last axis; see kernels/multispin.hpp).
bool multispin_supports(const Lattice& lattice);

// Metropolis or heat-bath checkerboard sweeps with 64 spins per word, kernel for params.simd.
// Each temperature's lattice is shared by max(1, threads / n_T) threads (at most one per
// 2^18 spins).
SweepResult run_multispin(const Lattice& lattice, Algorithm algorithm, const SweepParams& params);

}  // namespace isingvi::detail
