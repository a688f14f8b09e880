// Private to the core: one sequential single-spin sweep on a Graph, shared by the Monte Carlo
// driver (mc_graph.cpp) and annealed importance sampling (ais.cpp).
#pragma once
#include <cmath>
#include <cstdint>

#include "isingvi/mc.hpp"
#include "isingvi/models.hpp"
#include "isingvi/rng.hpp"

namespace isingvi::detail {

// What a sweep changed: flipped spins, and the changes of the total M and E.
struct SweepTally {
  std::int64_t flips = 0;
  std::int64_t dM = 0;
  double dE = 0.0;
};

// Visits the spins in index order and updates each with Metropolis (alg == Metropolis) or
// heat bath (any other value), at inverse temperature beta, with one uniform draw per spin.
// The energy change of a flip is 2 s_i (h_i + sum_j J_ij s_j), summed into dE.
inline void sequential_sweep(const Graph& g, Algorithm alg, double beta, std::int8_t* s, Rng& rng,
                             SweepTally& tally) {
  const auto& row = g.row();
  const auto& nbr = g.nbr();
  const auto& Jn = g.nbr_J();
  const auto& h = g.fields();
  const int n = g.n();
  for (int i = 0; i < n; ++i) {
    double local = h[i];
    for (int e = row[i]; e < row[i + 1]; ++e) local += Jn[e] * s[nbr[e]];
    const int si = s[i];
    const double dE = 2.0 * si * local;
    bool flip;
    if (alg == Algorithm::Metropolis) {
      flip = dE <= 0.0 || rng.uniform() < std::exp(-beta * dE);
    } else {
      const bool up = rng.uniform() * (1.0 + std::exp(-2.0 * beta * local)) < 1.0;
      flip = up != (si > 0);
    }
    if (flip) {
      s[i] = static_cast<std::int8_t>(-si);
      tally.dM -= 2 * si;
      tally.dE += dE;
      ++tally.flips;
    }
  }
}

}  // namespace isingvi::detail
