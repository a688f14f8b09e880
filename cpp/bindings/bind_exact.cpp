#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "arrays.hpp"
#include "constructed.hpp"
#include "interruptible.hpp"
#include "isingvi/exact.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

py::dict to_dict(isingvi::Thermo&& t, std::int64_t n_spins = 0, std::int64_t n_edges = 0) {
  using isingvi_py::to_numpy;
  const auto nT = static_cast<py::ssize_t>(t.T.size());
  py::dict out;
  auto put = [&](const char* key, std::vector<double>&& v) {
    if (!v.empty()) out[key] = to_numpy(std::move(v), {nT});
  };
  put("T", std::move(t.T));
  put("beta", std::move(t.beta));
  put("ln_z", std::move(t.ln_z));
  put("f", std::move(t.f));
  put("u", std::move(t.u));
  put("c", std::move(t.c));
  put("s", std::move(t.s));
  put("abs_m", std::move(t.abs_m));
  put("m2", std::move(t.m2));
  put("m4", std::move(t.m4));
  if (!t.marginals.empty()) out["marginals"] = to_numpy(std::move(t.marginals), {nT, n_spins});
  if (!t.correlations.empty()) out["correlations"] = to_numpy(std::move(t.correlations), {nT, n_edges});
  return out;
}

}  // namespace

void bind_exact(py::module_& m) {
  m.def(
      "enumerate",
      [](const isingvi::Graph& g, const std::vector<double>& T, bool marginals, bool correlations, int threads,
         const py::object& progress) {
        isingvi::Thermo t = isingvi_py::run_interruptible(
            [&] { return isingvi::enumerate(g, T, marginals, correlations, threads); }, progress);
        return to_dict(std::move(t), g.n(), g.n_edges());
      },
      "Exact per-spin thermodynamics by enumeration of all 2^N states (N <= 30).", "graph"_a, "T"_a,
      "marginals"_a = false, "correlations"_a = false, "threads"_a = 1, "progress"_a = py::none());
  m.def(
      "kaufman",
      [](int L, const std::vector<double>& T, double J) {
        isingvi::Thermo t;
        {
          py::gil_scoped_release release;
          t = isingvi::kaufman(L, T, J);
        }
        return to_dict(std::move(t));
      },
      "Kaufman's exact per-spin ln Z, u, c of the periodic L x L lattice at h = 0.", "L"_a, "T"_a, "J"_a = 1.0);
  m.def(
      "onsager", [](const std::vector<double>& T, double J) { return to_dict(isingvi::onsager(T, J)); },
      "Onsager's per-spin f, u, c, s and Yang's m of the infinite square lattice.", "T"_a, "J"_a = 1.0);
  m.def("onsager_tc", &isingvi::onsager_tc, "T_c = 2J / ln(1 + sqrt 2).", "J"_a = 1.0);
}
