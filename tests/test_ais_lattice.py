"""AIS on the lattice kernels and the graph flip table (isingvi.freeenergy.ais).

Lattices of even L run the checkerboard kernels (plain; multi-spin where L % 128 == 0), odd L
and graphs sequential sweeps, with a flip table where it is exact. Checked: ln Z against
enumeration (4 x 4 with a field, 2 x 2 x 2) and Kaufman (32 x 32; 128 x 128 on the multi-spin
kernel), |z| < 4 with the reported error where the ESS is large; the beta = 0 samples equal
to the graph path's; bit-identical results for any thread count and instruction set; the
graph table bit-identical to computing every probability. Fixed seeds; a few seconds.
"""

from __future__ import annotations

import isingvi as iv
import numpy as np
import pytest
from conftest import assert_z, brute_force
from isingvi import _core
from isingvi.freeenergy import ais


def check_vs_exact(table, exact, what, min_ess):
    assert np.all(table["ess"] > min_ess), (what, table["ess"].tolist())
    for k in range(len(table)):
        assert_z(table["ln_z"][k], table["ln_z_err"][k], exact[k], f"{what} T={table['T'][k]}")


@pytest.mark.parametrize("algorithm", ["heatbath", "metropolis"])
@pytest.mark.parametrize(
    "model",
    [iv.SquareLattice(4, J=1.0, h=0.3), iv.CubicLattice(2, J=-0.7, h=-0.2)],
    ids=["square4_h", "cubic2_afm_h"],
)
def test_lattice_vs_enumeration(model, algorithm):
    T = [1.5, 2.5, 4.0]
    table = ais(model, T, n_steps=1000, n_chains=128, algorithm=algorithm, seed=11)
    check_vs_exact(
        table, iv.exact.enumerate(model, T)["ln_z"].to_numpy(), f"{algorithm} {model}", 40
    )


def test_lattice_32_vs_kaufman():
    T = [2.5, 3.0]
    table = ais(iv.SquareLattice(32), T, n_steps=4000, n_chains=64, seed=2)
    check_vs_exact(table, iv.exact.kaufman(32, T)["ln_z"].to_numpy(), "L=32", 25)


def test_multispin_128_vs_kaufman():
    """Few chains, but long enough a schedule that the ESS and the error bar mean something."""
    d = _core.ais(iv.SquareLattice(128), [4.0], 4000, 1, 24, "heatbath", 0, 1, None, "auto", "auto")
    assert d["sampler"].startswith("multispin-heatbath-")
    assert d["ess"][0] > 8
    assert_z(
        d["ln_z"][0], d["ln_z_err"][0], iv.exact.kaufman(128, 4.0)["ln_z"][0], "multispin L=128"
    )


def test_samplers_by_model():
    def sampler(model, **kw):
        return _core.ais(model, [2.0], 4, 1, 2, kw.pop("algorithm", "heatbath"), 0, 1, None, **kw)[
            "sampler"
        ]

    best = iv.mc.available_simd()[-1]
    assert sampler(iv.SquareLattice(16)) == f"checkerboard-heatbath-{best}"
    assert (
        sampler(iv.CubicLattice(4), algorithm="metropolis", simd="scalar")
        == "checkerboard-metropolis-scalar"
    )
    assert sampler(iv.SquareLattice(128)) == f"multispin-heatbath-{best}"
    assert sampler(iv.SquareLattice(128), kernel="plain") == f"checkerboard-heatbath-{best}"
    assert sampler(iv.SquareLattice(5)) == "sequential-heatbath-table"  # odd L: the graph's sweeps
    assert sampler(iv.SquareLattice(4).to_graph()) == "sequential-heatbath-table"
    assert sampler(iv.SquareLattice(4).to_graph(), tables=False) == "sequential-heatbath"
    # couplings of two magnitudes, or fields of many values: no table
    assert sampler(iv.Graph(3, [(0, 1), (1, 2)], [1.0, 0.5])) == "sequential-heatbath"
    assert (
        sampler(iv.Graph(40, [(i, i + 1) for i in range(39)], [1.0] * 39, np.linspace(0, 1, 40)))
        == "sequential-heatbath"
    )  # 40 fields x 5 values of n > 64 entries
    assert (
        sampler(iv.Graph(4, [(0, 1), (1, 2)], [0.1, -0.1])) == "sequential-heatbath"
    )  # sums of 0.1 round


