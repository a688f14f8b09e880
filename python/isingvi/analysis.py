"""Statistical analysis of Monte Carlo time series.

Conventions
-----------
Series are per spin: ``e = E/N`` and ``m = M/N`` for ``N`` spins. The
derived observables are

* specific heat  ``c = beta**2 * N * (<e**2> - <e>**2)``
* susceptibility ``chi = beta * N * (<m**2> - <|m|>**2)``
* Binder cumulant ``U4 = 1 - <m**4> / (3 * <m**2>**2)``

Autocorrelation times from `summarise` (``tau_e``, ``tau_abs_m``) are in samples; `tau_sweeps`
gives them in sweeps, the unit that compares algorithms (see there for what a sweep is).

All errors are one standard error. Blocking keeps the last
``n_blocks * (len(x) // n_blocks)`` samples, so the (at most ``n_blocks - 1``)
dropped samples are the earliest, least equilibrated ones.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ._validate import as_float, as_real_array, as_temperatures
from .reweighting import (
    binder_crossing,
    fss_extrapolate,
    multihistogram,
    peak,
    reweight,
    supported_range,
)

__all__ = [
    "binder_crossing",
    "binned_mean",
    "combine_replicates",
    "fss_extrapolate",
    "jackknife",
    "multihistogram",
    "peak",
    # histogram reweighting (isingvi.reweighting), with the other estimators
    "reweight",
    "summarise",
    "supported_range",
    "tau_int",
    "tau_sweeps",
]

COLUMNS = [
    "T",
    "beta",
    "n_samples",
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
    "tau_e",
    "tau_abs_m",
]


def _check_series(x, name: str = "x") -> np.ndarray:
    """Return `x` as a 1-D float array with >= 2 finite samples, else raise."""
    x = as_real_array(x, name)
    if x.ndim != 1:
        raise ValueError(f"{name}: must be 1-D, got shape {x.shape}")
    if x.size < 2:
        raise ValueError(f"{name}: needs at least 2 samples, got {x.size}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name}: contains NaN or inf")
    return x


def _scale(x: np.ndarray) -> float:
    """A power of two s with max |x| / s in [1, 2) (1 for all-zero x). Sums and squares of x / s
    cannot overflow, and dividing by a power of two and multiplying back is exact, so statistics
    computed this way equal the plain ones wherever those are finite."""
    top = float(np.max(np.abs(x), initial=0.0))
    return math.ldexp(1.0, math.frexp(top)[1] - 1) if top > 0 else 1.0


def _check_n_blocks(n_blocks) -> int:
    # bool is an Integral subclass but n_blocks=True is surely a mistake
    if isinstance(n_blocks, bool) or not isinstance(n_blocks, numbers.Integral):
        raise ValueError(f"n_blocks: must be an int, got {n_blocks!r}")
    if n_blocks < 2:
        raise ValueError(f"n_blocks: must be >= 2, got {n_blocks}")
    return int(n_blocks)


def _blocks(x: np.ndarray, n_blocks: int) -> np.ndarray:
    """Reshape to (n_blocks, block_size), dropping the first len % n_blocks samples."""
    n_blocks = min(n_blocks, x.size)
    size = x.size // n_blocks
    return x[x.size - n_blocks * size :].reshape(n_blocks, size)


def binned_mean(x, n_blocks: int = 32) -> tuple[float, float]:
    """Mean of a series and its standard error from contiguous blocks.

    Parameters
    ----------
    x : array_like
        1-D series with at least 2 finite samples.
    n_blocks : int, default 32
        Number of equal blocks (>= 2); reduced to ``len(x)`` if larger. The
        first ``len(x) % n_blocks`` samples are dropped.

    Returns
    -------
    mean, err : float
        Mean of the kept samples and ``std(block means, ddof=1) / sqrt(n_blocks)``.

    Raises
    ------
    ValueError
        Naming ``x`` (not 1-D, fewer than 2 samples, not finite) or ``n_blocks``.

    Examples
    --------
    >>> import numpy as np
    >>> from isingvi.analysis import binned_mean
    >>> binned_mean(np.arange(8.0), n_blocks=4)
    (3.5, 1.29099...)
    """
    x = _check_series(x)
    s = _scale(x)
    means = _blocks(x / s, _check_n_blocks(n_blocks)).mean(axis=1)
    return float(means.mean() * s), float(means.std(ddof=1) / np.sqrt(means.size) * s)


def tau_int(x, c: float = 6.0) -> float:
    """Integrated autocorrelation time with Sokal's automatic window.

    ``tau_int = 1/2 + sum_{t=1}^{W} rho(t)`` with ``W`` the smallest window
    satisfying ``W >= c * tau_int(W)``, so that ``var(mean) = 2 tau_int var(x) / n``
    (iid data give 0.5).

    Parameters
    ----------
    x : array_like
        1-D series with at least 2 finite samples.
    c : float, default 6.0
        Window factor, > 0 (5 to 10 is usual).

    Returns
    -------
    float
        The estimate, in samples; 0.5 for a constant series.

    Raises
    ------
    ValueError
        Naming ``x`` or ``c``.

    Examples
    --------
    An AR(1) series x_t = 0.9 x_(t-1) + noise has tau_int = (1 + 0.9) / (2 (1 - 0.9)) = 9.5;
    independent samples have 0.5:

    >>> import numpy as np
    >>> from isingvi.analysis import tau_int
    >>> rng = np.random.default_rng(0)
    >>> round(tau_int(rng.normal(size=1000)), 1)
    0.5
    >>> x = np.zeros(1000)
    >>> for t in range(1, 1000):
    ...     x[t] = 0.9 * x[t - 1] + rng.normal()
    >>> round(tau_int(x), 1)
    14.2
    """
    x = _check_series(x)
    if not as_float(c, "c") > 0:
        raise ValueError(f"c: must be a finite number > 0, got {c!r}")
    x = x / _scale(x)  # tau is scale-free; this keeps x - mean and the FFT from overflowing
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
    n_blocks : int, default 32
        Number of contiguous blocks left out in turn (as in `binned_mean`,
        including which samples are dropped).

    Returns
    -------
    value, err : float
        ``estimator`` of the means of the kept samples, and
        ``sqrt((n - 1) / n * sum_b (theta_b - mean(theta))**2)`` over the
        leave-one-block-out estimates ``theta_b``.

    Raises
    ------
    ValueError
        Naming ``estimator`` (not callable, or not finite at the means), ``series`` (none, or
        of unequal lengths) or ``n_blocks``.

    Examples
    --------
    The variance <e^2> - <e>^2 of a series, with its error:

    >>> import numpy as np
    >>> from isingvi.analysis import jackknife
    >>> e = np.arange(1.0, 9.0)
    >>> jackknife(lambda a, b: b - a * a, e, e * e, n_blocks=4)
    (5.25, 3.0792...)
    """
    if not callable(estimator):
        raise ValueError("estimator: must be callable")
    if not series:
        raise ValueError("series: give at least one series")
    arrays = [_check_series(s, "series") for s in series]
    if len({a.size for a in arrays}) > 1:
        raise ValueError(f"series: must have equal lengths, got {[a.size for a in arrays]}")
    n_blocks = _check_n_blocks(n_blocks)
    # Block sums of each series over its scale (exact, see _scale), so that they cannot overflow.
    scales = np.array([_scale(a) for a in arrays])
    sums = np.array(
        [_blocks(a / s, n_blocks).sum(axis=1) for a, s in zip(arrays, scales)]
    )  # (k, n)
    n = sums.shape[1]
    size = arrays[0].size // n
    total = sums.sum(axis=1)
    loo = (total[:, None] - sums) / ((n - 1) * size) * scales[:, None]  # leave-one-block-out means
    value = _estimate(estimator, total / (n * size) * scales)
    thetas = np.array([_estimate(estimator, m) for m in loo.T])
    if not np.isfinite(value):
        raise ValueError(f"estimator: not finite at the means of the series, got {value!r}")
    if not np.all(np.isfinite(thetas)):
        raise ValueError("estimator: not finite on some leave-one-block-out means")
    s = _scale(thetas)
    d = thetas / s
    err = np.sqrt((n - 1) / n * np.sum((d - d.mean()) ** 2)) * s
    return value, float(err)


