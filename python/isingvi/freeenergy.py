"""Free energies from sampling: annealed importance sampling and thermodynamic integration.

Both start from beta = 0, where every one of the 2^N states has the same weight and
ln Z = N ln 2 exactly, and carry ln Z up to the temperatures asked for. Everything is per
spin: ``ln_z`` = ln Z / N, ``f`` = -T ln_z (the conventions of README), natural logarithms.

- :func:`ais`: annealed importance sampling (Neal 2001), the Jarzynski equality. The weights
  are unbiased for Z, so by Jensen E[ln Z-hat] <= ln Z: AIS errs low, by less the finer the
  schedule. Any model, with fields.
- :func:`thermodynamic_integration`: ln Z(beta) / N = ln 2 - integral_0^beta u(beta') dbeta'
  with u from Monte Carlo on a grid of temperatures (:func:`ti_grid`) and a piecewise-cubic
  quadrature (:func:`ti_integrate`). Any model, with fields; with ``tempering=True`` the grid
  is one parallel-tempering ladder, for models (spin glasses) where single chains get stuck.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from . import _core
from ._progress import reporter
from ._validate import (
    INT64_MAX,
    as_bool,
    as_choice,
    as_int,
    as_model,
    as_real_array,
    as_seed,
    as_temperatures,
    check_energy_scale,
    check_memory,
    energy_bound,
)
from .analysis import _scale, binned_mean
from .mc import ALGORITHMS, KERNELS, SIMD, MCResult, run
from .models import as_graph
from .tempering import TEMPERING_ALGORITHMS, TemperingResult, parallel_tempering

__all__ = [
    "AIS_ALGORITHMS",
    "AISErrorWarning",
    "ais",
    "thermodynamic_integration",
    "ti_grid",
    "ti_integrate",
]

#: Samplers AIS can use between steps: sequential single-spin sweeps.
AIS_ALGORITHMS = ("heatbath", "metropolis")
#: Largest TI grid (the quadrature builds an n_grid x n_grid weight matrix).
MAX_GRID = 4096

_LN2 = math.log(2.0)
# Critical couplings beta_c J of the lattices: Onsager's exact square-lattice value and the
# simple-cubic value of Ferrenberg, Xu and Landau, Phys. Rev. E 97, 043301 (2018).
_BETA_C_J = {2: math.log1p(math.sqrt(2.0)) / 2.0, 3: 0.221654626}
# Extra TI grid density near beta_c: a Lorentzian of height _PEAK (times the uniform density)
# and half width _WIDTH * beta_c (see ti_grid).
_PEAK, _WIDTH = 4.0, 0.18
# One-sided tail of a 2-sigma interval, Phi(-2): the level of ais's ln_z_lo and ln_z_hi.
_TAIL = 0.5 * math.erfc(math.sqrt(2.0))
# Largest relative error ais reports: half the Markov distance ln(1 / _TAIL), so that
# ln_z - 2 ln_z_err never ends above ln_z_lo (see ais, Error bars).
_MAX_REL_ERR = -0.5 * math.log(_TAIL)


class AISErrorWarning(RuntimeWarning):
    """:func:`ais` could not bound ln Z from above at some T: too few effective chains.

    Raised once per call, for the rows whose ``err_reliable`` is False; their ``ln_z_err`` is
    a rough size, ``ln_z_hi`` is +inf and ``ln_z`` is likely low by more than ``ln_z_err``.

    Examples
    --------
    Four chains of ten steps cannot bound ln Z of a 16 x 16 lattice; turn the warning into an
    error to stop on it:

    >>> import warnings
    >>> import isingvi as iv
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", iv.freeenergy.AISErrorWarning)
    ...     iv.freeenergy.ais(iv.SquareLattice(16), 1.5, n_steps=10, n_chains=4)
    Traceback (most recent call last):
    ...
    isingvi.freeenergy.AISErrorWarning: ...
    """


def ais(
    model,
    T,
    *,
    n_steps: int = 1000,
    n_sweeps: int = 1,
    n_chains: int = 64,
    algorithm: str = "heatbath",
    seed: int = 0,
    threads: int = 1,
    log_weights: bool = False,
    progress=False,
    simd: str = "auto",
    kernel: str = "auto",
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Per-spin ln Z and f by annealed importance sampling (Jarzynski), at every T.

    Each of ``n_chains`` independent chains starts from an exact sample of beta = 0 (all
    2^N states equally likely; Z = 2^N for any fields) and walks up a schedule of
    ``n_steps`` inverse temperatures that contains every 1/T: linear in beta, each gap
    between consecutive targets (and from 0 to the first) getting steps in proportion to its
    width, so the largest step is as small as it can be. Before the ``n_sweeps`` sequential
    sweeps at each beta_{k+1}, a chain adds -(beta_{k+1} - beta_k) E(s) to its log-weight;
    then E[w] = Z(beta) / 2^N exactly, and ``ln_z`` = (N ln 2 + ln mean(w)) / N.

    Why linear in beta: for chains near equilibrium the variance of ln w is about
    sum_k (beta_{k+1} - beta_k)^2 Var_k(E), and Var(E) / N = c T^2 changes by less than an
    order of magnitude between beta = 0 and T_c on the lattices, so equal steps are close to
    the best fixed schedule without knowing c in advance. Near T_c the chains lag behind the
    schedule (critical slowing down): more steps, not a different spacing, is the cure.

    Parameters
    ----------
    model : SquareLattice, CubicLattice or Graph
        The model (fields allowed).
    T : float or array_like, 1-D
        Target temperatures (> 0), any order.
    n_steps : int, default 1000
        Length of the beta schedule, >= the number of distinct T.
    n_sweeps : int, default 1
        Sweeps at each step (0: plain importance sampling from the uniform distribution).
    n_chains : int, default 64
        Independent chains, >= 2; chain c draws from the RNG stream (seed, c).
    algorithm : {"heatbath", "metropolis"}
        On lattices of even L the checkerboard sweeps of
        :func:`isingvi.mc.run` (their flip tables rebuilt at each step, E counted exactly from
        the spins); on graphs and odd L sequential sweeps in index order (flip probabilities
        looked up in a table rebuilt at each step where the local fields take few values:
        every |J_ij| equal and few distinct fields; the same numbers as computing them).
    seed : int, default 0
        Master seed.
    threads : int, default 1
        Chains run in parallel; the results are bit-identical for any thread count.
    log_weights : bool, default False
        Also return the per-chain log-weights.
    progress : False (default), True or callable
        True shows a progress bar on stderr (rate, and ETA where the total is known); a callable
        is called as ``progress(done, total)`` every 50 ms, in steps summed over chains. Either
        way Ctrl-C stops the call within a second with KeyboardInterrupt.
    simd, kernel : str
        As for :func:`isingvi.mc.run` (lattices of even L; "auto" takes the multi-spin kernel
        where L % 128 == 0). Results are bit-identical for every simd; the kernels draw
        different numbers, so "plain" and "multispin" chains differ.

    Returns
    -------
    table : pandas.DataFrame
        One row per T (in the order given): T, beta, ln_z, ln_z_err, ln_z_lo, ln_z_hi, f,
        f_err, ess, err_reliable, n_chains, n_steps, n_sweeps, algorithm, seed. ``ess`` =
        (sum w)^2 / sum w^2 is the effective number of chains. The errors (see Notes) are per
        spin; f_err = T ln_z_err.
    weights : pandas.DataFrame
        Only with ``log_weights=True``, which returns the pair (table, weights): columns T,
        beta, chain, log_w (ln w, total, without the N ln 2).

    Raises
    ------
    ValueError
        Naming the parameter that is invalid; ``T`` outside the supported range
        (beta (sum |J_ij| + sum |h_i|) < 1e300), or ``n_chains`` when the chains would not fit
        in :func:`isingvi.memory_limit`.
    KeyboardInterrupt
        On Ctrl-C, within a second.

    Warns
    -----
    AISErrorWarning
        When ln Z cannot be bounded from above at some T (``err_reliable`` False).

    Notes
    -----
    Error bars. Z-hat = mean(w) is a mean of independent chains, so the central limit theorem applies to
    Z-hat itself, not to ln Z-hat, and only once the chains sample the weights' upper tail.
    With few effective chains they often miss it: Z-hat comes out low, and the sample
    variance of w, computed from the same chains, comes out small with it. The delta-method
    error sd(w) / (sqrt(n) mean(w)) then covers ln Z far less often than it should (16 x 16
    torus at T_c, 64 chains, 100 steps, median ess about 5: 56% of seeds within 2 sigma), and
    so does a bootstrap over chains, which cannot see past the largest weight drawn either
    (58%). So the error comes from the shape of the log-weights instead:

    - the relative error e of Z-hat is the larger of the delta-method value and the
      log-normal one, sqrt((exp(s^2) - 1) / n). A log-weight is a sum of many small
      increments, close to Gaussian near equilibrium, and its spread is estimated well even
      from chains that never reached the tail: it says how heavy the tail is. s^2 is the mean
      square distance from the median of the log-weights above the median (sigma^2 for
      Gaussian ones): chains stuck far below, in metastable states, carry no weight and must
      not count. ``ln_z_err`` = e / N, with e capped at ln(1 / Phi(-2)) / 2 = 1.89 (two
      of them reach the Markov bound below, and beyond it the size means nothing more).
    - the interval is built on Z-hat / Z in [1 - 2e, 1 + 2e] and mapped to logarithms:
      ``ln_z_lo`` = ln_z - ln(1 + 2e) / N and ``ln_z_hi`` = ln_z - ln(1 - 2e) / N, longer
      above than below, as the downward (Jensen) bias of ln Z-hat asks.
    - the lower end is never below ln_z - ln(1 / Phi(-2)) / N = ln_z - 3.78 / N: E[Z-hat] = Z
      and Markov's inequality make that a bound at the same level for any weights.

    Where 2e >= 1 the interval for Z-hat / Z reaches 0 and nothing bounds ln Z from above:
    ``ln_z_hi`` is +inf, ``err_reliable`` is False and :class:`AISErrorWarning` is raised.
    In effective chains: fewer than about 4 by the observed weights, or n exp(-s^2) < 4 for
    the log-normal fit. Between 4 and sqrt(n) of them the log-normal error carries the
    interval: below sqrt(n), in theory, the sample variance of log-normal weights no longer
    converges, so the delta method cannot. Measured over 100-400 seeds per setting (8 x 8 and
    16 x 16 tori at T_c, 16 to 256 chains, median ess 4 to 23): the interval covered the exact
    ln Z in 90-99% of seeds, the delta method's 2-sigma range in 52-94%; at ess ~23 (64
    chains) e is 1.3 times the delta-method error. Covered-or-flagged: 94-99%. With 64 or more
    chains the unflagged rows covered in 92-99% where at least 30% of rows were unflagged;
    where the flag is raised on almost every seed, the few unflagged ones are those that
    missed the tail and cover less (40-62%). With 16 chains s^2 is itself too noisy (relative
    error 2 / sqrt(n)): prefer 64 or more. Below T_c on larger lattices the chains fall into
    different domain states and ln w is far from Gaussian: on the 32 x 32 torus with 128
    heat-bath chains, 4000 steps left 8 of 26 temperatures in [1, 5] flagged (ess down to 2),
    20000 steps none (ess >= 30).

    Examples
    --------
    >>> import isingvi as iv
    >>> model = iv.SquareLattice(4)
    >>> df = iv.freeenergy.ais(model, [2.0, 3.0], n_steps=200, seed=1)
    >>> exact = iv.exact.enumerate(model, [2.0, 3.0])
    >>> exact.ln_z.round(4).tolist()
    [1.0691, 0.8301]
    >>> ((df.ln_z - exact.ln_z).abs() < 3 * df.ln_z_err).tolist()
    [True, True]
    """
    as_model(model)
    # lattices of even L run the checkerboard kernels; the others are swept as graphs
    g = model if isinstance(model, _core.Lattice) and model.L % 2 == 0 else as_graph(model)
    temps = as_temperatures(T)
    check_energy_scale(energy_bound(g), g.n, temps)
    n_steps = as_int(n_steps, "n_steps", 1, INT64_MAX)
    n_sweeps = as_int(n_sweeps, "n_sweeps", 0, INT64_MAX)
    n_chains = as_int(n_chains, "n_chains", 2, INT64_MAX)
    log_weights = as_bool(log_weights, "log_weights")
    # each chain's spins and local fields; its log-weight at every T (and their table)
    check_memory(
        n_chains * (9.0 * g.n + 40.0 * temps.size), "n_chains", f"{n_chains} chains of {g.n} spins"
    )
    algorithm = as_choice(algorithm, "algorithm", AIS_ALGORITHMS)
    seed = as_seed(seed)
    threads = as_int(threads, "threads", 1)
    simd = as_choice(simd, "simd", SIMD)
    kernel = as_choice(kernel, "kernel", KERNELS)
    with reporter(progress, "freeenergy.ais", "step") as report:
        d = _core.ais(
            g,
            temps.tolist(),
            n_steps,
            n_sweeps,
            n_chains,
            algorithm,
            seed,
            threads,
            report,
            simd,
            kernel,
        )
    lw = np.asarray(d["log_weights"]).reshape(len(temps), n_chains)
    err, down, up, reliable = _ais_errors(lw, np.asarray(d["ln_z_err"]) * g.n)
    ln_z = np.asarray(d["ln_z"])
    table = pd.DataFrame(
        {
            "T": temps,
            "beta": d["beta"],
            "ln_z": ln_z,
            "ln_z_err": err / g.n,
            "ln_z_lo": ln_z - down / g.n,
            "ln_z_hi": ln_z + up / g.n,
            "f": -temps * ln_z,
            "f_err": temps * err / g.n,
            "ess": d["ess"],
            "err_reliable": reliable,
            "n_chains": n_chains,
            "n_steps": n_steps,
            "n_sweeps": n_sweeps,
            "algorithm": algorithm,
            "seed": seed,
        }
    )
    if not reliable.all():
        bad = ", ".join(f"{t:.6g}" for t in temps[~reliable])
        warnings.warn(
            f"ais: too few effective chains at T = {bad} (ess {np.min(d['ess'][~reliable]):.3g}): "
            "ln Z has no upper bound there (ln_z_hi = inf) and ln_z is likely low by more than ln_z_err; "
            "use more steps or chains",
            AISErrorWarning,
            stacklevel=2,
        )
    if not log_weights:
        return table
    weights = pd.DataFrame(
        {
            "T": np.repeat(temps, n_chains),
            "beta": np.repeat(d["beta"], n_chains),
            "chain": np.tile(np.arange(n_chains), len(temps)),
            "log_w": lw.reshape(-1),
        }
    )
    return table, weights


