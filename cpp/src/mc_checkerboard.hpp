// Private to the core: the checkerboard single-spin samplers on periodic lattices.
#pragma once
#include "isingvi/mc.hpp"

namespace isingvi::detail {

// Metropolis or heat-bath checkerboard sweeps (L even) with the kernel for params.simd.
SweepResult run_checkerboard(const Lattice& lattice, Algorithm algorithm, const SweepParams& params);

}  // namespace isingvi::detail
