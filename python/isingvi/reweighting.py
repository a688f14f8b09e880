"""Histogram reweighting of Monte Carlo series, Binder-cumulant crossings and peaks.

Single-histogram reweighting (Ferrenberg and Swendsen 1988) turns the samples of one run at
``beta_0`` into estimates at a nearby ``beta`` with the weights ``exp(-(beta - beta_0) E_i)``.
Multiple-histogram reweighting (Ferrenberg and Swendsen 1989; WHAM) combines runs at
``beta_1 ... beta_R`` of one system: every sample gets the weight

    w_i(beta) = exp(-beta E_i) / sum_k n_k exp(-beta_k E_i - ln Z_k),

with the ``ln Z_k`` solved self-consistently (``Z_j = sum_i w_i(beta_j)``); one run is the
single-histogram case. Everything is done in log space (log-sum-exp), so ``beta |E|`` of any
size does not overflow.

Inputs are the series :func:`isingvi.mc.run` returns: an object with ``T`` (n_T,), ``E`` and
``M`` (n_T, n_samples; TOTAL energy and magnetisation per measurement) and ``n_spins``
(:class:`isingvi.mc.MCResult`, or any object with those attributes), or a list of such objects
of one system size. Outputs are per spin, as in :func:`isingvi.analysis.summarise`:
u = <E>/N, c = beta^2 (<E^2> - <E>^2)/N, abs_m = <|M|>/N, m2 = <M^2>/N^2, m4 = <M^4>/N^4,
chi = beta N (<m^2> - <|m|>^2) and u4 = 1 - <m^4> / (3 <m^2>^2).

Errors are block jackknife: every run is cut into ``n_blocks`` contiguous blocks (its first
``n % n_blocks`` samples dropped, as in :mod:`isingvi.analysis`), and replicate b leaves out
block b of every run at once, re-solving the ``ln Z_k``; crossings and peaks are found again
on every replicate. Replicate b of different sizes leaves out the same block index, so
crossings of (L, 2L) and (2L, 4L) can be combined in one jackknife (:func:`fss_extrapolate`).

**Support.** A reweighted estimate is trusted only where the samples cover the energies that
dominate at the new temperature. The criterion is Kish's effective sample size of the weights,
``ess = (sum_i w_i)^2 / sum_i w_i^2``, as a fraction of the samples of one run (their mean
number over the runs): ``supported`` is ``ess >= min_ess`` (default 0.1). For a Gaussian
energy histogram of width sigma_E this fraction is ``exp(-(delta_beta sigma_E)^2)``, so 0.1
allows a shift of the mean energy by about 1.5 sigma_E.
"""

from __future__ import annotations

import itertools
import math
import numbers
import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._validate import (
    as_bool,
    as_choice,
    as_float,
    as_int,
    as_real_array,
    as_temperatures,
    check_memory,
)

__all__ = [
    "binder_crossing",
    "fss_extrapolate",
    "multihistogram",
    "peak",
    "reweight",
    "supported_range",
]

#: Columns of :func:`reweight` (which adds ``T_source``) and :func:`multihistogram`.
COLUMNS = [
    "T",
    "beta",
    "u",
    "u_err",
    "c",
    "c_err",
    "abs_m",
    "abs_m_err",
    "m2",
    "m2_err",
    "m4",
    "m4_err",
    "chi",
    "chi_err",
    "u4",
    "u4_err",
    "ess",
    "supported",
]
_OBSERVABLES = ("u", "c", "abs_m", "m2", "m4", "chi", "u4")
_PEAK_QUANTITIES = ("c", "chi")
_CHUNK = 1 << 22  # elements of one (temperatures x samples) weight matrix
_MAX_GRID = 100_000  # points of a crossing's or a peak's search grid


class Crossing(NamedTuple):
    """Where two U4(T) curves cross (:func:`binder_crossing`)."""

    T: float
    T_err: float
    u4: float  #: U4 at the crossing
    u4_err: float
    supported: bool  #: both curves supported at T (see the module docstring)
    replicates: (
        np.ndarray
    )  #: T of the crossing on each jackknife replicate (empty for exact curves)


class Peak(NamedTuple):
    """The maximum of c(T) or chi(T) (:func:`peak`)."""

    quantity: str
    T: float
    T_err: float
    value: float
    value_err: float
    supported: bool
    replicates_T: np.ndarray  #: peak position on each jackknife replicate
    replicates_value: np.ndarray  #: peak height on each jackknife replicate


class Extrapolation(NamedTuple):
    """Weighted least-squares fit y = value + slope * L^-exponent (:func:`fss_extrapolate`)."""

    value: float
    err: float
    slope: float
    slope_err: float
    chi2: float
    dof: int
    replicates: np.ndarray | None  #: value fitted on each jackknife replicate, if given


# --------------------------------------------------------------------------- small numerics


def _lse(a: np.ndarray, axis: int = -1) -> np.ndarray:
    """log(sum(exp(a))) along ``axis``; -inf where every entry is -inf."""
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - top), axis=axis, keepdims=True)) + top
    return np.squeeze(out, axis=axis)


def _brentq(
    f: Callable[[float], float], a: float, b: float, xtol: float = 1e-13, maxiter: int = 200
) -> float:
    """A root of ``f`` in [a, b], where f(a) and f(b) differ in sign (Brent 1973, as scipy.optimize.brentq)."""
    rtol = 4 * np.finfo(float).eps
    xpre, xcur = float(a), float(b)
    fpre, fcur = f(xpre), f(xcur)
    if fpre == 0:
        return xpre
    if fcur == 0:
        return xcur
    xblk = fblk = spre = scur = 0.0
    for _ in range(maxiter):
        if fpre * fcur < 0:
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # secant
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:  # inverse quadratic interpolation
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):
                spre, scur = scur, stry
            else:
                spre = scur = sbis
        else:
            spre = scur = sbis
        xpre, fpre = xcur, fcur
        xcur += scur if abs(scur) > delta else (delta if sbis > 0 else -delta)
        fcur = f(xcur)
    return xcur


