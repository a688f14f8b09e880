// Private to the core: how the mean-field iterations visit the sites and their neighbours.
//
// for_each(visit) calls visit(i, each) for every site i in index order, and each(fn) calls
// fn(j, J_ij) for every neighbour j of i. Graphs go through their CSR adjacency; periodic
// lattices through a stencil, which saves the index and coupling loads of the CSR form.
#pragma once
#include <algorithm>
#include <cstdint>

#include "isingvi/models.hpp"
#include "meanfield_detail.hpp"

namespace isingvi::detail {

class GraphSites {
 public:
  explicit GraphSites(const Graph& g) : g_(g) {}
  int n() const { return g_.n(); }
  double field(int i) const { return g_.fields()[i]; }

  template <class Visit>
  void for_each(Visit&& visit) const {
    const int* row = g_.row().data();
    const int* nbr = g_.nbr().data();
    const double* J = g_.nbr_J().data();
    for (int i = 0; i < g_.n(); ++i) {
      auto each = [&](auto&& fn) {
        for (int k = row[i]; k < row[i + 1]; ++k) fn(nbr[k], J[k]);
      };
      visit(i, each);
    }
  }

 private:
  const Graph& g_;
};

// A periodic L^dim lattice with L >= 3. (At L = 2 the two bonds between a pair are one
// coupling 2J, which the TAP term must square as one: such lattices use GraphSites.)
class LatticeSites {
 public:
  explicit LatticeSites(const Lattice& lat)
      : dim_(lat.dim), L_(lat.L), n_(static_cast<int>(lat.n())), J_(lat.J), h_(lat.h) {}
  int n() const { return n_; }
  double field(int) const { return h_; }

  template <class Visit>
  void for_each(Visit&& visit) const {
    const int L = L_, LL = L * L, nz = dim_ == 3 ? L : 1;
    const bool cubic = dim_ == 3;
    const double J = J_;
    int i = 0;
    for (int z = 0; z < nz; ++z) {
      const int zm = (z == 0 ? L - 1 : -1) * LL, zp = (z == L - 1 ? -(L - 1) : 1) * LL;
      for (int y = 0; y < L; ++y) {
        const int ym = (y == 0 ? L - 1 : -1) * L, yp = (y == L - 1 ? -(L - 1) : 1) * L;
        for (int x = 0; x < L; ++x, ++i) {
          const int xm = x == 0 ? L - 1 : -1, xp = x == L - 1 ? -(L - 1) : 1;
          auto each = [&](auto&& fn) {
            fn(i + xm, J);
            fn(i + xp, J);
            fn(i + ym, J);
            fn(i + yp, J);
            if (cubic) {
              fn(i + zm, J);
              fn(i + zp, J);
            }
          };
          visit(i, each);
        }
      }
    }
  }

 private:
  int dim_, L_, n_;
  double J_, h_;
};

// Neighbour sums at site i: s = sum_j J_ij m_j and, for TAP, r = sum_j J_ij^2 (1 - m_j^2).
struct NeighbourSums {
  double s = 0.0, r = 0.0;
};

template <class Each>
NeighbourSums neighbour_sums(Each&& each, const double* m, bool tap) {
  NeighbourSums out;
  each([&](int j, double J) {
    out.s += J * m[j];
    if (tap) out.r += J * J * one_minus_sq(m[j]);
  });
  return out;
}

// The argument of the fixed-point map m_i = tanh(y_i) at site i with field h and sums n:
// y_i = beta (h_i + s_i - [TAP] beta m_i r_i), clamped to +-kFieldClamp (the range of the
// tanh kernel; tanh is +-1 to the last bit well before it).
inline double fixed_point_argument(double h, const NeighbourSums& n, double m_i, double beta, bool tap) {
  double field = h + n.s;
  if (tap) field -= beta * (m_i * n.r);  // m_i * r first: no 0 * inf
  const double y = beta * field;
  return std::min(std::max(y, -kFieldClamp), kFieldClamp);
}

// Energy and (for TAP) reaction totals of m, each bond met from both ends:
//   energy = -(1/2) sum_i m_i sum_j J_ij m_j - sum_i h_i m_i,
//   reaction = (1/2) sum_i (1 - m_i^2) sum_j J_ij^2 (1 - m_j^2). Entropy is left 0.
// With y, also every site's fixed-point argument at m and beta from the same sums (one pass
// over the bonds serves the free energy of this iterate and the update to the next).
template <class Sites>
MeanFieldTerms energy_terms(const Sites& sites, const double* m, bool tap, double beta = 0.0,
                            double* y = nullptr) {
  double pair = 0.0, field = 0.0, reaction = 0.0;
  sites.for_each([&](int i, auto&& each) {
    const NeighbourSums n = neighbour_sums(each, m, tap);
    pair += m[i] * n.s;
    field += sites.field(i) * m[i];
    if (tap) reaction += one_minus_sq(m[i]) * n.r;
    if (y) y[i] = fixed_point_argument(sites.field(i), n, m[i], beta, tap);
  });
  MeanFieldTerms t;
  t.energy = -0.5 * pair - field;
  t.reaction = 0.5 * reaction;
  return t;
}

}  // namespace isingvi::detail
