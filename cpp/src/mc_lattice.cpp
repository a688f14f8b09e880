// Single-spin checkerboard samplers and Wolff on periodic square and cubic lattices.
// The hot loops only flip spins; energy and magnetisation are counted exactly, as integers,
// from the spins when a measurement is taken: E = -J * bonds - h * M, bonds = sum s_i s_j.
#include <cmath>
#include <string>
#include <vector>

#include "isingvi/check.hpp"
#include "isingvi/mc.hpp"
#include "isingvi/rng.hpp"
#include "mc_driver.hpp"

namespace isingvi {
namespace {

class LatticeChain {
 public:
  detail::ChainCounters counters;

  LatticeChain(const Lattice& lat, Algorithm alg, double T)
      : L_(lat.L), dim_(lat.dim), z_(lat.coordination()), N_(lat.n()), J_(lat.J), h_(lat.h),
        beta_(1.0 / T), alg_(alg), s_(static_cast<std::size_t>(N_)) {
    // Thresholds indexed by (s_i > 0) * (2z + 1) + nn + z, nn = sum of the z neighbours.
    thr_.assign(2 * static_cast<std::size_t>(2 * z_ + 1), 0);
    for (int up = 0; up < 2; ++up) {
      const int si = up ? 1 : -1;
      for (int nn = -z_; nn <= z_; nn += 2) {
        const double local = J_ * nn + h_;
        const double p = alg == Algorithm::Metropolis
                             ? std::min(1.0, std::exp(-beta_ * 2.0 * si * local))
                             : 1.0 / (1.0 + std::exp(-2.0 * beta_ * local));  // P(new spin = +1)
        thr_[up * (2 * z_ + 1) + nn + z_] = probability_threshold32(p);
      }
    }
    p_add_ = probability_threshold(1.0 - std::exp(-2.0 * beta_ * J_));
  }

  void init(Init how, Rng& rng) {
    for (auto& si : s_)
      si = how == Init::Up ? 1 : how == Init::Down ? -1 : (rng.next() >> 63 ? 1 : -1);
  }

  void sweep(Rng& rng) {
    switch (alg_) {
      case Algorithm::Metropolis: checkerboard<true>(rng); break;
      case Algorithm::HeatBath: checkerboard<false>(rng); break;
      case Algorithm::Wolff: wolff(rng); break;
    }
  }

  void observe(double& E, std::int64_t& M) const {
    const std::int8_t* s = s_.data();
    const std::ptrdiff_t L = L_, plane = L * L;
    std::int64_t bonds = 0, mag = 0;
    // Bonds to the +x, +y (and +z) neighbour of every site: each bond once.
    for (std::ptrdiff_t base = 0; base < N_; base += L) {
      const std::int8_t* row = s + base;
      const std::ptrdiff_t y = (base / L) % L, zc = base / plane;
      const std::int8_t* dn = s + base + (y == L - 1 ? -(L - 1) * L : L);
      const std::int8_t* above = dim_ == 3 ? s + base + (zc == L - 1 ? -(L - 1) * plane : plane) : nullptr;
      int acc = row[0] * row[L - 1];
      for (std::ptrdiff_t x = 0; x < L; ++x) {
        mag += row[x];
        acc += row[x] * ((x + 1 < L ? row[x + 1] : 0) + dn[x] + (above ? above[x] : 0));
      }
      bonds += acc;
    }
    M = mag;
    E = -J_ * static_cast<double>(bonds) - h_ * static_cast<double>(mag);
  }

  const std::int8_t* spins() const { return s_.data(); }

