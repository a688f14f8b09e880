"""Models and random-instance generators: conventions, reproducibility and distributions.

Statistical bounds are 5 standard errors of the quantity tested (fixed seeds), so a correct
generator fails one of them with probability below 1e-6 per check.
"""

from __future__ import annotations

import math
from collections import deque

import isingvi as iv
import numpy as np
import pytest
from isingvi import _core
from isingvi.models import as_graph
from scipy import stats


def same_graph(a, b) -> bool:
    return (
        a.n == b.n
        and np.array_equal(a.edges, b.edges)
        and np.array_equal(a.couplings, b.couplings)
        and np.array_equal(a.fields, b.fields)
    )


def is_simple(g) -> bool:
    e = np.sort(g.edges, axis=1)
    return bool(np.all(e[:, 0] != e[:, 1]) and len({tuple(x) for x in e}) == len(e))


def connected(g) -> bool:
    adj = [[] for _ in range(g.n)]
    for i, j in g.edges:
        adj[i].append(j)
        adj[j].append(i)
    seen, todo = {0}, deque([0])
    while todo:
        for j in adj[todo.popleft()]:
            if j not in seen:
                seen.add(j)
                todo.append(j)
    return len(seen) == g.n


GENERATORS = {
    "sk": lambda seed: iv.models.sk(12, seed),
    "edwards_anderson": lambda seed: iv.models.edwards_anderson(5, seed),
    "random_field": lambda seed: iv.models.random_field(iv.SquareLattice(4, h=0.2), 0.7, seed),
    "random_regular": lambda seed: iv.models.random_regular(16, 3, seed),
    "random_tree": lambda seed: iv.models.random_tree(16, seed),
}


# --------------------------------------------------------------------------- generators


@pytest.mark.parametrize("name", list(GENERATORS))
def test_generators_reproducible_from_seed(name):
    make = GENERATORS[name]
    a, b = make(123), make(123)
    assert isinstance(a, iv.Graph)
    assert same_graph(a, b)
    assert same_graph(make(2**64 - 1), make(2**64 - 1))


@pytest.mark.parametrize("name", list(GENERATORS))
def test_generators_differ_between_seeds(name):
    make = GENERATORS[name]
    graphs = [make(s) for s in (0, 1, 2, 3)]
    for a in range(4):
        for b in range(a + 1, 4):
            assert not same_graph(graphs[a], graphs[b]), (name, a, b)


def test_sk_structure_and_coupling_distribution():
    N = 300
    g = iv.models.sk(N, seed=7)
    m = N * (N - 1) // 2
    assert g.n == N and g.n_edges == m
    assert is_simple(g)
    assert set(map(tuple, np.sort(g.edges, axis=1))) == {
        (i, j) for i in range(N) for j in range(i + 1, N)
    }
    assert np.all(g.fields == 0)
    x = g.couplings * math.sqrt(N)  # should be N(0, 1)
    assert abs(x.mean()) < 5 / math.sqrt(m)
    assert abs(x.var() - 1) < 5 * math.sqrt(2 / m)
    assert stats.kstest(x, "norm").pvalue > 1e-4
    # and the scale follows 1/sqrt(N) at another N
    small = iv.models.sk(40, seed=8).couplings * math.sqrt(40)
    assert abs(small.var() - 1) < 5 * math.sqrt(2 / len(small))


def test_sk_variance_over_many_instances():
    """Pooling 200 instances of N = 10: var(J) = 1/N to 5 standard errors."""
    N = 10
    J = np.concatenate([iv.models.sk(N, seed=s).couplings for s in range(200)])
    assert abs(J.mean()) < 5 / math.sqrt(N * len(J))
    assert abs(N * J.var() - 1) < 5 * math.sqrt(2 / len(J))


@pytest.mark.parametrize("L", [3, 4, 7, 30])
def test_edwards_anderson_is_plus_minus_one_on_the_square_lattice(L):
    g = iv.models.edwards_anderson(L, seed=L)
    N = L * L
    assert g.n == N and g.n_edges == 2 * N
    assert set(np.unique(g.couplings)) <= {-1.0, 1.0}
    assert np.all(g.fields == 0)
    lat = as_graph(iv.SquareLattice(L))
    assert set(map(tuple, np.sort(g.edges, axis=1))) == set(map(tuple, np.sort(lat.edges, axis=1)))
    plus = np.mean(g.couplings > 0)
    assert abs(plus - 0.5) < 5 * 0.5 / math.sqrt(2 * N)


