// Private to the per-ISA kernels: blocks of 16 sites, one version per instruction set.
//
// Include only from a kernel source compiled by `isingvi_isa_kernel` (CMakeLists.txt), which
// sets ISINGVI_ISA (the namespace: scalar, avx2, avx512) and ISINGVI_ISA_LEVEL (0, 1, 2).
// Everything here has internal linkage (anonymous namespace): these functions are compiled
// with different instruction sets in different translation units and must never be shared
// by the linker. For the same reason nothing here uses the standard library's templates.
//
// A block is 16 sites: Bytes holds their int8 spins or neighbour sums, U16 their uniform
// 32-bit draws, Mask which of them flip. All versions compute the same integers.
#pragma once
#include <cstdint>

#include "checkerboard.hpp"

#if !defined(ISINGVI_ISA) || !defined(ISINGVI_ISA_LEVEL)
#error "compile per-ISA kernels through isingvi_isa_kernel in CMakeLists.txt"
#endif
#if ISINGVI_ISA_LEVEL == 2 && !(defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__))
#error "the avx512 kernels need -mavx512f -mavx512bw -mavx512vl"
#endif
#if ISINGVI_ISA_LEVEL == 1 && !defined(__AVX2__)
#error "the avx2 kernels need -mavx2"
#endif
#if ISINGVI_ISA_LEVEL >= 1
#include <immintrin.h>
#endif

namespace isingvi::kernels::ISINGVI_ISA {
namespace {

#if ISINGVI_ISA_LEVEL == 2
// ------------------------------------------------------------------ AVX-512 (F, BW, VL)

using Bytes = __m128i;
using U16 = __m512i;
using Mask = __mmask16;

struct Lanes {
  __m512i s0, s1, s2, s3;
};
inline Lanes load_lanes(const RngLanes& r) {
  return {_mm512_loadu_si512(r.s[0]), _mm512_loadu_si512(r.s[1]), _mm512_loadu_si512(r.s[2]),
          _mm512_loadu_si512(r.s[3])};
}
inline void store_lanes(const Lanes& g, RngLanes& r) {
  _mm512_storeu_si512(r.s[0], g.s0);
  _mm512_storeu_si512(r.s[1], g.s1);
  _mm512_storeu_si512(r.s[2], g.s2);
  _mm512_storeu_si512(r.s[3], g.s3);
}
// xoshiro256++ on all eight lanes; the 64-bit outputs read as 16 32-bit draws.
inline U16 next16(Lanes& g) {
  const __m512i out = _mm512_add_epi64(_mm512_rol_epi64(_mm512_add_epi64(g.s0, g.s3), 23), g.s0);
  const __m512i t = _mm512_slli_epi64(g.s1, 17);
  g.s2 = _mm512_xor_si512(g.s2, g.s0);
  g.s3 = _mm512_xor_si512(g.s3, g.s1);
  g.s1 = _mm512_xor_si512(g.s1, g.s2);
  g.s0 = _mm512_xor_si512(g.s0, g.s3);
  g.s2 = _mm512_xor_si512(g.s2, t);
  g.s3 = _mm512_rol_epi64(g.s3, 45);
  return out;
}

struct Table {
  __m512i below, always;
};
inline Table load_table(const CheckerboardTables& t) {
  return {_mm512_loadu_si512(t.below), _mm512_loadu_si512(t.always)};
}

inline Bytes load(const std::int8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
inline void store(std::int8_t* p, Bytes b) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), b); }
inline Bytes add(Bytes a, Bytes b) { return _mm_add_epi8(a, b); }
inline Bytes zero_bytes() { return _mm_setzero_si128(); }

// ((nn + z) >> 1) | (s & 8): nn + z is even and >= 0, and s & 8 is 8 for s = -1, 0 for +1.
inline Bytes class_index(Bytes nn, Bytes s, int z) {
  const Bytes half = _mm_avg_epu8(_mm_add_epi8(nn, _mm_set1_epi8(static_cast<char>(z))), _mm_setzero_si128());
  return _mm_or_si128(half, _mm_and_si128(s, _mm_set1_epi8(8)));
}
inline Mask accept(U16 u, Bytes cls, const Table& t) {
  const __m512i idx = _mm512_cvtepu8_epi32(cls);
  const __mmask16 below = _mm512_cmplt_epu32_mask(u, _mm512_permutexvar_epi32(idx, t.below));
  const __m512i always = _mm512_permutexvar_epi32(idx, t.always);
  return static_cast<Mask>(below | _mm512_test_epi32_mask(always, always));
}
inline Mask first(int n) { return static_cast<Mask>(n >= 16 ? 0xFFFF : (1u << n) - 1u); }
inline Mask both(Mask a, Mask b) { return static_cast<Mask>(a & b); }
inline Bytes negate_where(Bytes s, Mask m) { return _mm_mask_sub_epi8(s, m, _mm_setzero_si128(), s); }
inline int count(Mask m) { return __builtin_popcount(m); }
inline Bytes keep(Bytes b, Mask m) { return _mm_maskz_mov_epi8(m, b); }
inline Bytes times_sign(Bytes a, Bytes s) { return _mm_sign_epi8(a, s); }
inline int sum(Bytes b) {  // of 16 signed bytes, via unsigned sums of b + 128
  const __m128i sad = _mm_sad_epu8(_mm_xor_si128(b, _mm_set1_epi8(static_cast<char>(0x80))), _mm_setzero_si128());
  return _mm_cvtsi128_si32(sad) + _mm_extract_epi16(sad, 4) - 16 * 128;
}

