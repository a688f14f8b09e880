// Bernoulli mixture EM (MAP with Beta and Dirichlet pseudo-counts; see em.hpp).
#include <cmath>
#include <string>
#include <vector>

#include "em_common.hpp"
#include "isingvi/check.hpp"
#include "isingvi/em.hpp"

namespace isingvi::em {

namespace {

using detail::for_blocks;
using detail::n_blocks;
using detail::reduce_blocks;

void check_data(const DataView<std::uint8_t>& X) {
  require(X.n >= 1, "X", "needs at least one sample, got 0");
  require(X.d >= 1, "X", "needs at least one variable, got 0");
  const std::int64_t size = X.n * X.d;
  for (std::int64_t i = 0; i < size; ++i)
    if (X.data[i] > 1)
      fail("X", "every value must be 0 or 1, got " + std::to_string(X.data[i]) + " in sample " +
                    std::to_string(i / X.d) + ", variable " + std::to_string(i % X.d));
}

// a ln x with the convention 0 ln 0 = 0 (a zero pseudo-count contributes nothing).
double weighted_log(double a, double x) { return a == 0.0 ? 0.0 : a * std::log(x); }

class BernoulliModel {
 public:
  using Params = BernoulliParams;

  BernoulliModel(const DataView<std::uint8_t>& X, int K, double a, double b, double weight_alpha,
                 const Control& control, const BernoulliInit& init = {})
      : X_(X), K_(K), a_(a), b_(b), weight_alpha_(weight_alpha), control_(control), init_(init) {}

  std::int64_t n() const { return X_.n; }
  int K() const { return K_; }

  double log_prior(const Params& p) const {
    double s = 0.0;
    for (double mu : p.probs) s += weighted_log(a_, mu) + weighted_log(b_, 1.0 - mu);
    for (double w : p.weights) s += weighted_log(weight_alpha_, w);
    return s / static_cast<double>(X_.n);
  }

  void log_joint(const Params& p, std::int64_t begin, std::int64_t end, double* out) const {
    const int D = X_.d;
    // ln μ and ln(1 − μ) per component; selected, never multiplied, so ln 0 = −inf stays −inf.
    std::vector<double> log_one(p.probs.size()), log_zero(p.probs.size()), log_w(K_);
    for (std::size_t t = 0; t < p.probs.size(); ++t) {
      log_one[t] = std::log(p.probs[t]);
      log_zero[t] = std::log1p(-p.probs[t]);
    }
    for (int k = 0; k < K_; ++k) log_w[k] = std::log(p.weights[k]);
    for (std::int64_t i = begin; i < end; ++i) {
      const std::uint8_t* x = X_.data + i * D;
      double* row = out + (i - begin) * K_;
      for (int k = 0; k < K_; ++k) {
        const double* l1 = &log_one[static_cast<std::size_t>(k) * D];
        const double* l0 = &log_zero[static_cast<std::size_t>(k) * D];
        double s = 0.0;
        for (int j = 0; j < D; ++j) s += x[j] ? l1[j] : l0[j];
        row[k] = log_w[k] + s;
      }
    }
  }

  Params m_step(const double* resp) const {
    const int D = X_.d, K = K_;
    const std::int64_t n = X_.n;
    const std::size_t width = static_cast<std::size_t>(K) * (D + 1);  // n_k, then Σ_i q_ik x_i
    std::vector<double> parts(static_cast<std::size_t>(n_blocks(n)) * width, 0.0);
    for_blocks(n, control_.threads, [&](std::int64_t blk, std::int64_t begin, std::int64_t end) {
      double* acc = &parts[blk * width];
      for (std::int64_t i = begin; i < end; ++i) {
        const double* r = resp + i * K;
        const std::uint8_t* x = X_.data + i * D;
        for (int k = 0; k < K; ++k) {
          const double w = r[k];
          if (w == 0.0) continue;
          acc[k] += w;
          double* s = acc + K + k * D;
          for (int j = 0; j < D; ++j) s[j] += x[j] ? w : 0.0;
        }
      }
    });
    return from_counts(reduce_blocks(parts, width), a_, b_, weight_alpha_);
  }

