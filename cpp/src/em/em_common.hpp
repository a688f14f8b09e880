// Private to the core: what every mixture model's EM shares. The driver (restarts, trace,
// convergence), the E-step with its ELBO/KL bookkeeping, k-means++ seeding and blocked,
// thread-count-independent reductions over data points.
//
// A Model provides
//   using Params = ...;                    // with a `weights` vector of size K
//   std::int64_t n() const; int K() const;
//   Params init(int restart) const;                    // from the RNG stream (seed, restart)
//   void log_joint(const Params&, std::int64_t begin, std::int64_t end, double* out) const;
//       // ln p(x_i, z = k | θ) for i in [begin, end) into out[(i - begin) * K + k]; no throw
//   Params m_step(const double* resp) const;           // resp: row-major (n, K)
//   double log_prior(const Params&) const;             // ln p(θ) / n
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "isingvi/check.hpp"
#include "isingvi/em.hpp"
#include "isingvi/monitor.hpp"
#include "isingvi/trace.hpp"
#include "isingvi/rng.hpp"
#include "isingvi/vecmath.hpp"
#include "parallel.hpp"

namespace isingvi::em::detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// Points per block: the unit of parallel work and of summation order.
inline constexpr std::int64_t kBlock = 512;

inline std::int64_t n_blocks(std::int64_t n) { return (n + kBlock - 1) / kBlock; }

// work(block, begin, end) for every block of [0, n); blocks are independent. work must not
// throw: record failures and report them afterwards. Cancellation is checked per block.
template <class Work>
void for_blocks(std::int64_t n, int threads, Work&& work) {
  isingvi::detail::parallel_for(n_blocks(n), threads, [&](std::int64_t b) {
    checkpoint();
    const std::int64_t begin = b * kBlock;
    work(b, begin, std::min(n, begin + kBlock));
  });
}

// Adds per-block partial sums (n_blocks x width, row-major) in block order.
inline std::vector<double> reduce_blocks(const std::vector<double>& parts, std::size_t width) {
  std::vector<double> total(width, 0.0);
  for (std::size_t off = 0; off < parts.size(); off += width)
    for (std::size_t j = 0; j < width; ++j) total[j] += parts[off + j];
  return total;
}

// ln Σ_k exp(a_k) = max + ln sum, leaving e_k = exp(a_k − max) in e, so e_k / sum is the
// normalised weight. value is −inf if every a_k is −inf, NaN if any is NaN (e unspecified).
struct LogSumExp {
  double value, sum;
};

inline LogSumExp log_sum_exp(const double* a, int K, double* e) {
  double m = -kInf;
  for (int k = 0; k < K; ++k) {
    if (std::isnan(a[k])) return {a[k], 0.0};
    m = std::max(m, a[k]);
  }
  if (!std::isfinite(m)) return {m, 0.0};
  double s = 0.0;
  for (int k = 0; k < K; ++k) s += (e[k] = std::exp(a[k] - m));
  return {m + std::log(s), s};
}

[[noreturn]] inline void fail_not_finite() {
  fail("X", "the log-likelihood of some data point is not finite (the values overflow the model's "
            "arithmetic); rescale X");
}

// Sums over points of one E-step (divide by n for per-point values).
struct EStepSums {
  double log_likelihood = 0.0, elbo_e = 0.0, elbo_m = 0.0, kl = 0.0;
  bool bad = false;
};

