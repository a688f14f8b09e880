"""Statistical analysis of Monte Carlo time series.

Conventions
-----------
Series are per spin: ``e = E/N`` and ``m = M/N`` for ``N`` spins. The
derived observables are

* specific heat  ``c = beta**2 * N * (<e**2> - <e>**2)``
* susceptibility ``chi = beta * N * (<m**2> - <|m|>**2)``
* Binder cumulant ``U4 = 1 - <m**4> / (3 * <m**2>**2)``

All errors are one standard error. Blocking keeps the last
``n_blocks * (len(x) // n_blocks)`` samples, so the (at most ``n_blocks - 1``)
dropped samples are the earliest, least equilibrated ones.
"""

from __future__ import annotations

import numbers
from typing import Callable

import numpy as np
import pandas as pd

__all__ = ["binned_mean", "tau_int", "jackknife", "summarise", "combine_replicates"]

COLUMNS = [
    "T", "beta", "n_samples", "u", "u_err", "c", "c_err", "abs_m", "abs_m_err",
    "m2", "m2_err", "m4", "m4_err", "chi", "chi_err", "u4", "u4_err",
    "tau_e", "tau_abs_m",
]


def _check_series(x, name: str = "x") -> np.ndarray:
    """Return `x` as a 1-D float array with >= 2 finite samples, else raise."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {x.shape}")
    if x.size < 2:
        raise ValueError(f"{name} needs at least 2 samples, got {x.size}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or inf")
    return x


def _check_n_blocks(n_blocks) -> int:
    # bool is an Integral subclass but n_blocks=True is surely a mistake
    if isinstance(n_blocks, bool) or not isinstance(n_blocks, numbers.Integral):
        raise ValueError(f"n_blocks must be an int, got {n_blocks!r}")
    if n_blocks < 2:
        raise ValueError(f"n_blocks must be >= 2, got {n_blocks}")
    return int(n_blocks)


def _blocks(x: np.ndarray, n_blocks: int) -> np.ndarray:
    """Reshape to (n_blocks, block_size), dropping the first len % n_blocks samples."""
    n_blocks = min(n_blocks, x.size)
    size = x.size // n_blocks
    return x[x.size - n_blocks * size:].reshape(n_blocks, size)


def binned_mean(x, n_blocks: int = 32) -> tuple[float, float]:
    """Mean of a series and its standard error from contiguous blocks.

    Parameters
    ----------
    x : array_like
        1-D series with at least 2 finite samples.
    n_blocks : int
        Number of equal blocks (>= 2); reduced to ``len(x)`` if larger. The
        first ``len(x) % n_blocks`` samples are dropped.

    Returns
    -------
    mean, err : float
        Mean of the kept samples and ``std(block means, ddof=1) / sqrt(n_blocks)``.
    """
    x = _check_series(x)
    means = _blocks(x, _check_n_blocks(n_blocks)).mean(axis=1)
    return float(means.mean()), float(means.std(ddof=1) / np.sqrt(means.size))


def tau_int(x, c: float = 6.0) -> float:
    """Integrated autocorrelation time with Sokal's automatic window.

    ``tau_int = 1/2 + sum_{t=1}^{W} rho(t)`` with ``W`` the smallest window
    satisfying ``W >= c * tau_int(W)``, so that ``var(mean) = 2 tau_int var(x) / n``
    (iid data give 0.5).

    Parameters
    ----------
    x : array_like
        1-D series with at least 2 finite samples.
    c : float
        Window factor, > 0 (5 to 10 is usual).

    Returns
    -------
    float
        The estimate; 0.5 for a constant series.
    """
    x = _check_series(x)
    if not (np.isfinite(c) and c > 0):
        raise ValueError(f"c must be a finite number > 0, got {c!r}")
    if np.ptp(x) == 0:
        return 0.5
    n = x.size
    y = x - x.mean()
    # zero-pad to a power of two >= 2n so the circular FFT correlation has no wrap-around
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(y, size)
    acf = np.fft.irfft(f.real**2 + f.imag**2, size)[:n]
    if acf[0] <= 0:  # only possible through underflow of a near-constant series
        return 0.5
    taus = 0.5 + np.cumsum(acf[1:] / acf[0])  # taus[W-1] = tau_int(W)
    ok = np.arange(1, n) >= c * taus
    # no window satisfies the criterion: series too short, use the longest window
    w = int(np.argmax(ok)) if ok.any() else n - 2
    return float(taus[w])


def jackknife(estimator: Callable[..., float], *series, n_blocks: int = 32) -> tuple[float, float]:
    """Block-jackknife value and standard error of a function of means.

    Parameters
    ----------
    estimator : callable
        ``estimator(mean_1, mean_2, ...)`` returning a float, e.g.
        ``lambda a, b: b - a * a`` with series ``e, e * e``.
    *series : array_like
        1-D series of equal length, at least one.
    n_blocks : int
        Number of contiguous blocks left out in turn (as in `binned_mean`,
        including which samples are dropped).

    Returns
    -------
    value, err : float
        ``estimator`` of the means of the kept samples, and
        ``sqrt((n - 1) / n * sum_b (theta_b - mean(theta))**2)`` over the
        leave-one-block-out estimates ``theta_b``.
    """
    if not callable(estimator):
        raise ValueError("estimator must be callable")
    if not series:
        raise ValueError("series: give at least one series")
    arrays = [_check_series(s, "series") for s in series]
    if len({a.size for a in arrays}) > 1:
        raise ValueError(f"series must have equal lengths, got {[a.size for a in arrays]}")
    n_blocks = _check_n_blocks(n_blocks)
    sums = np.array([_blocks(a, n_blocks).sum(axis=1) for a in arrays])  # (k, n)
    n = sums.shape[1]
    size = arrays[0].size // n
    total = sums.sum(axis=1)
    loo = (total[:, None] - sums) / ((n - 1) * size)  # leave-one-block-out means
    value = float(estimator(*(total / (n * size))))
    thetas = np.array([estimator(*m) for m in loo.T], dtype=float)
    if np.isfinite(value) and not np.all(np.isfinite(thetas)):
        raise ValueError("estimator is not finite on some leave-one-block-out means")
    err = np.sqrt((n - 1) / n * np.sum((thetas - thetas.mean()) ** 2))
    return value, float(err)


def summarise(result, n_blocks: int = 32) -> pd.DataFrame:
    """Thermodynamic summary of a temperature scan, one row per temperature.

    Parameters
    ----------
    result : object
        Has ``T`` (1-D, length n_T, > 0), ``E`` and ``M`` (shape
        (n_T, n_samples), TOTAL energy and magnetisation per measurement) and
        ``n_spins`` (int N).
    n_blocks : int
        Blocks for `binned_mean` and `jackknife`.

    Returns
    -------
    pandas.DataFrame
        Columns ``T, beta, n_samples, u, u_err, c, c_err, abs_m, abs_m_err,
        m2, m2_err, m4, m4_err, chi, chi_err, u4, u4_err, tau_e, tau_abs_m``.
        u, abs_m, m2, m4 have binned errors; c, chi, u4 jackknife errors;
        tau_e and tau_abs_m are `tau_int` of e and |m|. ``u4`` and ``u4_err``
        are NaN if and only if ``<m**2> == 0`` (all kept m are zero), where
        U4 is undefined; this is the only NaN the function returns. If
        instead only one block has nonzero m, U4's jackknife error is
        undefined and `jackknife` raises ValueError.
    """
    n_blocks = _check_n_blocks(n_blocks)
    try:
        T, E, M, N = result.T, result.E, result.M, result.n_spins
    except AttributeError as exc:
        raise ValueError(f"result lacks an attribute: {exc}") from None
    T, E, M = (np.asarray(a, dtype=float) for a in (T, E, M))
    if E.ndim != 2 or E.shape != M.shape:
        raise ValueError(
            f"result.E and result.M must be 2-D of equal shape, got {E.shape} and {M.shape}")
    if T.shape != (E.shape[0],) or not np.all(np.isfinite(T) & (T > 0)):
        raise ValueError(f"result.T must be 1-D, positive, of length {E.shape[0]}")
    if E.shape[1] < 2 or not (np.all(np.isfinite(E)) and np.all(np.isfinite(M))):
        raise ValueError("result.E and result.M need >= 2 samples, all finite")
    if isinstance(N, bool) or not isinstance(N, numbers.Integral) or N < 1:
        raise ValueError(f"result.n_spins must be a positive int, got {N!r}")

    rows = []
    for t, e, m in zip(T, E / N, M / N):
        beta = 1.0 / t
        am, m2s = np.abs(m), m * m
        u, u_err = binned_mean(e, n_blocks)
        abs_m, abs_m_err = binned_mean(am, n_blocks)
        m2, m2_err = binned_mean(m2s, n_blocks)
        m4, m4_err = binned_mean(m2s * m2s, n_blocks)
        c, c_err = jackknife(lambda a, b: beta**2 * N * (b - a * a), e, e * e, n_blocks=n_blocks)
        chi, chi_err = jackknife(lambda a, b: beta * N * (b - a * a), am, m2s, n_blocks=n_blocks)
        if m2 == 0:  # U4 = 1 - 0/0 is undefined
            u4 = u4_err = np.nan
        else:
            u4, u4_err = jackknife(lambda b, d: 1 - d / (3 * b * b), m2s, m2s * m2s,
                                   n_blocks=n_blocks)
        rows.append([t, beta, e.size, u, u_err, c, c_err, abs_m, abs_m_err, m2, m2_err,
                     m4, m4_err, chi, chi_err, u4, u4_err, tau_int(e), tau_int(am)])
    return pd.DataFrame(rows, columns=COLUMNS)


def combine_replicates(df: pd.DataFrame, by: list[str], values: list[str], keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Average independent replicates of each ``by`` group.

    For every q in ``values`` the mean of q and its standard error
    sqrt(sum q_err^2) / n (independent runs: errors add in quadrature), plus ``n_rep``; the
    ``keep`` columns, equal within a group, are carried over from its first row.
    """
    def one(g: pd.DataFrame) -> pd.Series:
        n = len(g)
        out = {"n_rep": n, **{k: g[k].iloc[0] for k in keep}}
        for q in values:
            out[q] = g[q].mean()
            out[q + "_err"] = np.sqrt((g[q + "_err"] ** 2).sum()) / n
        return pd.Series(out)

    return df.groupby(by).apply(one, include_groups=False).reset_index()
