"""Bad input and degenerate data for isingvi.em: a ValueError whose message starts with the
parameter's name, or the documented handling, and never a NaN."""

from __future__ import annotations

import math

import numpy as np
import pytest
from isingvi import _core
from isingvi.em import BernoulliMixture, GaussianMixture

NAN, INF = math.nan, math.inf
rng = np.random.default_rng(0)
XG = rng.standard_normal((50, 2))
XB = (rng.random((50, 6)) < 0.5).astype(np.int8)


def gm(**kw):
    return GaussianMixture(**{"n_components": 2, **kw})


def bm(**kw):
    return BernoulliMixture(**{"n_components": 2, **kw})


FITTED_G = gm().fit(XG)
FITTED_B = bm().fit(XB)

CASES = [
    # --- GaussianMixture constructor arguments (checked at fit)
    ("g n_components=0", lambda: gm(n_components=0).fit(XG), "n_components"),
    ("g n_components=1.5", lambda: gm(n_components=1.5).fit(XG), "n_components"),
    ("g n_components > n", lambda: gm(n_components=51).fit(XG), "n_components"),
    ("g covariance_type", lambda: gm(covariance_type="block").fit(XG), "covariance_type"),
    ("g init_params", lambda: gm(init_params="kmeans").fit(XG), "init_params"),
    ("g tol<0", lambda: gm(tol=-1.0).fit(XG), "tol"),
    ("g tol nan", lambda: gm(tol=NAN).fit(XG), "tol"),
    ("g reg_covar<0", lambda: gm(reg_covar=-1e-6).fit(XG), "reg_covar"),
    ("g reg_covar inf", lambda: gm(reg_covar=INF).fit(XG), "reg_covar"),
    ("g max_iter=0", lambda: gm(max_iter=0).fit(XG), "max_iter"),
    ("g n_init=0", lambda: gm(n_init=0).fit(XG), "n_init"),
    ("g random_state<0", lambda: gm(random_state=-1).fit(XG), "random_state"),
    ("g random_state str", lambda: gm(random_state="0").fit(XG), "random_state"),
    ("g random_state float", lambda: gm(random_state=1.5).fit(XG), "random_state"),
    ("g warm_start str", lambda: gm(warm_start="yes").fit(XG), "warm_start"),
    ("g verbose<0", lambda: gm(verbose=-1).fit(XG), "verbose"),
    ("g verbose_interval=0", lambda: gm(verbose_interval=0).fit(XG), "verbose_interval"),
    ("g threads=0", lambda: gm(threads=0).fit(XG), "threads"),
    ("g weights_init shape", lambda: gm(weights_init=[1.0]).fit(XG), "weights_init"),
    ("g weights_init sum", lambda: gm(weights_init=[0.5, 0.6]).fit(XG), "weights_init"),
    ("g weights_init negative", lambda: gm(weights_init=[1.5, -0.5]).fit(XG), "weights_init"),
    ("g weights_init nan", lambda: gm(weights_init=[NAN, 0.5]).fit(XG), "weights_init"),
    ("g means_init shape", lambda: gm(means_init=np.zeros((2, 3))).fit(XG), "means_init"),
    ("g means_init inf", lambda: gm(means_init=[[0, 0], [INF, 0]]).fit(XG), "means_init"),
    (
        "g precisions_init shape",
        lambda: gm(precisions_init=np.ones((2, 2))).fit(XG),
        "precisions_init",
    ),
    (
        "g precisions_init asymmetric",
        lambda: gm(precisions_init=[[[1, 0.5], [0, 1]]] * 2).fit(XG),
        "precisions_init",
    ),
    (
        "g precisions_init not PD",
        lambda: gm(precisions_init=[[[1, 2], [2, 1]]] * 2).fit(XG),
        "precisions_init",
    ),
    (
        "g precisions_init diag <= 0",
        lambda: gm(covariance_type="diag", precisions_init=[[1, 0], [1, 1]]).fit(XG),
        "precisions_init",
    ),
    # --- Gaussian data
    ("g X nan", lambda: gm().fit(np.array([[0.0, NAN]] * 5)), "X"),
    ("g X inf", lambda: gm().fit(np.array([[0.0, INF]] * 5)), "X"),
    ("g X empty", lambda: gm().fit(np.empty((0, 2))), "X"),
    ("g X no features", lambda: gm().fit(np.empty((5, 0))), "X"),
    ("g X 1-D", lambda: gm().fit(np.arange(10.0)), "X"),
    ("g X 3-D", lambda: gm().fit(np.zeros((4, 2, 2))), "X"),
    ("g X strings", lambda: gm().fit([["a", "b"], ["c", "d"]]), "X"),
    ("g X ragged", lambda: gm().fit([[1.0, 2.0], [3.0]]), "X"),
    (
        "g X constant, reg_covar=0",
        lambda: gm(reg_covar=0.0).fit(np.c_[XG[:, 0], np.ones(50)]),
        "reg_covar",
    ),
    ("g X overflow", lambda: gm(n_components=1).fit(np.array([[1e200], [-1e200], [0.0]])), "X"),
    ("g predict unfitted", lambda: gm().predict(XG), "fit"),
    ("g predict wrong d", lambda: FITTED_G.predict(np.zeros((3, 5))), "X"),
    ("g score nan", lambda: FITTED_G.score(np.array([[NAN, 0.0]])), "X"),
    ("g sample n=0", lambda: FITTED_G.sample(0), "n_samples"),
    ("g sample seed<0", lambda: FITTED_G.sample(3, random_state=-2), "random_state"),
    ("g set_params unknown", lambda: gm().set_params(n_clusters=3), "n_clusters"),
    # --- BernoulliMixture
    ("b n_components > n", lambda: bm(n_components=51).fit(XB), "n_components"),
    ("b alpha<0", lambda: bm(alpha=-1.0).fit(XB), "alpha"),
    ("b alpha nan", lambda: bm(alpha=NAN).fit(XB), "alpha"),
    ("b alpha pair bad", lambda: bm(alpha=(1.0, -2.0)).fit(XB), "alpha"),
    ("b alpha triple", lambda: bm(alpha=(1.0, 2.0, 3.0)).fit(XB), "alpha"),
    ("b alpha str", lambda: bm(alpha="laplace").fit(XB), "alpha"),
    ("b weight_alpha<0", lambda: bm(weight_alpha=-0.1).fit(XB), "weight_alpha"),
    ("b tol<0", lambda: bm(tol=-1).fit(XB), "tol"),
    ("b max_iter=0", lambda: bm(max_iter=0).fit(XB), "max_iter"),
    ("b threads=0", lambda: bm(threads=0).fit(XB), "threads"),
    ("b X value 2", lambda: bm().fit(XB * 2), "X"),
    ("b X value 0.5", lambda: bm().fit(np.full((5, 3), 0.5)), "X"),
    ("b X nan", lambda: bm().fit(np.array([[1.0, NAN]] * 5)), "X"),
    ("b X mixes -1 and 0", lambda: bm().fit(np.array([[-1, 0, 1]] * 5)), "X"),
    ("b X empty", lambda: bm().fit(np.empty((0, 4))), "X"),
    ("b X 1-D", lambda: bm().fit(np.ones(6)), "X"),
    ("b predict unfitted", lambda: bm().predict(XB), "fit"),
    ("b cross_entropy wrong D", lambda: FITTED_B.cross_entropy(np.ones((3, 5))), "X"),
    ("b elbo family", lambda: FITTED_B.elbo(XB, family="mean-field"), "family"),
    # --- the compiled core checks its own arguments
    (
        "core covariance_type",
        lambda: _core.gaussian_mixture_fit(XG, 2, "block"),
        "covariance_type",
    ),
    ("core X 1-D", lambda: _core.gaussian_mixture_fit(np.ones(5), 1), "X"),
    ("core X nan", lambda: _core.gaussian_mixture_fit(np.array([[NAN]] * 3), 1), "X"),
    ("core n_components", lambda: _core.gaussian_mixture_fit(XG, 0), "n_components"),
    (
        "core means_init size",
        lambda: _core.gaussian_mixture_fit(XG, 2, means_init=np.zeros(3)),
        "means_init",
    ),
    (
        "core posterior weights",
        lambda: _core.gaussian_mixture_posterior(
            XG, [1.0], np.zeros((2, 2)), np.ones((2, 2)), "diag"
        ),
        "weights",
    ),
    (
        "core posterior precisions",
        lambda: _core.gaussian_mixture_posterior(
            XG, [0.5, 0.5], np.zeros((2, 2)), -np.ones((2, 2)), "diag"
        ),
        "precisions_cholesky",
    ),
    (
        "core posterior lower entries",
        lambda: _core.gaussian_mixture_posterior(
            XG, [0.5, 0.5], np.zeros((2, 2)), np.ones((2, 2, 2)), "full"
        ),
        "precisions_cholesky",
    ),
    (
        "core bernoulli X=2",
        lambda: _core.bernoulli_mixture_fit(np.full((4, 2), 2, np.uint8), 1),
        "X",
    ),
    (
        "core bernoulli alpha",
        lambda: _core.bernoulli_mixture_fit(XB.astype(np.uint8), 1, -1.0),
        "alpha",
    ),
    (
        "core bernoulli probs",
        lambda: _core.bernoulli_mixture_posterior(XB.astype(np.uint8), [1.0], np.full((1, 6), 1.5)),
        "probs",
    ),
    (
        "core bernoulli threads",
        lambda: _core.bernoulli_mixture_posterior(
            XB.astype(np.uint8), [1.0], np.full((1, 6), 0.5), 0
        ),
        "threads",
    ),
]


