// Private to the core: parallel (flooding) BP on a periodic square or cubic lattice, in
// structure-of-arrays form that the compiler vectorises.
//
// Messages are stored per direction: out[d][i] is the message node i sends to its neighbour
// in direction d, d = 2 axis + side (axis 0 = x, 1 = y, 2 = z; side 0 = -, 1 = +), so node i
// receives from direction d the message out[d ^ 1][neighbour]. Node x + L r lies in row r
// (r = y, or y + L z); a row is processed as a whole, its neighbours found by index arithmetic.
//
// One pass over the lattice reads the messages of one iteration, forms every cavity field
// once, and from them both sends the next iteration's messages and evaluates the Bethe free
// energy of the current ones (the pair beliefs are built from the same cavity fields), so the
// per-iteration trace costs little. The math is the same as the generic path's
// (bp_state.hpp, bp_bethe.cpp) written through e^{-2 beta |x|} (vecmath/vecmath_inline.hpp):
//   |u| = T/2 ln(1 + (1 - q_J)(1 - q_c) / (q_J + q_c)),   q_x = exp(-2 beta |x|),
// which is atanh(tanh(beta |J|) tanh(beta |c|)) / beta without overflow or cancellation as
// long as q_J is a normal number: lattice_bp_applies asks beta |J| <= 300.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "bp_state.hpp"
#include "isingvi/bp.hpp"
#include "isingvi/models.hpp"

namespace isingvi::detail {

struct LatticeBP {
  int dim = 2, L = 0;
  std::int64_t N = 0, rows = 0;
  double beta = 1.0, T = 1.0, J = 0.0, h = 0.0, damping = 0.0;
  double qJ = 1.0, one_minus_qJ = 0.0;  // exp(-2 beta |J|), 1 - exp(-2 beta |J|)
  const double* cur[6] = {};           // messages of this iteration, out[d] as above
  double* next[6] = {};                // the next iteration's (damped)
};

// Sums over one row: its nodes and its share of the edges (to x + 1, to the row below in y,
// to the next row in z: each edge in one row), energy and Bethe free energy (not per spin),
// and max |u_new - u_old| of the messages the row sends (undamped).
struct RowSums {
  double energy, free_energy, max_du;
};

bool lattice_bp_applies(double beta, double J);  // beta |J| <= 300
void lattice_bp_constants(LatticeBP& s);         // qJ and one_minus_qJ from beta and J

std::size_t lattice_row_scratch(int dim, int L);  // doubles of working space for bp_lattice_row

// Row r: writes next[d][r L .. r L + L) and, where not null, the row's nodes' marginals (N)
// and its edges' corr[axis] (N each: corr[axis][i] = <s_i s_j> of the edge from i to its +
// neighbour). have_below: the call before, with the same scratch, processed the row below
// in y (r - 1, with y > 0), whose cavity fields the y edges reuse.
RowSums bp_lattice_row(const LatticeBP& s, std::int64_t r, double* scratch, bool have_below, double* marginals,
                       double* const* corr);

// One temperature of parallel BP on the lattice from the start messages `start` (in the
// generic layout's slots of `g`, the graph of the lattice), on up to `threads` threads
// (results do not depend on it). Calls trace(iteration, f per spin, max du) for every
// iteration trace_keeps and the last; writes the final marginals (N) and correlations (graph
// edge order of g).
struct LatticeOutcome {
  double f, u;
  bool converged;
  std::int64_t n_iter;
};
LatticeOutcome lattice_bp(const Lattice& lat, const BPLayout& g, const std::vector<double>& start, double T,
                          const BPParams& p, double tol, double* marginals, double* correlations,
                          const std::function<void(std::int64_t, double, double)>& trace);

}  // namespace isingvi::detail
