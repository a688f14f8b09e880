// Private to the core: Swendsen-Wang temperature sweeps (swendsen_wang.cpp), reached through
// run_sweep with Algorithm::SwendsenWang.
#pragma once
#include "isingvi/mc.hpp"
#include "isingvi/models.hpp"

namespace isingvi::detail {

// Ferromagnets (J >= 0) at zero field only: anything else is a ValueError naming h / J
// (lattices) or fields / couplings (graphs).
SweepResult run_swendsen_wang(const Lattice& lattice, const SweepParams& params);
SweepResult run_swendsen_wang(const Graph& graph, const SweepParams& params);

}  // namespace isingvi::detail