  Params init(int restart) const {
    const int D = X_.d;
    if (!init_.weights.empty()) return Params{K_, D, init_.weights, init_.probs};
    Rng rng(control_.seed, static_cast<std::uint64_t>(restart));
    const auto label = detail::kmeanspp_labels(X_.n, K_, rng, control_.threads, [&](std::int64_t i, std::int64_t j) {
      const std::uint8_t* u = X_.data + i * D;
      const std::uint8_t* v = X_.data + j * D;
      int s = 0;
      for (int t = 0; t < D; ++t) s += u[t] != v[t];
      return static_cast<double>(s);
    });
    // Laplace-smoothed counts of the hard assignment: no probability starts at 0 or 1.
    std::vector<double> counts(static_cast<std::size_t>(K_) * (D + 1), 0.0);
    for (std::int64_t i = 0; i < X_.n; ++i) {
      const int k = label[i];
      counts[k] += 1.0;
      for (int j = 0; j < D; ++j) counts[K_ + k * D + j] += X_.data[i * D + j];
    }
    return from_counts(counts, 1.0, 1.0, 1.0);
  }

 private:
  // MAP estimates from n_k and S_kj = Σ_i q_ik x_ij (layout as in m_step).
  Params from_counts(const std::vector<double>& c, double a, double b, double alpha) const {
    const int D = X_.d, K = K_;
    Params p;
    p.K = K;
    p.D = D;
    p.probs.resize(static_cast<std::size_t>(K) * D);
    p.weights.resize(K);
    double total = 0.0;
    for (int k = 0; k < K; ++k) total += c[k];
    for (int k = 0; k < K; ++k) {
      const double nk = c[k];
      p.weights[k] = (nk + alpha) / (total + K * alpha);
      const double denom = nk + a + b;
      for (int j = 0; j < D; ++j)
        p.probs[k * D + j] = denom > 0.0 ? (c[K + k * D + j] + a) / denom : 0.5;  // n_k = 0, a = b = 0
    }
    return p;
  }

  DataView<std::uint8_t> X_;
  int K_;
  double a_, b_, weight_alpha_;
  Control control_;
  BernoulliInit init_;
};

void check_pseudo_count(double v, const std::string& param) {
  require(std::isfinite(v) && v >= 0.0, param, "must be finite and >= 0, got " + std::to_string(v));
}

void check_bernoulli_params(const BernoulliParams& p) {
  require(p.K >= 1, "n_components", "must be >= 1, got " + std::to_string(p.K));
  require(p.D >= 1, "probs", "needs at least one variable");
  detail::check_weights(p.weights, p.K, "weights");
  require(p.probs.size() == static_cast<std::size_t>(p.K) * p.D, "probs",
          "must have " + std::to_string(p.K * p.D) + " values, got " + std::to_string(p.probs.size()));
  for (double mu : p.probs)
    require(mu >= 0.0 && mu <= 1.0, "probs", "every probability must lie in [0, 1], got " + std::to_string(mu));
}

}  // namespace

BernoulliFit fit_bernoulli(const DataView<std::uint8_t>& X, double a, double b, double weight_alpha,
                           const Control& control, const BernoulliInit& init) {
  check_data(X);
  detail::check_control(control, X.n);
  check_pseudo_count(a, "alpha");
  check_pseudo_count(b, "alpha");
  check_pseudo_count(weight_alpha, "weight_alpha");
  require(init.weights.empty() == init.probs.empty(), "probs_init",
          "give both weights_init and probs_init, or neither");
  if (!init.weights.empty()) {
    BernoulliParams start{control.n_components, X.d, init.weights, init.probs};
    check_bernoulli_params(start);
  }
  const BernoulliModel model(X, control.n_components, a, b, weight_alpha, control, init);
  auto result = detail::run_em(model, control);
  return {std::move(result.params), std::move(result.summary)};
}

Posterior posterior(const BernoulliParams& params, const DataView<std::uint8_t>& X, int threads) {
  check_bernoulli_params(params);
  check_data(X);
  require(X.d == params.D, "X",
          "has " + std::to_string(X.d) + " variables but the model has " + std::to_string(params.D));
  Control control;
  control.threads = threads;
  const BernoulliModel model(X, params.K, 0.0, 0.0, 0.0, control);
  return detail::posterior_of(model, params, threads);
}

}  // namespace isingvi::em
