"""Free energies from sampling (isingvi.freeenergy) against exact answers.

AIS: enumeration (4 x 4 lattice, and a small random graph with fields through the plain-NumPy
brute force of conftest), Kaufman at L = 16; the Jensen direction E[ln Z-hat] <= ln Z; the
error shrinking with the schedule; the weight formula itself (n_sweeps = 0). TI: the
quadrature (exact for cubics, bounded weights on awkward grids), its discretisation error
on the default grid against Kaufman's exact u, and MC-based ln Z against Kaufman and
enumeration. Fixed seeds, |z| < 4 with the library's own error bars.
"""

from __future__ import annotations

import itertools
import math

import isingvi as iv
import numpy as np
import pytest
from conftest import all_states, assert_z, brute_force, energies, random_instance
from isingvi import _core
from isingvi.freeenergy import ais, thermodynamic_integration, ti_grid, ti_integrate

LN2 = math.log(2.0)
T3 = [2.0, 2.269, 3.0]


def pooled_ln_z(log_w: np.ndarray, n_spins: int) -> tuple[float, float]:
    """Per-spin ln of 2^N mean(w) over a pool of chains, and its delta-method error (plain NumPy)."""
    w = np.exp(log_w - log_w.max())
    ln_z = (n_spins * LN2 + log_w.max() + np.log(w.mean())) / n_spins
    return ln_z, w.std(ddof=1) / math.sqrt(w.size) / w.mean() / n_spins


# --------------------------------------------------------------------------- AIS schedule


def test_pinned_schedule_by_hand():
    assert _core.pinned_schedule([1.0], 4).tolist() == [0.25, 0.5, 0.75, 1.0]
    # gaps 0.3 and 0.7 share 7 steps as 2 + 5: largest step 0.15 (3 + 4 would give 0.175)
    assert np.allclose(
        _core.pinned_schedule([1.0, 0.3, 0.3], 7), [0.15, 0.3, 0.44, 0.58, 0.72, 0.86, 1.0]
    )


@pytest.mark.parametrize(
    "targets,n", [([0.2, 0.45, 1.3], 11), ([0.05, 0.9], 6), ([0.7, 0.1, 0.4, 0.41], 23)]
)
def test_pinned_schedule_is_the_best_linear_schedule(targets, n):
    s = _core.pinned_schedule(targets, n)
    pins = sorted(set(targets))
    assert s.size == n and np.all(np.diff(s) > 0) and s[0] > 0
    assert all(b in s.tolist() for b in pins)  # exactly, not approximately
    gaps = np.diff([0.0, *pins])
    best = min(
        max(g / m for g, m in zip(gaps, split))
        for split in itertools.product(range(1, n + 1), repeat=len(gaps))
        if sum(split) == n
    )
    assert np.diff(np.concatenate([[0.0], s])).max() == pytest.approx(best, rel=1e-12)


# --------------------------------------------------------------------------- AIS vs exact


