// Single-spin checkerboard samplers and Wolff on periodic square and cubic lattices.
// Energy and magnetisation are tracked exactly as integers: E = -J * bonds - h * M, where
// bonds = sum over bonds of s_i s_j.
#include <cmath>
#include <string>
#include <vector>

#include "isingvi/check.hpp"
#include "isingvi/mc.hpp"
#include "isingvi/rng.hpp"
#include "mc_driver.hpp"

namespace isingvi {
namespace {

constexpr std::uint64_t kAlways = ~std::uint64_t{0};

class LatticeChain {
 public:
  LatticeChain(const Lattice& lat, Algorithm alg, double T)
      : L_(lat.L), dim_(lat.dim), z_(lat.coordination()), N_(lat.n()), J_(lat.J), h_(lat.h),
        beta_(1.0 / T), alg_(alg), s_(static_cast<std::size_t>(N_)), xm_(L_), xp_(L_) {
    for (int x = 0; x < L_; ++x) {
      xm_[x] = x == 0 ? L_ - 1 : x - 1;
      xp_[x] = x == L_ - 1 ? 0 : x + 1;
    }
    // Tables indexed by (s_i > 0) * (z + 1) + (nn + z) / 2, nn = sum of the z neighbours.
    thr_.resize(2 * static_cast<std::size_t>(z_ + 1));
    for (int up = 0; up < 2; ++up) {
      const int si = up ? 1 : -1;
      for (int nn = -z_; nn <= z_; nn += 2) {
        const double local = J_ * nn + h_;
        const std::size_t idx = up * (z_ + 1) + (nn + z_) / 2;
        if (alg == Algorithm::Metropolis) {
          const double dE = 2.0 * si * local;
          thr_[idx] = dE <= 0.0 ? kAlways : probability_threshold(std::exp(-beta_ * dE));
        } else {  // heat bath: probability that the new spin is +1, whatever s_i was
          thr_[idx] = probability_threshold(1.0 / (1.0 + std::exp(-2.0 * beta_ * local)));
        }
      }
    }
    p_add_ = probability_threshold(1.0 - std::exp(-2.0 * beta_ * J_));
  }

  void init(Init how, Rng& rng) {
    for (auto& si : s_)
      si = how == Init::Up ? 1 : how == Init::Down ? -1 : (rng.next() >> 63 ? 1 : -1);
    recount();
  }

  void sweep(Rng& rng) {
    switch (alg_) {
      case Algorithm::Metropolis: checkerboard<true>(rng); break;
      case Algorithm::HeatBath: checkerboard<false>(rng); break;
      case Algorithm::Wolff: wolff(rng); break;
    }
  }

  double energy() const { return -J_ * static_cast<double>(bonds_) - h_ * static_cast<double>(M_); }
  std::int64_t magnetisation() const { return M_; }
  const std::int8_t* spins() const { return s_.data(); }
  void reset_stats() {
    clusters_per_sweep_ = detail::wolff_clusters_per_sweep(accepted_, clusters_, N_);
    attempts_ = accepted_ = clusters_ = 0;
  }
  double acceptance() const { return attempts_ ? double(accepted_) / double(attempts_) : 0.0; }
  double mean_cluster_size() const { return clusters_ ? double(accepted_) / double(clusters_) : 0.0; }

 private:
  // Visits every site of sublattice c (parity of the coordinate sum) with its neighbour sum.
  template <class F>
  void for_sublattice(int c, F&& f) {
    const std::int8_t* s = s_.data();
    const int L = L_;
    if (dim_ == 2) {
      for (int y = 0; y < L; ++y) {
        const int row = y * L, up = xm_[y] * L, dn = xp_[y] * L;
        for (int x = (y + c) & 1; x < L; x += 2)
          f(row + x, s[row + xm_[x]] + s[row + xp_[x]] + s[up + x] + s[dn + x]);
      }
    } else {
      const int LL = L * L;
      for (int zc = 0; zc < L; ++zc) {
        const int pl = zc * LL, pm = xm_[zc] * LL, pp = xp_[zc] * LL;
        for (int y = 0; y < L; ++y) {
          const int row = pl + y * L, up = pl + xm_[y] * L, dn = pl + xp_[y] * L;
          const int off = y * L;
          for (int x = (y + zc + c) & 1; x < L; x += 2)
            f(row + x, s[row + xm_[x]] + s[row + xp_[x]] + s[up + x] + s[dn + x] +
                           s[pm + off + x] + s[pp + off + x]);
        }
      }
    }
  }

