"""Histogram reweighting (isingvi.reweighting, re-exported by isingvi.analysis).

Statistical checks use fixed seeds and |z| < 4 with the jackknife error bars the functions
report; each would fail for a wrong sign of the reweighting exponent, a missing ln Z_k, or
errors that ignore the blocks. References: exact enumeration (L = 2, 4: u, c, |m|, m2, m4 and
U4), Kaufman (L = 8, 16: u and c, and the maximum of c), and direct Monte Carlo runs.
"""

from __future__ import annotations

import re
import types
import warnings

import isingvi as iv
import numpy as np
import pandas as pd
import pytest
from conftest import assert_z
from isingvi.analysis import (
    binder_crossing,
    fss_extrapolate,
    multihistogram,
    peak,
    reweight,
    supported_range,
)
from scipy.optimize import minimize_scalar

OBS = ("u", "c", "abs_m", "m2", "m4", "u4")


def wolff(L: int, T, n_measure: int, seed: int, n_therm: int = 500):
    return iv.mc.run(
        iv.SquareLattice(L), T, algorithm="wolff", n_therm=n_therm, n_measure=n_measure, seed=seed
    )


def exact_table(L: int, T) -> pd.DataFrame:
    df = iv.exact.enumerate(iv.SquareLattice(L), T)
    df["u4"] = 1 - df.m4 / (3 * df.m2**2)
    return df


def exact_u4(L: int):
    """U4(T) of the periodic L x L lattice by enumeration, as a callable."""
    return lambda T: float(exact_table(L, T)["u4"].iloc[0])


def series(T, E, M, n_spins):
    return types.SimpleNamespace(
        T=np.atleast_1d(T), E=np.atleast_2d(E), M=np.atleast_2d(M), n_spins=n_spins
    )


# --- single histogram ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_l4():
    return wolff(4, 2.3, 40_000, seed=11)


def test_reweight_at_the_simulated_temperature_is_summarise():
    res = wolff(8, [2.2, 2.5], 3000, seed=1)
    rw, ref = reweight(res, res.T, n_blocks=16), res.summary(n_blocks=16)
    assert (
        (rw.T_source == res.T).all() and np.allclose(rw.ess, 1, rtol=1e-12) and rw.supported.all()
    )
    for q in ("u", "c", "abs_m", "m2", "m4", "chi", "u4"):
        assert np.allclose(rw[q], ref[q], rtol=1e-10, atol=0), q
        assert np.allclose(rw[q + "_err"], ref[q + "_err"], rtol=1e-7, atol=0), q


def test_reweight_l4_to_neighbours_agrees_with_enumeration(run_l4):
    T_new = [2.2, 2.4]
    rw, ex = reweight(run_l4, T_new, strict=True), exact_table(4, T_new)
    for q in OBS:
        for k, t in enumerate(T_new):
            assert_z(rw[q][k], rw[q + "_err"][k], ex[q][k], f"{q} at T = {t}")


def test_reweight_l4_agrees_with_direct_runs(run_l4):
    T_new = [2.2, 2.4]
    rw = reweight(run_l4, T_new)
    direct = wolff(4, T_new, 40_000, seed=12).summary()
    for q in OBS:
        z = (rw[q] - direct[q]) / np.hypot(rw[q + "_err"], direct[q + "_err"])
        assert (np.abs(z) < 4).all(), (q, z.tolist())


def test_reweight_l8_agrees_with_kaufman():
    res = wolff(8, 2.3, 20_000, seed=3)
    T_new = [2.25, 2.35]
    rw, ex = reweight(res, T_new, strict=True), iv.exact.kaufman(8, T_new)
    for q in ("u", "c"):
        for k, t in enumerate(T_new):
            assert_z(rw[q][k], rw[q + "_err"][k], ex[q][k], f"L = 8 {q} at T = {t}")


def test_reweight_takes_the_nearest_run_or_the_one_asked_for():
    res = wolff(4, [2.0, 3.0], 2000, seed=5)
    # nearest in beta: 2.45 is nearer 2.0 in T but nearer 3.0 in beta
    assert reweight(res, [2.1, 2.9, 2.35, 2.45]).T_source.tolist() == [2.0, 3.0, 2.0, 3.0]
    assert reweight(res, [2.1, 2.9], source=1).T_source.tolist() == [3.0, 3.0]