def _estimate(estimator: Callable[..., float], means) -> float:
    return as_float(estimator(*means), "estimator", finite=False)


def _result_series(result) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """T, E, M and n_spins of a Monte Carlo result (see `summarise`), checked."""
    try:
        T, E, M, N = result.T, result.E, result.M, result.n_spins
    except AttributeError as exc:
        raise ValueError(f"result: lacks an attribute: {exc}") from None
    T, E, M = (
        as_temperatures(T, "result.T"),
        as_real_array(E, "result.E"),
        as_real_array(M, "result.M"),
    )
    if E.ndim != 2 or E.shape != M.shape:
        raise ValueError(
            f"result.E: result.E and result.M must be 2-D of equal shape, got {E.shape} and {M.shape}"
        )
    if T.shape != (E.shape[0],):
        raise ValueError(
            f"result.T: needs one temperature per row of result.E, {E.shape[0]}, got {T.size}"
        )
    if E.shape[1] < 2 or not (np.all(np.isfinite(E)) and np.all(np.isfinite(M))):
        raise ValueError("result.E: result.E and result.M need >= 2 samples, all finite")
    if isinstance(N, bool) or not isinstance(N, numbers.Integral) or N < 1:
        raise ValueError(f"result.n_spins: must be a positive int, got {N!r}")
    if np.any(np.abs(M) > N):
        raise ValueError(f"result.M: a total magnetisation of {N} spins +-1 has |M| <= {N}")
    return T, E, M, int(N)


