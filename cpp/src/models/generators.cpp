#include "isingvi/generators.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "isingvi/check.hpp"
#include "isingvi/rng.hpp"

namespace isingvi {
namespace {
// Stream ids keep the generators' draws apart even when users pass the same seed to each.
enum Stream : std::uint64_t { kSK = 1, kEA, kRF, kRR, kTree };
}  // namespace

Graph sherrington_kirkpatrick(int n, std::uint64_t seed) {
  require(n >= 2, "N", "SK needs at least 2 spins, got " + std::to_string(n));
  require(n <= 20000, "N", "SK has N^2/2 couplings; N <= 20000, got " + std::to_string(n));
  Rng rng(seed, kSK);
  const double scale = 1.0 / std::sqrt(static_cast<double>(n));
  std::vector<int> ei, ej;
  std::vector<double> J;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      ei.push_back(i);
      ej.push_back(j);
      J.push_back(scale * rng.normal());
    }
  return Graph(n, ei, ej, J, {});
}

Graph edwards_anderson(int L, std::uint64_t seed) {
  require(L >= 3, "L", "Edwards-Anderson needs L >= 3 (L = 2 would double bonds), got " + std::to_string(L));
  const Graph lattice = Lattice(2, L, 1.0, 0.0).to_graph();
  Rng rng(seed, kEA);
  std::vector<double> J(lattice.couplings().size());
  for (auto& Jij : J) Jij = rng.next() >> 63 ? 1.0 : -1.0;
  return Graph(lattice.n(), lattice.edge_i(), lattice.edge_j(), J, {});
}

Graph random_field(const Graph& g, double sigma, std::uint64_t seed) {
  require(std::isfinite(sigma) && sigma >= 0.0, "sigma", "must be finite and >= 0, got " + std::to_string(sigma));
  Rng rng(seed, kRF);
  std::vector<double> h = g.fields();
  for (auto& hi : h) hi += sigma * rng.normal();
  return Graph(g.n(), g.edge_i(), g.edge_j(), g.couplings(), h);
}

namespace {

// Edge list of a uniform-ish random simple k-regular graph, k <= (n - 1) / 2: pair half-edges
// at random, rejecting only the offending pair (Steger-Wormald); start over when the
// remaining half-edges cannot be paired.
std::set<std::pair<int, int>> sparse_regular(int n, int k, Rng& rng) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::vector<int> points;
    for (int v = 0; v < n; ++v) points.insert(points.end(), k, v);
    std::set<std::pair<int, int>> edges;
    bool stuck = false;
    while (!points.empty() && !stuck) {
      stuck = true;
      for (int tries = 0; tries < 100; ++tries) {
        const auto a = rng.below(points.size());
        auto b = rng.below(points.size() - 1);
        if (b >= a) ++b;
        const int u = points[a], v = points[b];
        if (u == v || edges.count({std::min(u, v), std::max(u, v)})) continue;
        edges.insert({std::min(u, v), std::max(u, v)});
        for (auto idx : {std::max(a, b), std::min(a, b)}) {
          points[idx] = points.back();
          points.pop_back();
        }
        stuck = false;
        break;
      }
    }
    if (!stuck) return edges;
  }
  fail("k", "could not draw a simple " + std::to_string(k) + "-regular graph on " + std::to_string(n) +
                " vertices in 1000 attempts");
}

}  // namespace

Graph random_regular(int n, int k, std::uint64_t seed, double J) {
  require(n >= 2, "N", "needs at least 2 vertices, got " + std::to_string(n));
  require(k >= 1 && k < n, "k", "the degree must satisfy 1 <= k < N, got " + std::to_string(k));
  require((static_cast<std::int64_t>(n) * k) % 2 == 0, "k", "N * k must be even");
  require(static_cast<std::int64_t>(n) * k / 2 <= 100000000, "k", "N * k / 2 must be <= 10^8 edges");
  require_finite(J, "J");
  Rng rng(seed, kRR);
  // Pairing only works well for sparse graphs; a dense k-regular graph is the complement of a
  // random (N - 1 - k)-regular one (uniform stays uniform under complement).
  const bool dense = 2 * k > n - 1;
  const auto drawn = sparse_regular(n, dense ? n - 1 - k : k, rng);
  std::vector<int> ei, ej;
  auto add = [&](int u, int v) {
    ei.push_back(u);
    ej.push_back(v);
  };
  if (dense) {
    for (int u = 0; u < n; ++u)
      for (int v = u + 1; v < n; ++v)
        if (!drawn.count({u, v})) add(u, v);
  } else {
    for (const auto& [u, v] : drawn) add(u, v);
  }
  return Graph(n, ei, ej, std::vector<double>(ei.size(), J), {});
}

Graph random_tree(int n, std::uint64_t seed, double J) {
  require(n >= 2, "N", "a tree needs at least 2 vertices, got " + std::to_string(n));
  require_finite(J, "J");
  Rng rng(seed, kTree);
  std::vector<int> ei, ej;
  for (int v = 1; v < n; ++v) {
    ei.push_back(static_cast<int>(rng.below(static_cast<std::uint64_t>(v))));
    ej.push_back(v);
  }
  return Graph(n, ei, ej, std::vector<double>(ei.size(), J), {});
}

}  // namespace isingvi
