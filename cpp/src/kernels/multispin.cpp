// The multi-spin-coded checkerboard Metropolis / heat-bath kernel (layout in multispin.hpp),
// compiled once per instruction set into namespace isingvi::kernels::ISINGVI_ISA.
//
// Per word of 64 sites: the neighbour words, XORed with the spins, say which neighbours
// disagree; a bit-sliced adder counts them (m, 3 bits per site); the classes follow by
// bitwise logic. Sites of a class with 0 < p < 1 compare a virtual uniform 32-bit U with
// their class's threshold, MSB first: each plane is one fresh random word (bit b for site b),
// and a site is decided at the first plane where its random bit differs from its threshold
// bit (0 against 1: flip; 1 against 0: stay). The word draws planes until every site is
// decided, about log2(64) + 2 on average; after 32 equal planes U == threshold: stay.
// So each site flips with probability threshold / 2^32 exactly, from its own random bits.
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

inline Words member(const MultispinClass& c, const Words m[3], Words s) {
  const Words off = (m[0] ^ splat(c.value[0])) | (m[1] ^ splat(c.value[1])) | (m[2] ^ splat(c.value[2])) |
                    ((s ^ splat(c.spin)) & splat(c.spin_matters));
  return and_not(splat(~std::uint64_t{0}), off);
}

inline void refresh_halos(const MultispinLattice& lat, int c, int row_begin, int row_end) {
  for (int r = row_begin; r < row_end; ++r) {
    std::uint64_t* row = lat.colour[c] + static_cast<std::int64_t>(r) * lat.stride + kWordPad;
    row[-1] = row[lat.half - 1];
    row[lat.half] = row[0];
  }
}

constexpr int kGens = 8 / kWidth;  // lane groups of a row's eight RNG lanes

template <int Dim>
std::int64_t half_sweep(const MultispinLattice& lat, const MultispinTables& tab, RngLanes* lanes, int c,
                        int row_begin, int row_end) {
  refresh_halos(lat, 1 - c, row_begin, row_end);
  const int n_random = tab.n_random, n_never = tab.n_never;
  Words flips = zero();
  for (int r = row_begin; r < row_end; ++r) {
    const Neighbours<Dim> nb = neighbours<Dim>(lat, c, r);
    std::uint64_t* mine = lat.colour[c] + static_cast<std::int64_t>(r) * lat.stride + kWordPad;
    Gen gens[kGens];
    for (int g = 0; g < kGens; ++g) gens[g] = load_gen(lanes[r], g * kWidth);
    for (int k = 0; k < lat.half; k += kWidth) {
      const Words s = load(mine + k);
      Words m[3];
      disagreeing<Dim>(nb, k, s, m);
      Words cls[kMaxClasses];
      Words undecided = zero(), never = zero();
      for (int i = 0; i < n_random; ++i) undecided = undecided | (cls[i] = member(tab.random[i], m, s));
      for (int i = 0; i < n_never; ++i) never = never | member(tab.never[i], m, s);
      Words flip = and_not(splat(~std::uint64_t{0}), undecided | never);
      if (any(undecided)) {
        Gen& gen = gens[(k / kWidth) % kGens];
        for (int bit = 31; bit >= 0; --bit) {
          const Words u = next_where(gen, undecided);
          Words thr = zero();
          for (int i = 0; i < n_random; ++i) thr = thr | (cls[i] & splat(tab.plane[bit][i]));
          flip = flip | and_not(undecided & thr, u);  // U's bit 0, threshold's 1: U < threshold
          undecided = and_not(undecided, u ^ thr);
          if (!any(undecided)) break;
        }
      }
      store(mine + k, s ^ flip);
      flips = add(flips, popcounts(flip));
    }
    for (int g = 0; g < kGens; ++g) store_gen(gens[g], lanes[r], g * kWidth);
  }
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

}  // namespace

std::int64_t multispin_half_sweep(const MultispinLattice& lat, const MultispinTables& tab, RngLanes* rows,
                                  int colour, int row_begin, int row_end) {
  return lat.dim == 2 ? half_sweep<2>(lat, tab, rows, colour, row_begin, row_end)
                      : half_sweep<3>(lat, tab, rows, colour, row_begin, row_end);
}

void multispin_observe(const MultispinLattice& lat, std::int64_t* unlike, std::int64_t* up) {
  if (lat.dim == 2)
    observe<2>(lat, unlike, up);
  else
    observe<3>(lat, unlike, up);
}

}  // namespace isingvi::kernels::ISINGVI_ISA
