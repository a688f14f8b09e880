// Thin bindings of the vectorised elementwise math (isingvi/vecmath.hpp), for tests and benches.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "isingvi/vecmath.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

using Kernel = void (*)(const double*, double*, std::size_t, isingvi::Isa);

template <Kernel f>
py::array_t<double> apply(const py::array_t<double, py::array::c_style | py::array::forcecast>& x,
                          const std::string& simd) {
  const isingvi::Isa isa = isingvi::resolve_isa(simd);
  py::array_t<double> y(x.request().shape);
  {
    py::gil_scoped_release release;
    f(x.data(), y.mutable_data(), static_cast<std::size_t>(x.size()), isa);
  }
  return y;
}

}  // namespace

void bind_vecmath(py::module_& m) {
  m.def("vec_exp", &apply<isingvi::vec_exp>, "Elementwise exp of a float64 array (vectorised core).", "x"_a,
        "simd"_a = "auto");
  m.def("vec_log", &apply<isingvi::vec_log>, "Elementwise natural log of a float64 array (vectorised core).", "x"_a,
        "simd"_a = "auto");
  m.def("vec_tanh", &apply<isingvi::vec_tanh>, "Elementwise tanh of a float64 array (vectorised core).", "x"_a,
        "simd"_a = "auto");
}