@pytest.mark.filterwarnings(
    "ignore::isingvi.freeenergy.AISErrorWarning"
)  # few effective chains on purpose
def test_ais_4x4_converges_from_below_to_enumeration():
    """16 seeds x 64 chains per schedule length: the error shrinks 10 -> 100 -> 1000 steps,
    the seed average never sits above ln Z beyond its error (Jensen), and at 1000 steps each
    seed and the pool of all chains agree with enumeration within their error bars."""
    model = iv.SquareLattice(4)
    exact = iv.exact.enumerate(model, T3)["ln_z"].to_numpy()
    seeds = range(16)
    rms = []
    for n_steps in (10, 100, 1000):
        runs = [
            ais(model, T3, n_steps=n_steps, n_chains=64, seed=s, log_weights=True) for s in seeds
        ]
        est = np.array([t["ln_z"] for t, _ in runs])
        dev = est - exact
        rms.append(np.sqrt((dev**2).mean(axis=0)))
        mean_err = est.std(axis=0, ddof=1) / math.sqrt(len(seeds))
        assert np.all(dev.mean(axis=0) < 4 * mean_err), (
            f"n_steps={n_steps}: above ln Z: {dev.mean(axis=0)} vs {mean_err}"
        )
        if n_steps == 1000:
            for t, _ in runs:
                assert t["ess"].min() > 30
                for k in range(len(T3)):
                    assert_z(
                        t["ln_z"][k], t["ln_z_err"][k], exact[k], f"seed {t['seed'][k]} T={T3[k]}"
                    )
            # the reported error describes the spread between seeds
            reported = np.array([t["ln_z_err"] for t, _ in runs]).mean(axis=0)
            assert np.all(
                (est.std(axis=0, ddof=1) > reported / 2) & (est.std(axis=0, ddof=1) < 2 * reported)
            )
            weights = np.concatenate(
                [w["log_w"].to_numpy().reshape(len(T3), -1) for _, w in runs], axis=1
            )
            for k in range(len(T3)):
                assert_z(*pooled_ln_z(weights[k], model.n), exact[k], f"pooled T={T3[k]}")
    rms = np.array(rms)
    assert np.all(rms[0] > 2 * rms[1]) and np.all(rms[1] > 2 * rms[2]), rms


@pytest.mark.filterwarnings(
    "ignore::isingvi.freeenergy.AISErrorWarning"
)  # few effective chains on purpose
def test_ais_jensen_gap_is_visible_with_a_coarse_schedule():
    """Two chains, two steps: ln Z-hat is far below ln Z on average (E[Z-hat] = Z, so
    E[ln Z-hat] < ln Z strictly), by many standard errors of the seed average."""
    model = iv.SquareLattice(4)
    exact = iv.exact.enumerate(model, 2.0)["ln_z"][0]
    est = np.array([ais(model, 2.0, n_steps=2, n_chains=2, seed=s)["ln_z"][0] for s in range(200)])
    gap, err = est.mean() - exact, est.std(ddof=1) / math.sqrt(est.size)
    assert gap < -4 * err, (gap, err)


@pytest.mark.parametrize("algorithm", ["heatbath", "metropolis"])
def test_ais_graph_with_fields_vs_brute_force(algorithm):
    edges, J, h = random_instance(10, seed=31)
    model = iv.Graph(10, edges, J, h)
    T = [0.8, 1.5]
    exact = [brute_force(10, edges, J, h, t)["ln_z"] for t in T]
    runs = [
        ais(model, T, n_steps=1000, n_chains=64, algorithm=algorithm, seed=s, log_weights=True)
        for s in range(8)
    ]
    est = np.array([t["ln_z"] for t, _ in runs])
    assert np.all((est - exact).mean(axis=0) < 4 * est.std(axis=0, ddof=1) / math.sqrt(len(runs)))
    for t, _ in runs:
        assert t["ess"].min() > 30
        for k in range(len(T)):
            assert_z(
                t["ln_z"][k],
                t["ln_z_err"][k],
                exact[k],
                f"{algorithm} seed {t['seed'][k]} T={T[k]}",
            )
    weights = np.concatenate([w["log_w"].to_numpy().reshape(len(T), -1) for _, w in runs], axis=1)
    for k in range(len(T)):
        assert_z(*pooled_ln_z(weights[k], 10), exact[k], f"{algorithm} pooled T={T[k]}")


def test_ais_L16_vs_kaufman():
    table = ais(iv.SquareLattice(16), T3, n_steps=1000, n_chains=128, seed=7)
    exact = iv.exact.kaufman(16, T3)
    assert np.all(table["ess"] > 15)
    for k in range(len(T3)):
        assert_z(table["ln_z"][k], table["ln_z_err"][k], exact["ln_z"][k], f"L=16 T={T3[k]}")
        assert_z(table["f"][k], table["f_err"][k], exact["f"][k], f"L=16 f T={T3[k]}")


