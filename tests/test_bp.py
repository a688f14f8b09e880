"""Loopy belief propagation and the Bethe free energy against exact answers.

* Trees and forests: BP is exact, so marginals, edge correlations, f and u must match exact
  enumeration to 1e-10 (double-precision formulas on both sides; observed ~1e-15).
* A single edge and an open chain: closed forms derived here by hand.
* The square lattice at h = 0: the uniform solution of the Bethe lattice with z = 4, whose
  cavity field solves a scalar equation solved here by bisection, with T_c^Bethe = 2 / ln 2;
  and the leading loop correction to f_Bethe at high T from the high-temperature expansion.
* Convergence: the flag, damping on a frustrated instance, and a fixed-point test (pair
  beliefs consistent with node beliefs) that is independent of the solver's internals.
"""

from __future__ import annotations

import math
from collections import deque

import isingvi as iv
import numpy as np
import pandas as pd
import pytest
from isingvi import _core, bp

TC_BETHE = 2.0 / math.log(2.0)


def close(a, b, tol=1e-10):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=tol, atol=tol)


def exact_columns(g, T):
    df = iv.exact.enumerate(g, T, marginals=True, correlations=True)
    m = df[[f"marginal_{i}" for i in range(g.n)]].to_numpy()
    c = df[[f"corr_{i}_{j}" for i, j in g.edges]].to_numpy()
    return df, m, c


def random_tree_instance(n, seed, field_scale=0.8):
    """A random tree with couplings of both signs and random fields."""
    tree = iv.models.random_tree(n, seed)
    rng = np.random.default_rng(seed)
    return iv.Graph(
        n, tree.edges, rng.standard_normal(tree.n_edges), field_scale * rng.standard_normal(n)
    )


def diameter(g) -> int:
    adj = [[] for _ in range(g.n)]
    for i, j in g.edges:
        adj[i].append(j)
        adj[j].append(i)

    def farthest(s):
        dist = {s: 0}
        q = deque([s])
        while q:
            v = q.popleft()
            for w in adj[v]:
                if w not in dist:
                    dist[w] = dist[v] + 1
                    q.append(w)
        v = max(dist, key=dist.get)
        return v, dist[v]

    return farthest(farthest(0)[0])[1]


# --------------------------------------------------------------------------- trees: exact


TREE_T = [0.05, 0.2, 0.7, 1.5, 4.0, 30.0]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_bp_is_exact_on_random_trees_with_fields(seed):
    g = random_tree_instance(10 + 2 * seed, seed)
    r = bp.solve(g, TREE_T)
    df, m, c = exact_columns(g, TREE_T)
    assert r.converged.all()
    close(r.f, df["f"])
    close(r.u, df["u"])
    close(r.m, m)
    close(r.correlations, c)
    # Flooding from zero messages fixes every message after (diameter) iterations: one more
    # finds no change at all, so the solver must stop by then.
    assert (r.n_iter <= diameter(g) + 1).all(), (r.n_iter, diameter(g))


@pytest.mark.parametrize(
    "kw",
    [
        dict(schedule="sequential"),
        dict(schedule="random", init="random", seed=5),
        dict(init="up", damping=0.5),
        dict(init="down", schedule="sequential", damping=0.2),
    ],
    ids=["sequential", "random-order", "up-damped", "down-sequential-damped"],
)
def test_every_schedule_and_start_reaches_the_exact_tree_solution(kw):
    g = random_tree_instance(14, 9)
    r = bp.solve(g, [0.1, 1.0, 3.0], **kw)
    df, m, c = exact_columns(g, [0.1, 1.0, 3.0])
    assert r.converged.all()
    close(r.f, df["f"])
    close(r.m, m)
    close(r.correlations, c)


