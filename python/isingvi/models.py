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
        """The same model as a general graph.

        Returns
        -------
        Graph
            The lattice's N spins (site index x + L y (+ L^2 z)), its nearest-neighbour bonds
            with coupling J and its uniform field h. For L = 2 the two bonds between a pair of
            neighbours merge into one edge of coupling 2J.

        Raises
        ------
        ValueError
            If the graph would not fit in :func:`isingvi.memory_limit` (naming ``self``).

        Examples
        --------
        >>> import isingvi as iv
        >>> g = iv.SquareLattice(4).to_graph()
        >>> g.n, g.n_edges
        (16, 32)
        >>> iv.SquareLattice(2).to_graph().couplings.tolist()
        [2.0, 2.0, 2.0, 2.0]
        """
        as_model(self, "self")
        _check_graph_memory(self.n, self.dim * self.n, "self")
        return super().to_graph()


class SquareLattice(_Lattice):
    """Periodic L x L square lattice with uniform coupling J and field h (2N bonds).

    Site index x + L y; each nearest-neighbour bond is counted once, so
    E(s) = -J sum_<ij> s_i s_j - h sum_i s_i has 2N bonds.

    Parameters
    ----------
    L : int
        Linear size, >= 2. Checkerboard samplers need an even L.
    J : float, default 1.0
        Nearest-neighbour coupling (J > 0: ferromagnet).
    h : float, default 0.0
        Uniform external field (h > 0 favours s = +1).

    Attributes
    ----------
    L : int
        Linear size.
    J : float
        Coupling.
    h : float
        Field.
    dim : int
        Dimension, 2.
    n : int
        Number of spins N = L^2.

    Raises
    ------
    ValueError
        Naming ``L`` (not an integer >= 2), ``J`` or ``h`` (not finite, or the energy bound
        2 N |J| + N |h|, the largest |E| of any configuration, exceeds 1e305; see README,
        "Supported ranges").

    See Also
    --------
    CubicLattice, Graph

    Examples
    --------
    >>> import isingvi as iv
    >>> model = iv.SquareLattice(4, J=1.0)
    >>> model
    SquareLattice(L=4, J=1.0, h=0.0)
    >>> model.n
    16
    """

    def __init__(self, L: int, J: float = 1.0, h: float = 0.0) -> None:
        super().__init__(2, *_lattice_args(2, L, J, h))

    def __repr__(self) -> str:
        if not _core.is_constructed(self):  # its fields were never set
            return "SquareLattice(<never constructed>)"
        return f"SquareLattice(L={self.L}, J={self.J}, h={self.h})"