// E-step at θ: log_resp and resp = p(z | x, θ), ln p(x | θ) and ELBO(q, θ) with q the new
// posterior. With old_log_resp (resp then holds the old responsibilities on entry) also
// ELBO(q_old, θ) and KL(q_old ‖ q). Terms with q = 0 contribute 0 (0 ln 0 = 0).
template <class Model>
EStepSums e_step(const Model& m, const typename Model::Params& th, const double* old_log_resp,
                 double* log_resp, double* resp, int threads) {
  const int K = m.K();
  const std::int64_t n = m.n();
  std::vector<EStepSums> parts(static_cast<std::size_t>(n_blocks(n)));
  for_blocks(n, threads, [&](std::int64_t blk, std::int64_t begin, std::int64_t end) {
    EStepSums s;
    const auto B = static_cast<std::size_t>(end - begin), BK = B * static_cast<std::size_t>(K);
    m.log_joint(th, begin, end, log_resp + begin * K);
    // ln Σ_k exp(a_k) = max + ln Σ_k exp(a_k − max) for the whole block at once: the exps
    // and logs go through the vectorised kernels (isingvi/vecmath.hpp).
    std::vector<double> e(BK), mx(B), norm(B), ln_norm(B);
    const double* a = log_resp + begin * K;
    for (std::size_t b = 0; b < B; ++b) {
      double mb = -kInf;
      bool nan = false;
      for (int k = 0; k < K; ++k) {
        nan = nan || std::isnan(a[b * K + k]);
        mb = std::max(mb, a[b * K + k]);
      }
      mx[b] = nan ? std::numeric_limits<double>::quiet_NaN() : mb;
      const double shift = std::isfinite(mb) ? mb : 0.0;  // bad points: any finite shift
      for (int k = 0; k < K; ++k) e[b * K + k] = a[b * K + k] - shift;
    }
    vec_exp(e.data(), e.data(), BK);
    for (std::size_t b = 0; b < B; ++b) {
      double sum = 0.0;
      for (int k = 0; k < K; ++k) sum += e[b * K + k];
      norm[b] = sum;
    }
    vec_log(norm.data(), ln_norm.data(), B);
    for (std::int64_t i = begin; i < end; ++i) {
      const auto b = static_cast<std::size_t>(i - begin);
      double* row = log_resp + i * K;
      double* q = resp + i * K;
      if (!std::isfinite(mx[b])) {
        s.bad = true;
        continue;
      }
      const double lse = mx[b] + ln_norm[b];
      const double* eb = &e[b * K];
      const double inv_norm = 1.0 / norm[b];
      double ee = 0.0, em = 0.0, kl = 0.0;
      for (int k = 0; k < K; ++k) {
        const double lq = row[k] - lse;
        const double q_new = eb[k] * inv_norm;
        if (q_new > 0.0) ee += q_new * (row[k] - lq);
        if (old_log_resp) {
          const double olq = old_log_resp[i * K + k];
          const double oq = q[k];
          if (oq > 0.0) {
            em += oq * (row[k] - olq);
            kl += oq * (olq - lq);
          }
        }
        row[k] = lq;
        q[k] = q_new;
      }
      s.log_likelihood += lse;
      s.elbo_e += ee;
      s.elbo_m += em;
      s.kl += kl;
    }
    parts[static_cast<std::size_t>(blk)] = s;
  });
  EStepSums total;
  for (const auto& s : parts) {
    total.log_likelihood += s.log_likelihood;
    total.elbo_e += s.elbo_e;
    total.elbo_m += s.elbo_m;
    total.kl += s.kl;
    total.bad = total.bad || s.bad;
  }
  if (total.bad) fail_not_finite();
  return total;
}

template <class Params>
struct EmResult {
  Params params;
  Summary summary;
};

inline void check_control(const Control& c, std::int64_t n) {
  require(c.n_components >= 1, "n_components", "must be >= 1, got " + std::to_string(c.n_components));
  require(c.n_components <= n, "n_components",
          "must be <= the number of samples " + std::to_string(n) + ", got " + std::to_string(c.n_components));
  require(std::isfinite(c.tol) && c.tol >= 0.0, "tol", "must be finite and >= 0, got " + std::to_string(c.tol));
  require(c.max_iter >= 1, "max_iter", "must be >= 1, got " + std::to_string(c.max_iter));
  require(c.n_init >= 1, "n_init", "must be >= 1, got " + std::to_string(c.n_init));
  require(c.threads >= 1, "threads", "must be >= 1, got " + std::to_string(c.threads));
}

// EM with restarts. Per restart: initialise, E-step, then up to max_iter times: M-step,
// E-step (which also yields ELBO(q_old, θ_new) and the KL gap), one trace row. Stops as
// scikit-learn does: after the M-step of iteration t when the objective at the E-steps of
// iterations t and t − 1 differs by less than tol. Keeps the restart with the best final
// objective (the first on ties).
template <class Model>
EmResult<typename Model::Params> run_em(const Model& m, const Control& c) {
  using Params = typename Model::Params;
  const std::int64_t n = m.n();
  const auto size = static_cast<std::size_t>(n * m.K());
  const auto nd = static_cast<double>(n);
  std::vector<double> log_resp(size), log_resp_new(size), resp(size);
  EmResult<Params> best;
  Trace& trace = best.summary.trace;
  bool have_best = false;
  double best_objective = -kInf;
  for (int r = 0; r < c.n_init; ++r) {
    Params th = m.init(r);
    EStepSums s = e_step(m, th, nullptr, log_resp.data(), resp.data(), c.threads);
    double ll = s.log_likelihood / nd, elbo_e = s.elbo_e / nd, lp = m.log_prior(th);
    double previous = r == 0 ? c.initial_lower_bound : -kInf, lower_bound = -kInf;
    bool converged = false;
    std::vector<double> lower_bounds;
    int t = 1;
    for (; t <= c.max_iter; ++t) {
      checkpoint(1);  // progress in iterations (the total is unknown: restarts stop early)
      Params next = m.m_step(resp.data());
      const EStepSums s2 = e_step(m, next, log_resp.data(), log_resp_new.data(), resp.data(), c.threads);
      lower_bound = ll + lp;
      lower_bounds.push_back(lower_bound);
      const double change = lower_bound - previous;
      previous = lower_bound;
      if (trace_keeps(t) || std::fabs(change) < c.tol || t == c.max_iter) {  // bounded, ends at the last
        trace.restart.push_back(r);
        trace.iteration.push_back(t);
        trace.log_likelihood.push_back(ll);
        trace.log_prior.push_back(lp);
        trace.elbo_e.push_back(elbo_e);
        trace.elbo_m.push_back(s2.elbo_m / nd);
        trace.kl_gap.push_back(s2.kl / nd);
      }
      th = std::move(next);
      log_resp.swap(log_resp_new);
      ll = s2.log_likelihood / nd;
      elbo_e = s2.elbo_e / nd;
      lp = m.log_prior(th);
      if (std::fabs(change) < c.tol) {
        converged = true;
        break;
      }
    }
    const double objective = ll + lp;
    best.summary.restart_n_iter.push_back(std::min(t, c.max_iter));
    best.summary.restart_converged.push_back(converged ? 1 : 0);
    if (!have_best || objective > best_objective) {
      have_best = true;
      best_objective = objective;
      best.params = std::move(th);
      best.summary.converged = converged;
      best.summary.n_iter = std::min(t, c.max_iter);
      best.summary.best_restart = r;
      best.summary.lower_bound = lower_bound;
      best.summary.log_likelihood = ll;
      best.summary.log_prior = lp;
      best.summary.lower_bounds = std::move(lower_bounds);
    }
  }
  return best;
}

