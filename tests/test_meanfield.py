"""Naive mean field and TAP on graphs and lattices (isingvi.meanfield.solve / free_energy).

Ground truth: exact enumeration (the Gibbs-Bogoliubov bound F_MF >= F at any m and at the
solver's result; TAP's higher-order accuracy), an independent NumPy evaluation of F_MF and
F_TAP, the fixed-point equations themselves, free spins (where mean field is exact), and the
gauge map of a bipartite antiferromagnet onto the ferromagnet.
"""

from __future__ import annotations

import math

import isingvi as iv
import numpy as np
import pytest
from conftest import random_instance
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.special import xlogy

mf = iv.meanfield

# Deterministic property tests: the same examples on every run.
DETERMINISTIC = settings(
    derandomize=True,
    deadline=None,
    database=None,
    max_examples=120,
    suppress_health_check=[HealthCheck.too_slow],
)


# --------------------------------------------------------------------------------------------
# Independent NumPy evaluations


def numpy_free_energy(edges, J, h, T, m, tap=False) -> float:
    """F_MF(m)/N (or F_TAP(m)/N) straight from the definitions, per spin."""
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    m = np.asarray(m, float)
    mi, mj = m[edges[:, 0]], m[edges[:, 1]]
    energy = -np.sum(J * mi * mj) - np.sum(h * m)
    p = (1 + m) / 2
    entropy = -np.sum(xlogy(p, p) + xlogy(1 - p, 1 - p))
    f = energy - T * entropy
    if tap:
        f -= 0.5 / T * np.sum(np.asarray(J) ** 2 * (1 - mi**2) * (1 - mj**2))
    return f / len(m)


def fixed_point_residual(g, T, m, tap=False) -> float:
    """max_i |m_i - tanh(beta (h_i + sum_j J_ij m_j [- beta m_i sum_j J_ij^2 (1 - m_j^2)]))|."""
    n = g.n
    W = np.zeros((n, n))
    W[g.edge_i, g.edge_j] = g.couplings
    W[g.edge_j, g.edge_i] = g.couplings
    field = g.fields + W @ m
    if tap:
        field -= m * ((W**2) @ (1 - m**2)) / T
    return float(np.max(np.abs(m - np.tanh(field / T))))


def graph_of(inst) -> iv.Graph:
    n, (edges, J, h) = inst
    return iv.Graph(n, edges, J, h)


@st.composite
def instances(draw):
    """A random graph on 2..10 spins: random edges, J ~ N(0, 1), h ~ N(0, s^2)."""
    n = draw(st.integers(2, 10))
    seed = draw(st.integers(0, 2**32 - 1))
    p_edge = draw(st.floats(0.2, 1.0))
    field_scale = draw(st.sampled_from([0.0, 0.3, 1.0]))
    return n, random_instance(n, seed, p_edge=p_edge, field_scale=field_scale)


temperatures = st.floats(0.05, 20.0)
magnetisation = st.one_of(st.sampled_from([-1.0, 1.0, 0.0]), st.floats(-1.0, 1.0))


# --------------------------------------------------------------------------------------------
# The free-energy functional


@DETERMINISTIC
@given(inst=instances(), T=temperatures, data=st.data())
def test_free_energy_matches_numpy_and_bounds_the_exact_one_at_any_m(inst, T, data):
    n, (edges, J, h) = inst
    g = graph_of(inst)
    m = np.array(data.draw(st.lists(magnetisation, min_size=n, max_size=n)))
    f_exact = iv.exact.enumerate(g, T).f.iloc[0]
    f = mf.free_energy(g, T, m)
    assert f == pytest.approx(numpy_free_energy(edges, J, h, T, m), rel=1e-12, abs=1e-12)
    assert mf.free_energy(g, T, m, method="tap") == pytest.approx(
        numpy_free_energy(edges, J, h, T, m, tap=True), rel=1e-12, abs=1e-12
    )
    assert f >= f_exact - 1e-12 * (1 + abs(f_exact))
    corner = np.sign(m) + (m == 0)  # a configuration: F_MF is its energy, >= F as well
    assert mf.free_energy(g, T, corner) >= f_exact - 1e-12 * (1 + abs(f_exact))
    assert mf.free_energy(g, T, corner) * n == pytest.approx(g.energy(corner), rel=1e-12, abs=1e-12)