def test_bp_is_exact_on_a_forest_with_an_isolated_spin():
    # two trees (5 and 4 spins) and spin 9 alone, relabelled so components interleave
    a, b = random_tree_instance(5, 21), random_tree_instance(4, 22)
    perm = np.array([3, 7, 0, 5, 1, 8, 2, 6, 4, 9])
    edges = np.vstack([perm[a.edges], perm[b.edges + 5]])
    J = np.concatenate([a.couplings, b.couplings])
    h = np.empty(10)
    h[perm[:5]], h[perm[5:9]], h[9] = a.fields, b.fields, -0.4
    g = iv.Graph(10, edges, J, h)
    T = [0.15, 1.0, 6.0]
    r = bp.solve(g, T)
    df, m, c = exact_columns(g, T)
    close(r.f, df["f"])
    close(r.u, df["u"])
    close(r.m, m)
    close(r.correlations, c)
    close(r.m[:, 9], np.tanh(-0.4 / np.array(T)), 1e-14)


def test_trees_at_extreme_couplings_fields_and_temperatures_stay_finite_and_exact():
    # beta |J| up to 5e4 and cavity fields up to 2e5 / T: no overflow, no NaN, still exact
    g = random_tree_instance(9, 31)
    g = iv.Graph(9, g.edges, 50.0 * g.couplings, 200.0 * g.fields)
    T = [1e-3, 0.5, 1e4]
    r = bp.solve(g, T)
    df, m, c = exact_columns(g, T)
    for arr in (r.m, r.correlations, r.f, r.u, r.trace["f"], r.trace["max_du"]):
        assert np.isfinite(arr).all()
    assert r.converged.all()
    close(r.f, df["f"], 1e-12)
    close(r.m, m)
    close(r.correlations, c)


def test_message_limits_at_huge_beta():
    # atanh(tanh(beta J) tanh(beta c)) / beta -> sign(J c) min(|J|, |c|) as beta -> infinity
    for J, c in [(2.0, 5.0), (-2.0, 5.0), (3.0, -0.5), (-1.0, -1.0), (1e6, 3e6)]:
        assert _core.bp_message(1e300, J, c) == pytest.approx(
            math.copysign(min(abs(J), abs(c)), J * c), rel=1e-15
        )
    # and the plain formula where it is accurate, both branches of the stable form
    for beta, J, c in [
        (0.3, 0.7, -0.2),
        (1.0, 2.0, 0.3),
        (2.0, 1.5, 1.2),
        (5.0, -0.8, 0.9),
        (1e-5, 1.0, 2.0),
    ]:
        ref = math.atanh(math.tanh(beta * J) * math.tanh(beta * c)) / beta
        assert _core.bp_message(beta, J, c) == pytest.approx(ref, rel=1e-13)


# --------------------------------------------------------------------------- closed forms


@pytest.mark.parametrize(
    "J,h1,h2", [(0.8, 0.3, -0.5), (-1.3, 0.7, 0.2), (2.0, 0.0, 0.0), (0.5, -1.0, -3.0)]
)
def test_single_edge_against_its_partition_function(J, h1, h2):
    # Z = sum_{s1,s2} exp(beta (J s1 s2 + h1 s1 + h2 s2))
    #   = 2 e^{beta J} cosh(beta (h1 + h2)) + 2 e^{-beta J} cosh(beta (h1 - h2))
    T = np.array([0.1, 0.6, 2.0, 9.0])
    b = 1.0 / T
    plus, minus = np.exp(b * J) * np.cosh(b * (h1 + h2)), np.exp(-b * J) * np.cosh(b * (h1 - h2))
    Z = 2 * (plus + minus)
    m1 = (np.exp(b * J) * np.sinh(b * (h1 + h2)) + np.exp(-b * J) * np.sinh(b * (h1 - h2))) / (
        plus + minus
    )
    m2 = (np.exp(b * J) * np.sinh(b * (h1 + h2)) - np.exp(-b * J) * np.sinh(b * (h1 - h2))) / (
        plus + minus
    )
    C = (plus - minus) / (plus + minus)
    r = bp.solve(iv.Graph(2, [(0, 1)], [J], [h1, h2]), T)
    close(r.f, -T * np.log(Z) / 2)
    close(r.m[:, 0], m1)
    close(r.m[:, 1], m2)
    close(r.correlations[:, 0], C)
    close(r.u, (-J * C - h1 * m1 - h2 * m2) / 2)


