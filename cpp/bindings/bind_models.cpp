#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "constructed.hpp"
#include "isingvi/generators.hpp"
#include "isingvi/models.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
using isingvi::Graph;
using isingvi::Lattice;

void bind_models(py::module_& m) {
  m.def("is_constructed", &isingvi_py::is_constructed, "obj"_a,
        "Whether obj is a Lattice or Graph whose constructor ran (a bare __new__ gives one that is not).");

  py::class_<Lattice>(m, "Lattice", "Periodic hypercubic lattice L^dim with uniform J and h.")
      .def(py::init<int, int, double, double>(), "dim"_a, "L"_a, "J"_a = 1.0, "h"_a = 0.0)
      .def_readonly("dim", &Lattice::dim)
      .def_readonly("L", &Lattice::L)
      .def_readonly("J", &Lattice::J)
      .def_readonly("h", &Lattice::h)
      .def_property_readonly("n", &Lattice::n, "Number of spins L^dim.")
      .def("to_graph", &Lattice::to_graph, "The same model as a Graph.");

  py::class_<Graph>(m, "Graph", "Ising model on a general graph: edges (i, j), couplings J_ij, fields h_i.")
      .def(py::init<int, const std::vector<int>&, const std::vector<int>&, const std::vector<double>&,
                    const std::vector<double>&>(),
           "n"_a, "edge_i"_a, "edge_j"_a, "couplings"_a, "fields"_a)
      .def_property_readonly("n", &Graph::n)
      .def_property_readonly("n_edges", &Graph::n_edges)
      .def_property_readonly("edge_i", [](const Graph& g) { return py::array_t<int>(py::cast(g.edge_i())); })
      .def_property_readonly("edge_j", [](const Graph& g) { return py::array_t<int>(py::cast(g.edge_j())); })
      .def_property_readonly("couplings", [](const Graph& g) { return py::array_t<double>(py::cast(g.couplings())); })
      .def_property_readonly("fields", [](const Graph& g) { return py::array_t<double>(py::cast(g.fields())); })
      .def("energy", [](const Graph& g, py::array_t<double, py::array::c_style | py::array::forcecast> s) {
             if (s.ndim() != 1 || s.shape(0) != g.n())
               throw std::invalid_argument("spins: must have shape (" + std::to_string(g.n()) + ",)");
             std::vector<std::int8_t> spins(static_cast<std::size_t>(g.n()));
             for (int i = 0; i < g.n(); ++i) {
               const double v = s.data()[i];
               if (v != 1.0 && v != -1.0)
                 throw std::invalid_argument("spins: every spin must be -1 or +1 (index " + std::to_string(i) + ")");
               spins[i] = static_cast<std::int8_t>(v);
             }
             return g.energy(spins.data());
           }, "spins"_a, "Energy of one configuration of +-1 spins.");

  m.def("sherrington_kirkpatrick", &isingvi::sherrington_kirkpatrick, "N"_a, "seed"_a);
  m.def("edwards_anderson", &isingvi::edwards_anderson, "L"_a, "seed"_a);
  m.def("random_field", &isingvi::random_field, "graph"_a, "sigma"_a, "seed"_a);
  m.def("random_regular", &isingvi::random_regular, "N"_a, "k"_a, "seed"_a, "J"_a = 1.0);
  m.def("random_tree", &isingvi::random_tree, "N"_a, "seed"_a, "J"_a = 1.0);
}
