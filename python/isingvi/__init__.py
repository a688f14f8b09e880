"""isingvi: statistical mechanics and variational inference, one mathematics.

Conventions (tested):

- Spins s_i in {-1, +1}; energy E(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i, so J > 0 is
  ferromagnetic and h > 0 favours s = +1; k_B = 1, beta = 1/T. (The lecture notes this project
  grew from write E = sum h s + sum J s s: their J and h are minus ours.)
- Square lattice: L x L, periodic, each nearest-neighbour bond once (2N bonds); cubic: 3N bonds.
- Per-spin quantities: ln_z = ln Z / N, f = -T ln_z, u = <E>/N, c = beta^2 (<E^2> - <E>^2)/N,
  m = <|M|>/N, chi = beta N (<m^2> - <|m|>^2), U4 = 1 - <m^4> / (3 <m^2>^2), s = beta (u - f).
  Natural logarithms throughout.

Modules: :mod:`isingvi.models`, :mod:`isingvi.exact`, :mod:`isingvi.mc`,
:mod:`isingvi.analysis`, :mod:`isingvi.sweep`, :mod:`isingvi.results`, :mod:`isingvi.meanfield`,
:mod:`isingvi.bp`, :mod:`isingvi.freeenergy`, :mod:`isingvi.em`, :mod:`isingvi.neural` (needs
the ``neural`` extra: JAX).

Every call checks, before it allocates, that its arrays fit in :func:`memory_limit` (half the
physical memory unless :func:`set_memory_limit` or ``ISINGVI_MEMORY_LIMIT`` says otherwise).
"""

import importlib
from typing import Any

from . import _core, analysis, bp, exact, freeenergy, mc, meanfield, models, neural, results
from ._validate import memory_limit, set_memory_limit
from .models import CubicLattice, Graph, SquareLattice
from .sweep import sweep

__version__: str = _core.__version__


def __getattr__(name: str) -> Any:
    # isingvi.em builds on scikit-learn's base classes, whose import takes seconds: load it on
    # first use, so that `import isingvi` (every workflow job) stays fast
    if name == "em":
        return importlib.import_module(".em", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CubicLattice",
    "Graph",
    "SquareLattice",
    "__version__",
    "analysis",
    "bp",
    "em",
    "exact",
    "freeenergy",
    "mc",
    "meanfield",
    "memory_limit",
    "models",
    "neural",
    "results",
    "set_memory_limit",
    "sweep",
]
