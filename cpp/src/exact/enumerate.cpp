// Exact enumeration in Gray-code order: one spin flips between consecutive states, so each
// step costs O(degree) for the energy and O(1) per temperature for the sums. Marginals and
// edge correlations are accumulated lazily: a spin's running sum is brought up to date only
// when that spin flips, which keeps them O(1) amortised per state too.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "isingvi/check.hpp"
#include "isingvi/exact.hpp"
#include "isingvi/monitor.hpp"
#include "parallel.hpp"

namespace isingvi {
namespace {

constexpr int kMaxSpins = 30;

// The state space is 2^n = (chunks) x (2^low states); the high spins are fixed per chunk.
struct Layout {
  int high, low;
  std::int64_t chunks, per_chunk;
};

Layout layout(int n) {
  const int high = std::min(n, 6);
  return {high, n - high, std::int64_t{1} << high, std::int64_t{1} << (n - high)};
}

// Spin configuration of the first state of chunk c: low spins +1, high spins from c's bits.
void chunk_start(int n, const Layout& lay, std::int64_t c, std::vector<std::int8_t>& s) {
  s.assign(static_cast<std::size_t>(n), 1);
  for (int b = 0; b < lay.high; ++b)
    if ((c >> b) & 1) s[lay.low + b] = -1;
}

struct ChunkSums {
  std::vector<double> z, ze, ze2;  // per T: sum w, sum w dE, sum w dE^2 (dE = E - E_min)
  std::vector<double> zm;          // (n_T, n + 1): sum of w by magnetisation
  std::vector<double> marg, corr;  // (n_T, n), (n_T, m)
};

// Walks chunk c in Gray-code order, calling visit(E, M, flipped spin or -1) per state.
template <class Visit>
void walk_chunk(const Graph& g, const Layout& lay, std::int64_t c, Visit&& visit) {
  std::vector<std::int8_t> s;
  chunk_start(g.n(), lay, c, s);
  double E = g.energy(s.data());
  std::int64_t M = 0;
  for (auto si : s) M += si;
  visit(E, M, -1, s);
  const auto& row = g.row();
  const auto& nbr = g.nbr();
  const auto& Jn = g.nbr_J();
  const auto& h = g.fields();
  constexpr std::int64_t kStatesPerCheck = std::int64_t{1} << 16;  // about a millisecond
  for (std::int64_t t = 1; t < lay.per_chunk; ++t) {
    if (t % kStatesPerCheck == 0) checkpoint(kStatesPerCheck);
    const int i = __builtin_ctzll(static_cast<unsigned long long>(t));
    double local = h[i];
    for (int e = row[i]; e < row[i + 1]; ++e) local += Jn[e] * s[nbr[e]];
    E += 2.0 * s[i] * local;
    M -= 2 * s[i];
    visit(E, M, i, s);  // s still holds the old spin i: visit flips it
  }
  checkpoint(lay.per_chunk - kStatesPerCheck * ((lay.per_chunk - 1) / kStatesPerCheck));  // the rest
}

}  // namespace

Thermo enumerate(const Graph& g, const std::vector<double>& T, bool want_marginals,
                 bool want_correlations, int threads) {
  const int n = g.n();
  require(n <= kMaxSpins, "model", "exact enumeration needs N <= " + std::to_string(kMaxSpins) +
                                       " spins, got N = " + std::to_string(n));
  require_temperatures(T);
  require(threads >= 1, "threads", "must be >= 1");
  const Layout lay = layout(n);
  const auto nT = static_cast<int>(T.size());
  const int m = g.n_edges();
  expect_work(2 * lay.chunks * lay.per_chunk);  // progress in states visited, two passes

  // Pass 1: the ground-state energy, the reference that keeps every weight <= 1.
  std::vector<double> chunk_min(static_cast<std::size_t>(lay.chunks));
  detail::parallel_for(lay.chunks, threads, [&](std::int64_t c) {
    double lo = std::numeric_limits<double>::infinity();
    walk_chunk(g, lay, c, [&](double E, std::int64_t, int i, std::vector<std::int8_t>& s) {
      if (i >= 0) s[i] = static_cast<std::int8_t>(-s[i]);
      lo = std::min(lo, E);
    });
    chunk_min[c] = lo;
  });
  const double e_min = *std::min_element(chunk_min.begin(), chunk_min.end());

  // Incident edges of each spin, for the lazy correlation sums.
  std::vector<std::vector<int>> incident(static_cast<std::size_t>(n));
  for (int e = 0; e < m; ++e) {
    incident[g.edge_i()[e]].push_back(e);
    incident[g.edge_j()[e]].push_back(e);
  }

  // Pass 2: Boltzmann sums per chunk, combined afterwards in chunk order.
  std::vector<ChunkSums> sums(static_cast<std::size_t>(lay.chunks));
  detail::parallel_for(lay.chunks, threads, [&](std::int64_t c) {
    ChunkSums& cs = sums[c];
    cs.z.assign(nT, 0.0);
    cs.ze.assign(nT, 0.0);
    cs.ze2.assign(nT, 0.0);
    cs.zm.assign(static_cast<std::size_t>(nT) * (n + 1), 0.0);
    std::vector<double> last_m, last_c;  // running z at the last flush of each spin / edge
    if (want_marginals) cs.marg.assign(static_cast<std::size_t>(nT) * n, 0.0), last_m = cs.marg;
    if (want_correlations) cs.corr.assign(static_cast<std::size_t>(nT) * m, 0.0), last_c = cs.corr;
    const auto& ei = g.edge_i();
    const auto& ej = g.edge_j();
    auto flush_spin = [&](int t, int i, const std::vector<std::int8_t>& s) {
      const std::size_t k = static_cast<std::size_t>(t) * n + i;
      cs.marg[k] += s[i] * (cs.z[t] - last_m[k]);
      last_m[k] = cs.z[t];
    };
    auto flush_edge = [&](int t, int e, const std::vector<std::int8_t>& s) {
      const std::size_t k = static_cast<std::size_t>(t) * m + e;
      cs.corr[k] += s[ei[e]] * s[ej[e]] * (cs.z[t] - last_c[k]);
      last_c[k] = cs.z[t];
    };
    walk_chunk(g, lay, c, [&](double E, std::int64_t M, int i, std::vector<std::int8_t>& s) {
      if (i >= 0) {  // spin i is about to flip: settle the sums that involve it
        for (int t = 0; t < nT; ++t) {
          if (want_marginals) flush_spin(t, i, s);
          if (want_correlations)
            for (int e : incident[i]) flush_edge(t, e, s);
        }
        s[i] = static_cast<std::int8_t>(-s[i]);
      }
      const double dE = E - e_min;
      const std::size_t mbin = static_cast<std::size_t>((M + n) / 2);
      for (int t = 0; t < nT; ++t) {
        const double w = std::exp(-dE / T[t]);
        cs.z[t] += w;
        cs.ze[t] += w * dE;
        cs.ze2[t] += w * dE * dE;
        cs.zm[static_cast<std::size_t>(t) * (n + 1) + mbin] += w;
      }
    });
    // Settle every spin and edge at the end of the chunk (the last state's spins).
    std::vector<std::int8_t> s;
    chunk_start(n, lay, c, s);
    for (std::int64_t t = 1; t < lay.per_chunk; ++t) {
      const int i = __builtin_ctzll(static_cast<unsigned long long>(t));
      s[i] = static_cast<std::int8_t>(-s[i]);
    }
    for (int t = 0; t < nT; ++t) {
      if (want_marginals)
        for (int i = 0; i < n; ++i) flush_spin(t, i, s);
      if (want_correlations)
        for (int e = 0; e < m; ++e) flush_edge(t, e, s);
    }
  });

  Thermo out;
  const double N = n;
  out.T = T;
  if (want_marginals) out.marginals.assign(static_cast<std::size_t>(nT) * n, 0.0);
  if (want_correlations) out.correlations.assign(static_cast<std::size_t>(nT) * m, 0.0);
  for (int t = 0; t < nT; ++t) {
    double z = 0, ze = 0, ze2 = 0;
    std::vector<double> zm(static_cast<std::size_t>(n) + 1, 0.0);
    for (const auto& cs : sums) {
      z += cs.z[t];
      ze += cs.ze[t];
      ze2 += cs.ze2[t];
      for (int b = 0; b <= n; ++b) zm[b] += cs.zm[static_cast<std::size_t>(t) * (n + 1) + b];
      for (int i = 0; want_marginals && i < n; ++i)
        out.marginals[static_cast<std::size_t>(t) * n + i] += cs.marg[static_cast<std::size_t>(t) * n + i];
      for (int e = 0; want_correlations && e < m; ++e)
        out.correlations[static_cast<std::size_t>(t) * m + e] += cs.corr[static_cast<std::size_t>(t) * m + e];
    }
    for (int i = 0; want_marginals && i < n; ++i) out.marginals[static_cast<std::size_t>(t) * n + i] /= z;
    for (int e = 0; want_correlations && e < m; ++e) out.correlations[static_cast<std::size_t>(t) * m + e] /= z;
    const double beta = 1.0 / T[t];
    const double mean_de = ze / z;
    const double ln_z = (std::log(z) - beta * e_min) / N;
    const double u = (e_min + mean_de) / N;
    const double var = std::max(0.0, ze2 / z - mean_de * mean_de);
    double am = 0, m2 = 0, m4 = 0;
    for (int b = 0; b <= n; ++b) {
      const double mag = (2.0 * b - n) / N, p = zm[b] / z;
      am += p * std::fabs(mag);
      m2 += p * mag * mag;
      m4 += p * mag * mag * mag * mag;
    }
    out.beta.push_back(beta);
    out.ln_z.push_back(ln_z);
    out.f.push_back(-T[t] * ln_z);
    out.u.push_back(u);
    out.c.push_back(heat_capacity(beta, var, N));
    out.s.push_back(beta * (u + T[t] * ln_z));
    out.abs_m.push_back(am);
    out.m2.push_back(m2);
    out.m4.push_back(m4);
  }
  return out;
}

}  // namespace isingvi
