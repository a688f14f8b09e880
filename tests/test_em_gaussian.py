"""Gaussian mixture EM (isingvi.em.GaussianMixture) against scikit-learn and against a plain
NumPy/SciPy evaluation of the same formulas: parameters, log-likelihood, and the ELBO trace
identities ELBO_E = ln p(x|θ), ELBO(q_old, θ_new) + KL = ln p(x|θ_new), KL ≥ 0, monotone ln p.
"""

from __future__ import annotations

import warnings

import isingvi as iv
import numpy as np
import pytest
from isingvi.em import TRACE_COLUMNS, GaussianMixture
from scipy.stats import multivariate_normal

sklearn_mixture = pytest.importorskip("sklearn.mixture")

K, D = 3, 3
TRUE_MEANS = np.array([[0.0, 0.0, 0.0], [2.5, 2.0, -1.0], [-2.0, 2.5, 1.0]])
TRUE_WEIGHTS = np.array([0.5, 0.3, 0.2])


def blobs(n: int, seed: int) -> np.ndarray:
    """Three overlapping correlated Gaussian blobs in 3-D (EM needs tens of iterations)."""
    rng = np.random.default_rng(seed)
    labels = rng.choice(K, size=n, p=TRUE_WEIGHTS)
    A = np.array(
        [
            [[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.2, -0.3, 0.7]],
            [[0.7, 0.0, 0.0], [-0.4, 0.9, 0.0], [0.0, 0.5, 1.1]],
            [[1.2, 0.0, 0.0], [0.3, 0.5, 0.0], [-0.5, 0.1, 0.6]],
        ]
    )
    z = rng.standard_normal((n, D))
    return TRUE_MEANS[labels] + np.einsum("nij,nj->ni", A[labels], z)


X = blobs(900, seed=3)
INIT = dict(
    weights_init=np.full(K, 1.0 / K),
    means_init=TRUE_MEANS + np.array([[0.8, -0.5, 0.3], [-0.6, 0.4, 0.9], [0.5, 0.7, -0.8]]),
)


COVARIANCE_TYPES = ["full", "diag", "tied", "spherical"]


def precisions_init(covariance_type: str) -> np.ndarray:
    """0.8 I in the shape of each covariance type (different per component where it can be)."""
    scale = np.array([0.8, 1.1, 0.6])
    return {
        "full": scale[:, None, None] * np.eye(D),
        "diag": np.outer(scale, np.ones(D)),
        "tied": 0.8 * np.eye(D),
        "spherical": scale,
    }[covariance_type]


def full_covariances(covariances, covariance_type: str) -> np.ndarray:
    """Any covariance type's covariances_ as (K, d, d) matrices."""
    c = np.asarray(covariances)
    return {
        "full": lambda: c,
        "diag": lambda: np.array([np.diag(v) for v in c]),
        "tied": lambda: np.stack([c] * K),
        "spherical": lambda: c[:, None, None] * np.eye(D),
    }[covariance_type]()


def fit_both(covariance_type: str, **kw):
    args = dict(
        covariance_type=covariance_type,
        precisions_init=precisions_init(covariance_type),
        **INIT,
        **kw,
    )
    ours = GaussianMixture(K, **args).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning when tol = 0
        theirs = sklearn_mixture.GaussianMixture(K, **args).fit(X)
    return ours, theirs


def assert_same_model(ours, theirs, tol=1e-12):
    np.testing.assert_allclose(ours.weights_, theirs.weights_, rtol=0, atol=tol)
    np.testing.assert_allclose(ours.means_, theirs.means_, rtol=0, atol=tol)
    np.testing.assert_allclose(ours.covariances_, theirs.covariances_, rtol=0, atol=tol)
    np.testing.assert_allclose(
        ours.precisions_cholesky_, theirs.precisions_cholesky_, rtol=tol, atol=tol
    )
    np.testing.assert_allclose(ours.precisions_, theirs.precisions_, rtol=tol, atol=tol)
    assert abs(ours.score(X) - theirs.score(X)) < tol
    assert abs(ours.lower_bound_ - theirs.lower_bound_) < tol
    np.testing.assert_allclose(ours.lower_bounds_, theirs.lower_bounds_, rtol=0, atol=tol)
    X2 = X[:200]
    assert abs(ours.bic(X2) - theirs.bic(X2)) < 1e3 * tol  # n = 200 times the per-point score
    assert abs(ours.aic(X2) - theirs.aic(X2)) < 1e3 * tol
    np.testing.assert_allclose(ours.score_samples(X), theirs.score_samples(X), rtol=0, atol=tol)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=0, atol=tol)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_same_as_sklearn_for_a_fixed_number_of_iterations(covariance_type):
    ours, theirs = fit_both(covariance_type, tol=0.0, max_iter=60, reg_covar=1e-6)
    assert ours.n_iter_ == theirs.n_iter_ == 60
    assert not ours.converged_
    assert_same_model(ours, theirs)
    # far from the start: the comparison is not trivially about the initial values
    assert np.abs(ours.means_ - INIT["means_init"]).max() > 0.3


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_same_stopping_rule_as_sklearn(covariance_type):
    ours, theirs = fit_both(covariance_type, tol=1e-5, max_iter=500)
    assert ours.converged_ and theirs.converged_
    assert ours.n_iter_ == theirs.n_iter_ > 5
    assert_same_model(ours, theirs)


