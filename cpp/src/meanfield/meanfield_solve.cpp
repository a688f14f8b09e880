// Naive mean-field and TAP fixed-point iterations on a graph or lattice, every temperature of a list.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "isingvi/check.hpp"
#include "isingvi/meanfield.hpp"
#include "isingvi/monitor.hpp"
#include "isingvi/trace.hpp"
#include "isingvi/vecmath.hpp"
#include "isingvi/rng.hpp"
#include "meanfield_detail.hpp"
#include "meanfield_sites.hpp"
#include "parallel.hpp"

namespace isingvi {

void check_mean_field_params(const MeanFieldParams& p, std::int64_t n_spins) {
  require_inverse_temperatures(p.T);
  require_iteration_settings(p.damping, p.tol, p.max_iter);
  require(p.threads >= 1, "threads", "must be >= 1, got " + std::to_string(p.threads));
  if (p.init == MFStart::Given) {
    require(static_cast<std::int64_t>(p.m0.size()) == n_spins, "init",
            "needs one magnetisation per spin: N = " + std::to_string(n_spins) + ", got " +
                std::to_string(p.m0.size()));
    for (std::size_t i = 0; i < p.m0.size(); ++i)
      require(p.m0[i] >= -1.0 && p.m0[i] <= 1.0, "init",
              "every m_i must lie in [-1, 1], got " + std::to_string(p.m0[i]) + " at index " + std::to_string(i));
  }
}

namespace {

std::vector<double> start_vector(const MeanFieldParams& p, int n) {
  switch (p.init) {
    case MFStart::Up: return std::vector<double>(static_cast<std::size_t>(n), 1.0);
    case MFStart::Down: return std::vector<double>(static_cast<std::size_t>(n), -1.0);
    case MFStart::Given: return p.m0;
    case MFStart::Random: break;
  }
  Rng rng(p.seed, 0);
  std::vector<double> m(static_cast<std::size_t>(n));
  for (auto& x : m) x = 2.0 * rng.uniform() - 1.0;
  return m;
}

struct Outcome {
  std::vector<std::int64_t> trace_iter;
  std::vector<double> trace_f, trace_dm;
  double f = 0, u = 0;
  bool converged = false;
  std::int64_t n_iter = 0;
};

// Iterates one temperature in place on m. H holds H2((1 + m_i)/2) per site, kept up to date
// as m changes, so that the free energy of each iteration costs one pass over the bonds.
template <class Sites>
Outcome iterate(const Sites& sites, const MeanFieldParams& p, double T, double* m) {
  const int n = sites.n();
  const auto nn = static_cast<std::size_t>(n);
  const double N = static_cast<double>(n), beta = 1.0 / T, d = p.damping;
  const bool tap = p.method == MFMethod::TAP, parallel = p.update == MFUpdate::Parallel;
  std::vector<double> H(nn), y(nn), t(nn), Ht(nn);
  for (std::size_t i = 0; i < nn; ++i) H[i] = binary_entropy(m[i]);
  detail::MeanFieldTerms terms;
  // Terms of the current m, in a fixed order; in parallel updates the same pass leaves the
  // next update's arguments in y. entropy: sum_i H_i, or NaN to sum here.
  auto evaluate = [&](double entropy) {
    terms = detail::energy_terms(sites, m, tap, beta, parallel ? y.data() : nullptr);
    if (std::isnan(entropy)) {
      entropy = 0.0;
      for (std::size_t i = 0; i < nn; ++i) entropy += H[i];
    }
    terms.entropy = entropy;
    return detail::method_free_energy(terms, T, tap, N);
  };
  const double kSum = std::numeric_limits<double>::quiet_NaN();

  Outcome out;
  auto record = [&](std::int64_t it, double f, double dm) {
    out.trace_iter.push_back(it);
    out.trace_f.push_back(f);
    out.trace_dm.push_back(dm);
  };
  record(0, evaluate(kSum), std::numeric_limits<double>::quiet_NaN());
  double f_now = out.trace_f.back(), step = 0.0;
  for (std::int64_t it = 1; it <= p.max_iter; ++it) {
    checkpoint(1);  // progress in iterations (the total is unknown: runs stop when converged)
    double residual = 0.0;
    step = 0.0;
    double entropy = kSum;
    if (!parallel) {
      sites.for_each([&](int i, auto&& each) {
        y[i] = detail::fixed_point_argument(sites.field(i), detail::neighbour_sums(each, m, tap), m[i], beta, tap);
        const double target = std::tanh(y[i]);
        const double v = d == 0.0 ? target : d * m[i] + (1.0 - d) * target;
        residual = std::max(residual, std::fabs(target - m[i]));
        step = std::max(step, std::fabs(v - m[i]));
        m[i] = v;
      });
      if (d == 0.0) {
        vec_tanh_entropy(y.data(), t.data(), H.data(), nn);  // m_i = tanh(y_i): H2 from y_i
      } else {
        for (std::size_t i = 0; i < nn; ++i) H[i] = binary_entropy(m[i]);
      }
    } else {  // y holds the arguments at m (from evaluate)
      vec_tanh_entropy(y.data(), t.data(), Ht.data(), nn);
      entropy = 0.0;
      for (std::size_t i = 0; i < nn; ++i) {
        const double v = d == 0.0 ? t[i] : d * m[i] + (1.0 - d) * t[i];
        residual = std::max(residual, std::fabs(t[i] - m[i]));
        step = std::max(step, std::fabs(v - m[i]));
        m[i] = v;
        H[i] = d == 0.0 ? Ht[i] : binary_entropy(v);
        entropy += H[i];
      }
    }
    out.n_iter = it;
    f_now = evaluate(entropy);
    if (trace_keeps(it)) record(it, f_now, step);
    if (residual < p.tol) {
      out.converged = true;
      break;
    }
  }
  if (out.trace_iter.back() != out.n_iter) record(out.n_iter, f_now, step);
  out.f = detail::method_free_energy(terms, T, tap, N);
  out.u = detail::method_energy(terms, T, tap, N);
  return out;
}

template <class Sites>
MeanFieldResult solve_on(const Sites& sites, const MeanFieldParams& p) {
  check_mean_field_params(p, sites.n());
  const auto n_T = static_cast<std::int64_t>(p.T.size());
  const std::int64_t n = sites.n();
  const std::vector<double> start = start_vector(p, sites.n());
  MeanFieldResult r;
  r.n_T = n_T;
  r.n_spins = n;
  r.m.resize(static_cast<std::size_t>(n_T * n));
  r.f.resize(n_T);
  r.u.resize(n_T);
  r.converged.resize(n_T);
  r.n_iter.resize(n_T);
  r.trace_iter.resize(n_T);
  r.trace_f.resize(n_T);
  r.trace_dm.resize(n_T);
  detail::parallel_for(n_T, p.threads, [&](std::int64_t k) {
    double* m = r.m.data() + k * n;
    std::copy(start.begin(), start.end(), m);
    Outcome o = iterate(sites, p, p.T[k], m);
    r.f[k] = o.f;
    r.u[k] = o.u;
    r.converged[k] = o.converged ? 1 : 0;
    r.n_iter[k] = o.n_iter;
    r.trace_iter[k] = std::move(o.trace_iter);
    r.trace_f[k] = std::move(o.trace_f);
    r.trace_dm[k] = std::move(o.trace_dm);
  });
  return r;
}

}  // namespace

MeanFieldResult solve_mean_field(const Graph& g, const MeanFieldParams& p) {
  return solve_on(detail::GraphSites(g), p);
}

MeanFieldResult solve_mean_field(const Lattice& lattice, const MeanFieldParams& p) {
  check_mean_field_params(p, lattice.n());
  if (lattice.L >= 3) return solve_on(detail::LatticeSites(lattice), p);
  const Graph g = lattice.to_graph();  // L = 2: merged bonds
  return solve_on(detail::GraphSites(g), p);
}

}  // namespace isingvi
