"""Loopy belief propagation and the Bethe free energy.

Messages are cavity fields, one per directed edge: u_{i->j} is the effective field spin i
exerts on spin j with j's other neighbours removed,

    u_{i->j} = atanh(tanh(beta J_ij) tanh(beta c_{i\\j})) / beta,   c_{i\\j} = h_i + sum_{k in di, k != j} u_{k->i},

evaluated in a form that neither overflows nor loses accuracy at large beta |J| or large
cavity fields. Marginals are m_i = tanh(beta H_i), H_i = h_i + sum_k u_{k->i}; edge correlations
<s_i s_j> come from the pair beliefs b_ij ~ exp(beta (J_ij s_i s_j + c_{i\\j} s_i + c_{j\\i} s_j)).
The Bethe free energy is the Bethe functional of the beliefs,

    F = sum_ij <-J_ij s_i s_j>_{b_ij} - sum_i h_i m_i - T [sum_ij S(b_ij) - sum_i (d_i - 1) S(b_i)],

which equals -T ln Z exactly on trees and forests (any fields and couplings) and is an
approximation, not a bound, on graphs with loops. Conventions as in :mod:`isingvi`:
E(s) = -sum J_ij s_i s_j - sum h_i s_i, k_B = 1; f and u are per spin.

On the infinite square lattice at h = 0 the Bethe solution orders below
T_c^Bethe = 2 J / ln(z / (z - 2)) = 2 J / ln 2 with z = 4 (:data:`T_C_SQUARE`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import _core
from ._fixedpoint import check_model_and_temperatures, summary_table
from ._progress import reporter
from ._validate import as_choice, as_int, as_iteration_settings, as_model, as_seed, as_temperatures
from .models import as_graph

__all__ = ["INITS", "SCHEDULES", "T_C_SQUARE", "BPResult", "solve"]

INITS = ("paramagnetic", "up", "down", "random")
SCHEDULES = ("parallel", "sequential", "random")
#: Bethe critical temperature of the square lattice (z = 4) at J = 1: 2 / ln 2.
T_C_SQUARE = 2.0 / math.log(2.0)


@dataclass
class BPResult:
    """Belief propagation at each temperature of a list, as :func:`solve` returns it.

    Parameters
    ----------
    T, m, correlations, f, u, converged, n_iter, trace, edges, damping, init, schedule, seed, tol, max_iter
        The attributes below (a dataclass: :func:`solve` fills them).

    Attributes
    ----------
    T : ndarray, shape (n_T,)
        Temperatures.
    m : ndarray, shape (n_T, N)
        Marginals <s_i> of the beliefs.
    correlations : ndarray, shape (n_T, n_edges)
        <s_i s_j> of the pair beliefs, in the order of ``edges``.
    f : ndarray, shape (n_T,)
        Bethe free energy per spin.
    u : ndarray, shape (n_T,)
        Internal energy per spin of the beliefs, (sum -J_ij <s_i s_j> - sum h_i m_i) / N.
    converged : ndarray of bool, shape (n_T,)
        Whether max |u_new - u_old| < tol * max |J_ij| within max_iter iterations.
    n_iter : ndarray, shape (n_T,)
        Iterations performed.
    trace : pandas.DataFrame
        One row per iteration: T, iteration (from 1), f (Bethe free energy per spin of the
        messages after that iteration), max_du (largest undamped message change).
    edges : ndarray, shape (n_edges, 2)
        The graph's edges (i, j).
    damping, init, schedule, seed, tol, max_iter
        The arguments of :func:`solve`.

    Examples
    --------
    >>> import isingvi as iv
    >>> res = iv.bp.solve(iv.models.random_tree(8, seed=0), T=[1.0, 2.0])
    >>> res.m.shape, res.correlations.shape, res.converged.tolist()
    ((2, 8), (2, 7), [True, True])
    """

    T: np.ndarray
    m: np.ndarray
    correlations: np.ndarray
    f: np.ndarray
    u: np.ndarray
    converged: np.ndarray
    n_iter: np.ndarray
    trace: pd.DataFrame = field(repr=False)
    edges: np.ndarray = field(repr=False)
    damping: float
    init: str
    schedule: str
    seed: int
    tol: float
    max_iter: int

    def table(self) -> pd.DataFrame:
        """Tidy summary, one row per temperature.

        Returns
        -------
        pandas.DataFrame
            Columns T, beta, method ("bethe"), damping, init, schedule, f, u (per spin),
            m (mean of m_i), abs_m (mean of |m_i|), converged, n_iter.

        Examples
        --------
        >>> import isingvi as iv
        >>> df = iv.bp.solve(iv.models.random_tree(8, seed=0), T=[1.0, 2.0]).table()
        >>> df.columns.tolist()[:6]
        ['T', 'beta', 'method', 'damping', 'init', 'schedule']
        """
        return summary_table(self, ("damping", "init", "schedule"), method="bethe")


def solve(
    model,
    T,
    *,
    damping: float = 0.0,
    init: str = "paramagnetic",
    schedule: str = "parallel",
    seed: int = 0,
    tol: float = 1e-12,
    max_iter: int = 10_000,
    threads: int = 1,
    progress=False,
) -> BPResult:
    """Run loopy belief propagation at every temperature of ``T``.

    Each temperature starts afresh from ``init``; the whole list runs in the compiled core with
    the GIL released.

    Parameters
    ----------
    model : SquareLattice, CubicLattice or Graph
        Anything :func:`isingvi.models.as_graph` accepts.
    T : float or array_like, 1-D
        Temperatures, > 0.
    damping : float in [0, 1), default 0.0
        u <- damping * u_old + (1 - damping) * u_new; damping helps on frustrated graphs.
    init : {"paramagnetic", "up", "down", "random"}
        Start messages: "paramagnetic" (all zero), "up" / "down" (u_{i->j} = +J_ij / -J_ij, the message of a
        sender fixed at +1 / -1: reaches the ordered solutions of a ferromagnet below T_c), or
        "random" (uniform in [-|J_ij|, |J_ij|], from ``seed``).
    schedule : {"parallel", "sequential", "random"}
        "parallel" (every message from the previous iteration's), "sequential" (node
        by node in index order, from the current messages) or "random" (sequential in a fresh
        random node order each iteration, from ``seed``).
    seed : int, default 0
        Seeds "random" init and order; each temperature has its own stream, named by its value.
    tol : float, default 1e-12
        Converged when the largest undamped message change max |u_new - u_old| is below
        tol * max |J_ij| (messages are bounded by |J_ij|, so tol is relative to them).
    max_iter : int, default 10000
        At most this many iterations per temperature; if not converged by then the result
        holds the last messages' beliefs with ``converged`` False (no exception).
    threads : int, default 1
        Threads sharing the rows of a SquareLattice or CubicLattice under the parallel schedule
        (the lattice's own vectorised stencil, used wherever beta |J| <= 300); results are
        bit-identical for any value. A Graph, the other schedules and L = 2 run on one thread,
        through the graph's adjacency; the stencil agrees with it to rounding.
    progress : False (default), True or callable
        True shows a progress bar on stderr (rate, and ETA where the total is known); a callable
        is called as ``progress(done, total)`` every 50 ms, in iterations summed over
        temperatures (total 0: unknown). Either way Ctrl-C stops the call within a second with
        KeyboardInterrupt.

    Returns
    -------
    BPResult
        Marginals, correlations, Bethe f and u per temperature; ``.table()`` gives one tidy row
        per temperature.

    Raises
    ------
    ValueError
        Naming the parameter that is invalid, or ``model`` / ``T`` outside the supported range:
        beta E_max <= 1e305 with E_max = sum |J_ij| + sum |h_i|, and T N <= 1e305 (README,
        "Supported ranges").
    KeyboardInterrupt
        On Ctrl-C, within a second.

    Examples
    --------
    On a tree the Bethe free energy is exact:

    >>> import isingvi as iv
    >>> tree = iv.models.random_tree(8, seed=0)
    >>> iv.bp.solve(tree, T=[1.0, 2.0]).f.round(6).tolist()
    [-1.072705, -1.596495]
    >>> iv.exact.enumerate(tree, T=[1.0, 2.0]).f.round(6).tolist()
    [-1.072705, -1.596495]
    """
    # Lattices go to the core as they are and are expanded there, without the GIL.
    core_model = model if isinstance(as_model(model), _core.Lattice) else as_graph(model)
    temps = as_temperatures(T)
    check_model_and_temperatures(core_model, temps)
    damping, tol, max_iter = as_iteration_settings(damping, tol, max_iter)
    init = as_choice(init, "init", INITS)
    schedule = as_choice(schedule, "schedule", SCHEDULES)
    seed = as_seed(seed)
    threads = as_int(threads, "threads", minimum=1)
    with reporter(progress, "bp.solve", "iteration") as report:
        d = _core.belief_propagation(
            core_model,
            temps.tolist(),
            damping,
            init,
            schedule,
            seed,
            tol,
            max_iter,
            threads,
            report,
        )
    trace = pd.DataFrame(
        {
            "T": d["trace_T"],
            "iteration": d["trace_iter"],
            "f": d["trace_f"],
            "max_du": d["trace_max_du"],
        }
    )
    return BPResult(
        T=temps,
        m=d["m"],
        correlations=d["correlations"],
        f=d["f"],
        u=d["u"],
        converged=d["converged"].astype(bool),
        n_iter=d["n_iter"],
        trace=trace,
        edges=np.column_stack([d["edge_i"], d["edge_j"]]),
        damping=damping,
        init=init,
        schedule=schedule,
        seed=seed,
        tol=tol,
        max_iter=max_iter,
    )
