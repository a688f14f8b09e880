// Lattice BP: the iteration loop over row passes (bp_lattice_kernel.cpp), split between
// threads by rows. Every row's sums land in their own slot and are added in row order
// afterwards, so results are bit-identical for any number of threads.
#include "bp_lattice.hpp"

#include <algorithm>
#include <utility>

#include "isingvi/monitor.hpp"
#include "isingvi/trace.hpp"
#include "mc/thread_team.hpp"

namespace isingvi::detail {

namespace {

// The neighbour of site i in direction d (d = 2 axis + side), periodic.
std::int64_t neighbour(const LatticeBP& s, std::int64_t i, int d) {
  const std::int64_t L = s.L;
  std::int64_t stride = 1;
  for (int a = 0; a < d / 2; ++a) stride *= L;
  const std::int64_t coord = (i / stride) % L;
  if (d & 1) return coord == L - 1 ? i - (L - 1) * stride : i + stride;
  return coord == 0 ? i + (L - 1) * stride : i - stride;
}

// The direction from site `from` to its neighbour `to`.
int direction(const LatticeBP& s, std::int64_t from, std::int64_t to) {
  for (int d = 0; d < 2 * s.dim; ++d)
    if (neighbour(s, from, d) == to) return d;
  return -1;  // not neighbours: cannot happen for L >= 3
}

// Rows per work item: about 2^14 sites, so that a cancelled run stops within a few ms.
constexpr std::int64_t kSitesPerChunk = std::int64_t{1} << 14;

}  // namespace

LatticeOutcome lattice_bp(const Lattice& lat, const BPLayout& g, const std::vector<double>& start, double T,
                          const BPParams& p, double tol, double* marginals, double* correlations,
                          const std::function<void(std::int64_t, double, double)>& trace) {
  LatticeBP s;
  s.dim = lat.dim;
  s.L = lat.L;
  s.N = lat.n();
  s.rows = s.N / s.L;
  s.T = T;
  s.beta = 1.0 / T;
  s.J = lat.J;
  s.h = lat.h;
  s.damping = p.damping;
  lattice_bp_constants(s);
  const int D = 2 * s.dim;
  const auto N = static_cast<std::size_t>(s.N);

  // The start messages, from the generic slots: slot a of row i holds nbr[a] -> i.
  std::vector<double> store(2 * static_cast<std::size_t>(D) * N);
  double* cur[6];
  double* next[6];
  for (int d = 0; d < D; ++d) {
    cur[d] = store.data() + static_cast<std::size_t>(d) * N;
    next[d] = cur[d] + static_cast<std::size_t>(D) * N;
  }
  for (int i = 0; i < g.n; ++i)
    for (int a = g.row[i]; a < g.row[i + 1]; ++a) cur[direction(s, g.nbr[a], i)][g.nbr[a]] = start[a];

  const std::int64_t chunk = std::max<std::int64_t>(1, kSitesPerChunk / s.L);
  const int team_size = static_cast<int>(std::min<std::int64_t>(std::max(p.threads, 1), (s.rows + chunk - 1) / chunk));
  ThreadTeam team(team_size);
  std::vector<std::vector<double>> scratch(static_cast<std::size_t>(team_size),
                                           std::vector<double>(lattice_row_scratch(s.dim, s.L)));
  std::vector<RowSums> sums(static_cast<std::size_t>(s.rows));
  Monitor* monitor = current_monitor();

  // One pass: the Bethe values of cur and the next messages; returns the sums in row order.
  auto pass = [&](double* m_out, double* const* corr_out) {
    for (int d = 0; d < D; ++d) {
      s.cur[d] = cur[d];
      s.next[d] = next[d];
    }
    auto rows = [&](int t, std::int64_t begin, std::int64_t end) {
      if (monitor && monitor->cancelled()) return;  // the caller's checkpoint below throws
      for (std::int64_t r = begin; r < end; ++r) {
        const bool have_below = r > begin && r % s.L != 0;  // row r - 1 was the last one here
        sums[static_cast<std::size_t>(r)] =
            bp_lattice_row(s, r, scratch[static_cast<std::size_t>(t)].data(), have_below, m_out, corr_out);
      }
    };
    team.run_chunks(s.rows, chunk, rows);
    checkpoint();
    RowSums total{0.0, 0.0, 0.0};
    for (const RowSums& r : sums) {
      total.energy += r.energy;
      total.free_energy += r.free_energy;
      total.max_du = std::max(total.max_du, r.max_du);
    }
    return total;
  };

  const double n = static_cast<double>(s.N);
  bool converged = false;
  std::int64_t it = 0;
  double du = 0.0;
  while (!converged && it < p.max_iter) {
    checkpoint(1);  // progress in iterations, as the generic path
    ++it;
    const RowSums r = pass(nullptr, nullptr);  // f of iteration it - 1's messages, and iteration it
    if (it > 1 && trace_keeps(it - 1)) trace(it - 1, r.free_energy / n, du);
    for (int d = 0; d < D; ++d) std::swap(cur[d], next[d]);
    du = r.max_du;
    converged = du == 0.0 || du < tol;
  }
  // The last iteration's beliefs (the messages this pass sends are not used).
  std::vector<double> corr(static_cast<std::size_t>(s.dim) * N);
  double* corr_axes[3] = {corr.data(), corr.data() + N, s.dim == 3 ? corr.data() + 2 * N : nullptr};
  const RowSums last = pass(marginals, corr_axes);
  trace(it, last.free_energy / n, du);
  const int m_edges = static_cast<int>(g.edge_slot.size());
  for (int e = 0; e < m_edges; ++e) {
    const int a = g.edge_slot[e];
    const std::int64_t j = g.nbr[a], i = g.nbr[g.rev[a]];
    const int d = direction(s, i, j);  // odd: j is i's + neighbour
    correlations[e] = d & 1 ? corr_axes[d / 2][i] : corr_axes[d / 2][j];
  }
  return {last.free_energy / n, last.energy / n, converged, it};
}

}  // namespace isingvi::detail