def test_edwards_anderson_signs_are_balanced_over_instances():
    c = np.concatenate([iv.models.edwards_anderson(4, seed=s).couplings for s in range(300)])
    assert abs(np.mean(c > 0) - 0.5) < 5 * 0.5 / math.sqrt(len(c))


def test_random_field_adds_gaussian_fields_and_keeps_the_bonds():
    base = iv.models.random_regular(2000, 3, seed=1)
    g = iv.models.random_field(base, sigma=0.8, seed=2)
    assert np.array_equal(g.edges, base.edges) and np.array_equal(g.couplings, base.couplings)
    xi = g.fields / 0.8
    assert abs(xi.mean()) < 5 / math.sqrt(2000)
    assert stats.kstest(xi, "norm").pvalue > 1e-4
    # on a lattice with a uniform field the fields are added to h
    lat = iv.models.random_field(iv.SquareLattice(6, J=0.5, h=0.3), sigma=0.2, seed=3)
    assert lat.n == 36 and lat.n_edges == 72 and np.all(lat.couplings == 0.5)
    assert np.all(lat.fields != 0.3) and abs(np.mean(lat.fields) - 0.3) < 5 * 0.2 / 6
    # sigma = 0 changes nothing
    assert same_graph(iv.models.random_field(base, 0.0, seed=4), base)


@pytest.mark.parametrize(
    "N,k", [(2, 1), (4, 3), (10, 3), (12, 4), (50, 7), (1000, 3), (31, 30), (200, 100)]
)
def test_random_regular_degrees_and_simplicity(N, k):
    g = iv.models.random_regular(N, k, seed=N + k, J=0.75)
    assert g.n == N and g.n_edges == N * k // 2
    assert np.all(np.bincount(g.edges.ravel(), minlength=N) == k)
    assert is_simple(g)
    assert np.all(g.couplings == 0.75) and np.all(g.fields == 0)


def test_random_regular_coupling_can_be_antiferromagnetic():
    g = iv.models.random_regular(10, 3, seed=1, J=-1.0)
    assert np.all(g.couplings == -1.0)


def test_random_regular_pairs_are_equally_likely():
    """By symmetry every pair is an edge with probability k / (N - 1)."""
    N, k, n = 8, 3, 3000
    counts = np.zeros((N, N))
    for s in range(n):
        for i, j in iv.models.random_regular(N, k, seed=s).edges:
            counts[i, j] += 1
            counts[j, i] += 1
    p = k / (N - 1)
    freq = counts[np.triu_indices(N, 1)] / n
    assert np.all(np.abs(freq - p) < 5 * math.sqrt(p * (1 - p) / n)), freq


def test_random_regular_dense_graphs_exist():
    for seed in range(5):
        g = iv.models.random_regular(40, 38, seed=seed)
        assert np.all(np.bincount(g.edges.ravel(), minlength=40) == 38)


@pytest.mark.parametrize("N", [2, 3, 10, 257])
def test_random_tree_has_n_minus_1_edges_and_is_connected(N):
    g = iv.models.random_tree(N, seed=N, J=1.5)
    assert g.n == N and g.n_edges == N - 1
    assert is_simple(g) and connected(g)
    assert np.all(g.couplings == 1.5) and np.all(g.fields == 0)


def test_random_tree_is_a_random_recursive_tree():
    """Vertex v > 0 joins a uniform earlier vertex, so the root's degree has mean H_{N-1}."""
    N, n = 20, 2000
    deg0 = np.array([np.sum(iv.models.random_tree(N, seed=s).edges == 0) for s in range(n)])
    H = sum(1 / j for j in range(1, N))
    var = H - sum(1 / j**2 for j in range(1, N))
    assert abs(deg0.mean() - H) < 5 * math.sqrt(var / n)


# --------------------------------------------------------------------------- lattices


