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

// One spin's update, shared by every sequential sweep (here and graph_table.hpp) so that they
// decide alike, bit for bit. Metropolis flips when dE <= 0 or a uniform is below accept()
// (= exp(-beta dE), called only when needed); heat bath sets s_i = +1 when a uniform times
// up_denominator() (= 1 + exp(-2 beta local)) is below 1. One uniform per spin either way.
template <class Accept, class UpDenominator>
inline void update_spin(Algorithm alg, std::int8_t& s_i, double dE, Rng& rng, SweepTally& tally,
                        Accept accept, UpDenominator up_denominator) {
  const int si = s_i;
  bool flip;
  if (alg == Algorithm::Metropolis) {
    flip = dE <= 0.0 || rng.uniform() < accept();
  } else {
    const bool up = rng.uniform() * up_denominator() < 1.0;
    flip = up != (si > 0);
  }
  if (flip) {
    s_i = static_cast<std::int8_t>(-si);
    tally.dM -= 2 * si;
    tally.dE += dE;
    ++tally.flips;
  }
}

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
    const double dE = 2.0 * s[i] * local;
    update_spin(
        alg, s[i], dE, rng, tally, [&] { return std::exp(-beta * dE); },
        [&] { return 1.0 + std::exp(-2.0 * beta * local); });
  }
}

}  // namespace isingvi::detail
