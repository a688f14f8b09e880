// Vectorised exp, log, tanh (and the mean field's tanh + binary entropy) over arrays of
// doubles, compiled once per instruction set (isingvi_isa_kernel in CMakeLists.txt, with
// -ffp-contract=off): plain branch-free loops that GCC and Clang auto-vectorise. Every
// version performs the same IEEE operations in the same order (no fused multiply-adds,
// no libm), so the results are bit-identical on every instruction set.
//
// exp and log are those of vecmath_body.hpp (their methods are described there), compiled
// here inside this instruction set's namespace. tanh: |tanh y| = -expm1(-2a) / (2 + expm1(-2a)),
// a = |y|, expm1 without cancellation.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "vecmath_isa.hpp"

namespace isingvi::kernels::ISINGVI_ISA {

namespace {

#include "vecmath_body.hpp"

// For a = |y| <= kClamp: em = expm1(-2a) (exact to rounding, also for small a) and e = exp(-2a).
constexpr double kClamp = 350.0;  // 2^k stays normal; tanh is +-1 and H2 < 1e-300 beyond
inline void exp_neg2a(double a, double& em, double& e) {
  const ExpPair p = exp_neg(-2.0 * a);  // -2a >= -700: exp_neg's clamp never applies
  em = -p.one_minus_e;
  e = p.e;
}

inline double with_sign_of(double v, double y) { return from_bits((to_bits(v) & ~kSign) | (to_bits(y) & kSign)); }

inline double abs_clamped(double y) {
  const double a = from_bits(to_bits(y) & ~kSign);
  return a > kClamp ? kClamp : a;  // NaN passes through
}

}  // namespace

void vec_exp(const double* x, double* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = exp_any(x[i]);
}

void vec_log(const double* x, double* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = log_any(x[i]);
}

void vec_tanh(const double* x, double* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    double em, e;
    exp_neg2a(abs_clamped(x[i]), em, e);
    const double t = with_sign_of(-em / (2.0 + em), x[i]);
    y[i] = x[i] != x[i] ? x[i] + x[i] : t;
  }
}

// m = tanh(y) as vec_tanh and H = H2((1 + m)/2) = ln(2 cosh y) - y tanh y from the same
// exponential: H = log1p(e) + a (1 - |m|), 1 - |m| = 2e / (1 + e), e = exp(-2a) (absolute
// error ~1e-16).
void tanh_entropy(const double* __restrict y, double* __restrict m, double* __restrict H, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const double a = abs_clamped(y[i]);
    double em, e;
    exp_neg2a(a, em, e);
    const double inv = 1.0 / (2.0 + em);  // 1 / (1 + e)
    m[i] = with_sign_of(-em * inv, y[i]);
    // log1p(e), e in [0, 1]: 1 + e = 2^k (1 + f) with 1 + f within [sqrt(1/2), sqrt(2)].
    const bool half = e > 0.41421356237309503;
    const double l = log_reduced(half ? 0.5 * (e - 1.0) : e, half ? 1.0 : 0.0);
    H[i] = l + a * (2.0 * e * inv);
  }
}

}  // namespace isingvi::kernels::ISINGVI_ISA