def log_joint(X, weights, means, covariances, covariance_type):
    """ln w_k + ln N(x_i | μ_k, Σ_k) with SciPy: (n, K)."""
    covs = full_covariances(covariances, covariance_type)
    return np.column_stack(
        [np.log(w) + multivariate_normal(m, c).logpdf(X) for w, m, c in zip(weights, means, covs)]
    )


def logsumexp(a):
    m = a.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(a - m).sum(axis=1, keepdims=True)))[:, 0]


def numpy_m_step(X, resp, reg_covar, covariance_type):
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    scatter = []  # Σ_i q_ik (x_i − μ_k)(x_i − μ_k)ᵀ
    for k in range(resp.shape[1]):
        diff = X - means[k]
        scatter.append((resp[:, k, None] * diff).T @ diff)
    reg = reg_covar * np.eye(X.shape[1])
    full = np.array([s / n for s, n in zip(scatter, nk)]) + reg
    covs = {
        "full": full,
        "diag": np.array([np.diag(c) for c in full]),
        "tied": sum(scatter) / nk.sum() + reg,
        "spherical": np.array([np.diag(c).mean() for c in full]),
    }[covariance_type]
    return nk / nk.sum(), means, covs


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_one_iteration_against_numpy(covariance_type):
    """Row 1 of the trace and the parameters after one M-step, from SciPy densities."""
    reg = 1e-3
    gm = GaussianMixture(
        K,
        covariance_type=covariance_type,
        precisions_init=precisions_init(covariance_type),
        tol=0.0,
        max_iter=1,
        reg_covar=reg,
        **INIT,
    ).fit(X)
    P0 = precisions_init(covariance_type)
    cov0 = np.linalg.inv(P0) if covariance_type in ("full", "tied") else 1 / P0
    lj0 = log_joint(X, INIT["weights_init"], INIT["means_init"], cov0, covariance_type)
    lp0 = logsumexp(lj0)
    log_q0 = lj0 - lp0[:, None]
    q0 = np.exp(log_q0)
    w1, m1, c1 = numpy_m_step(X, q0, reg, covariance_type)
    np.testing.assert_allclose(gm.weights_, w1, atol=1e-12)
    np.testing.assert_allclose(gm.means_, m1, atol=1e-12)
    np.testing.assert_allclose(gm.covariances_, c1, atol=1e-12)
    lj1 = log_joint(X, w1, m1, c1, covariance_type)
    lp1 = logsumexp(lj1)
    row = gm.trace_.iloc[0]
    assert list(gm.trace_.columns) == TRACE_COLUMNS and len(gm.trace_) == 1
    assert row["restart"] == 0 and row["iteration"] == 1
    assert row["log_likelihood"] == pytest.approx(lp0.mean(), abs=1e-10)
    assert row["elbo_e"] == pytest.approx(np.mean(np.sum(q0 * (lj0 - log_q0), axis=1)), abs=1e-10)
    assert row["elbo_m"] == pytest.approx(np.mean(np.sum(q0 * (lj1 - log_q0), axis=1)), abs=1e-10)
    kl = np.mean(np.sum(q0 * (log_q0 - (lj1 - lp1[:, None])), axis=1))
    assert row["kl_gap"] == pytest.approx(kl, abs=1e-10)
    assert kl > 1e-4  # a real gap: the identity below is not 0 = 0
    assert gm.log_likelihood_ == pytest.approx(lp1.mean(), abs=1e-10)
    assert gm.score(X) == pytest.approx(lp1.mean(), abs=1e-10)
    assert gm.lower_bound_ == pytest.approx(lp0.mean(), abs=1e-10)


