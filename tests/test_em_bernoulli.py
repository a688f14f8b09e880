"""Bernoulli mixture MAP-EM (isingvi.em.BernoulliMixture): parameter recovery on data drawn from
a known mixture, the MAP fixed point and prior, the trace identities, and cross-entropy / ELBO
against a plain NumPy evaluation of the same fitted model.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import all_states
from isingvi.em import BernoulliMixture

TRUE_WEIGHTS = np.array([0.5, 0.3, 0.2])
K_TRUE, D_TRUE = 3, 20


def true_probs() -> np.ndarray:
    rng = np.random.default_rng(42)
    return rng.choice([0.1, 0.25, 0.75, 0.9], size=(K_TRUE, D_TRUE))


def draw(n: int, seed: int, spins: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """n samples of the known mixture (NumPy only), as 0/1 bits or ±1 spins, and the labels."""
    rng = np.random.default_rng(seed)
    z = rng.choice(K_TRUE, size=n, p=TRUE_WEIGHTS)
    x = (rng.random((n, D_TRUE)) < true_probs()[z]).astype(np.int8)
    return (2 * x - 1 if spins else x), z


def log_joint_numpy(x01: np.ndarray, weights: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """ln π_k + Σ_j [x ln μ + (1 − x) ln(1 − μ)], (n, K)."""
    x = x01.astype(float)
    return np.log(weights) + x @ np.log(probs).T + (1 - x) @ np.log1p(-probs).T


def logsumexp(a):
    m = a.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(a - m).sum(axis=1, keepdims=True)))[:, 0]


def test_recovers_a_known_mixture_up_to_permutation():
    n = 6000
    X, _ = draw(n, seed=1)
    bm = BernoulliMixture(K_TRUE, n_init=3, tol=1e-8, max_iter=500).fit(X)
    assert bm.converged_
    mu = true_probs()
    perm = min(
        itertools.permutations(range(K_TRUE)), key=lambda p: np.abs(bm.probs_[list(p)] - mu).sum()
    )
    probs, weights = bm.probs_[list(perm)], bm.weights_[list(perm)]
    # standard errors of a frequency from n_k = n π_k points and of a weight from n points
    se_mu = np.sqrt(mu * (1 - mu) / (n * TRUE_WEIGHTS[:, None]))
    se_w = np.sqrt(TRUE_WEIGHTS * (1 - TRUE_WEIGHTS) / n)
    assert np.abs((probs - mu) / se_mu).max() < 5
    assert np.abs((weights - TRUE_WEIGHTS) / se_w).max() < 5


@pytest.mark.parametrize("alpha, weight_alpha", [(1.0, 1.0), ((2.0, 0.5), 3.0), (0.0, 0.0)])
def test_map_fixed_point_and_prior(alpha, weight_alpha):
    """At convergence μ = (Σ q x + a)/(n_k + a + b), π = (n_k + α_w)/(n + K α_w) with q from
    predict_proba; log_prior_ = (Σ a ln μ + b ln(1−μ) + α_w Σ ln π)/n."""
    X, _ = draw(3000, seed=2)
    bm = BernoulliMixture(
        K_TRUE, alpha=alpha, weight_alpha=weight_alpha, tol=0.0, max_iter=400
    ).fit(X)
    a, b = (alpha, alpha) if np.ndim(alpha) == 0 else alpha
    q = bm.predict_proba(X)
    nk = q.sum(axis=0)
    np.testing.assert_allclose(bm.probs_, (q.T @ X + a) / (nk + a + b)[:, None], rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        bm.weights_, (nk + weight_alpha) / (len(X) + K_TRUE * weight_alpha), rtol=0, atol=1e-9
    )

    def xlogy(c, y):  # Σ c ln y with 0 ln 0 = 0
        return 0.0 if c == 0 else float(np.sum(c * np.log(y)))

    prior = (
        xlogy(a, bm.probs_) + xlogy(b, 1 - bm.probs_) + xlogy(weight_alpha, bm.weights_)
    ) / len(X)
    assert bm.log_prior_ == pytest.approx(prior, abs=1e-12)
    assert bm.log_likelihood_ == pytest.approx(bm.score(X), abs=1e-12)


@pytest.mark.parametrize("alpha, weight_alpha", [(1.0, 1.0), (0.0, 0.0), (5.0, 10.0)])
def test_trace_identities_and_monotone_objective(alpha, weight_alpha):
    X, _ = draw(2000, seed=3)
    bm = BernoulliMixture(
        4, alpha=alpha, weight_alpha=weight_alpha, tol=0.0, max_iter=60, n_init=2
    ).fit(X)
    t = bm.trace_
    assert list(t.columns) == [
        "restart",
        "iteration",
        "log_likelihood",
        "log_prior",
        "objective",
        "elbo_e",
        "elbo_m",
        "kl_gap",
    ]
    assert t["kl_gap"].max() > 1e-4
    for _, r in t.groupby("restart"):
        ll, lp, obj = (r[c].to_numpy() for c in ("log_likelihood", "log_prior", "objective"))
        np.testing.assert_allclose(r["elbo_e"], ll, rtol=0, atol=1e-10)
        np.testing.assert_allclose(obj, ll + lp, rtol=0, atol=1e-14)
        assert (r["kl_gap"] >= -1e-12).all()
        after = (r["elbo_m"] + r["kl_gap"]).to_numpy()
        np.testing.assert_allclose(after[:-1], ll[1:], rtol=0, atol=1e-10)
        assert (np.diff(obj) >= -1e-12).all(), "the MAP objective decreased"
        # the M-step maximises ELBO + ln p(θ): elbo_m + log_prior(θ_new) ≥ objective(θ_old)
        assert (r["elbo_m"].to_numpy()[:-1] + lp[1:] - obj[:-1] >= -1e-12).all()
        if alpha == 0 and weight_alpha == 0:
            assert (lp == 0).all() and (np.diff(ll) >= -1e-12).all()


def test_cross_entropy_and_elbo_against_numpy():
    X, _ = draw(3000, seed=4, spins=True)
    test, _ = draw(2000, seed=5, spins=True)
    bm = BernoulliMixture(3, n_init=2).fit(X)
    assert bm.encoding_ == "spins"
    lj = log_joint_numpy((test + 1) // 2, bm.weights_, bm.probs_)
    lp = logsumexp(lj)
    ce = -lp.mean() / D_TRUE
    assert bm.cross_entropy(test) == pytest.approx(ce, abs=1e-12)
    assert bm.elbo(test, "posterior") == pytest.approx(-ce, abs=1e-12)
    hard = lj.max(axis=1) / D_TRUE
    np.testing.assert_allclose(bm.elbo(test, "hard", per_sample=True), hard, rtol=0, atol=1e-12)
    assert -bm.elbo(test, "hard") >= bm.cross_entropy(test)
    assert np.all(
        bm.elbo(test, "hard", per_sample=True)
        <= bm.elbo(test, "posterior", per_sample=True) + 1e-15
    )
    np.testing.assert_allclose(bm.score_samples(test), lp, rtol=0, atol=1e-10)
    assert np.array_equal(bm.predict(test), np.argmax(lj, axis=1))


def test_probabilities_sum_to_one_over_all_configurations():
    D = 10
    rng = np.random.default_rng(6)
    X = (rng.random((500, D)) < rng.random(D)).astype(np.uint8)
    bm = BernoulliMixture(3, alpha=0.5).fit(X)
    log_p = bm.score_samples(all_states(D))  # all 2^D configurations as ±1 spins
    assert np.exp(logsumexp(log_p[None, :]))[0] == pytest.approx(1.0, abs=1e-12)


def test_spins_and_bits_give_the_same_fit():
    S, _ = draw(1500, seed=7, spins=True)
    a = BernoulliMixture(3, random_state=3).fit(S)
    b = BernoulliMixture(3, random_state=3).fit((S + 1) // 2)
    assert np.array_equal(a.probs_, b.probs_) and np.array_equal(a.weights_, b.weights_)
    assert (a.encoding_, b.encoding_) == ("spins", "bits")
    assert a.cross_entropy(S) == b.cross_entropy((S + 1) // 2) == b.cross_entropy(S)


def test_threads_give_bit_identical_results():
    X, _ = draw(5000, seed=8)
    fits = [
        BernoulliMixture(4, n_init=2, tol=0.0, max_iter=40, threads=t).fit(X) for t in (1, 2, 3)
    ]
    for other in fits[1:]:
        assert np.array_equal(fits[0].probs_, other.probs_)
        assert np.array_equal(fits[0].weights_, other.weights_)
        assert fits[0].trace_.equals(other.trace_)


def test_sample_frequencies_and_encoding():
    S, _ = draw(2000, seed=9, spins=True)
    bm = BernoulliMixture(3).fit(S)
    n = 50000
    xs, labels = bm.sample(n, random_state=1)
    assert xs.dtype == np.int8 and set(np.unique(xs)) <= {-1, 1}
    for k in range(3):
        rows = xs[labels == k]
        p = bm.probs_[k]
        se = np.sqrt(p * (1 - p) / len(rows))
        assert np.all(np.abs((rows == 1).mean(axis=0) - p) < 5 * se)
    bits = BernoulliMixture(3).fit((S + 1) // 2).sample(10, random_state=1)[0]
    assert set(np.unique(bits)) <= {0, 1}
