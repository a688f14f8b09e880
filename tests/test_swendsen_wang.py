"""Swendsen-Wang cluster updates against exact answers, with honest error bars that can fail.

Statistical checks use fixed seeds (not chosen after looking at results), the library's binned
(32 blocks) or jackknife errors and |z| < 4, after asserting that a block spans more than 20
integrated autocorrelation times. Detailed balance is checked on the histogram of all 2^N
states (chi-square), which must also reject the weights at a temperature 5% off.
"""

from __future__ import annotations

import isingvi as iv
import numpy as np
import pytest
from isingvi.analysis import tau_int, tau_sweeps
from isingvi.models import as_graph
from scipy import stats

SW = "swendsen-wang"
N_BLOCKS = 32


def check_exact(res, exact, cols=("u", "c", "abs_m"), what=""):
    """z-test every column of the MC summary against the exact frame, row by row; the z-scores."""
    s = res.summary(n_blocks=N_BLOCKS)
    n = s["n_samples"][0]
    zs = []
    for k in range(len(s)):
        tau = max(s["tau_e"][k], s["tau_abs_m"][k])
        assert n / N_BLOCKS > 20 * tau, (
            f"{what} T={s['T'][k]}: blocks of {n // N_BLOCKS} vs tau {tau:.1f}"
        )
        for col in cols:
            err = s[f"{col}_err"][k]
            assert err > 0, (what, col)
            z = (s[col][k] - exact[col][k]) / err
            assert abs(z) < 4, (
                f"{what} T={s['T'][k]} {col}: {s[col][k]:.6f} +- {err:.1e} vs {exact[col][k]:.6f} (z = {z:.2f})"
            )
            zs.append(z)
    return zs


# --------------------------------------------------------------------------- vs exact answers

EXACT_CASES = [
    ("square 4x4", lambda: iv.SquareLattice(4), [1.8, 2.269, 3.0], ("u", "c", "abs_m")),
    (
        "square 3x3 (odd L)",
        lambda: iv.SquareLattice(3, J=0.7),
        [1.0, 2.0, 4.0],
        ("u", "c", "abs_m", "m4"),
    ),
    (
        "square 2x2 (double bonds)",
        lambda: iv.SquareLattice(2),
        [2.0, 5.0],
        ("u", "c", "abs_m", "m2"),
    ),
    ("cubic L=2 (double bonds)", lambda: iv.CubicLattice(2), [3.0, 6.0, 10.0], ("u", "c", "abs_m")),
    (
        "random regular",
        lambda: iv.models.random_regular(12, 3, seed=7),
        [1.2, 2.0, 3.5],
        ("u", "c", "abs_m", "m2"),
    ),
    ("tree", lambda: iv.models.random_tree(11, seed=14), [0.8, 2.0], ("u", "c", "abs_m")),
]


@pytest.mark.parametrize("name,make,T,cols", EXACT_CASES, ids=[c[0] for c in EXACT_CASES])
def test_vs_enumeration(name, make, T, cols):
    model = make()
    res = iv.mc.run(model, T, SW, n_therm=1000, n_measure=60_000, seed=401)
    assert res.sampler == SW
    check_exact(res, iv.exact.enumerate(model, T), cols=cols, what=name)