// ln p(x) and p(z | x) for prediction. A point impossible under every component gets
// ln p(x) = −inf and posterior = the weights (documented in em.hpp); NaN is an error.
template <class Model>
Posterior posterior_of(const Model& m, const typename Model::Params& th, int threads) {
  require(threads >= 1, "threads", "must be >= 1, got " + std::to_string(threads));
  const int K = m.K();
  const std::int64_t n = m.n();
  Posterior out;
  out.log_prob.assign(static_cast<std::size_t>(n), 0.0);
  out.log_resp.assign(static_cast<std::size_t>(n * K), 0.0);
  std::vector<double> log_w(static_cast<std::size_t>(K));
  for (int k = 0; k < K; ++k) log_w[k] = std::log(th.weights[k]);
  std::vector<char> bad(static_cast<std::size_t>(n_blocks(n)), 0);
  for_blocks(n, threads, [&](std::int64_t blk, std::int64_t begin, std::int64_t end) {
    std::vector<double> e(static_cast<std::size_t>(K));
    m.log_joint(th, begin, end, out.log_resp.data() + begin * K);
    for (std::int64_t i = begin; i < end; ++i) {
      double* row = out.log_resp.data() + i * K;
      const double lse = log_sum_exp(row, K, e.data()).value;
      out.log_prob[i] = lse;
      if (std::isnan(lse) || lse == kInf) {
        bad[blk] = 1;
      } else if (lse == -kInf) {
        std::copy(log_w.begin(), log_w.end(), row);
      } else {
        for (int k = 0; k < K; ++k) row[k] -= lse;
      }
    }
  });
  for (char b : bad)
    if (b) fail_not_finite();
  return out;
}

// k-means++ (D² sampling): the first seed uniform, each next one with probability
// proportional to its squared distance to the nearest seed so far (uniform if all are 0,
// i.e. fewer distinct points than seeds). Returns every point's nearest seed (ties: the
// earlier seed). dist(i, j) is the squared distance between points i and j.
template <class Dist>
std::vector<int> kmeanspp_labels(std::int64_t n, int K, Rng& rng, int threads, const Dist& dist) {
  std::vector<double> d2(static_cast<std::size_t>(n), kInf);
  std::vector<int> label(static_cast<std::size_t>(n), 0);
  for (int k = 0; k < K; ++k) {
    std::int64_t c = -1;
    if (k > 0) {
      double total = 0.0;
      for (double v : d2) total += v;
      if (total > 0.0) {
        const double u = rng.uniform() * total;
        double cum = 0.0;
        for (std::int64_t i = 0; i < n; ++i) {
          if (d2[i] <= 0.0) continue;
          c = i;  // the last positive one, should rounding carry u past the end
          cum += d2[i];
          if (cum > u) break;
        }
      }
    }
    if (c < 0) c = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(n)));
    for_blocks(n, threads, [&](std::int64_t, std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) {
        const double dd = dist(i, c);
        if (dd < d2[i]) {
          d2[i] = dd;
          label[i] = k;
        }
      }
    });
  }
  return label;
}

// One-hot responsibilities (n, K) from labels.
inline void one_hot(const std::vector<int>& label, int K, double* resp) {
  std::fill(resp, resp + label.size() * static_cast<std::size_t>(K), 0.0);
  for (std::size_t i = 0; i < label.size(); ++i) resp[i * K + label[i]] = 1.0;
}

// Mixture weights given by a caller: K finite values >= 0 that sum to 1 (within 1e-6).
inline void check_weights(const std::vector<double>& w, int K, const std::string& param) {
  require(static_cast<int>(w.size()) == K, param,
          "must have n_components = " + std::to_string(K) + " entries, got " + std::to_string(w.size()));
  double sum = 0.0;
  for (double v : w) {
    require(std::isfinite(v) && v >= 0.0, param, "every weight must be finite and >= 0, got " + std::to_string(v));
    sum += v;
  }
  require(std::fabs(sum - 1.0) <= 1e-6, param, "must sum to 1, got " + std::to_string(sum));
}

}  // namespace isingvi::em::detail
