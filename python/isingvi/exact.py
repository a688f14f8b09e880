"""Exact answers: the ground truth for every test and figure.

All quantities are per spin: ``ln_z`` = ln Z / N, ``f`` = -T ln_z, ``u`` = <E>/N,
``c`` = beta^2 (<E^2> - <E>^2) / N, ``s`` = beta (u - f), ``abs_m`` = <|M|>/N,
``m2`` = <M^2>/N^2, ``m4`` = <M^4>/N^4. Natural logarithms, k_B = 1.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import _core
from ._progress import reporter
from ._validate import (
    as_bool,
    as_float,
    as_int,
    as_model,
    as_temperatures,
    check_energy_scale,
    check_memory,
    energy_bound,
)
from .models import as_graph

__all__ = ["MAX_ENUMERATION_SPINS", "T_C", "enumerate", "kaufman", "onsager"]

#: Critical temperature of the square lattice at J = 1: 2 / ln(1 + sqrt 2).
T_C = 2.0 / math.log1p(math.sqrt(2.0))
#: Exact enumeration visits 2^N states; beyond this it is refused.
MAX_ENUMERATION_SPINS = 30

_COLUMNS = ["T", "beta", "ln_z", "f", "u", "c", "s", "abs_m", "m2", "m4"]


def _frame(d: dict) -> pd.DataFrame:
    return pd.DataFrame({k: d[k] for k in _COLUMNS if k in d})


def enumerate(
    model, T, marginals: bool = False, correlations: bool = False, threads: int = 1, progress=False
) -> pd.DataFrame:
    """Exact thermodynamics by enumerating all 2^N states (Gray-code order), N <= 30.

    Parameters
    ----------
    model : SquareLattice, CubicLattice or Graph
        The model, N <= :data:`MAX_ENUMERATION_SPINS` spins.
    T : float or array_like, 1-D
        Temperatures, > 0.
    marginals : bool, default False
        Add columns ``marginal_i`` = <s_i> for every spin i.
    correlations : bool, default False
        Add columns ``corr_i_j`` = <s_i s_j> for every edge (i, j) of the graph.
    threads : int, default 1
        Threads to share the states; the result does not depend on it.
    progress : False (default), True or callable
        True shows a progress bar on stderr (rate, and ETA where the total is known); a callable
        is called as ``progress(done, total)`` every 50 ms, in states visited (two passes over
        the 2^N states). Either way Ctrl-C stops the call within a second with
        KeyboardInterrupt.

    Returns
    -------
    pandas.DataFrame
        One row per T: T, beta, ln_z, f, u, c, s, abs_m, m2, m4 (per spin, see the module
        docstring), then the ``marginal_i`` and ``corr_i_j`` columns if asked.

    Raises
    ------
    ValueError
        Naming ``model`` (N > 30, or outside the supported range), ``T``, ``threads``,
        ``marginals``, ``correlations`` or ``progress``. Supported range (the method squares
        energies): E_max = sum |J_ij| + sum |h_i| <= 1e145 and beta E_max^2 <= 1e305 (README,
        "Supported ranges").
    KeyboardInterrupt
        On Ctrl-C, within a second.

    Notes
    -----
    Costs O(2^N (degree + len(T))): about 10 s for N = 30 and one temperature.

    Examples
    --------
    >>> import isingvi as iv
    >>> df = iv.exact.enumerate(iv.SquareLattice(2), T=[1.0, 2.0])
    >>> df.columns.tolist()
    ['T', 'beta', 'ln_z', 'f', 'u', 'c', 's', 'abs_m', 'm2', 'm4']
    >>> df.f.round(6).tolist()
    [-2.17379, -2.398857]
    """
    n = as_model(model).n
    if n > MAX_ENUMERATION_SPINS:
        raise ValueError(
            f"model: exact enumeration needs N <= {MAX_ENUMERATION_SPINS} spins, got N = {n}"
        )
    g = as_graph(model)
    temps, threads = as_temperatures(T), as_int(threads, "threads", 1)
    check_energy_scale(energy_bound(g), g.n, temps, squares=True)
    marginals, correlations = as_bool(marginals, "marginals"), as_bool(correlations, "correlations")
    # per temperature: the core's sums for each of up to 64 chunks of states, then the table
    per_T = 64 * (4 + 3 * g.n + 2 * g.n_edges) + 3 * (10 + g.n + g.n_edges)
    check_memory(8.0 * per_T * temps.size, "T", f"enumeration at {temps.size} temperatures")
    with reporter(progress, "exact.enumerate", "state") as report:
        d = _core.enumerate(g, temps.tolist(), marginals, correlations, threads, report)
    df = _frame(d)
    extra = {}
    if marginals:
        for i in range(g.n):
            extra[f"marginal_{i}"] = d["marginals"][:, i]
    if correlations:
        for e, (i, j) in zip(range(g.n_edges), g.edges):
            extra[f"corr_{i}_{j}"] = d["correlations"][:, e]
    return pd.concat([df, pd.DataFrame(extra)], axis=1) if extra else df


def kaufman(L: int, T, J: float = 1.0) -> pd.DataFrame:
    """Kaufman's exact solution of the periodic L x L square lattice at h = 0 (J > 0).

    Parameters
    ----------
    L : int
        Linear size, >= 2. Stable for L up to several thousand.
    T : float or array_like, 1-D
        Temperatures, > 0 and <= 1000 J (beyond, the formula loses relative accuracy and is
        refused).
    J : float, default 1.0
        Coupling, > 0.

    Returns
    -------
    pandas.DataFrame
        One row per T: T, beta, ln_z, f, u, c, s (per spin), with u and c from exact
        derivatives of ln Z.

    Raises
    ------
    ValueError
        Naming ``L``, ``T`` or ``J`` (J <= 0 is not implemented).

    Examples
    --------
    >>> import isingvi as iv
    >>> df = iv.exact.kaufman(4, T=[2.0, 3.0])
    >>> df.columns.tolist()
    ['T', 'beta', 'ln_z', 'f', 'u', 'c', 's']
    >>> df.f.round(6).tolist()
    [-2.138171, -2.490194]
    """
    L = as_int(L, "L", minimum=2)
    J = as_float(J, "J")
    if J <= 0:
        raise ValueError(f"J: Kaufman's solution is implemented for J > 0, got {J}")
    return _frame(_core.kaufman(L, as_temperatures(T).tolist(), J))


def onsager(T, J: float = 1.0) -> pd.DataFrame:
    """Onsager's solution of the infinite square lattice at h = 0 (J > 0).

    Parameters
    ----------
    T : float or array_like, 1-D
        Temperatures, > 0.
    J : float, default 1.0
        Coupling, > 0.

    Returns
    -------
    pandas.DataFrame
        One row per T: T, beta, ln_z, f, u, c, s (per spin) and m, Yang's spontaneous
        magnetisation (1 - sinh(2J/T)^-4)^(1/8) below T_c, 0 above. c is +inf exactly at T_c.

    Raises
    ------
    ValueError
        Naming ``J`` (J <= 0, or 2J > 1e305) or ``T`` (outside 2J/T <= 1e305 and
        J/T >= 2.2e-308).

    Examples
    --------
    >>> import isingvi as iv
    >>> df = iv.exact.onsager([1.0, iv.exact.T_C, 3.0])
    >>> df.m.round(6).tolist()
    [0.999276, 0.0, 0.0]
    >>> df.c.tolist()[1]
    inf
    """
    J = as_float(J, "J")
    if J <= 0:
        raise ValueError(f"J: Onsager's solution is implemented for J > 0, got {J}")
    temps = as_temperatures(T)
    check_energy_scale(2 * J, 1, temps, name="J")  # per spin: two bonds of energy J
    if J / temps.max() < np.finfo(float).tiny:  # the formulas work in K = J/T
        raise ValueError(
            f"T: too large for J = {J!r}: J/T underflows at T = {float(temps.max())!r}"
        )
    df = _frame(_core.onsager(temps.tolist(), J))
    return df.rename(columns={"abs_m": "m"})