def _jackknife_err(reps: np.ndarray) -> np.ndarray:
    """Jackknife standard error over axis 0 of leave-one-block-out estimates."""
    n = reps.shape[0]
    return np.sqrt((n - 1) / n * np.sum((reps - reps.mean(axis=0)) ** 2, axis=0))


# --------------------------------------------------------------------------- inputs


def _check_n_blocks(n_blocks) -> int:
    return as_int(n_blocks, "n_blocks", 2)


def _check_min_ess(min_ess) -> float:
    min_ess = as_float(min_ess, "min_ess")
    if not 0 < min_ess <= 1:
        raise ValueError(f"min_ess: must be in (0, 1], got {min_ess!r}")
    return min_ess


def _check_T_range(T_range) -> tuple[float, float] | None:
    if T_range is None:
        return None
    try:
        lo, hi = T_range
    except (TypeError, ValueError):
        raise ValueError(f"T_range: must be None or a pair (T_lo, T_hi), got {T_range!r}") from None
    lo, hi = (
        float(t)
        for t in as_temperatures([as_float(lo, "T_range"), as_float(hi, "T_range")], "T_range")
    )
    if not lo < hi:
        raise ValueError(f"T_range: needs T_lo < T_hi, got ({lo!r}, {hi!r})")
    return lo, hi


#: Largest |E| accepted (squares of per-spin energies stay finite) and largest beta |E| (log
#: weights stay finite with room for their sums).
_MAX_ENERGY = 1e150
_MAX_BETA_E = 1e300


def _check_beta_e(T: np.ndarray, top: float, name: str) -> None:
    """beta * max|E| <= _MAX_BETA_E at every temperature of ``T``, else ValueError naming ``name``."""
    k = int(np.argmin(T))
    if top / T[k] > _MAX_BETA_E:
        raise ValueError(
            f"{name}: too small: beta |E| = {top / T[k]:.3g} exceeds {_MAX_BETA_E:.0e} at T = {T[k]!r}"
        )


def _is_result(obj) -> bool:
    return all(hasattr(obj, a) for a in ("T", "E", "M", "n_spins"))


def _rows(results, name: str) -> tuple[list[tuple[float, np.ndarray, np.ndarray]], int]:
    """Every (T, E, M) row of a result or a list of results of one size, and their n_spins."""
    if _is_result(results):
        objs, labels = [results], [name]
    elif isinstance(results, (list, tuple)) and results:
        objs, labels = list(results), [f"{name}[{k}]" for k in range(len(results))]
    else:
        raise ValueError(
            f"{name}: must be a Monte Carlo result (with T, E, M, n_spins) or a non-empty list of "
            f"them, got {type(results).__name__}"
        )
    rows, sizes = [], []
    for obj, label in zip(objs, labels):
        if not _is_result(obj):
            raise ValueError(
                f"{label}: must be a Monte Carlo result with T, E, M and n_spins, "
                f"got {type(obj).__name__}"
            )
        N = obj.n_spins
        if isinstance(N, bool) or not isinstance(N, (numbers.Integral, np.integer)) or N < 1:
            raise ValueError(f"{label}.n_spins: must be a positive int, got {N!r}")
        T = as_temperatures(obj.T, f"{label}.T")
        E, M = as_real_array(obj.E, f"{label}.E"), as_real_array(obj.M, f"{label}.M")
        if E.ndim == 1 and T.size == 1:  # one temperature given as a flat series
            E = E[None, :]
        if M.ndim == 1 and T.size == 1:
            M = M[None, :]
        if E.ndim != 2:
            raise ValueError(f"{label}.E: must be 2-D (temperature, sample), got shape {E.shape}")
        if M.shape != E.shape:
            raise ValueError(
                f"{label}.M: must have the shape of {label}.E, {E.shape}, got {M.shape}"
            )
        if T.size != E.shape[0]:
            raise ValueError(
                f"{label}.T: needs one temperature per row of {label}.E ({E.shape[0]}), got {T.size}"
            )
        if not (np.all(np.isfinite(E)) and np.all(np.isfinite(M))):
            raise ValueError(f"{label}.E: {label}.E and {label}.M must be finite")
        if np.any(np.abs(M) > N):
            raise ValueError(f"{label}.M: a total magnetisation of {N} spins +-1 has |M| <= {N}")
        top = float(np.max(np.abs(E), initial=0.0))
        if top > _MAX_ENERGY:  # moments square per-spin energies
            raise ValueError(f"{label}.E: |E| must be <= {_MAX_ENERGY:.0e}, got {top:.3g}")
        _check_beta_e(T, top, f"{label}.T")
        rows += [(float(t), e, m) for t, e, m in zip(T, E, M)]
        sizes.append(int(N))
    if len(set(sizes)) > 1:
        raise ValueError(
            f"{name}: every run must have the same n_spins (one system size), got {sizes}"
        )
    return rows, sizes[0]


# --------------------------------------------------------------------------- the estimator