 private:
  // One checkerboard sweep. Metropolis: flip with probability min(1, e^{-beta dE}); heat
  // bath: the new spin is +1 with probability 1 / (1 + e^{-2 beta h_local}). Each attempt
  // compares a 32-bit uniform draw with a 32-bit threshold (probabilities exact to 2^-33),
  // branch-free; the two sites of a pair share one 64-bit output, high half first. Rows are
  // visited in order, sites along a row in pairs; only a row's end pairs wrap around.
  template <bool kMetropolis>
  void checkerboard(Rng& shared_rng) {
    Rng rng = shared_rng;  // a local copy stays in registers (int8 stores may alias members)
    std::int8_t* s = s_.data();
    const std::uint64_t* thr = thr_.data();
    const int zz = z_, width = 2 * z_ + 1;
    std::int64_t acc = 0;
    auto attempt = [&](std::int8_t* site, int nn, std::uint64_t r) {
      const int si = *site;
      int flip;
      if constexpr (kMetropolis) {
        flip = r < thr[(si > 0 ? width : 0) + nn + zz];
      } else {
        flip = (r < thr[nn + zz]) != (si > 0);  // new spin +1 with probability thr / 2^32
      }
      *site = static_cast<std::int8_t>(flip ? -si : si);
      acc += flip;
    };
    const std::ptrdiff_t L = L_, plane = L * L;
    const int half = L_ / 2;  // sites of one sublattice per row (L is even)
    const int rows = static_cast<int>(N_ / L);
    for (int c = 0; c < 2; ++c)
      for (int r = 0; r < rows; ++r) {
        std::int8_t* row = s + r * L;
        const int y = r % L_, zc = r / L_;
        const std::int8_t* up = row + (y == 0 ? (L - 1) * L : -L);
        const std::int8_t* dn = row + (y == L_ - 1 ? -(L - 1) * L : L);
        const std::int8_t* below = row + (zc == 0 ? (L - 1) * plane : -plane);
        const std::int8_t* above = row + (zc == L_ - 1 ? -(L - 1) * plane : plane);
        const int x0 = (y + zc + c) & 1;
        auto vertical = [&](std::ptrdiff_t x) {
          return dim_ == 2 ? up[x] + dn[x] : up[x] + dn[x] + below[x] + above[x];
        };
        auto at_wrap = [&](std::ptrdiff_t x, std::uint64_t rr) {
          const std::ptrdiff_t xl = x == 0 ? L - 1 : x - 1, xr = x == L - 1 ? 0 : x + 1;
          attempt(row + x, row[xl] + row[xr] + vertical(x), rr);
        };
        auto at = [&](std::ptrdiff_t x, std::uint64_t rr) {
          attempt(row + x, row[x - 1] + row[x + 1] + vertical(x), rr);
        };
        // Pairs q = 0, 2, 4, ... of sites x0 + 2q, x0 + 2q + 2; the first and last may wrap.
        int q = 0;
        for (; q < half; q += 2) {
          const std::uint64_t w = rng.next();
          if (q > 0 && q + 2 < half) {
            at(x0 + 2 * q, w >> 32);
            at(x0 + 2 * q + 2, w & 0xFFFFFFFFu);
          } else {
            at_wrap(x0 + 2 * q, w >> 32);
            if (q + 1 < half) at_wrap(x0 + 2 * q + 2, w & 0xFFFFFFFFu);
          }
        }
      }
    shared_rng = rng;
    counters.accepted += acc;
    counters.attempts += N_;
  }

  int neighbours(int i, int* out) const {
    const int L = L_;
    const int x = i % L, y = (i / L) % L;
    out[0] = x == 0 ? i + L - 1 : i - 1;
    out[1] = x == L - 1 ? i - (L - 1) : i + 1;
    out[2] = y == 0 ? i + (L - 1) * L : i - L;
    out[3] = y == L - 1 ? i - (L - 1) * L : i + L;
    if (dim_ == 2) return 4;
    const int zc = i / (L * L), LL = L * L;
    out[4] = zc == 0 ? i + (L - 1) * LL : i - LL;
    out[5] = zc == L - 1 ? i - (L - 1) * LL : i + LL;
    return 6;
  }

  // One Wolff sweep: clusters until N spins have flipped while thermalising, then a fixed
  // number of clusters (see ChainCounters). Stack-based, no allocation per cluster.
  void wolff(Rng& rng) {
    std::int64_t flipped = 0, done = 0;
    int nb[6];
    for (; counters.another_cluster(done, flipped, N_); ++done) {
      const int seed_site = static_cast<int>(rng.below(static_cast<std::uint64_t>(N_)));
      const std::int8_t s0 = s_[seed_site];
      s_[seed_site] = static_cast<std::int8_t>(-s0);
      stack_.clear();
      stack_.push_back(seed_site);
      std::int64_t size = 1;
      while (!stack_.empty()) {
        const int i = stack_.back();
        stack_.pop_back();
        const int nnb = neighbours(i, nb);
        for (int q = 0; q < nnb; ++q) {
          const int j = nb[q];
          if (s_[j] == s0 && rng.next() < p_add_) {
            s_[j] = static_cast<std::int8_t>(-s0);
            stack_.push_back(j);
            ++size;
          }
        }
      }
      flipped += size;
      counters.accepted += size;
      ++counters.clusters;
    }
    counters.attempts += flipped;
  }

  int L_, dim_, z_;
  std::int64_t N_;
  double J_, h_, beta_;
  Algorithm alg_;
  std::vector<std::int8_t> s_;
  std::vector<std::uint64_t> thr_;
  std::uint64_t p_add_ = 0;
  std::vector<int> stack_;
};

}  // namespace

SweepResult run_sweep(const Lattice& lat, Algorithm alg, const SweepParams& params) {
  std::string name;
  if (alg == Algorithm::Wolff) {
    require(lat.h == 0.0, "h", "Wolff cluster updates need h = 0");
    require(lat.J >= 0.0, "J", "Wolff cluster updates need a ferromagnet (J >= 0)");
    name = "wolff";
  } else {
    require(lat.L % 2 == 0, "L", "checkerboard sweeps need an even L, got " + std::to_string(lat.L));
    name = alg == Algorithm::Metropolis ? "checkerboard-metropolis" : "checkerboard-heatbath";
  }
  return detail::drive(lat.n(), params, name, [&](double T) { return LatticeChain(lat, alg, T); });
}

}  // namespace isingvi
