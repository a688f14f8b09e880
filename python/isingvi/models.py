"""Ising models: periodic lattices, general graphs and random-instance generators.

Energy E(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i with s_i in {-1, +1}; J > 0 is
ferromagnetic. Every generator draws its disorder from an explicit ``seed``: the same
arguments always give the same instance.
"""

from __future__ import annotations

import numpy as np

from . import _core
from ._validate import (
    as_float,
    as_int,
    as_model,
    as_real_array,
    as_seed,
    check_energy_bound,
    check_memory,
    energy_bound,
)

__all__ = [
    "CubicLattice",
    "Graph",
    "SquareLattice",
    "as_graph",
    "edwards_anderson",
    "random_field",
    "random_regular",
    "random_tree",
    "sk",
]


class _Lattice(_core.Lattice):
    """What the square and cubic lattices share."""

    def to_graph(self) -> _core.Graph:
        """The same model as a Graph; for L = 2 the two bonds of a pair merge into one of 2J."""
        as_model(self, "self")
        _check_graph_memory(self.n, self.dim * self.n, "self")
        return super().to_graph()


class SquareLattice(_Lattice):
    """Periodic L x L square lattice with uniform coupling J and field h (2N bonds).

    Parameters
    ----------
    L : int
        Linear size, >= 2. Checkerboard samplers need an even L.
    J : float
        Nearest-neighbour coupling (J > 0: ferromagnet).
    h : float
        Uniform external field.

    The energy bound 2 N |J| + N |h| (the largest |E| of any configuration) must be <= 1e305
    (README, "Supported ranges").
    """

    def __init__(self, L: int, J: float = 1.0, h: float = 0.0):
        super().__init__(2, *_lattice_args(2, L, J, h))

    def __repr__(self) -> str:
        if not _core.is_constructed(self):  # its fields were never set
            return "SquareLattice(<never constructed>)"
        return f"SquareLattice(L={self.L}, J={self.J}, h={self.h})"


class CubicLattice(_Lattice):
    """Periodic L x L x L cubic lattice with uniform coupling J and field h (3N bonds).

    Parameters are as for :class:`SquareLattice`.
    """

    def __init__(self, L: int, J: float = 1.0, h: float = 0.0):
        super().__init__(3, *_lattice_args(3, L, J, h))

    def __repr__(self) -> str:
        if not _core.is_constructed(self):
            return "CubicLattice(<never constructed>)"
        return f"CubicLattice(L={self.L}, J={self.J}, h={self.h})"


def _lattice_args(dim: int, L, J, h) -> tuple[int, float, float]:
    """L, J, h checked, with the energy bound dim N |J| + N |h| <= MAX_SCALED (see README,
    "Supported ranges")."""
    L, J, h = as_int(L, "L", minimum=2), as_float(J, "J"), as_float(h, "h")
    n = float(L) ** dim
    check_energy_bound(dim * n * abs(J), "J")
    check_energy_bound(dim * n * abs(J) + n * abs(h), "h")
    return L, J, h


# Rough peak memory of building a Graph from Python (NumPy arrays, the lists handed to the core
# and the core's adjacency), used to refuse sizes that cannot fit before allocating.
_GRAPH_BYTES_PER_SPIN = 64
_GRAPH_BYTES_PER_EDGE = 200