@DETERMINISTIC
@given(
    inst=instances(),
    T=temperatures,
    init=st.sampled_from(["up", "down", "random"]),
    update=st.sampled_from(["sequential", "parallel"]),
    damping=st.sampled_from([0.0, 0.5]),
)
def test_solver_result_bounds_the_exact_free_energy(inst, T, init, update, damping):
    g = graph_of(inst)
    res = mf.solve(g, T, update=update, damping=damping, init=init, seed=11, max_iter=500)
    f_exact = iv.exact.enumerate(g, T).f.iloc[0]
    assert res.f[0] >= f_exact - 1e-12 * (1 + abs(f_exact))
    assert res.f[0] == pytest.approx(mf.free_energy(g, T, res.m[0]), rel=1e-13, abs=1e-13)
    if res.converged[0]:
        assert fixed_point_residual(g, T, res.m[0]) < 1e-8


def test_binary_entropy_exact_at_corners_and_centre():
    g = iv.Graph(3, np.empty((0, 2)), [])
    T = 1.7
    assert mf.free_energy(g, T, [0.0, 0.0, 0.0]) == -T * math.log(2)
    assert mf.free_energy(g, T, [1.0, -1.0, 1.0]) == 0.0
    near = 1 - 1e-12  # H2 stays positive and accurate next to the corner
    p = 0.5e-12
    expected = -T * (-p * math.log(p) - (1 - p) * math.log1p(-p)) / 3
    assert mf.free_energy(g, T, [near, 1.0, 1.0]) == pytest.approx(expected, rel=1e-9)


def test_mean_field_is_exact_for_free_spins():
    """No couplings: q is the Boltzmann distribution, F_MF = F and m = tanh(beta h)."""
    h = np.array([0.3, -1.2, 0.0, 2.5])
    g = iv.Graph(4, np.empty((0, 2)), [], h)
    T = np.array([0.2, 1.0, 5.0])
    res = mf.solve(g, T, init="random")
    np.testing.assert_allclose(res.f, iv.exact.enumerate(g, T).f, rtol=1e-14)
    np.testing.assert_allclose(res.m, np.tanh(h[None, :] / T[:, None]), rtol=1e-15, atol=1e-300)


@pytest.mark.parametrize("update", ["sequential", "parallel"])
def test_free_spins_over_the_whole_range_of_fields(update):
    """The iterations compute tanh and the entropy in a vectorised kernel of their own (parallel)
    or tanh from libm and the entropy from the kernel (sequential): check both against NumPy over
    fields from 1e-300 to beyond the kernel's clamp at |beta h| = 350. Exact for free spins:
    m_i = tanh(beta h_i), f = -(T/N) sum_i ln(2 cosh(beta h_i))."""
    rng = np.random.default_rng(3)
    mags = 10.0 ** rng.uniform(-300, 3, 400)
    h = np.concatenate(
        [mags * rng.choice([-1, 1], mags.size), [0.0, 349.9, -350.0, 350.1, 1e300, 19.0, 0.125]]
    )
    g = iv.Graph(h.size, np.empty((0, 2)), [], h)
    T = np.array([0.5, 1.0, 3.0])
    res = mf.solve(g, T, update=update, init="random")
    assert res.converged.all() and np.all(res.n_iter == 2)
    beta_h = h[None, :] / T[:, None]
    np.testing.assert_allclose(res.m, np.tanh(beta_h), rtol=1e-15, atol=0)
    ln2cosh = np.abs(beta_h) + np.log1p(np.exp(-2 * np.abs(beta_h)))
    np.testing.assert_allclose(res.f, -T * ln2cosh.mean(axis=1), rtol=1e-14)
    np.testing.assert_allclose(
        res.f, [mf.free_energy(g, t, m) for t, m in zip(T, res.m)], rtol=1e-14
    )


# --------------------------------------------------------------------------------------------
# Iterations


MONOTONE_CASES = [
    ("sk64", iv.models.sk(64, seed=0), [0.3, 0.7, 1.0, 2.0]),
    ("sk64-rf", iv.models.random_field(iv.models.sk(64, seed=1), 0.5, seed=2), [0.3, 1.0, 2.0]),
    ("square16", iv.SquareLattice(16), [2.0, 3.5, 4.0, 6.0]),
    ("square16-afm-field", iv.SquareLattice(16, J=-1.0, h=0.5), [1.0, 3.0]),
    ("cubic6", iv.CubicLattice(6), [4.0, 5.9, 8.0]),
    ("ea8", iv.models.edwards_anderson(8, seed=3), [0.5, 1.5]),
]


