#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "arrays.hpp"
#include "constructed.hpp"
#include "interruptible.hpp"
#include "isingvi/ais.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

template <class Model>
void bind_ais(py::module_& m) {
  m.def(
      "ais",
      [](const Model& model, const std::vector<double>& T, std::int64_t n_steps, std::int64_t n_sweeps,
         std::int64_t n_chains, const std::string& algorithm, std::uint64_t seed, int threads,
         const py::object& progress, const std::string& simd, const std::string& kernel, bool tables) {
        isingvi::AisParams p;
        p.T = T;
        p.n_steps = n_steps;
        p.n_sweeps = n_sweeps;
        p.n_chains = n_chains;
        p.algorithm = isingvi::parse_algorithm(algorithm);
        p.seed = seed;
        p.threads = threads;
        p.simd = simd;
        p.kernel = kernel;
        p.tables = tables;
        isingvi::AisResult r = isingvi_py::run_interruptible([&] { return isingvi::ais(model, p); }, progress);
        using isingvi_py::to_numpy;
        const auto n_steps_run = static_cast<py::ssize_t>(r.schedule.size());
        py::dict out;
        out["T"] = to_numpy(std::move(r.T), {r.n_T});
        out["beta"] = to_numpy(std::move(r.beta), {r.n_T});
        out["ln_z"] = to_numpy(std::move(r.ln_z), {r.n_T});
        out["ln_z_err"] = to_numpy(std::move(r.ln_z_err), {r.n_T});
        out["ess"] = to_numpy(std::move(r.ess), {r.n_T});
        out["log_weights"] = to_numpy(std::move(r.log_weights), {r.n_T, r.n_chains});
        out["schedule"] = to_numpy(std::move(r.schedule), {n_steps_run});
        out["n_spins"] = r.n_spins;
        out["sampler"] = r.sampler;
        return out;
      },
      "Annealed importance sampling from beta = 0 to every 1/T; returns a dict with per-spin ln_z, "
      "ln_z_err, ess (n_T,), log_weights (n_T, n_chains) (total ln w), schedule, T, beta, n_spins, "
      "sampler. simd, kernel: as mc_sweep's (lattices); tables: graphs look flip probabilities up "
      "where that is exact (False: computed per spin).",
      "model"_a, "T"_a, "n_steps"_a = 1000, "n_sweeps"_a = 1, "n_chains"_a = 64, "algorithm"_a = "heatbath",
      "seed"_a = 0, "threads"_a = 1, "progress"_a = py::none(), "simd"_a = "auto", "kernel"_a = "auto",
      "tables"_a = true);
}

}  // namespace

void bind_freeenergy(py::module_& m) {
  bind_ais<isingvi::Graph>(m);
  bind_ais<isingvi::Lattice>(m);
  m.def(
      "pinned_schedule",
      [](const std::vector<double>& targets, std::int64_t n_steps) {
        auto s = isingvi::pinned_schedule(targets, n_steps);
        const auto n = static_cast<py::ssize_t>(s.size());
        return isingvi_py::to_numpy(std::move(s), {n});
      },
      "n_steps increasing values in (0, max target], linear between consecutive targets, containing "
      "every target exactly; the largest step is as small as it can be.",
      "targets"_a, "n_steps"_a);
}
