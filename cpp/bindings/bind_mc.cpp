#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "arrays.hpp"
#include "constructed.hpp"
#include "interruptible.hpp"
#include "isingvi/mc.hpp"
#include "isingvi/simd.hpp"
#include "isingvi/tempering.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

template <class Model>
py::dict sweep(const Model& model, const std::string& algorithm, const std::vector<double>& T,
               std::int64_t n_therm, std::int64_t n_measure, std::int64_t every, std::uint64_t seed,
               int threads, const std::string& init, bool save_configs, const std::string& simd,
               const std::string& kernel, const py::object& progress) {
  isingvi::SweepParams p;
  p.T = T;
  p.n_therm = n_therm;
  p.n_measure = n_measure;
  p.every = every;
  p.seed = seed;
  p.threads = threads;
  p.init = isingvi::parse_init(init);
  p.save_configs = save_configs;
  p.simd = simd;
  p.kernel = kernel;
  const auto alg = isingvi::parse_algorithm(algorithm);
  isingvi::SweepResult r = isingvi_py::run_interruptible([&] { return isingvi::run_sweep(model, alg, p); }, progress);
  using isingvi_py::to_numpy;
  py::dict out;
  out["E"] = to_numpy(std::move(r.E), {r.n_T, r.n_samples});
  out["M"] = to_numpy(std::move(r.M), {r.n_T, r.n_samples});
  out["acceptance"] = to_numpy(std::move(r.acceptance), {r.n_T});
  out["cluster_size"] = to_numpy(std::move(r.cluster_size), {r.n_T});
  out["flips_per_sweep"] = to_numpy(std::move(r.flips_per_sweep), {r.n_T});
  if (save_configs) out["configs"] = to_numpy(std::move(r.configs), {r.n_T, r.n_samples, r.n_spins});
  out["sampler"] = r.sampler;
  out["n_spins"] = r.n_spins;
  return out;
}

template <class Model>
py::dict tempering(const Model& model, const std::vector<double>& T, const std::string& algorithm,
                   std::int64_t n_therm, std::int64_t n_measure, std::int64_t every, std::int64_t swap_every,
                   std::uint64_t seed, int threads, const std::string& init, bool save_configs,
                   const py::object& progress) {
  isingvi::TemperingParams p;
  p.T = T;
  p.algorithm = isingvi::parse_algorithm(algorithm);
  p.n_therm = n_therm;
  p.n_measure = n_measure;
  p.every = every;
  p.swap_every = swap_every;
  p.seed = seed;
  p.threads = threads;
  p.init = isingvi::parse_init(init);
  p.save_configs = save_configs;
  isingvi::TemperingResult r =
      isingvi_py::run_interruptible([&] { return isingvi::run_tempering(model, p); }, progress);
  using isingvi_py::to_numpy;
  const py::ssize_t pairs = r.n_T - 1;
  py::dict out;
  out["ladder"] = to_numpy(std::move(r.ladder), {r.n_T});
  out["E"] = to_numpy(std::move(r.E), {r.n_T, r.n_samples});
  out["M"] = to_numpy(std::move(r.M), {r.n_T, r.n_samples});
  out["acceptance"] = to_numpy(std::move(r.acceptance), {r.n_T});
  out["marginals"] = to_numpy(std::move(r.marginals), {r.n_T, r.n_spins});
  if (save_configs) out["configs"] = to_numpy(std::move(r.configs), {r.n_T, r.n_samples, r.n_spins});
  out["swap_attempts"] = to_numpy(std::move(r.swap_attempts), {pairs});
  out["swap_accepted"] = to_numpy(std::move(r.swap_accepted), {pairs});
  out["round_trips"] = to_numpy(std::move(r.round_trips), {r.n_T});
  out["sampler"] = r.sampler;
  out["n_spins"] = r.n_spins;
  return out;
}

}  // namespace

template <class Model>
void def_tempering(py::module_& m) {
  m.def("parallel_tempering", &tempering<Model>,
        "Parallel tempering over a ladder T (any order, distinct); returns a dict with E, M of shape "
        "(n_T, n_samples) (totals, rows in the given order), acceptance, marginals (n_T, N), ladder (sorted), "
        "swap_attempts and swap_accepted per adjacent ladder pair, round_trips per replica, sampler, n_spins "
        "and, if asked, configs. Ctrl-C stops it; progress(done, total) is called every 50 ms with sweeps "
        "done, summed over replicas.",
        "model"_a, "T"_a, "algorithm"_a = "metropolis", "n_therm"_a = 1000, "n_measure"_a = 10000, "every"_a = 1,
        "swap_every"_a = 1, "seed"_a = 0, "threads"_a = 1, "init"_a = "random", "save_configs"_a = false,
        "progress"_a = py::none());
}

template <class Model>
void def_sweep(py::module_& m) {
  m.def("mc_sweep", &sweep<Model>,
        "Monte Carlo over a list of temperatures; returns a dict with E, M of shape (n_T, n_samples) "
        "(totals), acceptance, cluster_size, flips_per_sweep, sampler, n_spins and, if asked, configs. Ctrl-C stops it; "
        "progress(done, total) is called every 50 ms with sweeps done.",
        "model"_a, "algorithm"_a, "T"_a, "n_therm"_a, "n_measure"_a, "every"_a = 1, "seed"_a = 0,
        "threads"_a = 1, "init"_a = "random", "save_configs"_a = false, "simd"_a = "auto",
        "kernel"_a = "auto", "progress"_a = py::none());
}

void bind_mc(py::module_& m) {
  def_sweep<isingvi::Lattice>(m);  // one overload per model type
  def_sweep<isingvi::Graph>(m);
  def_tempering<isingvi::Lattice>(m);
  def_tempering<isingvi::Graph>(m);
  m.def("simd_supported", &isingvi::supported_isas,
        "Instruction sets of the vector kernels this CPU and build support, slowest first "
        "(always starts with 'scalar'); values for mc_sweep's `simd`, besides 'auto'.");
}