def test_odd_lattice_vs_enumeration():
    model = iv.SquareLattice(3, h=0.2)
    T = [1.5, 3.0]
    table = ais(model, T, n_steps=500, n_chains=128, seed=4)
    check_vs_exact(table, iv.exact.enumerate(model, T)["ln_z"].to_numpy(), "3x3", 40)


@pytest.mark.parametrize(
    "model", [iv.SquareLattice(4, h=0.25), iv.CubicLattice(2, J=0.5)], ids=["square", "cubic"]
)
def test_lattice_starts_from_the_graph_paths_uniform_sample(model):
    """Without sweeps the weights are -beta E(s0): the same start states as on the graph path."""
    T = [0.7, 2.0]
    lattice = _core.ais(model, T, 3, 0, 50, "heatbath", 9, 1)["log_weights"]
    graph = _core.ais(model.to_graph(), T, 3, 0, 50, "heatbath", 9, 1)["log_weights"]
    np.testing.assert_allclose(lattice, graph, rtol=1e-13, atol=1e-12)
    assert len(np.unique(lattice[0].round(9))) > 3


@pytest.mark.parametrize("algorithm", ["heatbath", "metropolis"])
@pytest.mark.parametrize("L,kernel", [(6, "plain"), (128, "multispin")])
def test_bit_identical_for_threads_and_instruction_sets(L, kernel, algorithm):
    model = iv.SquareLattice(L, h=0.1)
    steps = 40 if L < 100 else 6
    runs = [
        _core.ais(model, [1.8, 2.6], steps, 2, 5, algorithm, 3, threads, None, simd, kernel)
        for simd in iv.mc.available_simd()
        for threads in (1, 2)
    ]
    for d in runs[1:]:
        np.testing.assert_array_equal(d["log_weights"], runs[0]["log_weights"])
        np.testing.assert_array_equal(d["ln_z"], runs[0]["ln_z"])
    cubic = [
        _core.ais(iv.CubicLattice(4), [3.0], 20, 1, 3, algorithm, 5, 1, None, simd)["log_weights"]
        for simd in iv.mc.available_simd()
    ]
    for w in cubic[1:]:
        np.testing.assert_array_equal(w, cubic[0])


@pytest.mark.parametrize("algorithm", ["heatbath", "metropolis"])
def test_graph_table_is_bit_identical_and_exact(algorithm):
    """A +-J glass (a ring with chords, degree 4) with two field values: the table applies,
    reproduces the per-spin exp path bit for bit, and agrees with enumeration."""
    rng = np.random.default_rng(5)
    n = 12
    edges = [(i, (i + d) % n) for i in range(n) for d in (1, 4)]
    J = rng.choice([-0.5, 0.5], len(edges))
    h = rng.choice([0.25, -0.75], n)
    model = iv.Graph(n, edges, J, h)
    T = [0.8, 2.0]
    table = _core.ais(model, T, 1000, 1, 128, algorithm, 6, 2, None)
    exp = _core.ais(model, T, 1000, 1, 128, algorithm, 6, 1, None, tables=False)
    assert table["sampler"].endswith("-table") and not exp["sampler"].endswith("-table")
    np.testing.assert_array_equal(table["log_weights"], exp["log_weights"])
    assert np.all(table["ess"] > 40)
    for k, t in enumerate(T):
        assert_z(
            table["ln_z"][k],
            table["ln_z_err"][k],
            brute_force(n, edges, J, h, t)["ln_z"],
            f"graph T={t}",
        )


@pytest.mark.parametrize(
    "model,kw,param",
    [
        (iv.SquareLattice(16), dict(kernel="multispin"), "kernel"),
        (iv.SquareLattice(4).to_graph(), dict(kernel="multispin"), "kernel"),
        (iv.SquareLattice(4), dict(kernel="fast"), "kernel"),
        (iv.SquareLattice(4), dict(simd="sse"), "simd"),
    ],
)
def test_bad_kernel_or_simd(model, kw, param):
    with pytest.raises(ValueError, match=rf"^{param}\b"):
        ais(model, 2.0, n_steps=10, n_chains=4, **kw)
