// Private to the per-ISA kernels: vectors of 64-bit words for multi-spin coding, one version
// per instruction set. Include only from a source compiled by `isingvi_isa_kernel`; like
// block16.hpp everything has internal linkage and avoids standard-library templates.
//
// Words holds kWidth words (8 AVX-512, 4 AVX2, 2 portable); Gen holds kWidth xoshiro256++
// lanes, the same lanes whatever the width, so every version draws the same numbers. Draws
// go in steps of kLockstep = 4 words: all four lanes of a step draw together while any of
// their four words has undecided sites (AVX2: one vector, so no masking; AVX-512: two steps
// per vector, each half write-masked; portable: four words side by side).
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
// The lanes of the 4-word steps that still have undecided sites (both halves of the vector
// decide apart), and whether there are any.
using Live = __mmask8;
inline Live live(const Words* undecided) {
  const unsigned m = _mm512_test_epi64_mask(undecided[0], undecided[0]);
  return static_cast<Live>((m & 0x0fu ? 0x0fu : 0u) | (m & 0xf0u ? 0xf0u : 0u));
}
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
// One vector is one 4-word step: it draws while any of its words has undecided sites, all
// four lanes together, so a draw needs no mask (the caller stops drawing).
using Live = bool;
inline bool any(Live b) { return b; }
inline Live live(const Words* undecided) { return any(undecided[0]); }
inline Words next_where(Gen& g, Live) {
  const __m256i out = _mm256_add_epi64(rotl<23>(_mm256_add_epi64(g.s0, g.s3)), g.s0);
  const __m256i t = _mm256_slli_epi64(g.s1, 17);
  g.s2 = _mm256_xor_si256(g.s2, g.s0);
  g.s3 = _mm256_xor_si256(g.s3, g.s1);
  g.s1 = _mm256_xor_si256(g.s1, g.s2);
  g.s0 = _mm256_xor_si256(g.s0, g.s3);
  g.s2 = _mm256_xor_si256(g.s2, t);
  g.s3 = rotl<45>(g.s3);
  return out;
}

inline void compare_plane(Words& flip, Words& undecided, Words u, Words t) {
  flip = flip | and_not(undecided & t, u);
  undecided = and_not(undecided, u ^ t);
}
#else
// ------------------------------------------------------------------ portable C++
// Two words per vector (GCC / Clang vector extensions, as the other versions use: SSE2 on
// baseline x86-64, NEON elsewhere), so the xoshiro arithmetic of two lanes goes side by side.
constexpr int kWidth = 2;
typedef std::uint64_t Words __attribute__((vector_size(16)));
inline Words load(const std::uint64_t* p) { return Words{p[0], p[1]}; }
inline void store(std::uint64_t* p, Words w) { p[0] = w[0], p[1] = w[1]; }
inline Words splat(std::uint64_t x) { return Words{x, x}; }
inline Words zero() { return Words{0, 0}; }
inline Words and_not(Words a, Words b) { return a & ~b; }
template <int k>
inline Words rotl(Words a) {
  return (a << k) | (a >> (64 - k));
}
inline Words rotl1(Words a) { return rotl<1>(a); }
inline Words rotr1(Words a) { return rotl<63>(a); }
inline bool any(Words a) { return (a[0] | a[1]) != 0; }
inline Words add(Words a, Words b) { return a + b; }
inline std::uint64_t popcount(std::uint64_t a) {  // SWAR: baseline x86-64 has no popcnt instruction
  a = a - ((a >> 1) & 0x5555555555555555ULL);
  a = (a & 0x3333333333333333ULL) + ((a >> 2) & 0x3333333333333333ULL);
  a = (a + (a >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return (a * 0x0101010101010101ULL) >> 56;
}
inline Words popcounts(Words a) { return Words{popcount(a[0]), popcount(a[1])}; }
inline std::int64_t total(Words a) { return static_cast<std::int64_t>(a[0] + a[1]); }

struct Gen {
  Words s0, s1, s2, s3;
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
// A 4-word step is two Words side by side; it draws while either has undecided sites.
using Live = bool;
inline bool any(Live b) { return b; }
inline Live live(const Words* undecided) { return any(undecided[0] | undecided[1]); }
inline Words next_where(Gen& g, Live) {
  const Words out = rotl<23>(g.s0 + g.s3) + g.s0;
  const Words t = g.s1 << 17;
  g.s2 ^= g.s0;
  g.s3 ^= g.s1;
  g.s1 ^= g.s2;
  g.s0 ^= g.s3;
  g.s2 ^= t;
  g.s3 = rotl<45>(g.s3);
  return out;
}
inline void compare_plane(Words& flip, Words& undecided, Words u, Words t) {
  flip = flip | and_not(undecided & t, u);
  undecided = and_not(undecided, u ^ t);
}
#endif

}  // namespace
}  // namespace isingvi::kernels::ISINGVI_ISA