def tau_sweeps(result, c: float = 6.0) -> pd.DataFrame:
    """Integrated autocorrelation times of e and |m| per temperature, in sweeps.

    The unit that makes algorithms comparable: `tau_int` (samples) times ``result.every``
    (sweeps per sample). A sweep is N single-spin attempts (Metropolis, heat bath), about N
    flipped spins (Wolff's measuring sweep: a fixed number of clusters, N over the mean
    cluster size while thermalising), or one cluster decomposition of the whole lattice
    (Swendsen-Wang); for parallel tempering, one sweep of every replica and a swap round every
    ``swap_every``. Per sweep, not per second: a cluster sweep costs a few single-spin sweeps.
    The ``flips_per_sweep`` column (spins flipped per sweep / N, where the result has it)
    shows what a sweep did: for Wolff after too short a thermalisation it is several N, and
    tau times it is the time in units of N flipped spins.

    Parameters
    ----------
    result : object
        As for `summarise`, plus ``every`` (a positive int): an
        :class:`isingvi.mc.MCResult` or :class:`isingvi.tempering.TemperingResult`.
    c : float, default 6.0
        Sokal's window factor, as for `tau_int`.

    Returns
    -------
    pandas.DataFrame
        Columns ``T, every, flips_per_sweep, tau_e, tau_abs_m``, one row per temperature
        (``flips_per_sweep`` NaN if the result lacks it). Exact in sweeps for ``every = 1``;
        for thinned series the product approximates it when tau >> every and is about
        every / 2 for independent samples.

    Raises
    ------
    ValueError
        Naming ``result`` or the attribute of it that is missing or inconsistent
        (``result.every``, ``result.E``, ...), or ``c``.

    Examples
    --------
    >>> import isingvi as iv
    >>> res = iv.mc.run(iv.SquareLattice(4), T=[2.0, 3.0], n_therm=100, n_measure=1000)
    >>> iv.analysis.tau_sweeps(res).columns.tolist()
    ['T', 'every', 'flips_per_sweep', 'tau_e', 'tau_abs_m']
    """
    T, E, M, N = _result_series(result)
    every = getattr(result, "every", None)
    if isinstance(every, bool) or not isinstance(every, numbers.Integral) or every < 1:
        raise ValueError(f"result.every: must be a positive int (sweeps per sample), got {every!r}")
    flips = getattr(result, "flips_per_sweep", None)
    flips = (
        np.full(T.size, np.nan) if flips is None else as_real_array(flips, "result.flips_per_sweep")
    )
    if flips.shape != T.shape:
        raise ValueError(
            f"result.flips_per_sweep: needs one value per temperature, {T.size}, got {flips.shape}"
        )
    rows = [
        (t, int(every), f, every * tau_int(e / N, c), every * tau_int(np.abs(m) / N, c))
        for t, f, e, m in zip(T, flips, E, M)
    ]
    return pd.DataFrame(rows, columns=["T", "every", "flips_per_sweep", "tau_e", "tau_abs_m"])