@pytest.mark.parametrize("n_steps", [1, 7])
def test_ais_weights_without_sweeps_are_minus_beta_E_of_a_uniform_state(n_steps):
    """With n_sweeps = 0 the chain never moves, the steps telescope and ln w = -beta E(s0)."""
    edges, J, h = random_instance(5, seed=4)
    T = 0.7
    _, w = ais(
        iv.Graph(5, edges, J, h),
        T,
        n_steps=n_steps,
        n_sweeps=0,
        n_chains=200,
        seed=2,
        log_weights=True,
    )
    allowed = -energies(all_states(5), edges, J, h) / T
    gap = np.abs(w["log_w"].to_numpy()[:, None] - allowed[None, :]).min(axis=1)
    assert gap.max() < 1e-12
    assert len(np.unique(w["log_w"].round(9))) > 10  # the start states really are random


@pytest.mark.filterwarnings(
    "ignore::isingvi.freeenergy.AISErrorWarning"
)  # few effective chains on purpose
def test_ais_table_columns_order_and_repeats():
    model = iv.SquareLattice(4, h=0.1)
    T = [3.0, 1.5, 3.0]
    table = ais(model, T, n_steps=20, n_chains=4, algorithm="metropolis", seed=5)
    assert list(table.columns) == [
        "T",
        "beta",
        "ln_z",
        "ln_z_err",
        "ln_z_lo",
        "ln_z_hi",
        "f",
        "f_err",
        "ess",
        "err_reliable",
        "n_chains",
        "n_steps",
        "n_sweeps",
        "algorithm",
        "seed",
    ]
    assert table["T"].tolist() == T and np.allclose(table["beta"], 1 / np.array(T))
    assert table["ln_z"][0] == table["ln_z"][2]
    assert np.allclose(table["f"], -table["T"] * table["ln_z"])
    assert np.all((table["ess"] >= 1) & (table["ess"] <= 4))
    assert np.all((table["ln_z_lo"] < table["ln_z"]) & (table["ln_z"] < table["ln_z_hi"]))
    assert table["err_reliable"].dtype == bool
    assert set(table["algorithm"]) == {"metropolis"} and set(table["n_steps"]) == {20}


@pytest.mark.filterwarnings(
    "ignore::isingvi.freeenergy.AISErrorWarning"
)  # few effective chains on purpose
def test_ais_bit_identical_for_any_thread_count_and_seeded():
    model = iv.SquareLattice(6, h=-0.2)
    runs = [
        ais(model, [1.8, 2.6], n_steps=50, n_chains=9, seed=3, threads=t, log_weights=True)
        for t in (1, 2, 3)
    ]
    for table, weights in runs[1:]:
        assert table.equals(runs[0][0]) and weights.equals(runs[0][1])
    other = ais(model, [1.8, 2.6], n_steps=50, n_chains=9, seed=4)
    assert not np.array_equal(other["ln_z"], runs[0][0]["ln_z"])


AIS_BAD = [
    ("T zero", dict(T=0.0), "T"),
    ("T nan", dict(T=[1.0, math.nan]), "T"),
    ("T negative", dict(T=-2.0), "T"),
    ("T tiny", dict(T=1e-310), "T"),
    ("n_steps 0", dict(n_steps=0), "n_steps"),
    ("n_steps < targets", dict(T=[1.0, 2.0, 3.0], n_steps=2), "n_steps"),
    ("n_steps huge", dict(n_steps=2**40), "n_steps"),
    ("n_steps float", dict(n_steps=2.5), "n_steps"),
    ("n_chains 1", dict(n_chains=1), "n_chains"),
    ("n_chains 0", dict(n_chains=0), "n_chains"),
    ("n_sweeps -1", dict(n_sweeps=-1), "n_sweeps"),
    ("wolff", dict(algorithm="wolff"), "algorithm"),
    ("unknown algorithm", dict(algorithm="gibbs"), "algorithm"),
    ("seed -1", dict(seed=-1), "seed"),
    ("threads 0", dict(threads=0), "threads"),
    ("model", dict(model="lattice"), "model"),
]


