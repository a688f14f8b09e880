// The row kernel of lattice BP (bp_lattice.hpp): branch-free loops over the x of a row that
// the compiler vectorises, compiled for AVX-512, AVX2 and the baseline (vecmath/vecmath_inline.hpp). No
// fused multiply-adds, so every version, and a loop's scalar remainder, rounds alike. No
// trapping math either: it only says that floating-point exceptions are not watched, which
// lets the compiler evaluate both arms of a choice and so vectorise the loops (results are
// unchanged: rounding stays IEEE).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off", "no-trapping-math")
#elif defined(__clang__)
#pragma clang fp contract(off)
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "bp_lattice.hpp"
#include "vecmath/vecmath_inline.hpp"

namespace isingvi::detail {

namespace {

using vecmath::exp_neg;
using vecmath::log1p_pos;
using vecmath::log_pos;

// The row next to r in direction d >= 2 (y or z), periodic.
std::int64_t neighbour_row(const LatticeBP& s, std::int64_t r, int d) {
  const std::int64_t L = s.L, up = d & 1;
  const std::int64_t y = r % L;
  if (d < 4) return r - y + (up ? (y + 1 == L ? 0 : y + 1) : (y == 0 ? L - 1 : y - 1));
  const std::int64_t z = r / L;
  return y + L * (up ? (z + 1 == L ? 0 : z + 1) : (z == 0 ? L - 1 : z - 1));
}

// in[d][x]: the message node x of row r receives from direction d. The x directions are
// copied, rotated by one site, into xbuf (2 L); the others point into the message arrays.
void gather(const LatticeBP& s, std::int64_t r, double* xbuf, const double** in) {
  const int L = s.L;
  const double* from_left = s.cur[1] + r * L;   // x - 1 sends in direction +x
  const double* from_right = s.cur[0] + r * L;  // x + 1 sends in direction -x
  double* a0 = xbuf;
  double* a1 = xbuf + L;
  a0[0] = from_left[L - 1];
  std::copy(from_left, from_left + L - 1, a0 + 1);
  std::copy(from_right + 1, from_right + L, a1);
  a1[L - 1] = from_right[0];
  in[0] = a0;
  in[1] = a1;
  for (int d = 2; d < 2 * s.dim; ++d) in[d] = s.cur[d ^ 1] + neighbour_row(s, r, d) * L;
}

// The cavity fields c[d] = h + (messages in from every direction but d), summed as the generic
// path does (a prefix and a suffix, so c[d] never involves the message from d); returns the
// total field H.
template <int D>
ISINGVI_INLINE double cavities(const double* const* in, int x, double h, double* c) {
  double a[D];
#pragma GCC unroll 6
  for (int d = 0; d < D; ++d) a[d] = in[d][x];
  double pre = h;
#pragma GCC unroll 6
  for (int d = 0; d < D; ++d) {
    c[d] = pre;
    pre += a[d];
  }
  double suf = 0.0;
#pragma GCC unroll 6
  for (int d = D - 1; d >= 0; --d) {
    c[d] += suf;
    suf += a[d];
  }
  return pre;
}

// Messages out of the row's nodes, their beliefs' node terms, and the cavity fields with
// q = exp(-2 beta |c|) for the edge terms: one simple loop per step and direction (few live
// values, so the vectorised loops keep everything in registers).
template <int D>
ISINGVI_INLINE void send_row(const LatticeBP& s, const double* const* in, const double* const* old,
                             double* const* next, double* C, double* Q, double* E, double* F, double* DU,
                             double* m) {
  const int L = s.L;
  const double beta2 = 2.0 * s.beta, half_T = 0.5 * s.T, T = s.T, h = s.h;
  const double qJ = s.qJ, eJ = s.one_minus_qJ, sign_J = s.J < 0.0 ? -1.0 : 1.0;
  const double keep = s.damping, take = 1.0 - s.damping;
  constexpr double node_weight = D - 1;  // degree - 1
  double* Hs = E;  // the total fields, until the node terms replace them
#pragma GCC ivdep
  for (int x = 0; x < L; ++x) {
    double c[D];
    Hs[x] = cavities<D>(in, x, h, c);
#pragma GCC unroll 6
    for (int d = 0; d < D; ++d) C[d * L + x] = c[d];
  }
  for (int d = 0; d < D; ++d) {
    const double* c = C + d * L;
    double* q_out = Q + d * L;
    const double* o = old[d];
    double* n = next[d];
#pragma GCC ivdep
    for (int x = 0; x < L; ++x) {
      const auto q = exp_neg(-beta2 * std::fabs(c[x]));
      const double size = half_T * log1p_pos(eJ * q.one_minus_e / (qJ + q.e));
      const double u = sign_J * std::copysign(size, c[x]);
      const double du = std::fabs(u - o[x]);
      DU[x] = d == 0 ? du : std::max(DU[x], du);
      n[x] = keep * o[x] + take * u;
      q_out[x] = q.e;
    }
  }
  // b_i(s) ~ exp(beta H s): m = tanh(beta H), T S_i = |H| (1 - |m|) + T ln(1 + q)
#pragma GCC ivdep
  for (int x = 0; x < L; ++x) {
    const double H = Hs[x], a = std::fabs(H);
    const auto q = exp_neg(-beta2 * a);
    const double inv = 1.0 / (1.0 + q.e);
    const double mi = std::copysign(q.one_minus_e * inv, H);
    const double TS = a * (2.0 * q.e * inv) + T * log1p_pos(q.e);
    m[x] = mi;
    E[x] = -h * mi;
    F[x] = -h * mi + node_weight * TS;
  }
}

// The cavity field c[DM] of every node of row r (and its q), for the edges that row shares
// with the row before it in direction DM + 1.
template <int D, int DM>
ISINGVI_INLINE void partner_cavities(const LatticeBP& s, std::int64_t r, double* xbuf, double* hc, double* hq) {
  const double* in[D];
  gather(s, r, xbuf, in);
  const double beta2 = 2.0 * s.beta, h = s.h;
#pragma GCC ivdep
  for (int x = 0; x < s.L; ++x) {
    double c[D];
    cavities<D>(in, x, h, c);
    hc[x] = c[DM];
    hq[x] = exp_neg(-beta2 * std::fabs(c[DM])).e;
  }
}

// Edge terms of the pair beliefs b(s, s') ~ exp(beta (J s s' + ci s + cj s')). With
// s = sign(ci) r, s' = sign(cj) r' and K = J sign(ci) sign(cj) the weights relative to
// exp(beta (|K| + |ci| + |cj|)) are products of q_J, q_i, q_j (all <= 1: no overflow), and
// the gaps below that reference follow. T S = <gap> + T ln(sum of weights).
ISINGVI_INLINE void edge_terms(const LatticeBP& s, const double* ci, const double* qi, const double* cj,
                               const double* qj, double* E, double* F, double* corr) {
  const double J = s.J, aJ = std::fabs(s.J), qJ = s.qJ, T = s.T;
#pragma GCC ivdep
  for (int x = 0; x < s.L; ++x) {
    const double flip = std::copysign(1.0, ci[x]) * std::copysign(1.0, cj[x]);
    const bool ferro = flip * J >= 0.0;
    // Both arms of every choice are constants, so that no arithmetic is conditional (the
    // compiler may not speculate a trapping operation, and then does not vectorise).
    const double qa = ferro ? qJ : 1.0, qb = ferro ? 1.0 : qJ, ga = ferro ? aJ : 0.0, gb = ferro ? 0.0 : aJ;
    const double B = std::fabs(ci[x]), C = std::fabs(cj[x]);
    const double w_pp = qb, w_pm = qj[x] * qa, w_mp = qi[x] * qa, w_mm = (qi[x] * qj[x]) * qb;
    const double g_pp = 2.0 * gb, g_pm = 2.0 * (ga + C), g_mp = 2.0 * (ga + B), g_mm = 2.0 * ((gb + B) + C);
    const double sum = w_pp + w_pm + w_mp + w_mm, inv = 1.0 / sum;
    const double c = flip * (((w_pp + w_mm) - (w_pm + w_mp)) * inv);
    const double TS = (w_pp * g_pp + w_pm * g_pm + w_mp * g_mp + w_mm * g_mm) * inv + T * log_pos(sum);
    corr[x] = c;
    E[x] -= J * c;
    F[x] += -J * c - TS;
  }
}

// Sum and maximum in a fixed order (eight interleaved accumulators, then pairwise).
ISINGVI_INLINE double sum8(const double* v, int n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int x = 0;
  for (; x + 8 <= n; x += 8)
    for (int k = 0; k < 8; ++k) acc[k] += v[x + k];
  for (; x < n; ++x) acc[x & 7] += v[x];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

ISINGVI_INLINE double max8(const double* v, int n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int x = 0;
  for (; x + 8 <= n; x += 8)
    for (int k = 0; k < 8; ++k) acc[k] = std::max(acc[k], v[x + k]);
  for (; x < n; ++x) acc[x & 7] = std::max(acc[x & 7], v[x]);
  return std::max(std::max(std::max(acc[0], acc[1]), std::max(acc[2], acc[3])),
                  std::max(std::max(acc[4], acc[5]), std::max(acc[6], acc[7])));
}

template <int D>
ISINGVI_INLINE RowSums row(const LatticeBP& s, std::int64_t r, double* scratch, bool have_below, double* marginals,
                           double* const* corr) {
  const int L = s.L;
  const std::int64_t b = r * L;
  double* xbuf = scratch;  // 2 L
  double* C = xbuf + 2 * L;
  double* Q = C + D * L;
  double* E = Q + D * L;
  double* F = E + L;
  double* DU = F + L;
  double* spare = DU + L;   // marginals or correlations nobody asked for
  double* cj = spare + L;   // the partner's cavity fields and q for one axis
  double* qj = cj + L;
  double* bc = qj + L;  // c[+y] and its q of the row below in y, kept from the call before
  double* bq = bc + L;
  const double* in[D];
  const double* old[D];
  double* next[D];
  gather(s, r, xbuf, in);
  for (int d = 0; d < D; ++d) {
    old[d] = s.cur[d] + b;
    next[d] = s.next[d] + b;
  }
  send_row<D>(s, in, old, next, C, Q, E, F, DU, marginals ? marginals + b : spare);
  // x edges (x, x + 1): the cavity field of x + 1 without x is its c[-x], rotated by one
  std::copy(C + 1, C + L, cj);
  cj[L - 1] = C[0];
  std::copy(Q + 1, Q + L, qj);
  qj[L - 1] = Q[0];
  edge_terms(s, C + L, Q + L, cj, qj, E, F, corr ? corr[0] + b : spare);
  // y edges, with the row below: its cavity fields without this row were kept by the call
  // before when it processed that row (have_below), else they are formed here
  const std::int64_t below = neighbour_row(s, r, 2);
  if (!have_below) partner_cavities<D, 3>(s, below, xbuf, bc, bq);
  edge_terms(s, bc, bq, C + 2 * L, Q + 2 * L, E, F, corr ? corr[1] + below * L : spare);
  std::copy(C + 3 * L, C + 4 * L, bc);  // for the row above, if it comes next
  std::copy(Q + 3 * L, Q + 4 * L, bq);
  // z edges: the cavity fields of the next plane's row without this one
  if constexpr (D == 6) {
    partner_cavities<D, 4>(s, neighbour_row(s, r, 5), xbuf, cj, qj);
    edge_terms(s, C + 5 * L, Q + 5 * L, cj, qj, E, F, corr ? corr[2] + b : spare);
  }
  return {sum8(E, L), sum8(F, L), max8(DU, L)};
}

}  // namespace

// One function per lattice dimension, each compiled per instruction set.
ISINGVI_SIMD_CLONES
RowSums bp_lattice_row_square(const LatticeBP& s, std::int64_t r, double* scratch, bool have_below,
                              double* marginals, double* const* corr) {
  return row<4>(s, r, scratch, have_below, marginals, corr);
}

ISINGVI_SIMD_CLONES
RowSums bp_lattice_row_cubic(const LatticeBP& s, std::int64_t r, double* scratch, bool have_below,
                             double* marginals, double* const* corr) {
  return row<6>(s, r, scratch, have_below, marginals, corr);
}

RowSums bp_lattice_row(const LatticeBP& s, std::int64_t r, double* scratch, bool have_below, double* marginals,
                       double* const* corr) {
  return s.dim == 2 ? bp_lattice_row_square(s, r, scratch, have_below, marginals, corr)
                    : bp_lattice_row_cubic(s, r, scratch, have_below, marginals, corr);
}

std::size_t lattice_row_scratch(int dim, int L) {
  return static_cast<std::size_t>(10 + 4 * dim) * static_cast<std::size_t>(L);
}

bool lattice_bp_applies(double beta, double J) { return beta * std::fabs(J) <= 300.0; }

void lattice_bp_constants(LatticeBP& s) {
  const auto q = exp_neg(-2.0 * s.beta * std::fabs(s.J));
  s.qJ = q.e;
  s.one_minus_qJ = q.one_minus_e;
}

}  // namespace isingvi::detail
