// Exact answers: the ground truth for every test and figure. All quantities per spin.
#pragma once
#include <cmath>
#include <vector>

#include "isingvi/models.hpp"

namespace isingvi {

// Per-spin thermodynamics on a list of temperatures: ln_z = ln Z / N, f = -T ln_z,
// u = <E>/N, c = beta^2 (<E^2> - <E>^2)/N, s = beta (u - f); and, where defined,
// abs_m = <|M|>/N, m2 = <M^2>/N^2, m4 = <M^4>/N^4 (Onsager: abs_m is Yang's m).
// Fields a method cannot give are left empty.
struct Thermo {
  std::vector<double> T, beta, ln_z, f, u, c, s, abs_m, m2, m4;
  std::vector<double> marginals;     // (n_T, N): <s_i>, when asked for
  std::vector<double> correlations;  // (n_T, n_edges): <s_i s_j> on the graph's edges, when asked for
};

// Exact enumeration of all 2^N states in Gray-code order; N <= 30. The state space is cut
// into fixed chunks summed in a fixed order, so the result is the same for any thread count.
Thermo enumerate(const Graph& g, const std::vector<double>& T, bool marginals = false,
                 bool correlations = false, int threads = 1);

// Kaufman (1949): exact ln Z of the periodic L x L square lattice at h = 0, J > 0, with u
// and c from exact derivatives in beta (no finite differences).
Thermo kaufman(int L, const std::vector<double>& T, double J = 1.0);

// Onsager (1944) for the infinite square lattice at h = 0, J > 0: f, u, c, s, and Yang's
// spontaneous magnetisation in abs_m.
Thermo onsager(const std::vector<double>& T, double J = 1.0);

// T_c = 2 J / ln(1 + sqrt 2).
double onsager_tc(double J = 1.0);

// c = beta^2 var / N, computed as (beta sqrt var)^2 / N so that beta^2 cannot overflow
// against a vanishing variance at tiny T (and a zero variance gives exactly 0).
inline double heat_capacity(double beta, double var, double N) {
  if (var == 0.0) return 0.0;
  const double root = beta * std::sqrt(std::fabs(var));
  return (var < 0 ? -1.0 : 1.0) * root * root / N;
}

}  // namespace isingvi
