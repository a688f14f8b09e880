// Expectation-maximisation for mixture models: Gaussian (full, diagonal, tied or spherical
// covariances) and
// Bernoulli (binary data, e.g. Ising configurations mapped s -> (1 + s) / 2).
//
// EM is coordinate ascent on ELBO(q, θ) = Σ_i Σ_k q_ik [ln p(x_i, k | θ) − ln q_ik]:
// the E-step sets q to the exact posterior p(k | x_i, θ), where ELBO = ln p(x | θ); the
// M-step maximises ELBO(q_old, θ) over θ; the gap ln p(x | θ_new) − ELBO(q_old, θ_new) is
// KL(q_old ‖ p(· | x, θ_new)) ≥ 0. Every iteration records these numbers (per data point).
//
// Determinism: data points are cut into fixed blocks; sums over points are taken per block
// and added in block order, so results are bit-identical for any number of threads.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace isingvi::em {

// A read-only row-major (n, d) matrix owned by the caller.
template <class T>
struct DataView {
  const T* data = nullptr;
  std::int64_t n = 0;
  int d = 0;
};

// Options shared by every mixture fit.
struct Control {
  int n_components = 1;
  double tol = 1e-3;      // stop when |Δ objective per point| between iterations < tol
  int max_iter = 100;     // M-steps per restart
  int n_init = 1;         // restarts; the one with the best final objective is kept
  std::uint64_t seed = 0; // restart r draws its initialisation from the RNG stream (seed, r)
  int threads = 1;        // results do not depend on it
  // The objective the first iteration's change is measured from (scikit-learn's warm start
  // passes the previous fit's lower bound); every later restart starts from −inf.
  double initial_lower_bound = -std::numeric_limits<double>::infinity();
};

// One row per kept EM iteration (isingvi/trace.hpp: all of the first 2^16, then powers of two,
// and the last of each restart), all per data point. Row t (1-based) of a restart, with θ_{t-1}
// the parameters before its M-step and q_{t-1} = p(z | x, θ_{t-1}):
//   log_likelihood = ln p(x | θ_{t-1}),  log_prior = ln p(θ_{t-1}) / n (0 for maximum likelihood),
//   elbo_e = ELBO(q_{t-1}, θ_{t-1})  (= log_likelihood: the E-step closes the gap),
//   elbo_m = ELBO(q_{t-1}, θ_t)      (after the M-step, old responsibilities),
//   kl_gap = KL(q_{t-1} ‖ p(z | x, θ_t)) = ln p(x | θ_t) − elbo_m ≥ 0.
struct Trace {
  std::vector<std::int32_t> restart, iteration;
  std::vector<double> log_likelihood, log_prior, elbo_e, elbo_m, kl_gap;
};

// Outcome of the kept restart. The objective is ln p(x | θ) + ln p(θ), per data point.
struct Summary {
  bool converged = false;
  int n_iter = 0;             // M-steps done by the kept restart
  int best_restart = 0;
  double lower_bound = 0.0;   // objective at the last E-step (scikit-learn's lower_bound_)
  double log_likelihood = 0.0;  // ln p(x | θ_final) per point (after the last M-step)
  double log_prior = 0.0;       // ln p(θ_final) / n
  std::vector<double> lower_bounds;  // the kept restart's objective at every iteration's E-step
  std::vector<std::int32_t> restart_n_iter;     // M-steps done by every restart
  std::vector<std::uint8_t> restart_converged;  // 1 if the restart met tol (else it hit max_iter)
  Trace trace;                // every restart, in order
};

// ln p(x_i) and ln p(z = k | x_i) for every point: (n,) and row-major (n, K). A point with
// p(x_i) = 0 under every component (possible only with unsmoothed Bernoulli probabilities)
// gets ln p(x_i) = −inf and, by convention, its posterior equal to the mixture weights.
struct Posterior {
  std::vector<double> log_prob;
  std::vector<double> log_resp;
};

// ---------------------------------------------------------------- Gaussian mixture

enum class CovarianceType { Full, Diag, Tied, Spherical };
CovarianceType parse_covariance_type(const std::string& name);  // "full" | "diag" | "tied" | "spherical"

