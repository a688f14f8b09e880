// Vectorised exp, log, tanh (and the mean field's tanh + binary entropy) over arrays of
// doubles, compiled once per instruction set (isingvi_isa_kernel in CMakeLists.txt, with
// -ffp-contract=off): plain branch-free loops that GCC and Clang auto-vectorise. Every
// version performs the same IEEE operations in the same order (no fused multiply-adds,
// no libm), so the results are bit-identical on every instruction set.
//
// Methods (errors measured by tests/test_vecmath.py against the C library):
//   exp:  k = round(x / ln 2), r = x - k ln 2 (Cody-Waite, |r| <= ln2/2), exp(r) by its
//         Taylor series to r^13; 2^k applied in two halves so that subnormal results round once.
//   log:  x = 2^k z, z in [sqrt(1/2), sqrt(2)) from the bits; log z = 2 atanh(f/(2+f)),
//         f = z - 1, by fdlibm's polynomial; subnormal x scaled by 2^54 first.
//   tanh: |tanh y| = -expm1(-2a) / (2 + expm1(-2a)), a = |y|, expm1 without cancellation.
// Integer <-> double conversions go through the bits (adding 1.5 * 2^52), which AVX2 lacks
// as instructions for 64-bit integers.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "vecmath_isa.hpp"

namespace isingvi::kernels::ISINGVI_ISA {

namespace {

inline double from_bits(std::uint64_t b) {
  double d;
  std::memcpy(&d, &b, sizeof d);
  return d;
}

inline std::uint64_t to_bits(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

constexpr double kShift = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
constexpr std::uint64_t kShiftBits = 0x4338000000000000ULL;
constexpr std::uint64_t kSign = 0x8000000000000000ULL;
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // low 32 bits zero: k ln2_hi is exact
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInf = __builtin_inf();

// x = k ln 2 + r with |r| <= ln 2 / 2 (x within +-1100): returns r, and in kd the integer k
// plus kShift (its low bits are k).
inline double reduce(double x, double& kd) {
  kd = x * 1.4426950408889634 + kShift;
  const double k = kd - kShift;
  return (x - k * kLn2Hi) - k * kLn2Lo;
}

// expm1(r) = r (1 + r/2 + ... + r^12/13!) for |r| <= ln 2 / 2 (relative error < 1e-17),
// the polynomial in Estrin's scheme: short dependency chains keep the vector units busy.
inline double expm1_reduced(double r) {
  const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const double a0 = 1.0 + r * 0.5, a1 = 1.0 / 6.0 + r * (1.0 / 24.0), a2 = 1.0 / 120.0 + r * (1.0 / 720.0),
               a3 = 1.0 / 5040.0 + r * (1.0 / 40320.0), a4 = 1.0 / 362880.0 + r * (1.0 / 3628800.0),
               a5 = 1.0 / 39916800.0 + r * (1.0 / 479001600.0), a6 = 1.0 / 6227020800.0;
  const double b0 = a0 + r2 * a1, b1 = a2 + r2 * a3, b2 = a4 + r2 * a5;
  const double p = (b0 + r4 * b1) + r8 * (b2 + r4 * a6);
  return p * r;
}

// 2^(k + add) for kd from reduce() (the result must be a normal number).
inline double pow2(double kd, std::int64_t add) {
  return from_bits((to_bits(kd) - kShiftBits + static_cast<std::uint64_t>(1023 + add)) << 52);
}

inline double exp1(double x) {
  const double xc = x < -746.0 ? -746.0 : (x > 710.0 ? 710.0 : x);  // NaN passes through
  double kd;
  const double q = expm1_reduced(reduce(xc, kd));
  // 2^k = 2^k1 2^(k - k1) with k1 = floor(k/2): both halves normal for k in [-1077, 1025].
  const std::uint64_t k2048 = to_bits(kd) - kShiftBits + 2048;  // k + 2048 > 0
  const std::uint64_t k1 = k2048 >> 1;                            // floor(k/2) + 1024
  const double s1 = from_bits((k1 - 1024 + 1023) << 52);
  const double s2 = from_bits((k2048 - k1 - 1024 + 1023) << 52);
  const double e = ((1.0 + q) * s1) * s2;
  return x != x ? x + x : e;
}

// log(2^k (1 + f)) for 1 + f in [sqrt(1/2), sqrt(2)], k integral: fdlibm's
// log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)), s = f / (2 + f), R a minimax polynomial.
inline double log_reduced(double f, double k) {
  const double s = f / (2.0 + f), s2 = s * s, w = s2 * s2;
  const double t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
  const double t2 = s2 * (6.666666666666735130e-01 +
                          w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
  const double R = t2 + t1, hfsq = 0.5 * f * f;
  return k * kLn2Hi - ((hfsq - (s * (hfsq + R) + k * kLn2Lo)) - f);
}

inline double log1(double x) {
  constexpr std::uint64_t kOff = 0x3fe6a09e667f3bcdULL;  // bits of sqrt(1/2)
  const bool sub = x < 0x1p-1022;
  const double xs = sub ? x * 0x1p54 : x;
  const std::uint64_t u = to_bits(xs) + (kSign - kOff);  // 2^63 + bits - bits(sqrt(1/2)) for x > 0
  const double z = from_bits((u & 0x000fffffffffffffULL) + kOff);  // in [sqrt(1/2), sqrt(2))
  const std::uint64_t kb = (u >> 52) - 2048 + (sub ? static_cast<std::uint64_t>(-54) : 0) + kShiftBits;
  const double k = from_bits(kb) - kShift;
  double v = log_reduced(z - 1.0, k);  // z - 1 is exact
  v = x == kInf ? kInf : v;
  v = x == 0.0 ? -kInf : v;
  v = x < 0.0 ? __builtin_nan("") : v;
  return x != x ? x + x : v;
}

// For a = |y| <= kClamp: em = expm1(-2a) (exact to rounding, also for small a) and e = exp(-2a).
constexpr double kClamp = 350.0;  // 2^k stays normal; tanh is +-1 and H2 < 1e-300 beyond
inline void exp_neg2a(double a, double& em, double& e) {
  double kd;
  const double q = expm1_reduced(reduce(-2.0 * a, kd));
  const double s = pow2(kd, 0);
  em = (s - 1.0) + s * q;
  e = s + s * q;
}

inline double with_sign_of(double v, double y) { return from_bits((to_bits(v) & ~kSign) | (to_bits(y) & kSign)); }

inline double abs_clamped(double y) {
  const double a = from_bits(to_bits(y) & ~kSign);
  return a > kClamp ? kClamp : a;  // NaN passes through
}

}  // namespace

void vec_exp(const double* x, double* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = exp1(x[i]);
}

void vec_log(const double* x, double* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = log1(x[i]);
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
