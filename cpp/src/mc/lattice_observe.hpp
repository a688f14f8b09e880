// Private to the core: exact energy and magnetisation of a periodic lattice whose spins are
// stored one byte per site in site order x + L y (+ L^2 z). Shared by the cluster samplers
// (Wolff, Swendsen-Wang), whose updates only flip spins and count nothing themselves.
#pragma once
#include <cstddef>
#include <cstdint>

namespace isingvi::detail {

// E = -J * bonds - h * M with bonds = sum over nearest-neighbour pairs of s_i s_j (each bond
// once: to the +x, +y (and +z) neighbour of every site), counted as integers.
inline void observe_lattice(const std::int8_t* s, int L_, int dim, std::int64_t n, double J, double h,
                            double& E, std::int64_t& M) {
  const std::ptrdiff_t L = L_, plane = L * L;
  std::int64_t bonds = 0, mag = 0;
  for (std::ptrdiff_t base = 0; base < n; base += L) {
    const std::int8_t* row = s + base;
    const std::ptrdiff_t y = (base / L) % L, zc = base / plane;
    const std::int8_t* dn = s + base + (y == L - 1 ? -(L - 1) * L : L);
    const std::int8_t* above = dim == 3 ? s + base + (zc == L - 1 ? -(L - 1) * plane : plane) : nullptr;
    int acc = row[0] * row[L - 1];
    for (std::ptrdiff_t x = 0; x < L; ++x) {
      mag += row[x];
      acc += row[x] * ((x + 1 < L ? row[x + 1] : 0) + dn[x] + (above ? above[x] : 0));
    }
    bonds += acc;
  }
  M = mag;
  E = -J * static_cast<double>(bonds) - h * static_cast<double>(mag);
}

}  // namespace isingvi::detail
