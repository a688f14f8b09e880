"""isingvi.em's mixtures as scikit-learn estimators: the common checks, Pipeline,
GridSearchCV and cross_val_score, and the scikit-learn attributes and behaviours (NotFittedError,
ConvergenceWarning, random_state, verbose, warm_start, lower_bounds_, bic/aic); and the
stand-in base that keeps them working without scikit-learn."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from isingvi.em import BernoulliMixture, GaussianMixture

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils import get_tags  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

rng = np.random.default_rng(0)
XG = np.concatenate([rng.normal(-2.0, 1.0, (60, 2)), rng.normal(2.0, 0.5, (60, 2))]) * [1, 10]
XB = np.where(rng.random((120, 6)) < np.repeat([[0.85], [0.15]], 60, axis=0), 1, -1)

# The common checks feed continuous data (uniform, Gaussian blobs) whatever the tags say; no
# tag makes them binary, so BernoulliMixture refuses them with a ValueError naming X.
NON_BINARY = "the check fits continuous data; BernoulliMixture accepts only ±1 spins or 0/1 bits"
BERNOULLI_XFAIL = {
    name: NON_BINARY
    for name in [
        "check_estimators_dtypes",
        "check_estimators_fit_returns_self",
        "check_readonly_memmap_input",
        "check_estimators_overwrite_params",
        "check_f_contiguous_array_estimator",
        "check_methods_sample_order_invariance",
        "check_methods_subset_invariance",
        "check_fit2d_1sample",
        "check_fit2d_1feature",
        "check_dict_unchanged",
        "check_fit_idempotent",
        "check_fit_check_is_fitted",
        "check_n_features_in",
        "check_fit2d_predict1d",
        "check_n_features_in_after_fitting",
        "check_positive_only_tag_during_fit",
        "check_dont_overwrite_parameters",
    ]
}


def expected_failed_checks(estimator) -> dict[str, str]:
    binary_only = isinstance(estimator, BernoulliMixture) and estimator.binarize is None
    return BERNOULLI_XFAIL if binary_only else {}


def test_binarize_reads_bits_above_the_threshold():
    """binarize = 0 gives the same fit for spins, bits and any data with those signs; a
    threshold t reads X > t; a bad threshold is a ValueError naming it."""
    spins = XB
    noisy = XB * rng.uniform(0.5, 2.0, XB.shape)  # same signs, any magnitude
    ref = BernoulliMixture(2, random_state=3).fit(spins)
    for X in (spins, (1 + spins) // 2, noisy):
        fit = BernoulliMixture(2, random_state=3, binarize=0.0).fit(X)
        np.testing.assert_array_equal(fit.probs_, ref.probs_)
        np.testing.assert_array_equal(fit.score_samples(X), ref.score_samples(spins))
    shifted = BernoulliMixture(2, random_state=3, binarize=1.5).fit(spins + 1.5)
    np.testing.assert_array_equal(shifted.probs_, ref.probs_)
    for bad in ("0", np.nan, True):
        with pytest.raises(ValueError, match="^binarize: "):
            BernoulliMixture(2, binarize=bad).fit(spins)


# BernoulliMixture(binarize=0.0) reads any real data as the bits [X > 0] (as BernoulliNB), so
# every common check runs on it unexcused.
@parametrize_with_checks(
    [GaussianMixture(), BernoulliMixture(), BernoulliMixture(binarize=0.0)],
    expected_failed_checks=expected_failed_checks,
)
def test_sklearn_common_checks(estimator, check):
    check(estimator)


def test_bernoulli_common_invariants_on_binary_data(tmp_path):
    """What the xfailed checks test, on binary data: fit returns self and is idempotent, leaves
    the parameters and the input alone; predictions do not depend on sample order, subsets,
    dtype, memory layout or read-only memory; one sample or one variable fits; a wrong number
    of variables names X."""
    est = BernoulliMixture(2, random_state=1)
    params = est.get_params()
    X = XB.copy()
    assert est.fit(X) is est and est.get_params() == params and np.array_equal(X, XB)
    ref = est.score_samples(XB)
    state = {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in vars(est).items()}
    proba = est.predict_proba(XB)
    assert set(vars(est)) == set(state)
    assert all(np.array_equal(state[k], v) for k, v in vars(est).items() if k != "trace_")
    perm = np.random.default_rng(0).permutation(len(XB))
    np.testing.assert_allclose(est.score_samples(XB[perm]), ref[perm], rtol=0, atol=1e-12)
    np.testing.assert_allclose(est.predict_proba(XB[:7]), proba[:7], rtol=0, atol=1e-12)
    again = clone(est).fit(XB)
    assert np.array_equal(again.probs_, est.probs_)
    mm = np.lib.format.open_memmap(tmp_path / "x.npy", mode="w+", dtype=np.int8, shape=XB.shape)
    mm[:] = XB
    mm.flush()
    readonly = np.load(tmp_path / "x.npy", mmap_mode="r")
    for Xd in (XB.astype(np.float32), XB.astype(np.int32), np.asfortranarray(XB), readonly):
        fitted = clone(est).fit(Xd)
        assert np.array_equal(fitted.probs_, est.probs_)
        np.testing.assert_allclose(fitted.score_samples(Xd), ref, rtol=0, atol=1e-12)
    assert BernoulliMixture(1).fit(XB[:1]).n_features_in_ == XB.shape[1]
    assert BernoulliMixture(2).fit(XB[:, :1]).probs_.shape == (2, 1)
    with pytest.raises(ValueError, match=r"^X has 5 features, but BernoulliMixture is expecting 6"):
        est.predict(XB[:, :5])
    with pytest.raises(ValueError, match="Reshape your data"):
        est.predict(XB[0])


def test_tags_declare_binary_input():
    tags = get_tags(BernoulliMixture())
    assert tags.input_tags.binary_only and tags.input_tags.categorical
    assert not getattr(get_tags(GaussianMixture()).input_tags, "binary_only", False)
    assert get_tags(GaussianMixture()).estimator_type == "density_estimator"


def test_non_binary_input_names_x():
    with pytest.raises(ValueError, match=r"^X: values must be \+-1 spins or 0/1 bits"):
        BernoulliMixture(2).fit(rng.random((20, 3)))
    fitted = BernoulliMixture(2).fit(XB)
    with pytest.raises(ValueError, match=r"^X\b"):
        fitted.score(XB + 0.5)


@pytest.mark.parametrize("make", [lambda: GaussianMixture(2), lambda: BernoulliMixture(2)])
def test_not_fitted_error_before_fit(make):
    est = make()
    for method in ("predict", "predict_proba", "score", "score_samples", "bic", "sample"):
        with pytest.raises(NotFittedError, match="^fit: .* not fitted"):
            getattr(est, method)(XG if method != "sample" else 2)


def test_pipeline_scales_then_fits():
    pipe = make_pipeline(StandardScaler(), GaussianMixture(2, random_state=1)).fit(XG)
    Z = StandardScaler().fit_transform(XG)
    direct = GaussianMixture(2, random_state=1).fit(Z)
    assert pipe.score(XG) == pytest.approx(direct.score(Z), abs=1e-12)
    assert np.array_equal(pipe.predict(XG), direct.predict(Z))


def test_grid_search_scores_by_score():
    cv = KFold(3, shuffle=True, random_state=0)
    grid = GridSearchCV(GaussianMixture(random_state=0), {"n_components": [1, 2, 3]}, cv=cv)
    grid.fit(XG)
    # the cross-validated score of K = 2, by hand: mean held-out score over the folds
    by_hand = np.mean(
        [GaussianMixture(2, random_state=0).fit(XG[tr]).score(XG[te]) for tr, te in cv.split(XG)]
    )
    assert grid.cv_results_["mean_test_score"][1] == pytest.approx(by_hand, abs=1e-12)
    assert grid.best_params_["n_components"] >= 2  # two well separated clusters
    assert isinstance(grid.best_estimator_, GaussianMixture)


@pytest.mark.parametrize(
    "est, X", [(GaussianMixture(2, covariance_type="tied"), XG), (BernoulliMixture(2), XB)]
)
def test_cross_val_score_is_the_held_out_score(est, X):
    cv = KFold(4, shuffle=True, random_state=1)
    scores = cross_val_score(est, X, cv=cv)
    by_hand = [clone(est).fit(X[tr]).score(X[te]) for tr, te in cv.split(X)]
    np.testing.assert_allclose(scores, by_hand, rtol=0, atol=1e-12)


def test_clone_and_params_round_trip():
    est = GaussianMixture(3, covariance_type="spherical", warm_start=True, random_state=5)
    twin = clone(est)
    assert twin.get_params() == est.get_params() and twin is not est


@pytest.mark.parametrize("cls, X", [(GaussianMixture, XG), (BernoulliMixture, XB)])
def test_convergence_warning_names_the_restarts_at_max_iter(cls, X):
    with pytest.warns(
        ConvergenceWarning, match=r"restart\(s\) \[0, 1\] of 2 stopped at max_iter=2"
    ):
        est = cls(2, max_iter=2, tol=0.0, n_init=2).fit(X)
    assert not est.restart_converged_.any() and list(est.restart_n_iter_) == [2, 2]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = cls(2, max_iter=500, tol=1e-3, n_init=2).fit(X)
    assert est.restart_converged_.all() and est.converged_


@pytest.mark.parametrize("cls, X", [(GaussianMixture, XG), (BernoulliMixture, XB)])
def test_random_state_none_int_generator_randomstate(cls, X):
    def fit(rs):
        return cls(3, random_state=rs, n_init=1, max_iter=3, tol=0).fit(X)

    a, b = fit(np.random.default_rng(7)), fit(np.random.default_rng(7))
    assert np.array_equal(a.weights_, b.weights_)  # the same generator state: the same seed
    gen = np.random.default_rng(7)
    assert not np.array_equal(fit(gen).weights_, fit(gen).weights_)  # drawn from once per fit
    c, d = fit(np.random.RandomState(3)), fit(np.random.RandomState(3))
    assert np.array_equal(c.weights_, d.weights_)
    fits = [fit(None).weights_ for _ in range(3)]
    assert not all(np.array_equal(fits[0], f) for f in fits[1:])  # fresh entropy
    assert np.array_equal(fit(4).weights_, fit(4).weights_)


@pytest.mark.parametrize("cls, X", [(GaussianMixture, XG), (BernoulliMixture, XB)])
def test_verbose_prints_restarts_and_iterations(cls, X, capsys):
    cls(2, n_init=2, max_iter=4, tol=0, verbose=2, verbose_interval=2).fit(X)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Initialization 0" and "Initialization 1" in out
    assert sum(line.startswith("  Iteration 2\t") for line in out) == 2
    assert sum(line.startswith("  Iteration 4\t") for line in out) == 2
    assert out[-1].startswith("Kept restart")
    cls(2, verbose=0).fit(X)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "make, X",
    [
        (lambda **kw: GaussianMixture(2, covariance_type="full", **kw), XG),
        (lambda **kw: GaussianMixture(2, covariance_type="tied", **kw), XG),
        (lambda **kw: BernoulliMixture(2, **kw), XB),
    ],
)
def test_warm_start_continues_the_fit(make, X):
    """Two warm fits of 4 iterations = one fit of 8 (tol = 0: no early stop)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        once = make(max_iter=8, tol=0, random_state=3).fit(X)
        warm = make(max_iter=4, tol=0, random_state=3, warm_start=True).fit(X)
        first = warm.lower_bounds_.copy()
        warm.set_params(n_init=5).fit(X)  # n_init is ignored on a warm start
    assert len(warm.trace_["restart"].unique()) == 1
    np.testing.assert_allclose(np.r_[first, warm.lower_bounds_], once.lower_bounds_, atol=1e-12)
    np.testing.assert_allclose(warm.weights_, once.weights_, rtol=0, atol=1e-12)
    assert warm.score(X) == pytest.approx(once.score(X), abs=1e-12)


