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
    T : float or 1-D array of temperatures (> 0)
    marginals : bool
        Add columns ``marginal_i`` = <s_i> for every spin i.
    correlations : bool
        Add columns ``corr_i_j`` = <s_i s_j> for every edge (i, j) of the graph.
    threads : int
        Threads to share the states; the result does not depend on it.
    progress : False (default), True or callable
        True shows a progress bar on stderr (rate, and ETA where the total is known); a callable
        is called as ``progress(done, total)`` every 50 ms, in states visited (two passes over
        the 2^N states). Either way Ctrl-C stops the call within a second with
        KeyboardInterrupt.

    Returns
    -------
    DataFrame, one row per T: T, beta, ln_z, f, u, c, s, abs_m, m2, m4 (per spin).
    Costs O(2^N (degree + len(T))): about 10 s for N = 30 and one temperature.
    Supported range (it squares energies): E_max = sum |J_ij| + sum |h_i| <= 1e145 and
    beta E_max^2 <= 1e305; else ValueError naming model or T (README, "Supported ranges").
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

    Returns a DataFrame, one row per T: T, beta, ln_z, f, u, c, s (per spin), with u and c
    from exact derivatives of ln Z. Stable for L up to several thousand; T must be <= 1000 J
    (beyond, the formula loses relative accuracy and is refused).
    """
    L = as_int(L, "L", minimum=2)
    J = as_float(J, "J")
    if J <= 0:
        raise ValueError(f"J: Kaufman's solution is implemented for J > 0, got {J}")
    return _frame(_core.kaufman(L, as_temperatures(T).tolist(), J))


def onsager(T, J: float = 1.0) -> pd.DataFrame:
    """Onsager's solution of the infinite square lattice at h = 0 (J > 0).

    Returns a DataFrame, one row per T: T, beta, ln_z, f, u, c, s and m, Yang's spontaneous
    magnetisation (1 - sinh(2J/T)^-4)^(1/8) below T_c, 0 above. c is +inf exactly at T_c.
    Supported range: 2J/T <= 1e305, 2J <= 1e305 and J/T >= 2.2e-308 (else ValueError).
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