@pytest.mark.parametrize("L", [2, 3, 4, 7])
@pytest.mark.parametrize("dim", [2, 3])
def test_lattice_to_graph_follows_the_site_and_bond_conventions(dim, L, helpers):
    J, h = 0.8, -0.3
    model = iv.SquareLattice(L, J=J, h=h) if dim == 2 else iv.CubicLattice(L, J=J, h=h)
    N = L**dim
    assert (model.dim, model.L, model.J, model.h, model.n) == (dim, L, J, h, N)
    g = model.to_graph()
    assert isinstance(g, _core.Graph)
    bonds = helpers.lattice_bonds(dim, L, J)
    got = {(min(i, j), max(i, j)): c for (i, j), c in zip(zip(g.edge_i, g.edge_j), g.couplings)}
    assert got == pytest.approx(bonds)
    if L > 2:
        assert g.n_edges == dim * N  # each nearest-neighbour bond once
        assert np.all(g.couplings == J)
    else:
        # L = 2: the two bonds of each pair merge into one of 2J; the total coupling is still dim N J
        assert g.n_edges == dim * N // 2 and np.all(g.couplings == 2 * J)
    assert np.sum(g.couplings) == pytest.approx(dim * N * J)
    assert np.all(g.fields == h)
    up = np.ones(N, dtype=np.int8)
    assert g.energy(up) == pytest.approx(-dim * N * J - N * h, rel=1e-12)
    assert g.energy(-up) == pytest.approx(-dim * N * J + N * h, rel=1e-12)


def test_square_lattice_all_up_energy_is_minus_2NJ_minus_Nh():
    for L, J, h in [(4, 1.0, 0.0), (5, 0.7, 0.25), (16, -1.0, 1.0)]:
        g = as_graph(iv.SquareLattice(L, J=J, h=h))
        N = L * L
        assert g.energy(np.ones(N, dtype=np.int8)) == pytest.approx(-2 * N * J - N * h, rel=1e-14)


def test_checkerboard_state_energy_and_graph_energy_against_brute_force(helpers):
    g = as_graph(iv.SquareLattice(4, J=1.0, h=0.0))
    x, y = np.meshgrid(np.arange(4), np.arange(4), indexing="xy")
    neel = np.where((x + y) % 2 == 0, 1, -1).astype(np.int8).ravel()  # site x + L y
    assert g.energy(neel) == pytest.approx(2 * 16)  # every bond broken
    rng = np.random.default_rng(0)
    edges, J, h = helpers.random_instance(9, 1)
    gg = iv.Graph(9, edges, J, h)
    S = (2 * rng.integers(0, 2, size=(50, 9)) - 1).astype(np.int8)
    np.testing.assert_allclose(
        [gg.energy(s) for s in S], helpers.energies(S, edges, J, h), rtol=1e-13, atol=1e-13
    )


# --------------------------------------------------------------------------- Graph


def test_graph_construction_and_properties():
    g = iv.Graph(4, [(0, 1), (1, 2), (2, 3)], 0.5)
    assert g.n == 4 and g.n_edges == 3
    assert np.array_equal(g.edges, [[0, 1], [1, 2], [2, 3]])
    assert np.all(g.couplings == 0.5) and np.all(g.fields == 0)
    g2 = iv.Graph(4, np.array([[0.0, 1.0], [3.0, 2.0]]), [1.0, -2.0], fields=0.25)
    assert g2.edges.dtype.kind == "i" and np.array_equal(g2.edges, [[0, 1], [3, 2]])
    assert np.all(g2.fields == 0.25)
    empty = iv.Graph(3, [], [])
    assert empty.n_edges == 0 and empty.edges.shape == (0, 2)
    assert empty.energy(np.array([1, -1, 1], dtype=np.int8)) == 0.0
    assert (
        "Graph(n=4" in repr(g) and repr(iv.SquareLattice(3)) == "SquareLattice(L=3, J=1.0, h=0.0)"
    )
    assert repr(iv.CubicLattice(2, h=0.5)) == "CubicLattice(L=2, J=1.0, h=0.5)"


def test_as_graph():
    g = iv.models.random_tree(5, seed=0)
    assert iv.models.as_graph(g) is g
    lat = iv.models.as_graph(iv.CubicLattice(3))
    assert isinstance(lat, iv.Graph) and lat.n == 27 and lat.n_edges == 81
    raw = _core.Graph(3, [0], [1], [1.0], [0.0, 0.0, 0.0])
    assert isinstance(iv.models.as_graph(raw), iv.Graph)


def test_graph_energy_rejects_wrong_shapes():
    g = iv.Graph(3, [(0, 1)], 1.0)
    with pytest.raises(ValueError, match=r"^spins"):
        g.energy(np.ones(4, dtype=np.int8))
    with pytest.raises(ValueError, match=r"^spins"):
        g.energy(np.ones((1, 3), dtype=np.int8))
