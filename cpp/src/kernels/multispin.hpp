// Private to the core: the multi-spin-coded checkerboard kernel, built once per instruction
// set (multispin.cpp; see isingvi/simd.hpp). Plain data and declarations only, for the same
// reason as checkerboard.hpp: no inline code shared between ISAs.
#pragma once
#include <cstdint>

#include "checkerboard.hpp"  // RngLanes

namespace isingvi::kernels {

// Spins packed 64 per word, bit set = spin up, on a periodic L^dim lattice (L % 128 == 0).
// The last axis (y in 2D, z in 3D) is cut into 64 strips of H = L / 64 planes: bit b of a
// word holds last coordinate b H + p, so the neighbour across a strip edge is the same word
// position in plane p = H - 1 (or 0) with the bit index shifted by one (a 1-bit rotation);
// every other neighbour has the same bit index. H is even, so a word's 64 sites share one
// checkerboard colour. Row r = p (2D) or y + L p (3D) of colour c holds the L/2 sites
// x = 2k + o, o = (p (+ y) + c) % 2, as words [kWordPad, kWordPad + half) of a `stride`-word
// row; words kWordPad - 1 and kWordPad + half are halos (copies of the last and first word).
constexpr int kWordPad = 8;
struct MultispinLattice {
  std::uint64_t* colour[2];
  std::int64_t stride;
  int L, dim, H, half, rows;  // half = L / 2 words per row, rows = H (2D) or L H (3D)
};

// A class of sites: m (number of neighbours with the other spin, 0..2 dim) equal to `m`, and,
// when spin_matters, the spin equal to `spin` (all ones: up, zero: down). The kernel decodes
// each word's bit-sliced m into one word per value once, so a class costs a lookup.
struct MultispinClass {
  int m;
  bool spin_matters;
  std::uint64_t spin;
};

// Flip decisions. A site flips when its virtual uniform 32-bit U < threshold of its class.
// `never` classes have threshold 0, classes in neither list threshold 2^32 (always flip),
// `random` ones 0 < threshold < 2^32, compared MSB first one random bit-plane at a time:
// plane[k][i] is all ones where bit k of random class i's threshold is set.
// A random class may have a twin (has_twin[i]) whose threshold is 2^32 minus its own (heat
// bath: m and 2 dim - m at h = 0): U < 2^32 - thr exactly when not (~U < thr), so the twin's
// sites share class i's comparisons with their random bits inverted and the outcome negated.
constexpr int kMaxClasses = 14;
struct MultispinTables {
  int n_random = 0, n_never = 0, n_twins = 0;
  MultispinClass random[kMaxClasses];
  MultispinClass never[kMaxClasses];
  MultispinClass twin[kMaxClasses];
  bool has_twin[kMaxClasses];
  std::uint64_t plane[32][kMaxClasses];
};

}  // namespace isingvi::kernels

// half_sweep: update colour c on rows [row_begin, row_end) (refreshing the halos of the
// other colour there first); rows[r] are row r's eight RNG lanes, word k drawing from lane
// k % 8. Returns the number of flipped spins.
// observe: unlike = number of bonds joining opposite spins, up = number of up spins.
#define ISINGVI_DECLARE_MULTISPIN_KERNELS(isa)                                                     \
  namespace isingvi::kernels::isa {                                                                \
  std::int64_t multispin_half_sweep(const MultispinLattice& lat, const MultispinTables& tab,      \
                                    RngLanes* rows, int colour, int row_begin, int row_end);      \
  void multispin_observe(const MultispinLattice& lat, std::int64_t* unlike, std::int64_t* up);    \
  }

ISINGVI_DECLARE_MULTISPIN_KERNELS(scalar)
#if ISINGVI_X86_KERNELS
ISINGVI_DECLARE_MULTISPIN_KERNELS(avx2)
ISINGVI_DECLARE_MULTISPIN_KERNELS(avx512)
#endif
