"""F7's training and test sets: Wolff samples with a random global sign each.

Below T_c a Wolff cluster covers nearly the whole lattice, so every measured sweep flips the
magnetisation's sign, and samples saved every `every` sweeps share (even `every`) or alternate
(odd `every`) their sign: the lag-1 autocorrelation of sign(m) is near +1 or -1, and train and
test sets cut from the series are not independent. iv.mc.random_global_flip (what
pipeline/scripts/f7_fit.py applies) gives each sample its own random sign, exact at h = 0. The
tests run F7's shipped sampling settings at its lowest temperature and require |r| < 4/sqrt(n)
after the flip (r's standard error is 1/sqrt(n) for independent signs), and check that the
same criterion fails on the raw samples, i.e. that it would have caught the flaw.
"""

from __future__ import annotations

from pathlib import Path

import isingvi as iv
import numpy as np
import pytest
import yaml
from isingvi.results import derive_seed

F7 = yaml.safe_load((Path(__file__).resolve().parents[1] / "config.yaml").read_text())["f7"]
SAMPLING = F7["sampling"]
T_LOW = min(r["start"] for r in F7["temperatures"])  # 1.5: deep in the ordered phase
L = 8
SEED = 20261202


def wolff_samples(every: int, n: int) -> np.ndarray:
    """n configurations saved every `every` Wolff sweeps at T_LOW, as f7_fit.py samples them."""
    mc = iv.mc.run(
        iv.SquareLattice(L),
        T_LOW,
        algorithm="wolff",
        n_therm=SAMPLING["n_therm"],
        n_measure=n * every,
        every=every,
        seed=SEED,
        init="random",
        save_configs=True,
    )
    return mc.configs[0]


def sign_lag1(X: np.ndarray) -> float:
    """Lag-1 autocorrelation of the magnetisation's sign over the saved samples."""
    s = np.sign(X.sum(axis=1) + 0.5)  # ties (m = 0) count as +
    return float(np.corrcoef(s[:-1], s[1:])[0, 1])


@pytest.mark.parametrize("every", sorted({1, 2, SAMPLING["every"]}))
def test_flipped_signs_are_uncorrelated_where_raw_ones_are_not(every):
    n = SAMPLING["n_train"] + SAMPLING["n_test"]
    raw = wolff_samples(every, n)
    bound = 4 / np.sqrt(n)
    # the flaw, caught by the same criterion: consecutive signs equal (even) or opposite (odd)
    r_raw = sign_lag1(raw)
    assert abs(r_raw) > 0.5 and abs(r_raw) > bound, r_raw
    assert np.sign(r_raw) == (1 if every % 2 == 0 else -1), r_raw
    flipped = iv.mc.random_global_flip(raw[None], derive_seed(SEED, "flips"))[0]
    r = sign_lag1(flipped)
    assert abs(r) < bound, (r, bound)
    # and the two halves (train, test) have the same share of positive samples within noise
    up = np.sign(flipped.sum(axis=1) + 0.5) > 0
    half = SAMPLING["n_train"]
    assert abs(up[:half].mean() - up[half:].mean()) < 4 * np.sqrt(0.5 / half)


def test_flip_is_one_sign_per_configuration():
    rng = np.random.default_rng(3)
    X = rng.choice(np.array([-1, 1], np.int8), size=(3, 50, 16))
    Y = iv.mc.random_global_flip(X, 11)
    assert Y.dtype == np.int8 and Y.shape == X.shape
    ratio = Y * X  # +1 or -1, the same over a configuration's spins
    assert (ratio == ratio[..., :1]).all()
    assert {-1, 1} == set(np.unique(ratio))
    assert np.array_equal(Y, iv.mc.random_global_flip(X, 11))  # seeded
    assert not np.array_equal(Y, iv.mc.random_global_flip(X, 12))
    assert np.array_equal(iv.mc.random_global_flip(Y, 11), X)  # its own inverse


@pytest.mark.parametrize(
    "configs, seed, match",
    [
        (np.ones(4, np.int8), 0, "configs"),
        (np.zeros((2, 4), np.int8), 0, "configs"),
        (np.ones((2, 4), np.int8), -1, "seed"),
        (np.ones((2, 4), np.int8), 1.5, "seed"),
    ],
)
def test_flip_rejects_bad_input(configs, seed, match):
    with pytest.raises(ValueError, match=match):
        iv.mc.random_global_flip(configs, seed)
