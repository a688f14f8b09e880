"""Monte Carlo against exact answers, with honest error bars that can fail.

Every statistical check uses a fixed seed, the library's binned (32 blocks) or jackknife
errors from isingvi.analysis, and |z| < 4. Before a z-score is trusted the test also asserts
that a block is much longer than the integrated autocorrelation time (otherwise the error bar
would be too small and the test dishonest). With about 280 z-scores in this file the chance
that a correct sampler fails one at |z| = 4 is about 2% per fresh seed; the seeds are fixed
and were not chosen after looking at results (all z-scores of check_exact together, with the
vector checkerboard kernel: 272 of them, mean -0.04, sd 0.89, max |z| 2.9).

Detailed balance is checked directly: the histogram of all 2^N states against exact
Boltzmann weights (chi-square), and the same histogram against the weights at a temperature
5% off must fail.
"""

from __future__ import annotations

import isingvi as iv
import numpy as np
import pytest
from isingvi.analysis import binned_mean, tau_int
from isingvi.models import as_graph
from scipy import stats

ALGS = ["metropolis", "heatbath", "wolff"]
SINGLE = ["metropolis", "heatbath"]
N_BLOCKS = 32


def check_exact(res, exact, cols=("u", "c", "abs_m"), what=""):
    """z-test every column of the MC summary against the exact frame, row by row."""
    s = res.summary(n_blocks=N_BLOCKS)
    n = s["n_samples"][0]
    for k in range(len(s)):
        # error bars from binning are honest only if a block spans many autocorrelation times
        tau = max(s["tau_e"][k], s["tau_abs_m"][k])
        assert n / N_BLOCKS > 20 * tau, (
            f"{what} T={s['T'][k]}: blocks of {n // N_BLOCKS} vs tau {tau:.1f}"
        )
        for col in cols:
            iv_z = (s[col][k] - exact[col][k]) / s[f"{col}_err"][k]
            assert s[f"{col}_err"][k] > 0, (what, col)
            assert abs(iv_z) < 4, (
                f"{what} T={s['T'][k]} {col}: {s[col][k]:.6f} +- {s[col + '_err'][k]:.1e} vs {exact[col][k]:.6f} (z = {iv_z:.2f})"
            )
    return s


# --------------------------------------------------------------------------- vs enumeration

T_SQ = [1.8, 2.269, 3.0]


@pytest.mark.parametrize("alg", ALGS)
def test_square_4x4_vs_enumeration(alg):
    model = iv.SquareLattice(4)
    res = iv.mc.run(model, T_SQ, alg, n_therm=2000, n_measure=100_000, seed=101)
    check_exact(res, iv.exact.enumerate(model, T_SQ), what=f"4x4 {alg}")


@pytest.mark.parametrize("alg", SINGLE)
@pytest.mark.parametrize(
    "J,h,T", [(1.0, 0.2, [2.0, 3.0]), (-1.0, 0.5, [1.2, 2.5]), (0.6, -0.7, [1.0, 2.5])]
)
def test_square_4x4_with_field_or_antiferro_vs_enumeration(alg, J, h, T):
    """Temperatures avoid metastability: at J = 1, h = 0.2, T = 1.2 the state against the
    field holds 0.5% of the weight but single-spin chains almost never reach it (a barrier of
    about 16 J), a bias no error bar can see; the Neel states at J < 0 are symmetric."""
    model = iv.SquareLattice(4, J=J, h=h)
    res = iv.mc.run(model, T, alg, n_therm=2000, n_measure=80_000, seed=102)
    check_exact(
        res,
        iv.exact.enumerate(model, T),
        cols=("u", "c", "abs_m", "m2"),
        what=f"4x4 J={J} h={h} {alg}",
    )


def test_wolff_on_odd_square_lattice_vs_enumeration():
    model = iv.SquareLattice(3)
    T = [1.5, 2.5, 4.0]
    res = iv.mc.run(model, T, "wolff", n_therm=1000, n_measure=100_000, seed=103)
    check_exact(res, iv.exact.enumerate(model, T), cols=("u", "c", "abs_m", "m4"), what="3x3 wolff")