class CubicLattice(_Lattice):
    """Periodic L x L x L cubic lattice with uniform coupling J and field h (3N bonds).

    Site index x + L y + L^2 z; each nearest-neighbour bond is counted once (3N bonds).

    Parameters
    ----------
    L : int
        Linear size, >= 2. Checkerboard samplers need an even L.
    J : float, default 1.0
        Nearest-neighbour coupling (J > 0: ferromagnet).
    h : float, default 0.0
        Uniform external field (h > 0 favours s = +1).

    Attributes
    ----------
    L : int
        Linear size.
    J : float
        Coupling.
    h : float
        Field.
    dim : int
        Dimension, 3.
    n : int
        Number of spins N = L^3.

    Raises
    ------
    ValueError
        Naming ``L``, ``J`` or ``h``, as for :class:`SquareLattice` (energy bound
        3 N |J| + N |h| <= 1e305).

    See Also
    --------
    SquareLattice, Graph

    Examples
    --------
    >>> import isingvi as iv
    >>> model = iv.CubicLattice(3, J=0.5)
    >>> model
    CubicLattice(L=3, J=0.5, h=0.0)
    >>> model.n
    27
    """

    def __init__(self, L: int, J: float = 1.0, h: float = 0.0) -> None:
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
    """Ising model on a general graph: E(s) = -sum_edges J_ij s_i s_j - sum_i h_i s_i.

    Parameters
    ----------
    n : int
        Number of spins, >= 1.
    edges : array_like, shape (m, 2)
        Integer spin indices (i, j), 0 <= i, j < n, i != j, each pair at most once.
    couplings : array_like, shape (m,) or scalar
        J_ij for each edge (a scalar applies to every edge).
    fields : array_like, shape (n,) or scalar, optional
        h_i (default 0).

    Attributes
    ----------
    n : int
        Number of spins.
    n_edges : int
        Number of edges m.
    edges : ndarray, shape (m, 2)
        Edge list (i, j).
    edge_i, edge_j : ndarray of int32, shape (m,)
        The two columns of ``edges``.
    couplings : ndarray, shape (m,)
        J_ij per edge.
    fields : ndarray, shape (n,)
        h_i per spin.

    Raises
    ------
    ValueError
        Naming ``n``, ``edges`` (wrong shape, non-integer or out-of-range indices),
        ``couplings`` or ``fields`` (wrong length, not finite), or the one that breaks the energy
        bound sum |J_ij| + sum |h_i| <= 1e305 (the largest |E| of any configuration; README,
        "Supported ranges"), or whose size would not fit in :func:`isingvi.memory_limit`.

    See Also
    --------
    as_graph : any model as a Graph.

    Examples
    --------
    A chain of three spins with a field on the middle one:

    >>> import isingvi as iv
    >>> g = iv.Graph(3, [[0, 1], [1, 2]], couplings=1.0, fields=[0.0, 0.5, 0.0])
    >>> g
    Graph(n=3, n_edges=2)
    >>> g.edges.tolist()
    [[0, 1], [1, 2]]
    >>> g.energy([1, 1, 1])
    -2.5
    """

    def __init__(self, n: int, edges, couplings, fields=None) -> None:
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
        """Energy E(s) of one configuration.

        Parameters
        ----------
        spins : array_like, shape (n,)
            Spins, each +1 or -1.

        Returns
        -------
        float
            E(s) = -sum_edges J_ij s_i s_j - sum_i h_i s_i (total, not per spin).

        Raises
        ------
        ValueError
            Naming ``spins`` if its shape is not (n,) or a value is not +-1.

        Examples
        --------
        >>> import isingvi as iv
        >>> g = iv.Graph(3, [[0, 1], [1, 2]], couplings=1.0, fields=[0.0, 0.5, 0.0])
        >>> g.energy([1, -1, 1])
        2.5
        """
        as_model(self, "self")
        arr = as_real_array(spins, "spins")
        if arr.shape != (self.n,) or not np.all(np.abs(arr) == 1):
            raise ValueError(f"spins: must be {self.n} values +-1, got shape {arr.shape}")
        return super().energy(arr)

    @property
    def edges(self) -> np.ndarray:
        """Edge list (i, j), shape (m, 2)."""
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
    """The model as a :class:`Graph`.

    Parameters
    ----------
    model : SquareLattice, CubicLattice or Graph
        The model; a lattice is expanded into its bond list (as
        :meth:`SquareLattice.to_graph`).

    Returns
    -------
    Graph
        ``model`` itself if it is a :class:`Graph`, else a new Graph of the same model.

    Raises
    ------
    ValueError
        Naming ``model`` if it is not a model, breaks the energy bound or would not fit in
        :func:`isingvi.memory_limit`.

    Examples
    --------
    >>> import isingvi as iv
    >>> iv.models.as_graph(iv.SquareLattice(4))
    Graph(n=16, n_edges=32)
    """
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
    """Sherrington-Kirkpatrick spin glass: all pairs coupled, J_ij ~ N(0, 1/N), no fields.

    Parameters
    ----------
    N : int
        Number of spins, >= 2.
    seed : int
        Seed of the couplings, in [0, 2^64); the same seed gives the same instance.

    Returns
    -------
    Graph
        N spins, N (N - 1) / 2 edges.

    Raises
    ------
    ValueError
        Naming ``N`` (< 2, or too large for :func:`isingvi.memory_limit`) or ``seed``.

    Examples
    --------
    >>> import isingvi as iv
    >>> iv.models.sk(10, seed=1)
    Graph(n=10, n_edges=45)
    """
    N, seed = as_int(N, "N", minimum=2), as_seed(seed)
    _check_graph_memory(N, N * (N - 1) / 2, "N")
    return as_graph(_core.sherrington_kirkpatrick(N, seed))


