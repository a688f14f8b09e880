// Swendsen-Wang cluster updates for ferromagnets at zero field, on lattices and graphs.
//
// One sweep is one full Fortuin-Kasteleyn decomposition: every bond between aligned
// neighbours is occupied with probability p_ij = 1 - exp(-2 beta J_ij), the occupied bonds
// split the sites into clusters (union-find), and every cluster flips with probability 1/2.
// The random numbers come from the temperature's stream in a fixed order: one 64-bit draw per
// aligned bond, in bond order, then one bit per site, 64 to a draw, the bit of a cluster's
// root (its smallest site) deciding the cluster. A chain is one thread; the driver runs the
// temperatures in parallel, so results do not depend on the thread count.
//
// Counters: attempts = sites, accepted = spins flipped, clusters = clusters flipped. So the
// acceptance is about 1/2 and cluster_size is the mean size of a flipped cluster, which
// estimates the mean Swendsen-Wang cluster size (a cluster flips whatever its size).
// Unlike Wolff's (a cluster grown from a random site), this is the plain average over clusters.
#include "swendsen_wang.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "cluster_forest.hpp"
#include "isingvi/check.hpp"
#include "isingvi/monitor.hpp"
#include "isingvi/rng.hpp"
#include "lattice_observe.hpp"
#include "mc_driver.hpp"

namespace isingvi::detail {
namespace {

// A sweep of a large lattice takes seconds: check for cancellation within it, every this
// many sites or bonds (a power of two).
constexpr std::int64_t kCheckEvery = std::int64_t{1} << 18;

inline void maybe_checkpoint(std::int64_t k) {
  if ((k & (kCheckEvery - 1)) == kCheckEvery - 1) checkpoint();
}

std::uint64_t bond_threshold(double beta, double J) { return probability_threshold(-std::expm1(-2.0 * beta * J)); }

// The spins, the forest and the cluster flip: what both models share.
class SwendsenWangChain {
 public:
  ChainCounters counters;

  explicit SwendsenWangChain(std::int64_t n) : n_(n), s_(static_cast<std::size_t>(n)) {}

  void init(Init how, Rng& rng) {
    for (auto& si : s_) si = how == Init::Up ? 1 : how == Init::Down ? -1 : (rng.next() >> 63 ? 1 : -1);
  }
  void copy_spins(std::int8_t* out) const { std::copy(s_.begin(), s_.end(), out); }

 protected:
  // Flips every cluster of forest_ with probability 1/2 (see the file comment).
  void flip_clusters(Rng& rng) {
    coins_.resize(static_cast<std::size_t>((n_ + 63) / 64));
    for (auto& w : coins_) w = rng.next();
    std::int64_t flipped = 0, clusters = 0;
    for (std::int64_t i = 0; i < n_; ++i) {
      // branch-free: whether a cluster flips is a coin toss no predictor can guess
      const int r = forest_.settle(static_cast<int>(i));
      const int flip = static_cast<int>((coins_[r >> 6] >> (r & 63)) & 1);
      s_[i] = static_cast<std::int8_t>(s_[i] * (1 - 2 * flip));
      flipped += flip;
      clusters += flip & (r == i);
      maybe_checkpoint(i);
    }
    counters.attempts += n_;
    counters.accepted += flipped;
    counters.clusters += clusters;
  }

  std::int64_t n_;
  std::vector<std::int8_t> s_;
  ClusterForest forest_;
  std::vector<std::uint64_t> coins_;
};

// Periodic square or cubic lattice: bonds to the +x, +y (and +z) neighbour of each site, in
// site order. For L = 2 a pair is bonded twice, each bond with J, which is the single bond of
// 2J that exact enumeration sees: 1 - (1 - p)^2 = 1 - exp(-4 beta J).
class LatticeSwendsenWang : public SwendsenWangChain {
 public:
  LatticeSwendsenWang(const Lattice& lat, double T)
      : SwendsenWangChain(lat.n()), L_(lat.L), dim_(lat.dim), J_(lat.J), p_(bond_threshold(1.0 / T, lat.J)) {}

  void sweep(Rng& rng) {
    forest_.reset(n_);
    const int L = L_, depth = dim_ == 3 ? L : 1, plane = L * L;
    const std::int8_t* s = s_.data();
    std::int64_t since = 0;  // sites since the last checkpoint
    auto bond = [&](int i, int j) {
      if (s[i] == s[j] && rng.next() < p_) forest_.unite(i, j);
    };
    for (int z = 0; z < depth; ++z)
      for (int y = 0; y < L; ++y) {
        const int row = (z * L + y) * L;
        const int dy = y == L - 1 ? -(L - 1) * L : L;
        const int dz = z == L - 1 ? -(L - 1) * plane : plane;
        for (int x = 0; x < L; ++x) {
          const int i = row + x;
          bond(i, x == L - 1 ? row : i + 1);
          bond(i, i + dy);
          if (dim_ == 3) bond(i, i + dz);
        }
        if ((since += L) >= kCheckEvery) {
          since = 0;
          checkpoint();
        }
      }
    flip_clusters(rng);
  }

  void observe(double& E, std::int64_t& M) const { observe_lattice(s_.data(), L_, dim_, n_, J_, 0.0, E, M); }

 private:
  int L_, dim_;
  double J_;
  std::uint64_t p_;
};

// General graph: its edges in their given order, each once with its own J_ij.
class GraphSwendsenWang : public SwendsenWangChain {
 public:
  GraphSwendsenWang(const Graph& g, double T) : SwendsenWangChain(g.n()), g_(g) {
    p_.reserve(g.couplings().size());
    for (double J : g.couplings()) p_.push_back(bond_threshold(1.0 / T, J));
  }

  void sweep(Rng& rng) {
    forest_.reset(n_);
    const auto& ei = g_.edge_i();
    const auto& ej = g_.edge_j();
    const std::int8_t* s = s_.data();
    for (std::size_t e = 0; e < p_.size(); ++e) {
      const int i = ei[e], j = ej[e];
      if (s[i] == s[j] && rng.next() < p_[e]) forest_.unite(i, j);
      maybe_checkpoint(static_cast<std::int64_t>(e));
    }
    flip_clusters(rng);
  }

  void observe(double& E, std::int64_t& M) const {
    E = g_.energy(s_.data());
    M = 0;
    for (auto si : s_) M += si;
  }

 private:
  const Graph& g_;
  std::vector<std::uint64_t> p_;
};

}  // namespace

SweepResult run_swendsen_wang(const Lattice& lat, const SweepParams& params) {
  require(params.kernel != "multispin", "kernel", "'multispin' applies to Metropolis and heat bath only");
  require(lat.h == 0.0, "h", "Swendsen-Wang cluster updates need h = 0");
  require(lat.J >= 0.0, "J", "Swendsen-Wang cluster updates need a ferromagnet (J >= 0)");
  return drive(lat.n(), params, "swendsen-wang", [&](double T) { return LatticeSwendsenWang(lat, T); });
}

SweepResult run_swendsen_wang(const Graph& g, const SweepParams& params) {
  require(params.kernel != "multispin", "kernel", "'multispin' applies to lattices only");
  require(!g.has_fields(), "fields", "Swendsen-Wang cluster updates need zero fields");
  require(g.is_ferromagnetic(), "couplings", "Swendsen-Wang cluster updates need every J_ij >= 0");
  return drive(g.n(), params, "swendsen-wang", [&](double T) { return GraphSwendsenWang(g, T); });
}

}  // namespace isingvi::detail