def test_open_chain_at_zero_field():
    # Z = 2 prod_k 2 cosh(beta J_k), <s_k s_k+1> = tanh(beta J_k), m = 0
    J = np.array([1.0, -0.5, 2.0, 0.3, -1.7, 0.9])
    n = len(J) + 1
    edges = [(k, k + 1) for k in range(n - 1)]
    T = np.array([0.3, 1.0, 5.0])
    r = bp.solve(iv.Graph(n, edges, J), T)
    b = 1.0 / T[:, None]
    close(r.f, -T * (np.log(2) + np.log(2 * np.cosh(b * J)).sum(axis=1)) / n)
    close(r.correlations, np.tanh(b * J))
    close(r.u, -(J * np.tanh(b * J)).sum(axis=1) / n)
    assert np.abs(r.m).max() == 0.0


# --------------------------------------------------------------------------- square lattice


def bethe_lattice_cavity(T, z=4, J=1.0):
    """The ordered cavity field u > 0 of the Bethe lattice at h = 0, u = atanh(tanh(bJ) tanh((z-1) b u)) / b,
    by bisection on (0, J]; 0 above T_c."""
    b = 1.0 / T
    g = lambda u: math.atanh(math.tanh(b * J) * math.tanh((z - 1) * b * u)) / b - u
    lo, hi = 1e-300, J
    if g(1e-12) <= 0:
        return 0.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if g(mid) > 0 else (lo, mid)
    return 0.5 * (lo + hi)


def bethe_lattice_f(T, u, z=4, J=1.0):
    """Bethe free energy per spin from the message form F = sum_i F_i - sum_ij F_ij with the
    normalised cavity distributions exp(b c s) / (2 cosh(b c)), c = (z - 1) u (h = 0):
    e^{-b F_i} = sum_s prod_{z nbrs} cosh(b (J s + c)) / cosh(b c),
    e^{-b F_ij} = (2 e^{bJ} cosh(2 b c) + 2 e^{-bJ}) / (4 cosh(b c)^2)."""
    b, c = 1.0 / T, (z - 1) * u
    z_i = (math.cosh(b * (J + c)) ** z + math.cosh(b * (J - c)) ** z) / math.cosh(b * c) ** z
    z_ij = (2 * math.exp(b * J) * math.cosh(2 * b * c) + 2 * math.exp(-b * J)) / (
        4 * math.cosh(b * c) ** 2
    )
    return -T * (math.log(z_i) - z / 2 * math.log(z_ij))


def test_square_lattice_orders_below_the_bethe_critical_temperature():
    lat = iv.SquareLattice(64)
    T = [2.7, 3.0]
    up, down = bp.solve(lat, T, init="up"), bp.solve(lat, T, init="down")
    assert up.converged.all() and down.converged.all()
    assert np.ptp(up.m, axis=1).max() < 1e-12  # a uniform solution
    m = up.m.mean(axis=1)
    assert m[0] > 0.1 and abs(m[1]) < 1e-6  # T_c^Bethe = 2 / ln 2 = 2.885 lies between
    close(down.m, -up.m, 1e-12)
    close(down.f, up.f, 1e-12)
    for k, t in enumerate(T):
        u = bethe_lattice_cavity(t)
        assert (u > 0) == (t < TC_BETHE)
        close(m[k], math.tanh(4 * u / t), 1e-8)
        close(up.f[k], bethe_lattice_f(t, u), 1e-10)
    # the paramagnetic start stays on the paramagnetic solution, a higher Bethe free energy below T_c
    para = bp.solve(lat, 2.7)
    assert np.abs(para.m).max() == 0.0
    close(para.f, -2.7 * (math.log(2) + 2 * math.log(math.cosh(1 / 2.7))), 1e-12)
    assert para.f[0] > up.f[0] + 1e-3


def test_bethe_free_energy_of_the_4x4_torus_at_high_temperature():
    # At h = 0 the paramagnetic Bethe solution gives ln Z / N = ln 2 + 2 ln cosh(bJ) exactly.
    # The high-temperature expansion Z = 2^N cosh(bJ)^{2N} sum_{closed bond sets} t^{|bonds|},
    # t = tanh(bJ), has on the 4x4 torus 24 closed sets of 4 bonds (16 plaquettes, 8 winding
    # lines) and none shorter, so f_Bethe - f = T ln(1 + 24 t^4 + O(t^6)) / 16.
    lat = iv.SquareLattice(4)
    T = np.array([10.0, 20.0, 40.0])
    r = bp.solve(lat, T)
    exact = iv.exact.enumerate(lat, T)["f"].to_numpy()
    t = np.tanh(1.0 / T)
    close(r.f, -T * (np.log(2) + 2 * np.log(np.cosh(1.0 / T))), 1e-12)
    leading = T * np.log1p(24 * t**4) / 16
    ratio = (r.f - exact) / leading
    assert (np.abs(ratio - 1) < 10 * t**2).all(), ratio


