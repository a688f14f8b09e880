// Private to the core: the checkerboard single-spin kernel, built once per instruction set
// (checkerboard.cpp; see isingvi/simd.hpp). Only plain data and declarations live here: this
// header is included by code compiled for different CPUs, and an inline function defined
// here could be emitted by an AVX-512 translation unit and linked into baseline callers.
#pragma once
#include <cstdint>

namespace isingvi::kernels {

// Eight xoshiro256++ streams, word-major: s[w][j] is word w of lane j, so one vector load
// reads a word of every lane. One step of all lanes gives 16 uniform 32-bit draws: draw 2j
// is the low half of lane j's output, draw 2j + 1 the high half.
struct RngLanes {
  std::uint64_t s[4][8];
};

// Periodic L^dim lattice with the two checkerboard colours stored apart. Colour c holds the
// sites with (x + y + z) % 2 == c; its row r = y + L z holds the L/2 sites x = 2k + o,
// o = (y + z + c) % 2, at bytes [kRowPad, kRowPad + half) of a `stride`-byte row. Bytes
// kRowPad - 1 and kRowPad + half are halos (copies of the row's last and first site) so the
// left and right neighbours of a whole row are read without wrapping; every other byte of
// the padding is +1, so it is a valid spin wherever a vector reads past a row's end.
constexpr int kRowPad = 16;
struct CheckerboardLattice {
  std::int8_t* colour[2];
  std::int64_t stride;  // >= kRowPad + round_up(half, 16) + 1: blocks of 16 never leave a row
  int L, dim, half, rows;  // half = L / 2, rows = L^(dim - 1)
};

// Flip probabilities as exact 32-bit thresholds. A site of spin s with neighbour sum nn has
// class ((nn + 2 dim) >> 1) | (s < 0 ? 8 : 0) and flips when its uniform 32-bit draw
// u < below[class], or always when always[class] is all ones.
// (A threshold round(p 2^32) takes 2^32 + 1 values; p = 1 is the one `below` cannot hold.)
struct CheckerboardTables {
  std::uint32_t below[16];
  std::uint32_t always[16];
};

}  // namespace isingvi::kernels

// One full sweep (colour 0, then colour 1, rows in order, 16 sites per draw of the lanes;
// a row of `half` sites uses ceil(half / 16) draws) -> number of flipped spins.
// sweep_counting: the same sweep, which also adds its changes of bonds and mag (as observe
// counts them) to *bonds and *mag.
// observe: bonds = sum over nearest-neighbour bonds of s_i s_j (dim * N of them), mag = sum s_i.
#define ISINGVI_DECLARE_CHECKERBOARD_KERNELS(isa)                                                  \
  namespace isingvi::kernels::isa {                                                                \
  std::int64_t checkerboard_sweep(CheckerboardLattice& lat, const CheckerboardTables& tab,        \
                                  RngLanes& rng);                                                  \
  std::int64_t checkerboard_sweep_counting(CheckerboardLattice& lat, const CheckerboardTables& tab, \
                                           RngLanes& rng, std::int64_t* bonds, std::int64_t* mag); \
  void checkerboard_observe(CheckerboardLattice& lat, std::int64_t* bonds, std::int64_t* mag);   \
  }

ISINGVI_DECLARE_CHECKERBOARD_KERNELS(scalar)
#if ISINGVI_X86_KERNELS
ISINGVI_DECLARE_CHECKERBOARD_KERNELS(avx2)
ISINGVI_DECLARE_CHECKERBOARD_KERNELS(avx512)
#endif
