"""Ising models: periodic lattices, general graphs and random-instance generators.

Energy E(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i with s_i in {-1, +1}; J > 0 is
ferromagnetic. Every generator draws its disorder from an explicit ``seed``: the same
arguments always give the same instance.
"""
from __future__ import annotations

import numpy as np

from . import _core
from ._validate import as_float, as_int, as_seed

__all__ = [
    "SquareLattice",
    "CubicLattice",
    "Graph",
    "as_graph",
    "sk",
    "edwards_anderson",
    "random_field",
    "random_regular",
    "random_tree",
]


class SquareLattice(_core.Lattice):
    """Periodic L x L square lattice with uniform coupling J and field h (2N bonds).

    Parameters
    ----------
    L : int
        Linear size, >= 2. Checkerboard samplers need an even L.
    J : float
        Nearest-neighbour coupling (J > 0: ferromagnet).
    h : float
        Uniform external field.
    """

    def __init__(self, L: int, J: float = 1.0, h: float = 0.0):
        super().__init__(2, as_int(L, "L", minimum=2), as_float(J, "J"), as_float(h, "h"))

    def __repr__(self) -> str:
        return f"SquareLattice(L={self.L}, J={self.J}, h={self.h})"


class CubicLattice(_core.Lattice):
    """Periodic L x L x L cubic lattice with uniform coupling J and field h (3N bonds).

    Parameters are as for :class:`SquareLattice`.
    """

    def __init__(self, L: int, J: float = 1.0, h: float = 0.0):
        super().__init__(3, as_int(L, "L", minimum=2), as_float(J, "J"), as_float(h, "h"))

    def __repr__(self) -> str:
        return f"CubicLattice(L={self.L}, J={self.J}, h={self.h})"


class Graph(_core.Graph):
    """Ising model on a general graph.

    Parameters
    ----------
    n : int
        Number of spins.
    edges : array_like, shape (m, 2)
        Integer spin indices (i, j), 0 <= i, j < n, i != j, each pair at most once.
    couplings : array_like, shape (m,) or scalar
        J_ij for each edge (a scalar applies to every edge).
    fields : array_like, shape (n,) or scalar, optional
        h_i (default 0).
    """

    def __init__(self, n: int, edges, couplings, fields=None):
        n = as_int(n, "n", minimum=1)
        e = np.asarray(edges)
        if e.size == 0:
            e = e.reshape(0, 2)
        if e.ndim != 2 or e.shape[1] != 2:
            raise ValueError(f"edges: must have shape (m, 2), got shape {e.shape}")
        if not (np.issubdtype(e.dtype, np.integer) or (np.issubdtype(e.dtype, np.floating) and np.all(e == np.round(e)))):
            raise ValueError(f"edges: must hold integer spin indices, got dtype {e.dtype}")
        e = e.astype(np.int64)
        if e.size and (e.min() < 0 or e.max() >= n):
            raise ValueError(f"edges: spin index out of range [0, {n})")
        J = _per_item(couplings, len(e), "couplings", "edge")
        h = np.zeros(n) if fields is None else _per_item(fields, n, "fields", "spin")
        super().__init__(n, e[:, 0].tolist(), e[:, 1].tolist(), J.tolist(), h.tolist())

    @property
    def edges(self) -> np.ndarray:
        """Edge list, shape (m, 2)."""
        return np.column_stack([self.edge_i, self.edge_j]).reshape(-1, 2)

    def __repr__(self) -> str:
        return f"Graph(n={self.n}, n_edges={self.n_edges})"


def _per_item(values, count: int, name: str, item: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: must be numbers, got {values!r}") from None
    if arr.ndim == 0:
        arr = np.full(count, float(arr))
    if arr.shape != (count,):
        raise ValueError(f"{name}: needs one value per {item}: shape ({count},), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: must be finite")
    return arr


def as_graph(model) -> Graph:
    """The model as a :class:`Graph` (lattices are expanded; graphs are returned as they are)."""
    if isinstance(model, Graph):
        return model
    if isinstance(model, (_core.Lattice, _core.Graph)):
        g = model.to_graph() if isinstance(model, _core.Lattice) else model
        return Graph(g.n, np.column_stack([g.edge_i, g.edge_j]), g.couplings, g.fields)
    raise ValueError(f"model: must be a SquareLattice, CubicLattice or Graph, got {type(model).__name__}")


def sk(N: int, seed: int) -> Graph:
    """Sherrington-Kirkpatrick model: all pairs, J_ij ~ N(0, 1/N), no fields."""
    return as_graph(_core.sherrington_kirkpatrick(as_int(N, "N", minimum=2), as_seed(seed)))


def edwards_anderson(L: int, seed: int) -> Graph:
    """Edwards-Anderson +-J spin glass on the periodic L x L square lattice (L >= 3)."""
    return as_graph(_core.edwards_anderson(as_int(L, "L", minimum=3), as_seed(seed)))


def random_field(model, sigma: float, seed: int) -> Graph:
    """Random-field Ising model: the model's couplings, fields h_i + sigma * xi_i, xi_i ~ N(0, 1)."""
    sigma = as_float(sigma, "sigma")
    if sigma < 0:
        raise ValueError(f"sigma: must be >= 0, got {sigma}")
    return as_graph(_core.random_field(as_graph(model), sigma, as_seed(seed)))


def random_regular(N: int, k: int, seed: int, J: float = 1.0) -> Graph:
    """Random simple k-regular graph on N spins with uniform coupling J (ferromagnet for J > 0)."""
    return as_graph(_core.random_regular(as_int(N, "N", minimum=2), as_int(k, "k", minimum=1), as_seed(seed), as_float(J, "J")))


def random_tree(N: int, seed: int, J: float = 1.0) -> Graph:
    """Random recursive tree on N spins with uniform coupling J: a loop-free graph."""
    return as_graph(_core.random_tree(as_int(N, "N", minimum=2), as_seed(seed), as_float(J, "J")))
