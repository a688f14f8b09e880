#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <stdexcept>

#include "arrays.hpp"
#include "isingvi/rng.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

void bind_rng(py::module_& m) {
  m.def(
      "random_uniform",
      [](std::uint64_t seed, std::uint64_t stream, std::int64_t n) {
        if (n < 0) throw std::invalid_argument("n: must be >= 0");
        isingvi::Rng rng(seed, stream);
        std::vector<double> v(static_cast<std::size_t>(n));
        for (auto& x : v) x = rng.uniform();
        return isingvi_py::to_numpy(std::move(v), {n});
      },
      "n uniform doubles in [0, 1) from the core's RNG stream (seed, stream).", "seed"_a, "stream"_a, "n"_a);
}
