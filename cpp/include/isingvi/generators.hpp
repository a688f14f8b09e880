// Random model generators. Every one draws its disorder from an explicit seed, so the same
// (parameters, seed) always gives the same instance.
#pragma once
#include <cstdint>

#include "isingvi/models.hpp"

namespace isingvi {

// Sherrington-Kirkpatrick: all pairs, J_ij ~ N(0, 1/N), no fields.
Graph sherrington_kirkpatrick(int n, std::uint64_t seed);
// Edwards-Anderson +-J on the periodic L x L square lattice (L >= 3), J_ij = +-1 with p = 1/2.
Graph edwards_anderson(int L, std::uint64_t seed);
// Random-field Ising model: the graph's couplings, fields h_i + sigma * xi_i with xi_i ~ N(0, 1).
Graph random_field(const Graph& g, double sigma, std::uint64_t seed);
// Random k-regular simple graph on n vertices (pairing with local rejection), couplings J.
Graph random_regular(int n, int k, std::uint64_t seed, double J);
// Random recursive tree on n vertices (vertex i > 0 joins a uniform earlier vertex), couplings J.
Graph random_tree(int n, std::uint64_t seed, double J);

}  // namespace isingvi