def check_trace_identities(trace, final_ll: float, n_restarts: int, maximum_likelihood: bool):
    """The trace identities; with maximum_likelihood (reg_covar = 0) also the EM monotonicity:
    with reg_covar > 0 the M-step maximises a regularised bound, and ln p(x|θ) can drop by
    amounts of order reg_covar near the fixed point (documented in isingvi.em)."""
    assert sorted(trace["restart"].unique()) == list(range(n_restarts))
    for _r, t in trace.groupby("restart"):
        assert list(t["iteration"]) == list(range(1, len(t) + 1))
        ll = t["log_likelihood"].to_numpy()
        np.testing.assert_allclose(t["elbo_e"], ll, rtol=0, atol=1e-10)
        assert (t["kl_gap"] >= -1e-12).all()
        after = (t["elbo_m"] + t["kl_gap"]).to_numpy()
        np.testing.assert_allclose(
            after[:-1], ll[1:], rtol=0, atol=1e-10
        )  # ELBO(q_old, θ_new) + KL = ln p(x|θ_new)
        if maximum_likelihood:
            assert (np.diff(np.r_[ll, after[-1]]) >= -1e-12).all(), "ln p(x|θ) decreased"
            assert (t["elbo_m"] - t["elbo_e"] >= -1e-12).all(), "the M-step lowered the ELBO"
    last = trace.groupby("restart").tail(1)
    assert final_ll == pytest.approx((last["elbo_m"] + last["kl_gap"]).max(), abs=1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_trace_identities_maximum_likelihood(covariance_type):
    """reg_covar = 0: plain EM, so ln p never decreases and the M-step never lowers the ELBO."""
    gm = GaussianMixture(
        K,
        covariance_type=covariance_type,
        reg_covar=0.0,
        tol=1e-9,
        max_iter=300,
        n_init=3,
        random_state=5,
    ).fit(X)
    t = gm.trace_
    assert t["kl_gap"].max() > 1e-3  # the gaps are real
    check_trace_identities(t, gm.log_likelihood_, 3, maximum_likelihood=True)
    best = t[t["restart"] == gm.best_restart_]
    assert gm.n_iter_ == len(best)
    assert gm.lower_bound_ == pytest.approx(best["log_likelihood"].iloc[-1], abs=0)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_trace_identities_with_reg_covar(covariance_type):
    gm = GaussianMixture(
        K, covariance_type=covariance_type, reg_covar=1e-4, tol=0.0, max_iter=80, n_init=2
    ).fit(X)
    check_trace_identities(gm.trace_, gm.log_likelihood_, 2, maximum_likelihood=False)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_threads_give_bit_identical_results(covariance_type):
    Xb = blobs(5000, seed=11)  # ten blocks of 512 points
    fits = [
        GaussianMixture(
            K, covariance_type=covariance_type, n_init=2, tol=1e-6, random_state=2, threads=t
        ).fit(Xb)
        for t in (1, 2, 3)
    ]
    for other in fits[1:]:
        for name in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
            assert np.array_equal(getattr(fits[0], name), getattr(other, name)), name
        assert fits[0].trace_.equals(other.trace_)
        assert np.array_equal(fits[0].score_samples(Xb), other.score_samples(Xb))


def test_seed_and_init_semantics():
    a = GaussianMixture(K, random_state=1, max_iter=2, tol=0).fit(X)
    b = GaussianMixture(K, random_state=1, max_iter=2, tol=0).fit(X)
    c = GaussianMixture(K, random_state=2, max_iter=2, tol=0).fit(X)
    assert a.trace_.equals(b.trace_)
    assert not np.array_equal(a.means_, c.means_)
    # means_init alone: points go to the nearest given mean, no randomness involved
    m1 = GaussianMixture(K, means_init=INIT["means_init"], random_state=1, max_iter=3, tol=0).fit(X)
    m2 = GaussianMixture(K, means_init=INIT["means_init"], random_state=9, max_iter=3, tol=0).fit(X)
    assert np.array_equal(m1.means_, m2.means_)
    # restarts draw different seeds: their first rows differ
    r = GaussianMixture(K, n_init=3, max_iter=1, tol=0).fit(X).trace_
    assert r["log_likelihood"].nunique() == 3


def test_kmeanspp_fit_recovers_separated_clusters():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [0.0, 10.0], [10.0, 0.0], [10.0, 10.0]])  # lexicographic order
    n_per = 400
    Xs = np.vstack([c + rng.standard_normal((n_per, 2)) for c in centres])
    gm = GaussianMixture(4, random_state=0).fit(Xs)
    assert gm.converged_
    order = np.lexsort(np.round(gm.means_ / 10).T[::-1])
    se = 1 / np.sqrt(n_per)
    assert np.abs(gm.means_[order] - centres).max() < 5 * se
    np.testing.assert_allclose(gm.weights_, 0.25, atol=5 * np.sqrt(0.25 * 0.75 / len(Xs)))
    assert np.array_equal(np.bincount(gm.predict(Xs)), [n_per] * 4)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_predictions_match_scipy(covariance_type):
    gm = GaussianMixture(K, covariance_type=covariance_type, random_state=4).fit(X)
    lj = log_joint(X, gm.weights_, gm.means_, gm.covariances_, covariance_type)
    lp = logsumexp(lj)
    np.testing.assert_allclose(gm.score_samples(X), lp, rtol=0, atol=1e-10)
    np.testing.assert_allclose(gm.predict_proba(X), np.exp(lj - lp[:, None]), rtol=0, atol=1e-12)
    assert np.array_equal(gm.predict(X), np.argmax(lj, axis=1))
    assert gm.score(X) == pytest.approx(lp.mean(), abs=1e-12)
    np.testing.assert_allclose(gm.predict_proba(X).sum(axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_sample_moments(covariance_type):
    gm = GaussianMixture(K, covariance_type=covariance_type, random_state=4).fit(X)
    n = 40000
    xs, labels = gm.sample(n, random_state=7)
    assert xs.shape == (n, D) and labels.shape == (n,)
    covs = full_covariances(gm.covariances_, covariance_type)
    mean = gm.weights_ @ gm.means_
    second = np.einsum(
        "k,kij->ij", gm.weights_, covs + np.einsum("ki,kj->kij", gm.means_, gm.means_)
    )
    se = np.sqrt(np.diag(second - np.outer(mean, mean)) / n)
    assert np.all(np.abs(xs.mean(axis=0) - mean) < 4 * se)
    freq_se = np.sqrt(gm.weights_ * (1 - gm.weights_) / n)
    assert np.all(np.abs(np.bincount(labels, minlength=K) / n - gm.weights_) < 4 * freq_se)
    again, _ = gm.sample(n, random_state=7)
    assert np.array_equal(xs, again)


def test_sklearn_style_parameters():
    gm = iv.em.GaussianMixture(2, covariance_type="diag")
    assert gm.get_params()["covariance_type"] == "diag"
    assert gm.set_params(n_components=3).n_components == 3
    assert repr(gm) == "GaussianMixture(covariance_type='diag', n_components=3)"
    labels = gm.fit_predict(X)
    assert labels.shape == (len(X),) and gm.n_features_in_ == D


def test_predictions_use_the_fitted_covariance_type():
    gm = GaussianMixture(K, covariance_type="full", random_state=1).fit(X)
    before = gm.score_samples(X)
    gm.set_params(covariance_type="diag")  # changes the next fit, not the fitted model
    assert np.array_equal(gm.score_samples(X), before)
    assert gm.sample(5)[0].shape == (5, D)


@pytest.mark.parametrize("covariance_type", ["full", "spherical"])
def test_warm_start_same_as_sklearn(covariance_type):
    """Two warm fits (3 iterations, then to convergence): the second's stopping rule measures
    its first change from the previous fit's lower bound, as scikit-learn's does."""
    args = dict(
        covariance_type=covariance_type,
        precisions_init=precisions_init(covariance_type),
        warm_start=True,
        tol=1e-5,
        **INIT,
    )
    ours, theirs = GaussianMixture(K, **args), sklearn_mixture.GaussianMixture(K, **args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning after 3 iterations
        for est in (ours, theirs):
            est.set_params(max_iter=3).fit(X)
            est.set_params(max_iter=500).fit(X)
    assert ours.converged_ and ours.n_iter_ == theirs.n_iter_ > 3
    assert_same_model(ours, theirs)
