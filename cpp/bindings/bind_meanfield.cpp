#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>

#include "arrays.hpp"
#include "constructed.hpp"
#include "interruptible.hpp"
#include "isingvi/meanfield.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

template <class Model>
py::dict solve(const Model& model, const std::vector<double>& T, const std::string& method,
               const std::string& update, double damping, const std::string& init, const std::vector<double>& m0,
               std::uint64_t seed, double tol, std::int64_t max_iter, int threads, const py::object& progress) {
  isingvi::MeanFieldParams p;
  p.T = T;
  p.method = isingvi::parse_mf_method(method);
  p.update = isingvi::parse_mf_update(update);
  p.damping = damping;
  p.init = isingvi::parse_mf_init(init);
  p.m0 = m0;
  p.seed = seed;
  p.tol = tol;
  p.max_iter = max_iter;
  p.threads = threads;
  isingvi::MeanFieldResult r = isingvi_py::run_interruptible([&] { return isingvi::solve_mean_field(model, p); }, progress);
  // Traces of all temperatures end to end; trace_len[k] entries each.
  std::vector<double> tf, tdm;
  std::vector<std::int64_t> len, titer;
  for (std::int64_t k = 0; k < r.n_T; ++k) {
    titer.insert(titer.end(), r.trace_iter[k].begin(), r.trace_iter[k].end());
    tf.insert(tf.end(), r.trace_f[k].begin(), r.trace_f[k].end());
    tdm.insert(tdm.end(), r.trace_dm[k].begin(), r.trace_dm[k].end());
    len.push_back(static_cast<std::int64_t>(r.trace_f[k].size()));
  }
  using isingvi_py::to_numpy;
  const auto n_trace = static_cast<py::ssize_t>(tf.size());
  py::dict out;
  out["m"] = to_numpy(std::move(r.m), {r.n_T, r.n_spins});
  out["f"] = to_numpy(std::move(r.f), {r.n_T});
  out["u"] = to_numpy(std::move(r.u), {r.n_T});
  out["converged"] = to_numpy(std::move(r.converged), {r.n_T});
  out["n_iter"] = to_numpy(std::move(r.n_iter), {r.n_T});
  out["trace_iter"] = to_numpy(std::move(titer), {n_trace});
  out["trace_f"] = to_numpy(std::move(tf), {n_trace});
  out["trace_dm"] = to_numpy(std::move(tdm), {n_trace});
  out["trace_len"] = to_numpy(std::move(len), {r.n_T});
  return out;
}

template <class Model>
void def_solve(py::module_& m) {
  m.def("mean_field_solve", &solve<Model>,
        "Naive mean-field or TAP fixed point at each temperature. Returns a dict: m (n_T, N), f, u "
        "(per spin), converged (uint8), n_iter, and the traces trace_iter, trace_f, trace_dm, trace_len.",
        "model"_a, "T"_a, "method"_a = "mf", "update"_a = "sequential", "damping"_a = 0.0, "init"_a = "up",
        "m0"_a = std::vector<double>{}, "seed"_a = 0, "tol"_a = 1e-10, "max_iter"_a = 10000, "threads"_a = 1,
        "progress"_a = py::none());
}

}  // namespace

void bind_meanfield(py::module_& m) {
  def_solve<isingvi::Lattice>(m);  // one overload per model type
  def_solve<isingvi::Graph>(m);
  m.def(
      "mean_field_free_energy",
      [](const isingvi::Graph& g, double T, Array m_arr, const std::string& method) {
        const auto tap = isingvi::parse_mf_method(method) == isingvi::MFMethod::TAP;
        if (m_arr.ndim() != 1 && m_arr.ndim() != 2)
          throw std::invalid_argument("m: must have shape (N,) or (k, N)");
        const std::int64_t k = m_arr.ndim() == 2 ? m_arr.shape(0) : 1;
        const std::int64_t n = m_arr.shape(m_arr.ndim() - 1);
        std::vector<double> f(static_cast<std::size_t>(k));
        const double* data = m_arr.data();
        {
          py::gil_scoped_release release;
          for (std::int64_t r = 0; r < k; ++r)
            f[r] = tap ? isingvi::tap_free_energy(g, T, data + r * n, n) : isingvi::mean_field_free_energy(g, T, data + r * n, n);
        }
        return isingvi_py::to_numpy(std::move(f), {k});
      },
      "Per-spin F_MF (or F_TAP) at magnetisations m of shape (N,) or (k, N); returns shape (k,).", "graph"_a,
      "T"_a, "m"_a, "method"_a = "mf");
  m.def(
      "uniform_lattice",
      [](const std::vector<double>& T, int z, double J, double h, const std::string& method,
         const std::string& branch) {
        auto s = isingvi::uniform_lattice(T, z, J, h, isingvi::parse_uniform_method(method),
                                          isingvi::parse_uniform_branch(branch));
        using isingvi_py::to_numpy;
        const auto nT = static_cast<py::ssize_t>(s.T.size());
        py::dict out;
        out["T"] = to_numpy(std::move(s.T), {nT});
        out["beta"] = to_numpy(std::move(s.beta), {nT});
        out["m"] = to_numpy(std::move(s.m), {nT});
        out["f"] = to_numpy(std::move(s.f), {nT});
        out["u"] = to_numpy(std::move(s.u), {nT});
        return out;
      },
      "Uniform mean-field or Bethe solution of the infinite lattice with coordination z: T, beta, m, f, u "
      "(per spin).",
      "T"_a, "z"_a, "J"_a = 1.0, "h"_a = 0.0, "method"_a = "mf", "branch"_a = "ordered");
  m.def(
      "uniform_critical_temperature",
      [](int z, double J, const std::string& method) {
        return isingvi::uniform_critical_temperature(z, J, isingvi::parse_uniform_method(method));
      },
      "T_c of the uniform solution: z J (mean field), 2 J / ln(z / (z - 2)) (Bethe; 0 for z <= 2).", "z"_a,
      "J"_a = 1.0, "method"_a = "mf");
}