@pytest.mark.parametrize("damping", [0.0, 0.6])
@pytest.mark.parametrize("name, model, T", MONOTONE_CASES, ids=[c[0] for c in MONOTONE_CASES])
def test_sequential_mean_field_never_increases_the_free_energy(name, model, T, damping):
    res = mf.solve(
        model, T, update="sequential", damping=damping, init="random", seed=5, max_iter=400
    )
    for t, tr in res.trace.groupby("T"):
        f = tr.f.to_numpy()
        assert len(f) >= 3, t
        steps = np.diff(f)
        assert np.all(steps <= 1e-13 * np.maximum(1.0, np.abs(f[1:]))), (t, steps.max())
        assert f[-1] < f[0]


def test_parallel_undamped_oscillates_on_an_antiferromagnet_damped_converges():
    """Square-lattice antiferromagnet at T = 1 from the uniform start: the parallel update maps
    m -> -m' with |m'| = |m| at the fixed point of |m| = tanh(4 beta |m|): a period-2 cycle."""
    afm = iv.SquareLattice(8, J=-1.0)
    a = mf.solve(afm, 1.0, update="parallel", max_iter=50)
    b = mf.solve(afm, 1.0, update="parallel", max_iter=51)
    assert not a.converged[0] and not b.converged[0] and a.n_iter[0] == 50
    np.testing.assert_allclose(b.m[0], -a.m[0], rtol=1e-14)
    m_star = mf.uniform(1.0, z=4).m.iloc[0]
    np.testing.assert_allclose(np.abs(a.m[0]), m_star, rtol=1e-12)
    np.testing.assert_allclose(a.trace.max_dm.to_numpy()[-10:], 2 * m_star, rtol=1e-12)

    # Damped with d > (4 beta - 1)/(4 beta + 1) = 0.6 the uniform cycle contracts: from the
    # same start it converges, to the uniform (unstable) paramagnetic point m = 0.
    c = mf.solve(afm, 1.0, update="parallel", damping=0.8, init="up", max_iter=5000)
    assert c.converged[0]
    assert np.all(np.abs(c.m[0]) < 1e-10)
    assert c.f[0] == pytest.approx(-math.log(2), rel=1e-14)

    # From a weakly staggered start it converges to the staggered state, which the gauge
    # s_i -> (-1)^(x+y) s_i maps onto the ferromagnet's uniform solution.
    x, y = np.meshgrid(np.arange(8), np.arange(8), indexing="xy")
    stagger = ((-1.0) ** (x + y)).ravel()
    d = mf.solve(afm, 1.0, update="parallel", damping=0.8, init=0.1 * stagger, max_iter=5000)
    assert d.converged[0]
    assert fixed_point_residual(iv.models.as_graph(afm), 1.0, d.m[0]) < 1e-9
    np.testing.assert_allclose(d.m[0] * stagger, m_star, rtol=1e-9)
    assert d.f[0] == pytest.approx(mf.uniform(1.0, z=4).f.iloc[0], rel=1e-12)


@pytest.mark.parametrize("update", ["sequential", "parallel"])
@pytest.mark.parametrize("method", ["mf", "tap"])
def test_converged_result_satisfies_its_fixed_point_equation(update, method):
    g = iv.models.random_field(iv.models.sk(30, seed=4), 0.4, seed=5)
    T = [1.5, 2.5, 4.0]
    res = mf.solve(
        g, T, method=method, update=update, damping=0.3, init="random", tol=1e-13, max_iter=20_000
    )
    assert res.converged.all()
    for k, t in enumerate(T):
        assert fixed_point_residual(g, t, res.m[k], tap=method == "tap") < 1e-11
        assert res.f[k] == pytest.approx(mf.free_energy(g, t, res.m[k], method=method), rel=1e-14)


def test_non_convergence_is_flagged_not_raised():
    g = iv.models.sk(20, seed=1)
    res = mf.solve(g, [0.5, 5.0], init="random", max_iter=1)
    assert list(res.converged) == [False, False]
    assert list(res.n_iter) == [1, 1]
    assert res.trace.groupby("T").size().tolist() == [2, 2]


# --------------------------------------------------------------------------------------------
# TAP


