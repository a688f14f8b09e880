// Private to the core: the checkerboard single-spin samplers on periodic lattices.
#pragma once
#include <cstdint>

#include "isingvi/mc.hpp"

namespace isingvi::detail {

// Metropolis or heat-bath checkerboard sweeps (L even) with the kernel for params.simd.
SweepResult run_checkerboard(const Lattice& lattice, Algorithm algorithm, const SweepParams& params);

// The flip probability of a spin s with neighbour sum nn as a 32-bit threshold
// (probability_threshold32): a flip changes the energy by dE = 2 s (J nn + h); Metropolis
// flips with min(1, e^{-beta dE}), heat bath with 1 / (1 + e^{beta dE}) (the new spin drawn
// from its conditional distribution). Shared by the plain and the multi-spin samplers.
std::uint64_t flip_threshold32(const Lattice& lattice, Algorithm algorithm, double beta, int s, int nn);

}  // namespace isingvi::detail