def test_warm_start_refuses_a_changed_model():
    est = GaussianMixture(2, warm_start=True).fit(XG)
    with pytest.raises(ValueError, match="^warm_start"):
        est.set_params(n_components=3).fit(XG)
    with pytest.raises(ValueError, match="^warm_start"):
        est.set_params(n_components=2, covariance_type="diag").fit(XG)


@pytest.mark.parametrize("cls, X", [(GaussianMixture, XG), (BernoulliMixture, XB)])
def test_lower_bounds_is_the_kept_restarts_bound_per_iteration(cls, X):
    est = cls(3, n_init=3, tol=1e-6, max_iter=300, random_state=2).fit(X)
    t = est.trace_[est.trace_["restart"] == est.best_restart_]
    bound = t["objective"] if "objective" in t else t["log_likelihood"]
    assert len(est.lower_bounds_) == est.n_iter_ == est.restart_n_iter_[est.best_restart_]
    np.testing.assert_array_equal(est.lower_bounds_, bound.to_numpy())
    assert est.lower_bounds_[-1] == est.lower_bound_


@pytest.mark.parametrize("ctype", ["full", "diag", "tied", "spherical"])
def test_bic_aic_by_hand(ctype):
    est = GaussianMixture(2, covariance_type=ctype, random_state=0).fit(XG)
    n, d, k = *XG.shape, 2
    cov = {"full": k * d * (d + 1) / 2, "diag": k * d, "tied": d * (d + 1) / 2, "spherical": k}
    p = cov[ctype] + k * d + k - 1
    ll = est.score_samples(XG).sum()
    assert est.n_parameters_ == p
    assert est.bic(XG) == pytest.approx(-2 * ll + p * np.log(n), rel=1e-14)
    assert est.aic(XG) == pytest.approx(-2 * ll + 2 * p, rel=1e-14)
    b = BernoulliMixture(3).fit(XB)
    pb = 3 * XB.shape[1] + 2
    assert b.bic(XB) == pytest.approx(-2 * b.score_samples(XB).sum() + pb * np.log(len(XB)))
    assert b.aic(XB) == pytest.approx(-2 * b.score_samples(XB).sum() + 2 * pb)


