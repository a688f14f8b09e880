// Loopy belief propagation (BP) for Ising models and the Bethe free energy.
//
// Messages are cavity fields: u_{i->j} is the effective field that spin i exerts on spin j
// when j's other neighbours are removed,
//     u_{i->j} = atanh(tanh(beta J_ij) tanh(beta c_{i\j})) / beta,
//     c_{i\j}  = h_i + sum_{k in di \ j} u_{k->i}   (the cavity field of i without j),
// one per directed edge. Beliefs: b_i(s) ~ exp(beta H_i s) with H_i = h_i + sum_k u_{k->i},
// so m_i = tanh(beta H_i); the pair belief of an edge is
//     b_ij(s, s') ~ exp(beta (J_ij s s' + c_{i\j} s + c_{j\i} s')).
// The Bethe free energy is the Bethe functional of these beliefs,
//     F = sum_ij <-J_ij s s'>_{b_ij} + sum_i <-h_i s>_{b_i} - T [sum_ij S(b_ij) - sum_i (d_i - 1) S(b_i)],
// which at a fixed point equals -T ln Z_Bethe, and -T ln Z exactly on trees and forests.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "isingvi/models.hpp"

namespace isingvi {

// Start messages: zero ("paramagnetic"); u_{i->j} = +J_ij or -J_ij, the message of a sender
// fixed at +1 ("up") or -1 ("down"); or uniform in [-|J_ij|, |J_ij|] ("random", from the seed).
enum class BPInit { Paramagnetic, Up, Down, Random };
// Parallel (flooding): every message from the previous iteration's messages. Sequential: node
// by node in index order, each node sending from the current messages. Random: sequential in
// a fresh random node order per iteration (from the seed).
enum class BPSchedule { Parallel, Sequential, Random };

BPInit parse_bp_init(const std::string& name);          // "paramagnetic" | "up" | "down" | "random"
BPSchedule parse_bp_schedule(const std::string& name);  // "parallel" | "sequential" | "random"

struct BPParams {
  std::vector<double> T;
  double damping = 0.0;  // u <- damping * u_old + (1 - damping) * u_new, in [0, 1)
  BPInit init = BPInit::Paramagnetic;
  BPSchedule schedule = BPSchedule::Parallel;
  std::uint64_t seed = 0;  // random init and order; stream per temperature (its bit pattern)
  double tol = 1e-12;      // converged when max |u_new - u_old| < tol * max |J_ij| (undamped update)
  std::int64_t max_iter = 10000;
  int threads = 1;  // split a lattice's rows (parallel schedule); results do not depend on it
};

// Per-spin results, one entry per temperature; every temperature starts from `init`.
struct BPResult {
  int n_spins = 0, n_edges = 0;
  std::vector<double> T;
  std::vector<double> m;             // (n_T, N) marginals <s_i> = tanh(beta H_i)
  std::vector<double> correlations;  // (n_T, n_edges) <s_i s_j> of the pair beliefs, graph edge order
  std::vector<double> f;             // Bethe free energy per spin
  std::vector<double> u;             // internal energy per spin of the beliefs
  std::vector<std::uint8_t> converged;
  std::vector<std::int64_t> n_iter;  // iterations performed
  // One row per kept iteration (isingvi/trace.hpp: all of the first 2^16, then powers of two,
  // and the last), temperatures one after another: the temperature, the iteration
  // (1-based), the Bethe free energy per spin after it and its largest undamped change.
  std::vector<double> trace_T, trace_f, trace_max_du;
  std::vector<std::int64_t> trace_iter;
};

void check_bp_params(const BPParams& p);

BPResult belief_propagation(const Graph& graph, const BPParams& params);

// A periodic lattice, given with its graph (lattice.to_graph(): the edge order of the
// correlations). The parallel schedule runs on the lattice's own stencil, vectorised and on
// `threads` threads, wherever beta |J| <= 300: the same iteration, trace and Bethe free energy
// as on the graph, equal to rounding (a few ulp per message). Other schedules, L = 2 and
// larger beta |J| run on the graph.
BPResult belief_propagation(const Lattice& lattice, const Graph& graph, const BPParams& params);

// The BP message atanh(tanh(beta J) tanh(beta c)) / beta without overflow or cancellation for
// any finite beta, J and c; |result| <= min(|J|, |c|).
double bp_message(double beta, double J, double c);

}  // namespace isingvi