@pytest.mark.parametrize("alg", ALGS)
def test_cubic_L2_vs_enumeration(alg):
    """L = 2 cubic: every pair of neighbours is bonded twice (2J), in the samplers and in to_graph."""
    model = iv.CubicLattice(2)
    T = [3.0, 6.0, 10.0]
    res = iv.mc.run(model, T, alg, n_therm=1000, n_measure=100_000, seed=104)
    check_exact(res, iv.exact.enumerate(model, T), what=f"cubic L=2 {alg}")


@pytest.mark.parametrize("alg", SINGLE)
def test_cubic_L2_with_field_vs_enumeration(alg):
    model = iv.CubicLattice(2, J=0.5, h=0.3)
    T = [1.5, 4.0]
    res = iv.mc.run(model, T, alg, n_therm=1000, n_measure=100_000, seed=105)
    check_exact(
        res, iv.exact.enumerate(model, T), cols=("u", "c", "abs_m", "m2"), what=f"cubic L=2 h {alg}"
    )


@pytest.mark.parametrize("alg", SINGLE)
def test_square_L2_vs_enumeration(alg):
    model = iv.SquareLattice(2, h=0.25)  # bonds 2J: at T = 1 the chains hardly tunnel (tau ~ 300)
    T = [2.0, 4.0]
    res = iv.mc.run(model, T, alg, n_therm=1000, n_measure=100_000, seed=106)
    check_exact(
        res, iv.exact.enumerate(model, T), cols=("u", "c", "abs_m", "m2"), what=f"2x2 {alg}"
    )


@pytest.mark.parametrize("alg", ALGS)
def test_random_regular_ferromagnet_vs_enumeration(alg):
    g = iv.models.random_regular(12, 3, seed=7)
    T = [1.2, 2.0, 3.5]
    res = iv.mc.run(g, T, alg, n_therm=2000, n_measure=100_000, seed=107)
    assert res.sampler == ("wolff" if alg == "wolff" else f"sequential-{alg}")
    check_exact(res, iv.exact.enumerate(g, T), cols=("u", "c", "abs_m", "m2"), what=f"RRG {alg}")


def _signed_m_check(res, exact_df, n):
    """<M>/N from MC against the mean of the exact marginals."""
    for k in range(len(res.T)):
        m, err = binned_mean(res.M[k] / n, N_BLOCKS)
        ref = exact_df[[f"marginal_{i}" for i in range(n)]].iloc[k].mean()
        z = (m - ref) / err
        assert abs(z) < 4, (res.T[k], m, err, ref)


@pytest.mark.parametrize("alg", SINGLE)
def test_random_field_graph_vs_enumeration(alg):
    g = iv.models.random_field(iv.models.random_regular(10, 3, seed=8), sigma=0.8, seed=9)
    assert np.any(g.fields != 0)
    T = [0.8, 1.5, 3.0]
    res = iv.mc.run(g, T, alg, n_therm=2000, n_measure=100_000, seed=108)
    ex = iv.exact.enumerate(g, T, marginals=True)
    check_exact(res, ex, cols=("u", "c", "abs_m", "m2", "m4"), what=f"RFIM {alg}")
    _signed_m_check(res, ex, g.n)


@pytest.mark.parametrize("alg", SINGLE)
def test_sk_vs_enumeration(alg):
    g = iv.models.sk(10, seed=10)
    T = [0.5, 1.0, 2.0]
    res = iv.mc.run(g, T, alg, n_therm=2000, n_measure=100_000, seed=109)
    check_exact(res, iv.exact.enumerate(g, T), cols=("u", "c", "abs_m", "m2"), what=f"SK {alg}")


