#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <climits>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "arrays.hpp"
#include "interruptible.hpp"
#include "isingvi/em.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
namespace em = isingvi::em;

namespace {

using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Bytes = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;

template <class T>
em::DataView<T> matrix(const py::array_t<T, py::array::c_style | py::array::forcecast>& X) {
  if (X.ndim() != 2) throw std::invalid_argument("X: must be 2-D (n_samples, n_features), got " + std::to_string(X.ndim()) + "-D");
  if (X.shape(1) > INT_MAX) throw std::invalid_argument("X: too many features");
  return {X.data(), X.shape(0), static_cast<int>(X.shape(1))};
}

std::vector<double> flat(const std::optional<Doubles>& a) {
  if (!a) return {};
  return std::vector<double>(a->data(), a->data() + a->size());
}

em::Control control(int n_components, double tol, int max_iter, int n_init, std::uint64_t seed, int threads,
                    double initial_lower_bound) {
  em::Control c;
  c.initial_lower_bound = initial_lower_bound;
  c.n_components = n_components;
  c.tol = tol;
  c.max_iter = max_iter;
  c.n_init = n_init;
  c.seed = seed;
  c.threads = threads;
  return c;
}

void put_summary(py::dict& out, em::Summary&& s) {
  using isingvi_py::to_numpy;
  out["converged"] = s.converged;
  out["n_iter"] = s.n_iter;
  out["best_restart"] = s.best_restart;
  out["lower_bound"] = s.lower_bound;
  out["log_likelihood"] = s.log_likelihood;
  out["log_prior"] = s.log_prior;
  const auto iters = static_cast<py::ssize_t>(s.lower_bounds.size());
  const auto restarts = static_cast<py::ssize_t>(s.restart_n_iter.size());
  out["lower_bounds"] = to_numpy(std::move(s.lower_bounds), {iters});
  out["restart_n_iter"] = to_numpy(std::move(s.restart_n_iter), {restarts});
  out["restart_converged"] = to_numpy(std::move(s.restart_converged), {restarts});
  auto& t = s.trace;
  const auto rows = static_cast<py::ssize_t>(t.iteration.size());
  py::dict trace;
  trace["restart"] = to_numpy(std::move(t.restart), {rows});
  trace["iteration"] = to_numpy(std::move(t.iteration), {rows});
  trace["log_likelihood"] = to_numpy(std::move(t.log_likelihood), {rows});
  trace["log_prior"] = to_numpy(std::move(t.log_prior), {rows});
  trace["elbo_e"] = to_numpy(std::move(t.elbo_e), {rows});
  trace["elbo_m"] = to_numpy(std::move(t.elbo_m), {rows});
  trace["kl_gap"] = to_numpy(std::move(t.kl_gap), {rows});
  out["trace"] = trace;
}

py::dict posterior_dict(em::Posterior&& p, py::ssize_t n, py::ssize_t K) {
  using isingvi_py::to_numpy;
  py::dict out;
  out["log_prob"] = to_numpy(std::move(p.log_prob), {n});
  out["log_resp"] = to_numpy(std::move(p.log_resp), {n, K});
  return out;
}

std::vector<py::ssize_t> cov_shape(em::CovarianceType type, py::ssize_t K, py::ssize_t d) {
  switch (type) {
    case em::CovarianceType::Full: return {K, d, d};
    case em::CovarianceType::Diag: return {K, d};
    case em::CovarianceType::Tied: return {d, d};
    case em::CovarianceType::Spherical: return {K};
  }
  return {K, d};
}

}  // namespace