def test_lattice_and_its_graph_give_identical_results():
    lat = iv.SquareLattice(6, J=0.7, h=0.1)
    a = bp.solve(lat, [1.5, 3.0], init="random", schedule="random", seed=3)
    b = bp.solve(iv.models.as_graph(lat), [1.5, 3.0], init="random", schedule="random", seed=3)
    for x, y in [
        (a.m, b.m),
        (a.correlations, b.correlations),
        (a.f, b.f),
        (a.n_iter, b.n_iter),
        (a.edges, b.edges),
    ]:
        np.testing.assert_array_equal(x, y)
    assert a.edges.shape == (72, 2)


@pytest.mark.parametrize(
    "lat,T,kw",
    [
        (iv.SquareLattice(5, J=0.7, h=0.1), [0.3, 1.5, 3.0, 40.0], dict(init="random", seed=3)),
        (iv.SquareLattice(6, J=1.0, h=0.0), [2.7, 3.5], dict(init="up")),
        (iv.SquareLattice(6, J=-0.8, h=0.3), [0.5, 2.0], dict(init="random", seed=4, damping=0.3)),
        (iv.CubicLattice(3, J=0.6, h=-0.2), [1.0, 6.0], dict(init="random", seed=8)),
        (iv.CubicLattice(4, J=1.0), [4.0, 5.0], dict(init="up")),
    ],
    ids=[
        "square-field",
        "square-ordered",
        "square-antiferro-damped",
        "cubic-field",
        "cubic-ordered",
    ],
)
def test_lattice_stencil_reaches_the_graph_fixed_point(lat, T, kw):
    # The parallel schedule on a lattice runs on its own vectorised stencil; on the same model
    # as a Graph it runs through the generic layout. Same start, same iteration: the same
    # iterates to rounding, so the same iteration count, trace and fixed point.
    a = bp.solve(lat, T, **kw)
    b = bp.solve(iv.models.as_graph(lat), T, **kw)
    assert a.converged.all() and b.converged.all()
    np.testing.assert_array_equal(a.n_iter, b.n_iter)
    np.testing.assert_array_equal(a.edges, b.edges)
    close(a.m, b.m, 1e-12)
    close(a.correlations, b.correlations, 1e-12)
    close(a.f, b.f, 1e-12)
    close(a.u, b.u, 1e-12)
    assert list(a.trace["iteration"]) == list(b.trace["iteration"])
    close(a.trace["f"], b.trace["f"], 1e-12)
    close(a.trace["max_du"], b.trace["max_du"], 1e-12)


def test_lattice_stencil_is_bit_identical_for_any_thread_count():
    # rows are shared out in chunks of ~2^14 sites: several chunks on these lattices
    for lat, T in [(iv.SquareLattice(160, h=0.05), 2.5), (iv.CubicLattice(32, J=0.5), 3.0)]:
        runs = [bp.solve(lat, T, init="random", seed=2, max_iter=3, threads=k) for k in (1, 2, 3)]
        for r in runs[1:]:
            np.testing.assert_array_equal(r.m, runs[0].m)
            np.testing.assert_array_equal(r.correlations, runs[0].correlations)
            pd.testing.assert_frame_equal(r.trace, runs[0].trace)


def test_very_low_temperature_lattices_run_on_the_graph():
    # beta |J| > 300 is beyond the stencil's exponentials: those temperatures use the graph path
    lat = iv.SquareLattice(4, J=1.0, h=0.5)
    a = bp.solve(lat, [0.002, 1.0], init="up", threads=2)
    b = bp.solve(iv.models.as_graph(lat), [0.002, 1.0], init="up")
    np.testing.assert_array_equal(a.m[0], b.m[0])
    np.testing.assert_array_equal(a.f[0], b.f[0])
    close(a.f[1], b.f[1], 1e-12)