#elif ISINGVI_ISA_LEVEL == 1
// ------------------------------------------------------------------ AVX2

using Bytes = __m128i;
using Mask = __m128i;  // bytes, -1 where the site flips
struct U16 {
  __m256i lo, hi;  // draws 0-7 (lanes 0-3), 8-15 (lanes 4-7)
};

struct Lanes {
  __m256i a[4], b[4];  // words 0-3 of lanes 0-3 and of lanes 4-7
};
inline Lanes load_lanes(const RngLanes& r) {
  Lanes g;
  for (int w = 0; w < 4; ++w) {
    g.a[w] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(r.s[w]));
    g.b[w] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(r.s[w] + 4));
  }
  return g;
}
inline void store_lanes(const Lanes& g, RngLanes& r) {
  for (int w = 0; w < 4; ++w) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(r.s[w]), g.a[w]);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(r.s[w] + 4), g.b[w]);
  }
}
template <int k>
inline __m256i rotl(__m256i x) {
  return _mm256_or_si256(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k));
}
inline __m256i step(__m256i* s) {
  const __m256i out = _mm256_add_epi64(rotl<23>(_mm256_add_epi64(s[0], s[3])), s[0]);
  const __m256i t = _mm256_slli_epi64(s[1], 17);
  s[2] = _mm256_xor_si256(s[2], s[0]);
  s[3] = _mm256_xor_si256(s[3], s[1]);
  s[1] = _mm256_xor_si256(s[1], s[2]);
  s[0] = _mm256_xor_si256(s[0], s[3]);
  s[2] = _mm256_xor_si256(s[2], t);
  s[3] = rotl<45>(s[3]);
  return out;
}
inline U16 next16(Lanes& g) { return {step(g.a), step(g.b)}; }

// Thresholds with the sign bit flipped: a signed compare of biased values is unsigned.
struct Table {
  __m256i below_lo, below_hi, always_lo, always_hi;
};
inline Table load_table(const CheckerboardTables& t) {
  const __m256i bias = _mm256_set1_epi32(INT32_MIN);
  auto ld = [](const std::uint32_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); };
  return {_mm256_xor_si256(ld(t.below), bias), _mm256_xor_si256(ld(t.below + 8), bias), ld(t.always),
          ld(t.always + 8)};
}