def _check_graph_memory(n_spins: float, n_edges: float, name: str) -> None:
    check_memory(
        _GRAPH_BYTES_PER_SPIN * n_spins + _GRAPH_BYTES_PER_EDGE * n_edges,
        name,
        f"a graph of {n_spins:.0f} spins and {n_edges:.0f} edges",
    )


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

    The energy bound sum |J_ij| + sum |h_i| (the largest |E| of any configuration) must be
    <= 1e305 (README, "Supported ranges").
    """

    def __init__(self, n: int, edges, couplings, fields=None):
        n = as_int(n, "n", minimum=1)
        try:
            e = np.asarray(edges)
        except (TypeError, ValueError):  # ragged nesting
            raise ValueError("edges: must be an (m, 2) array of spin indices") from None
        if e.size == 0:
            e = e.reshape(0, 2)
        if e.ndim != 2 or e.shape[1] != 2:
            raise ValueError(f"edges: must have shape (m, 2), got shape {e.shape}")
        integral = e.dtype.kind in "iu" or (
            e.dtype.kind == "f" and np.all(np.isfinite(e) & (e == np.round(e)))
        )
        if e.dtype.kind == "b" or not integral:
            raise ValueError(f"edges: must hold integer spin indices, got dtype {e.dtype}")
        if e.size and (e.min() < 0 or e.max() >= n):
            raise ValueError(f"edges: spin index out of range [0, {n})")
        e = e.astype(np.int64)
        _check_graph_memory(n, len(e), "n" if n > len(e) else "edges")
        J = _per_item(couplings, len(e), "couplings", "edge")
        h = np.zeros(n) if fields is None else _per_item(fields, n, "fields", "spin")
        # Every energy must be finite: |E(s)| <= sum |J_ij| + sum |h_i| (README, "Supported ranges").
        with np.errstate(over="ignore"):
            sum_J = check_energy_bound(np.abs(J).sum(), "couplings")
            check_energy_bound(sum_J + np.abs(h).sum(), "fields")
        super().__init__(n, e[:, 0].tolist(), e[:, 1].tolist(), J.tolist(), h.tolist())

    def energy(self, spins) -> float:
        """Energy of one configuration of +-1 spins, shape (n,)."""
        as_model(self, "self")
        arr = as_real_array(spins, "spins")
        if arr.shape != (self.n,) or not np.all(np.abs(arr) == 1):
            raise ValueError(f"spins: must be {self.n} values +-1, got shape {arr.shape}")
        return super().energy(arr)

    @property
    def edges(self) -> np.ndarray:
        """Edge list, shape (m, 2)."""
        as_model(self, "self")
        return np.column_stack([self.edge_i, self.edge_j]).reshape(-1, 2)

    def __repr__(self) -> str:
        if not _core.is_constructed(self):
            return "Graph(<never constructed>)"
        return f"Graph(n={self.n}, n_edges={self.n_edges})"


def _per_item(values, count: int, name: str, item: str) -> np.ndarray:
    arr = as_real_array(values, name)
    if arr.ndim == 0:
        arr = np.full(count, float(arr))
    if arr.shape != (count,):
        raise ValueError(f"{name}: needs one value per {item}: shape ({count},), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: must be finite")
    return arr


def as_graph(model) -> Graph:
    """The model as a :class:`Graph` (lattices are expanded; graphs are returned as they are)."""
    if isinstance(as_model(model), Graph):
        return model
    check_energy_bound(energy_bound(model), "model")  # a core model skipped the constructors' check
    if isinstance(model, _core.Lattice):
        _check_graph_memory(model.n, model.dim * model.n, "model")
        model = model.to_graph()
    return Graph(
        model.n, np.column_stack([model.edge_i, model.edge_j]), model.couplings, model.fields
    )


def sk(N: int, seed: int) -> Graph:
    """Sherrington-Kirkpatrick model: all pairs, J_ij ~ N(0, 1/N), no fields."""
    N, seed = as_int(N, "N", minimum=2), as_seed(seed)
    _check_graph_memory(N, N * (N - 1) / 2, "N")
    return as_graph(_core.sherrington_kirkpatrick(N, seed))


def edwards_anderson(L: int, seed: int) -> Graph:
    """Edwards-Anderson +-J spin glass on the periodic L x L square lattice (L >= 3)."""
    L, seed = as_int(L, "L", minimum=3), as_seed(seed)
    _check_graph_memory(L * L, 2 * L * L, "L")
    return as_graph(_core.edwards_anderson(L, seed))


def random_field(model, sigma: float, seed: int) -> Graph:
    """Random-field Ising model: the model's couplings, fields h_i + sigma * xi_i, xi_i ~ N(0, 1)."""
    sigma = as_float(sigma, "sigma")
    if sigma < 0:
        raise ValueError(f"sigma: must be >= 0, got {sigma}")
    base, seed = as_graph(model), as_seed(seed)
    # h_i + sigma xi_i may overflow, or break the energy bound, for a huge sigma: blame sigma.
    sigma_bound = sigma * 13.0 * base.n  # the core's polar-method normals have |xi| < 12.1
    check_energy_bound(energy_bound(base) + sigma_bound, "sigma")
    return as_graph(_core.random_field(base, sigma, seed))


def random_regular(N: int, k: int, seed: int, J: float = 1.0) -> Graph:
    """Random simple k-regular graph on N spins with uniform coupling J (ferromagnet for J > 0)."""
    N, k, seed, J = (
        as_int(N, "N", minimum=2),
        as_int(k, "k", minimum=1),
        as_seed(seed),
        as_float(J, "J"),
    )
    if k < N:  # else the core names k
        _check_graph_memory(N, N * k / 2, "N")
        check_energy_bound(N * k / 2 * abs(J), "J")
    return as_graph(_core.random_regular(N, k, seed, J))


def random_tree(N: int, seed: int, J: float = 1.0) -> Graph:
    """Random recursive tree on N spins with uniform coupling J: a loop-free graph."""
    N, seed, J = as_int(N, "N", minimum=2), as_seed(seed), as_float(J, "J")
    _check_graph_memory(N, N - 1, "N")
    check_energy_bound((N - 1) * abs(J), "J")
    return as_graph(_core.random_tree(N, seed, J))
