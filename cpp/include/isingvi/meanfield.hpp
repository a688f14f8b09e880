// Variational approximations with factorised trial distributions: naive mean field and TAP
// on any graph, and the uniform mean-field and Bethe solutions of the infinite lattice.
//
// Naive mean field minimises, over magnetisations m in [-1, 1]^N,
//   F_MF(m) = -sum_{i<j} J_ij m_i m_j - sum_i h_i m_i - T sum_i H2((1 + m_i)/2),
// the Gibbs-Bogoliubov bound F_MF(m) >= F = -T ln Z for every m (H2: binary entropy, nats).
// Its stationary points satisfy m_i = tanh(beta (h_i + sum_j J_ij m_j)).
// TAP adds the Onsager reaction term (second order of the Plefka expansion):
//   F_TAP(m) = F_MF(m) - (beta/2) sum_{i<j} J_ij^2 (1 - m_i^2)(1 - m_j^2),
// an approximation, not a bound. All free energies and energies are per spin.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "isingvi/models.hpp"

namespace isingvi {

enum class MFMethod { Naive, TAP };
enum class MFUpdate { Sequential, Parallel };
enum class MFStart { Up, Down, Random, Given };

MFMethod parse_mf_method(const std::string& name);  // "mf" | "tap"
MFUpdate parse_mf_update(const std::string& name);  // "sequential" | "parallel"
MFStart parse_mf_init(const std::string& name);     // "up" | "down" | "random" | "given"

struct MeanFieldParams {
  std::vector<double> T;
  MFMethod method = MFMethod::Naive;
  MFUpdate update = MFUpdate::Sequential;
  double damping = 0.0;       // m <- d m_old + (1 - d) update, d in [0, 1)
  MFStart init = MFStart::Up;
  std::vector<double> m0;     // the start for MFStart::Given, N values in [-1, 1]
  std::uint64_t seed = 0;     // MFStart::Random: m_i ~ U(-1, 1) from stream (seed, 0), the same at every T
  double tol = 1e-10;         // converged when the fixed-point residual max_i |update_i - m_i| < tol
  std::int64_t max_iter = 10000;
  int threads = 1;            // temperatures solved in parallel; results do not depend on it
};

struct MeanFieldResult {
  std::int64_t n_T = 0;
  std::int64_t n_spins = 0;
  std::vector<double> m;                  // (n_T, N) magnetisations at the last iteration
  std::vector<double> f;                  // (n_T,) per-spin free energy of the method at m
  std::vector<double> u;                  // (n_T,) per-spin energy d(beta f)/d beta at fixed m
  std::vector<std::uint8_t> converged;    // (n_T,)
  std::vector<std::int64_t> n_iter;       // (n_T,) iterations (sweeps) performed
  // Per temperature, one entry per kept iteration (isingvi/trace.hpp: all of the first 2^16,
  // then powers of two, and the last); iteration 0 is the start (its max_dm is NaN).
  std::vector<std::vector<std::int64_t>> trace_iter;
  std::vector<std::vector<double>> trace_f, trace_dm;
};

void check_mean_field_params(const MeanFieldParams& p, std::int64_t n_spins);

// One iteration is a sweep over all sites in index order (sequential: each site sees its
// neighbours' newest values; coordinate descent, so naive F_MF never increases) or one
// simultaneous update of all sites (parallel). Non-convergence within max_iter is reported
// in `converged`, not thrown. Lattices are solved on their Graph (CSR) form.
MeanFieldResult solve_mean_field(const Graph& graph, const MeanFieldParams& params);
MeanFieldResult solve_mean_field(const Lattice& lattice, const MeanFieldParams& params);

// H2((1 + m)/2) in nats for m in [-1, 1]: exactly ln 2 at m = 0 and 0 at m = +-1.
double binary_entropy(double m);

// Per-spin free energies at given magnetisations m (N values in [-1, 1], validated; the
// message names `param`), and the per-spin mean-field energy -sum J m m - sum h m.
double mean_field_free_energy(const Graph& g, double T, const double* m, std::int64_t n,
                              const std::string& param = "m");
double tap_free_energy(const Graph& g, double T, const double* m, std::int64_t n,
                       const std::string& param = "m");

// ---------------------------------------------------------------------------------------
// The infinite lattice with coordination z, uniform coupling J > 0 and field h, uniform m.
//   mean field: m = tanh(beta (z J m + h)), f = -(z/2) J m^2 - h m - T H2((1 + m)/2),
//               u = -(z/2) J m^2 - h m;  T_c = z J.
//   Bethe:      cavity field H = h + (z - 1) u(H), u(H) = atanh(tanh(beta J) tanh(beta H))/beta,
//               m = tanh(beta (h + z u(H))); f from the site and bond partition functions,
//               u = -(z/2) J <s s'> - h m;  T_c = 2 J / ln(z / (z - 2)) (0 for z <= 2).
// Branches (for h >= 0; h < 0 by symmetry): "ordered" is the largest solution (m > 0 at h = 0
// below T_c, the stable one aligned with h); "paramagnetic" is m = 0 and needs h = 0.
enum class UniformMethod { MeanField, Bethe };
enum class UniformBranch { Ordered, Paramagnetic };

UniformMethod parse_uniform_method(const std::string& name);  // "mf" | "bethe"
UniformBranch parse_uniform_branch(const std::string& name);  // "ordered" | "paramagnetic"

struct UniformSolution {
  std::vector<double> T, beta, m, f, u;
};

UniformSolution uniform_lattice(const std::vector<double>& T, int z, double J, double h,
                                UniformMethod method, UniformBranch branch);
double uniform_critical_temperature(int z, double J, UniformMethod method);

}  // namespace isingvi
