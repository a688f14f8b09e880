#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "constructed.hpp"
#include "isingvi/generators.hpp"
#include "isingvi/models.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
using isingvi::Graph;
using isingvi::Lattice;

namespace {

// Every pickle protocol gets protocol 2's recipe: cls.__new__(cls), then __setstate__. The
// default of protocols 0 and 1 would build a bare pybind11 base object, which aborts.
py::tuple reduce(const py::object& self) {
  return py::make_tuple(py::module_::import("copyreg").attr("__newobj__"), py::make_tuple(py::type::of(self)),
                        self.attr("__getstate__")());
}

}  // namespace

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
      .def("to_graph", &Lattice::to_graph, "The same model as a Graph.")
      // State = the constructor's arguments. Unpickling runs the constructor (and its checks)
      // on an instance of the pickled class, so SquareLattice comes back as SquareLattice.
      .def(py::pickle([](const Lattice& l) { return py::make_tuple(l.dim, l.L, l.J, l.h); },
                      [](const py::tuple& t) {
                        if (t.size() != 4) throw std::invalid_argument("state: a Lattice pickle holds (dim, L, J, h)");
                        return Lattice(t[0].cast<int>(), t[1].cast<int>(), t[2].cast<double>(), t[3].cast<double>());
                      }))
      .def("__reduce__", &reduce);

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
           }, "spins"_a, "Energy of one configuration of +-1 spins.")
      // State = the constructor's arguments as NumPy arrays (compact, and out-of-band buffers
      // with pickle protocol 5); unpickling rebuilds the adjacency and re-checks the edges.
      .def(py::pickle(
          [](const Graph& g) {
            const auto copy = [](const auto& v) { return py::array(static_cast<py::ssize_t>(v.size()), v.data()); };
            return py::make_tuple(g.n(), copy(g.edge_i()), copy(g.edge_j()), copy(g.couplings()), copy(g.fields()));
          },
          [](const py::tuple& t) {
            if (t.size() != 5)
              throw std::invalid_argument("state: a Graph pickle holds (n, edge_i, edge_j, couplings, fields)");
            using Ints = py::array_t<int, py::array::c_style | py::array::forcecast>;
            using Reals = py::array_t<double, py::array::c_style | py::array::forcecast>;
            const auto ints = [](const Ints& a) { return std::vector<int>(a.data(), a.data() + a.size()); };
            const auto reals = [](const Reals& a) { return std::vector<double>(a.data(), a.data() + a.size()); };
            return Graph(t[0].cast<int>(), ints(t[1].cast<Ints>()), ints(t[2].cast<Ints>()), reals(t[3].cast<Reals>()),
                         reals(t[4].cast<Reals>()));
          }))
      .def("__reduce__", &reduce);

  m.def("sherrington_kirkpatrick", &isingvi::sherrington_kirkpatrick, "N"_a, "seed"_a);
  m.def("edwards_anderson", &isingvi::edwards_anderson, "L"_a, "seed"_a);
  m.def("random_field", &isingvi::random_field, "graph"_a, "sigma"_a, "seed"_a);
  m.def("random_regular", &isingvi::random_regular, "N"_a, "k"_a, "seed"_a, "J"_a = 1.0);
  m.def("random_tree", &isingvi::random_tree, "N"_a, "seed"_a, "J"_a = 1.0);
}