def _ais_errors(log_w: np.ndarray, delta: np.ndarray):
    """The error bars of ais from its log-weights (n_T, n_chains) and the delta-method relative
    errors of Z-hat: the relative error e of Z-hat, how far ln Z may lie below and above ln Z-hat
    (total, 2-sigma level; +inf above where 2e >= 1), and whether 2e < 1. See ais, Error bars."""
    n = log_w.shape[1]
    # spread of the upper half of ln w about its median: sigma^2 for Gaussian log-weights, and
    # blind to chains stuck far below (which carry no weight, but would inflate the variance)
    above = np.maximum(log_w - np.median(log_w, axis=1, keepdims=True), 0.0)
    with np.errstate(over="ignore", invalid="ignore"):  # huge log-weights: e = inf, capped below
        upper_var = (above**2).sum(axis=1) / np.maximum((above > 0).sum(axis=1), 1)
        lognormal = np.sqrt(np.expm1(upper_var) / n)
    err = np.fmin(np.fmax(delta, lognormal), _MAX_REL_ERR)  # fmax, fmin: a NaN loses to the other
    reliable = 2.0 * err < 1.0
    down = np.minimum(np.log1p(2.0 * err), -math.log(_TAIL))
    up = np.full(err.shape, np.inf)
    up[reliable] = -np.log1p(-2.0 * err[reliable])
    return err, down, up, reliable