inline Bytes load(const std::int8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
inline void store(std::int8_t* p, Bytes b) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), b); }
inline Bytes add(Bytes a, Bytes b) { return _mm_add_epi8(a, b); }
inline Bytes zero_bytes() { return _mm_setzero_si128(); }
inline Bytes class_index(Bytes nn, Bytes s, int z) {
  const Bytes half = _mm_avg_epu8(_mm_add_epi8(nn, _mm_set1_epi8(static_cast<char>(z))), _mm_setzero_si128());
  return _mm_or_si128(half, _mm_and_si128(s, _mm_set1_epi8(8)));
}
// A 16-entry table lookup: two 8-entry permutes, chosen by bit 3 of the index.
inline __m256i lookup(__m256i lo, __m256i hi, __m256i idx) {
  const __m256 pick_hi = _mm256_castsi256_ps(_mm256_slli_epi32(idx, 28));
  return _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(_mm256_permutevar8x32_epi32(lo, idx)),
                                               _mm256_castsi256_ps(_mm256_permutevar8x32_epi32(hi, idx)), pick_hi));
}
inline __m256i accept8(__m256i u, __m256i idx, const Table& t) {
  const __m256i biased = _mm256_xor_si256(u, _mm256_set1_epi32(INT32_MIN));
  const __m256i below = _mm256_cmpgt_epi32(lookup(t.below_lo, t.below_hi, idx), biased);
  return _mm256_or_si256(below, lookup(t.always_lo, t.always_hi, idx));
}
inline Mask accept(const U16& u, Bytes cls, const Table& t) {
  const __m256i lo = accept8(u.lo, _mm256_cvtepu8_epi32(cls), t);
  const __m256i hi = accept8(u.hi, _mm256_cvtepu8_epi32(_mm_srli_si128(cls, 8)), t);
  // 32-bit lane masks -> bytes in site order (the 256-bit pack interleaves 128-bit halves)
  const __m256i words = _mm256_permute4x64_epi64(_mm256_packs_epi32(lo, hi), 0xD8);
  return _mm_packs_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
}
inline Mask first(int n) {
  return _mm_cmpgt_epi8(_mm_set1_epi8(static_cast<char>(n < 16 ? n : 16)),
                        _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}
inline Mask both(Mask a, Mask b) { return _mm_and_si128(a, b); }
inline Bytes negate_where(Bytes s, Mask m) { return _mm_sub_epi8(_mm_xor_si128(s, m), m); }
inline int count(Mask m) { return __builtin_popcount(static_cast<unsigned>(_mm_movemask_epi8(m))); }
inline Bytes keep(Bytes b, Mask m) { return _mm_and_si128(b, m); }
inline Bytes times_sign(Bytes a, Bytes s) { return _mm_sign_epi8(a, s); }
inline int sum(Bytes b) {
  const __m128i sad = _mm_sad_epu8(_mm_xor_si128(b, _mm_set1_epi8(static_cast<char>(0x80))), _mm_setzero_si128());
  return _mm_cvtsi128_si32(sad) + _mm_extract_epi16(sad, 4) - 16 * 128;
}

#else
// ------------------------------------------------------------------ portable C++

struct Bytes {
  std::int8_t v[16];
};
struct U16 {
  std::uint32_t v[16];
};
using Mask = Bytes;  // 1 where the site flips, else 0

using Lanes = RngLanes;
inline Lanes load_lanes(const RngLanes& r) { return r; }
inline void store_lanes(const Lanes& g, RngLanes& r) { r = g; }
inline std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
inline U16 next16(Lanes& g) {
  U16 u;
  for (int j = 0; j < 8; ++j) {
    std::uint64_t* s0 = &g.s[0][j];
    std::uint64_t* s1 = &g.s[1][j];
    std::uint64_t* s2 = &g.s[2][j];
    std::uint64_t* s3 = &g.s[3][j];
    const std::uint64_t out = rotl(*s0 + *s3, 23) + *s0;
    const std::uint64_t t = *s1 << 17;
    *s2 ^= *s0;
    *s3 ^= *s1;
    *s1 ^= *s2;
    *s0 ^= *s3;
    *s2 ^= t;
    *s3 = rotl(*s3, 45);
    u.v[2 * j] = static_cast<std::uint32_t>(out);
    u.v[2 * j + 1] = static_cast<std::uint32_t>(out >> 32);
  }
  return u;
}

// Thresholds in [0, 2^32] as 64-bit numbers: one lookup and one compare per site.
struct Table {
  std::uint64_t thr[16];
};
inline Table load_table(const CheckerboardTables& t) {
  Table r;
  for (int c = 0; c < 16; ++c) r.thr[c] = t.below[c] + static_cast<std::uint64_t>(t.always[c] & 1u);
  return r;
}

inline Bytes load(const std::int8_t* p) {
  Bytes b;
  for (int i = 0; i < 16; ++i) b.v[i] = p[i];
  return b;
}
inline void store(std::int8_t* p, const Bytes& b) {
  for (int i = 0; i < 16; ++i) p[i] = b.v[i];
}
inline Bytes zero_bytes() { return Bytes{}; }
inline Bytes add(const Bytes& a, const Bytes& b) {
  Bytes r;
  for (int i = 0; i < 16; ++i) r.v[i] = static_cast<std::int8_t>(a.v[i] + b.v[i]);
  return r;
}
inline Bytes class_index(const Bytes& nn, const Bytes& s, int z) {
  Bytes r;
  for (int i = 0; i < 16; ++i) r.v[i] = static_cast<std::int8_t>(((nn.v[i] + z) >> 1) | (s.v[i] & 8));
  return r;
}
inline Mask accept(const U16& u, const Bytes& cls, const Table& t) {
  Mask m;
  for (int i = 0; i < 16; ++i) {
    m.v[i] = static_cast<std::int8_t>(u.v[i] < t.thr[cls.v[i] & 15]);
  }
  return m;
}
inline Mask first(int n) {
  Mask m;
  for (int i = 0; i < 16; ++i) m.v[i] = static_cast<std::int8_t>(i < n);
  return m;
}
inline Mask both(const Mask& a, const Mask& b) {
  Mask r;
  for (int i = 0; i < 16; ++i) r.v[i] = static_cast<std::int8_t>(a.v[i] & b.v[i]);
  return r;
}
inline Bytes negate_where(const Bytes& s, const Mask& m) {
  Bytes r;
  for (int i = 0; i < 16; ++i) r.v[i] = static_cast<std::int8_t>(m.v[i] ? -s.v[i] : s.v[i]);
  return r;
}
inline int count(const Mask& m) {
  int n = 0;
  for (int i = 0; i < 16; ++i) n += m.v[i];
  return n;
}
inline Bytes keep(const Bytes& b, const Mask& m) {
  Bytes r;
  for (int i = 0; i < 16; ++i) r.v[i] = static_cast<std::int8_t>(m.v[i] ? b.v[i] : 0);
  return r;
}
inline Bytes times_sign(const Bytes& a, const Bytes& s) {  // s is +-1
  Bytes r;
  for (int i = 0; i < 16; ++i) r.v[i] = static_cast<std::int8_t>(a.v[i] * s.v[i]);
  return r;
}
inline int sum(const Bytes& b) {
  int n = 0;
  for (int i = 0; i < 16; ++i) n += b.v[i];
  return n;
}
#endif

}  // namespace
}  // namespace isingvi::kernels::ISINGVI_ISA
