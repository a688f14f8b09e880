"""The multi-spin-coded lattice sampler (64 spins per word, lazy 32-bit bit-plane acceptance).

Against exact answers: u and c of the 128 x 128 torus against Kaufman (binned / jackknife
errors, |z| < 4, blocks much longer than tau); per-class flip frequencies against the exact
Metropolis and heat-bath probabilities (chi-square, with a power check at a wrong T); and,
because the sites of one word read different bits of the same random words, the joint flips
of two sites of one word against the product of their probabilities (a correlation between
them would fail). The smallest lattice the packing serves (L = 128) is far beyond
enumeration, so these replace the enumeration tests of the plain sampler.

Reproducibility: every instruction set and every thread count give the same chains, bit for
bit; E and M come from popcounts of the packed words and equal a recomputation.
"""

from __future__ import annotations

import subprocess
import sys

import isingvi as iv
import numpy as np
import pytest
from scipy import stats
from test_mc_simd import _attempt_classes, _flip_probability

SINGLE = ["metropolis", "heatbath"]
N_BLOCKS = 32


def _isas():
    return iv.mc.available_simd()


# --------------------------------------------------------------------------- vs Kaufman


@pytest.mark.parametrize("alg", SINGLE)
def test_square_128_energy_and_heat_capacity_vs_kaufman(alg):
    T = [2.0, 2.269, 3.0]
    res = iv.mc.run(
        iv.SquareLattice(128),
        T,
        alg,
        n_therm=5000,
        n_measure=400_000,
        every=4,
        seed=11,
        kernel="multispin",
    )
    assert res.sampler.startswith(f"multispin-{alg}-")
    s = res.summary(n_blocks=N_BLOCKS)
    exact = iv.exact.kaufman(128, T)
    for k in range(len(T)):
        assert s["n_samples"][k] / N_BLOCKS > 20 * s["tau_e"][k], (T[k], s["tau_e"][k])
        for col in ("u", "c"):
            z = (s[col][k] - exact[col][k]) / s[f"{col}_err"][k]
            assert abs(z) < 4, (
                f"{alg} T={T[k]} {col}: {s[col][k]:.6f} +- {s[col + '_err'][k]:.1e} "
                f"vs {exact[col][k]:.6f} (z = {z:.2f})"
            )


# --------------------------------------------------------------------------- exact flip probabilities


