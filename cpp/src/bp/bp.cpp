// Belief propagation over a list of temperatures: argument checks, start messages, the
// iteration loop with its convergence test and trace, and the final beliefs.
#include "isingvi/bp.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>

#include "bp_lattice.hpp"
#include "bp_state.hpp"
#include "isingvi/check.hpp"
#include "isingvi/monitor.hpp"
#include "isingvi/trace.hpp"
#include "isingvi/rng.hpp"

namespace isingvi {

BPInit parse_bp_init(const std::string& name) {
  if (name == "paramagnetic") return BPInit::Paramagnetic;
  if (name == "up") return BPInit::Up;
  if (name == "down") return BPInit::Down;
  if (name == "random") return BPInit::Random;
  fail("init", "must be 'paramagnetic', 'up', 'down' or 'random', got '" + name + "'");
}

BPSchedule parse_bp_schedule(const std::string& name) {
  if (name == "parallel") return BPSchedule::Parallel;
  if (name == "sequential") return BPSchedule::Sequential;
  if (name == "random") return BPSchedule::Random;
  fail("schedule", "must be 'parallel', 'sequential' or 'random', got '" + name + "'");
}

void check_bp_params(const BPParams& p) {
  require_inverse_temperatures(p.T);
  require_iteration_settings(p.damping, p.tol, p.max_iter);
  require(p.threads >= 1, "threads", "must be >= 1, got " + std::to_string(p.threads));
}

namespace {

void start_messages(const detail::BPLayout& g, BPInit init, Rng& rng, std::vector<double>& msg) {
  msg.assign(static_cast<std::size_t>(g.slots()), 0.0);
  for (int d = 0; d < g.slots(); ++d) {
    switch (init) {
      case BPInit::Paramagnetic: break;
      case BPInit::Up: msg[d] = g.J[d]; break;  // the message of a sender fixed at +1
      case BPInit::Down: msg[d] = -g.J[d]; break;
      case BPInit::Random: msg[d] = std::fabs(g.J[d]) * (2.0 * rng.uniform() - 1.0); break;
    }
  }
}

void shuffle(std::vector<int>& order, Rng& rng) {
  for (std::size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng.below(k)]);
}

}  // namespace

namespace {

// Every temperature from `init`: on the lattice's stencil where lattice_bp applies (parallel
// schedule), else on the graph's directed-edge layout.
BPResult solve(const Graph& graph, const Lattice* lattice, const BPParams& p) {
  check_bp_params(p);
  const detail::BPLayout g(graph);
  const auto nT = p.T.size();
  const auto N = static_cast<std::size_t>(g.n);
  const auto m = g.edge_slot.size();
  BPResult r;
  r.n_spins = g.n;
  r.n_edges = static_cast<int>(m);
  r.T = p.T;
  r.m.assign(nT * N, 0.0);
  r.correlations.assign(nT * m, 0.0);

  // Messages are bounded by |J|: the tolerance is relative to the largest coupling, so that
  // rounding at large |J| cannot keep a solved problem from converging.
  double coupling_scale = 0.0;
  for (const double J : g.J) coupling_scale = std::max(coupling_scale, std::fabs(J));
  const double tol = p.tol * coupling_scale;
  std::vector<double> msg, next, H, t;
  std::vector<int> order(N);
  for (std::size_t k = 0; k < nT; ++k) {
    const double T = p.T[k], beta = 1.0 / T;
    auto record = [&](std::int64_t it, double f, double du) {
      r.trace_T.push_back(T);
      r.trace_iter.push_back(it);
      r.trace_f.push_back(f);
      r.trace_max_du.push_back(du);
    };
    Rng rng(p.seed, temperature_stream(T));
    start_messages(g, p.init, rng, msg);
    if (lattice && p.schedule == BPSchedule::Parallel && detail::lattice_bp_applies(beta, lattice->J)) {
      const auto out = detail::lattice_bp(*lattice, g, msg, T, p, tol, r.m.data() + k * N,
                                          r.correlations.data() + k * m, record);
      r.f.push_back(out.f);
      r.u.push_back(out.u);
      r.converged.push_back(out.converged ? 1 : 0);
      r.n_iter.push_back(out.n_iter);
      continue;
    }
    next.resize(msg.size());
    t.resize(msg.size());
    for (int d = 0; d < g.slots(); ++d) t[d] = std::tanh(beta * g.J[d]);
    std::iota(order.begin(), order.end(), 0);
    bool converged = false;
    std::int64_t it = 0;
    detail::BetheValues values{0.0, 0.0};
    while (!converged && it < p.max_iter) {
      checkpoint(1);  // progress in iterations (the total is unknown: runs stop when converged)
      ++it;
      double du;
      if (p.schedule == BPSchedule::Parallel) {
        du = detail::iterate_parallel(g, beta, t, p.damping, msg, next, H);
        msg.swap(next);
      } else {
        if (p.schedule == BPSchedule::Random) shuffle(order, rng);
        du = detail::iterate_sequential(g, beta, t, p.damping, order, msg, H);
      }
      converged = du == 0.0 || du < tol;
      const bool last = converged || it == p.max_iter;
      values = detail::bethe(g, T, msg, H, last ? r.m.data() + k * N : nullptr,
                             last ? r.correlations.data() + k * m : nullptr);
      if (trace_keeps(it) || last) record(it, values.f, du);
    }
    r.f.push_back(values.f);
    r.u.push_back(values.u);
    r.converged.push_back(converged ? 1 : 0);
    r.n_iter.push_back(it);
  }
  return r;
}

}  // namespace

BPResult belief_propagation(const Graph& graph, const BPParams& p) { return solve(graph, nullptr, p); }

BPResult belief_propagation(const Lattice& lattice, const Graph& graph, const BPParams& p) {
  require(graph.n() == lattice.n() && graph.n_edges() == (lattice.L > 2 ? lattice.dim * graph.n() : graph.n_edges()),
          "graph", "must be lattice.to_graph()");
  // L = 2: to_graph merges each pair's two bonds into one, which the stencil does not.
  return solve(graph, lattice.L > 2 ? &lattice : nullptr, p);
}

}  // namespace isingvi
