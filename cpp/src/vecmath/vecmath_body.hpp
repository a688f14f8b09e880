// Private to the core: the one implementation of exp and log in branch-free double arithmetic
// that the compiler vectorises. Included INSIDE a namespace, which must differ per instruction
// set wherever this code is compiled with ISA-specific flags: vecmath_isa.cpp includes it in
// isingvi::kernels::<ISA>::(anonymous), so no symbol is shared between instruction sets
// (cmake/check_isa_symbols.cmake); vecmath_inline.hpp includes it in isingvi::detail::vecmath
// for target_clones kernels, which inline it into each clone. The includer first includes
// <cstdint>, <cstring> and <limits> (no standard header may be included inside a namespace).
//
// Only +, -, *, /, comparisons and bit operations: with fused multiply-adds switched off in the
// including file (-ffp-contract=off, or #pragma GCC optimize("fp-contract=off",
// "no-trapping-math") before its includes; the second lets loops with choices vectorise),
// every instruction set rounds alike, so results are bit-identical on every x86-64 CPU and
// between a vectorised loop and its scalar remainder.
//
// Methods (errors measured by tests/test_vecmath.py against the C library):
//   exp:  k = round(x / ln 2), r = x - k ln 2 (Cody-Waite, |r| <= ln2/2), exp(r) by its
//         Taylor series to r^13; 2^k applied in two halves so that subnormal results round once.
//   log:  x = 2^k z, z in [sqrt(1/2), sqrt(2)) from the bits; log z = 2 atanh(f/(2+f)),
//         f = z - 1, by fdlibm's polynomial; subnormal x scaled by 2^54 first.
// Integer <-> double conversions go through the bits (adding 1.5 * 2^52), which AVX2 lacks
// as instructions for 64-bit integers.

#ifndef ISINGVI_INLINE
#if defined(__GNUC__)
#define ISINGVI_INLINE inline __attribute__((always_inline))
#else
#define ISINGVI_INLINE inline
#endif
#endif

ISINGVI_INLINE double from_bits(std::uint64_t b) {
  double d;
  std::memcpy(&d, &b, sizeof d);
  return d;
}