  template <bool kMetropolis>
  void checkerboard(Rng& rng) {
    std::int8_t* s = s_.data();
    const std::uint64_t* thr = thr_.data();
    const int z = z_, z1 = z_ + 1;
    std::int64_t dM = 0, dB = 0, acc = 0;
    for (int c = 0; c < 2; ++c) {
      for_sublattice(c, [&](int i, int nn) {
        const int si = s[i];
        const int k = (nn + z) >> 1;
        bool flip;
        if constexpr (kMetropolis) {
          const std::uint64_t t = thr[(si > 0 ? z1 : 0) + k];
          flip = t == kAlways || rng.next() < t;
        } else {
          flip = (rng.next() < thr[k]) != (si > 0);  // new spin +1 with probability thr[k]
        }
        if (flip) {
          s[i] = static_cast<std::int8_t>(-si);
          dM -= 2 * si;
          dB -= 2 * si * nn;
          ++acc;
        }
      });
    }
    M_ += dM;
    bonds_ += dB;
    accepted_ += acc;
    attempts_ += N_;
  }

  int neighbours(int i, int* out) const {
    const int L = L_;
    const int x = i % L, y = (i / L) % L;
    const int base = i - x;
    out[0] = base + xm_[x];
    out[1] = base + xp_[x];
    out[2] = i + (xm_[y] - y) * L;
    out[3] = i + (xp_[y] - y) * L;
    if (dim_ == 2) return 4;
    const int zc = i / (L * L);
    out[4] = i + (xm_[zc] - zc) * L * L;
    out[5] = i + (xp_[zc] - zc) * L * L;
    return 6;
  }

  void flip_site(int i, const int* nb, int nnb) {
    int nn = 0;
    for (int q = 0; q < nnb; ++q) nn += s_[nb[q]];
    const int si = s_[i];
    bonds_ -= 2 * si * nn;
    M_ -= 2 * si;
    s_[i] = static_cast<std::int8_t>(-si);
  }

  // One Wolff sweep: a fixed number of clusters once measuring (see wolff_clusters_per_sweep).
  void wolff(Rng& rng) {
    std::int64_t flipped = 0, done = 0;
    int nb[6], nb2[6];
    while (clusters_per_sweep_ ? done++ < clusters_per_sweep_ : flipped < N_) {
      const int seed_site = static_cast<int>(rng.below(static_cast<std::uint64_t>(N_)));
      const std::int8_t s0 = s_[seed_site];
      stack_.clear();
      flip_site(seed_site, nb, neighbours(seed_site, nb));
      stack_.push_back(seed_site);
      std::int64_t size = 1;
      while (!stack_.empty()) {
        const int i = stack_.back();
        stack_.pop_back();
        const int nnb = neighbours(i, nb);
        for (int q = 0; q < nnb; ++q) {
          const int j = nb[q];
          if (s_[j] == s0 && rng.next() < p_add_) {
            flip_site(j, nb2, neighbours(j, nb2));
            stack_.push_back(j);
            ++size;
          }
        }
      }
      flipped += size;
      accepted_ += size;
      ++clusters_;
    }
    attempts_ += flipped;
  }

  void recount() {
    M_ = 0;
    bonds_ = 0;
    int nb[6];
    for (int i = 0; i < N_; ++i) {
      M_ += s_[i];
      const int nnb = neighbours(i, nb);
      // Bonds to the "plus" neighbour in each direction: each bond once.
      for (int q = 1; q < nnb; q += 2) bonds_ += s_[i] * s_[nb[q]];
    }
  }

  int L_, dim_, z_;
  std::int64_t N_;
  double J_, h_, beta_;
  Algorithm alg_;
  std::vector<std::int8_t> s_;
  std::vector<int> xm_, xp_;
  std::vector<std::uint64_t> thr_;
  std::uint64_t p_add_ = 0;
  std::vector<int> stack_;
  std::int64_t M_ = 0, bonds_ = 0;
  std::int64_t attempts_ = 0, accepted_ = 0, clusters_ = 0;
  std::int64_t clusters_per_sweep_ = 0;  // 0 while thermalising: see wolff_clusters_per_sweep
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
