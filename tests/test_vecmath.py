"""The core's vectorised exp, log and tanh (isingvi._core.vec_*) against the C library
(NumPy's float64 ufuncs call it or are as accurate) over the whole double range: relative
error, IEEE special values, and bit-identical results on every instruction set."""

from __future__ import annotations

import math

import isingvi._core as core
import numpy as np
import pytest

TINY = np.finfo(np.float64).tiny  # smallest normal
SUB = 5e-324  # smallest subnormal
# Measured maxima (tests/test_vecmath.py's sample; exp and log 1 ulp, tanh 3 ulp), with room.
MAX_REL = 1e-15


def log_uniform(n: int, seed: int = 1) -> np.ndarray:
    """n doubles with exponents uniform over the whole range (subnormals included), random
    mantissas, both signs."""
    rng = np.random.default_rng(seed)
    x = np.ldexp(1.0 + rng.random(n), rng.integers(-1075, 1024, n))
    return np.where(rng.random(n) < 0.5, -x, x)


EDGES = np.array(
    [
        0.0,
        -0.0,
        SUB,
        -SUB,
        TINY,
        -TINY,
        np.nextafter(TINY, 0),
        1.0,
        -1.0,
        0.5,
        2.0,
        np.finfo(np.float64).max,
        -np.finfo(np.float64).max,
        np.inf,
        -np.inf,
        np.nan,
        math.log(2) / 2,
        -math.log(2) / 2,
        709.782712893384,
        709.79,
        -745.13,
        -745.14,
        -708.4,
        -740.0,
        19.1,
        -19.1,
        350.0,
        351.0,
        1e-300,
        1e-8,
        0.625,
        1 - 1e-16,
        1 + 2e-16,
    ]
)


def sample() -> np.ndarray:
    x = np.concatenate(
        [log_uniform(400_000), EDGES, np.linspace(-800, 800, 20001), np.linspace(-3, 3, 20001)]
    )
    return x


CASES = [("vec_exp", np.exp), ("vec_log", np.log), ("vec_tanh", np.tanh)]


def max_rel_error(got: np.ndarray, want: np.ndarray) -> float:
    normal = np.isfinite(want) & (np.abs(want) >= TINY)
    return float(np.max(np.abs(got[normal] - want[normal]) / np.abs(want[normal])))


@pytest.mark.parametrize("name, ref", CASES)
def test_accuracy_over_the_whole_range(name, ref):
    x = sample()
    with np.errstate(all="ignore"):
        want = ref(x)
    got = getattr(core, name)(x)
    assert got.shape == x.shape and got.dtype == np.float64
    assert max_rel_error(got, want) < MAX_REL
    # Same special values (inf, NaN, 0 and its sign) wherever the reference has one.
    special = ~np.isfinite(want) | (want == 0)
    np.testing.assert_array_equal(got[special], want[special])
    assert np.array_equal(np.signbit(got[want == 0]), np.signbit(want[want == 0]))
    # Subnormal results (exp only): within an ulp of the smallest subnormal, a few times.
    sub = np.isfinite(want) & (want != 0) & (np.abs(want) < TINY)
    assert np.all(np.abs(got[sub] - want[sub]) <= 2 * SUB)


def test_special_values():
    with np.errstate(all="ignore"):
        assert core.vec_exp(np.array([np.inf, -np.inf, 710.0, -746.0])).tolist() == [
            np.inf,
            0.0,
            np.inf,
            0.0,
        ]
        assert core.vec_exp(np.array([0.0, -0.0])).tolist() == [1.0, 1.0]
        lg = core.vec_log(np.array([0.0, -0.0, -1.0, -np.inf, np.inf, 1.0, SUB]))
        assert lg[:2].tolist() == [-np.inf, -np.inf] and np.isnan(lg[2:4]).all()
        assert lg[4] == np.inf and lg[5] == 0.0 and not np.signbit(lg[5])
        assert lg[6] == pytest.approx(math.log(SUB), rel=1e-15)
        th = core.vec_tanh(np.array([0.0, -0.0, np.inf, -np.inf, 1e300, -1e300, SUB, -SUB]))
        assert th.tolist() == [0.0, -0.0, 1.0, -1.0, 1.0, -1.0, SUB, -SUB]
        assert np.signbit(th[1]) and not np.signbit(th[0])
    for name, _ in CASES:
        assert np.isnan(getattr(core, name)(np.array([np.nan, -np.nan]))).all()


@pytest.mark.parametrize("name, ref", CASES)
def test_bit_identical_on_every_instruction_set(name, ref):
    x = sample()
    results = [getattr(core, name)(x, simd=isa) for isa in core.simd_supported()]
    for r in results[1:]:
        assert np.array_equal(r.view(np.int64), results[0].view(np.int64))


def test_shapes_and_bad_simd():
    x = np.linspace(0.1, 2.0, 12).reshape(3, 4)
    assert core.vec_log(x).shape == (3, 4)
    assert core.vec_exp(np.zeros(0)).shape == (0,)
    with pytest.raises(ValueError, match="simd"):
        core.vec_tanh(x, simd="sse9")


def test_tanh_entropy_of_the_mean_field():
    """m = tanh(y) and the binary entropy H2((1 + m)/2) in nats, from one exponential."""
    y = np.concatenate(
        [
            np.linspace(-40, 40, 40001),
            log_uniform(100_000, seed=2),
            [0.0, -0.0, 1e-300, 400.0, -np.inf],
        ]
    )
    results = [core.vec_tanh_entropy(y, simd=isa) for isa in core.simd_supported()]
    m, H = results[0]
    for m2, H2 in results[1:]:
        assert np.array_equal(m.view(np.int64), m2.view(np.int64))
        assert np.array_equal(H.view(np.int64), H2.view(np.int64))
    np.testing.assert_allclose(m, np.tanh(y), rtol=MAX_REL, atol=0)
    # H2 with p = (1 - |m|)/2 written without cancellation: p = e / (1 + e), e = exp(-2|y|).
    a = np.minimum(np.abs(y), 350.0)
    e = np.exp(-2 * a)
    want = np.log1p(e) + a * 2 * e / (1 + e)
    np.testing.assert_allclose(H, want, rtol=1e-14, atol=1e-16)
    assert H[np.abs(y) < 1e-150].tolist() == [math.log(2)] * int(np.sum(np.abs(y) < 1e-150))
