// Beliefs of a set of BP messages and their Bethe free energy. Entropies are computed times T,
// in energy units, from log-weights shifted by their maximum, so nothing overflows or cancels
// at low temperature.
#include <algorithm>
#include <cmath>

#include "bp_state.hpp"

namespace isingvi::detail {

BetheValues bethe(const BPLayout& g, double T, const std::vector<double>& msg, std::vector<double>& H,
                  double* marginals, double* correlations) {
  const double beta = 1.0 / T;
  total_fields(g, msg, H);
  double energy = 0.0, free_energy = 0.0;

  // Spins: b_i(s) ~ exp(beta H_i s). With q = exp(-2 beta |H|), 1 - tanh(beta |H|) = 2q / (1 + q)
  // and ln(2 cosh(beta H)) = beta |H| + log1p(q), so T S_i = |H| 2q / (1 + q) + T log1p(q).
  for (int i = 0; i < g.n; ++i) {
    const double Hi = H[i];
    const double m = std::tanh(beta * Hi);
    const double q = std::exp(-2.0 * beta * std::fabs(Hi));
    const double TS = std::fabs(Hi) * 2.0 * q / (1.0 + q) + T * std::log1p(q);
    if (marginals) marginals[i] = m;
    energy -= g.h[i] * m;
    free_energy += -g.h[i] * m + (g.degree(i) - 1) * TS;
  }

  // Edges: b_ij(s, s') ~ exp(beta g(s, s')), g = J s s' + c_i s + c_j s' with the cavity fields.
  const int m_edges = static_cast<int>(g.edge_slot.size());
  for (int e = 0; e < m_edges; ++e) {
    const int a = g.edge_slot[e], b = g.rev[a];  // a: j -> i (in row i), b: i -> j (in row j)
    const int j = g.nbr[a], i = g.nbr[b];
    const double J = g.edge_J[e];
    const double ci = H[i] - msg[a], cj = H[j] - msg[b];
    const double w[4] = {J + ci + cj, -J + ci - cj, -J - ci + cj, J - ci - cj};  // ++, +-, -+, --
    const double top = std::max(std::max(w[0], w[1]), std::max(w[2], w[3]));
    double p[4], sum = 0.0;
    for (int k = 0; k < 4; ++k) sum += (p[k] = std::exp(beta * (w[k] - top)));
    double below = 0.0;  // <top - g>
    for (int k = 0; k < 4; ++k) {
      p[k] /= sum;
      below += p[k] * (top - w[k]);
    }
    const double corr = (p[0] + p[3]) - (p[1] + p[2]);
    if (correlations) correlations[e] = corr;
    const double TS = below + T * std::log(sum);
    energy -= J * corr;
    free_energy += -J * corr - TS;
  }
  return {free_energy / g.n, energy / g.n};
}

}  // namespace isingvi::detail
