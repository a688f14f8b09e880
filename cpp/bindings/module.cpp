// isingvi._core: thin bindings of the C++ core. Argument errors arrive as ValueError.
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_models(py::module_& m);
void bind_mc(py::module_& m);
void bind_exact(py::module_& m);
void bind_rng(py::module_& m);
void bind_bp(py::module_& m);
void bind_freeenergy(py::module_& m);
void bind_meanfield(py::module_& m);
void bind_em(py::module_& m);
void bind_vecmath(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "Compiled core of isingvi (models, Monte Carlo, exact answers). Use the isingvi package.";
#ifdef ISINGVI_VERSION
  m.attr("__version__") = ISINGVI_VERSION;
#else
  m.attr("__version__") = "unknown";
#endif
  bind_models(m);
  bind_mc(m);
  bind_exact(m);
  bind_rng(m);
  bind_bp(m);
  bind_freeenergy(m);
  bind_meanfield(m);
  bind_em(m);
  bind_vecmath(m);
}