ISINGVI_INLINE std::uint64_t to_bits(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

constexpr double kShift = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
constexpr std::uint64_t kShiftBits = 0x4338000000000000ULL;
constexpr std::uint64_t kSign = 0x8000000000000000ULL;
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // low 32 bits zero: k ln2_hi is exact
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInf = std::numeric_limits<double>::infinity();

// x = k ln 2 + r with |r| <= ln 2 / 2 (x within +-1100): returns r, and in kd the integer k
// plus kShift (its low bits are k).
ISINGVI_INLINE double reduce(double x, double& kd) {
  kd = x * 1.4426950408889634 + kShift;
  const double k = kd - kShift;
  return (x - k * kLn2Hi) - k * kLn2Lo;
}

// expm1(r) = r (1 + r/2 + ... + r^12/13!) for |r| <= ln 2 / 2 (relative error < 1e-17),
// the polynomial in Estrin's scheme: short dependency chains keep the vector units busy.
ISINGVI_INLINE double expm1_reduced(double r) {
  const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const double a0 = 1.0 + r * 0.5, a1 = 1.0 / 6.0 + r * (1.0 / 24.0), a2 = 1.0 / 120.0 + r * (1.0 / 720.0),
               a3 = 1.0 / 5040.0 + r * (1.0 / 40320.0), a4 = 1.0 / 362880.0 + r * (1.0 / 3628800.0),
               a5 = 1.0 / 39916800.0 + r * (1.0 / 479001600.0), a6 = 1.0 / 6227020800.0;
  const double b0 = a0 + r2 * a1, b1 = a2 + r2 * a3, b2 = a4 + r2 * a5;
  const double p = (b0 + r4 * b1) + r8 * (b2 + r4 * a6);
  return p * r;
}

// 2^(k + add) for kd from reduce() (the result must be a normal number).
ISINGVI_INLINE double pow2(double kd, std::int64_t add) {
  return from_bits((to_bits(kd) - kShiftBits + static_cast<std::uint64_t>(1023 + add)) << 52);
}

// e^x over the whole double range, with IEEE special values.
ISINGVI_INLINE double exp_any(double x) {
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

// e^x and 1 - e^x for x <= 0, both to full relative accuracy (the second without
// cancellation for small |x|). Below x = -708 e^x is returned as 0 (and 1 - e^x as 1).
struct ExpPair {
  double e, one_minus_e;
};

ISINGVI_INLINE ExpPair exp_neg(double x) {
  const double xc = x < -708.0 ? -708.0 : x;  // keeps 2^k a normal number
  double kd;
  const double q = expm1_reduced(reduce(xc, kd));
  const double s = pow2(kd, 0);
  const double one_minus_e = (1.0 - s) - s * q;  // exact to rounding also for k = 0
  return {(s + s * q) * (x < -708.0 ? 0.0 : 1.0), one_minus_e};
}

// log(2^k (1 + f)) for 1 + f in [sqrt(1/2), sqrt(2)], k integral, with lo = k ln2_lo plus
// any small correction: fdlibm's log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)), s = f / (2 + f),
// R a minimax polynomial.
ISINGVI_INLINE double log_reduced_lo(double f, double k, double lo) {
  const double s = f / (2.0 + f), s2 = s * s, w = s2 * s2;
  const double t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
  const double t2 = s2 * (6.666666666666735130e-01 +
                          w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
  const double R = t2 + t1, hfsq = 0.5 * f * f;
  return k * kLn2Hi - ((hfsq - (s * (hfsq + R) + lo)) - f);
}

ISINGVI_INLINE double log_reduced(double f, double k) { return log_reduced_lo(f, k, k * kLn2Lo); }

// x = 2^k (1 + f) with 1 + f in [sqrt(1/2), sqrt(2)), for a positive normal x; `bias` (an
// integer as uint64, two's complement) is added to k.
struct LogSplit {
  double f, k;
};

ISINGVI_INLINE LogSplit log_split(double x, std::uint64_t bias) {
  constexpr std::uint64_t kOff = 0x3fe6a09e667f3bcdULL;  // bits of sqrt(1/2)
  const std::uint64_t u = to_bits(x) + (kSign - kOff);    // 2^63 + bits - bits(sqrt(1/2)) for x > 0
  const double z = from_bits((u & 0x000fffffffffffffULL) + kOff);  // in [sqrt(1/2), sqrt(2))
  const std::uint64_t kb = (u >> 52) - 2048 + bias + kShiftBits;
  return {z - 1.0, from_bits(kb) - kShift};  // z - 1 is exact
}

// ln(x) over the whole double range, with IEEE special values.
ISINGVI_INLINE double log_any(double x) {
  const bool sub = x < 0x1p-1022;
  const LogSplit p = log_split(sub ? x * 0x1p54 : x, sub ? static_cast<std::uint64_t>(-54) : 0);
  double v = log_reduced(p.f, p.k);
  v = x == kInf ? kInf : v;
  v = x == 0.0 ? -kInf : v;
  v = x < 0.0 ? std::numeric_limits<double>::quiet_NaN() : v;
  return x != x ? x + x : v;
}

// ln(x) for a positive normal x.
ISINGVI_INLINE double log_pos(double x) {
  const LogSplit p = log_split(x, 0);
  return log_reduced(p.f, p.k);
}

// ln(1 + x) for 0 <= x < 2^1000: u = 1 + x rounds, and (x - (u - 1)) / u puts back what the
// rounding lost (Goldberg's correction, added as fdlibm's log1p adds it), so small x keep full
// relative accuracy. The correction is below one ulp of u, so 1/u in single precision
// (cheaper than a double division; 0 where u exceeds the float range) changes the result by
// less than 1e-23.
ISINGVI_INLINE double log1p_pos(double x) {
  const double u = 1.0 + x;
  const float inv_u = 1.0f / static_cast<float>(u);
  const LogSplit p = log_split(u, 0);
  return log_reduced_lo(p.f, p.k, p.k * kLn2Lo + (x - (u - 1.0)) * static_cast<double>(inv_u));
}