def summarise(result, n_blocks: int = 32) -> pd.DataFrame:
    """Thermodynamic summary of a temperature scan, one row per temperature.

    Parameters
    ----------
    result : object
        Has ``T`` (1-D, length n_T, > 0), ``E`` and ``M`` (shape
        (n_T, n_samples), TOTAL energy and magnetisation per measurement) and
        ``n_spins`` (int N).
    n_blocks : int, default 32
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
        undefined and ValueError is raised. c = N (beta sigma_e)^2 is
        computed so that it is exactly 0 for a constant energy, at any T.

    Raises
    ------
    ValueError
        Naming ``result`` or its inconsistent attribute (``result.T``, ``result.E``,
        ``result.M``, ``result.n_spins``), or ``n_blocks``.

    Examples
    --------
    >>> import isingvi as iv
    >>> res = iv.mc.run(iv.SquareLattice(4), T=[2.0, 3.0], n_therm=100, n_measure=1000, seed=1)
    >>> df = iv.analysis.summarise(res)
    >>> df.u.round(2).tolist()
    [-1.76, -1.02]
    """
    n_blocks = _check_n_blocks(n_blocks)
    T, E, M, N = _result_series(result)
    rows = []
    for t, e, m in zip(T, E / N, M / N):
        beta = 1.0 / t
        am, m2s = np.abs(m), m * m
        u, u_err = binned_mean(e, n_blocks)
        abs_m, abs_m_err = binned_mean(am, n_blocks)
        m2, m2_err = binned_mean(m2s, n_blocks)
        m4, m4_err = binned_mean(m2s * m2s, n_blocks)
        # c = N (beta sigma_e)^2 from e / s (exact, see _scale): no overflow of e^2 or beta^2,
        # and exactly 0 when sigma_e = 0 even where beta^2 overflows
        s = _scale(e)
        # the lambdas run inside jackknife, before beta or s change
        c, c_err = jackknife(
            lambda a, b: N * (beta * (math.sqrt(max(b - a * a, 0.0)) * s)) ** 2,  # noqa: B023
            e / s,
            (e / s) ** 2,
            n_blocks=n_blocks,
        )
        chi, chi_err = jackknife(lambda a, b: beta * (b - a * a) * N, am, m2s, n_blocks=n_blocks)  # noqa: B023
        if m2 == 0:  # U4 = 1 - 0/0 is undefined
            u4 = u4_err = np.nan
        else:
            try:
                u4, u4_err = jackknife(
                    lambda b, d: 1 - d / (3 * b * b), m2s, m2s * m2s, n_blocks=n_blocks
                )
            except ValueError:
                raise ValueError(
                    f"result: U4's jackknife error is undefined at T = {t!r}: only one block "
                    "has nonzero m"
                ) from None
        row = [
            t,
            beta,
            e.size,
            u,
            u_err,
            c,
            c_err,
            abs_m,
            abs_m_err,
            m2,
            m2_err,
            m4,
            m4_err,
            chi,
            chi_err,
            u4,
            u4_err,
            tau_int(e),
            tau_int(am),
        ]
        if not np.all(np.isfinite(row[:15])):  # only for E far beyond any model's supported range
            raise ValueError(f"result.E: the specific heat or its error overflows at T = {t!r}")
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def _column_names(df: pd.DataFrame, names, param: str) -> list:
    """``names`` (one column name or a list of them) as a list, each a column of ``df``."""
    names = [names] if isinstance(names, str) else names
    try:
        names = list(names)
        missing = [c for c in names if c not in df.columns]
    except TypeError:  # not iterable, or an unhashable name
        raise ValueError(
            f"{param}: must be a column name or a list of them, got {names!r}"
        ) from None
    if missing:
        raise ValueError(f"{param}: no such columns {missing}")
    return names


