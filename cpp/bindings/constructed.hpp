// Lattice and Graph arguments are checked to have been constructed before any binding uses
// them: `Cls.__new__(Cls)` makes an instance whose __init__ never ran, and reading it would
// read uninitialised memory. Every binding file that takes one includes this header before
// binding anything, so the check covers functions, methods and properties alike.
#pragma once
#include <pybind11/pybind11.h>

#include "isingvi/models.hpp"

namespace isingvi_py {

// Whether obj is a Lattice or Graph whose C++ value was built.
inline bool is_constructed(pybind11::handle obj) {
  namespace py = pybind11;
  if (!py::isinstance<isingvi::Lattice>(obj) && !py::isinstance<isingvi::Graph>(obj)) return false;
  for (auto vh : py::detail::values_and_holders(reinterpret_cast<py::detail::instance*>(obj.ptr())))
    if (!vh.holder_constructed()) return false;
  return true;
}

template <class T>
struct ConstructedCaster : pybind11::detail::type_caster_base<T> {
  bool load(pybind11::handle src, bool convert) {
    if (!pybind11::detail::type_caster_base<T>::load(src, convert)) return false;
    if (!src.is_none() && !is_constructed(src))
      throw pybind11::value_error("model: this " + std::string(pybind11::str(src.get_type().attr("__name__"))) +
                                  " was never constructed (__new__ without __init__)");
    return true;
  }
};

}  // namespace isingvi_py

namespace pybind11::detail {
template <>
struct type_caster<isingvi::Lattice> : isingvi_py::ConstructedCaster<isingvi::Lattice> {};
template <>
struct type_caster<isingvi::Graph> : isingvi_py::ConstructedCaster<isingvi::Graph> {};
}  // namespace pybind11::detail
