"""Tests for isingvi.analysis: error bars checked against AR(1) and iid theory."""

import math
import types

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from isingvi import analysis
from isingvi.analysis import combine_replicates
from scipy.signal import lfilter
from scipy.stats import t as student_t

N_AR = 2**17


def ar1(rho, n, rng, count=None):
    """Stationary unit-variance AR(1): x_t = rho x_{t-1} + sqrt(1 - rho^2) xi_t."""
    shape = (n,) if count is None else (count, n)
    xi = rng.standard_normal(shape)
    # x_0 = xi_0 already has the stationary law N(0, 1)
    rest, _ = lfilter(
        [math.sqrt(1 - rho**2)], [1.0, -rho], xi[..., 1:], axis=-1, zi=rho * xi[..., :1]
    )
    return np.concatenate([xi[..., :1], rest], axis=-1)


def ar1_tau(rho):
    return (1 + rho) / (2 * (1 - rho))


def ar1_sem(rho, n):
    """Exact standard error of the mean of n stationary unit-variance AR(1) samples."""
    t = np.arange(1, n)
    return math.sqrt((1 + 2 * np.sum((1 - t / n) * rho**t)) / n)


# ---------------------------------------------------------------- tau_int


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_tau_int_ar1(rho):
    x = ar1(rho, N_AR, np.random.default_rng(1234))
    tau = ar1_tau(rho)
    window = math.ceil(6.0 * tau)
    sokal = tau * math.sqrt(2 * (2 * window + 1) / N_AR)  # Sokal's statistical error
    assert analysis.tau_int(x) == pytest.approx(tau, abs=4 * sokal)


def test_tau_int_matches_direct_sum():
    # O(n^2) textbook estimate with the same biased acf and window rule
    x = ar1(0.7, 600, np.random.default_rng(7))
    c = 5.0
    y = x - x.mean()
    rho = np.array([y[: y.size - t] @ y[t:] for t in range(y.size)]) / (y @ y)
    taus = 0.5 + np.cumsum(rho[1:])
    w = next(w for w in range(1, y.size) if w >= c * taus[w - 1])
    assert analysis.tau_int(x, c=c) == pytest.approx(taus[w - 1], abs=1e-10)


def test_tau_int_constant_series():
    assert analysis.tau_int(np.full(100, 0.1)) == 0.5


def test_tau_sweeps_scales_tau_int_by_every():
    """tau_sweeps is tau_int of e and |m| in samples times sweeps per sample, per temperature;
    on a sweep-level AR(1) series (every = 1) it recovers the known tau."""
    rng = np.random.default_rng(5)
    N = 1000
    E = np.stack([100 * ar1(rho, N_AR, rng) for rho in (0.0, 0.9)])
    M = np.stack([300 + 50 * ar1(rho, N_AR, rng) for rho in (0.5, 0.9)])  # |m| = m: positive
    res = types.SimpleNamespace(T=np.array([1.0, 2.0]), E=E, M=M, n_spins=N, every=1)
    df = analysis.tau_sweeps(res)
    assert list(df.columns) == ["T", "every", "flips_per_sweep", "tau_e", "tau_abs_m"] and list(
        df["T"]
    ) == [1.0, 2.0]
    assert df["flips_per_sweep"].isna().all()  # the result does not say
    for k, (rho_e, rho_m) in enumerate([(0.0, 0.5), (0.9, 0.9)]):
        for col, rho in (("tau_e", rho_e), ("tau_abs_m", rho_m)):
            tau = ar1_tau(rho)
            sokal = tau * math.sqrt(2 * (2 * math.ceil(6 * tau) + 1) / N_AR)
            assert df[col][k] == pytest.approx(tau, abs=4 * sokal), (k, col)
    res.every = 7
    thinned = analysis.tau_sweeps(res)
    assert np.array_equal(thinned["tau_e"], 7 * df["tau_e"]) and set(thinned["every"]) == {7}
    assert thinned["tau_abs_m"][1] == 7 * analysis.tau_int(np.abs(M[1]) / N)
    res.flips_per_sweep = np.array([0.25, 0.5])
    assert list(analysis.tau_sweeps(res)["flips_per_sweep"]) == [0.25, 0.5]
    res.flips_per_sweep = np.array([0.25])
    with pytest.raises(ValueError, match="^result.flips_per_sweep"):
        analysis.tau_sweeps(res)


@pytest.mark.parametrize("every", [0, 1.5, True, None, "3"])
def test_tau_sweeps_needs_every(every):
    res = types.SimpleNamespace(
        T=np.array([1.0]), E=np.zeros((1, 8)), M=np.zeros((1, 8)), n_spins=4, every=every
    )
    with pytest.raises(ValueError, match="^result.every"):
        analysis.tau_sweeps(res)


# ---------------------------------------------------------------- binned_mean


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
@pytest.mark.parametrize("n_blocks", [32, 128])
def test_binned_mean_error_ar1(rho, n_blocks):
    x = ar1(rho, N_AR, np.random.default_rng(99))
    mean, err = analysis.binned_mean(x, n_blocks)
    exact = ar1_sem(rho, N_AR)
    rel = 1 / math.sqrt(2 * (n_blocks - 1))  # relative error of an error from n_blocks blocks
    assert err / exact == pytest.approx(1.0, abs=4 * rel)
    assert abs(mean) < 4 * exact


