// Private to the core: exp and log in branch-free double arithmetic that the compiler
// vectorises, for array kernels compiled with ISINGVI_SIMD_CLONES.
//
// Only +, -, *, /, comparisons and bit operations: with fused multiply-adds switched off in the
// including file (#pragma GCC optimize("fp-contract=off", "no-trapping-math") before its
// includes; the second lets loops with choices vectorise), every
// instruction set rounds alike, so results are bit-identical on every x86-64 CPU and between
// a vectorised loop and its scalar remainder. Errors are a few ulp.
#pragma once
#include <cstdint>
#include <cstring>

// Compile a function for AVX-512, AVX2 and the baseline and pick one at load time
// (target_clones, x86-64 ELF/glibc; elsewhere the baseline alone). Define
// ISINGVI_NO_TARGET_CLONES to build the baseline version only.
#if defined(__x86_64__) && defined(__ELF__) && defined(__GLIBC__) && defined(__has_attribute) && \
    !defined(ISINGVI_NO_TARGET_CLONES)
#if __has_attribute(target_clones)
#define ISINGVI_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
#ifndef ISINGVI_SIMD_CLONES
#define ISINGVI_SIMD_CLONES
#endif

#if defined(__GNUC__)
#define ISINGVI_INLINE inline __attribute__((always_inline))
#else
#define ISINGVI_INLINE inline
#endif

namespace isingvi::detail::vecmath {

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

// e^x and 1 - e^x for x <= 0, both to full relative accuracy (the second without
// cancellation for small |x|). Below x = -708 e^x is returned as 0 (and 1 - e^x as 1).
struct ExpPair {
  double e, one_minus_e;
};

ISINGVI_INLINE ExpPair exp_neg(double x) {
  constexpr double shift = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
  constexpr double log2e = 1.4426950408889634;
  constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  const double xc = x < -708.0 ? -708.0 : x;  // keeps 2^k a normal number
  const double kd = xc * log2e + shift;
  const double k = kd - shift;
  const double r = (xc - k * ln2_hi) - k * ln2_lo;  // |r| <= ln 2 / 2
  double p = 1.0 / 6227020800.0;                     // expm1(r) = r (1 + r/2 + ... + r^12/13!)
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  const double q = p * r;
  const double s = from_bits((to_bits(kd) - to_bits(shift) + 1023) << 52);  // 2^k
  const double e = s + s * q;
  const double one_minus_e = (1.0 - s) - s * q;  // exact to rounding also for k = 0; 1 at xc = -708
  return {e * (x < -708.0 ? 0.0 : 1.0), one_minus_e};
}

// ln(u) + tail for a positive normal u, where tail is a small correction (|tail| << 1):
// u = 2^k m with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s) = 2 s + s R(s^2),
// s = (m - 1)/(m + 1), |s| < 0.172, with R the minimax polynomial of fdlibm's log (error
// < 2^-58 on this range).
ISINGVI_INLINE double log_plus(double u, double tail) {
  constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  constexpr double sqrt2 = 1.4142135623730951;
  const std::uint64_t b = to_bits(u);
  double m = from_bits((b & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);  // in [1, 2)
  double k = from_bits((b >> 52) | 0x4330000000000000ull) - (4503599627370496.0 + 1023.0);  // exponent, exact
  // choices between constants only: no conditional arithmetic, which blocks vectorisation
  const bool big = m > sqrt2;
  m *= big ? 0.5 : 1.0;
  k += big ? 1.0 : 0.0;
  const double s = (m - 1.0) / (m + 1.0), z = s * s;
  double R = 1.479819860511658591e-01;
  R = R * z + 1.531383769920937332e-01;
  R = R * z + 1.818357216161805012e-01;
  R = R * z + 2.222219843214978396e-01;
  R = R * z + 2.857142874366239149e-01;
  R = R * z + 3.999999999940941908e-01;
  R = R * z + 6.666666666666735130e-01;
  R *= z;
  return k * ln2_hi + ((2.0 * s + s * R) + (k * ln2_lo + tail));
}

// ln(x) for a positive normal x.
ISINGVI_INLINE double log_pos(double x) { return log_plus(x, 0.0); }

// ln(1 + x) for 0 <= x < 2^1000: u = 1 + x rounds, and (x - (u - 1)) / u puts back what the
// rounding lost (Goldberg's correction), so small x keep full relative accuracy. The
// correction is below one ulp of u, so 1/u in single precision (cheaper than a double
// division; 0 where u exceeds the float range) changes the result by less than 1e-23.
ISINGVI_INLINE double log1p_pos(double x) {
  const double u = 1.0 + x;
  const float inv_u = 1.0f / static_cast<float>(u);
  return log_plus(u, (x - (u - 1.0)) * static_cast<double>(inv_u));
}

}  // namespace isingvi::detail::vecmath
