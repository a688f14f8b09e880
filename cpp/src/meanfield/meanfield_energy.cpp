// Mean-field and TAP free energies at given magnetisations, and the option parsers.
#include <cmath>
#include <string>

#include "isingvi/check.hpp"
#include "isingvi/meanfield.hpp"
#include "meanfield_detail.hpp"

namespace isingvi {

MFMethod parse_mf_method(const std::string& name) {
  if (name == "mf") return MFMethod::Naive;
  if (name == "tap") return MFMethod::TAP;
  fail("method", "must be 'mf' or 'tap', got '" + name + "'");
}

MFUpdate parse_mf_update(const std::string& name) {
  if (name == "sequential") return MFUpdate::Sequential;
  if (name == "parallel") return MFUpdate::Parallel;
  fail("update", "must be 'sequential' or 'parallel', got '" + name + "'");
}

MFStart parse_mf_init(const std::string& name) {
  if (name == "up") return MFStart::Up;
  if (name == "down") return MFStart::Down;
  if (name == "random") return MFStart::Random;
  if (name == "given") return MFStart::Given;
  fail("init", "must be 'up', 'down', 'random' or an array of magnetisations, got '" + name + "'");
}

// Written with p = (1 - |m|)/2 <= 1/2 so that every term is non-negative (no cancellation
// near |m| = 1) and the corners give exactly 0.
double binary_entropy(double m) {
  const double p = 0.5 * (1.0 - std::fabs(m));
  if (!(p > 0.0)) return 0.0;
  return -p * std::log(p) - (1.0 - p) * std::log1p(-p);
}

namespace detail {

MeanFieldTerms mean_field_energy_terms(const Graph& g, const double* m, bool with_reaction) {
  MeanFieldTerms t;
  const auto& ei = g.edge_i();
  const auto& ej = g.edge_j();
  const auto& J = g.couplings();
  const auto& h = g.fields();
  for (std::size_t e = 0; e < ei.size(); ++e) {
    const double mi = m[ei[e]], mj = m[ej[e]];
    t.energy -= J[e] * mi * mj;
    if (with_reaction) t.reaction += J[e] * J[e] * one_minus_sq(mi) * one_minus_sq(mj);
  }
  for (int i = 0; i < g.n(); ++i) t.energy -= h[i] * m[i];
  return t;
}

MeanFieldTerms mean_field_terms(const Graph& g, const double* m, bool with_reaction) {
  MeanFieldTerms t = mean_field_energy_terms(g, m, with_reaction);
  for (int i = 0; i < g.n(); ++i) t.entropy += binary_entropy(m[i]);
  return t;
}

}  // namespace detail

namespace {

double free_energy_at(const Graph& g, double T, const double* m, std::int64_t n, const std::string& param,
                      bool tap) {
  require(std::isfinite(T) && T > 0.0, "T", "must be finite and > 0, got " + std::to_string(T));
  require(n == g.n(), param, "needs one magnetisation per spin: N = " + std::to_string(g.n()) + ", got " +
                                 std::to_string(n));
  for (std::int64_t i = 0; i < n; ++i)
    require(m[i] >= -1.0 && m[i] <= 1.0, param,
            "every m_i must lie in [-1, 1], got " + std::to_string(m[i]) + " at index " + std::to_string(i));
  const auto terms = detail::mean_field_terms(g, m, tap);
  return detail::method_free_energy(terms, T, tap, static_cast<double>(g.n()));
}

}  // namespace

double mean_field_free_energy(const Graph& g, double T, const double* m, std::int64_t n, const std::string& param) {
  return free_energy_at(g, T, m, n, param, false);
}

double tap_free_energy(const Graph& g, double T, const double* m, std::int64_t n, const std::string& param) {
  return free_energy_at(g, T, m, n, param, true);
}

}  // namespace isingvi