class _Histograms:
    """The samples of one system size, split in jackknife blocks and compressed to distinct
    (run, block, E, |M|) rows with counts, with the WHAM ln Z_k of the full data and of every
    leave-one-block-out replicate (solved on first use).

    Replicate ``rep`` is None for the full data, or b in range(n_blocks) for the data without
    block b of every run.
    """

    def __init__(self, rows, n_spins: int, n_blocks: int, name: str):
        self.N, self.n_blocks = n_spins, n_blocks
        self.T = np.array([t for t, _, _ in rows])
        self.beta = 1.0 / self.T
        size = np.array([e.size for _, e, _ in rows]) // n_blocks  # block size per run
        if np.any(size < 1):
            k = int(np.argmin(size))
            raise ValueError(
                f"n_blocks: {n_blocks} blocks need at least {n_blocks} samples per temperature; "
                f"{name} has {rows[k][1].size} at T = {rows[k][0]!r}"
            )
        self.block_size = size.astype(float)
        self.n_run = size * n_blocks  # kept samples per run
        n = float(self.n_run.sum())
        # the rows and their moments, weight matrices, Newton's (runs x rows) arrays; log weights per replicate
        parts = {
            name: 8.0 * n * (12 + 4 * len(rows)) + 3 * 8.0 * min(_CHUNK, 64 * n),
            "n_blocks": 8.0 * n * (n_blocks + 1),
        }
        check_memory(
            sum(parts.values()),
            max(parts, key=parts.__getitem__),
            f"reweighting {int(n)} samples with {n_blocks} jackknife blocks",
        )
        chunks = []
        for k, ((_, e, m), s) in enumerate(zip(rows, size)):
            keep = slice(e.size - s * n_blocks, None)  # drop the earliest samples, as analysis does
            chunks.append(
                np.column_stack(
                    [
                        np.full(s * n_blocks, k),
                        np.repeat(np.arange(n_blocks), s),
                        e[keep],
                        np.abs(m[keep]),
                    ]
                )
            )
        # identical (run, block, E, |M|) rows weigh the same: small systems shrink to a few rows
        rows_ = np.concatenate(chunks)
        order = np.lexsort(rows_.T[::-1])  # (much faster than np.unique(axis=0))
        rows_ = rows_[order]
        first = np.concatenate([[True], np.any(rows_[1:] != rows_[:-1], axis=1)])
        uniq, count = rows_[first], np.diff(np.append(np.flatnonzero(first), rows_.shape[0]))
        self.run, self.block = uniq[:, 0].astype(int), uniq[:, 1].astype(int)
        self.count = count.astype(float)
        E, absM = uniq[:, 2], uniq[:, 3]
        self.top = float(np.max(np.abs(E)))
        total = self.count.sum()
        # energies relative to their mean: the same Z ratios, smaller exponents
        self.E_ref = float(self.count @ E / total)
        self.Es = E - self.E_ref
        ec = self.Es / n_spins  # per-spin energy, centred
        am = absM / n_spins
        self.am_ref = float(self.count @ am / total)
        amc = am - self.am_ref
        m2 = am * am
        # the sample moments every estimate needs, in one matrix product with the weights
        self.Y = np.column_stack([ec, ec * ec, amc, amc * amc, m2, m2 * m2])
        self.log_count = np.log(self.count)
        self._ln_z: dict = {}
        self._log_base: dict = {}

    # ---- replicates
    def _log_c(self, rep) -> np.ndarray:
        if rep is None:
            return self.log_count
        return np.where(self.block == rep, -np.inf, self.log_count)

    def _n(self, rep) -> np.ndarray:
        return self.n_run - (0 if rep is None else self.block_size)

    @property
    def reps(self) -> range:
        return range(self.n_blocks)

    # ---- WHAM
    def ln_z(self, rep=None) -> np.ndarray:
        """ln Z_k (up to a common constant, ln Z_0 = 0) of every run, for replicate ``rep``."""
        if rep not in self._ln_z:
            self._ln_z[rep] = self._solve(rep)
        return self._ln_z[rep]

    def _solve(self, rep) -> np.ndarray:
        """Newton's method on the convex function F(g) = sum_i c_i ln sum_k n_k e^{-beta_k E_i - g_k}
        + sum_k n_k g_k, whose minimum is the self-consistent g_k = ln Z_k (MBAR's form of WHAM)."""
        R = self.beta.size
        if R == 1:
            return np.zeros(1)
        c, n = np.exp(self._log_c(rep)), self._n(rep)
        A = np.log(n)[:, None] - np.outer(
            self.beta, self.Es
        )  # (R, rows): reductions over R run along memory
        g = (
            self._ln_z[None].copy()
            if rep is not None and None in self._ln_z
            else self._initial_ln_z(rep)
        )

        def parts(g):
            X = A - g[:, None]
            return X, _lse(X, axis=0)

        X, L = parts(g)
        for _ in range(100):
            W = np.exp(X - L[None, :])
            cw = W * c[None, :]
            col = cw.sum(axis=1)
            grad = n - col
            if (
                np.max(np.abs(grad) / n) < 1e-10
            ):  # ln Z_k to ~1e-10, far below any statistical error
                break
            H = np.diag(col) - cw @ W.T
            step = np.zeros(R)
            step[1:] = np.linalg.lstsq(H[1:, 1:], grad[1:], rcond=None)[
                0
            ]  # g_0 = 0 fixes the constant
            t = 1.0
            X_new, L_new = parts(g - step)
            # backtracking far from the minimum only: there a full Newton step may increase F;
            # near it the decrease of F is below rounding and the full step is right
            if np.max(np.abs(grad) / n) > 1e-6:
                while (
                    c @ (L_new - L) - t * (n @ step) > 0 and t > 1e-8
                ):  # the change of F, row by row
                    t /= 2
                    X_new, L_new = parts(g - t * step)
            g, X, L = g - t * step, X_new, L_new
        if np.max(np.abs(grad) / n) > 1e-6:
            warnings.warn(
                f"multihistogram: the free energies did not converge (replicate {rep}, relative "
                f"gradient {np.max(np.abs(grad) / n):.2g}); do the runs' histograms overlap?",
                RuntimeWarning,
                stacklevel=4,
            )
        return g

    def _initial_ln_z(self, rep) -> np.ndarray:
        """ln Z ratios of neighbouring runs (in beta) from single-histogram reweighting."""
        log_c = self._log_c(rep)
        order = np.argsort(self.beta, kind="stable")
        g = np.zeros(self.beta.size)
        for a, b in itertools.pairwise(order):
            own = self.run == a
            d = _lse(log_c[own] - (self.beta[b] - self.beta[a]) * self.Es[own]) - math.log(
                self._n(rep)[a]
            )
            g[b] = g[a] + d  # ln Z_b / Z_a = ln <exp(-(beta_b - beta_a) E)>_a
        return g - g[0]

    def log_base(self, rep=None) -> np.ndarray:
        """ln c_i - ln sum_k n_k exp(-beta_k E_i - ln Z_k) per row (its count over the WHAM
        denominator): the log weight of row i at beta is this minus beta E_i."""
        if rep not in self._log_base:
            g, n = self.ln_z(rep), self._n(rep)
            log_den = _lse(np.log(n)[:, None] - np.outer(self.beta, self.Es) - g[:, None], axis=0)
            self._log_base[rep] = self._log_c(rep) - log_den
        return self._log_base[rep]

    # ---- estimates
    def estimates(self, T: np.ndarray, rep=None, ess: bool = False) -> np.ndarray:
        """Rows of (u, c, abs_m, m2, m4, chi, u4[, ess]) at temperatures ``T`` for replicate ``rep``."""
        T = np.atleast_1d(np.asarray(T, dtype=float))
        base = self.log_base(rep)
        out = np.empty((T.size, 8 if ess else 7))
        step = max(1, _CHUNK // max(1, self.Es.size))
        for s in range(0, T.size, step):
            beta = 1.0 / T[s : s + step]
            lw = base[None, :] - np.outer(beta, self.Es)
            w = np.exp(lw - np.max(lw, axis=1, keepdims=True))  # largest weight 1: no overflow
            total = w.sum(axis=1)
            de, e2, da, a2, m2, m4 = ((w @ self.Y) / total[:, None]).T
            var_e, var_a = np.maximum(e2 - de * de, 0.0), np.maximum(a2 - da * da, 0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                u4 = np.where(m2 > 0, 1.0 - m4 / (3.0 * m2 * m2), np.nan)
            block = [
                self.E_ref / self.N + de,
                self.N * (beta * np.sqrt(var_e)) ** 2,
                self.am_ref + da,
                m2,
                m4,
                beta * self.N * var_a,
                u4,
            ]
            if ess:  # Kish: (sum w)^2 / sum w^2 over samples (a row holds c_i samples), per mean run length
                k = total**2 / ((w * w) @ (1.0 / self.count))
                block.append(k / (self.n_run.sum() / self.n_run.size))
            out[s : s + step] = np.column_stack(block)
        return out

    def quantity(self, name: str, T: np.ndarray, rep=None) -> np.ndarray:
        return self.estimates(T, rep)[:, _OBSERVABLES.index(name)]

    def ess(self, T) -> np.ndarray:
        return self.estimates(T, None, ess=True)[:, 7]

    def table(self, T: np.ndarray, min_ess: float) -> pd.DataFrame:
        """Estimates, jackknife errors, ess and the support flag at every T."""
        full = self.estimates(T, None, ess=True)
        reps = np.array([self.estimates(T, b) for b in self.reps])  # (n_blocks, n_T, 7)
        with np.errstate(invalid="ignore"):
            err = _jackknife_err(reps)
        cols = {"T": T, "beta": 1.0 / T}
        for k, q in enumerate(_OBSERVABLES):
            cols[q], cols[q + "_err"] = full[:, k], err[:, k]
        cols["ess"] = full[:, 7]
        cols["supported"] = full[:, 7] >= min_ess
        return pd.DataFrame(cols, columns=COLUMNS)

    def support(self, min_ess: float) -> tuple[float, float]:
        """(T_lo, T_hi): where the effective sample size falls to ``min_ess``, searching outwards
        from the lowest and highest simulated temperatures (0 or inf if it never does)."""

        def h(beta):
            return math.log(max(float(self.ess(np.array([1.0 / beta]))[0]), 1e-300)) - math.log(
                min_ess
            )

        span = float(np.ptp(self.Es))
        bounds = []
        for k, up in ((int(np.argmax(self.beta)), True), (int(np.argmin(self.beta)), False)):
            b0 = float(self.beta[k])
            own = self.run == k
            mean = self.count[own] @ self.Es[own] / self.count[own].sum()
            sigma = math.sqrt(
                max(self.count[own] @ (self.Es[own] - mean) ** 2 / self.count[own].sum(), 0.0)
            )
            # For a Gaussian histogram ess = exp(-(dbeta sigma)^2) reaches min_ess at
            # dbeta = sqrt(-ln min_ess) / sigma. Small systems (few energy levels, the ground
            # state sampled often) keep a large ess much further, but their histogram says
            # nothing about energies never sampled: stop at three times the Gaussian reach.
            reach = 3 * math.sqrt(-math.log(min_ess)) / sigma if sigma > 0 else math.inf
            if span > 0:  # beyond dbeta = 1000 / (E range) the weights no longer change
                reach = min(reach, 1e3 / span)
            limit = reach if up else min(reach, b0 * (1 - 1e-12))  # beta > 0
            step = min(0.5 / sigma if sigma > 0 else b0, limit)
            inside, found = 0.0, None
            if h(b0) < 0:
                found = b0
            while found is None and inside < limit:
                t = min(inside + step, limit)
                beta = b0 + t if up else b0 - t
                if h(beta) < 0:
                    inner = b0 + inside if up else b0 - inside
                    found = _brentq(h, inner, beta, xtol=1e-12 * b0)
                    step_in = (inner - found) * 1e-9  # the bound itself must count as supported
                    while h(found) < 0:
                        found, step_in = found + step_in, 2 * step_in
                    break
                inside, step = t, 2 * step
            if found is None:  # still supported at the end of the reach
                found = (
                    (b0 + limit if math.isfinite(limit) else math.inf)
                    if up
                    else (b0 - limit if reach < b0 else 0.0)
                )
            bounds.append(1.0 / found if found > 0 else math.inf)
        return bounds[0], bounds[1]


class _Exact:
    """An exact curve T -> U4 given as a callable: the same interface, no replicates."""

    def __init__(self, f, name: str):
        self.f, self.name, self.reps = f, name, range(0)

    def quantity(self, q: str, T: np.ndarray, rep=None) -> np.ndarray:
        out = np.array([as_float(self.f(float(t)), f"{self.name}(T)") for t in np.atleast_1d(T)])
        return out


def _source(results, name: str, n_blocks: int) -> _Histograms:
    rows, N = _rows(results, name)
    return _Histograms(rows, N, n_blocks, name)


def _warn_or_raise(
    df: pd.DataFrame, support: tuple[float, float], strict: bool, min_ess: float, what: str
) -> None:
    bad = df.loc[~df["supported"], "T"].to_numpy()
    if bad.size == 0:
        return
    msg = (
        f"T_new: {bad.size} temperature(s) {np.round(bad, 6).tolist()[:8]}{' ...' if bad.size > 8 else ''} "
        f"outside the supported range [{support[0]:.6g}, {support[1]:.6g}] of {what} (effective sample size of "
        f"the weights below min_ess = {min_ess:g} of a run)"
    )
    if strict:
        raise ValueError(msg)
    warnings.warn(msg, RuntimeWarning, stacklevel=3)


# --------------------------------------------------------------------------- public API


def reweight(
    result,
    T_new,
    *,
    source="nearest",
    n_blocks: int = 32,
    min_ess: float = 0.1,
    strict: bool = False,
) -> pd.DataFrame:
    """Single-histogram (Ferrenberg–Swendsen) reweighting to nearby temperatures.

    Parameters
    ----------
    result : MCResult, or an object with T, E, M (total per measurement) and n_spins, or a list of them (one size)
        The runs. Each row (simulated temperature) is reweighted on its own.
    T_new : float or 1-D array
        Temperatures (> 0) to estimate at.
    source : "nearest" or int, default "nearest"
        Which run each ``T_new`` is reweighted from: "nearest" takes the simulated temperature
        nearest to it in beta = 1/T (column ``T_source``); an int k takes row k for all.
    n_blocks : int, default 32
        Jackknife blocks per run (>= 2; each run needs at least that many samples).
    min_ess : float in (0, 1], default 0.1
        Support threshold: ``supported`` is ess >= min_ess, where ess is Kish's effective
        sample size of the weights exp(-(beta - beta_0) E_i) as a fraction of the run's
        samples (exp(-(delta_beta sigma_E)^2) for a Gaussian histogram; 0.1 allows about
        1.5 sigma_E of shift of the mean energy).
    strict : bool, default False
        Raise ValueError naming T_new (and the supported range) for unsupported temperatures
        instead of warning (RuntimeWarning).

    Returns
    -------
    pandas.DataFrame
        One row per T_new, in the given order: T, beta, T_source, u, c, abs_m, m2, m4, chi, u4
        (per spin, see the module docstring), each with a jackknife ``*_err``, then ``ess`` and
        ``supported``. At T_new equal to the simulated T the values equal
        :func:`isingvi.analysis.summarise` (same kept samples and blocks).

    Raises
    ------
    ValueError
        Naming ``result`` or its inconsistent attribute (``result.E``, ...), ``T_new`` (not
        valid, or unsupported with ``strict``), ``source``, ``n_blocks`` or ``min_ess``.

    Warns
    -----
    RuntimeWarning
        For a ``T_new`` outside the supported range (unless ``strict``).

    Examples
    --------
    >>> import isingvi as iv
    >>> res = iv.mc.run(iv.SquareLattice(4), T=2.5, n_measure=2000, seed=1)
    >>> df = iv.analysis.reweight(res, [2.4, 2.5, 2.6], n_blocks=8)
    >>> df.u.round(3).tolist(), df.supported.tolist()
    ([-1.491, -1.408, -1.327], [True, True, True])
    """
    n_blocks, min_ess, strict = (
        _check_n_blocks(n_blocks),
        _check_min_ess(min_ess),
        as_bool(strict, "strict"),
    )
    T_new = as_temperatures(T_new, "T_new")
    rows, N = _rows(result, "result")
    _check_beta_e(T_new, max(float(np.max(np.abs(e), initial=0.0)) for _, e, _ in rows), "T_new")
    if isinstance(source, str):
        as_choice(source, "source", ("nearest",))
        beta = np.array([1.0 / t for t, _, _ in rows])
        src = np.argmin(np.abs(1.0 / T_new[:, None] - beta[None, :]), axis=1)
    else:
        k = as_int(source, "source", 0, len(rows) - 1)
        src = np.full(T_new.size, k)
    frames = []
    for k in np.unique(src):
        hist = _Histograms([rows[k]], N, n_blocks, f"result (T = {rows[k][0]!r})")
        mask = src == k
        df = hist.table(T_new[mask], min_ess)
        df.insert(2, "T_source", rows[k][0])
        df.index = np.flatnonzero(mask)
        _warn_or_raise(
            df,
            hist.support(min_ess) if not df["supported"].all() else (0, 0),
            strict,
            min_ess,
            f"the run at T = {rows[k][0]:.6g}",
        )
        frames.append(df)
    return pd.concat(frames).sort_index().reset_index(drop=True)


def multihistogram(
    results, T_new, *, n_blocks: int = 32, min_ess: float = 0.1, strict: bool = False
) -> pd.DataFrame:
    """Multiple-histogram (Ferrenberg–Swendsen 1989, WHAM) reweighting of runs of one size.

    Parameters
    ----------
    results : MCResult (all its temperatures), or an object with T, E, M, n_spins, or a list of them
        Runs of ONE system size (same n_spins) at several temperatures whose energy histograms
        overlap. Runs at equal temperatures (replicates) are fine.
    T_new : float or 1-D array
        Temperatures (> 0) to estimate at.
    n_blocks : int, default 32
        Jackknife blocks per run; replicate b leaves out block b of every run and re-solves
        the free energies.
    min_ess : float in (0, 1], default 0.1
        Support threshold on Kish's effective sample size of the combined weights, as a
        fraction of the mean number of samples per run.
    strict : bool, default False
        Raise ValueError naming T_new for unsupported temperatures instead of warning.

    Returns
    -------
    pandas.DataFrame
        One row per T_new: T, beta, u, c, abs_m, m2, m4, chi, u4 (per spin) with jackknife
        ``*_err``, ``ess`` and ``supported``.

    Notes
    -----
    The free energies ln Z_k solve Z_j = sum_i exp(-beta_j E_i) / sum_k n_k exp(-beta_k E_i) / Z_k,
    found by Newton's method on the equivalent convex minimisation, in log space; one run reduces
    to :func:`reweight`.

    Raises
    ------
    ValueError
        Naming ``results`` or its inconsistent attribute (runs of different sizes, ...),
        ``T_new`` (not valid, or unsupported with ``strict``), ``n_blocks`` or ``min_ess``.

    Warns
    -----
    RuntimeWarning
        For a ``T_new`` outside the supported range (unless ``strict``), or if the free
        energies do not converge (histograms that do not overlap).

    Examples
    --------
    >>> import isingvi as iv
    >>> runs = iv.mc.run(iv.SquareLattice(4), T=[2.2, 2.5, 2.8], n_measure=2000, seed=1)
    >>> df = iv.analysis.multihistogram(runs, [2.35, 2.65], n_blocks=8)
    >>> df.u.round(3).tolist(), df.supported.tolist()
    ([-1.509, -1.268], [True, True])
    """
    n_blocks, min_ess, strict = (
        _check_n_blocks(n_blocks),
        _check_min_ess(min_ess),
        as_bool(strict, "strict"),
    )
    T_new = as_temperatures(T_new, "T_new")
    hist = _source(results, "results", n_blocks)
    _check_beta_e(T_new, hist.top, "T_new")
    df = hist.table(T_new, min_ess)
    _warn_or_raise(
        df,
        hist.support(min_ess) if not df["supported"].all() else (0, 0),
        strict,
        min_ess,
        f"the runs at T = {np.round(hist.T, 6).tolist()}",
    )
    return df


def supported_range(results, *, min_ess: float = 0.1, n_blocks: int = 32) -> tuple[float, float]:
    """(T_lo, T_hi) over which the runs of one size support reweighting.

    The runs are combined as in :func:`multihistogram` (one run: :func:`reweight`), with the
    samples it keeps for ``n_blocks`` blocks. From the lowest and the highest simulated
    temperature outwards, the bound is where the effective sample size of the weights falls
    to ``min_ess`` of a run (see the module docstring), but no further than three times where
    a Gaussian energy histogram would put it. Temperatures between the runs are not checked:
    use the ``supported`` column there.

    Parameters
    ----------
    results : MCResult, or an object with T, E, M, n_spins, or a list of them
        Runs of one system size, as for :func:`multihistogram`.
    min_ess : float in (0, 1], default 0.1
        Support threshold on the effective sample size, as a fraction of a run's samples.
    n_blocks : int, default 32
        Blocks, which fix the samples kept (as in :func:`multihistogram`).

    Returns
    -------
    T_lo, T_hi : float
        The supported range; T_hi may be inf.

    Raises
    ------
    ValueError
        Naming ``results`` or its inconsistent attribute, ``min_ess`` or ``n_blocks``.

    Examples
    --------
    >>> import isingvi as iv
    >>> runs = iv.mc.run(iv.SquareLattice(4), T=[2.2, 2.5, 2.8], n_measure=2000, seed=1)
    >>> lo, hi = iv.analysis.supported_range(runs, n_blocks=8)
    >>> bool(lo < 2.2 and hi > 2.8)
    True
    """
    min_ess, n_blocks = _check_min_ess(min_ess), _check_n_blocks(n_blocks)
    rows, N = _rows(results, "results")
    return _Histograms(rows, N, n_blocks, "results").support(min_ess)


def _curve(arg, name: str, n_blocks: int):
    """A size's data (histograms) or an exact curve (a callable T -> U4)."""
    if callable(arg) and not _is_result(arg):
        return _Exact(arg, name)
    return _source(arg, name, n_blocks)


def _grid_roots(T: np.ndarray, d: np.ndarray) -> list[int]:
    """Indices k with a sign change of d between T[k] and T[k+1] (an exact zero counts once)."""
    s = np.sign(d)
    return [k for k in range(T.size - 1) if s[k] == 0 or s[k] * s[k + 1] < 0]


def binder_crossing(
    result_small,
    result_large,
    T_range=None,
    *,
    n_blocks: int = 32,
    min_ess: float = 0.1,
    n_grid: int = 64,
) -> Crossing:
    """Temperature where the Binder cumulants U4(T) of two sizes cross, with a jackknife error.

    Parameters
    ----------
    result_small, result_large : results of one size each, or callables
        Monte Carlo runs of each size (a result or a list of them, combined as in
        :func:`multihistogram`; one temperature is single-histogram reweighting), or an exact
        curve ``f(T) -> U4`` (e.g. from :func:`isingvi.exact.enumerate`), which has no error.
    T_range : (T_lo, T_hi), optional
        Where to look. Default: the intersection of the two sizes' :func:`supported_range`
        (required when both are exact curves).
    n_blocks : int, default 32
        Jackknife blocks; replicate b leaves out block b of every run of both sizes.
    min_ess : float in (0, 1], default 0.1
        Support threshold (module docstring), for the default T_range and the flag.
    n_grid : int, default 64
        Grid points (3 to 100000) on T_range on which the sign change of U4_small - U4_large
        is bracketed before Brent's method refines it.

    Returns
    -------
    Crossing
        T, T_err (jackknife: the crossing found again on every replicate), u4 and u4_err (U4
        at the crossing), supported (both sizes supported there) and the replicates' T.

    Raises
    ------
    ValueError
        Naming ``T_range`` when the curves do not cross there, or cross more than once (narrow
        T_range), or when it is missing for two exact curves; naming ``n_blocks`` when a
        replicate loses the crossing; naming a result, ``min_ess`` or ``n_grid`` if invalid.

    Warns
    -----
    RuntimeWarning
        If the crossing lies outside the supported range of a size.

    Examples
    --------
    Two exact curves, the 2 x 2 and 4 x 4 lattices by enumeration:

    >>> import isingvi as iv
    >>> def binder(L):
    ...     def u4(T):
    ...         row = iv.exact.enumerate(iv.SquareLattice(L), T).iloc[0]
    ...         return 1 - row.m4 / (3 * row.m2**2)
    ...     return u4
    >>> cross = iv.analysis.binder_crossing(binder(2), binder(4), T_range=(1.5, 3.0), n_grid=8)
    >>> round(float(cross.T), 4), cross.T_err
    (2.0987, 0.0)
    """
    n_blocks, min_ess = _check_n_blocks(n_blocks), _check_min_ess(min_ess)
    n_grid = as_int(n_grid, "n_grid", 3, _MAX_GRID)
    T_range = _check_T_range(T_range)
    small, large = (
        _curve(result_small, "result_small", n_blocks),
        _curve(result_large, "result_large", n_blocks),
    )
    hists = [h for h in (small, large) if isinstance(h, _Histograms)]
    if T_range is not None:
        for h in hists:
            _check_beta_e(np.array(T_range), h.top, "T_range")
    if T_range is None:
        if not hists:
            raise ValueError("T_range: needed when both curves are exact (callables)")
        ranges = [h.support(min_ess) for h in hists]
        T_range = (max(r[0] for r in ranges), min(r[1] for r in ranges))
        if not T_range[0] < T_range[1] or not np.isfinite(T_range).all():
            raise ValueError(
                f"T_range: the supported ranges {ranges} of the two sizes do not overlap in a finite "
                "interval; simulate closer temperatures or give T_range"
            )
    grid = np.linspace(T_range[0], T_range[1], n_grid)

    def diff(T, rep=None):
        return small.quantity("u4", T, rep) - large.quantity("u4", T, rep)

    d = diff(grid)
    if not np.all(np.isfinite(d)):
        raise ValueError(
            f"T_range: U4 is undefined (<m^2> = 0) somewhere in [{T_range[0]:.6g}, {T_range[1]:.6g}]"
        )
    roots = _grid_roots(grid, d)
    if not roots:
        raise ValueError(
            f"T_range: the U4 curves do not cross in [{T_range[0]:.6g}, {T_range[1]:.6g}] "
            f"(U4_small - U4_large from {d[0]:.4g} to {d[-1]:.4g})"
        )
    if len(roots) > 1:
        raise ValueError(
            f"T_range: the U4 curves cross {len(roots)} times in [{T_range[0]:.6g}, {T_range[1]:.6g}], "
            f"near T = {[round(float(grid[k]), 6) for k in roots]}; narrow T_range"
        )

    def solve(rep):
        f = lambda t: float(diff(np.array([t]), rep)[0])
        lo, hi = (
            roots[0],
            roots[0] + 1,
        )  # the full data's bracket, widened until a replicate's sign changes
        f_lo, f_hi = (d[lo], d[hi]) if rep is None else (f(grid[lo]), f(grid[hi]))
        while f_lo * f_hi > 0:
            if lo == 0 and hi == grid.size - 1:
                raise ValueError(
                    f"n_blocks: the U4 curves do not cross in T_range without block {rep}; use fewer "
                    "blocks or more samples"
                )
            if lo > 0:
                lo -= 1
                f_lo = f(grid[lo])
            if hi < grid.size - 1:
                hi += 1
                f_hi = f(grid[hi])
        if f_lo == 0:
            return float(grid[lo])
        return _brentq(f, grid[lo], grid[hi], xtol=1e-12 * grid[lo])

    T_star = solve(None)
    reps = sorted(set(small.reps) | set(large.reps))
    T_reps = np.array([solve(b) for b in reps])
    u4 = float(large.quantity("u4", np.array([T_star]))[0])
    u4_reps = np.array([large.quantity("u4", np.array([t]), b)[0] for b, t in zip(reps, T_reps)])
    supported = all(float(h.ess(np.array([T_star]))[0]) >= min_ess for h in hists)
    if not supported:
        warnings.warn(
            f"T_range: the crossing at T = {T_star:.6g} is outside the supported range of a size "
            f"(effective sample size below min_ess = {min_ess:g})",
            RuntimeWarning,
            stacklevel=2,
        )
    err = float(_jackknife_err(T_reps)) if T_reps.size else 0.0
    u4_err = float(_jackknife_err(u4_reps)) if u4_reps.size else 0.0
    return Crossing(T_star, err, u4, u4_err, supported, T_reps)


def _argmax_refined(
    f: Callable[[np.ndarray], np.ndarray], x0: float, h: float, rtol: float = 1e-10
):
    """Position and value of the maximum of a smooth ``f`` near x0, within x0 +- h: the vertex of
    the parabola through x0 - h, x0, x0 + h, repeated with h / 8 until h < rtol * x0."""
    while h >= rtol * x0:
        fm, f0, fp = f(np.array([x0 - h, x0, x0 + h]))
        curv = fm - 2 * f0 + fp
        shift = h * (fm - fp) / (2 * curv) if curv < 0 else (h if fp > fm else -h)
        x0, h = x0 + float(np.clip(shift, -h, h)), h / 8
    return float(x0), float(f(np.array([x0]))[0])


def peak(
    result,
    quantity: str = "c",
    T_range=None,
    *,
    n_blocks: int = 32,
    min_ess: float = 0.1,
    n_grid: int = 64,
) -> Peak:
    """Position and height of the maximum of the reweighted c(T) or chi(T) of one size.

    Parameters
    ----------
    result : MCResult, or an object with T, E, M, n_spins, or a list of them
        Runs of one size, as for :func:`multihistogram`.
    quantity : {"c", "chi"}
        The specific heat or the susceptibility.
    T_range : (T_lo, T_hi), optional
        Where to look; default :func:`supported_range`. The maximum must lie inside (not at
        an end), else ValueError naming T_range.
    n_blocks, min_ess
        As for :func:`multihistogram` (defaults 32 and 0.1).
    n_grid : int, default 64
        Grid points (3 to 100000) on T_range for locating the maximum before it is refined.

    Returns
    -------
    Peak
        quantity, T and T_err, value and value_err (jackknife: the maximum found again on
        every replicate), supported, and the replicates' positions and heights.

    Raises
    ------
    ValueError
        Naming ``T_range`` (the maximum at an end, or an unbounded supported range), or
        ``result``, ``quantity``, ``n_blocks``, ``min_ess`` or ``n_grid`` if invalid.

    Warns
    -----
    RuntimeWarning
        If the maximum lies outside the supported range.

    Examples
    --------
    >>> import isingvi as iv
    >>> runs = iv.mc.run(iv.SquareLattice(4), T=[2.2, 2.5, 2.8], n_measure=2000, seed=1)
    >>> p = iv.analysis.peak(runs, "c", n_blocks=8, n_grid=16)
    >>> round(float(p.T), 2), bool(p.T_err > 0)
    (2.44, True)
    """
    quantity = as_choice(quantity, "quantity", _PEAK_QUANTITIES)
    n_blocks, min_ess = _check_n_blocks(n_blocks), _check_min_ess(min_ess)
    n_grid = as_int(n_grid, "n_grid", 3, _MAX_GRID)
    T_range = _check_T_range(T_range)
    hist = _source(result, "result", n_blocks)
    if T_range is not None:
        _check_beta_e(np.array(T_range), hist.top, "T_range")
    if T_range is None:
        T_range = hist.support(min_ess)
        if not np.isfinite(T_range).all() or T_range[0] <= 0:
            raise ValueError(f"T_range: the supported range {T_range} is unbounded; give T_range")
    grid = np.linspace(T_range[0], T_range[1], n_grid)

    def locate(rep, k=None):
        # the whole grid for the full data; for a replicate, 7 points around the full data's
        # maximum (the whole grid if its maximum lies at their end)
        idx = np.arange(grid.size) if k is None else np.arange(max(k - 3, 0), min(k + 4, grid.size))
        v = hist.quantity(quantity, grid[idx], rep)
        j = int(np.argmax(v))
        if k is not None and j in (0, idx.size - 1) and idx.size < grid.size:
            return locate(rep, None)
        if idx[j] in (0, grid.size - 1):
            who = "" if rep is None else f" without block {rep}"
            raise ValueError(
                f"T_range: the maximum of {quantity}{who} lies at the end of [{T_range[0]:.6g}, "
                f"{T_range[1]:.6g}] (T = {grid[idx[j]]:.6g}); widen T_range or simulate closer to "
                "the peak"
            )
        return (
            *_argmax_refined(
                lambda T: hist.quantity(quantity, T, rep), grid[idx[j]], grid[1] - grid[0]
            ),
            int(idx[j]),
        )

    T_max, value, k = locate(None)
    reps = np.array([locate(b, k)[:2] for b in hist.reps])
    supported = bool(hist.ess(np.array([T_max]))[0] >= min_ess)
    if not supported:
        warnings.warn(
            f"T_range: the maximum of {quantity} at T = {T_max:.6g} is outside the supported range "
            f"(effective sample size below min_ess = {min_ess:g})",
            RuntimeWarning,
            stacklevel=2,
        )
    err = _jackknife_err(reps)
    return Peak(
        quantity, T_max, float(err[0]), value, float(err[1]), supported, reps[:, 0], reps[:, 1]
    )


def fss_extrapolate(L, values, errors, exponent: float, replicates=None) -> Extrapolation:
    """Weighted least-squares extrapolation y(L) = value + slope * L^-exponent to L = infinity.

    Parameters
    ----------
    L : array_like, 1-D
        Sizes (> 0, at least 2), e.g. the smaller size of each crossing pair.
    values, errors : array_like, 1-D
        Like L: the estimates and their errors (> 0), the weights 1/err^2.
    exponent : float > 0
        The correction exponent (for Binder crossings T*(L, 2L) - T_c ~ L^-(1/nu + omega)).
    replicates : (len(L), n_blocks) array, optional
        The estimates on each jackknife replicate (e.g. ``Crossing.replicates``), with the
        same block left out of every size in a column. Then ``err`` and ``slope_err`` are
        the jackknife errors of the fit (correlations between the points included: a size
        shared by two crossings enters both); else they are the least-squares errors.

    Returns
    -------
    Extrapolation
        value (the intercept, L = infinity) and err, slope and slope_err, chi2 (with the given
        errors, which ignore correlations) and dof = len(L) - 2, and the replicates' values.

    Raises
    ------
    ValueError
        Naming ``L``, ``values``, ``errors``, ``exponent`` or ``replicates`` if invalid.

    Examples
    --------
    Points exactly on 2.27 + 3 / L^2 extrapolate to 2.27:

    >>> import numpy as np
    >>> import isingvi as iv
    >>> L = np.array([8.0, 16.0, 32.0])
    >>> fit = iv.analysis.fss_extrapolate(L, 2.27 + 3 / L**2, [0.01, 0.01, 0.01], exponent=2.0)
    >>> round(fit.value, 6), round(fit.slope, 6), fit.dof
    (2.27, 3.0, 1)
    """
    L = as_real_array(L, "L").ravel()
    y, e = as_real_array(values, "values").ravel(), as_real_array(errors, "errors").ravel()
    exponent = as_float(exponent, "exponent")
    if not exponent > 0:
        raise ValueError(f"exponent: must be > 0, got {exponent!r}")
    if L.size < 2:
        raise ValueError(f"L: needs at least 2 sizes, got {L.size}")
    if not (np.all(np.isfinite(L)) and np.all(L > 0)):
        raise ValueError("L: every size must be finite and > 0")
    if y.shape != L.shape or not np.all(np.isfinite(y)):
        raise ValueError(f"values: needs {L.size} finite values (one per L), got shape {y.shape}")
    if e.shape != L.shape or not (np.all(np.isfinite(e)) and np.all(e > 0)):
        raise ValueError(f"errors: needs {L.size} finite errors > 0 (one per L), got {e.tolist()}")
    X = np.column_stack([np.ones_like(L), L**-exponent])
    w = 1.0 / e**2
    with np.errstate(all="ignore"):  # checked below
        normal = X.T @ (X * w[:, None])
        cov = np.linalg.inv(normal) if np.linalg.cond(normal) < 1e15 else None
    if cov is None or not np.all(
        np.isfinite(cov)
    ):  # equal sizes, or L^-exponent under- or overflowing
        raise ValueError(
            f"L: the sizes must give at least 2 distinct, representable L^-exponent, got L = {L.tolist()}"
        )

    def fit(yy):
        return cov @ (X.T @ (w * yy))

    a, b = fit(y)
    chi2 = float(np.sum(w * (y - X @ np.array([a, b])) ** 2))
    reps = None
    if replicates is not None:
        r = as_real_array(replicates, "replicates")
        if r.ndim != 2 or r.shape[0] != L.size or r.shape[1] < 2 or not np.all(np.isfinite(r)):
            raise ValueError(
                f"replicates: must be finite, of shape ({L.size}, n_blocks >= 2), got {r.shape}"
            )
        coef = np.array([fit(r[:, j]) for j in range(r.shape[1])])
        err_a, err_b = _jackknife_err(coef)
        reps = coef[:, 0]
    else:
        err_a, err_b = np.sqrt(np.diag(cov))
    return Extrapolation(
        float(a), float(err_a), float(b), float(err_b), chi2, int(L.size - 2), reps
    )