def test_far_temperature_warns_and_strict_raises():
    res = wolff(16, 2.3, 4000, seed=7)
    with pytest.warns(RuntimeWarning, match=r"^T_new: 1 temperature"):
        df = reweight(res, [2.3, 3.5])
    assert df.supported.tolist() == [True, False] and df.ess[1] < 0.1
    lo, hi = supported_range(res)
    assert 2.0 < lo < 2.3 < hi < 2.6
    assert reweight(res, [lo * 1.001, hi * 0.999], strict=True).supported.all()
    with pytest.raises(ValueError, match=r"^T_new: .*3\.5.*outside the supported range"):
        reweight(res, [2.3, 3.5], strict=True)


def test_no_overflow_at_large_beta_e():
    """A million spins at T = 0.01: beta |E| ~ 2e8, far beyond exp's range."""
    rng = np.random.default_rng(0)
    N = 10**6
    E = -2.0 * N + 4.0 * rng.poisson(3.0, 2000)
    M = N - 2.0 * rng.poisson(1.0, 2000)
    df = reweight(series(0.01, E, M, N), [0.00996, 0.01, 0.01001], strict=True)
    assert np.isfinite(df.drop(columns="supported").to_numpy(float)).all()
    assert df.u.is_monotonic_increasing and (df.u > -2).all()


# --- multiple histograms ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs_l16():
    return wolff(16, [2.22, 2.28, 2.34], 8000, seed=21)


def test_multihistogram_l16_agrees_with_kaufman(runs_l16):
    T = np.linspace(2.2, 2.36, 9)
    mh = multihistogram(runs_l16, T, strict=True)
    ex = iv.exact.kaufman(16, T)
    for q in ("u", "c"):
        for k, t in enumerate(T):
            assert_z(mh[q][k], mh[q + "_err"][k], ex[q][k], f"L = 16 {q} at T = {t:.3f}")


def test_multihistogram_of_one_run_is_reweight(runs_l16):
    one = series(runs_l16.T[1], runs_l16.E[1], runs_l16.M[1], runs_l16.n_spins)
    T = [2.26, 2.28, 2.3]
    a, b = multihistogram(one, T), reweight(one, T).drop(columns="T_source")
    pd.testing.assert_frame_equal(a, b, rtol=1e-10)


def test_multihistogram_combines_runs_given_as_a_list(runs_l16):
    """A list of one-temperature results is the same data as one three-temperature result."""
    parts = [
        series(t, e, m, runs_l16.n_spins) for t, e, m in zip(runs_l16.T, runs_l16.E, runs_l16.M)
    ]
    T = [2.25, 2.31]
    pd.testing.assert_frame_equal(multihistogram(parts, T), multihistogram(runs_l16, T), rtol=1e-9)


def test_peak_of_c_agrees_with_kaufman(runs_l16):
    p = peak(runs_l16, "c")
    ref = minimize_scalar(
        lambda t: -iv.exact.kaufman(16, [t]).c[0],
        bounds=(2.2, 2.4),
        method="bounded",
        options={"xatol": 1e-9},
    )
    assert p.supported and p.replicates_T.shape == (32,)
    assert_z(p.T, p.T_err, ref.x, "L = 16 T of max c")
    assert_z(p.value, p.value_err, -ref.fun, "L = 16 max c")
    chi = peak(runs_l16, "chi")
    assert chi.T > p.T and chi.value > 0  # chi peaks above c on a torus


# --- Binder crossings --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exact_crossing_l2_l4():
    return binder_crossing(exact_u4(2), exact_u4(4), T_range=(1.5, 3.0), n_grid=16)


def test_crossing_of_exact_curves(exact_crossing_l2_l4):
    c = exact_crossing_l2_l4
    u2, u4 = exact_u4(2), exact_u4(4)
    assert c.T_err == 0 and c.replicates.size == 0
    assert abs(u2(c.T) - u4(c.T)) < 1e-12 and abs(c.u4 - u4(c.T)) < 1e-15
    d = [u2(t) - u4(t) for t in (c.T - 1e-6, c.T + 1e-6)]
    assert d[0] * d[1] < 0  # a genuine sign change
    grid = np.linspace(1.5, 3.0, 301)  # and the only one in the range
    assert np.sum(np.diff(np.sign(exact_table(2, grid).u4 - exact_table(4, grid).u4)) != 0) == 1


def test_mc_crossing_agrees_with_exact_crossing(exact_crossing_l2_l4):
    T_star = exact_crossing_l2_l4.T
    small, large = wolff(2, 2.1, 400_000, seed=31), wolff(4, 2.1, 400_000, seed=32)
    c = binder_crossing(small, large)
    assert c.supported and 0 < c.T_err < 0.02 and c.replicates.shape == (32,)
    assert_z(c.T, c.T_err, T_star, "L = 2, 4 crossing")
    assert_z(c.u4, c.u4_err, exact_u4(4)(T_star), "U4 at the crossing")
    mixed = binder_crossing(exact_u4(2), large)  # one exact curve: only the other's error
    assert_z(mixed.T, mixed.T_err, T_star, "exact L = 2 against MC L = 4")


