#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <tuple>

#include "arrays.hpp"
#include "constructed.hpp"
#include "interruptible.hpp"
#include "isingvi/bp.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

isingvi::BPParams params(const std::vector<double>& T, double damping, const std::string& init,
                         const std::string& schedule, std::uint64_t seed, double tol, std::int64_t max_iter,
                         int threads) {
  isingvi::BPParams p;
  p.T = T;
  p.damping = damping;
  p.init = isingvi::parse_bp_init(init);
  p.schedule = isingvi::parse_bp_schedule(schedule);
  p.seed = seed;
  p.tol = tol;
  p.max_iter = max_iter;
  p.threads = threads;
  return p;
}

isingvi::BPResult run(const isingvi::Graph& g, const isingvi::Graph&, const isingvi::BPParams& p) {
  return isingvi::belief_propagation(g, p);
}
isingvi::BPResult run(const isingvi::Lattice& lat, const isingvi::Graph& g, const isingvi::BPParams& p) {
  return isingvi::belief_propagation(lat, g, p);  // the stencil; g for the edge order
}

const isingvi::Graph& graph_of(const isingvi::Graph& g, std::optional<isingvi::Graph>&) { return g; }
const isingvi::Graph& graph_of(const isingvi::Lattice& lat, std::optional<isingvi::Graph>& store) {
  return store.emplace(lat.to_graph());
}

template <class Model>
py::dict solve(const Model& model, const std::vector<double>& T, double damping, const std::string& init,
               const std::string& schedule, std::uint64_t seed, double tol, std::int64_t max_iter, int threads,
               const py::object& progress) {
  const isingvi::BPParams p = params(T, damping, init, schedule, seed, tol, max_iter, threads);
  isingvi::BPResult r;
  std::vector<int> ei, ej;
  {
    std::tie(r, ei, ej) = isingvi_py::run_interruptible(
        [&] {
          isingvi::check_bp_params(p);  // before building a possibly large lattice graph
          std::optional<isingvi::Graph> store;
          const isingvi::Graph& g = graph_of(model, store);
          return std::make_tuple(run(model, g, p), g.edge_i(), g.edge_j());
        },
        progress);
  }
  using isingvi_py::to_numpy;
  const auto nT = static_cast<py::ssize_t>(r.T.size());
  const auto n_trace = static_cast<py::ssize_t>(r.trace_T.size());
  py::dict out;
  out["T"] = to_numpy(std::move(r.T), {nT});
  out["m"] = to_numpy(std::move(r.m), {nT, r.n_spins});
  out["correlations"] = to_numpy(std::move(r.correlations), {nT, r.n_edges});
  out["f"] = to_numpy(std::move(r.f), {nT});
  out["u"] = to_numpy(std::move(r.u), {nT});
  out["converged"] = to_numpy(std::move(r.converged), {nT});
  out["n_iter"] = to_numpy(std::move(r.n_iter), {nT});
  out["trace_T"] = to_numpy(std::move(r.trace_T), {n_trace});
  out["trace_iter"] = to_numpy(std::move(r.trace_iter), {n_trace});
  out["trace_f"] = to_numpy(std::move(r.trace_f), {n_trace});
  out["trace_max_du"] = to_numpy(std::move(r.trace_max_du), {n_trace});
  out["edge_i"] = to_numpy(std::move(ei), {r.n_edges});
  out["edge_j"] = to_numpy(std::move(ej), {r.n_edges});
  return out;
}

template <class Model>
void def_solve(py::module_& m) {
  m.def("belief_propagation", &solve<Model>,
        "Loopy belief propagation over a list of temperatures; returns a dict with T, m (n_T, N), "
        "correlations (n_T, n_edges), f, u (per spin), converged, n_iter and the per-iteration trace "
        "trace_T, trace_iter, trace_f, trace_max_du, and the edges edge_i, edge_j.",
        "model"_a, "T"_a, "damping"_a = 0.0, "init"_a = "paramagnetic", "schedule"_a = "parallel", "seed"_a = 0,
        "tol"_a = 1e-12, "max_iter"_a = 10000, "threads"_a = 1, "progress"_a = py::none());
}

}  // namespace

void bind_bp(py::module_& m) {
  def_solve<isingvi::Lattice>(m);  // the stencil (parallel schedule), GIL released
  def_solve<isingvi::Graph>(m);
  m.def("bp_message", &isingvi::bp_message,
        "The BP cavity-field message atanh(tanh(beta J) tanh(beta c)) / beta, overflow-free.", "beta"_a, "J"_a,
        "c"_a);
}
