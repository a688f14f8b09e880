"""The per-ISA checkerboard kernels: identical results on every instruction set, exact flip
probabilities, and the `simd` argument.

Every ISA the CPU supports must reproduce the portable ("scalar") kernel bit for bit: the
random draws are fixed by the algorithm (eight xoshiro256++ lanes), not by the vector width.
The flip probabilities are checked against min(1, e^{-dE/T}) and 1 / (1 + e^{dE/T}) from the
saved configurations themselves: between two consecutive sweeps every site had exactly one
attempt, with the neighbour sum known from the configurations (the even sites, x + y (+ z)
even, go first and see the odd sites of the previous sweep; the odd sites see the even sites
of the current one).
"""

from __future__ import annotations

import isingvi as iv
import numpy as np
import pytest
from scipy import stats

SINGLE = ["metropolis", "heatbath"]
VECTOR_ISAS = ["avx2", "avx512"]


def _require(isa):
    if isa not in iv.mc.available_simd():
        pytest.skip(f"this CPU or build lacks {isa}")


MODELS = {
    # L = 2: the two bonds of a pair coincide; L = 6, 34: rows end inside a block of 16 sites
    "square L2 h0.3": lambda: iv.SquareLattice(2, h=0.3),
    "square L6": lambda: iv.SquareLattice(6),
    "square L34 J-0.8 h0.25": lambda: iv.SquareLattice(34, J=-0.8, h=0.25),
    "square L64 h-0.1": lambda: iv.SquareLattice(64, h=-0.1),
    "cubic L2 h-0.4": lambda: iv.CubicLattice(2, h=-0.4),
    "cubic L4": lambda: iv.CubicLattice(4),
    "cubic L6 J0.7 h0.2": lambda: iv.CubicLattice(6, J=0.7, h=0.2),
}
T_LIST = [0.05, 1.5, 2.5, 4.5, 1e6]  # 0.05: thresholds 0 and 2^32; 1e6: all near 1/2 or 1


def _run(model, alg, simd, threads=1, **kw):
    args = dict(n_therm=20, n_measure=60, every=2, seed=17, save_configs=True)
    args.update(kw)
    return iv.mc.run(model, T_LIST, alg, threads=threads, simd=simd, **args)


def _assert_same(a, b):
    np.testing.assert_array_equal(a.E, b.E)
    np.testing.assert_array_equal(a.M, b.M)
    np.testing.assert_array_equal(a.configs, b.configs)
    np.testing.assert_array_equal(a.acceptance, b.acceptance)


@pytest.mark.parametrize("isa", VECTOR_ISAS)
@pytest.mark.parametrize("alg", SINGLE)
@pytest.mark.parametrize("name", list(MODELS))
def test_every_isa_gives_the_scalar_results(name, alg, isa):
    _require(isa)
    model = MODELS[name]()
    ref = _run(model, alg, "scalar")
    got = _run(model, alg, isa)
    assert (
        ref.sampler == f"checkerboard-{alg}-scalar" and got.sampler == f"checkerboard-{alg}-{isa}"
    )
    _assert_same(ref, got)
    # and the chains did move (a kernel that never flips would also agree with itself)
    assert np.all(got.acceptance[-2:] > 0)


@pytest.mark.parametrize("isa", ["scalar", *VECTOR_ISAS])
@pytest.mark.parametrize("alg", SINGLE)
def test_threads_do_not_change_results_on_any_isa(alg, isa):
    _require(isa)
    for make in (MODELS["square L34 J-0.8 h0.25"], MODELS["cubic L6 J0.7 h0.2"]):
        model = make()
        _assert_same(_run(model, alg, isa, threads=1), _run(model, alg, isa, threads=2))


def test_auto_is_the_fastest_available():
    res = iv.mc.run(iv.SquareLattice(4), 2.0, "heatbath", n_therm=0, n_measure=2)
    assert res.sampler == f"checkerboard-heatbath-{iv.mc.available_simd()[-1]}"
    assert iv.mc.available_simd()[0] == "scalar"
    assert set(iv.mc.available_simd()) <= set(iv.mc.SIMD)


# --------------------------------------------------------------------------- exact flip probabilities


