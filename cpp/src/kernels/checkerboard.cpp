// The checkerboard Metropolis / heat-bath sweep on split colours (layout in checkerboard.hpp),
// compiled once per instruction set into namespace isingvi::kernels::ISINGVI_ISA.
//
// A site of colour c has all its neighbours in colour 1 - c: in the rows above and below
// (and in front and behind) at the same k, and in its own row at k + o - 1 and k + o. So a
// half-row is a unit-stride loop over blocks of 16 sites, each block: one step of the eight
// RNG lanes (16 draws), the neighbour sums in int8, the class index, a table lookup of the
// 32-bit threshold, a compare, a conditional negate. No branches on spins or draws.
#include <cstdint>

#include "block16.hpp"

namespace isingvi::kernels::ISINGVI_ISA {
namespace {

// The rows of the other colour next to row r = y + L z of colour c: `beside` points at byte
// k + o - 1 of the same row (neighbours k + o - 1 and k + o), `vert` at the other rows.
template <int Dim>
struct Neighbours {
  const std::int8_t* beside;
  const std::int8_t* vert[2 * (Dim - 1)];
};

template <int Dim>
inline Neighbours<Dim> neighbours(const CheckerboardLattice& lat, int c, int r) {
  const int L = lat.L, y = Dim == 2 ? r : r % L, z = Dim == 2 ? 0 : r / L;  // no division in 2D
  const int o = (y + z + c) & 1;
  const std::int8_t* other = lat.colour[1 - c] + kRowPad;
  auto row = [&](int yy, int zz) { return other + static_cast<std::int64_t>(yy + L * zz) * lat.stride; };
  Neighbours<Dim> nb;
  nb.beside = row(y, z) + o - 1;
  nb.vert[0] = row(y == 0 ? L - 1 : y - 1, z);
  nb.vert[1] = row(y == L - 1 ? 0 : y + 1, z);
  if constexpr (Dim == 3) {
    nb.vert[2] = row(y, z == 0 ? L - 1 : z - 1);
    nb.vert[3] = row(y, z == L - 1 ? 0 : z + 1);
  }
  return nb;
}

template <int Dim>
inline Bytes neighbour_sum(const Neighbours<Dim>& nb, int k) {
  Bytes nn = add(load(nb.beside + k), load(nb.beside + k + 1));
  for (int v = 0; v < 2 * (Dim - 1); ++v) nn = add(nn, load(nb.vert[v] + k));
  return nn;
}

// Copy each row's first and last site of colour c into its halos.
inline void refresh_halos(const CheckerboardLattice& lat, int c) {
  for (int r = 0; r < lat.rows; ++r) {
    std::int8_t* row = lat.colour[c] + static_cast<std::int64_t>(r) * lat.stride + kRowPad;
    row[-1] = row[lat.half - 1];
    row[lat.half] = row[0];
  }
}

// Count: also add the changes of bonds and magnetisation to *bonds and *mag. A site that
// flips changes bonds by -2 s nn and M by -2 s (sites of one colour are not neighbours, so a
// half-sweep's changes add up). s nn and s of the flipped sites add up in bytes, summed up
// every kFlush blocks: |s nn| <= 2 Dim, so kFlush blocks stay below 128.
template <int Dim, bool Count>
std::int64_t sweep(CheckerboardLattice& lat, const CheckerboardTables& tables, RngLanes& lanes, std::int64_t* bonds,
                   std::int64_t* mag) {
  const Table tab = load_table(tables);
  Lanes rng = load_lanes(lanes);
  const int half = lat.half, z = 2 * Dim;
  std::int64_t flipped = 0, s_nn = 0, s_sum = 0;
  constexpr int kFlush = 127 / (2 * Dim);
  Bytes acc_nn = zero_bytes(), acc_s = zero_bytes();
  int pending = 0;
  for (int c = 0; c < 2; ++c) {
    refresh_halos(lat, 1 - c);
    for (int r = 0; r < lat.rows; ++r) {
      const Neighbours<Dim> nb = neighbours<Dim>(lat, c, r);
      std::int8_t* mine = lat.colour[c] + static_cast<std::int64_t>(r) * lat.stride + kRowPad;
      int row_flips = 0;
      for (int k = 0; k < half; k += 16) {
        const U16 u = next16(rng);
        const Bytes s = load(mine + k);
        const Bytes nn = neighbour_sum(nb, k);
        const Mask flip = both(accept(u, class_index(nn, s, z), tab), first(half - k));
        store(mine + k, negate_where(s, flip));
        row_flips += count(flip);
        if constexpr (Count) {
          acc_nn = add(acc_nn, keep(times_sign(nn, s), flip));
          acc_s = add(acc_s, keep(s, flip));
          if (++pending == kFlush) {
            s_nn += sum(acc_nn);
            s_sum += sum(acc_s);
            acc_nn = acc_s = zero_bytes();
            pending = 0;
          }
        }
      }
      flipped += row_flips;
    }
  }
  store_lanes(rng, lanes);
  if constexpr (Count) {
    *bonds -= 2 * (s_nn + sum(acc_nn));
    *mag -= 2 * (s_sum + sum(acc_s));
  }
  return flipped;
}

template <int Dim>
void observe(CheckerboardLattice& lat, std::int64_t* bonds, std::int64_t* mag) {
  refresh_halos(lat, 1);
  std::int64_t b = 0, m = 0;
  for (int r = 0; r < lat.rows; ++r) {
    const Neighbours<Dim> nb = neighbours<Dim>(lat, 0, r);
    const std::int64_t at = static_cast<std::int64_t>(r) * lat.stride + kRowPad;
    for (int k = 0; k < lat.half; k += 16) {
      const Mask valid = first(lat.half - k);
      const Bytes s0 = load(lat.colour[0] + at + k);
      // every bond joins a colour-0 site to one of its neighbours, all in colour 1
      b += sum(keep(times_sign(neighbour_sum(nb, k), s0), valid));
      m += sum(keep(s0, valid)) + sum(keep(load(lat.colour[1] + at + k), valid));
    }
  }
  *bonds = b;
  *mag = m;
}

}  // namespace

std::int64_t checkerboard_sweep(CheckerboardLattice& lat, const CheckerboardTables& tab, RngLanes& rng) {
  return lat.dim == 2 ? sweep<2, false>(lat, tab, rng, nullptr, nullptr) : sweep<3, false>(lat, tab, rng, nullptr, nullptr);
}

std::int64_t checkerboard_sweep_counting(CheckerboardLattice& lat, const CheckerboardTables& tab, RngLanes& rng,
                                         std::int64_t* bonds, std::int64_t* mag) {
  return lat.dim == 2 ? sweep<2, true>(lat, tab, rng, bonds, mag) : sweep<3, true>(lat, tab, rng, bonds, mag);
}

void checkerboard_observe(CheckerboardLattice& lat, std::int64_t* bonds, std::int64_t* mag) {
  if (lat.dim == 2)
    observe<2>(lat, bonds, mag);
  else
    observe<3>(lat, bonds, mag);
}

}  // namespace isingvi::kernels::ISINGVI_ISA
