// Private to the per-ISA kernels: vectors of 64-bit words for multi-spin coding, one version
// per instruction set. Include only from a source compiled by `isingvi_isa_kernel`; like
// block16.hpp everything has internal linkage and avoids standard-library templates.
//
// Words holds kWidth words (8 AVX-512, 4 AVX2, 1 portable); Gen holds kWidth xoshiro256++
// lanes, the same lanes whatever the width, so every version draws the same numbers.
#pragma once
#include <cstdint>

#include "checkerboard.hpp"  // RngLanes

#if !defined(ISINGVI_ISA) || !defined(ISINGVI_ISA_LEVEL)
#error "compile per-ISA kernels through isingvi_isa_kernel in CMakeLists.txt"
#endif
#if ISINGVI_ISA_LEVEL >= 1
#include <immintrin.h>
#endif

namespace isingvi::kernels::ISINGVI_ISA {
namespace {

#if ISINGVI_ISA_LEVEL == 2
// ------------------------------------------------------------------ AVX-512
constexpr int kWidth = 8;  // &, |, ^ on Words: GCC and Clang vector extensions
using Words = __m512i;
inline Words load(const std::uint64_t* p) { return _mm512_loadu_si512(p); }
inline void store(std::uint64_t* p, Words w) { _mm512_storeu_si512(p, w); }
inline Words splat(std::uint64_t x) { return _mm512_set1_epi64(static_cast<long long>(x)); }
inline Words zero() { return _mm512_setzero_si512(); }
inline Words and_not(Words a, Words b) { return _mm512_andnot_si512(b, a); }  // a & ~b
inline Words rotl1(Words a) { return _mm512_rol_epi64(a, 1); }
inline Words rotr1(Words a) { return _mm512_ror_epi64(a, 1); }
inline bool any(Words a) { return _mm512_test_epi64_mask(a, a) != 0; }
inline Words add(Words a, Words b) { return _mm512_add_epi64(a, b); }
// Per-word bit counts: nibble lookup, then byte sums per word.
inline Words popcounts(Words a) {
  const __m512i lut = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
  const __m512i low = _mm512_set1_epi8(0x0f);
  const __m512i c = _mm512_add_epi8(_mm512_shuffle_epi8(lut, _mm512_and_si512(a, low)),
                                    _mm512_shuffle_epi8(lut, _mm512_and_si512(_mm512_srli_epi64(a, 4), low)));
  return _mm512_sad_epu8(c, _mm512_setzero_si512());
}
inline std::int64_t total(Words a) { return _mm512_reduce_add_epi64(a); }

struct Gen {
  __m512i s0, s1, s2, s3;
};
inline Gen load_gen(const RngLanes& r, int lane) {
  return {load(r.s[0] + lane), load(r.s[1] + lane), load(r.s[2] + lane), load(r.s[3] + lane)};
}
inline void store_gen(const Gen& g, RngLanes& r, int lane) {
  store(r.s[0] + lane, g.s0);
  store(r.s[1] + lane, g.s1);
  store(r.s[2] + lane, g.s2);
  store(r.s[3] + lane, g.s3);
}
// The words that are not zero, and whether there are any.
using Live = __mmask8;
inline Live live(Words a) { return _mm512_test_epi64_mask(a, a); }
inline bool any(Live m) { return m != 0; }
// One xoshiro256++ output per lane; only the `live` lanes advance (write-masked updates).
inline Words next_where(Gen& g, Live m) {
  const __m512i out = _mm512_add_epi64(_mm512_rol_epi64(_mm512_add_epi64(g.s0, g.s3), 23), g.s0);
  const __m512i t = _mm512_slli_epi64(g.s1, 17);
  g.s2 = _mm512_mask_xor_epi64(g.s2, m, g.s2, g.s0);
  g.s3 = _mm512_mask_xor_epi64(g.s3, m, g.s3, g.s1);
  g.s1 = _mm512_mask_xor_epi64(g.s1, m, g.s1, g.s2);
  g.s0 = _mm512_mask_xor_epi64(g.s0, m, g.s0, g.s3);
  g.s2 = _mm512_mask_xor_epi64(g.s2, m, g.s2, t);
  g.s3 = _mm512_mask_rol_epi64(g.s3, m, g.s3, 45);
  return out;
}
// One bit-plane of the comparison U < threshold for the undecided sites: U's bit u against
// the threshold's bit t; 0 against 1 flips, 1 against 0 stays, equal bits go on.
inline void compare_plane(Words& flip, Words& undecided, Words u, Words t) {
  flip = _mm512_or_si512(flip, _mm512_ternarylogic_epi64(undecided, t, u, 0x40));  // und & t & ~u
  undecided = _mm512_ternarylogic_epi64(undecided, t, u, 0x90);                    // und & ~(t ^ u)
}

#elif ISINGVI_ISA_LEVEL == 1
// ------------------------------------------------------------------ AVX2
constexpr int kWidth = 4;
using Words = __m256i;
inline Words load(const std::uint64_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
inline void store(std::uint64_t* p, Words w) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), w); }
inline Words splat(std::uint64_t x) { return _mm256_set1_epi64x(static_cast<long long>(x)); }
inline Words zero() { return _mm256_setzero_si256(); }
inline Words and_not(Words a, Words b) { return _mm256_andnot_si256(b, a); }
template <int k>
inline Words rotl(Words a) {
  return _mm256_or_si256(_mm256_slli_epi64(a, k), _mm256_srli_epi64(a, 64 - k));
}
inline Words rotl1(Words a) { return rotl<1>(a); }
inline Words rotr1(Words a) { return rotl<63>(a); }
inline bool any(Words a) { return !_mm256_testz_si256(a, a); }
inline Words add(Words a, Words b) { return _mm256_add_epi64(a, b); }
inline Words popcounts(Words a) {
  const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2,
                                       2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f);
  const __m256i c = _mm256_add_epi8(_mm256_shuffle_epi8(lut, _mm256_and_si256(a, low)),
                                    _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi64(a, 4), low)));
  return _mm256_sad_epu8(c, _mm256_setzero_si256());
}
inline std::int64_t total(Words a) {
  const __m128i s = _mm_add_epi64(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
  return _mm_cvtsi128_si64(s) + _mm_extract_epi64(s, 1);
}

struct Gen {
  __m256i s0, s1, s2, s3;
};
inline Gen load_gen(const RngLanes& r, int lane) {
  return {load(r.s[0] + lane), load(r.s[1] + lane), load(r.s[2] + lane), load(r.s[3] + lane)};
}
inline void store_gen(const Gen& g, RngLanes& r, int lane) {
  store(r.s[0] + lane, g.s0);
  store(r.s[1] + lane, g.s1);
  store(r.s[2] + lane, g.s2);
  store(r.s[3] + lane, g.s3);
}
using Live = Words;  // the undecided words themselves
inline Live live(Words a) { return a; }
inline Words next_where(Gen& g, Live live) {
  const __m256i stay = _mm256_cmpeq_epi64(live, _mm256_setzero_si256());
  const __m256i out = _mm256_add_epi64(rotl<23>(_mm256_add_epi64(g.s0, g.s3)), g.s0);
  const __m256i t = _mm256_slli_epi64(g.s1, 17);
  const __m256i s2 = _mm256_xor_si256(g.s2, g.s0);
  const __m256i s3 = _mm256_xor_si256(g.s3, g.s1);
  const __m256i s1 = _mm256_xor_si256(g.s1, s2);
  const __m256i s0 = _mm256_xor_si256(g.s0, s3);
  g.s0 = _mm256_blendv_epi8(s0, g.s0, stay);
  g.s1 = _mm256_blendv_epi8(s1, g.s1, stay);
  g.s2 = _mm256_blendv_epi8(_mm256_xor_si256(s2, t), g.s2, stay);
  g.s3 = _mm256_blendv_epi8(rotl<45>(s3), g.s3, stay);
  return out;
}

inline void compare_plane(Words& flip, Words& undecided, Words u, Words t) {
  flip = flip | and_not(undecided & t, u);
  undecided = and_not(undecided, u ^ t);
}
#else
// ------------------------------------------------------------------ portable C++
constexpr int kWidth = 1;
using Words = std::uint64_t;
inline Words load(const std::uint64_t* p) { return *p; }
inline void store(std::uint64_t* p, Words w) { *p = w; }
inline Words splat(std::uint64_t x) { return x; }
inline Words zero() { return 0; }
inline Words and_not(Words a, Words b) { return a & ~b; }
inline Words rotl1(Words a) { return (a << 1) | (a >> 63); }
inline Words rotr1(Words a) { return (a >> 1) | (a << 63); }
inline bool any(Words a) { return a != 0; }
inline Words add(Words a, Words b) { return a + b; }
inline Words popcounts(Words a) {  // SWAR: baseline x86-64 has no popcnt instruction
  a = a - ((a >> 1) & 0x5555555555555555ULL);
  a = (a & 0x3333333333333333ULL) + ((a >> 2) & 0x3333333333333333ULL);
  a = (a + (a >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return (a * 0x0101010101010101ULL) >> 56;
}
inline std::int64_t total(Words a) { return static_cast<std::int64_t>(a); }

struct Gen {
  std::uint64_t s0, s1, s2, s3;
};
inline Gen load_gen(const RngLanes& r, int lane) { return {r.s[0][lane], r.s[1][lane], r.s[2][lane], r.s[3][lane]}; }
inline void store_gen(const Gen& g, RngLanes& r, int lane) {
  r.s[0][lane] = g.s0;
  r.s[1][lane] = g.s1;
  r.s[2][lane] = g.s2;
  r.s[3][lane] = g.s3;
}
inline std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
using Live = bool;
inline Live live(Words a) { return a != 0; }
inline bool any(Live m) { return m; }
// The portable kernel only draws for a word that still has undecided sites.
inline Words next_where(Gen& g, Live) {
  const std::uint64_t out = rotl(g.s0 + g.s3, 23) + g.s0;
  const std::uint64_t t = g.s1 << 17;
  g.s2 ^= g.s0;
  g.s3 ^= g.s1;
  g.s1 ^= g.s2;
  g.s0 ^= g.s3;
  g.s2 ^= t;
  g.s3 = rotl(g.s3, 45);
  return out;
}
inline void compare_plane(Words& flip, Words& undecided, Words u, Words t) {
  flip = flip | and_not(undecided & t, u);
  undecided = and_not(undecided, u ^ t);
}
#endif

}  // namespace
}  // namespace isingvi::kernels::ISINGVI_ISA