FALLBACK = textwrap.dedent(
    """
    import sys, warnings
    import numpy as np

    class NoSklearn:
        def find_spec(self, name, path=None, target=None):
            if name == "sklearn" or name.startswith("sklearn."):
                raise ImportError("scikit-learn hidden for this test")

    sys.meta_path.insert(0, NoSklearn())
    import isingvi
    from isingvi import em
    from isingvi._estimator import HAVE_SKLEARN, ConvergenceWarning, NotFittedError
    assert not HAVE_SKLEARN and "sklearn" not in sys.modules
    gm = em.GaussianMixture(2, covariance_type="diag")
    assert repr(gm) == "GaussianMixture(covariance_type='diag', n_components=2)", repr(gm)
    assert gm.set_params(tol=1e-4).get_params()["tol"] == 1e-4
    try:
        gm.set_params(bogus=1)
    except ValueError as e:
        assert str(e).startswith("bogus")
    try:
        gm.predict(np.zeros((2, 2)))
    except NotFittedError as e:
        assert isinstance(e, ValueError) and str(e).startswith("fit")
    X = np.random.default_rng(0).standard_normal((50, 2))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        gm.set_params(max_iter=1, tol=0).fit(X)
    assert any(issubclass(x.category, ConvergenceWarning) for x in w)
    assert gm.predict(X).shape == (50,) and np.isfinite(gm.bic(X))
    b = em.BernoulliMixture(2).fit((X > 0).astype(int))
    assert repr(b) == "BernoulliMixture(n_components=2)"
    print("ok")
    """
)


def test_works_without_sklearn():
    out = subprocess.run(
        [sys.executable, "-c", FALLBACK], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