def combine_replicates(
    df: pd.DataFrame,
    by: str | list[str],
    values: str | list[str],
    keep: str | list[str] | tuple[str, ...] = (),
) -> pd.DataFrame:
    """Average independent replicates of each ``by`` group.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per replicate, with columns q and q_err for every q in ``values`` (finite
        numbers).
    by : str or list of str
        Grouping columns.
    values : str or list of str
        Quantities q to average.
    keep : str or list of str, default ()
        Columns, equal within a group, carried over from its first row.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``n_rep`` (replicates in the group), the
        ``keep`` columns, and for every q the mean of q and its standard error
        sqrt(sum q_err^2) / n (independent runs: errors add in quadrature).

    Raises
    ------
    ValueError
        Naming ``df`` (not a non-empty DataFrame), ``by`` (empty, or overlapping ``values`` or
        ``keep``), ``values`` (missing or non-finite q or q_err columns) or ``keep``.

    Examples
    --------
    >>> import pandas as pd
    >>> from isingvi.analysis import combine_replicates
    >>> df = pd.DataFrame({"T": [2.0, 2.0, 3.0], "u": [-1.0, -1.2, -0.5],
    ...                    "u_err": [0.1, 0.1, 0.2]})
    >>> out = combine_replicates(df, by="T", values="u")
    >>> out.u.round(6).tolist(), out.u_err.round(6).tolist()
    ([-1.1, -0.5], [0.070711, 0.2])
    """
    if not isinstance(df, pd.DataFrame) or df.empty:
        raise ValueError(f"df: must be a non-empty DataFrame, got {type(df).__name__}")
    by, values, keep = (
        _column_names(df, arg, name)
        for arg, name in ((by, "by"), (values, "values"), (keep, "keep"))
    )
    if not by:
        raise ValueError("by: needs at least one column")
    if set(values) & set(by) or set(keep) & set(by):
        raise ValueError(f"values: the grouping columns {by} cannot also be values or kept columns")
    for q in values:
        if not isinstance(q, str):
            raise ValueError(f"values: column names must be strings (q and q + '_err'), got {q!r}")
        for col in (q, q + "_err"):
            if col not in df or not np.all(
                np.isfinite(as_real_array(df[col].to_numpy(), "values"))
            ):
                raise ValueError(f"values: needs finite numeric columns {q!r} and {q + '_err'!r}")

    def one(g: pd.DataFrame) -> pd.Series:
        n = len(g)
        out = {"n_rep": n, **{k: g[k].iloc[0] for k in keep}}
        for (
            q
        ) in values:  # over the values' scale (see _scale): no overflow where the answer is finite
            x, err = g[q].to_numpy(float), g[q + "_err"].to_numpy(float)
            s, t = _scale(x), _scale(err)
            out[q] = (x / s).mean() * s
            out[q + "_err"] = np.sqrt(((err / t) ** 2).sum()) / n * t
        return pd.Series(out)

    groups: Any = df.groupby(by)  # include_groups is newer than some pandas stubs
    return groups.apply(one, include_groups=False).reset_index()