# --------------------------------------------------------------------------- convergence


def pair_consistency_error(r, g, k):
    """At a BP fixed point the pair belief b_ij ~ exp(b (J s s' + c_i s + c_j s')) has the node
    beliefs as its marginals, so p(s, s') = (1 + m_i s + m_j s' + C s s') / 4 built from the
    node marginals satisfies ln(p++ p-- / (p+- p-+)) = 4 b J_ij. Returns the worst violation."""
    i, j = g.edges[:, 0], g.edges[:, 1]
    mi, mj, C = r.m[k, i], r.m[k, j], r.correlations[k]
    p = lambda s, t: (1 + mi * s + mj * t + C * s * t) / 4
    if min(p(s, t).min() for s in (1, -1) for t in (1, -1)) <= 0:
        return math.inf  # not even a distribution
    log_odds = np.log(p(1, 1)) + np.log(p(-1, -1)) - np.log(p(1, -1)) - np.log(p(-1, 1))
    return np.abs(log_odds - 4 * g.couplings / r.T[k]).max()


def frustrated_instance():
    return iv.models.random_field(iv.models.sk(20, 3), 0.3, 3)


def test_damping_makes_bp_converge_on_a_frustrated_instance():
    g = frustrated_instance()
    plain = bp.solve(g, 0.5, max_iter=2000)
    damped = bp.solve(g, 0.5, damping=0.5, max_iter=2000)
    assert not plain.converged[0] and plain.n_iter[0] == 2000
    assert plain.trace["max_du"].iloc[-500:].min() > 0.1  # it keeps moving, not just slowly
    assert damped.converged[0] and damped.trace["max_du"].iloc[-1] < 1e-12
    assert pair_consistency_error(damped, g, 0) < 1e-8
    assert pair_consistency_error(plain, g, 0) > 1e-2  # the check can fail
    # the sequential schedule finds the same fixed point without damping
    seq = bp.solve(g, 0.5, schedule="sequential", max_iter=2000)
    assert seq.converged[0]
    close(seq.f, damped.f, 1e-9)
    close(seq.m, damped.m, 1e-9)


def test_loopy_fixed_points_are_self_consistent():
    g = iv.models.random_field(iv.models.random_regular(30, 3, seed=4, J=0.6), 0.5, 4)
    r = bp.solve(g, [0.8, 1.5, 4.0], damping=0.3)
    assert r.converged.all()
    for k in range(3):
        assert pair_consistency_error(r, g, k) < 1e-8


def test_non_convergence_is_flagged_not_raised():
    r = bp.solve(iv.SquareLattice(8), [2.0, 2.5], init="random", max_iter=2)
    assert not r.converged.any()
    np.testing.assert_array_equal(r.n_iter, [2, 2])
    assert list(r.trace["iteration"]) == [1, 2, 1, 2]
    for arr in (r.m, r.correlations, r.f, r.u, r.trace["f"], r.trace["max_du"]):
        assert np.isfinite(arr).all()
    t = r.table()
    assert not t["converged"].any()
    # a tree of diameter >= 2 is not solved in one iteration either
    g = random_tree_instance(12, 1)
    assert not bp.solve(g, 1.0, max_iter=1).converged[0]


def test_trace_ends_at_the_reported_free_energy_and_results_repeat():
    g = random_tree_instance(12, 7)
    r = bp.solve(g, [0.5, 2.0], init="random", schedule="random", seed=11)
    assert list(r.trace.columns) == ["T", "iteration", "f", "max_du"]
    for k, t in enumerate(r.T):
        rows = r.trace[r.trace["T"] == t]
        assert len(rows) == r.n_iter[k] and list(rows["iteration"]) == list(
            range(1, r.n_iter[k] + 1)
        )
        assert rows["f"].iloc[-1] == r.f[k]
    again = bp.solve(g, [0.5, 2.0], init="random", schedule="random", seed=11)
    pd.testing.assert_frame_equal(r.trace, again.trace)
    # a temperature's answer does not depend on the other temperatures in the list
    alone = bp.solve(g, 2.0, init="random", schedule="random", seed=11)
    np.testing.assert_array_equal(alone.m[0], r.m[1])
    assert alone.n_iter[0] == r.n_iter[1]
    other_seed = bp.solve(g, 2.0, init="random", schedule="random", seed=12)
    assert not np.array_equal(other_seed.trace["max_du"], alone.trace["max_du"])