def test_weighted_ferromagnet_with_zero_bonds_vs_enumeration():
    rng = np.random.default_rng(13)
    n = 10
    edges = np.array([(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.4])
    J = rng.uniform(0.0, 1.5, len(edges))
    J[:3] = 0.0  # J = 0 is allowed: such a bond is never occupied
    g = iv.Graph(n, edges, J)
    T = [0.8, 2.0]
    res = iv.mc.run(g, T, SW, n_therm=1000, n_measure=60_000, seed=402)
    check_exact(
        res, iv.exact.enumerate(g, T), cols=("u", "c", "abs_m", "m2"), what="weighted ferro"
    )


def test_square_16x16_vs_kaufman():
    T = [2.0, 2.269, 3.0]
    res = iv.mc.run(iv.SquareLattice(16), T, SW, n_therm=1000, n_measure=32_000, seed=403)
    check_exact(res, iv.exact.kaufman(16, T), cols=("u", "c"), what="16x16")


# --------------------------------------------------------------------------- detailed balance


def _chi_square(configs, p_exact, helpers):
    counts = np.bincount(helpers.state_index(configs), minlength=len(p_exact)).astype(float)
    expected = len(configs) * p_exact
    small = expected < 5
    obs = np.append(counts[~small], counts[small].sum())
    exp = np.append(expected[~small], expected[small].sum())
    if exp[-1] == 0:
        obs, exp = obs[:-1], exp[:-1]
    assert len(exp) > 8
    return stats.chisquare(obs, exp).pvalue


STATIONARITY = [
    ("2x2", lambda: iv.SquareLattice(2), 3.0),
    ("3x3", lambda: iv.SquareLattice(3, J=0.5), 1.2),
    ("graph9", None, 1.5),
]


@pytest.mark.parametrize("name,make,T", STATIONARITY, ids=[c[0] for c in STATIONARITY])
def test_stationary_distribution_is_boltzmann(name, make, T, helpers):
    if make is None:
        edges, J, _ = helpers.random_instance(9, 16, p_edge=0.4)
        model = iv.Graph(9, edges, 0.7 * np.abs(J))
    else:
        model = make()
    g = as_graph(model)
    res = iv.mc.run(
        model, T, SW, n_therm=100, n_measure=400_000, every=4, seed=404, save_configs=True
    )
    assert tau_int(res.E[0]) < 0.8  # thinned samples are close to independent
    E = helpers.energies(helpers.all_states(g.n), g.edges, g.couplings, g.fields)
    p_right, p_wrong = (
        _chi_square(res.configs[0], helpers.boltzmann(E, t)[0], helpers) for t in (T, 1.05 * T)
    )
    assert p_right > 1e-4, (
        f"{name}: chi-square p = {p_right:.2e} against the right Boltzmann weights"
    )
    assert p_wrong < 1e-6, f"{name}: chi-square p = {p_wrong:.2e} against a temperature 5% off"


# --------------------------------------------------------------------------- bookkeeping


BOOKKEEPING = [
    ("square L6", lambda: iv.SquareLattice(6)),
    ("square L5", lambda: iv.SquareLattice(5, J=1.3)),
    ("square L2", lambda: iv.SquareLattice(2)),
    ("cubic L4", lambda: iv.CubicLattice(4, J=0.5)),
    ("cubic L3", lambda: iv.CubicLattice(3)),
    ("cubic L2", lambda: iv.CubicLattice(2)),
    ("RRG", lambda: iv.models.random_regular(20, 3, seed=4)),
    ("no edges", lambda: iv.Graph(5, np.zeros((0, 2), int), [])),
]


@pytest.mark.parametrize("name,make", BOOKKEEPING, ids=[c[0] for c in BOOKKEEPING])
def test_recorded_E_and_M_match_the_configurations(name, make):
    model = make()
    g = as_graph(model)
    res = iv.mc.run(
        model, [0.7, 2.3, 5.0], SW, n_therm=20, n_measure=200, every=2, seed=9, save_configs=True
    )
    assert res.configs.shape == (3, 100, g.n) and set(np.unique(res.configs)) <= {-1, 1}
    E = np.array([[g.energy(c) for c in row] for row in res.configs])
    np.testing.assert_allclose(res.E, E, rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(res.M, res.configs.sum(axis=2))


def test_acceptance_and_cluster_sizes():
    """A cluster flips with probability 1/2 whatever its size: about half the spins flip.
    Flipped clusters shrink with T; at J = 0 every spin is its own cluster."""
    res = iv.mc.run(
        iv.SquareLattice(16), [1.5, 2.269, 5.0], SW, n_therm=100, n_measure=2000, seed=5
    )
    assert np.all(np.abs(res.acceptance - 0.5) < 0.03), res.acceptance
    assert (
        np.all(np.diff(res.cluster_size) < 0)
        and res.cluster_size[0] > 10
        and res.cluster_size[2] < 2
    )
    free = iv.mc.run(iv.SquareLattice(8, J=0.0), 1.0, SW, n_therm=0, n_measure=4000, seed=6)
    assert free.cluster_size[0] == 1.0 and abs(free.acceptance[0] - 0.5) < 0.01
    s = free.summary()
    assert abs(s["m2"][0] - 1 / 64) < 4 * s["m2_err"][0]  # independent spins


def test_an_ordered_start_stays_ordered_at_low_temperature():
    res = iv.mc.run(iv.SquareLattice(8), 0.5, SW, n_therm=0, n_measure=50, seed=1, init="up")
    assert np.all(np.abs(res.M) == 64)  # the whole lattice is one cluster, flipped or not
    assert len(np.unique(np.sign(res.M))) == 2


# --------------------------------------------------------------------------- determinism


def _models():
    return {
        "square": iv.SquareLattice(6),
        "cubic": iv.CubicLattice(4, J=0.8),
        "graph": iv.models.random_regular(14, 4, seed=3),
    }


def _run(name, T=(1.5, 2.5, 4.0), **kw):
    args = dict(n_therm=50, n_measure=300, every=3, seed=5, save_configs=True)
    args.update(kw)
    return iv.mc.run(_models()[name], list(T), SW, **args)


def _same(a, b):
    return (
        np.array_equal(a.E, b.E)
        and np.array_equal(a.M, b.M)
        and np.array_equal(a.configs, b.configs)
        and np.array_equal(a.acceptance, b.acceptance)
        and np.array_equal(a.cluster_size, b.cluster_size)
    )


@pytest.mark.parametrize("name", ["square", "cubic", "graph"])
def test_threads_seeds_and_other_temperatures(name):
    T = [1.2, 1.9, 2.6, 3.3, 4.0]
    one = _run(name, T=T, threads=1)
    for threads in (2, 3):
        assert _same(one, _run(name, T=T, threads=threads)), threads
    assert _same(one, _run(name, T=T, threads=1))
    other = _run(name, T=T, seed=6)
    assert not any(np.array_equal(one.configs[k], other.configs[k]) for k in range(len(T)))
    alone = _run(name, T=[2.6])
    assert np.array_equal(alone.E[0], one.E[2]) and np.array_equal(alone.configs[0], one.configs[2])
    thin = _run(name, T=T, every=4, n_measure=60)
    dense = _run(name, T=T, every=1, n_measure=60)
    assert np.array_equal(thin.configs, dense.configs[:, 3::4])


# --------------------------------------------------------------------------- critical slowing down


def test_autocorrelation_at_Tc_in_sweeps():
    """At T_c on a 32 x 32 lattice Swendsen-Wang decorrelates |m| in about 3.5 sweeps,
    checkerboard Metropolis in about 45 (measured with 4x longer runs; from L = 16 to 32 they
    grow by 1.2 and 4.3: dynamic exponents near 0.25 and 2.1)."""
    model, T = iv.SquareLattice(32), iv.exact.T_C
    sw = tau_sweeps(iv.mc.run(model, T, SW, n_therm=500, n_measure=20_000, seed=7))
    met = tau_sweeps(iv.mc.run(model, T, "metropolis", n_therm=2000, n_measure=40_000, seed=7))
    assert sw["tau_abs_m"][0] < 6 and met["tau_abs_m"][0] > 5 * sw["tau_abs_m"][0], (sw, met)


# --------------------------------------------------------------------------- bad input

E1 = [(0, 1), (1, 2)]
BAD = [
    (
        "field on a lattice",
        lambda: iv.mc.run(iv.SquareLattice(4, h=0.1), 2.0, SW, n_measure=4),
        "h",
    ),
    (
        "field on a cubic lattice",
        lambda: iv.mc.run(iv.CubicLattice(3, h=-0.1), 2.0, SW, n_measure=4),
        "h",
    ),
    (
        "antiferromagnetic lattice",
        lambda: iv.mc.run(iv.SquareLattice(4, J=-1.0), 2.0, SW, n_measure=4),
        "J",
    ),
    (
        "field on a graph",
        lambda: iv.mc.run(iv.Graph(3, E1, 1.0, [0, 0, 1e-9]), 2.0, SW, n_measure=4),
        "fields",
    ),
    (
        "one negative bond",
        lambda: iv.mc.run(iv.Graph(3, E1, [1.0, -0.1]), 2.0, SW, n_measure=4),
        "couplings",
    ),
    (
        "spin glass",
        lambda: iv.mc.run(iv.models.edwards_anderson(4, seed=1), 1.0, SW, n_measure=4),
        "couplings",
    ),
    (
        "random field",
        lambda: iv.mc.run(
            iv.models.random_field(iv.SquareLattice(4), 0.5, 0), 2.0, SW, n_measure=4
        ),
        "fields",
    ),
    (
        "multispin kernel",
        lambda: iv.mc.run(iv.SquareLattice(128), 2.0, SW, n_measure=4, kernel="multispin"),
        "kernel",
    ),
    (
        "unknown algorithm",
        lambda: iv.mc.run(iv.SquareLattice(4), 2.0, "swendsen_wang", n_measure=4),
        "algorithm",
    ),
]


@pytest.mark.parametrize("name,call,param", BAD, ids=[c[0] for c in BAD])
def test_bad_input_names_the_parameter(name, call, param):
    with pytest.raises(ValueError, match=f"^{param}:"):
        call()


def test_core_rejects_swendsen_wang_where_it_does_not_apply():
    """The core checks on its own too, for callers that skip the Python layer."""
    from isingvi import _core

    with pytest.raises(ValueError, match="^h:"):
        _core.mc_sweep(_core.Lattice(2, 4, 1.0, 0.5), SW, [2.0], 0, 4)
    with pytest.raises(ValueError, match="^couplings:"):
        _core.mc_sweep(_core.Graph(2, [0], [1], [-1.0], []), SW, [2.0], 0, 4)
    with pytest.raises(ValueError, match="^algorithm:"):
        _core.ais(_core.Graph(2, [0], [1], [1.0], []), [2.0], 10, 1, 2, SW, 0, 1)