def test_binned_mean_coverage():
    n_series, n_blocks = 400, 32
    xs = ar1(0.5, 4096, np.random.default_rng(2024), count=n_series)
    z = np.array([abs(m) / e for m, e in map(lambda x: analysis.binned_mean(x, n_blocks), xs)])
    # |mean|/err follows Student t with n_blocks - 1 dof (0.675, close to 0.683)
    p = 2 * student_t.cdf(1.0, n_blocks - 1) - 1
    assert np.mean(z < 1) == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / n_series))


def test_binned_mean_drops_leading_remainder():
    mean, err = analysis.binned_mean([100.0, 1, 2, 3, 4], n_blocks=2)
    assert (mean, err) == pytest.approx((2.5, 1.0))  # blocks [1, 2], [3, 4]


def test_binned_mean_short_series_uses_one_sample_blocks():
    x = np.array([1.0, 2.0, 4.0])
    mean, err = analysis.binned_mean(x, n_blocks=32)
    assert (mean, err) == pytest.approx((7 / 3, np.std(x, ddof=1) / math.sqrt(3)))


def test_binned_mean_constant_series():
    assert analysis.binned_mean(np.full(50, 5.0)) == (5.0, 0.0)


# ---------------------------------------------------------------- jackknife


def test_jackknife_variance_of_normal_data():
    n, sigma, n_blocks = 2**16, 2.0, 128
    x = np.random.default_rng(5).normal(0.0, sigma, n)
    var, err = analysis.jackknife(lambda a, b: b - a * a, x, x * x, n_blocks=n_blocks)
    exact = math.sqrt(2 / n) * sigma**2  # sd of the sample variance of a normal
    assert var == pytest.approx(sigma**2, abs=4 * exact)
    assert err / exact == pytest.approx(1.0, abs=4 / math.sqrt(2 * (n_blocks - 1)))


@pytest.mark.parametrize("n, n_blocks", [(1000, 32), (1000, 7), (10, 32)])
def test_jackknife_linear_equals_binned(n, n_blocks):
    x = np.random.default_rng(n + n_blocks).exponential(size=n)
    value, err = analysis.jackknife(lambda a: a, x, n_blocks=n_blocks)
    mean, berr = analysis.binned_mean(x, n_blocks)
    assert value == pytest.approx(mean, abs=1e-12)
    assert err == pytest.approx(berr, abs=1e-12)


def test_jackknife_constant_series():
    x = np.full(64, 0.1)
    value, err = analysis.jackknife(lambda a, b: b - a * a, x, x * x)
    assert value == pytest.approx(0.0, abs=1e-15)
    assert err == 0.0


# ---------------------------------------------------------------- summarise

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


