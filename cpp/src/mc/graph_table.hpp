// Private to the core: sequential graph sweeps with the flip probabilities looked up instead of
// computed, where the local fields take few values. The same numbers as sequential_sweep
// (graph_sweep.hpp), bit for bit, with the same draws: only std::exp per spin goes.
//
// When every |J_ij| is one value J0 and the fields take few values, the local field
// h_i + sum_j J_ij s_j is h_i + J0 n with n = sum_j sign(J_ij) s_j an integer in [-D, D]
// (D the largest degree). sequential_sweep sums it in floating point; when J0 and every h are
// multiples of one power of two q with (max |h| + D J0) / q < 2^52, every partial sum is an
// integer multiple of q below 2^53 q, so exact, and equal to the table's h + J0 n. Only then
// is the table used.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "graph_sweep.hpp"

namespace isingvi::detail {

// The local fields a graph's spins can see, shared by every chain on it.
struct LocalFields {
  int span = 0;                     // 2 D + 1 values of n per distinct field
  std::vector<std::int8_t> sign;    // per CSR entry (Graph::nbr): J_e / J0
  std::vector<std::int32_t> base;   // per site: the entry of n = 0 for its field
  std::vector<double> local;        // per entry: h + J0 n
};

// The table's layout, or nothing where it would not be exact, where the fields take more than
// 64 values, or where it would hold more than max(N, 64) entries (its rebuild at each beta
// should cost no more than a sweep).
std::optional<LocalFields> tabulate_local_fields(const Graph& g);

// Per entry of LocalFields::local, at one beta: dE = 2 s local for s = +1, -1, and what
// sequential_sweep compares with a uniform draw: Metropolis exp(-beta dE) for each s, heat
// bath 1 + exp(-2 beta local).
struct FlipTable {
  struct Entry {
    double dE[2];  // [0]: s = +1, [1]: s = -1
    double q[2];
  };
  std::vector<Entry> entries;
  void set(const LocalFields& lf, Algorithm alg, double beta);
};

// sequential_sweep with the probabilities from `table` (set for this beta); the same
// update_spin decides.
inline void tabulated_sweep(const Graph& g, const LocalFields& lf, const FlipTable& table, Algorithm alg,
                            std::int8_t* s, Rng& rng, SweepTally& tally) {
  const auto& row = g.row();
  const auto& nbr = g.nbr();
  const std::int8_t* sign = lf.sign.data();
  const FlipTable::Entry* entries = table.entries.data();
  const int n = g.n();
  for (int i = 0; i < n; ++i) {
    int field = 0;
    for (int e = row[i]; e < row[i + 1]; ++e) field += sign[e] * s[nbr[e]];
    const FlipTable::Entry& t = entries[lf.base[i] + field];
    const int down = s[i] < 0;
    update_spin(
        alg, s[i], t.dE[down], rng, tally, [&] { return t.q[down]; }, [&] { return t.q[0]; });
  }
}

}  // namespace isingvi::detail
