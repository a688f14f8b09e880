"""Mean field as variational inference: naive mean field, TAP, and the infinite-lattice
mean-field and Bethe solutions.

Naive mean field is factorised variational inference: the trial distribution
q(s) = prod_i (1 + m_i s_i)/2 gives the Gibbs-Bogoliubov bound

    F_MF(m) = -sum_{i<j} J_ij m_i m_j - sum_i h_i m_i - T sum_i H2((1 + m_i)/2)  >=  F = -T ln Z

for *every* m in [-1, 1]^N (H2 the binary entropy in nats), with gap T KL(q || p). Its
stationary points satisfy m_i = tanh(beta (h_i + sum_j J_ij m_j)). TAP adds the Onsager
reaction term, m_i = tanh(beta (h_i + sum_j J_ij m_j - beta m_i sum_j J_ij^2 (1 - m_j^2))), with
F_TAP = F_MF - (beta/2) sum_{i<j} J_ij^2 (1 - m_i^2)(1 - m_j^2): a better approximation at high
temperature (its error is of higher order in beta), but not a bound.

Signs as everywhere in isingvi: E(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i, J > 0
ferromagnetic, k_B = 1. Every free energy and energy here is per spin.

Iterations (:func:`solve`):

- ``update="sequential"``: one iteration is a sweep over the sites in index order, each site
  seeing its neighbours' newest values. For naive mean field this is coordinate descent on
  F_MF (each site update minimises F_MF over m_i, damped or not), so F_MF never increases.
- ``update="parallel"``: all sites at once from the previous iterate. Undamped, it can
  oscillate for ever instead of converging: on an antiferromagnet, or any strongly coupled
  model at low T, from a uniform start it flips m -> -m every iteration (a period-2 cycle).
  Damping m <- d m_old + (1 - d) update with d large enough (or the sequential update) cures it.
- TAP iterations may fail to converge (e.g. Sherrington-Kirkpatrick below T ~ 1, where TAP
  has many solutions). Non-convergence within ``max_iter`` is reported as ``converged=False``
  with the last (finite) iterate, never an exception or NaN.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import _core
from ._fixedpoint import check_model_and_temperatures, summary_table
from ._progress import reporter
from ._validate import (
    INT32_MAX,
    MAX_SCALED,
    as_choice,
    as_float,
    as_int,
    as_iteration_settings,
    as_model,
    as_real_array,
    as_seed,
    as_temperatures,
    check_energy_scale,
)

__all__ = ["MeanFieldResult", "critical_temperature", "free_energy", "solve", "uniform"]

METHODS = ("mf", "tap")
UPDATES = ("sequential", "parallel")
INITS = ("up", "down", "random")
UNIFORM_METHODS = ("mf", "bethe")
BRANCHES = ("ordered", "paramagnetic")


@dataclass
class MeanFieldResult:
    """Mean-field or TAP fixed points at a list of temperatures, as :func:`solve` returns them.

    Parameters
    ----------
    T, m, f, u, converged, n_iter, trace, method, update, damping, init, seed, tol, max_iter
        The attributes below (a dataclass: :func:`solve` fills them).

    Attributes
    ----------
    T : ndarray, shape (n_T,)
        Temperatures.
    m : ndarray, shape (n_T, N)
        Magnetisations m_i at the last iteration.
    f : ndarray, shape (n_T,)
        Per-spin free energy of the method at m (F_MF for "mf", F_TAP for "tap").
    u : ndarray, shape (n_T,)
        Per-spin energy d(beta f)/d beta at fixed m: the mean-field energy
        (-sum J m m - sum h m)/N for "mf", minus beta sum J^2 (1 - m_i^2)(1 - m_j^2)/N for
        "tap".
    converged : ndarray of bool, shape (n_T,)
        Whether the fixed-point residual max_i |update_i - m_i| fell below ``tol``.
    n_iter : ndarray, shape (n_T,)
        Iterations performed (sweeps for the sequential update).
    trace : pandas.DataFrame
        Tidy [T, iteration, f, max_dm], one row per iteration, iteration 0 being the start; f
        is the method's per-spin free energy after the iteration and max_dm the largest change
        of any m_i in it (after damping; NaN at iteration 0). With damping d the residual is
        max_dm / (1 - d).
    method, update, damping, init, seed, tol, max_iter
        The arguments of :func:`solve` (init "given" for an array).

    Examples
    --------
    >>> import isingvi as iv
    >>> res = iv.meanfield.solve(iv.SquareLattice(4), T=[3.0, 5.0])
    >>> res.m.shape, res.converged.tolist()
    ((2, 16), [True, True])
    """

    T: np.ndarray
    m: np.ndarray
    f: np.ndarray
    u: np.ndarray
    converged: np.ndarray
    n_iter: np.ndarray
    trace: pd.DataFrame = field(repr=False)
    method: str = "mf"
    update: str = "sequential"
    damping: float = 0.0
    init: str = "up"
    seed: int = 0
    tol: float = 1e-10
    max_iter: int = 10_000

    def table(self) -> pd.DataFrame:
        """Tidy summary, one row per temperature.

        Returns
        -------
        pandas.DataFrame
            Columns T, beta, method, update, damping, init, f, u (per spin), m (mean of m_i),
            abs_m (mean of |m_i|), converged, n_iter.

        Examples
        --------
        >>> import isingvi as iv
        >>> df = iv.meanfield.solve(iv.SquareLattice(4), T=[3.0, 5.0]).table()
        >>> df.f.round(6).tolist(), df.abs_m.round(6).tolist()
        ([-2.256382, -3.465736], [0.775516, 0.0])
        """
        return summary_table(self, ("method", "update", "damping", "init"))


def _magnetisations(m, n: int, name: str) -> np.ndarray:
    arr = as_real_array(m, name)
    if arr.ndim not in (1, 2) or arr.shape[-1] != n:
        raise ValueError(
            f"{name}: needs one magnetisation per spin, shape ({n},) or (k, {n}); got shape {arr.shape}"
        )
    bad = ~((arr >= -1.0) & (arr <= 1.0))  # NaN fails both comparisons
    if bad.any():
        k = int(np.argmax(bad.ravel()))
        raise ValueError(
            f"{name}: every m_i must be finite and lie in [-1, 1], got {arr.ravel()[k]!r} at flat index {k}"
        )
    return np.ascontiguousarray(arr)


def solve(
    model,
    T,
    *,
    method: str = "mf",
    update: str = "sequential",
    damping: float = 0.0,
    init="up",
    seed: int = 0,
    tol: float = 1e-10,
    max_iter: int = 10_000,
    threads: int = 1,
    progress=False,
) -> MeanFieldResult:
    """Iterate the naive mean-field or TAP equations to a fixed point at every temperature.

    Parameters
    ----------
    model : SquareLattice, CubicLattice or Graph
        The model; lattices are solved on their graph.
    T : float or array_like, 1-D
        Temperatures, > 0; each is solved from the same start.
    method : {"mf", "tap"}
        Naive mean field, or TAP (with the Onsager reaction term).
    update : {"sequential", "parallel"}
        "sequential": sweeps in site order (F_MF never increases); "parallel": all sites at
        once (undamped it can oscillate, see the module docstring).
    damping : float in [0, 1), default 0.0
        d in m <- d m_old + (1 - d) update.
    init : {"up", "down", "random"} or array_like, default "up"
        "up" (m_i = +1), "down" (-1), "random" (m_i uniform in [-1, 1) from ``seed``, one
        vector shared by every temperature) or an array of N magnetisations in [-1, 1].
    seed : int, default 0
        Seed of the random start (the project's RNG, stream 0).
    tol : float, default 1e-10
        Converged when max_i |update_i - m_i| < tol (the fixed-point residual).
    max_iter : int, default 10000
        At most this many iterations; not converging is reported, not raised.
    threads : int, default 1
        Temperatures solved in parallel; results do not depend on it.
    progress : False (default), True or callable
        True shows a progress bar on stderr (rate, and ETA where the total is known); a
        callable is called as ``progress(done, total)`` every 50 ms, in iterations summed
        over temperatures (total 0: unknown). Either way Ctrl-C stops the call within a
        second with KeyboardInterrupt.

    Returns
    -------
    MeanFieldResult
        Per-spin f and u, magnetisations, convergence, trace; ``.table()`` gives one tidy row
        per temperature.

    Raises
    ------
    ValueError
        Naming the parameter that is invalid, or ``model`` / ``T`` outside the supported range:
        beta E_max <= 1e305 with E_max = sum |J_ij| + sum |h_i|, T N <= 1e305, and for TAP
        (which squares couplings) E_max <= 1e145, beta E_max^2 <= 1e305 (README, "Supported
        ranges").
    KeyboardInterrupt
        On Ctrl-C, within a second.

    Examples
    --------
    Below T_c^MF = 4 the square lattice orders; above it m = 0:

    >>> import isingvi as iv
    >>> res = iv.meanfield.solve(iv.SquareLattice(4), T=[3.0, 5.0])
    >>> res.m.mean(axis=1).round(6).tolist()
    [0.775516, 0.0]
    >>> res.f.round(6).tolist()
    [-2.256382, -3.465736]
    """
    model = as_model(model)
    temps = as_temperatures(T)
    method = as_choice(method, "method", METHODS)
    check_model_and_temperatures(model, temps, squares=method == "tap")
    update = as_choice(update, "update", UPDATES)
    damping, tol, max_iter = as_iteration_settings(damping, tol, max_iter)
    seed = as_seed(seed)
    threads = as_int(threads, "threads", 1)
    if isinstance(init, str):
        init_name, m0 = as_choice(init, "init", INITS), []
    else:
        arr = _magnetisations(init, int(model.n), "init")
        if arr.ndim != 1:
            raise ValueError(f"init: must have shape ({model.n},), got shape {arr.shape}")
        init_name, m0 = "given", arr.tolist()
    with reporter(progress, "meanfield.solve", "iteration") as report:
        d = _core.mean_field_solve(
            model,
            temps.tolist(),
            method,
            update,
            damping,
            init_name,
            m0,
            seed,
            tol,
            max_iter,
            threads,
            report,
        )
    lengths = d["trace_len"]
    trace = pd.DataFrame(
        {
            "T": np.repeat(temps, lengths),
            "iteration": d["trace_iter"],
            "f": d["trace_f"],
            "max_dm": d["trace_dm"],
        }
    )
    return MeanFieldResult(
        T=temps,
        m=d["m"],
        f=d["f"],
        u=d["u"],
        converged=d["converged"].astype(bool),
        n_iter=d["n_iter"],
        trace=trace,
        method=method,
        update=update,
        damping=damping,
        init=init_name,
        seed=seed,
        tol=tol,
        max_iter=max_iter,
    )


def free_energy(model, T, m, *, method: str = "mf") -> float | np.ndarray:
    """Per-spin variational free energy at magnetisations ``m``.

    ``method="mf"``: F_MF(m)/N, an upper bound on the exact f = -T ln Z / N for every m in
    [-1, 1]^N (exact at the corners m = +-1: H2 = 0 there). ``method="tap"``: F_TAP(m)/N.

    Parameters
    ----------
    model : SquareLattice, CubicLattice or Graph
        The model.
    T : float
        One temperature, > 0.
    m : array_like, shape (N,) or (k, N)
        Magnetisations in [-1, 1].
    method : {"mf", "tap"}
        The free energy: F_MF or F_TAP.

    Returns
    -------
    float or ndarray
        A float for m of shape (N,), an array of k free energies for (k, N).

    Raises
    ------
    ValueError
        Naming ``model``, ``T``, ``m`` (wrong shape, outside [-1, 1]) or ``method``.

    Examples
    --------
    The bound holds at every m; the exact f of the 4 x 4 lattice at T = 2 is -2.138171:

    >>> import numpy as np
    >>> import isingvi as iv
    >>> model = iv.SquareLattice(4)
    >>> iv.meanfield.free_energy(model, 2.0, np.ones(16))
    -2.0
    >>> iv.meanfield.free_energy(model, 2.0, np.zeros((2, 16))).round(6).tolist()
    [-1.386294, -1.386294]
    """
    model = as_model(model)
    temps = as_temperatures(T)
    if temps.size != 1:
        raise ValueError(f"T: must be a single temperature, got {temps.size}")
    method = as_choice(method, "method", METHODS)
    check_model_and_temperatures(model, temps, squares=method == "tap")
    graph = model.to_graph() if isinstance(model, _core.Lattice) else model
    arr = _magnetisations(m, int(graph.n), "m")
    f = _core.mean_field_free_energy(graph, float(temps[0]), arr, method)
    return float(f[0]) if arr.ndim == 1 else f


def _coordination(z, dim) -> int:
    if dim is not None:
        dim = as_int(dim, "dim", 1, INT32_MAX // 2)  # z = 2 dim is a 32-bit int in the core
        if z is not None and as_int(z, "z", 1) != 2 * dim:
            raise ValueError(
                f"z: conflicts with dim = {dim} (a hypercubic lattice has z = 2 dim), got {z}"
            )
        return 2 * dim
    return 4 if z is None else as_int(z, "z", 1)


def uniform(
    T,
    *,
    z: int | None = None,
    dim: int | None = None,
    J: float = 1.0,
    h: float = 0.0,
    method: str = "mf",
    branch: str = "ordered",
) -> pd.DataFrame:
    """Uniform mean-field or Bethe solution of the infinite lattice (per spin).

    Parameters
    ----------
    T : float or array_like, 1-D
        Temperatures, > 0.
    z : int, optional
        Coordination number (default 4, the square lattice; 6 is cubic); give z or dim.
    dim : int, optional
        Hypercubic dimension, z = 2 dim.
    J : float, default 1.0
        Coupling, > 0 (ferromagnet).
    h : float, default 0.0
        Uniform field.
    method : {"mf", "bethe"}
        "mf": m = tanh(beta (z J m + h)), f = -(z/2) J m^2 - h m - T H2((1 + m)/2),
        u = -(z/2) J m^2 - h m; T_c = z J.
        "bethe" (Bethe-Peierls): the cavity field H = h + (z - 1) atanh(tanh(beta J) tanh(beta H))/beta
        from z - 1 incoming messages, m = tanh(beta h + z atanh(tanh(beta J) tanh(beta H))),
        -beta f = ln Z_site - (z/2) ln Z_bond, u = -(z/2) J <s s'> - h m; exact on the infinite
        z-regular tree (and for the chain, z = 2); T_c = 2 J / ln(z / (z - 2)) (0 for z <= 2).
    branch : {"ordered", "paramagnetic"}
        "ordered": the largest solution for h >= 0 (the smallest for h < 0), i.e. m > 0 at
        h = 0 below T_c and m = 0 above; "paramagnetic": m = 0, only at h = 0.

    Returns
    -------
    pandas.DataFrame
        One row per T: T, beta, method, branch, m, f, u (per spin).

    Raises
    ------
    ValueError
        Naming ``T``, ``z`` / ``dim`` (both given, or invalid), ``J`` (<= 0), ``h``, ``method``
        or ``branch`` ("paramagnetic" needs h = 0).

    Notes
    -----
    The scalar fixed points are solved by bisection to the last bit, with the small-field
    cancellations near T_c removed analytically. Mean field: m to ~1e-15 relative, also next to
    T_c. Bethe: m is the exact m of a temperature within an ulp or so of T; near T_c, where
    m ~ (T_c - T)^(1/2) magnifies the rounding of beta J, that is a relative error
    ~1e-16 T / (T_c - T) (no double-precision evaluation from T can do better); ~1e-15
    elsewhere.

    Examples
    --------
    >>> import isingvi as iv
    >>> df = iv.meanfield.uniform([2.0, 3.0, 5.0])
    >>> df.columns.tolist()
    ['T', 'beta', 'method', 'branch', 'm', 'f', 'u']
    >>> df.m.round(6).tolist()
    [0.957504, 0.775516, 0.0]
    >>> iv.meanfield.uniform([2.0, 3.0], method="bethe").m.round(6).tolist()
    [0.928584, 0.0]
    """
    temps = as_temperatures(T)
    zz = _coordination(z, dim)
    J = as_float(J, "J")
    if J <= 0:
        raise ValueError(
            f"J: the uniform solutions are implemented for ferromagnets J > 0, got {J}"
        )
    h = as_float(h, "h")
    method = as_choice(method, "method", UNIFORM_METHODS)
    branch = as_choice(branch, "branch", BRANCHES)
    # per spin: z/2 bonds of energy J and the field (an infinite lattice: one spin's share)
    check_energy_scale(zz / 2 * J, 1, temps, name="J", entropy=True)
    check_energy_scale(zz / 2 * J + abs(h), 1, temps, name="h")
    d = _core.uniform_lattice(temps.tolist(), zz, J, h, method, branch)
    return pd.DataFrame(
        {
            "T": d["T"],
            "beta": d["beta"],
            "method": method,
            "branch": branch,
            "m": d["m"],
            "f": d["f"],
            "u": d["u"],
        }
    )


def critical_temperature(
    z: int | None = None, *, dim: int | None = None, J: float = 1.0, method: str = "mf"
) -> float:
    """T_c of the uniform solution at h = 0.

    z J (mean field) or 2 J / ln(z / (z - 2)) (Bethe; 0 for z <= 2). Square lattice (z = 4):
    4 and 2 / ln 2; cubic (z = 6): 6 and 2 / ln(3/2).

    Parameters
    ----------
    z : int, optional
        Coordination number (default 4); give z or dim.
    dim : int, optional
        Hypercubic dimension, z = 2 dim.
    J : float, default 1.0
        Coupling, > 0.
    method : {"mf", "bethe"}
        Mean field or Bethe.

    Returns
    -------
    float
        The critical temperature.

    Raises
    ------
    ValueError
        Naming ``z`` / ``dim``, ``J`` (<= 0, or z J > 1e305) or ``method``.

    Examples
    --------
    >>> import isingvi as iv
    >>> iv.meanfield.critical_temperature(4)
    4.0
    >>> round(iv.meanfield.critical_temperature(dim=3, method="bethe"), 6)
    4.932607
    """
    zz = _coordination(z, dim)
    J = as_float(J, "J")
    if J <= 0:
        raise ValueError(f"J: must be > 0 (a ferromagnet), got {J}")
    method = as_choice(method, "method", UNIFORM_METHODS)
    if zz * J > MAX_SCALED:  # T_c <= z J
        raise ValueError(f"J: too large for z = {zz}: z J = {zz * J:.3g} exceeds {MAX_SCALED:.0e}")
    return float(_core.uniform_critical_temperature(zz, J, method))