// Row-major arrays, covariances and precisions_cholesky: full (K, d, d), diag (K, d), tied
// (d, d) shared by every component, spherical (K) (one variance σ_k² I per component).
// precisions_cholesky U is upper triangular with P = Σ⁻¹ = U Uᵀ (scikit-learn's convention).
struct GaussianParams {
  CovarianceType type = CovarianceType::Full;
  int K = 0, d = 0;
  std::vector<double> weights, means, covariances, precisions_cholesky;
};

// Optional starting values (an empty vector means "not given"); shapes as GaussianParams,
// precisions symmetric positive definite (full, tied) or positive (diag, spherical). With all three given,
// EM starts from them. Otherwise every point is assigned to its nearest initial mean
// (means given, or k-means++ seeds drawn from the restart's RNG stream) and one M-step on
// that hard assignment supplies what was not given.
struct GaussianInit {
  std::vector<double> weights, means, precisions;
};

struct GaussianFit {
  GaussianParams params;
  Summary summary;
};

// M-step as scikit-learn's: n_k = Σ_i q_ik + 10 ε, weights n_k / Σ n_k, means Σ q x / n_k,
// covariances Σ q (x − μ)(x − μ)ᵀ / n_k + reg_covar I (tied: Σ_k of the sums / Σ_k n_k;
// diag: their diagonal; spherical: the mean of the diagonal). A component that loses all its points
// keeps weight ≈ 10 ε / n and covariance reg_covar I (finite, never NaN); a covariance that
// is not positive definite (reg_covar = 0 and a degenerate component or constant column)
// is an error naming reg_covar, one that overflows an error naming X. With reg_covar > 0
// the M-step maximises ELBO(q, θ) − (reg_covar / 2) Σ_ik q_ik tr Σ_k⁻¹ rather than the ELBO,
// so ln p(x | θ) is non-decreasing only up to terms of that order (exactly at reg_covar = 0).
GaussianFit fit_gaussian(const DataView<double>& X, CovarianceType type, double reg_covar,
                         const Control& control, const GaussianInit& init = {});

// Posterior of fitted (or given) parameters: weights, means and precisions_cholesky are read
// (covariances may be empty) and checked, errors naming them.
Posterior posterior(const GaussianParams& params, const DataView<double>& X, int threads = 1);

// ---------------------------------------------------------------- Bernoulli mixture

// p(x) = Σ_k π_k Π_j μ_kj^x_j (1 − μ_kj)^(1 − x_j), x ∈ {0, 1}^D, probs μ row-major (K, D).
struct BernoulliParams {
  int K = 0, D = 0;
  std::vector<double> weights, probs;
};

// Smoothing: pseudo-counts a (for x = 1) and b (for x = 0) per probability and weight_alpha
// per weight. The M-step is the MAP estimate under a Beta(1 + a, 1 + b) prior on every μ_kj
// and a Dirichlet(1 + weight_alpha) prior on π:
//   μ_kj = (Σ_i q_ik x_ij + a) / (n_k + a + b),   π_k = (n_k + weight_alpha) / (n + K weight_alpha).
// EM then never decreases ln p(x | θ) + ln p(θ) with
//   ln p(θ) = Σ_kj [a ln μ_kj + b ln(1 − μ_kj)] + weight_alpha Σ_k ln π_k   (+ a constant),
// the trace's log_likelihood + log_prior; ln p(x | θ) alone need not increase. If a
// component has n_k = 0 and a = b = 0 its probabilities are set to 1/2 (any value is a
// maximiser). Initialisation: k-means++ seeds (Hamming distance) from the restart's stream,
// hard assignment to the nearest seed, Laplace-smoothed frequencies (S + 1) / (n_k + 2) and
// weights (n_k + 1) / (n + K), so no probability starts at 0 or 1.
struct BernoulliFit {
  BernoulliParams params;
  Summary summary;
};

// Optional start (both or neither; empty: k-means++ as above): weights (K) summing to 1 and
// probs (K, D) in [0, 1]. EM starts from them exactly (a warm start).
struct BernoulliInit {
  std::vector<double> weights, probs;
};

BernoulliFit fit_bernoulli(const DataView<std::uint8_t>& X, double a, double b, double weight_alpha,
                           const Control& control, const BernoulliInit& init = {});

// Posterior of fitted (or given) parameters, checked first (weights >= 0 summing to 1, probs
// in [0, 1]), errors naming them.
Posterior posterior(const BernoulliParams& params, const DataView<std::uint8_t>& X, int threads = 1);

}  // namespace isingvi::em
