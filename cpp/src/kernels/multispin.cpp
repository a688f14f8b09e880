// The multi-spin-coded checkerboard Metropolis / heat-bath kernel (layout in multispin.hpp),
// compiled once per instruction set into namespace isingvi::kernels::ISINGVI_ISA.
//
// Per word of 64 sites: the neighbour words, XORed with the spins, say which neighbours
// disagree; a bit-sliced adder counts them (m, 3 bits per site); the classes follow by
// bitwise logic. Sites of a class with 0 < p < 1 compare a virtual uniform 32-bit U with
// their class's threshold, MSB first: each plane is one fresh random word (bit b for site b),
// and a site is decided at the first plane where its random bit differs from its threshold
// bit (0 against 1: flip; 1 against 0: stay). Four words (a lock step, words.hpp) draw planes
// together until all their sites are decided, about log2(256) + 1.3 planes; after 32 equal
// planes U == threshold: stay. So each site flips with probability threshold / 2^32 exactly,
// from its own random bits (words of a lock step draw from different lanes).
#include <cstdint>

#include "multispin.hpp"
#include "words.hpp"

namespace isingvi::kernels::ISINGVI_ISA {
namespace {

// The rows of the other colour next to row r of colour c (see MultispinLattice): `beside`
// points at word k + o - 1 of the same row, `prev`/`next` at the rows across the strip axis
// (rotated by a bit when they wrap around a strip edge), `mid` at y -+ 1 in 3D.
template <int Dim>
struct Neighbours {
  const std::uint64_t* beside;
  const std::uint64_t* prev;
  const std::uint64_t* next;
  bool rot_prev, rot_next;
  const std::uint64_t* mid[2];  // 3D only
};

template <int Dim>
inline Neighbours<Dim> neighbours(const MultispinLattice& lat, int c, int r) {
  const int L = lat.L, H = lat.H;
  const int y = Dim == 3 ? r % L : 0, p = Dim == 3 ? r / L : r;
  const int o = (y + p + c) & 1;
  const std::uint64_t* other = lat.colour[1 - c] + kWordPad;
  auto row = [&](int yy, int pp) { return other + static_cast<std::int64_t>(Dim == 3 ? yy + L * pp : pp) * lat.stride; };
  Neighbours<Dim> nb;
  nb.beside = row(y, p) + o - 1;
  nb.prev = row(y, p == 0 ? H - 1 : p - 1);
  nb.next = row(y, p == H - 1 ? 0 : p + 1);
  nb.rot_prev = p == 0;
  nb.rot_next = p == H - 1;
  if constexpr (Dim == 3) {
    nb.mid[0] = row(y == 0 ? L - 1 : y - 1, p);
    nb.mid[1] = row(y == L - 1 ? 0 : y + 1, p);
  }
  return nb;
}

// Bit-sliced count of the neighbours that disagree with s (0..2 Dim) as bits m[0..2].
template <int Dim>
inline void disagreeing(const Neighbours<Dim>& nb, int k, Words s, Words m[3]) {
  const Words prev = load(nb.prev + k), next = load(nb.next + k);
  Words d[2 * Dim];
  d[0] = s ^ load(nb.beside + k);
  d[1] = s ^ load(nb.beside + k + 1);
  d[2] = s ^ (nb.rot_prev ? rotl1(prev) : prev);
  d[3] = s ^ (nb.rot_next ? rotr1(next) : next);
  if constexpr (Dim == 3) {
    d[4] = s ^ load(nb.mid[0] + k);
    d[5] = s ^ load(nb.mid[1] + k);
  }
  // full adder of d0, d1, d2: weight-1 bit a, weight-2 bit b
  const Words x01 = d[0] ^ d[1];
  const Words a = x01 ^ d[2];
  const Words b = (d[0] & d[1]) | (x01 & d[2]);
  if constexpr (Dim == 2) {
    const Words carry = a & d[3];
    m[0] = a ^ d[3];
    m[1] = b ^ carry;
    m[2] = b & carry;
  } else {
    const Words x34 = d[3] ^ d[4];
    const Words a2 = x34 ^ d[5];
    const Words b2 = (d[3] & d[4]) | (x34 & d[5]);
    const Words carry = a & a2;
    const Words xb = b ^ b2;
    m[0] = a ^ a2;
    m[1] = xb ^ carry;
    m[2] = (b & b2) | (xb & carry);
  }
}

// One word per value v = 0..2 Dim of m: the sites with exactly v disagreeing neighbours
// (decoded once per word, so that each class below costs a lookup rather than a comparison
// of all three bits). In 2D m <= 4, so m2 alone means 4 and m0, m1 need no m2 test but for 0.
template <int Dim>
inline void decode(const Words m[3], Words mt[2 * Dim + 1]) {
  const Words none01 = and_not(splat(~std::uint64_t{0}), m[0] | m[1]);
  const Words p1 = and_not(m[0], m[1]), p2 = and_not(m[1], m[0]), p3 = m[0] & m[1];
  mt[0] = and_not(none01, m[2]);
  if constexpr (Dim == 2) {
    mt[1] = p1, mt[2] = p2, mt[3] = p3, mt[4] = m[2];
  } else {
    mt[1] = and_not(p1, m[2]), mt[2] = and_not(p2, m[2]), mt[3] = and_not(p3, m[2]);
    mt[4] = none01 & m[2], mt[5] = p1 & m[2], mt[6] = p2 & m[2];
  }
}

inline Words member(const MultispinClass& c, const Words* mt, Words s) {
  return c.spin_matters ? and_not(mt[c.m], s ^ splat(c.spin)) : mt[c.m];
}

inline void refresh_halos(const MultispinLattice& lat, int c, int row_begin, int row_end) {
  for (int r = row_begin; r < row_end; ++r) {
    std::uint64_t* row = lat.colour[c] + static_cast<std::int64_t>(r) * lat.stride + kWordPad;
    row[-1] = row[lat.half - 1];
    row[lat.half] = row[0];
  }
}

// Bit k of every undecided site's threshold: the union of the classes with that bit set.
// NR > 0 is the number of random classes known at compile time (kept in registers).
template <int NR>
inline Words threshold_plane(const Words* cls, const std::uint64_t* plane, int n_random) {
  Words t = zero();
  for (int i = 0; i < (NR ? NR : n_random); ++i) t = t | (cls[i] & splat(plane[i]));
  return t;
}

constexpr int kGens = 8 / kWidth;  // lane groups of a row's eight RNG lanes
constexpr int kLockstep = 4;        // words that draw together (see words.hpp)
constexpr int kQ = kWidth >= kLockstep ? 1 : kLockstep / kWidth;  // Words per step of words
constexpr int kStep = kQ * kWidth;  // words per step: 4, or 8 (two lock steps) with AVX-512
// A lock step with undecided sites draws at least this many planes, and only then starts to
// test whether it is done: that test's outcome is a coin toss near the typical depth
// (log2(256) + 1.3 planes), a mispredicted branch per lock step; drawing a few planes too
// many costs less. Unused random bits are simply not looked at, so this changes no probability.
constexpr int kMinPlanes = 10;

// One step of words of sites being decided (kQ Words).
template <int NR>
struct Group {
  Words s[kQ], flip[kQ], undecided[kQ];
  Words inverted[kQ];  // the twins' sites (see MultispinTables)
  Words cls[kQ][NR ? NR : kMaxClasses];
};

// The classes of the sites of words k.. of a row: the undecided ones (random classes) and
// the flips already certain (classes that always flip).
template <int Dim, int NR, bool Twins>
inline void classify(const Neighbours<Dim>& nb, const std::uint64_t* mine, int k, const MultispinTables& tab,
                     Group<NR>& g) {
  for (int q = 0; q < kQ; ++q) {
    const int kq = k + q * kWidth;
    const Words s = g.s[q] = load(mine + kq);
    Words m[3], mt[2 * Dim + 1];
    disagreeing<Dim>(nb, kq, s, m);
    decode<Dim>(m, mt);
    Words never = zero(), undecided = zero(), inverted = zero();
    for (int i = 0; i < (NR ? NR : tab.n_random); ++i) {
      Words cls = member(tab.random[i], mt, s);
      if (Twins && tab.has_twin[i]) {
        const Words twin = member(tab.twin[i], mt, s);
        inverted = inverted | twin;
        cls = cls | twin;
      }
      undecided = undecided | (g.cls[q][i] = cls);
    }
    g.inverted[q] = inverted;
    for (int i = 0; i < tab.n_never; ++i) never = never | member(tab.never[i], mt, s);
    g.undecided[q] = undecided;
    g.flip[q] = and_not(splat(~std::uint64_t{0}), undecided | never);
  }
}

// The bit-plane comparisons of P independent groups (other rows; only AVX-512 takes P > 1)
// side by side, which hides the latency of each one's chain (draw -> compare -> still
// undecided?). A lock step of four words draws only while it has undecided sites (with P > 1
// the others' draws are write-masked), so every group consumes exactly the random words it
// would consume alone, and the same with any vector width.
template <int NR, bool Twins, int P>
inline void decide(Group<NR>* g, Gen* const* gen, const MultispinTables& tab) {
  static_assert(P == 1 || kWidth == 8, "only masked draws let groups share a loop");
  Live todo[P];
  bool more = false;
  for (int p = 0; p < P; ++p) more = any(todo[p] = live(g[p].undecided)) || more;
  auto plane = [&](int p, int bit) {
    for (int q = 0; q < kQ; ++q) {
      const Words drawn = next_where(gen[p][q], todo[p]);
      const Words u = Twins ? drawn ^ g[p].inverted[q] : drawn;
      compare_plane(g[p].flip[q], g[p].undecided[q], u, threshold_plane<NR>(g[p].cls[q], tab.plane[bit], tab.n_random));
    }
  };
  int bit = 31;
  if (more)  // the first kMinPlanes planes without looking: a lock step rarely needs fewer
    for (; bit > 31 - kMinPlanes; --bit)
      for (int p = 0; p < P; ++p) plane(p, bit);
  more = false;
  for (int p = 0; p < P; ++p) more = any(todo[p] = live(g[p].undecided)) || more;
  for (; more && bit >= 0; --bit) {
    more = false;
    for (int p = 0; p < P; ++p) {
      plane(p, bit);
      more = any(todo[p] = live(g[p].undecided)) || more;
    }
  }
  if (Twins)  // a twin's site flips unless its inverted bits came out below the threshold
    for (int p = 0; p < P; ++p)
      for (int q = 0; q < kQ; ++q) g[p].flip[q] = g[p].flip[q] ^ g[p].inverted[q];
}

// Colour c of rows r .. r + P - 1, side by side.
template <int Dim, int NR, bool Twins, int P>
Words rows_together(const MultispinLattice& lat, const MultispinTables& tab, RngLanes* lanes, int c, int r) {
  Neighbours<Dim> nb[P];
  std::uint64_t* mine[P];
  Gen gens[P][kGens];
  for (int p = 0; p < P; ++p) {
    nb[p] = neighbours<Dim>(lat, c, r + p);
    mine[p] = lat.colour[c] + static_cast<std::int64_t>(r + p) * lat.stride + kWordPad;
    for (int q = 0; q < kGens; ++q) gens[p][q] = load_gen(lanes[r + p], q * kWidth);
  }
  Words flips = zero();
  for (int k = 0; k < lat.half; k += kStep) {
    Group<NR> g[P];
    Gen* gen[P];
    for (int p = 0; p < P; ++p) {
      classify<Dim, NR, Twins>(nb[p], mine[p], k, tab, g[p]);
      gen[p] = &gens[p][(k / kWidth) % kGens];
    }
    decide<NR, Twins, P>(g, gen, tab);
    for (int p = 0; p < P; ++p)
      for (int q = 0; q < kQ; ++q) {
        store(mine[p] + k + q * kWidth, g[p].s[q] ^ g[p].flip[q]);
        flips = add(flips, popcounts(g[p].flip[q]));
      }
  }
  for (int p = 0; p < P; ++p)
    for (int q = 0; q < kGens; ++q) store_gen(gens[p][q], lanes[r + p], q * kWidth);
  return flips;
}

// Rows of at most this many words go four at a time with AVX-512: measured faster up to L = 512
// (2D), slower from L = 1024, where the rows no longer fit the L1 cache together.
constexpr int kShortRow = 256;

template <int Dim, int NR, bool Twins>
std::int64_t half_sweep(const MultispinLattice& lat, const MultispinTables& tab, RngLanes* lanes, int c,
                        int row_begin, int row_end) {
  refresh_halos(lat, 1 - c, row_begin, row_end);
  // AVX-512 takes rows in pairs (32 registers hold both), or in fours on short rows (AVX2 has
  // too few registers to gain: measured slower; only AVX-512 masks its draws).
  Words flips = zero();
  int r = row_begin;
  if constexpr (kWidth == 8) {
    if (lat.half <= kShortRow)
      for (; r + 4 <= row_end; r += 4) flips = add(flips, rows_together<Dim, NR, Twins, 4>(lat, tab, lanes, c, r));
    for (; r + 2 <= row_end; r += 2) flips = add(flips, rows_together<Dim, NR, Twins, 2>(lat, tab, lanes, c, r));
  }
  for (; r < row_end; ++r) flips = add(flips, rows_together<Dim, NR, Twins, 1>(lat, tab, lanes, c, r));
  return total(flips);
}

template <int Dim>
void observe(const MultispinLattice& lat, std::int64_t* unlike, std::int64_t* up) {
  refresh_halos(lat, 1, 0, lat.rows);
  Words diff = zero(), ones = zero();
  for (int r = 0; r < lat.rows; ++r) {
    const Neighbours<Dim> nb = neighbours<Dim>(lat, 0, r);
    const std::int64_t at = static_cast<std::int64_t>(r) * lat.stride + kWordPad;
    for (int k = 0; k < lat.half; k += kWidth) {
      // every bond joins a colour-0 site to one of its neighbours, all in colour 1
      const Words s = load(lat.colour[0] + at + k);
      const Words prev = load(nb.prev + k), next = load(nb.next + k);
      diff = add(diff, popcounts(s ^ load(nb.beside + k)));
      diff = add(diff, popcounts(s ^ load(nb.beside + k + 1)));
      diff = add(diff, popcounts(s ^ (nb.rot_prev ? rotl1(prev) : prev)));
      diff = add(diff, popcounts(s ^ (nb.rot_next ? rotr1(next) : next)));
      if constexpr (Dim == 3) {
        diff = add(diff, popcounts(s ^ load(nb.mid[0] + k)));
        diff = add(diff, popcounts(s ^ load(nb.mid[1] + k)));
      }
      ones = add(ones, add(popcounts(s), popcounts(load(lat.colour[1] + at + k))));
    }
  }
  *unlike = total(diff);
  *up = total(ones);
}

template <int Dim>
std::int64_t half_sweep_for(const MultispinLattice& lat, const MultispinTables& tab, RngLanes* rows, int colour,
                            int row_begin, int row_end) {
  if (tab.n_twins > 0) {
    switch (tab.n_random) {  // heat bath at h = 0: 2D m = 0 & 4, 1 & 3, 2; 3D 0 & 6, 1 & 5, 2 & 4, 3
      case 3: return half_sweep<Dim, 3, true>(lat, tab, rows, colour, row_begin, row_end);
      case 4: return half_sweep<Dim, 4, true>(lat, tab, rows, colour, row_begin, row_end);
      default: return half_sweep<Dim, 0, true>(lat, tab, rows, colour, row_begin, row_end);
    }
  }
  switch (tab.n_random) {  // the common counts (h = 0) with the classes in registers
    case 1: return half_sweep<Dim, 1, false>(lat, tab, rows, colour, row_begin, row_end);
    case 2: return half_sweep<Dim, 2, false>(lat, tab, rows, colour, row_begin, row_end);
    case 3: return half_sweep<Dim, 3, false>(lat, tab, rows, colour, row_begin, row_end);
    default: return half_sweep<Dim, 0, false>(lat, tab, rows, colour, row_begin, row_end);
  }
}

}  // namespace

std::int64_t multispin_half_sweep(const MultispinLattice& lat, const MultispinTables& tab, RngLanes* rows,
                                  int colour, int row_begin, int row_end) {
  return lat.dim == 2 ? half_sweep_for<2>(lat, tab, rows, colour, row_begin, row_end)
                      : half_sweep_for<3>(lat, tab, rows, colour, row_begin, row_end);
}

void multispin_observe(const MultispinLattice& lat, std::int64_t* unlike, std::int64_t* up) {
  if (lat.dim == 2)
    observe<2>(lat, unlike, up);
  else
    observe<3>(lat, unlike, up);
}

}  // namespace isingvi::kernels::ISINGVI_ISA