@pytest.mark.parametrize("call, param", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_names_the_parameter(call, param):
    with pytest.raises(ValueError, match=rf"^{param}\b"):
        call()


def all_finite(model) -> bool:
    arrays = [model.weights_, model.trace_.drop(columns=["restart", "iteration"]).to_numpy()]
    arrays += (
        [model.means_, model.covariances_, model.precisions_cholesky_]
        if hasattr(model, "means_")
        else [model.probs_]
    )
    return all(np.isfinite(a).all() for a in arrays)


@pytest.mark.parametrize("covariance_type", ["full", "diag", "tied"])
def test_constant_column_is_kept_positive_definite_by_reg_covar(covariance_type):
    X = np.c_[XG, np.full(len(XG), 3.0)]
    model = gm(covariance_type=covariance_type, reg_covar=1e-6).fit(X)
    assert all_finite(model) and np.isfinite(model.score(X))
    var = {
        "full": lambda c: c[:, 2, 2],
        "diag": lambda c: c[:, 2],
        "tied": lambda c: c[2, 2],
    }[covariance_type](model.covariances_)
    np.testing.assert_allclose(var, 1e-6, rtol=1e-6)


@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical"])
def test_collapsing_component_keeps_a_weight_floor(covariance_type):
    """A component started far from every point loses them all: it keeps weight ~10 eps / n,
    covariance reg_covar I and mean 0, and everything stays finite."""
    means = np.array([[0.0, 0.0], [1e4, 1e4]])
    model = gm(covariance_type=covariance_type, means_init=means, max_iter=5, tol=0).fit(XG)
    assert all_finite(model)
    assert model.weights_[1] < 1e-14
    np.testing.assert_allclose(model.means_[1], 0.0, atol=1e-12)
    cov = model.covariances_[1] if covariance_type != "full" else np.diag(model.covariances_[1])
    np.testing.assert_allclose(cov, 1e-6, rtol=1e-9)
    assert np.isfinite(model.score_samples(XG)).all()
    assert np.isfinite(model.predict_proba(XG)).all()


def test_fewer_distinct_points_than_components():
    X = np.repeat([[1.0, 2.0], [3.0, -1.0]], 10, axis=0)
    model = gm(n_components=4).fit(X)
    assert all_finite(model) and np.isfinite(model.score(X))
    assert model.weights_.sum() == pytest.approx(1.0)
    b = bm(n_components=4).fit(np.repeat([[1, 0, 1], [0, 0, 1]], 10, axis=0))
    assert all_finite(b)


def test_single_point_single_component():
    model = GaussianMixture(1).fit([[0.5, -0.5]])
    assert all_finite(model)
    np.testing.assert_allclose(model.means_, [[0.5, -0.5]])
    np.testing.assert_allclose(model.covariances_[0], 1e-6 * np.eye(2), rtol=1e-9, atol=1e-20)


def test_unsmoothed_bernoulli_gives_inf_not_nan_on_unseen_values():
    """alpha = 0 (maximum likelihood) on a constant column: a held-out configuration with the
    other value has probability 0: score -inf, cross-entropy +inf, posterior = the weights."""
    X = np.c_[XB, np.ones(len(XB), np.int8)]
    model = bm(alpha=0.0, weight_alpha=0.0).fit(X)
    assert all_finite(model) and np.all(model.probs_[:, -1] == 1.0)
    unseen = np.c_[XB[:3], np.zeros(3, np.int8)]
    assert np.all(model.score_samples(unseen) == -np.inf)
    assert model.cross_entropy(unseen) == np.inf
    np.testing.assert_allclose(model.predict_proba(unseen), np.tile(model.weights_, (3, 1)))
    assert np.isfinite(model.cross_entropy(X))
    # with the default smoothing the same data stay finite
    assert np.isfinite(bm().fit(X).cross_entropy(unseen))
