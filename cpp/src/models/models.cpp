#include "isingvi/models.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "isingvi/check.hpp"

namespace isingvi {

Graph::Graph(int n, const std::vector<int>& edge_i, const std::vector<int>& edge_j,
             const std::vector<double>& couplings, const std::vector<double>& fields)
    : n_(n), edge_i_(edge_i), edge_j_(edge_j), couplings_(couplings), fields_(fields) {
  require(n >= 1, "n", "the number of spins must be >= 1, got " + std::to_string(n));
  require(edge_i.size() == edge_j.size(), "edges", "must have shape (m, 2)");
  require(couplings.size() == edge_i.size(), "couplings",
          "needs one value per edge: " + std::to_string(edge_i.size()) + " edges, " +
              std::to_string(couplings.size()) + " couplings");
  if (fields_.empty()) fields_.assign(static_cast<std::size_t>(n), 0.0);
  require(fields_.size() == static_cast<std::size_t>(n), "fields",
          "needs one value per spin: n = " + std::to_string(n) + ", got " +
              std::to_string(fields.size()));
  std::vector<std::pair<int, int>> seen;
  seen.reserve(edge_i.size());
  // Messages are built only on failure: a million-edge lattice is validated in milliseconds.
  for (std::size_t e = 0; e < edge_i.size(); ++e) {
    const int i = edge_i[e], j = edge_j[e];
    const auto where = [e] { return " (edge " + std::to_string(e) + ")"; };
    if (i < 0 || i >= n || j < 0 || j >= n)
      fail("edges", "spin index out of range [0, " + std::to_string(n) + "): (" + std::to_string(i) + ", " +
                        std::to_string(j) + ")" + where());
    if (i == j) fail("edges", "self-loop (" + std::to_string(i) + ", " + std::to_string(i) + ")" + where());
    if (!std::isfinite(couplings[e])) fail("couplings", "must be finite" + where());
    seen.emplace_back(std::min(i, j), std::max(i, j));
  }
  for (std::size_t i = 0; i < fields_.size(); ++i)
    if (!std::isfinite(fields_[i])) fail("fields", "must be finite (spin " + std::to_string(i) + ")");
  std::sort(seen.begin(), seen.end());
  const auto dup = std::adjacent_find(seen.begin(), seen.end());
  if (dup != seen.end())
    fail("edges", "duplicate edge (" + std::to_string(dup->first) + ", " +
                      std::to_string(dup->second) + "): give each pair once with its total coupling");

  std::vector<int> degree(static_cast<std::size_t>(n), 0);
  for (std::size_t e = 0; e < edge_i.size(); ++e) {
    ++degree[edge_i[e]];
    ++degree[edge_j[e]];
  }
  row_.assign(static_cast<std::size_t>(n) + 1, 0);
  for (int i = 0; i < n; ++i) row_[i + 1] = row_[i] + degree[i];
  nbr_.resize(static_cast<std::size_t>(row_[n]));
  nbr_J_.resize(static_cast<std::size_t>(row_[n]));
  std::vector<int> fill(row_.begin(), row_.end() - 1);
  for (std::size_t e = 0; e < edge_i.size(); ++e) {
    const int i = edge_i[e], j = edge_j[e];
    nbr_[fill[i]] = j;
    nbr_J_[fill[i]++] = couplings[e];
    nbr_[fill[j]] = i;
    nbr_J_[fill[j]++] = couplings[e];
  }
}

double Graph::energy(const std::int8_t* s) const {
  double e = 0.0;
  for (std::size_t k = 0; k < edge_i_.size(); ++k) e -= couplings_[k] * s[edge_i_[k]] * s[edge_j_[k]];
  for (int i = 0; i < n_; ++i) e -= fields_[i] * s[i];
  return e;
}

bool Graph::has_fields() const {
  return std::any_of(fields_.begin(), fields_.end(), [](double h) { return h != 0.0; });
}

bool Graph::is_ferromagnetic() const {
  return std::all_of(couplings_.begin(), couplings_.end(), [](double J) { return J >= 0.0; });
}

Lattice::Lattice(int dim_, int L_, double J_, double h_) : dim(dim_), L(L_), J(J_), h(h_) {
  require(dim == 2 || dim == 3, "dim", "must be 2 (square) or 3 (cubic)");
  require(L >= 2, "L", "the linear size must be >= 2, got " + std::to_string(L));
  const int max_L = dim == 2 ? 46340 : 1290;  // keep N within 31-bit site indices
  require(L <= max_L, "L", "too large: N = L^" + std::to_string(dim) + " must fit in 31 bits");
  require_finite(J, "J");
  require_finite(h, "h");
}

std::int64_t Lattice::n() const {
  std::int64_t n = 1;
  for (int d = 0; d < dim; ++d) n *= L;
  return n;
}

Graph Lattice::to_graph() const {
  const auto N = static_cast<int>(n());
  // Bonds as (min, max) pairs sorted like a map would be; a sorted vector is ~10x faster
  // than std::map for a million sites. For L = 2 both bonds of a pair collapse into one of 2J.
  std::vector<std::pair<int, int>> pairs;
  pairs.reserve(static_cast<std::size_t>(N) * static_cast<std::size_t>(dim));
  std::int64_t stride = 1;
  for (int d = 0; d < dim; ++d, stride *= L) {
    for (int i = 0; i < N; ++i) {
      const int coord = static_cast<int>((i / stride) % L);
      const int j = static_cast<int>(i + (coord == L - 1 ? -(L - 1) * stride : stride));
      pairs.emplace_back(std::min(i, j), std::max(i, j));
    }
  }
  std::sort(pairs.begin(), pairs.end());
  std::vector<int> ei, ej;
  std::vector<double> Jv;
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    if (k > 0 && pairs[k] == pairs[k - 1]) {
      Jv.back() += J;
      continue;
    }
    ei.push_back(pairs[k].first);
    ej.push_back(pairs[k].second);
    Jv.push_back(J);
  }
  return Graph(N, ei, ej, Jv, std::vector<double>(static_cast<std::size_t>(N), h));
}

}  // namespace isingvi