void bind_em(py::module_& m) {
  m.def(
      "gaussian_mixture_fit",
      [](const Doubles& X, int n_components, const std::string& covariance_type, double tol, double reg_covar,
         int max_iter, int n_init, std::uint64_t seed, int threads, const std::optional<Doubles>& weights_init,
         const std::optional<Doubles>& means_init, const std::optional<Doubles>& precisions_init,
         const py::object& progress, double initial_lower_bound) {
        const auto view = matrix(X);
        const auto type = em::parse_covariance_type(covariance_type);
        const em::GaussianInit init{flat(weights_init), flat(means_init), flat(precisions_init)};
        const auto c = control(n_components, tol, max_iter, n_init, seed, threads, initial_lower_bound);
        em::GaussianFit fit =
            isingvi_py::run_interruptible([&] { return em::fit_gaussian(view, type, reg_covar, c, init); }, progress);
        using isingvi_py::to_numpy;
        const py::ssize_t K = fit.params.K, d = fit.params.d;
        py::dict out;
        out["weights"] = to_numpy(std::move(fit.params.weights), {K});
        out["means"] = to_numpy(std::move(fit.params.means), {K, d});
        out["covariances"] = to_numpy(std::move(fit.params.covariances), cov_shape(type, K, d));
        out["precisions_cholesky"] = to_numpy(std::move(fit.params.precisions_cholesky), cov_shape(type, K, d));
        put_summary(out, std::move(fit.summary));
        return out;
      },
      "EM for a Gaussian mixture; returns a dict of parameters, convergence summary and the "
      "per-iteration trace (all per data point).",
      "X"_a, "n_components"_a, "covariance_type"_a = "full", "tol"_a = 1e-3, "reg_covar"_a = 1e-6,
      "max_iter"_a = 100, "n_init"_a = 1, "seed"_a = 0, "threads"_a = 1, "weights_init"_a = py::none(),
      "means_init"_a = py::none(), "precisions_init"_a = py::none(), "progress"_a = py::none(),
      "initial_lower_bound"_a = -std::numeric_limits<double>::infinity());

  m.def(
      "gaussian_mixture_posterior",
      [](const Doubles& X, const Doubles& weights, const Doubles& means, const Doubles& precisions_cholesky,
         const std::string& covariance_type, int threads) {
        const auto view = matrix(X);
        if (means.ndim() != 2) throw std::invalid_argument("means: must be 2-D (n_components, n_features)");
        em::GaussianParams p;
        p.type = em::parse_covariance_type(covariance_type);
        p.K = static_cast<int>(means.shape(0));
        p.d = static_cast<int>(means.shape(1));
        p.weights = flat(weights);
        p.means = flat(means);
        p.precisions_cholesky = flat(precisions_cholesky);
        em::Posterior post = isingvi_py::run_interruptible([&] { return em::posterior(p, view, threads); });
        return posterior_dict(std::move(post), view.n, p.K);
      },
      "ln p(x) (n,) and ln p(z | x) (n, K) of a Gaussian mixture, as a dict with log_prob, log_resp.",
      "X"_a, "weights"_a, "means"_a, "precisions_cholesky"_a, "covariance_type"_a = "full", "threads"_a = 1);

  m.def(
      "bernoulli_mixture_fit",
      [](const Bytes& X, int n_components, double alpha_one, double alpha_zero, double weight_alpha, double tol,
         int max_iter, int n_init, std::uint64_t seed, int threads, const py::object& progress,
         const std::optional<Doubles>& weights_init, const std::optional<Doubles>& probs_init,
         double initial_lower_bound) {
        const auto view = matrix(X);
        const auto c = control(n_components, tol, max_iter, n_init, seed, threads, initial_lower_bound);
        const em::BernoulliInit init{flat(weights_init), flat(probs_init)};
        em::BernoulliFit fit = isingvi_py::run_interruptible(
            [&] { return em::fit_bernoulli(view, alpha_one, alpha_zero, weight_alpha, c, init); }, progress);
        using isingvi_py::to_numpy;
        const py::ssize_t K = fit.params.K, D = fit.params.D;
        py::dict out;
        out["weights"] = to_numpy(std::move(fit.params.weights), {K});
        out["probs"] = to_numpy(std::move(fit.params.probs), {K, D});
        put_summary(out, std::move(fit.summary));
        return out;
      },
      "MAP EM for a Bernoulli mixture on 0/1 data (pseudo-counts alpha_one, alpha_zero per probability, "
      "weight_alpha per weight); returns a dict of parameters, summary and trace (per data point).",
      "X"_a, "n_components"_a, "alpha_one"_a = 1.0, "alpha_zero"_a = 1.0, "weight_alpha"_a = 1.0, "tol"_a = 1e-3,
      "max_iter"_a = 100, "n_init"_a = 1, "seed"_a = 0, "threads"_a = 1, "progress"_a = py::none(),
      "weights_init"_a = py::none(), "probs_init"_a = py::none(),
      "initial_lower_bound"_a = -std::numeric_limits<double>::infinity());

  m.def(
      "bernoulli_mixture_posterior",
      [](const Bytes& X, const Doubles& weights, const Doubles& probs, int threads) {
        const auto view = matrix(X);
        if (probs.ndim() != 2) throw std::invalid_argument("probs: must be 2-D (n_components, n_variables)");
        em::BernoulliParams p;
        p.K = static_cast<int>(probs.shape(0));
        p.D = static_cast<int>(probs.shape(1));
        p.weights = flat(weights);
        p.probs = flat(probs);
        em::Posterior post = isingvi_py::run_interruptible([&] { return em::posterior(p, view, threads); });
        return posterior_dict(std::move(post), view.n, p.K);
      },
      "ln p(x) (n,) and ln p(z | x) (n, K) of a Bernoulli mixture on 0/1 data, as a dict with log_prob, log_resp.",
      "X"_a, "weights"_a, "probs"_a, "threads"_a = 1);
}