@pytest.mark.parametrize("case", AIS_BAD, ids=[c[0] for c in AIS_BAD])
def test_ais_bad_input(case):
    _, kw, param = case
    args = dict(model=iv.SquareLattice(4), T=2.0, n_steps=10, n_chains=4) | kw
    with pytest.raises(ValueError, match=rf"^{param}\b"):
        ais(args.pop("model"), args.pop("T"), **args)


@pytest.mark.parametrize(
    "call,param",
    [
        (lambda g: _core.ais(g, [1.0], 0), "n_steps"),
        (lambda g: _core.ais(g, [1.0], 10, -1), "n_sweeps"),
        (lambda g: _core.ais(g, [1.0], 10, 1, 1), "n_chains"),
        (lambda g: _core.ais(g, [1.0], 10, 1, 4, "wolff"), "algorithm"),
        (lambda g: _core.ais(g, [1.0], 10, 1, 4, "heatbath", 0, 0), "threads"),
        (lambda g: _core.ais(g, [math.inf], 10), "T"),
        (lambda g: _core.ais(iv.Graph(2, np.zeros((0, 2)), []), [1e-310], 10), "T"),
        (lambda g: _core.pinned_schedule([], 3), "targets"),
        (lambda g: _core.pinned_schedule([0.5, -1.0], 3), "targets"),
        (lambda g: _core.pinned_schedule([math.nan], 3), "targets"),
        (lambda g: _core.pinned_schedule([0.5, 1.0], 1), "n_steps"),
    ],
)
def test_core_ais_bad_input(call, param):
    with pytest.raises(ValueError, match=rf"^{param}\b"):
        call(iv.Graph(3, [(0, 1), (1, 2)], 1.0))


# --------------------------------------------------------------------------- TI quadrature


def test_ti_integrate_is_exact_for_cubics_on_uneven_grids():
    rng = np.random.default_rng(8)
    beta = np.concatenate([[0.0], np.sort(rng.uniform(0.0, 1.5, 11))])
    a = rng.normal(size=4)
    u = a[0] + a[1] * beta + a[2] * beta**2 + a[3] * beta**3
    integral = a[0] * beta + a[1] * beta**2 / 2 + a[2] * beta**3 / 3 + a[3] * beta**4 / 4
    ln_z, err = ti_integrate(beta, u)
    assert np.allclose(ln_z, LN2 - integral, rtol=0, atol=1e-13)
    assert np.all(err == 0)
    # a quartic is not integrated exactly: the check above can fail
    ln_z4, _ = ti_integrate(beta, beta**4)
    assert np.abs(ln_z4 - (LN2 - beta**5 / 5)).max() > 1e-6


def test_ti_integrate_weights_stay_bounded_next_to_close_nodes():
    """Two nodes 1e-9 apart: a stencil through both would give weights ~ h^2 / 1e-9. Each
    node's weight in every cumulative integral (its error for a unit error) stays ~ h."""
    beta = np.concatenate([np.linspace(0.0, 1.0, 11), [0.5 + 1e-9]])
    beta.sort()
    h = 0.1
    for j in range(beta.size):
        one = np.zeros(beta.size)
        one[j] = 1.0
        _, err = ti_integrate(beta, np.zeros(beta.size), one)
        assert err.max() < 1.5 * h, (j, err.max())


@pytest.mark.parametrize("L", [16, 32])
@pytest.mark.parametrize("T", [T3, [1.5, 2.269]])
def test_ti_default_grid_discretisation_error_vs_kaufman(L, T):
    """Kaufman's exact u integrated on the default grid reproduces Kaufman's ln Z to 1e-6,
    two orders below the statistical error of the MC estimate (about 1e-4, test below)."""
    beta = ti_grid(iv.SquareLattice(L), T)
    assert beta.size == 49 and beta[0] == 0.0 and np.all(np.diff(beta) > 0)
    assert all(1.0 / t in beta.tolist() for t in T)
    exact = iv.exact.kaufman(L, 1.0 / beta[1:])
    u = np.concatenate([[0.0], exact["u"]])
    ln_z, _ = ti_integrate(beta, u)
    assert np.abs(ln_z[1:] - exact["ln_z"]).max() < 1e-6