def make_result():
    rng = np.random.default_rng(11)
    n_spins, n_samples = 16, 64
    # T = 1.5: e alternates -2, -1 (every block of 2 is exact); M = +-N at random
    e0 = np.tile([-2.0, -1.0], n_samples // 2)
    m0 = rng.choice([-1.0, 1.0], n_samples)
    # T = 3.0: generic integer-valued data
    e1 = rng.integers(-2 * n_spins, 1, n_samples) / n_spins
    m1 = rng.integers(-n_spins, n_spins + 1, n_samples) / n_spins
    return types.SimpleNamespace(
        T=np.array([1.5, 3.0]),
        n_spins=n_spins,
        E=n_spins * np.array([e0, e1]),
        M=n_spins * np.array([m0, m1]),
    )


def test_summarise_hand_computed_values():
    res = make_result()
    df = analysis.summarise(res)
    assert list(df.columns) == COLUMNS
    assert len(df) == 2
    r = df.iloc[0]
    beta, n = 1 / 1.5, res.n_spins
    assert (r["T"], r["beta"], r["n_samples"]) == (1.5, pytest.approx(beta), 64)
    assert (r["u"], r["u_err"]) == (-1.5, 0.0)
    assert r["c"] == pytest.approx(beta**2 * n * 0.25)  # <e^2> - <e>^2 = 2.5 - 2.25
    assert r["c_err"] == pytest.approx(0.0, abs=1e-12)
    for col in ("abs_m", "m2", "m4"):
        assert (r[col], r[col + "_err"]) == (1.0, 0.0)
    assert (r["chi"], r["chi_err"]) == (0.0, 0.0)
    assert r["u4"] == pytest.approx(2 / 3) and r["u4_err"] == 0.0


def test_summarise_generic_row_matches_definitions():
    res = make_result()
    r = analysis.summarise(res).iloc[1]
    beta, n = 1 / 3.0, res.n_spins
    e, m = res.E[1] / n, res.M[1] / n
    am, m2, m4 = np.abs(m), np.mean(m**2), np.mean(m**4)
    assert r["u"] == pytest.approx(np.mean(e), rel=1e-12)
    assert r["c"] == pytest.approx(beta**2 * n * np.var(e), rel=1e-12)
    assert r["abs_m"] == pytest.approx(np.mean(am), rel=1e-12)
    assert (r["m2"], r["m4"]) == (pytest.approx(m2, rel=1e-12), pytest.approx(m4, rel=1e-12))
    assert r["chi"] == pytest.approx(beta * n * (m2 - np.mean(am) ** 2), rel=1e-12)
    assert r["u4"] == pytest.approx(1 - m4 / (3 * m2**2), rel=1e-12)
    assert r["u_err"] == analysis.binned_mean(e)[1]
    assert r["abs_m_err"] == analysis.binned_mean(am)[1]
    assert (r["tau_e"], r["tau_abs_m"]) == (analysis.tau_int(e), analysis.tau_int(am))
    assert all(
        r[k] > 0 for k in ("u_err", "c_err", "abs_m_err", "m2_err", "m4_err", "chi_err", "u4_err")
    )


def test_summarise_zero_magnetisation_is_the_only_nan():
    res = make_result()
    res.M = np.zeros_like(res.M)
    df = analysis.summarise(res)
    assert df["u4"].isna().all() and df["u4_err"].isna().all()
    assert not df.drop(columns=["u4", "u4_err"]).isna().any().any()
    assert (df["chi"] == 0).all()


# ---------------------------------------------------------------- never NaN

finite = arrays(
    np.float64, st.integers(2, 300), elements=st.floats(-1e6, 1e6, allow_subnormal=False)
)


@settings(max_examples=200, deadline=None)
@given(x=finite, n_blocks=st.integers(2, 64))
def test_finite_input_gives_finite_output(x, n_blocks):
    out = [
        *analysis.binned_mean(x, n_blocks),
        analysis.tau_int(x),
        *analysis.jackknife(lambda a, b: b - a * a, x, x * x, n_blocks=n_blocks),
    ]
    assert np.all(np.isfinite(out))


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("func", [analysis.binned_mean, analysis.tau_int])
@pytest.mark.parametrize("x", [np.ones((4, 4)), [1.0], [], [1.0, np.nan, 2.0], [1.0, np.inf]])
def test_bad_x(func, x):
    with pytest.raises(ValueError, match=r"^x\b"):
        func(x)


@pytest.mark.parametrize("n_blocks", [1, 0, -3, 2.5, 4.0, True, "8"])
def test_bad_n_blocks(n_blocks):
    x = np.arange(100.0)
    for call in (
        lambda: analysis.binned_mean(x, n_blocks),
        lambda: analysis.jackknife(lambda a: a, x, n_blocks=n_blocks),
        lambda: analysis.summarise(make_result(), n_blocks=n_blocks),
    ):
        with pytest.raises(ValueError, match=r"^n_blocks\b"):
            call()


@pytest.mark.parametrize("c", [0.0, -1.0, np.nan, np.inf])
def test_bad_c(c):
    with pytest.raises(ValueError, match=r"^c\b"):
        analysis.tau_int(np.arange(10.0), c=c)


@pytest.mark.parametrize(
    "series", [(np.ones(10), np.ones(11)), (), (np.ones((2, 5)),), (np.array([1.0, np.nan]),)]
)
def test_bad_series(series):
    with pytest.raises(ValueError, match=r"^series\b"):
        analysis.jackknife(lambda *a: 0.0, *series)


def test_bad_estimator():
    with pytest.raises(ValueError, match=r"^estimator\b"):
        analysis.jackknife(None, np.ones(10))


@pytest.mark.parametrize(
    "change",
    [
        dict(E=np.ones(64)),  # E not 2-D
        dict(M=np.ones((2, 63))),  # shapes differ
        dict(E=np.ones((2, 4, 8)), M=np.ones((2, 4, 8))),
        dict(T=np.array([1.0, 2.0, 3.0])),  # wrong number of temperatures
        dict(T=np.array([0.0, 2.0])),  # beta = inf
        dict(E=np.full((2, 64), np.nan)),
        dict(E=np.ones((2, 1)), M=np.ones((2, 1))),
        dict(n_spins=0),
    ],
)
def test_bad_result(change):
    res = make_result()
    vars(res).update(change)
    with pytest.raises(ValueError, match=r"^result\b"):
        analysis.summarise(res)


def test_result_missing_attribute():
    res = make_result()
    del res.M
    with pytest.raises(ValueError, match=r"^result\b"):
        analysis.summarise(res)


def test_combine_replicates_averages_and_adds_errors_in_quadrature():
    df = pd.DataFrame(
        {"T": [1.0, 1.0, 2.0], "a": [1.0, 3.0, 5.0], "a_err": [0.3, 0.4, 0.1], "s": [7, 7, 8]}
    )
    out = combine_replicates(df, ["T"], ["a"], keep=("s",)).set_index("T")
    assert out.loc[1.0, "a"] == 2.0 and out.loc[1.0, "a_err"] == pytest.approx(
        0.5 / 2
    )  # sqrt(0.09 + 0.16) / 2
    assert out.loc[2.0, "a"] == 5.0 and out.loc[2.0, "a_err"] == pytest.approx(0.1)
    assert list(out.n_rep) == [2, 1] and list(out.s) == [7, 8]
