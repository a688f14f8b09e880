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

py::tuple tanh_entropy(const py::array_t<double, py::array::c_style | py::array::forcecast>& y,
                       const std::string& simd) {
  const isingvi::Isa isa = isingvi::resolve_isa(simd);
  py::array_t<double> m(y.request().shape), H(y.request().shape);
  {
    py::gil_scoped_release release;
    isingvi::vec_tanh_entropy(y.data(), m.mutable_data(), H.mutable_data(), static_cast<std::size_t>(y.size()), isa);
  }
  return py::make_tuple(m, H);
}

}  // namespace

void bind_vecmath(py::module_& m) {
  m.def("vec_exp", &apply<isingvi::vec_exp>, "Elementwise exp of a float64 array (vectorised core).", "x"_a,
        "simd"_a = "auto");
  m.def("vec_log", &apply<isingvi::vec_log>, "Elementwise natural log of a float64 array (vectorised core).", "x"_a,
        "simd"_a = "auto");
  m.def("vec_tanh", &apply<isingvi::vec_tanh>, "Elementwise tanh of a float64 array (vectorised core).", "x"_a,
        "simd"_a = "auto");
  m.def("vec_tanh_entropy", &tanh_entropy,
        "(tanh(y), H2((1 + tanh y)/2)) elementwise, as the mean field computes them (|y| clamped to 350).", "y"_a,
        "simd"_a = "auto");
}