def edwards_anderson(L: int, seed: int) -> Graph:
    """Edwards-Anderson +-J spin glass on the periodic L x L square lattice.

    Parameters
    ----------
    L : int
        Linear size, >= 3 (so that no pair of sites shares two bonds).
    seed : int
        Seed of the couplings J_ij = +-1 (equally likely), in [0, 2^64).

    Returns
    -------
    Graph
        L^2 spins, 2 L^2 edges, no fields.

    Raises
    ------
    ValueError
        Naming ``L`` or ``seed``.

    Examples
    --------
    >>> import isingvi as iv
    >>> g = iv.models.edwards_anderson(4, seed=0)
    >>> g
    Graph(n=16, n_edges=32)
    >>> sorted(set(g.couplings.tolist()))
    [-1.0, 1.0]
    """
    L, seed = as_int(L, "L", minimum=3), as_seed(seed)
    _check_graph_memory(L * L, 2 * L * L, "L")
    return as_graph(_core.edwards_anderson(L, seed))


def random_field(model, sigma: float, seed: int) -> Graph:
    """Random-field Ising model: the model's couplings, fields h_i + sigma xi_i, xi_i ~ N(0, 1).

    Parameters
    ----------
    model : SquareLattice, CubicLattice or Graph
        The model whose couplings and fields h_i are kept.
    sigma : float
        Standard deviation of the added random fields, >= 0.
    seed : int
        Seed of the fields, in [0, 2^64).

    Returns
    -------
    Graph
        The same edges and couplings, fields h_i + sigma xi_i.

    Raises
    ------
    ValueError
        Naming ``model``, ``sigma`` (negative, not finite, or so large that the energy bound
        would break) or ``seed``.

    Examples
    --------
    >>> import isingvi as iv
    >>> g = iv.models.random_field(iv.SquareLattice(4), sigma=0.5, seed=0)
    >>> g
    Graph(n=16, n_edges=32)
    >>> bool(g.fields.std() > 0)
    True
    """
    sigma = as_float(sigma, "sigma")
    if sigma < 0:
        raise ValueError(f"sigma: must be >= 0, got {sigma}")
    base, seed = as_graph(model), as_seed(seed)
    # h_i + sigma xi_i may overflow, or break the energy bound, for a huge sigma: blame sigma.
    sigma_bound = sigma * 13.0 * base.n  # the core's polar-method normals have |xi| < 12.1
    check_energy_bound(energy_bound(base) + sigma_bound, "sigma")
    return as_graph(_core.random_field(base, sigma, seed))


def random_regular(N: int, k: int, seed: int, J: float = 1.0) -> Graph:
    """Random simple k-regular graph on N spins with uniform coupling J.

    Parameters
    ----------
    N : int
        Number of spins, >= 2.
    k : int
        Degree of every spin, 1 <= k < N, with N k even.
    seed : int
        Seed of the graph, in [0, 2^64).
    J : float, default 1.0
        Coupling of every edge (J > 0: ferromagnet).

    Returns
    -------
    Graph
        N spins, N k / 2 edges, no fields.

    Raises
    ------
    ValueError
        Naming ``N``, ``k`` (no such graph), ``seed`` or ``J``.

    Examples
    --------
    >>> import numpy as np
    >>> import isingvi as iv
    >>> g = iv.models.random_regular(10, 3, seed=0)
    >>> g
    Graph(n=10, n_edges=15)
    >>> np.bincount(g.edges.ravel()).tolist()
    [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]
    """
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
    """Random recursive tree on N spins with uniform coupling J: a loop-free graph.

    Parameters
    ----------
    N : int
        Number of spins, >= 2.
    seed : int
        Seed of the tree, in [0, 2^64).
    J : float, default 1.0
        Coupling of every edge.

    Returns
    -------
    Graph
        N spins, N - 1 edges, no fields (belief propagation is exact on it).

    Raises
    ------
    ValueError
        Naming ``N``, ``seed`` or ``J``.

    Examples
    --------
    >>> import isingvi as iv
    >>> iv.models.random_tree(8, seed=0)
    Graph(n=8, n_edges=7)
    """
    N, seed, J = as_int(N, "N", minimum=2), as_seed(seed), as_float(J, "J")
    _check_graph_memory(N, N - 1, "N")
    check_energy_bound((N - 1) * abs(J), "J")
    return as_graph(_core.random_tree(N, seed, J))