def _sk_errors(seed: int, T: np.ndarray, sigma: float):
    g = iv.models.sk(12, seed=seed)
    if sigma:
        g = iv.models.random_field(g, sigma, seed=seed + 100)
    exact = iv.exact.enumerate(g, T).f.to_numpy()
    naive = mf.solve(g, T, init="random", tol=1e-13)
    tap = mf.solve(g, T, method="tap", init="random", damping=0.3, tol=1e-13)
    assert naive.converged.all() and tap.converged.all()
    return naive.f - exact, tap.f - exact


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("sigma", [0.0, 0.5])
def test_tap_beats_naive_mean_field_on_sk_at_high_temperature(seed, sigma):
    """|F_TAP - F| < |F_MF - F|, and the error of TAP is of higher order in beta: per spin,
    mean field misses the O(beta) Onsager term, TAP starts at O(beta^2)."""
    T = np.array([2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0])
    err_mf, err_tap = _sk_errors(seed, T, sigma)
    assert np.all(err_mf > 0)  # the bound
    assert np.all(np.abs(err_tap) < np.abs(err_mf))
    high = T >= 16  # the asymptotic regime: at T <= 8 the beta^2 and beta^3 terms can compete
    beta = 1 / T[high]
    slope_mf = np.polyfit(np.log(beta), np.log(err_mf[high]), 1)[0]
    slope_tap = np.polyfit(np.log(beta), np.log(np.abs(err_tap[high])), 1)[0]
    assert slope_mf == pytest.approx(1.0, abs=0.1)
    assert slope_tap == pytest.approx(2.0, abs=0.2)


def test_tap_may_not_converge_at_low_temperature_and_stays_finite():
    g = iv.models.sk(12, seed=0)
    for update in ("sequential", "parallel"):
        res = mf.solve(g, 0.5, method="tap", update=update, init="random", max_iter=2000)
        assert not res.converged[0] and res.n_iter[0] == 2000
        assert np.all(np.isfinite(res.m)) and np.all(np.abs(res.m) <= 1)
        assert np.isfinite(res.f[0]) and np.isfinite(res.u[0])
        assert np.all(np.isfinite(res.trace.f))


def test_energies_are_beta_derivatives_at_the_fixed_point():
    """u = d(beta f)/d beta along the solution (stationarity makes dm/d beta drop out)."""
    g = iv.models.random_field(iv.models.sk(16, seed=2), 0.5, seed=3)
    for method in ("mf", "tap"):
        T, dT = 3.0, 1e-4
        res = mf.solve(
            g, [T - dT, T, T + dT], method=method, init="random", tol=1e-14, max_iter=50_000
        )
        assert res.converged.all()
        bf = res.f / res.T
        u = (bf[0] - bf[2]) / (1 / (T - dT) - 1 / (T + dT))
        assert res.u[1] == pytest.approx(u, rel=1e-6), method


# --------------------------------------------------------------------------------------------
# Starts, results, determinism


def test_starts():
    g = iv.models.random_field(iv.models.sk(10, seed=1), 0.3, seed=1)
    T = [0.5, 2.0]
    for init, start in (
        ("up", np.ones(10)),
        ("down", -np.ones(10)),
        ("random", 2 * iv._core.random_uniform(9, 0, 10) - 1),
    ):
        res = mf.solve(g, T, init=init, seed=9, max_iter=3)
        first = res.trace[res.trace.iteration == 0].f.to_numpy()
        np.testing.assert_allclose(first, [mf.free_energy(g, t, start) for t in T], rtol=1e-15)
    m0 = np.linspace(-1, 1, 10)
    res = mf.solve(g, T, init=m0, max_iter=3)
    assert res.init == "given"
    np.testing.assert_allclose(
        res.trace[res.trace.iteration == 0].f, [mf.free_energy(g, t, m0) for t in T]
    )
    a = mf.solve(g, T, init="random", seed=1, max_iter=2)
    b = mf.solve(g, T, init="random", seed=2, max_iter=2)
    assert not np.array_equal(a.m, b.m)


def test_up_and_down_are_mirror_images_at_zero_field():
    sq = iv.SquareLattice(8)
    up = mf.solve(sq, [2.0, 3.0], init="up")
    down = mf.solve(sq, [2.0, 3.0], init="down")
    np.testing.assert_array_equal(up.m, -down.m)
    np.testing.assert_array_equal(up.f, down.f)