def test_fss_extrapolate_recovers_a_line():
    L = np.array([8.0, 16.0, 32.0, 64.0])
    y = 2.27 + 0.5 * L**-1.75
    fit = fss_extrapolate(L, y, np.full(4, 1e-3), 1.75)
    assert fit.value == pytest.approx(2.27, abs=1e-12) and fit.slope == pytest.approx(0.5, abs=1e-9)
    assert fit.chi2 < 1e-15 and fit.dof == 2 and fit.replicates is None
    # jackknife replicates: shifting one block of every point shifts the fit by as much
    reps = y[:, None] + np.linspace(-1, 1, 10)[None, :] * 1e-3
    fit = fss_extrapolate(L, y, np.full(4, 1e-3), 1.75, replicates=reps)
    assert fit.err == pytest.approx(
        np.sqrt(9 / 10 * np.sum(np.linspace(-1, 1, 10) ** 2)) * 1e-3, rel=1e-9
    )


# --- bad input names the parameter -----------------------------------------------------------


@pytest.fixture(scope="module")
def small_run():
    return wolff(4, [2.2, 2.5], 400, seed=41)


def _other_size(r):
    return series(2.3, r.E[0], r.M[0], 25)


# case -> (call on a small valid run r, the parameter its message must start with)
BAD = {
    "mismatched E and M": (
        lambda r: reweight(series(r.T, r.E, r.M[:, :-1], r.n_spins), 2.3),
        "result.M",
    ),
    "T per row": (lambda r: multihistogram(series([2.2], r.E, r.M, r.n_spins), 2.3), "results.T"),
    "non-positive T_new": (lambda r: reweight(r, [2.3, 0.0]), "T_new"),
    "NaN T_new": (lambda r: multihistogram(r, [np.nan]), "T_new"),
    "NaN energy": (
        lambda r: reweight(
            series(r.T, np.where(r.E[0, 0] == r.E, np.nan, r.E), r.M, r.n_spins), 2.3
        ),
        "result.E",
    ),
    "|M| > N": (lambda r: reweight(series(r.T, r.E, r.M * 10, r.n_spins), 2.3), "result.M"),
    "not a result": (lambda r: multihistogram([1, 2], 2.3), "results[0]"),
    "sizes differ": (lambda r: multihistogram([r, _other_size(r)], 2.3), "results"),
    "n_blocks < 2": (lambda r: reweight(r, 2.3, n_blocks=1), "n_blocks"),
    "n_blocks > samples": (lambda r: reweight(r, 2.3, n_blocks=1000), "n_blocks"),
    "min_ess 0": (lambda r: multihistogram(r, 2.3, min_ess=0), "min_ess"),
    "source out of range": (lambda r: reweight(r, 2.3, source=5), "source"),
    "unknown source": (lambda r: reweight(r, 2.3, source="first"), "source"),
    "strict not a bool": (lambda r: reweight(r, 2.3, strict="yes"), "strict"),
    "quantity": (lambda r: peak(r, "u"), "quantity"),
    "reversed T_range": (lambda r: peak(r, "c", T_range=(2.5, 2.2)), "T_range"),
    "T_range without a crossing": (lambda r: binder_crossing(r, r, T_range=(2.2, 2.5)), "T_range"),
    "exact curves without T_range": (
        lambda r: binder_crossing(exact_u4(2), exact_u4(4)),
        "T_range",
    ),
    "n_grid": (lambda r: binder_crossing(r, r, n_grid=1), "n_grid"),
    "errors <= 0": (lambda r: fss_extrapolate([8, 16], [2.27, 2.27], [1e-3, 0.0], 1.0), "errors"),
    "exponent <= 0": (
        lambda r: fss_extrapolate([8, 16], [2.27, 2.27], [1e-3, 1e-3], 0.0),
        "exponent",
    ),
    "values per L": (
        lambda r: fss_extrapolate([8, 16, 32], [2.27, 2.27], [1e-3, 1e-3], 1.0),
        "values",
    ),
    "replicates shape": (
        lambda r: fss_extrapolate([8, 16], [2.2, 2.3], [1e-3, 1e-3], 1.0, replicates=[1, 2]),
        "replicates",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_names_the_parameter(small_run, case):
    call, name = BAD[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match="^" + re.escape(name) + ": "):
            call(small_run)