def _critical_beta(model) -> float | None:
    """beta_c of a lattice model (where its c peaks), None for a graph or J = 0."""
    if isinstance(model, _core.Lattice) and model.J != 0.0:
        return _BETA_C_J[model.dim] / abs(model.J)
    return None


def ti_grid(model, T, n_grid: int = 48) -> np.ndarray:
    """The default grid of thermodynamic integration: 0, then n_grid inverse temperatures.

    The n_grid values increase up to max(1/T) and contain every 1/T exactly. They are
    spaced evenly in the cumulative of a density in beta: uniform, plus on the square and
    cubic lattices a Lorentzian bump at the critical beta_c (height 4 times the uniform
    density, half width 0.18 beta_c), where c, and hence the curvature of u(beta), is
    largest. Graphs get the uniform density (their c peak is not known in advance). Each
    gap between consecutive 1/T gets its share of the points (at least one), as in the AIS
    schedule.

    Why this grid: with :func:`ti_integrate`, the discretisation error of ln z on the
    16 x 16 lattice, measured by integrating Kaufman's exact u on this grid, is below 2e-6
    for T >= 1 and 3e-7 for T >= 2 (n_grid = 48; 5 to 30 times smaller than on a uniform
    grid of the same size, and as small at L = 32, 64), while the statistical error of ln z
    from 20 000 Metropolis sweeps per temperature is about 1e-4.

    Parameters
    ----------
    model : SquareLattice, CubicLattice or Graph
        The model (used for beta_c only).
    T : float or array_like, 1-D
        Temperatures, > 0.
    n_grid : int, default 48
        Number of grid points with beta > 0, >= max(3, number of distinct T).

    Returns
    -------
    ndarray, shape (n_grid + 1,)
        Increasing betas, starting at 0.

    Raises
    ------
    ValueError
        Naming ``model``, ``T`` or ``n_grid``.

    Examples
    --------
    >>> import isingvi as iv
    >>> grid = iv.freeenergy.ti_grid(iv.SquareLattice(4), [2.0, 3.0], n_grid=8)
    >>> grid.round(4).tolist()
    [0.0, 0.1354, 0.2504, 0.3333, 0.3793, 0.4124, 0.4399, 0.4674, 0.5]
    """
    as_model(model)
    temps = as_temperatures(T)
    pins = np.unique(1.0 / temps)
    n_grid = as_int(n_grid, "n_grid", max(3, pins.size), MAX_GRID)
    beta_c = _critical_beta(model)
    if beta_c is None:
        cumulative = lambda b: b
    else:
        width = _WIDTH * beta_c
        cumulative = lambda b: (
            b + _PEAK * width * (np.arctan((b - beta_c) / width) + np.arctan(beta_c / width))
        )
    # Pin the targets in the warped variable t = cumulative(beta), space evenly there, map back
    # by interpolating a table that holds the targets themselves (so they come back exact).
    table = np.union1d(np.linspace(0.0, pins[-1], 8193), pins)
    t_table = cumulative(table)
    t_pins = cumulative(pins)
    if np.unique(t_pins).size != pins.size:
        raise ValueError("T: two temperatures are too close to tell apart on the grid")
    t_nodes = _core.pinned_schedule(t_pins.tolist(), n_grid)
    nodes = np.interp(t_nodes, t_table, table)
    at = np.searchsorted(t_nodes, t_pins)
    nodes[at] = pins
    if nodes[0] < 1.0 / np.finfo(float).max:  # the grid's temperatures 1/beta must be finite
        raise ValueError(
            f"T: too large for a grid of {n_grid} points: its smallest beta {nodes[0]:.3g} has no finite 1/beta"
        )
    return np.concatenate([[0.0], nodes])


