// Monte Carlo on periodic square and cubic lattices: Wolff cluster updates here, the
// checkerboard single-spin samplers in mc_checkerboard.cpp, Swendsen-Wang in swendsen_wang.cpp. The cluster loop only flips
// spins; energy and magnetisation are counted exactly, as integers, from the spins when a
// measurement is taken: E = -J * bonds - h * M, bonds = sum s_i s_j.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "isingvi/check.hpp"
#include "isingvi/mc.hpp"
#include "isingvi/rng.hpp"
#include "mc_checkerboard.hpp"
#include "lattice_observe.hpp"
#include "mc_driver.hpp"
#include "mc_multispin.hpp"
#include "swendsen_wang.hpp"

namespace isingvi {
namespace {

class WolffChain {
 public:
  detail::ChainCounters counters;

  WolffChain(const Lattice& lat, double T)
      : L_(lat.L), dim_(lat.dim), N_(lat.n()), J_(lat.J), h_(lat.h), s_(static_cast<std::size_t>(N_)) {
    const double beta = 1.0 / T;
    p_add_ = probability_threshold(1.0 - std::exp(-2.0 * beta * J_));
  }

  void init(Init how, Rng& rng) {
    for (auto& si : s_)
      si = how == Init::Up ? 1 : how == Init::Down ? -1 : (rng.next() >> 63 ? 1 : -1);
  }

  void observe(double& E, std::int64_t& M) const {
    detail::observe_lattice(s_.data(), L_, dim_, N_, J_, h_, E, M);
  }

  void copy_spins(std::int8_t* out) const { std::copy(s_.begin(), s_.end(), out); }

  // One Wolff sweep: clusters until N spins have flipped while thermalising, then a fixed
  // number of clusters (see ChainCounters). No allocation per cluster: a site joins the stack
  // at most once per cluster (it is flipped as it joins), so N entries always suffice.
  // Branch-free growth: every neighbour draws a uniform, aligned or not, and joins when aligned
  // and the draw is below p_add. Whether a neighbour joins is a coin toss that no branch
  // predictor can guess; the wasted draws cost less than the mispredictions they replace.
  void sweep(Rng& rng) {
    std::int64_t flipped = 0, done = 0;
    int nb[6];
    int* const stack = stack_.data();
    std::int8_t* const s = s_.data();
    for (; counters.another_cluster(done, flipped, N_); ++done) {
      const int seed_site = static_cast<int>(rng.below(static_cast<std::uint64_t>(N_)));
      const std::int8_t s0 = s[seed_site];
      const auto flipped_spin = static_cast<std::int8_t>(-s0);
      s[seed_site] = flipped_spin;
      stack[0] = seed_site;
      std::int64_t top = 1, size = 1;
      while (top > 0) {
        const int i = stack[--top];
        const int nnb = neighbours(i, nb);
        for (int q = 0; q < nnb; ++q) {
          const int j = nb[q];
          const bool join = (s[j] == s0) & (rng.next() < p_add_);
          s[j] = join ? flipped_spin : s[j];
          stack[top] = j;
          top += join;
          size += join;
        }
      }
      flipped += size;
      counters.accepted += size;
      ++counters.clusters;
    }
    counters.attempts += flipped;
  }

 private:
  int neighbours(int i, int* out) const {
    // one division per site (the hot path of a cluster): q = i / L gives x, and y in 2D
    const int L = L_, q = i / L, x = i - q * L;
    const int y = dim_ == 2 ? q : q % L;
    out[0] = x == 0 ? i + L - 1 : i - 1;
    out[1] = x == L - 1 ? i - (L - 1) : i + 1;
    out[2] = y == 0 ? i + (L - 1) * L : i - L;
    out[3] = y == L - 1 ? i - (L - 1) * L : i + L;
    if (dim_ == 2) return 4;
    const int zc = q / L, LL = L * L;
    out[4] = zc == 0 ? i + (L - 1) * LL : i - LL;
    out[5] = zc == L - 1 ? i - (L - 1) * LL : i + LL;
    return 6;
  }

  int L_, dim_;
  std::int64_t N_;
  double J_, h_;
  std::vector<std::int8_t> s_;
  std::uint64_t p_add_ = 0;
  std::vector<int> stack_ = std::vector<int>(static_cast<std::size_t>(N_));
};

}  // namespace

SweepResult run_sweep(const Lattice& lat, Algorithm alg, const SweepParams& params) {
  if (alg == Algorithm::SwendsenWang) return detail::run_swendsen_wang(lat, params);
  if (alg != Algorithm::Wolff) {
    const bool packed = params.kernel == "multispin" || (params.kernel == "auto" && detail::multispin_supports(lat));
    return packed ? detail::run_multispin(lat, alg, params) : detail::run_checkerboard(lat, alg, params);
  }
  require(params.kernel != "multispin", "kernel", "'multispin' applies to Metropolis and heat bath only");
  require(lat.h == 0.0, "h", "Wolff cluster updates need h = 0");
  require(lat.J >= 0.0, "J", "Wolff cluster updates need a ferromagnet (J >= 0)");
  return detail::drive(lat.n(), params, "wolff", [&](double T) { return WolffChain(lat, T); });
}

}  // namespace isingvi