def _class_counts(model, configs, init_config):
    """{(s, nn): [attempts, flips]} over the attempts between consecutive configurations."""
    counts = {}
    before = init_config
    for after in configs:
        s, nn, flipped = _attempt_classes(model, after[None], before)
        key = (s + 1) * 100 + nn + 50
        n = np.bincount(key, minlength=300)
        f = np.bincount(key, weights=flipped, minlength=300)
        for i in np.nonzero(n)[0]:
            c = counts.setdefault((int(i // 100) - 1, int(i % 100) - 50), [0, 0])
            c[0] += int(n[i])
            c[1] += int(f[i])
        before = after
    return counts


def _chi_square(alg, model, T, counts):
    chi2, dof, certain = 0.0, 0, []
    for (s, nn), (n, f) in counts.items():
        p = float(_flip_probability(alg, model, T, s, nn))
        if p in (0.0, 1.0):
            certain.append((p, n, f))
        elif n * p * (1 - p) >= 10:
            chi2 += (f - n * p) ** 2 / (n * p * (1 - p))
            dof += 1
    return stats.chi2.sf(chi2, dof), dof, certain


FLIP_CASES = [
    # spin-dependent classes (h != 0), antiferromagnet, and the cubic adder
    ("square L128 J-0.8 h0.3", lambda: iv.SquareLattice(128, J=-0.8, h=0.3), 2.3, 60),
    ("square L128 h-0.2", lambda: iv.SquareLattice(128, h=-0.2), 1.9, 60),
    ("cubic L128 J0.6 h0.25", lambda: iv.CubicLattice(128, J=0.6, h=0.25), 3.5, 3),
]


@pytest.mark.parametrize("alg", SINGLE)
@pytest.mark.parametrize("name,make,T,sweeps", FLIP_CASES, ids=[c[0] for c in FLIP_CASES])
def test_flip_frequency_per_class_is_the_exact_probability(name, make, T, sweeps, alg):
    model = make()
    res = iv.mc.run(
        model,
        T,
        alg,
        n_therm=0,
        n_measure=sweeps,
        seed=43,
        init="up",
        save_configs=True,
        kernel="multispin",
    )
    counts = _class_counts(model, res.configs[0], np.ones(model.n, dtype=np.int8))
    assert sum(f for _, f in counts.values()) == round(res.acceptance[0] * model.n * sweeps)
    p_right, dof, certain = _chi_square(alg, model, T, counts)
    assert dof >= 4, dof
    assert all(f == (n if p == 1.0 else 0) for p, n, f in certain), certain
    assert p_right > 1e-4, f"{name} {alg}: chi-square p = {p_right:.2e} over {dof} classes"
    p_wrong, _, _ = _chi_square(alg, model, 0.97 * T, counts)
    assert p_wrong < 1e-6, f"{name} {alg}: chi-square p = {p_wrong:.2e} against a wrong temperature"


@pytest.mark.parametrize("alg", SINGLE)
def test_the_extreme_classes_flip_always_or_never(alg):
    """At T = 0.05 thresholds are 0 or 2^32 (no random bits); at T = 1e6 all near 1/2 or 1."""
    model = iv.SquareLattice(128, J=0.9, h=0.35)
    for T in (0.05, 1e6):
        res = iv.mc.run(
            model, T, alg, n_therm=0, n_measure=6, seed=5, save_configs=True, kernel="multispin"
        )
        counts = _class_counts(model, res.configs[0, 1:], res.configs[0, 0])
        p, dof, certain = _chi_square(alg, model, T, counts)
        assert all(f == (n if q == 1.0 else 0) for q, n, f in certain), (T, certain)
        if dof:
            assert p > 1e-4, (T, p)


def test_two_sites_of_one_word_flip_independently():
    """Sites (x, y) and (x, y + L/64) are neighbouring bits of one word and read different bits
    of the same random words: the number of sweeps in which both flip must match the product
    of their exact probabilities, class pair by class pair (chi-square)."""
    model, T, H = iv.SquareLattice(128, h=0.1), 2.4, 2
    res = iv.mc.run(
        model,
        T,
        "metropolis",
        n_therm=0,
        n_measure=200,
        seed=9,
        init="up",
        save_configs=True,
        kernel="multispin",
    )
    site = np.arange(model.n)
    partner = (site + H * model.L) % model.n  # the next bit of the same word
    tally = {}
    before = np.ones(model.n, dtype=np.int8)
    for t in range(res.configs.shape[1]):
        after = res.configs[0, t]
        s, nn, flipped = _attempt_classes(model, after[None], before)
        p1 = _flip_probability("metropolis", model, T, s, nn)
        p2 = p1[partner]
        pick = (p1 > 0) & (p1 < 1) & (p2 > 0) & (p2 < 1)
        key = ((s + 1) * 8 + nn + 4) * 100 + (s[partner] + 1) * 8 + nn[partner] + 4
        n = np.bincount(key[pick], minlength=10_000)
        both = np.bincount(key[pick], weights=(flipped & flipped[partner])[pick], minlength=10_000)
        q = np.zeros(10_000)
        q[key[pick]] = (p1 * p2)[pick]
        for i in np.nonzero(n)[0]:
            c = tally.setdefault(int(i), [0, 0, q[i]])
            c[0] += int(n[i])
            c[1] += int(both[i])
        before = after
    chi2, dof = 0.0, 0
    for n, f, q in tally.values():
        if n * q * (1 - q) >= 10:
            chi2 += (f - n * q) ** 2 / (n * q * (1 - q))
            dof += 1
    assert dof >= 2, tally
    assert stats.chi2.sf(chi2, dof) > 1e-4, (chi2, dof, tally)


# --------------------------------------------------------------------------- reproducibility


MODELS = {
    "square L128 J-0.8 h0.25": lambda: iv.SquareLattice(128, J=-0.8, h=0.25),
    "square L256": lambda: iv.SquareLattice(256),
    "cubic L128 J0.7 h0.2": lambda: iv.CubicLattice(128, J=0.7, h=0.2),
}
T_LIST = [0.05, 2.3, 4.5, 1e6]


def _run(model, alg, **kw):
    sweeps = 2 if model.dim == 3 else 12
    args = dict(
        n_therm=sweeps,
        n_measure=sweeps,
        every=sweeps // 2,
        seed=17,
        save_configs=True,
        kernel="multispin",
    )
    args.update(kw)
    return iv.mc.run(model, T_LIST, alg, **args)


def _assert_same(a, b):
    for field in ("E", "M", "configs", "acceptance"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)


@pytest.mark.parametrize("alg", SINGLE)
@pytest.mark.parametrize("name", list(MODELS))
def test_every_isa_and_thread_count_gives_the_same_chains(name, alg):
    model = MODELS[name]()
    ref = _run(model, alg, simd="scalar")
    assert ref.sampler == f"multispin-{alg}-scalar"
    assert np.all(ref.acceptance[1:] > 0)  # the chains move
    for isa in _isas()[1:]:
        got = _run(model, alg, simd=isa)
        assert got.sampler == f"multispin-{alg}-{isa}"
        _assert_same(ref, got)
    # temperatures in parallel, and one temperature's lattice split among threads
    _assert_same(ref, _run(model, alg, threads=3))
    one = iv.mc.run(
        model, 2.3, alg, n_therm=3, n_measure=4, seed=2, save_configs=True, kernel="multispin"
    )
    for threads in (2, 5):
        _assert_same(
            one,
            iv.mc.run(
                model,
                2.3,
                alg,
                n_therm=3,
                n_measure=4,
                seed=2,
                save_configs=True,
                kernel="multispin",
                threads=threads,
            ),
        )


@pytest.mark.parametrize("alg", SINGLE)
def test_one_large_lattice_split_among_threads_gives_the_same_chain(alg):
    """L = 1024 (2^20 spins) is split among up to four threads (one per 2^18 spins)."""
    model = iv.SquareLattice(1024, J=0.9, h=0.05)
    kw = dict(n_therm=2, n_measure=4, every=2, seed=8, save_configs=True, kernel="multispin")
    one = iv.mc.run(model, 2.3, alg, threads=1, **kw)
    for threads in (2, 3, 4):
        _assert_same(one, iv.mc.run(model, 2.3, alg, threads=threads, **kw))


# A child process, so that a deadlock in the thread team fails the test instead of hanging CI.
_MANY_TEAMS = """
import isingvi as iv
model = iv.SquareLattice(1024, J=0.9, h=0.05)
kw = dict(n_therm=0, n_measure=30, every=10, kernel="multispin")
for seed in range(40):
    one = iv.mc.run(model, 2.3, threads=1, seed=seed, **kw)
    many = iv.mc.run(model, 2.3, threads=4, seed=seed, **kw)
    assert (one.E == many.E).all() and (one.M == many.M).all(), seed
print("ok")
"""


def test_thread_team_with_more_threads_than_cores_neither_hangs_nor_changes_the_chain():
    """Four threads (more than a small CI machine's cores), 40 teams of 60 jobs each: waiting
    threads go to sleep and are woken, chunks move between threads, the chains stay the same."""
    proc = subprocess.run(
        [sys.executable, "-c", _MANY_TEAMS], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def _energy(model, config):
    s = config.astype(np.int64).reshape((model.L,) * model.dim)
    bonds = sum(int((s * np.roll(s, 1, axis=a)).sum()) for a in range(model.dim))
    return -model.J * bonds - model.h * int(s.sum())


@pytest.mark.parametrize("name", list(MODELS))
def test_recorded_E_and_M_match_the_configurations(name):
    model = MODELS[name]()
    res = _run(model, "metropolis")
    for k in range(len(T_LIST)):
        for t in range(res.configs.shape[1]):
            assert res.E[k, t] == _energy(model, res.configs[k, t])
            assert res.M[k, t] == int(res.configs[k, t].astype(np.int64).sum())


# --------------------------------------------------------------------------- the kernel argument


def test_auto_takes_multispin_where_it_applies():
    for L, expect in (
        (128, "multispin"),
        (256, "multispin"),
        (64, "checkerboard"),
        (130, "checkerboard"),
    ):
        res = iv.mc.run(iv.SquareLattice(L), 2.0, "heatbath", n_therm=0, n_measure=2)
        assert res.sampler.startswith(f"{expect}-heatbath-"), (L, res.sampler)
    res = iv.mc.run(iv.SquareLattice(128), 2.0, n_therm=0, n_measure=2, kernel="plain")
    assert res.sampler.startswith("checkerboard-metropolis-")
    assert (
        iv.mc.run(
            iv.SquareLattice(128), 2.0, "wolff", n_therm=0, n_measure=2, kernel="plain"
        ).sampler
        == "wolff"
    )


@pytest.mark.parametrize("bad", ["fast", "MULTISPIN", "", None, 1])
def test_bad_kernel_is_a_value_error(bad):
    with pytest.raises(ValueError, match="kernel"):
        iv.mc.run(iv.SquareLattice(128), 2.0, n_therm=0, n_measure=2, kernel=bad)


def test_kernel_is_checked_by_the_core():
    with pytest.raises(ValueError, match="kernel"):
        iv._core.mc_sweep(
            iv.SquareLattice(128), "metropolis", [2.0], 0, 2, 1, 0, 1, "random", False, "auto", "x"
        )


@pytest.mark.parametrize(
    "model,alg",
    [
        (iv.SquareLattice(64), "metropolis"),  # L not a multiple of 128
        (iv.CubicLattice(6), "heatbath"),
        (iv.SquareLattice(128), "wolff"),  # not a single-spin algorithm
        (iv.models.random_regular(8, 3, seed=1), "metropolis"),  # not a lattice
    ],
)
def test_multispin_where_it_cannot_run_is_a_value_error(model, alg):
    with pytest.raises(ValueError, match="kernel"):
        iv.mc.run(model, 2.0, alg, n_therm=0, n_measure=2, kernel="multispin")