def _lattice_sites(dim, L):
    """Coordinates of every site in site order x + L y (+ L^2 z), and the indices of its 2 dim neighbours."""
    idx = np.arange(L**dim)
    coords = [(idx // L**a) % L for a in range(dim)]
    nbrs = []
    for a in range(dim):
        for step in (1, -1):
            shifted = [c.copy() for c in coords]
            shifted[a] = (shifted[a] + step) % L
            nbrs.append(sum(c * L**b for b, c in enumerate(shifted)))
    return sum(coords) % 2, np.stack(nbrs, axis=1)


def _attempt_classes(model, configs, init_config):
    """(s before, neighbour sum seen, flipped) for every attempt between consecutive configurations."""
    parity, nbrs = _lattice_sites(model.dim, model.L)
    before = np.concatenate([init_config[None], configs[:-1]]).astype(np.int64)
    after = configs.astype(np.int64)
    # even sites see the odd sites before the sweep; odd sites see the even sites after it
    seen = np.where(parity == 0, before[:, nbrs].sum(axis=2), after[:, nbrs].sum(axis=2))
    return before.ravel(), seen.ravel(), (before != after).ravel()


def _flip_probability(alg, model, T, s, nn):
    dE = 2.0 * s * (model.J * nn + model.h)
    return np.minimum(1.0, np.exp(-dE / T)) if alg == "metropolis" else 1.0 / (1.0 + np.exp(dE / T))


def _class_chi_square(alg, model, T, s, nn, flipped):
    """Chi-square over the (s, nn) classes of the flip counts against the exact probabilities.

    Given the past, each attempt is a Bernoulli draw with its class's probability, so a class's
    flip count has mean n p and variance n p (1 - p) whatever the correlations between sweeps.
    Classes with p = 1 must flip every time and are returned apart.
    """
    chi2, dof, certain = 0.0, 0, []
    for sv in (-1, 1):
        for nv in np.unique(nn):
            sel = (s == sv) & (nn == nv)
            n, f = int(sel.sum()), int(flipped[sel].sum())
            p = float(_flip_probability(alg, model, T, sv, nv))
            if n == 0:
                continue
            if p == 1.0:
                certain.append((n, f))
            elif n * p * (1 - p) >= 10:
                chi2 += (f - n * p) ** 2 / (n * p * (1 - p))
                dof += 1
    return stats.chi2.sf(chi2, dof), dof, certain


FLIP_CASES = [
    ("square L8 h0.3", lambda: iv.SquareLattice(8, h=0.3), 2.3),
    ("square L34 J-1 h0.5", lambda: iv.SquareLattice(34, J=-1.0, h=0.5), 3.0),
    ("cubic L4 J0.6 h-0.2", lambda: iv.CubicLattice(4, J=0.6, h=-0.2), 3.5),
]


@pytest.mark.parametrize("alg", SINGLE)
@pytest.mark.parametrize("name,make,T", FLIP_CASES, ids=[c[0] for c in FLIP_CASES])
def test_flip_frequency_per_class_is_the_exact_probability(name, make, T, alg):
    model = make()
    res = iv.mc.run(
        model,
        [T, 1.05 * T],
        alg,
        n_therm=0,
        n_measure=3000,
        every=1,
        seed=41,
        init="up",
        save_configs=True,
    )
    up = np.ones(model.n, dtype=np.int8)
    for k, T_true in enumerate(res.T):
        s, nn, flipped = _attempt_classes(model, res.configs[k], up)
        # the recorded acceptance counts the same flips
        assert flipped.sum() == round(res.acceptance[k] * model.n * res.n_measure)
        p_right, dof, certain = _class_chi_square(alg, model, T_true, s, nn, flipped)
        assert dof >= 3, dof
        assert all(n == f for n, f in certain), certain
        assert p_right > 1e-4, (
            f"{name} {alg} T={T_true}: chi-square p = {p_right:.2e} over {dof} classes"
        )
        # the test has power: the same flips are rejected against probabilities at 0.9 T
        p_wrong, _, _ = _class_chi_square(alg, model, 0.9 * T_true, s, nn, flipped)
        assert p_wrong < 1e-6, (
            f"{name} {alg}: chi-square p = {p_wrong:.2e} against a wrong temperature"
        )


# --------------------------------------------------------------------------- the simd argument


@pytest.mark.parametrize("bad", ["avx9", "AVX2", "", "sse", None, 2])
def test_bad_simd_is_a_value_error(bad):
    with pytest.raises(ValueError, match="simd"):
        iv.mc.run(iv.SquareLattice(4), 2.0, n_therm=0, n_measure=2, simd=bad)


def test_bad_simd_is_refused_by_the_core_for_every_model():
    for model, alg in (
        (iv.SquareLattice(4), "metropolis"),
        (iv.SquareLattice(4), "wolff"),
        (iv.models.random_regular(8, 3, seed=1), "heatbath"),
    ):
        with pytest.raises(ValueError, match="simd"):
            iv._core.mc_sweep(model, alg, [2.0], 0, 2, 1, 0, 1, "random", False, "avx9")


@pytest.mark.parametrize("isa", VECTOR_ISAS)
def test_an_isa_the_cpu_lacks_is_a_value_error(isa):
    if isa in iv.mc.available_simd():
        pytest.skip(f"this CPU has {isa}")
    with pytest.raises(ValueError, match="simd.*not supported"):
        iv.mc.run(iv.SquareLattice(4), 2.0, n_therm=0, n_measure=2, simd=isa)


def test_graph_and_wolff_samplers_ignore_simd():
    g = iv.models.random_regular(10, 3, seed=2)
    for model, alg in ((g, "metropolis"), (iv.SquareLattice(6), "wolff")):
        a = iv.mc.run(model, 2.0, alg, n_therm=5, n_measure=20, seed=3, simd="scalar")
        b = iv.mc.run(model, 2.0, alg, n_therm=5, n_measure=20, seed=3)
        assert a.sampler == b.sampler and np.array_equal(a.E, b.E) and np.array_equal(a.M, b.M)