# --------------------------------------------------------------------------- TI vs exact


def test_ti_L16_vs_kaufman():
    table = thermodynamic_integration(iv.SquareLattice(16), T3, seed=11)
    exact = iv.exact.kaufman(16, T3)
    for k in range(len(T3)):
        assert 0 < table["ln_z_err"][k] < 5e-4
        assert_z(table["ln_z"][k], table["ln_z_err"][k], exact["ln_z"][k], f"TI L=16 T={T3[k]}")
        assert_z(table["f"][k], table["f_err"][k], exact["f"][k], f"TI L=16 f T={T3[k]}")


def test_ti_graph_vs_brute_force():
    edges, J, _ = random_instance(10, seed=12, field_scale=0.0)
    model = iv.Graph(10, edges, J)
    T = [0.9, 2.0]
    table = thermodynamic_integration(
        model, T, algorithm="heatbath", n_measure=10000, seed=13, grid=True
    )
    assert len(table) == 48 and table["target"].sum() == 2
    assert np.all(np.diff(table["beta"]) > 0)
    for t in T:
        row = table[table["target"] & (table["T"] == t)].iloc[0]
        assert_z(
            row["ln_z"],
            row["ln_z_err"],
            brute_force(10, edges, J, np.zeros(10), t)["ln_z"],
            f"TI graph T={t}",
        )


def test_ti_with_fields_vs_enumeration():
    """ln Z(0) = N ln 2 and u(0) = 0 hold with fields too: independent chains on a lattice in a field."""
    model = iv.SquareLattice(4, h=0.3)
    T = [1.5, 3.0]
    table = thermodynamic_integration(model, T, n_measure=20000, seed=21)
    exact = iv.exact.enumerate(model, T)
    for k, t in enumerate(T):
        assert_z(table["ln_z"][k], table["ln_z_err"][k], exact["ln_z"][k], f"TI h=0.3 T={t}")


def ea_with_fields(seed: int) -> iv.Graph:
    """A 4 x 4 +-J spin glass in random fields: single chains get stuck below T ~ 0.5."""
    model = iv.models.random_field(iv.models.edwards_anderson(4, seed), 0.3, seed + 100)
    return iv.models.as_graph(model)


def test_ti_tempering_vs_enumeration_spin_glass():
    """Parallel tempering over the grid: ln z, u and the marginals at T = 0.3 ... 2 against enumeration,
    with the errors of ln z correlated along the ladder (binned on the combined series)."""
    model, T = ea_with_fields(3), [0.3, 0.5, 1.0, 2.0]
    table = thermodynamic_integration(
        model, T, tempering=True, marginals=True, n_measure=20000, seed=1
    )
    exact = iv.exact.enumerate(model, T, marginals=True)
    spins = [f"marginal_{i}" for i in range(model.n)]
    assert (
        table["sampler"].iloc[0] == "tempering-sequential-metropolis"
        and table["swap_acceptance"].min() > 0.2
    )
    for k, t in enumerate(T):
        assert 0 < table["ln_z_err"][k] < 1e-3
        assert_z(table["ln_z"][k], table["ln_z_err"][k], exact["ln_z"][k], f"PT-TI ln z T={t}")
        assert_z(table["u"][k], table["u_err"][k], exact["u"][k], f"PT-TI u T={t}")
    # marginals have no error bar: 20 000 sweeps of binary spins resolve them to ~0.02
    assert np.abs(table[spins].to_numpy() - exact[spins].to_numpy()).max() < 0.05


def test_ti_tempering_threads_and_grid():
    model = ea_with_fields(4)
    kw = dict(
        n_grid=8,
        n_therm=10,
        n_measure=256,
        n_blocks=4,
        seed=2,
        tempering=True,
        algorithm="heatbath",
    )
    one = thermodynamic_integration(model, [0.5, 1.0], threads=1, grid=True, marginals=True, **kw)
    assert one.equals(
        thermodynamic_integration(model, [0.5, 1.0], threads=2, grid=True, marginals=True, **kw)
    )
    assert len(one) == 8 and one["target"].sum() == 2 and f"marginal_{model.n - 1}" in one
    assert one.algorithm.iloc[0] == "heatbath"


