// Single-spin samplers (sequential sweeps in index order, graph_sweep.hpp) and Wolff on general
// graphs; Swendsen-Wang in swendsen_wang.cpp.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "isingvi/check.hpp"
#include "isingvi/mc.hpp"
#include "isingvi/rng.hpp"
#include "graph_sweep.hpp"
#include "mc_driver.hpp"
#include "swendsen_wang.hpp"

namespace isingvi {
namespace {

class GraphChain {
 public:
  detail::ChainCounters counters;

  GraphChain(const Graph& g, Algorithm alg, double T)
      : g_(g), beta_(1.0 / T), alg_(alg), s_(static_cast<std::size_t>(g.n())) {
    if (alg == Algorithm::Wolff) {
      p_add_.resize(g.nbr_J().size());
      for (std::size_t e = 0; e < p_add_.size(); ++e)
        p_add_[e] = probability_threshold(1.0 - std::exp(-2.0 * beta_ * g.nbr_J()[e]));
    }
  }

  void init(Init how, Rng& rng) {
    M_ = 0;
    for (auto& si : s_) {
      si = how == Init::Up ? 1 : how == Init::Down ? -1 : (rng.next() >> 63 ? 1 : -1);
      M_ += si;
    }
  }

  void sweep(Rng& rng) {
    if (alg_ == Algorithm::Wolff) {
      wolff(rng);
      return;
    }
    detail::SweepTally tally;
    detail::sequential_sweep(g_, alg_, beta_, s_.data(), rng, tally);
    M_ += tally.dM;
    counters.accepted += tally.flips;
    counters.attempts += g_.n();
  }

  void observe(double& E, std::int64_t& M) const {
    E = g_.energy(s_.data());
    M = M_;
  }
  void copy_spins(std::int8_t* out) const { std::copy(s_.begin(), s_.end(), out); }

 private:
  void wolff(Rng& rng) {
    const auto& row = g_.row();
    const auto& nbr = g_.nbr();
    const std::int64_t n = g_.n();
    std::int64_t flipped = 0, done = 0;
    for (; counters.another_cluster(done, flipped, n); ++done) {
      const int seed_site = static_cast<int>(rng.below(static_cast<std::uint64_t>(n)));
      const std::int8_t s0 = s_[seed_site];
      s_[seed_site] = static_cast<std::int8_t>(-s0);
      stack_.clear();
      stack_.push_back(seed_site);
      std::int64_t size = 1;
      while (!stack_.empty()) {
        const int i = stack_.back();
        stack_.pop_back();
        for (int e = row[i]; e < row[i + 1]; ++e) {
          const int j = nbr[e];
          if (s_[j] == s0 && rng.next() < p_add_[e]) {
            s_[j] = static_cast<std::int8_t>(-s0);
            stack_.push_back(j);
            ++size;
          }
        }
      }
      M_ -= 2 * s0 * size;
      flipped += size;
      counters.accepted += size;
      ++counters.clusters;
    }
    counters.attempts += flipped;
  }

  const Graph& g_;
  double beta_;
  Algorithm alg_;
  std::vector<std::int8_t> s_;
  std::vector<std::uint64_t> p_add_;
  std::vector<int> stack_;
  std::int64_t M_ = 0;
};

}  // namespace

SweepResult run_sweep(const Graph& g, Algorithm alg, const SweepParams& params) {
  require(params.kernel != "multispin", "kernel", "'multispin' applies to lattices only");
  if (alg == Algorithm::SwendsenWang) return detail::run_swendsen_wang(g, params);
  if (alg == Algorithm::Wolff) {
    require(!g.has_fields(), "fields", "Wolff cluster updates need zero fields");
    require(g.is_ferromagnetic(), "couplings", "Wolff cluster updates need every J_ij >= 0");
  }
  const std::string name = alg == Algorithm::Wolff       ? "wolff"
                           : alg == Algorithm::Metropolis ? "sequential-metropolis"
                                                          : "sequential-heatbath";
  return detail::drive(g.n(), params, name, [&](double T) { return GraphChain(g, alg, T); });
}

}  // namespace isingvi