def test_bit_identical_for_any_threads_and_order():
    lat = iv.SquareLattice(10, J=0.9, h=0.05)
    T = np.array([1.0, 3.0, 3.6, 5.0])
    kw = {
        "init": "random",
        "seed": 4,
        "update": "parallel",
        "damping": 0.5,
        "method": "tap",
        "tol": 1e-12,
    }
    one = mf.solve(lat, T, threads=1, **kw)
    two = mf.solve(lat, T, threads=2, **kw)
    rev = mf.solve(lat, T[::-1], **kw)
    np.testing.assert_array_equal(one.m, two.m)
    np.testing.assert_array_equal(one.f, two.f)
    assert one.trace.equals(two.trace)
    np.testing.assert_array_equal(one.m, rev.m[::-1])
    np.testing.assert_array_equal(one.n_iter, rev.n_iter[::-1])


@pytest.mark.parametrize(
    "model",
    [
        iv.SquareLattice(7, J=0.9, h=0.05),
        iv.CubicLattice(3, J=-0.7, h=0.2),
        iv.SquareLattice(2, J=1.1, h=0.1),
        iv.CubicLattice(2),
    ],
)
@pytest.mark.parametrize("update", ["sequential", "parallel"])
@pytest.mark.parametrize("method", ["mf", "tap"])
def test_lattice_stencil_agrees_with_its_graph(model, update, method):
    """Lattices (L >= 3) are swept with a stencil; the same model as a Graph goes through CSR.
    They differ only in the order of the neighbour sums (L = 2 lattices use the graph itself)."""
    T = [0.8 * model.J * 2 * model.dim if model.J > 0 else 1.0, 7.0]
    kw = {
        "init": "random",
        "seed": 1,
        "update": update,
        "method": method,
        "damping": 0.2,
        "max_iter": 200,
    }
    a = mf.solve(model, T, **kw)
    b = mf.solve(iv.models.as_graph(model), T, **kw)
    np.testing.assert_allclose(a.m, b.m, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(a.trace.f, b.trace.f, rtol=1e-12)
    np.testing.assert_array_equal(a.n_iter, b.n_iter)
    if model.L == 2:
        np.testing.assert_array_equal(a.m, b.m)


def test_result_table_and_trace():
    g = iv.models.sk(16, seed=7)
    res = mf.solve(
        g, [0.8, 3.0], method="tap", update="parallel", damping=0.4, init="random", seed=2
    )
    tab = res.table()
    assert list(tab.columns) == [
        "T",
        "beta",
        "method",
        "update",
        "damping",
        "init",
        "f",
        "u",
        "m",
        "abs_m",
        "converged",
        "n_iter",
    ]
    np.testing.assert_array_equal(tab.m, res.m.mean(axis=1))
    np.testing.assert_array_equal(tab.abs_m, np.abs(res.m).mean(axis=1))
    assert tab.method.tolist() == ["tap", "tap"] and tab.init.tolist() == ["random", "random"]
    assert list(res.trace.columns) == ["T", "iteration", "f", "max_dm"]
    for k, (t, tr) in enumerate(res.trace.groupby("T", sort=False)):
        assert t == res.T[k]
        assert tr.iteration.tolist() == list(range(res.n_iter[k] + 1))
        assert math.isnan(tr.max_dm.iloc[0]) and np.all(tr.max_dm.iloc[1:] >= 0)
        assert tr.f.iloc[-1] == res.f[k]
        if res.converged[k]:  # residual = max_dm / (1 - d) < tol at the last iteration
            assert tr.max_dm.iloc[-1] < res.tol * (1 - res.damping) * (1 + 1e-12)


def test_free_energy_shapes():
    sq = iv.SquareLattice(4)
    ms = np.random.default_rng(0).uniform(-1, 1, (5, 16))
    f = mf.free_energy(sq, 2.0, ms)
    assert f.shape == (5,)
    assert isinstance(mf.free_energy(sq, 2.0, ms[2]), float)
    assert f[2] == mf.free_energy(sq, 2.0, ms[2])


# --------------------------------------------------------------------------------------------
# Bad input

G = iv.Graph(3, [(0, 1), (1, 2)], 1.0)
NAN = math.nan
BAD = [
    ("T=0", lambda: mf.solve(G, 0.0), "T"),
    ("T<0", lambda: mf.solve(G, [1.0, -1.0]), "T"),
    ("T nan", lambda: mf.solve(G, NAN), "T"),
    ("T empty", lambda: mf.solve(G, []), "T"),
    ("T underflows beta", lambda: mf.solve(G, 1e-320), "T"),
    ("damping<0", lambda: mf.solve(G, 1.0, damping=-0.1), "damping"),
    ("damping=1", lambda: mf.solve(G, 1.0, damping=1.0), "damping"),
    ("damping nan", lambda: mf.solve(G, 1.0, damping=NAN), "damping"),
    ("damping string", lambda: mf.solve(G, 1.0, damping="a"), "damping"),
    ("tol=0", lambda: mf.solve(G, 1.0, tol=0.0), "tol"),
    ("tol<0", lambda: mf.solve(G, 1.0, tol=-1e-3), "tol"),
    ("tol nan", lambda: mf.solve(G, 1.0, tol=NAN), "tol"),
    ("max_iter=0", lambda: mf.solve(G, 1.0, max_iter=0), "max_iter"),
    ("max_iter=1.5", lambda: mf.solve(G, 1.0, max_iter=1.5), "max_iter"),
    ("max_iter too big", lambda: mf.solve(G, 1.0, max_iter=2**63), "max_iter"),
    ("method", lambda: mf.solve(G, 1.0, method="bethe"), "method"),
    ("update", lambda: mf.solve(G, 1.0, update="random"), "update"),
    ("init name", lambda: mf.solve(G, 1.0, init="given"), "init"),
    ("init length", lambda: mf.solve(G, 1.0, init=[0.1, 0.2]), "init"),
    ("init 2-D", lambda: mf.solve(G, 1.0, init=np.zeros((2, 3))), "init"),
    ("init outside", lambda: mf.solve(G, 1.0, init=[0.1, 1.5, 0.0]), "init"),
    ("init nan", lambda: mf.solve(G, 1.0, init=[0.1, NAN, 0.0]), "init"),
    ("seed<0", lambda: mf.solve(G, 1.0, seed=-1), "seed"),
    ("threads=0", lambda: mf.solve(G, 1.0, threads=0), "threads"),
    ("model", lambda: mf.solve("lattice", 1.0), "model"),
    ("fe m length", lambda: mf.free_energy(G, 1.0, [0.0, 0.0]), "m"),
    ("fe m outside", lambda: mf.free_energy(G, 1.0, [0.0, -1.01, 0.0]), "m"),
    ("fe m nan", lambda: mf.free_energy(G, 1.0, [0.0, NAN, 0.0]), "m"),
    ("fe m 3-D", lambda: mf.free_energy(G, 1.0, np.zeros((1, 1, 3))), "m"),
    ("fe T list", lambda: mf.free_energy(G, [1.0, 2.0], [0.0, 0.0, 0.0]), "T"),
    ("fe T=0", lambda: mf.free_energy(G, 0.0, [0.0, 0.0, 0.0]), "T"),
    ("fe method", lambda: mf.free_energy(G, 1.0, [0.0, 0.0, 0.0], method="bethe"), "method"),
    # the compiled core checks for itself too
    (
        "core init length",
        lambda: iv._core.mean_field_solve(G, [1.0], init="given", m0=[0.0]),
        "init",
    ),
    (
        "core init outside",
        lambda: iv._core.mean_field_solve(G, [1.0], init="given", m0=[0.0, 2.0, 0.0]),
        "init",
    ),
    ("core damping", lambda: iv._core.mean_field_solve(G, [1.0], damping=1.0), "damping"),
    ("core tol", lambda: iv._core.mean_field_solve(G, [1.0], tol=NAN), "tol"),
    ("core max_iter", lambda: iv._core.mean_field_solve(G, [1.0], max_iter=0), "max_iter"),
    ("core T", lambda: iv._core.mean_field_solve(G, [NAN]), "T"),
    ("core fe m", lambda: iv._core.mean_field_free_energy(G, 1.0, np.array([0.0, NAN, 0.0])), "m"),
    ("core fe T", lambda: iv._core.mean_field_free_energy(G, -1.0, np.zeros(3)), "T"),
]


@pytest.mark.parametrize("name, call, param", BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_the_parameter(name, call, param):
    with pytest.raises(ValueError, match=rf"^{param}\b"):
        call()
