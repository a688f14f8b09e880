// Private to the core: the directed-edge layout that belief propagation iterates on, the
// message kernel, one iteration of each schedule, and the beliefs.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "isingvi/models.hpp"

namespace isingvi::detail {

// Messages live in CSR slots: slot d in [row[i], row[i+1]) holds the message nbr[d] -> i;
// the reverse message i -> nbr[d] is in slot rev[d]. J[d] is the coupling of that edge.
struct BPLayout {
  int n = 0;
  std::vector<int> row, nbr, rev;
  std::vector<double> J, h;
  std::vector<int> edge_slot;  // graph edge e = (i, j): the slot in row(i) holding j -> i
  std::vector<double> edge_J;

  explicit BPLayout(const Graph& g);
  int slots() const { return static_cast<int>(nbr.size()); }
  int degree(int i) const { return row[i + 1] - row[i]; }
};

// u = atanh(t tanh(beta c)) / beta with t = tanh(beta J). Where |t tanh(beta c)| < 1/2 atanh
// is accurate as it stands; beyond, it is written through atanh(tanh a tanh b) =
// (ln cosh(a + b) - ln cosh(a - b)) / 2 with ln cosh x = |x| + log1p(exp(-2|x|)) - ln 2,
// which neither overflows nor cancels however large beta J and beta c are.
inline double message_kernel(double beta, double t, double J, double c) {
  const double p = t * std::tanh(beta * c);
  if (std::fabs(p) < 0.5) return std::atanh(p) / beta;
  const double a = std::fabs(J + c), b = std::fabs(J - c);
  return 0.5 * (a - b) + (0.5 / beta) * (std::log1p(std::exp(-2.0 * beta * a)) - std::log1p(std::exp(-2.0 * beta * b)));
}

// H[i] = h_i + sum of the messages into i.
void total_fields(const BPLayout& g, const std::vector<double>& msg, std::vector<double>& H);

// One iteration with t[d] = tanh(beta J[d]); both return the largest undamped change
// max |u_new - u_old|. Parallel: next from msg, then the caller swaps. Sequential: in place,
// node by node in `order`. `scratch` is working space.
double iterate_parallel(const BPLayout& g, double beta, const std::vector<double>& t, double damping,
                        const std::vector<double>& msg, std::vector<double>& next, std::vector<double>& scratch);
double iterate_sequential(const BPLayout& g, double beta, const std::vector<double>& t, double damping,
                          const std::vector<int>& order, std::vector<double>& msg, std::vector<double>& scratch);

// The Bethe free energy and internal energy per spin of the beliefs of `msg` (H is scratch,
// left holding the total fields). Marginals (N) and edge correlations (n_edges, graph order)
// are written where the pointers are not null.
struct BetheValues {
  double f, u;
};
BetheValues bethe(const BPLayout& g, double T, const std::vector<double>& msg, std::vector<double>& H,
                  double* marginals = nullptr, double* correlations = nullptr);

}  // namespace isingvi::detail
