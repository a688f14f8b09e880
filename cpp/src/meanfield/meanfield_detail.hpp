// Private to the core: the pieces of the mean-field and TAP free energies, shared by the
// solver (its per-iteration trace) and the public free-energy functions.
#pragma once
#include <cmath>
#include <cstddef>

#include "isingvi/models.hpp"

namespace isingvi::detail {

// Totals over the graph at magnetisations m (no validation):
//   energy   = -sum_{i<j} J_ij m_i m_j - sum_i h_i m_i   (the mean-field energy E_q[E])
//   entropy  = sum_i H2((1 + m_i)/2)                      (nats)
//   reaction = sum_{i<j} J_ij^2 (1 - m_i^2)(1 - m_j^2)    (only when asked: TAP)
struct MeanFieldTerms {
  double energy = 0.0, entropy = 0.0, reaction = 0.0;
};

MeanFieldTerms mean_field_terms(const Graph& g, const double* m, bool with_reaction);

// The same without the entropy (left 0): what the solver needs when it keeps H2 per site.
MeanFieldTerms mean_field_energy_terms(const Graph& g, const double* m, bool with_reaction);

// The fields y_i are clamped to +-kFieldClamp, the range of isingvi::vec_tanh_entropy
// (m_i = tanh(y_i) and H_i = H2((1 + m_i)/2)): beyond it tanh is +-1 and H2 < 1e-300 anyway.
constexpr double kFieldClamp = 350.0;

// 1 - m^2 without cancellation near |m| = 1.
inline double one_minus_sq(double m) { return (1.0 - m) * (1.0 + m); }

// Per-spin free energy and energy of the method from its terms at temperature T:
//   naive: f = (energy - T entropy)/N,                  u = energy/N
//   TAP:   f = naive f - (beta/2) reaction/N,           u = (energy - beta reaction)/N
// u = d(beta f)/d beta at fixed m, the energy consistent with f at a stationary point.
inline double method_free_energy(const MeanFieldTerms& t, double T, bool tap, double N) {
  const double f = (t.energy - T * t.entropy) / N;
  return tap ? f - 0.5 * (t.reaction / T) / N : f;
}
inline double method_energy(const MeanFieldTerms& t, double T, bool tap, double N) {
  return tap ? (t.energy - t.reaction / T) / N : t.energy / N;
}

}  // namespace isingvi::detail
