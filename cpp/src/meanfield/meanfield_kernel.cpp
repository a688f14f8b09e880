// The array kernel of the mean-field iterations: m = tanh(y) and the entropy H2((1 + m)/2)
// from the same exponential, in branch-free code the compiler vectorises.
//
// Per element, with a = |y| and e = exp(-2a) (Cody-Waite reduction and a Taylor polynomial;
// expm1 is formed without cancellation so that small |m| keep full relative accuracy):
//   |m| = -expm1(-2a) / (1 + e),   1 - |m| = 2e / (1 + e),
//   H   = ln(2 cosh y) - y tanh y = log1p(e) + a (1 - |m|),
// log1p(e) = 2 atanh(t), t = e / (2 + e) <= 1/3, by its series. Errors are a few ulp in m
// and ~1e-16 absolute in H (glibc tanh plus a separate entropy costs ~3x more).
//
// On x86-64 ELF/glibc the function is compiled for AVX-512, AVX2 and the baseline and picked
// at load time (target_clones: runtime dispatch, not -march=native). Contraction into fused
// multiply-adds is switched off, so every version rounds alike: the results are bit-identical
// on every x86-64 CPU. Define ISINGVI_NO_TARGET_CLONES to build the baseline version only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#elif defined(__clang__)
#pragma clang fp contract(off)
#endif

#include <cmath>
#include <cstdint>
#include <cstring>

#include "meanfield_detail.hpp"

#if defined(__x86_64__) && defined(__ELF__) && defined(__GLIBC__) && defined(__has_attribute) && \
    !defined(ISINGVI_NO_TARGET_CLONES)
#if __has_attribute(target_clones)
#define ISINGVI_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
#ifndef ISINGVI_SIMD_CLONES
#define ISINGVI_SIMD_CLONES
#endif

namespace isingvi::detail {

namespace {

inline double from_bits(std::uint64_t b) {
  double d;
  std::memcpy(&d, &b, sizeof d);
  return d;
}

inline std::int64_t to_bits(double d) {
  std::int64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

}  // namespace

ISINGVI_SIMD_CLONES
void tanh_entropy(const double* __restrict y, double* __restrict m, double* __restrict H, std::size_t n) {
  constexpr double shift = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
  constexpr double log2e = 1.4426950408889634;
  constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  const std::int64_t shift_bits = to_bits(shift);
  for (std::size_t i = 0; i < n; ++i) {
    const double a = std::fabs(y[i]);  // <= kFieldClamp: 2^k below stays a normal number
    const double x = -2.0 * a;
    const double kd = x * log2e + shift;
    const double k = kd - shift;
    const double r = (x - k * ln2_hi) - k * ln2_lo;  // |r| <= ln 2 / 2
    double p = 1.0 / 6227020800.0;                    // expm1(r) = r (1 + r/2 + ... + r^12/13!)
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
    const double s = from_bits(static_cast<std::uint64_t>(to_bits(kd) - shift_bits + 1023) << 52);  // 2^k
    const double em = (s - 1.0) + s * q;  // expm1(x), exact to rounding also for k = 0
    const double e = s + s * q;           // exp(x)
    const double inv = 1.0 / (2.0 + em);  // 1 / (1 + e)
    m[i] = std::copysign(-em * inv, y[i]);
    const double t = e / (2.0 + e), t2 = t * t;
    double l = 1.0 / 33;  // atanh(t)/t = 1 + t^2/3 + t^4/5 + ...
    l = l * t2 + 1.0 / 31;
    l = l * t2 + 1.0 / 29;
    l = l * t2 + 1.0 / 27;
    l = l * t2 + 1.0 / 25;
    l = l * t2 + 1.0 / 23;
    l = l * t2 + 1.0 / 21;
    l = l * t2 + 1.0 / 19;
    l = l * t2 + 1.0 / 17;
    l = l * t2 + 1.0 / 15;
    l = l * t2 + 1.0 / 13;
    l = l * t2 + 1.0 / 11;
    l = l * t2 + 1.0 / 9;
    l = l * t2 + 1.0 / 7;
    l = l * t2 + 1.0 / 5;
    l = l * t2 + 1.0 / 3;
    l = l * t2 + 1.0;
    H[i] = 2.0 * t * l + a * (2.0 * e * inv);
  }
}

}  // namespace isingvi::detail