def test_table_is_tidy():
    r = bp.solve(iv.SquareLattice(4, h=0.2), [1.0, 2.0, 4.0], damping=0.1, init="up")
    t = r.table()
    assert list(t.columns) == [
        "T",
        "beta",
        "method",
        "damping",
        "init",
        "schedule",
        "f",
        "u",
        "m",
        "abs_m",
        "converged",
        "n_iter",
    ]
    assert len(t) == 3 and (t["method"] == "bethe").all() and (t["init"] == "up").all()
    close(t["beta"], 1 / np.array([1.0, 2.0, 4.0]), 1e-15)
    close(t["m"], r.m.mean(axis=1), 1e-15)
    assert (t["abs_m"] >= np.abs(t["m"]) - 1e-15).all() and (t["m"] > 0).all()  # h > 0 favours +1
    assert r.m.shape == (3, 16) and r.correlations.shape == (3, 32)


# --------------------------------------------------------------------------- bad input

G = iv.Graph(3, [(0, 1), (1, 2)], 1.0)


@pytest.mark.parametrize(
    "kw,param",
    [
        (dict(T=0.0), "T"),
        (dict(T=-1.0), "T"),
        (dict(T=math.nan), "T"),
        (dict(T=[1.0, math.inf]), "T"),
        (dict(T=[]), "T"),
        (dict(T=1e-320), "T"),  # 1/T overflows
        (dict(damping=-0.1), "damping"),
        (dict(damping=1.0), "damping"),
        (dict(damping=math.nan), "damping"),
        (dict(damping="x"), "damping"),
        (dict(tol=0.0), "tol"),
        (dict(tol=-1e-9), "tol"),
        (dict(tol=math.nan), "tol"),
        (dict(max_iter=0), "max_iter"),
        (dict(max_iter=2.5), "max_iter"),
        (dict(max_iter=2**63), "max_iter"),
        (dict(init="ordered"), "init"),
        (dict(init=None), "init"),
        (dict(schedule="flooding"), "schedule"),
        (dict(seed=-1), "seed"),
        (dict(threads=0), "threads"),
        (dict(model="lattice"), "model"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(kw, param):
    args = dict(model=G, T=1.0)
    args.update(kw)
    model, T = args.pop("model"), args.pop("T")
    with pytest.raises(ValueError, match=rf"^{param}\b"):
        bp.solve(model, T, **args)


@pytest.mark.parametrize(
    "args,param",
    [
        ((G, [1e-320]), "T"),
        ((G, [1.0], 1.0), "damping"),
        ((G, [1.0], math.nan), "damping"),
        ((G, [1.0], 0.0, "x"), "init"),
        ((G, [1.0], 0.0, "up", "x"), "schedule"),
        ((G, [1.0], 0.0, "up", "parallel", 0, 0.0), "tol"),
        ((G, [1.0], 0.0, "up", "parallel", 0, math.inf), "tol"),
        ((G, [1.0], 0.0, "up", "parallel", 0, 1e-9, 0), "max_iter"),
        ((G, [1.0], 0.0, "up", "parallel", 0, 1e-9, 10, 0), "threads"),
        ((iv.SquareLattice(4), [-1.0]), "T"),
    ],
)
def test_the_core_checks_its_arguments_too(args, param):
    with pytest.raises(ValueError, match=rf"^{param}\b"):
        _core.belief_propagation(*args)


@pytest.mark.parametrize(
    "args,param",
    [
        ((0.0, 1.0, 1.0), "beta"),
        ((math.inf, 1.0, 1.0), "beta"),
        ((1.0, math.nan, 1.0), "J"),
        ((1.0, 1.0, math.inf), "c"),
    ],
)
def test_bp_message_checks_its_arguments(args, param):
    with pytest.raises(ValueError, match=rf"^{param}\b"):
        _core.bp_message(*args)
