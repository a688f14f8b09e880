// Annealed importance sampling: the parts every model shares (ais_driver.hpp), and the chains
// on a Graph: sequential sweeps in index order, flip probabilities from a table where that is
// exact (mc/graph_table.hpp), else computed per spin.
#include "isingvi/ais.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "ais_driver.hpp"
#include "isingvi/check.hpp"
#include "isingvi/simd.hpp"
#include "mc/graph_sweep.hpp"
#include "mc/graph_table.hpp"

namespace isingvi {
namespace detail {

void check_ais_params(double e_max, const AisParams& p) {
  require_temperatures(p.T);
  // beta and beta |E| must stay finite: |E| <= sum |J_ij| + sum |h_i|.
  for (double T : p.T)
    require(std::isfinite(1.0 / T) && e_max / T <= 1e305, "T",
            "too small for this model's energies: beta E_max exceeds 1e305 at T = " + show(T));
  require(p.n_steps >= 1, "n_steps", "must be >= 1, got " + std::to_string(p.n_steps));
  require(p.n_sweeps >= 0, "n_sweeps", "must be >= 0, got " + std::to_string(p.n_sweeps));
  require(p.n_chains >= 2, "n_chains",
          "must be >= 2 (the standard error needs two chains), got " + std::to_string(p.n_chains));
  require(p.algorithm == Algorithm::Metropolis || p.algorithm == Algorithm::HeatBath, "algorithm",
          "AIS needs a single-spin sampler, 'metropolis' or 'heatbath'");
  require(p.threads >= 1, "threads", "must be >= 1, got " + std::to_string(p.threads));
  resolve_isa(p.simd, "simd");
  require(p.kernel == "auto" || p.kernel == "multispin" || p.kernel == "plain", "kernel",
          "must be 'auto', 'multispin' or 'plain', got '" + p.kernel + "'");
  const double weights = static_cast<double>(p.T.size()) * static_cast<double>(p.n_chains);
  require(weights * 8.0 <= 8.0 * (1ULL << 30), "n_chains", "the log-weights would need more than 8 GiB");
}

std::vector<double> ais_schedule(const AisParams& p) {
  std::vector<double> beta;
  for (double T : p.T) beta.push_back(1.0 / T);
  return pinned_schedule(beta, p.n_steps);
}

AisResult ais_setup(std::int64_t n_spins, const AisParams& p, std::vector<double>& pins) {
  AisResult r;
  r.n_T = static_cast<std::int64_t>(p.T.size());
  r.n_chains = p.n_chains;
  r.n_spins = n_spins;
  r.T = p.T;
  for (double T : p.T) r.beta.push_back(1.0 / T);
  r.schedule = ais_schedule(p);
  pins = r.beta;
  std::sort(pins.begin(), pins.end());
  pins.erase(std::unique(pins.begin(), pins.end()), pins.end());
  return r;
}

// Per target, in chain order: weights relative to the largest (log-sum-exp), then the mean,
// its standard error and the effective sample size.
void ais_reduce(AisResult& r, const std::vector<double>& pins, const std::vector<double>& pin_weights) {
  const std::int64_t n_chains = r.n_chains;
  const double n = static_cast<double>(n_chains);
  const double N = static_cast<double>(r.n_spins);
  for (std::int64_t k = 0; k < r.n_T; ++k) {
    const auto pin = std::lower_bound(pins.begin(), pins.end(), r.beta[k]) - pins.begin();
    const double* lw = pin_weights.data() + pin * n_chains;
    r.log_weights.insert(r.log_weights.end(), lw, lw + n_chains);
    const double top = *std::max_element(lw, lw + n_chains);
    double sum = 0.0, sum_sq = 0.0;
    for (std::int64_t c = 0; c < n_chains; ++c) {
      const double w = std::exp(lw[c] - top);
      sum += w;
      sum_sq += w * w;
    }
    const double mean = sum / n;
    double var = 0.0;
    for (std::int64_t c = 0; c < n_chains; ++c) {
      const double d = std::exp(lw[c] - top) - mean;
      var += d * d;
    }
    var /= n - 1.0;
    r.ln_z.push_back((N * std::log(2.0) + top + std::log(mean)) / N);
    r.ln_z_err.push_back(std::sqrt(var / n) / mean / N);
    r.ess.push_back(sum * sum / sum_sq);
  }
}

}  // namespace detail

namespace {

// One chain on a graph: an exact sample of beta = 0 (one draw per spin), E updated flip by flip.
class GraphChain {
 public:
  GraphChain(const Graph& g, Algorithm alg, const detail::LocalFields* fields, Rng& rng)
      : g_(g), alg_(alg), fields_(fields), rng_(rng), s_(static_cast<std::size_t>(g.n())) {
    for (auto& si : s_) si = rng.next() >> 63 ? 1 : -1;
    E_ = g.energy(s_.data());
  }

  double energy() const { return E_; }

  void set_beta(std::int64_t, double beta) {
    beta_ = beta;
    if (fields_) table_.set(*fields_, alg_, beta);
  }

  void sweep() {
    detail::SweepTally tally;
    if (fields_)
      detail::tabulated_sweep(g_, *fields_, table_, alg_, s_.data(), rng_, tally);
    else
      detail::sequential_sweep(g_, alg_, beta_, s_.data(), rng_, tally);
    E_ += tally.dE;
  }

 private:
  const Graph& g_;
  Algorithm alg_;
  const detail::LocalFields* fields_;  // null: probabilities computed per spin
  detail::FlipTable table_;
  Rng& rng_;
  std::vector<std::int8_t> s_;
  double E_ = 0.0, beta_ = 0.0;
};

}  // namespace

AisResult ais(const Graph& g, const AisParams& p) {
  double e_max = 0.0;
  for (double J : g.couplings()) e_max += std::fabs(J);
  for (double h : g.fields()) e_max += std::fabs(h);
  detail::check_ais_params(e_max, p);
  require(p.kernel != "multispin", "kernel", "'multispin' applies to lattices of L a multiple of 128 only");
  const std::optional<detail::LocalFields> fields = p.tables ? detail::tabulate_local_fields(g) : std::nullopt;
  const std::string name = std::string("sequential-") + (p.algorithm == Algorithm::Metropolis ? "metropolis" : "heatbath") +
                           (fields ? "-table" : "");
  return detail::run_ais(g.n(), p, name, [&](Rng& rng) { return GraphChain(g, p.algorithm, fields ? &*fields : nullptr, rng); });
}

}  // namespace isingvi
