// Belief propagation: the directed-edge layout and one iteration of each schedule.
#include <algorithm>
#include <cmath>
#include <string>

#include "bp_state.hpp"
#include "isingvi/bp.hpp"
#include "isingvi/check.hpp"
#include "isingvi/monitor.hpp"

namespace isingvi {

double bp_message(double beta, double J, double c) {
  require(std::isfinite(beta) && beta > 0.0, "beta", "must be finite and > 0, got " + std::to_string(beta));
  require_finite(J, "J");
  require_finite(c, "c");
  return detail::message_kernel(beta, std::tanh(beta * J), J, c);
}

namespace detail {

BPLayout::BPLayout(const Graph& g) : n(g.n()), h(g.fields()), edge_J(g.couplings()) {
  const auto& ei = g.edge_i();
  const auto& ej = g.edge_j();
  const int m = g.n_edges();
  row.assign(static_cast<std::size_t>(n) + 1, 0);
  for (int e = 0; e < m; ++e) {
    ++row[ei[e] + 1];
    ++row[ej[e] + 1];
  }
  for (int i = 0; i < n; ++i) row[i + 1] += row[i];
  nbr.resize(static_cast<std::size_t>(row[n]));
  rev.resize(nbr.size());
  J.resize(nbr.size());
  edge_slot.resize(static_cast<std::size_t>(m));
  std::vector<int> fill(row.begin(), row.end() - 1);
  for (int e = 0; e < m; ++e) {
    const int i = ei[e], j = ej[e];
    const int a = fill[i]++, b = fill[j]++;  // a: j -> i, b: i -> j
    nbr[a] = j;
    nbr[b] = i;
    rev[a] = b;
    rev[b] = a;
    J[a] = J[b] = edge_J[e];
    edge_slot[e] = a;
  }
}

void total_fields(const BPLayout& g, const std::vector<double>& msg, std::vector<double>& H) {
  H.resize(static_cast<std::size_t>(g.n));
  for (int i = 0; i < g.n; ++i) {
    double s = g.h[i];
    for (int d = g.row[i]; d < g.row[i + 1]; ++d) s += msg[d];
    H[i] = s;
  }
}

namespace {

// Nodes between cancellation checks inside an iteration (an iteration of a 1024^2 lattice is
// longer than the ~100 ms a user waits for Ctrl-C).
constexpr int kNodesPerCheck = 1 << 16;

// Sends every message of node i: out(slot rev[d], message) for each slot d of i, with the
// cavity field h_i + (messages into i other than slot d's) summed from a prefix and a suffix,
// so that it never involves the message it excludes, not even through rounding. Tree
// messages thus become bit-exact fixed points and iterations stop there.
template <class Send>
void send_from(const BPLayout& g, int i, const std::vector<double>& msg, std::vector<double>& prefix, Send&& send) {
  const int lo = g.row[i], hi = g.row[i + 1];
  prefix.resize(static_cast<std::size_t>(hi - lo));
  double acc = g.h[i];
  for (int d = lo; d < hi; ++d) {
    prefix[d - lo] = acc;
    acc += msg[d];
  }
  double suffix = 0.0;
  for (int d = hi - 1; d >= lo; --d) {
    send(d, prefix[d - lo] + suffix);
    suffix += msg[d];
  }
}

}  // namespace

double iterate_parallel(const BPLayout& g, double beta, const std::vector<double>& t, double damping,
                        const std::vector<double>& msg, std::vector<double>& next, std::vector<double>& scratch) {
  double worst = 0.0;
  for (int i = 0; i < g.n; ++i) {
    if (i % kNodesPerCheck == 0) checkpoint();
    send_from(g, i, msg, scratch, [&](int d, double cavity) {
      const int out = g.rev[d];  // i -> nbr[d]
      const double u = message_kernel(beta, t[d], g.J[d], cavity);
      worst = std::max(worst, std::fabs(u - msg[out]));
      next[out] = damping * msg[out] + (1.0 - damping) * u;
    });
  }
  return worst;
}

double iterate_sequential(const BPLayout& g, double beta, const std::vector<double>& t, double damping,
                          const std::vector<int>& order, std::vector<double>& msg, std::vector<double>& scratch) {
  double worst = 0.0;
  // Messages into i do not change while i sends (they sit in i's own slots).
  int sent = 0;
  for (const int i : order) {
    if (sent++ % kNodesPerCheck == 0) checkpoint();
    send_from(g, i, msg, scratch, [&](int d, double cavity) {
      const int out = g.rev[d];
      const double u = message_kernel(beta, t[d], g.J[d], cavity);
      worst = std::max(worst, std::fabs(u - msg[out]));
      msg[out] = damping * msg[out] + (1.0 - damping) * u;
    });
  }
  return worst;
}

}  // namespace detail
}  // namespace isingvi