@pytest.mark.parametrize("alg", SINGLE)
def test_sk_with_fields_vs_enumeration(alg):
    g = iv.models.random_field(iv.models.sk(9, seed=11), sigma=0.5, seed=12)
    T = [0.6, 1.4]
    res = iv.mc.run(g, T, alg, n_therm=2000, n_measure=100_000, seed=110)
    ex = iv.exact.enumerate(g, T, marginals=True)
    check_exact(res, ex, cols=("u", "c", "abs_m"), what=f"SK+h {alg}")
    _signed_m_check(res, ex, g.n)


def test_wolff_on_a_tree_and_a_weighted_ferromagnet_vs_enumeration():
    rng = np.random.default_rng(13)
    n = 10
    edges = np.array([(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.4])
    g = iv.Graph(n, edges, rng.uniform(0.0, 1.5, len(edges)))  # includes weak bonds, all J >= 0
    T = [0.8, 2.0]
    res = iv.mc.run(g, T, "wolff", n_therm=1000, n_measure=100_000, seed=111)
    check_exact(res, iv.exact.enumerate(g, T), what="weighted ferro wolff")
    tree = iv.models.random_tree(11, seed=14)
    res = iv.mc.run(tree, T, "wolff", n_therm=1000, n_measure=100_000, seed=112)
    check_exact(res, iv.exact.enumerate(tree, T), what="tree wolff")


# --------------------------------------------------------------------------- vs Kaufman


@pytest.mark.parametrize("alg", ["wolff", "metropolis"])
def test_square_16x16_energy_vs_kaufman(alg):
    T = [2.0, 2.269, 3.0]
    model = iv.SquareLattice(16)
    res = iv.mc.run(model, T, alg, n_therm=3000, n_measure=40_000, seed=201)
    check_exact(res, iv.exact.kaufman(16, T), cols=("u", "c"), what=f"16x16 {alg}")


# --------------------------------------------------------------------------- detailed balance


def _chi_square(configs, p_exact):
    """Pearson chi-square of the state histogram against p_exact; states expected < 5 times pooled."""
    n = len(configs)
    counts = np.bincount(_state_index(configs), minlength=len(p_exact)).astype(float)
    expected = n * p_exact
    small = expected < 5
    obs = np.append(counts[~small], counts[small].sum())
    exp = np.append(expected[~small], expected[small].sum())
    if exp[-1] == 0:
        obs, exp = obs[:-1], exp[:-1]
    assert len(exp) > 8
    return stats.chisquare(obs, exp).pvalue


def _state_index(configs):
    bits = (1 - configs.astype(np.int64)) // 2
    return (bits << np.arange(configs.shape[-1])).sum(axis=-1)


def _stationarity_case(model, T, alg, seed, helpers, every=5, n_measure=150_000):
    g = as_graph(model)
    res = iv.mc.run(
        model, T, alg, n_therm=100, n_measure=n_measure, every=every, seed=seed, save_configs=True
    )
    configs = res.configs[0]
    # thinned samples are close to independent: tau_int of the energy series near 1/2
    assert tau_int(res.E[0]) < 0.8, tau_int(res.E[0])
    S = helpers.all_states(g.n)
    assert np.array_equal(_state_index(S), np.arange(2**g.n))
    E = helpers.energies(S, g.edges, g.couplings, g.fields)
    p_right, _ = helpers.boltzmann(E, T)
    p_wrong, _ = helpers.boltzmann(E, 1.05 * T)
    return _chi_square(configs, p_right), _chi_square(configs, p_wrong)


STATIONARITY = [
    ("2x2 h=0.3", lambda: iv.SquareLattice(2, h=0.3), 2.5, "metropolis"),
    ("2x2 h=0.3", lambda: iv.SquareLattice(2, h=0.3), 2.5, "heatbath"),
    ("2x2 J=-0.7 h=0.4", lambda: iv.SquareLattice(2, J=-0.7, h=0.4), 1.5, "metropolis"),
    ("2x2 J=-0.7 h=0.4", lambda: iv.SquareLattice(2, J=-0.7, h=0.4), 1.5, "heatbath"),
    ("2x2x2 J=0.5 h=0.3", lambda: iv.CubicLattice(2, J=0.5, h=0.3), 3.0, "metropolis"),
    ("2x2x2 J=0.5 h=0.3", lambda: iv.CubicLattice(2, J=0.5, h=0.3), 3.0, "heatbath"),
    ("2x2 h=0", lambda: iv.SquareLattice(2), 3.0, "wolff"),
    ("graph9 fields", None, 1.5, "metropolis"),
    ("graph9 fields", None, 1.5, "heatbath"),
]


def _graph9(helpers):
    edges, J, h = helpers.random_instance(9, 15, p_edge=0.4, field_scale=0.5)
    return iv.Graph(9, edges, 0.7 * J, h)


@pytest.mark.parametrize(
    "name,make,T,alg", STATIONARITY, ids=[f"{c[0]}-{c[3]}" for c in STATIONARITY]
)
def test_stationary_distribution_is_boltzmann(name, make, T, alg, helpers):
    model = make() if make else _graph9(helpers)
    p_right, p_wrong = _stationarity_case(
        model, T, alg, seed=301, helpers=helpers, n_measure=150_000 if make else 600_000
    )
    assert p_right > 1e-4, (
        f"{name} {alg}: chi-square p = {p_right:.2e} against the right Boltzmann weights"
    )
    # the test has power: the same samples are rejected against the weights at 1.05 T
    assert p_wrong < 1e-6, f"{name} {alg}: chi-square p = {p_wrong:.2e} against a wrong temperature"


# --------------------------------------------------------------------------- determinism


def _models():
    return {
        "square": iv.SquareLattice(6, h=0.1),
        "square-h0": iv.SquareLattice(6),
        "cubic": iv.CubicLattice(4, J=0.8),
        "graph": iv.models.random_field(iv.models.random_regular(14, 4, seed=3), 0.3, seed=4),
        "graph-h0": iv.models.random_regular(14, 4, seed=3),
    }


def _cases():
    for name in ["square", "square-h0", "cubic", "graph", "graph-h0"]:
        for alg in ALGS:
            if alg == "wolff" and name in ("square", "graph"):
                continue
            yield name, alg


CASES = list(_cases())


def _run(name, alg, T=(1.5, 2.5, 4.0), **kw):
    args = dict(n_therm=50, n_measure=300, every=3, seed=5, save_configs=True)
    args.update(kw)
    return iv.mc.run(_models()[name], list(T), alg, **args)


def _same(a, b):
    return (
        np.array_equal(a.E, b.E)
        and np.array_equal(a.M, b.M)
        and np.array_equal(a.configs, b.configs)
        and np.array_equal(a.acceptance, b.acceptance)
        and np.array_equal(a.cluster_size, b.cluster_size)
    )


@pytest.mark.parametrize("name,alg", CASES)
def test_same_seed_same_series(name, alg):
    assert _same(_run(name, alg), _run(name, alg))


@pytest.mark.parametrize("name,alg", CASES)
def test_different_seed_different_series(name, alg):
    a, b = _run(name, alg, seed=5), _run(name, alg, seed=6)
    for k in range(3):
        assert not np.array_equal(a.configs[k], b.configs[k])
        assert not np.array_equal(a.E[k], b.E[k])


@pytest.mark.parametrize("name,alg", CASES)
def test_thread_count_does_not_change_results(name, alg):
    T = [1.2, 1.9, 2.6, 3.3, 4.0]
    one = _run(name, alg, T=T, threads=1)
    assert _same(one, _run(name, alg, T=T, threads=2))
    assert _same(one, _run(name, alg, T=T, threads=7))


@pytest.mark.parametrize("name,alg", CASES)
def test_a_temperature_series_does_not_depend_on_the_other_temperatures(name, alg):
    full = _run(name, alg, T=[1.5, 2.5, 4.0])
    alone = _run(name, alg, T=[2.5])
    reordered = _run(name, alg, T=[4.0, 2.5, 3.1, 1.5])
    for got, k in ((alone, 0), (reordered, 1)):
        assert np.array_equal(got.E[k], full.E[1]) and np.array_equal(got.M[k], full.M[1])
        assert np.array_equal(got.configs[k], full.configs[1])
    assert np.array_equal(reordered.E[0], full.E[2]) and np.array_equal(reordered.E[3], full.E[0])


@pytest.mark.parametrize("name,alg", CASES)
def test_every_only_thins_the_same_chain(name, alg):
    dense = _run(name, alg, every=1, n_measure=60)
    thin = _run(name, alg, every=4, n_measure=60)
    assert thin.E.shape == (3, 15)
    assert np.array_equal(thin.E, dense.E[:, 3::4]) and np.array_equal(thin.M, dense.M[:, 3::4])
    assert np.array_equal(thin.configs, dense.configs[:, 3::4])


# --------------------------------------------------------------------------- bookkeeping


BOOKKEEPING = [
    ("square L4 J0.7 h0.3", lambda: iv.SquareLattice(4, J=0.7, h=0.3), SINGLE),
    ("square L6 h-0.2", lambda: iv.SquareLattice(6, h=-0.2), SINGLE),
    ("square L2 h0.5", lambda: iv.SquareLattice(2, h=0.5), SINGLE),
    ("square L8 J-1 h0.4", lambda: iv.SquareLattice(8, J=-1.0, h=0.4), SINGLE),
    ("square L6", lambda: iv.SquareLattice(6), ALGS),
    ("square L5", lambda: iv.SquareLattice(5, J=1.3), ["wolff"]),
    ("square L2", lambda: iv.SquareLattice(2), ALGS),
    ("cubic L4 h0.25", lambda: iv.CubicLattice(4, h=0.25), SINGLE),
    ("cubic L2 h-0.4", lambda: iv.CubicLattice(2, h=-0.4), SINGLE),
    ("cubic L4", lambda: iv.CubicLattice(4, J=0.5), ALGS),
    ("cubic L3", lambda: iv.CubicLattice(3), ["wolff"]),
    ("cubic L2", lambda: iv.CubicLattice(2), ["wolff"]),
    ("SK+fields", lambda: iv.models.random_field(iv.models.sk(12, seed=1), 0.5, seed=2), SINGLE),
    ("EA", lambda: iv.models.edwards_anderson(5, seed=3), SINGLE),
    ("RRG", lambda: iv.models.random_regular(20, 3, seed=4), ALGS),
    ("tree", lambda: iv.models.random_tree(15, seed=5, J=0.6), ALGS),
]
BOOK_CASES = [(name, make, alg) for name, make, algs in BOOKKEEPING for alg in algs]


@pytest.mark.parametrize("name,make,alg", BOOK_CASES, ids=[f"{c[0]}-{c[2]}" for c in BOOK_CASES])
def test_recorded_E_and_M_match_the_configurations(name, make, alg, helpers):
    model = make()
    g = as_graph(model)
    res = iv.mc.run(
        model, [0.7, 2.3, 5.0], alg, n_therm=20, n_measure=200, every=2, seed=9, save_configs=True
    )
    assert res.configs.dtype == np.int8 and res.configs.shape == (3, 100, g.n)
    assert set(np.unique(res.configs)) <= {-1, 1}
    E = np.array([[g.energy(c) for c in row] for row in res.configs])
    np.testing.assert_allclose(res.E, E, rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(res.M, res.configs.sum(axis=2))
    if isinstance(model, iv.models._core.Lattice):
        # the site order is x + L y (+ L^2 z): energies from the plain bond list agree too
        bonds = helpers.lattice_bonds(model.dim, model.L, model.J)
        E2 = helpers.energies(
            res.configs.reshape(-1, g.n),
            np.array(list(bonds)),
            list(bonds.values()),
            np.full(g.n, model.h),
        ).reshape(res.E.shape)
        np.testing.assert_allclose(res.E, E2, rtol=1e-12, atol=1e-9)


# --------------------------------------------------------------------------- result object


def test_result_fields_and_acceptance():
    model = iv.SquareLattice(8)
    for alg in ALGS:
        res = iv.mc.run(model, [1.0, 2.3, 6.0], alg, n_therm=100, n_measure=500, every=5, seed=1)
        assert res.E.shape == res.M.shape == (3, 100)
        assert res.n_spins == 64 and res.algorithm == alg and res.configs is None
        assert np.all((res.acceptance >= 0) & (res.acceptance <= 1))
        if alg == "wolff":
            assert res.sampler == "wolff"
            assert np.all((res.cluster_size >= 1) & (res.cluster_size <= 64))
            assert res.cluster_size[0] > res.cluster_size[2]  # clusters shrink with T
        else:
            assert res.sampler == f"checkerboard-{alg}-{iv.mc.available_simd()[-1]}"
            assert np.all(res.cluster_size == 0)
            assert np.all(np.diff(res.acceptance) > 0)  # more flips at higher T


def test_flips_per_sweep_is_the_work_a_sweep_did():
    """Spins flipped per measuring sweep / N: the acceptance for single-spin sweeps and
    Swendsen-Wang (N attempts a sweep). Wolff fixes its clusters per measuring sweep from the
    mean cluster size over the second half of the thermalisation, so the small clusters of a
    random start do not count: at L = 128, T_c a measuring sweep flips about N spins after 100
    thermalisation sweeps (3.6 N when the whole thermalisation counted)."""
    model = iv.SquareLattice(64)
    for alg in ("metropolis", "heatbath", "swendsen-wang"):
        res = iv.mc.run(model, [1.5, 2.3, 4.0], alg, n_therm=10, n_measure=100, every=3, seed=2)
        assert np.array_equal(res.flips_per_sweep, res.acceptance), alg
    for L in (64, 128):
        res = iv.mc.run(
            iv.SquareLattice(L),
            [2.0, iv.exact.T_C, 3.0],
            "wolff",
            n_therm=100,
            n_measure=100,
            seed=2,
        )
        # within half a mean cluster of N (the clusters per sweep are a whole number), with room
        # for the mean's sampling error
        slack = 0.5 * res.cluster_size / L**2 + 0.15
        assert np.all(np.abs(res.flips_per_sweep - 1) < slack), (
            L,
            res.flips_per_sweep,
            res.cluster_size / L**2,
        )


@pytest.mark.parametrize("alg", SINGLE)
def test_init_up_and_down_at_low_temperature(alg):
    for model in (iv.SquareLattice(6), iv.models.random_regular(10, 3, seed=1)):
        n = as_graph(model).n
        up = iv.mc.run(model, 0.05, alg, n_therm=0, n_measure=20, seed=1, init="up")
        down = iv.mc.run(model, 0.05, alg, n_therm=0, n_measure=20, seed=1, init="down")
        assert np.all(n == up.M) and np.all(-n == down.M)
        rnd = iv.mc.run(model, 50.0, alg, n_therm=0, n_measure=20, seed=1, init="random")
        assert np.all(np.abs(rnd.M) < n)


def test_high_temperature_limits():
    """T -> infinity. Heat bath draws every spin afresh: u -> 0 and <m^2> -> 1/N.
    Metropolis then accepts every flip, so a checkerboard sweep flips (almost) all spins
    and E is (almost) conserved: it does not mix there, a known property, not a bug."""
    model = iv.SquareLattice(8)
    res = iv.mc.run(model, 1e6, "heatbath", n_therm=10, n_measure=20_000, seed=3)
    s = res.summary()
    assert abs(s["u"][0]) < 4 * s["u_err"][0]
    assert abs(s["m2"][0] - 1 / 64) < 4 * s["m2_err"][0]
    assert abs(res.acceptance[0] - 0.5) < 0.01
    res = iv.mc.run(model, 1e6, "metropolis", n_therm=10, n_measure=1000, seed=3)
    assert res.acceptance[0] > 0.9999