def _interval_weights(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each interval [x_i, x_{i+1}]: the start s_i of a 4-point stencil and the weights
    w_i (4,) with integral ~ sum_j w_ij u[s_i + j], exact for cubics.

    Among the stencils that contain the interval, the one with the smallest sum |w| is used:
    the centred one on an even grid, and one that avoids a much closer pair of nodes elsewhere
    (close nodes would make large weights of opposite sign that amplify the errors of u).
    """
    n = x.size
    gauss = np.array([-1.0, 1.0]) / math.sqrt(3.0)  # 2-point Gauss-Legendre: exact for cubics
    starts = np.empty(n - 1, dtype=np.int64)
    weights = np.empty((n - 1, 4))
    for i in range(n - 1):
        a, b = x[i], x[i + 1]
        points = 0.5 * (a + b) + 0.5 * (b - a) * gauss
        best: tuple[int, np.ndarray] | None = None
        for s in range(max(i - 2, 0), min(i, n - 4) + 1):
            nodes = x[s : s + 4]
            w = np.empty(4)
            for j in range(4):
                basis = np.ones(2)
                for m in range(4):
                    if m != j:
                        basis *= (points - nodes[m]) / (nodes[j] - nodes[m])
                w[j] = 0.5 * (b - a) * basis.sum()
            if best is None or np.abs(w).sum() < np.abs(best[1]).sum():
                best = (s, w)
        assert best is not None  # the range above is never empty for n >= 4
        starts[i], weights[i] = best
    return starts, weights


def ti_integrate(beta, u, u_err=None) -> tuple[np.ndarray, np.ndarray]:
    """ln z(beta) = ln 2 - integral_0^beta u dbeta' at every node, with propagated errors.

    The quadrature integrates, on each interval, the cubic through 4 neighbouring nodes
    (piecewise-cubic Lagrange, a cumulative rule with error O(h^4)); see
    :func:`_interval_weights` for the choice of stencil. The result is linear in u,
    ln z_k = ln 2 - sum_j W_kj u_j, and the temperatures are independent samples, so
    ln_z_err_k = sqrt(sum_j W_kj^2 u_err_j^2).

    Parameters
    ----------
    beta : array_like, 1-D
        Increasing nodes, at least 4, beta[0] = 0.
    u : array_like, 1-D
        Energies per spin at the nodes (u[0] = 0 at zero field: every bond averages to 0).
    u_err : array_like, 1-D, optional
        Their standard errors (default 0).

    Returns
    -------
    ln_z, ln_z_err : ndarray
        Like beta (per spin; ln_z[0] = ln 2).

    Raises
    ------
    ValueError
        Naming ``beta``, ``u`` or ``u_err``.

    Examples
    --------
    u = -beta integrates to ln z = ln 2 + beta^2 / 2, exactly for a cubic rule:

    >>> import numpy as np
    >>> import isingvi as iv
    >>> beta = np.linspace(0.0, 1.0, 11)
    >>> ln_z, ln_z_err = iv.freeenergy.ti_integrate(beta, -beta)
    >>> round(float(ln_z[-1] - np.log(2)), 12), float(ln_z_err.max())
    (0.5, 0.0)
    """
    beta = _as_series(beta, "beta")
    u = _as_series(u, "u")
    u_err = np.zeros_like(u) if u_err is None else _as_series(u_err, "u_err")
    if beta.size < 4:
        raise ValueError(f"beta: needs at least 4 nodes, got {beta.size}")
    if beta.size > MAX_GRID + 1:
        raise ValueError(f"beta: at most {MAX_GRID + 1} nodes, got {beta.size}")
    if beta[0] != 0.0 or not np.all(np.diff(beta) > 0):
        raise ValueError("beta: must start at 0 and increase strictly")
    for name, arr in (("u", u), ("u_err", u_err)):
        if arr.shape != beta.shape:
            raise ValueError(
                f"{name}: needs one value per beta, shape {beta.shape}, got {arr.shape}"
            )
    if np.any(u_err < 0):
        raise ValueError("u_err: must be >= 0")
    W = _cumulative_weights(beta)
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
        ln_z = _LN2 - W @ u
    if not np.all(np.isfinite(ln_z)):
        raise ValueError("u: too large for these beta: the integral of u d(beta) overflows")
    terms = (
        W * u_err
    )  # error terms, scaled before squaring so that the root is finite where the error is
    s = _scale(terms)
    err = np.sqrt(((terms / s) ** 2).sum(axis=1)) * s
    if not np.all(np.isfinite(err)):
        raise ValueError("u_err: too large for these beta: the propagated error overflows")
    return ln_z, err


def _cumulative_weights(beta: np.ndarray) -> np.ndarray:
    """W with integral_0^beta_k u dbeta' ~ sum_j W_kj u_j (row 0 is zero): the quadrature of ti_integrate."""
    starts, weights = _interval_weights(beta)
    W = np.zeros((beta.size, beta.size))
    for i, (s, w) in enumerate(zip(starts, weights)):
        W[i + 1, s : s + 4] = w
    return np.cumsum(W, axis=0)


def _as_series(x, name: str) -> np.ndarray:
    arr = as_real_array(x, name)
    if arr.ndim != 1:
        raise ValueError(f"{name}: must be 1-D, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: must be finite")
    return arr


def thermodynamic_integration(
    model,
    T,
    *,
    n_grid: int = 48,
    algorithm: str = "metropolis",
    n_therm: int = 1000,
    n_measure: int = 20000,
    n_blocks: int = 32,
    seed: int = 0,
    threads: int = 1,
    progress=False,
    grid: bool = False,
    tempering: bool = False,
    marginals: bool = False,
) -> pd.DataFrame:
    """Per-spin ln Z and f by thermodynamic integration from beta = 0.

    ln Z(beta) / N = ln 2 - integral_0^beta u(beta') dbeta', with u = <E> / N sampled at the
    n_grid temperatures of :func:`ti_grid` and u(0) = 0 exactly (at beta = 0 every spin
    averages to zero, so every bond and field term does: this holds with fields too);
    integrated by :func:`ti_integrate`.

    Two samplers:

    - independent chains (default): :func:`isingvi.mc.run`, one call, all temperatures. The
      temperatures use independent RNG streams, so the binned standard errors of u
      (:func:`isingvi.analysis.binned_mean`, ``n_blocks`` blocks) add in quadrature through
      the quadrature weights.
    - ``tempering=True``: the grid is one ladder of :func:`isingvi.mc.parallel_tempering`
      (a swap round after every sweep), for models whose single chains get stuck at low T
      (spin glasses, random fields). Replicas carry configurations between temperatures, so
      the errors of u are correlated across the grid: ln z is linear in u, so its error is
      the binned error of the per-sweep series ln 2 - sum_j W_kj E_j(t) / N itself, which
      includes every correlation.

    Either way the errors are honest only if a block (n_measure / n_blocks sweeps) is much
    longer than the autocorrelation time of E.

    Parameters
    ----------
    model : SquareLattice, CubicLattice or Graph
        The model (any couplings and fields).
    T : float or array_like, 1-D
        Temperatures, > 0.
    n_grid : int, default 48
        Sampled temperatures on the grid (see :func:`ti_grid`).
    algorithm, n_therm, n_measure, seed, threads, progress
        As for :func:`isingvi.mc.run` (with ``tempering``, as for
        :func:`isingvi.mc.parallel_tempering`: "metropolis" or "heatbath"); defaults
        "metropolis", 1000, 20000, 0, 1, False.
    n_blocks : int, default 32
        Blocks for the binned errors.
    grid : bool, default False
        Return every grid temperature, not only T (column ``target`` marks T).
    tempering : bool, default False
        Sample the grid by parallel tempering instead of independent chains.
    marginals : bool, default False
        Also return <s_i> per row, columns ``marginal_0`` ... (needs ``tempering``, whose
        replicas record them).

    Returns
    -------
    pandas.DataFrame
        One row per T (in the order given): T, beta, ln_z, ln_z_err, f, f_err, u, u_err,
        n_grid, algorithm, n_therm, n_measure, seed (with ``tempering``: also sampler and
        swap_acceptance, the lowest swap acceptance of the ladder; with ``marginals`` the
        marginal columns); with ``grid=True`` one row per grid temperature (increasing beta),
        plus ``target``.

    Raises
    ------
    ValueError
        Naming the parameter that is invalid (``marginals`` without ``tempering``, too few
        samples for ``n_blocks``, or one of :func:`isingvi.mc.run`'s).
    KeyboardInterrupt
        On Ctrl-C, within a second.

    Examples
    --------
    >>> import isingvi as iv
    >>> model = iv.SquareLattice(4)
    >>> df = iv.freeenergy.thermodynamic_integration(model, [2.0, 3.0], n_grid=16,
    ...                                              n_measure=2000, seed=1)
    >>> exact = iv.exact.enumerate(model, [2.0, 3.0])
    >>> ((df.ln_z - exact.ln_z).abs() < 3 * df.ln_z_err).tolist()
    [True, True]
    """
    as_model(model)
    temps = as_temperatures(T)
    grid = as_bool(grid, "grid")
    tempering = as_bool(tempering, "tempering")
    marginals = as_bool(marginals, "marginals")
    if marginals and not tempering:
        raise ValueError("marginals: recorded by parallel tempering only; pass tempering=True")
    algorithm = as_choice(algorithm, "algorithm", TEMPERING_ALGORITHMS if tempering else ALGORITHMS)
    n_therm = as_int(n_therm, "n_therm", 0, INT64_MAX)
    n_measure = as_int(n_measure, "n_measure", 2, INT64_MAX)
    n_blocks = as_int(n_blocks, "n_blocks", 2)
    if n_measure < n_blocks:
        raise ValueError(
            f"n_measure: needs at least n_blocks = {n_blocks} samples, got {n_measure}"
        )
    seed = as_seed(seed)
    nodes = ti_grid(model, temps, n_grid)
    n_grid = nodes.size - 1
    # Sampled temperatures: 1/beta, and exactly the given T at the targets.
    at = np.searchsorted(nodes, 1.0 / temps)
    T_mc = 1.0 / nodes[1:]
    T_mc[at - 1] = temps
    res: TemperingResult | MCResult
    if tempering:
        res = parallel_tempering(
            model,
            T_mc,
            n_therm=n_therm,
            n_measure=n_measure,
            algorithm=algorithm,
            seed=seed,
            threads=threads,
            progress=progress,
        )
    else:
        res = run(
            model,
            T_mc,
            algorithm,
            n_therm=n_therm,
            n_measure=n_measure,
            seed=seed,
            threads=threads,
            progress=progress,
        )
    e = res.E / res.n_spins
    u = np.zeros(nodes.size)
    u_err = np.zeros(nodes.size)
    for k, series in enumerate(e):
        u[k + 1], u_err[k + 1] = binned_mean(series, n_blocks)
    ln_z, ln_z_err = ti_integrate(nodes, u, u_err)
    rows = np.arange(1, nodes.size) if grid else at
    if tempering:  # the binned error of each row's own combination of the series (see above)
        W = _cumulative_weights(nodes)[rows][:, 1:]
        ln_z_err[rows] = [binned_mean(w @ e, n_blocks)[1] for w in W]
    Ts = T_mc[rows - 1]
    table = pd.DataFrame(
        {
            "T": Ts,
            "beta": nodes[rows],
            "ln_z": ln_z[rows],
            "ln_z_err": ln_z_err[rows],
            "f": -Ts * ln_z[rows],
            "f_err": Ts * ln_z_err[rows],
            "u": u[rows],
            "u_err": u_err[rows],
            "n_grid": n_grid,
            "algorithm": algorithm,
            "n_therm": n_therm,
            "n_measure": n_measure,
            "seed": seed,
        }
    )
    if isinstance(res, TemperingResult):  # tempering
        table["sampler"] = res.sampler
        table["swap_acceptance"] = float(np.nanmin(res.swap_acceptance))
    if marginals and isinstance(res, TemperingResult):  # marginals needs tempering
        spins = pd.DataFrame(
            res.marginals[rows - 1], columns=[f"marginal_{i}" for i in range(res.n_spins)]
        )
        table = pd.concat([table, spins], axis=1)
    if grid:
        table["target"] = np.isin(rows, at)
    return table