def test_ti_table_and_threads():
    model = iv.SquareLattice(4)
    kw = dict(n_grid=6, n_therm=10, n_measure=64, n_blocks=4, seed=2)
    one = thermodynamic_integration(model, [3.0, 1.0, 3.0], threads=1, **kw)
    assert one.equals(thermodynamic_integration(model, [3.0, 1.0, 3.0], threads=2, **kw))
    assert one["T"].tolist() == [3.0, 1.0, 3.0]
    assert list(one.columns) == [
        "T",
        "beta",
        "ln_z",
        "ln_z_err",
        "f",
        "f_err",
        "u",
        "u_err",
        "n_grid",
        "algorithm",
        "n_therm",
        "n_measure",
        "seed",
    ]
    assert np.allclose(one["f"], -one["T"] * one["ln_z"])


TI_BAD = [
    (
        "marginals alone",
        lambda: thermodynamic_integration(iv.SquareLattice(4), 2.0, marginals=True),
        "marginals",
    ),
    (
        "tempering wolff",
        lambda: thermodynamic_integration(
            iv.SquareLattice(4), 2.0, tempering=True, algorithm="wolff"
        ),
        "algorithm",
    ),
    (
        "tempering flag",
        lambda: thermodynamic_integration(iv.SquareLattice(4), 2.0, tempering="yes"),
        "tempering",
    ),
    ("model", lambda: thermodynamic_integration("lattice", 2.0), "model"),
    ("T", lambda: thermodynamic_integration(iv.SquareLattice(4), [2.0, -1.0]), "T"),
    (
        "n_grid small",
        lambda: thermodynamic_integration(iv.SquareLattice(4), 2.0, n_grid=2),
        "n_grid",
    ),
    ("n_grid < targets", lambda: ti_grid(iv.SquareLattice(4), [1, 2, 3, 4], n_grid=3), "n_grid"),
    ("n_grid huge", lambda: ti_grid(iv.SquareLattice(4), 2.0, n_grid=10**6), "n_grid"),
    (
        "algorithm",
        lambda: thermodynamic_integration(iv.SquareLattice(4), 2.0, algorithm="x"),
        "algorithm",
    ),
    (
        "n_measure",
        lambda: thermodynamic_integration(iv.SquareLattice(4), 2.0, n_measure=8),
        "n_measure",
    ),
    (
        "n_blocks",
        lambda: thermodynamic_integration(iv.SquareLattice(4), 2.0, n_blocks=1),
        "n_blocks",
    ),
    (
        "threads",
        lambda: thermodynamic_integration(iv.SquareLattice(4), 2.0, n_measure=64, threads=0),
        "threads",
    ),
    ("beta start", lambda: ti_integrate([0.1, 0.2, 0.3, 0.4], np.zeros(4)), "beta"),
    ("beta order", lambda: ti_integrate([0.0, 0.2, 0.2, 0.4], np.zeros(4)), "beta"),
    ("beta short", lambda: ti_integrate([0.0, 0.2, 0.4], np.zeros(3)), "beta"),
    ("u shape", lambda: ti_integrate([0.0, 0.2, 0.3, 0.4], np.zeros(3)), "u"),
    ("u nan", lambda: ti_integrate([0.0, 0.2, 0.3, 0.4], [0, 1, math.nan, 2]), "u"),
    (
        "u_err negative",
        lambda: ti_integrate([0.0, 0.2, 0.3, 0.4], np.zeros(4), [0, 1, -1, 0]),
        "u_err",
    ),
]


@pytest.mark.parametrize("case", TI_BAD, ids=[c[0] for c in TI_BAD])
def test_ti_bad_input(case):
    _, call, param = case
    with pytest.raises(ValueError, match=rf"^{param}\b"):
        call()
