"""Expectation-maximisation for mixture models, as scikit-learn estimators.

EM is coordinate ascent on the evidence lower bound. For data x_1..x_n, latent components z
and any q(z | x),

    ELBO(q, θ) = (1/n) Σ_i Σ_k q(k | x_i) [ln p(x_i, k | θ) − ln q(k | x_i)]  ≤  (1/n) Σ_i ln p(x_i | θ),

with the gap KL(q ‖ p(z | x, θ)) ≥ 0. The E-step sets q to the exact posterior (gap 0); the
M-step maximises ELBO(q_old, θ) over θ. Every iteration is recorded in ``trace_``, a tidy
DataFrame with one row per (restart, iteration), all values *per data point* in nats:

- ``log_likelihood``: ln p(x | θ_old), the parameters before the iteration's M-step;
- ``elbo_e``: ELBO(q_old, θ_old) after the E-step (equal to ``log_likelihood``);
- ``elbo_m``: ELBO(q_old, θ_new) after the M-step, with the old responsibilities;
- ``kl_gap``: KL(q_old ‖ p(z | x, θ_new)) = ln p(x | θ_new) − ``elbo_m`` ≥ 0, so the next
  row's ``log_likelihood`` is ``elbo_m + kl_gap``.

Hence ln p(x | θ) never decreases for maximum-likelihood EM (``GaussianMixture`` with
``reg_covar = 0``). With ``reg_covar > 0`` the M-step maximises ELBO − (reg_covar/2) Σ_ik q_ik
tr Σ_k⁻¹ instead, so ln p(x | θ) is monotone only up to terms of that order. The Bernoulli
mixture is MAP-EM: there ``log_likelihood + log_prior`` (the ``objective`` column) never
decreases, ln p(x | θ) alone need not.

Units: ``score`` and ``score_samples`` are per data point (per configuration); the
Bernoulli mixture's ``cross_entropy`` and ``elbo`` are per *variable* (per spin), so that
−elbo and the cross-entropy compare directly with the entropy per spin s of
:func:`isingvi.exact.enumerate`: s ≤ H(p_data, p_model)/N ≤ −ELBO/N.

Both mixtures are scikit-learn estimators when scikit-learn is installed (``BaseEstimator``
and ``DensityMixin``: ``clone``, ``Pipeline``, ``GridSearchCV`` and ``cross_val_score`` work,
scoring by ``score``); without it they keep the same methods. Same data, arguments and
integer ``random_state``: bit-identical results for any ``threads``.
"""

from __future__ import annotations

import inspect
import math
import time
import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from . import _core
from ._estimator import (
    HAVE_SKLEARN,
    BaseEstimator,
    ConvergenceWarning,
    DensityMixin,
    NotFittedError,
    seed_from,
)
from ._progress import reporter
from ._validate import as_bool, as_choice, as_float, as_int, as_real_array, check_memory

__all__ = ["TRACE_COLUMNS", "BernoulliMixture", "GaussianMixture"]

#: Columns of ``GaussianMixture.trace_``; ``BernoulliMixture.trace_`` adds log_prior, objective.
TRACE_COLUMNS = ["restart", "iteration", "log_likelihood", "elbo_e", "elbo_m", "kl_gap"]

COVARIANCE_TYPES = ("full", "diag", "tied", "spherical")
INIT_PARAMS = ("k-means++",)
ELBO_FAMILIES = ("posterior", "hard")


def _non_negative(value, name: str) -> float:
    x = as_float(value, name)
    if x < 0:
        raise ValueError(f"{name}: must be >= 0, got {value!r}")
    return x


class _NotRealError(ValueError, TypeError):
    """Non-numeric values in X: a ValueError as for every bad input here, and a TypeError as
    scikit-learn (and NumPy) raise for them."""


def _as_matrix(X, name: str = "X") -> np.ndarray:
    """A non-empty 2-D array of finite floats, C-contiguous. The messages contain the phrases
    scikit-learn's common checks look for."""
    if type(X).__module__.startswith("scipy.sparse"):
        raise ValueError(f"{name}: sparse input is not supported; pass a dense array")
    if isinstance(X, np.ndarray) and X.dtype.kind == "c":
        raise ValueError(f"{name}: must be real; Complex data not supported")
    if isinstance(X, np.ndarray) and X.dtype.kind == "O":
        try:
            X.astype(float)
        except TypeError as e:
            raise _NotRealError(f"{name}: every value must be a real number ({e})") from None
    arr = as_real_array(X, name)
    if arr.ndim != 2:
        raise ValueError(
            f"{name}: must be 2-D (n_samples, n_features), got shape {arr.shape}. Reshape your "
            "data with X.reshape(-1, 1) for a single feature or X.reshape(1, -1) for a single sample"
        )
    for axis, what in ((0, "sample"), (1, "feature")):
        if arr.shape[axis] == 0:
            raise ValueError(
                f"{name}: found array with 0 {what}(s) (shape={arr.shape}) while a minimum of 1 "
                "is required."
            )
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}: every value must be finite (no NaN or inf)")
    return np.ascontiguousarray(arr)


def _as_binary(X, name: str = "X") -> tuple[np.ndarray, str]:
    """0/1 data as uint8 from ±1 spins ("spins", s -> (1 + s)/2) or 0/1 bits ("bits")."""
    arr = _as_matrix(X, name)
    is_one, is_zero, is_minus = arr == 1, arr == 0, arr == -1
    bad = ~(is_one | is_zero | is_minus)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"{name}: values must be +-1 spins or 0/1 bits, got {arr[i, j]!r} at ({i}, {j})"
        )
    spins = bool(is_minus.any())
    if spins and is_zero.any():
        raise ValueError(f"{name}: mixes -1 and 0; pass +-1 spins or 0/1 bits, not both")
    return np.ascontiguousarray(is_one, dtype=np.uint8), "spins" if spins else "bits"


def _check_em_memory(n: int, d: int, K: int, per_component: int) -> None:
    """Memory estimate of a fit or posterior: responsibilities and their logarithms (n x K), the
    data (n x d), and per component its parameters (per_component numbers: d^2 for full
    covariances) in a few copies plus the core's partial sums, one set per block of 512 samples."""
    blocks = -(-n // 512)
    parts = {"n_components": 16.0 * n * K, "X": 8.0 * (n * d + (blocks + 3) * K * per_component)}
    check_memory(
        sum(parts.values()),
        max(parts, key=parts.__getitem__),
        f"EM on {n} samples x {d} features with {K} components",
    )


def _optional_array(value, name: str, shape: tuple[int, ...]) -> np.ndarray | None:
    if value is None:
        return None
    arr = as_real_array(value, name)
    if arr.shape != shape:
        raise ValueError(f"{name}: must have shape {shape}, got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}: every value must be finite")
    return np.ascontiguousarray(arr)


def _trace_frame(trace: dict, columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame({c: trace[c] for c in columns if c in trace})
    if "objective" in columns:
        df["objective"] = df["log_likelihood"] + df["log_prior"]
    return df[columns]


def _cov_shape(ctype: str, K: int, d: int) -> tuple[int, ...]:
    """Shape of covariances_ / precisions_ / precisions_cholesky_ for a covariance type."""
    return {"full": (K, d, d), "diag": (K, d), "tied": (d, d), "spherical": (K,)}[ctype]


class _Mixture(DensityMixin, BaseEstimator):
    """What both mixtures share: scikit-learn's estimator protocol, restarts, warnings, the
    verbose log, information criteria and posterior-based predictions."""

    _trace_columns: ClassVar[list[str]] = TRACE_COLUMNS
    # fitted attributes, set by fit (declared for type checkers)
    weights_: np.ndarray
    n_features_in_: int
    lower_bound_: float

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes never set: a constructor parameter is missing when the
        # object was made by __new__ without __init__.
        if not name.startswith("_") and name in inspect.signature(type(self).__init__).parameters:
            raise ValueError(
                f"{name}: not set; this {type(self).__name__} was never constructed (__new__ without __init__)"
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # --- scikit-learn protocol
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor arguments, by name (as scikit-learn's ``get_params``).

        Parameters
        ----------
        deep : bool, default True
            Accepted for scikit-learn compatibility (no parameter is an estimator).

        Returns
        -------
        dict
            Parameter name -> value.

        Raises
        ------
        ValueError
            If deep is not a bool, or the estimator was never constructed (made by
            ``__new__`` alone).

        Examples
        --------
        >>> from isingvi.em import GaussianMixture
        >>> GaussianMixture(3).get_params()["n_components"]
        3
        """
        return super().get_params(deep=as_bool(deep, "deep"))

    def set_params(self, **params: Any) -> Any:
        """Set constructor arguments by name (as scikit-learn's ``set_params``).

        Parameters
        ----------
        **params
            New values, by parameter name; checked when ``fit`` runs.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If a name is not a parameter of the estimator (the message starts with it).

        Examples
        --------
        >>> from isingvi.em import GaussianMixture
        >>> GaussianMixture().set_params(n_components=3).n_components
        3
        """
        valid = self.get_params()
        for key in params:
            if key not in valid:
                raise ValueError(
                    f"{key}: not a parameter of {type(self).__name__}; valid: {sorted(valid)}"
                )
        return super().set_params(**params)

    def __sklearn_is_fitted__(self) -> bool:
        return "weights_" in self.__dict__

    if HAVE_SKLEARN:

        def __sklearn_tags__(self) -> Any:
            tags = super().__sklearn_tags__()
            tags.input_tags.allow_nan = False
            tags.input_tags.sparse = False
            return tags

    # --- fitted state
    def _check_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            raise NotFittedError(
                f"fit: this {type(self).__name__} is not fitted yet; call fit(X) first"
            )

    def _check_features(self, d: int) -> None:
        if d != self.n_features_in_:
            raise ValueError(
                f"X has {d} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input"
            )

    def _control(self) -> dict[str, Any]:
        """The checked settings every fit shares (EM loop, warm start, logging)."""
        return dict(
            K=as_int(self.n_components, "n_components", minimum=1),
            tol=_non_negative(self.tol, "tol"),
            max_iter=as_int(self.max_iter, "max_iter", minimum=1),
            n_init=as_int(self.n_init, "n_init", minimum=1),
            threads=as_int(self.threads, "threads", minimum=1),
            warm=as_bool(self.warm_start, "warm_start") and self.__sklearn_is_fitted__(),
            verbose=as_int(self.verbose, "verbose", minimum=0),
            verbose_interval=as_int(self.verbose_interval, "verbose_interval", minimum=1),
        )

    def _warm_check(self, K: int, d: int) -> None:
        if self.weights_.size != K or d != self.n_features_in_:
            raise ValueError(
                f"warm_start: the fitted model has {self.weights_.size} components and "
                f"{self.n_features_in_} features, the new fit {K} and {d}; "
                "set warm_start=False or refit from scratch"
            )

    def _store_summary(self, d: dict, c: dict[str, Any], seconds: float) -> None:
        self.converged_ = bool(d["converged"])
        self.n_iter_ = int(d["n_iter"])
        self.best_restart_ = int(d["best_restart"])
        self.lower_bound_ = float(d["lower_bound"])
        self.lower_bounds_ = np.asarray(d["lower_bounds"], dtype=float)
        self.log_likelihood_ = float(d["log_likelihood"])
        self.restart_n_iter_ = np.asarray(d["restart_n_iter"], dtype=np.int64)
        self.restart_converged_ = np.asarray(d["restart_converged"], dtype=bool)
        self.trace_ = _trace_frame(d["trace"], self._trace_columns)
        if c["verbose"]:
            self._print_log(c["verbose"], c["verbose_interval"], seconds)
        stuck = np.flatnonzero(~self.restart_converged_)
        if stuck.size:
            warnings.warn(
                f"{type(self).__name__}: restart(s) {stuck.tolist()} of "
                f"{self.restart_converged_.size} stopped at max_iter={c['max_iter']} without "
                f"converging (tol={c['tol']}); the kept restart {self.best_restart_} "
                f"{'converged' if self.converged_ else 'did not converge'}. Increase max_iter or tol, "
                "or check the data's scale.",
                ConvergenceWarning,
                stacklevel=3,
            )

    def _print_log(self, verbose: int, interval: int, seconds: float) -> None:
        # The EM loop runs in the core without returning to Python, so the log is printed from
        # the trace when the fit returns (live progress: ``progress=True``).
        t = self.trace_
        objective = t["objective"] if "objective" in t else t["log_likelihood"]
        for r, it, conv in zip(
            range(self.restart_n_iter_.size), self.restart_n_iter_, self.restart_converged_
        ):
            print(f"Initialization {r}")
            rows = t["restart"].to_numpy() == r
            if verbose >= 2:
                its, obj = t["iteration"].to_numpy()[rows], objective.to_numpy()[rows]
                for i in range(1, len(its)):
                    if its[i] % interval == 0:
                        print(f"  Iteration {its[i]}\t ll change {obj[i] - obj[i - 1]:.5g}")
            state = "converged" if conv else f"did not converge (max_iter={it})"
            bound = objective.to_numpy()[rows][-1]
            print(f"Initialization {state}: {it} iterations, lower bound {bound:.6g}.")
        print(
            f"Kept restart {self.best_restart_}: lower bound {self.lower_bound_:.6g}; "
            f"time {seconds:.3g}s"
        )

    def _posterior(self, X) -> dict:  # pragma: no cover - each mixture defines it
        raise NotImplementedError

    def _n_parameters(self) -> int:  # pragma: no cover - each mixture defines it
        raise NotImplementedError

    # --- predictions
    def score_samples(self, X) -> np.ndarray:
        """Log-likelihood of every sample under the fitted mixture.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data, as for ``fit``.

        Returns
        -------
        numpy.ndarray of shape (n_samples,)
            ln p(x_i | θ), nats per data point.

        Raises
        ------
        NotFittedError
            Before ``fit``.
        ValueError
            If X is not valid data for the model (message names X).

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.em import GaussianMixture
        >>> gm = GaussianMixture(1).fit([[0.0], [1.0], [2.0]])
        >>> gm.score_samples([[1.0]]).shape
        (1,)
        """
        return self._posterior(X)["log_prob"]

    def score(self, X, y=None) -> float:
        """Mean log-likelihood (1/n) Σ_i ln p(x_i | θ), nats per data point.

        The score ``GridSearchCV`` and ``cross_val_score`` maximise when no scoring is given.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data, as for ``fit``.
        y : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        float
            The mean of ``score_samples(X)``.

        Raises
        ------
        NotFittedError
            Before ``fit``.
        ValueError
            If X is not valid data for the model (message names X).

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.em import GaussianMixture
        >>> X = np.random.default_rng(0).standard_normal((500, 1))
        >>> round(GaussianMixture(1).fit(X).score(X), 1)  # −½ ln(2πe) for unit variance
        -1.4
        """
        return float(np.mean(self.score_samples(X)))

    def predict_proba(self, X) -> np.ndarray:
        """Posterior probability of every component for every sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data, as for ``fit``.

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_components)
            p(z = k | x_i, θ); rows sum to 1.

        Raises
        ------
        NotFittedError
            Before ``fit``.
        ValueError
            If X is not valid data for the model (message names X).

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.em import GaussianMixture
        >>> X = np.r_[np.zeros((5, 1)), np.full((5, 1), 10.0)]
        >>> GaussianMixture(2).fit(X).predict_proba([[0.0]]).round(3).max()
        np.float64(1.0)
        """
        return np.exp(self._posterior(X)["log_resp"])

    def predict(self, X) -> np.ndarray:
        """The most probable component argmax_k p(k | x_i, θ) of every sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data, as for ``fit``.

        Returns
        -------
        numpy.ndarray of shape (n_samples,)
            Component labels in [0, n_components).

        Raises
        ------
        NotFittedError
            Before ``fit``.
        ValueError
            If X is not valid data for the model (message names X).

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.em import GaussianMixture
        >>> X = np.r_[np.zeros((5, 1)), np.full((5, 1), 10.0)]
        >>> gm = GaussianMixture(2).fit(X)
        >>> bool(gm.predict([[0.0]])[0] != gm.predict([[10.0]])[0])
        True
        """
        return np.argmax(self._posterior(X)["log_resp"], axis=1)

    def fit_predict(self, X, y=None) -> np.ndarray:
        """``fit(X)``, then ``predict(X)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        numpy.ndarray of shape (n_samples,)
            Component labels of the training data.

        Raises
        ------
        ValueError
            As ``fit``.

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.em import GaussianMixture
        >>> X = np.r_[np.zeros((5, 1)), np.full((5, 1), 10.0)]
        >>> np.bincount(GaussianMixture(2).fit_predict(X)).tolist()
        [5, 5]
        """
        return self.fit(X).predict(X)

    def bic(self, X) -> float:
        """Bayesian information criterion, −2 n score(X) + p ln n (lower is better).

        p is the number of free parameters (``n_parameters_``'s formula as in scikit-learn).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data, usually the training data.

        Returns
        -------
        float
            The BIC, in nats (not per data point).

        Raises
        ------
        NotFittedError
            Before ``fit``.
        ValueError
            If X is not valid data for the model (message names X).

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.em import GaussianMixture
        >>> X = np.random.default_rng(0).standard_normal((200, 2))
        >>> bics = [GaussianMixture(k).fit(X).bic(X) for k in (1, 2)]
        >>> bool(bics[0] < bics[1])  # one Gaussian component describes these data best
        True
        """
        log_p = self.score_samples(X)  # checks X
        n = log_p.shape[0]
        return -2.0 * float(np.mean(log_p)) * n + self._n_parameters() * np.log(n)

    def aic(self, X) -> float:
        """Akaike information criterion, −2 n score(X) + 2 p (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data, usually the training data.

        Returns
        -------
        float
            The AIC, in nats (not per data point).

        Raises
        ------
        NotFittedError
            Before ``fit``.
        ValueError
            If X is not valid data for the model (message names X).

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.em import GaussianMixture
        >>> X = np.random.default_rng(0).standard_normal((200, 2))
        >>> gm = GaussianMixture(1).fit(X)
        >>> bool(gm.aic(X) < gm.bic(X))  # ln 200 > 2
        True
        """
        log_p = self.score_samples(X)  # checks X
        return -2.0 * float(np.mean(log_p)) * log_p.shape[0] + 2.0 * self._n_parameters()

    @property
    def n_parameters_(self) -> int:
        """Number of free parameters of the fitted mixture (used by ``bic`` and ``aic``).

        Raises
        ------
        NotFittedError
            Before ``fit``.

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.em import GaussianMixture
        >>> X = np.random.default_rng(0).standard_normal((50, 2))
        >>> GaussianMixture(2, covariance_type="diag").fit(X).n_parameters_  # 4 + 4 + 1
        9
        """
        self._check_fitted()
        return self._n_parameters()

    def _sample_labels(
        self, n_samples, random_state
    ) -> tuple[int, np.random.Generator, np.ndarray]:
        self._check_fitted()
        n = as_int(n_samples, "n_samples", minimum=1)
        check_memory(
            8.0 * n * (self.n_features_in_ + 2),
            "n_samples",
            f"{n} samples of {self.n_features_in_} features",
        )
        seed = seed_from(self.random_state if random_state is None else random_state)
        rng = np.random.default_rng(seed)
        cdf = np.cumsum(self.weights_)
        labels = np.minimum(
            np.searchsorted(cdf / cdf[-1], rng.random(n), side="right"), len(cdf) - 1
        )
        return n, rng, labels


class GaussianMixture(_Mixture):
    """Gaussian mixture fitted by EM in the C++ core, with the ELBO trace of every iteration.

    A scikit-learn estimator (when scikit-learn is installed) with the parameters of
    ``sklearn.mixture.GaussianMixture`` where they overlap; from the same start (``weights_init``,
    ``means_init``, ``precisions_init``) and settings it gives the same fit to ~1e-12.

    Parameters
    ----------
    n_components : int, default 1
        Number of mixture components K (<= the number of samples).
    covariance_type : {"full", "diag", "tied", "spherical"}, default "full"
        "full": one d x d covariance per component; "diag": a diagonal one per component;
        "tied": one d x d covariance shared by all components; "spherical": σ_k² I per component.
    tol : float, default 1e-3
        Stop when the mean log-likelihood at two consecutive E-steps differs by < tol
        (scikit-learn's rule; tol = 0 runs exactly max_iter iterations).
    reg_covar : float, default 1e-6
        Added to the diagonal of every covariance in the M-step; keeps components of a few
        points or constant columns positive definite (0: such data raise ValueError).
    max_iter : int, default 100
        M-steps per restart (>= 1).
    n_init : int, default 1
        Restarts; the one with the best final mean log-likelihood is kept.
    init_params : {"k-means++"}, default "k-means++"
        Seeds drawn from the restart's stream of ``random_state``, every point assigned to its
        nearest seed, one M-step on that assignment.
    weights_init, means_init, precisions_init : array-like, optional
        Starting values, shapes (K,), (K, d) and the precision matrices (inverse covariances)
        in the shape of ``covariances_``: (K, d, d) full, (K, d) diag, (d, d) tied, (K,)
        spherical. With all three, EM starts from them exactly (as scikit-learn); otherwise
        points are assigned to the nearest given mean (or k-means++ seed) and the M-step
        supplies the rest.
    random_state : None, int, numpy.random.Generator or RandomState, default 0
        An integer >= 0 seeds the core (reproducible; restart r uses stream r of the seed);
        None draws fresh entropy at every fit; a Generator or RandomState is drawn from once
        per fit. The default 0 (not scikit-learn's None) keeps results reproducible.
    warm_start : bool, default False
        If the estimator is fitted, start ``fit`` from the fitted parameters (one restart,
        ``n_init`` ignored, tol measured from the previous ``lower_bound_``), as scikit-learn.
    verbose : int, default 0
        0 silent; 1 prints one line per restart; 2 also the change of the lower bound every
        ``verbose_interval`` iterations. Printed when the fit returns (the EM loop runs in the
        core); for live progress use ``progress``.
    verbose_interval : int, default 10
        Iterations between the lines of ``verbose=2``.
    threads : int, default 1
        Threads for the E- and M-steps; results do not depend on it.
    progress : bool or callable, default False
        True shows a progress bar on stderr; a callable is called as ``progress(done, total)``
        every 50 ms, in EM iterations summed over restarts (total 0: unknown). Either way
        Ctrl-C stops the call within a second with KeyboardInterrupt.

    Attributes
    ----------
    weights_ : ndarray of shape (K,)
    means_ : ndarray of shape (K, d)
    covariances_, precisions_, precisions_cholesky_ : ndarray
        In the shape given above for ``precisions_init``; ``precisions_cholesky_`` holds U upper
        triangular with precision = U Uᵀ (full, tied), or 1/σ (diag, spherical).
    converged_ : bool
        Whether the kept restart met tol.
    n_iter_ : int
        M-steps of the kept restart.
    best_restart_ : int
    lower_bound_ : float
        Mean log-likelihood at the kept restart's last E-step (scikit-learn's meaning).
    lower_bounds_ : ndarray of shape (``n_iter_``,)
        The kept restart's lower bound at every iteration, as scikit-learn's.
    log_likelihood_ : float
        At the final parameters (= score of the training data).
    restart_n_iter_, restart_converged_ : ndarray of shape (n_init,)
        Iterations and convergence of every restart (a restart that did not converge stopped
        at max_iter).
    n_features_in_ : int
    n_parameters_ : int
        Free parameters of the fitted mixture (``bic``, ``aic``).
    trace_ : pandas.DataFrame
        Columns restart, iteration, log_likelihood, elbo_e, elbo_m, kl_gap (see the module
        docstring).

    Notes
    -----
    A component that loses all its points keeps weight ~1e-15/n and covariance reg_covar·I
    (never NaN). ``fit`` warns with ``ConvergenceWarning`` when a restart stops at max_iter.

    Examples
    --------
    >>> import numpy as np
    >>> from isingvi.em import GaussianMixture
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(-3, 1, (200, 2)), rng.normal(3, 1, (200, 2))])
    >>> gm = GaussianMixture(2, covariance_type="tied", random_state=0).fit(X)
    >>> np.sort(gm.means_[:, 0]).round(0)
    array([-3.,  3.])
    >>> gm.predict([[-3.0, -3.0]]).shape
    (1,)
    """

    means_: np.ndarray
    covariances_: np.ndarray
    precisions_: np.ndarray
    precisions_cholesky_: np.ndarray

    def __init__(
        self,
        n_components: int = 1,
        *,
        covariance_type: str = "full",
        tol: float = 1e-3,
        reg_covar: float = 1e-6,
        max_iter: int = 100,
        n_init: int = 1,
        init_params: str = "k-means++",
        weights_init=None,
        means_init=None,
        precisions_init=None,
        random_state=0,
        warm_start: bool = False,
        verbose: int = 0,
        verbose_interval: int = 10,
        threads: int = 1,
        progress=False,
    ) -> None:
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval
        self.threads = threads
        self.progress = progress

    def fit(self, X, y=None) -> GaussianMixture:
        """Fit by EM (with ``n_init`` restarts, or from the fitted model with ``warm_start``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Finite real data, n_samples >= n_components.
        y : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        GaussianMixture
            self, fitted.

        Raises
        ------
        ValueError
            For an invalid parameter or invalid X (the message starts with its name), or a
            covariance that is not positive definite (names reg_covar).

        Warns
        -----
        ConvergenceWarning
            When a restart stops at max_iter without meeting tol.

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.em import GaussianMixture
        >>> X = np.random.default_rng(1).standard_normal((100, 3))
        >>> gm = GaussianMixture(2, covariance_type="diag", random_state=0).fit(X)
        >>> gm.covariances_.shape, len(gm.lower_bounds_) == gm.n_iter_
        ((2, 3), True)
        """
        c = self._control()
        K = c["K"]
        ctype = as_choice(self.covariance_type, "covariance_type", COVARIANCE_TYPES)
        as_choice(self.init_params, "init_params", INIT_PARAMS)
        reg_covar = _non_negative(self.reg_covar, "reg_covar")
        seed = seed_from(self.random_state)
        X = _as_matrix(X)
        n, d = X.shape
        if n < K:
            raise ValueError(f"n_components: must be <= the number of samples {n}, got {K}")
        _check_em_memory(n, d, K, d * d if ctype in ("full", "tied") else d)
        n_init, start = c["n_init"], -np.inf
        inits: tuple[np.ndarray | None, ...]
        if c["warm"]:
            self._warm_check(K, d)
            if self._covariance_type != ctype:
                raise ValueError(
                    f"warm_start: the fitted covariance_type is {self._covariance_type!r}, "
                    f"now {ctype!r}; set warm_start=False"
                )
            inits = (self.weights_, self.means_, self.precisions_)
            n_init, start = 1, self.lower_bound_
        else:
            inits = (
                _optional_array(self.weights_init, "weights_init", (K,)),
                _optional_array(self.means_init, "means_init", (K, d)),
                _optional_array(self.precisions_init, "precisions_init", _cov_shape(ctype, K, d)),
            )
        began = time.perf_counter()
        with reporter(self.progress, "GaussianMixture.fit", "iteration") as report:
            out = _core.gaussian_mixture_fit(
                X,
                K,
                ctype,
                c["tol"],
                reg_covar,
                c["max_iter"],
                n_init,
                seed,
                c["threads"],
                *inits,
                report,
                initial_lower_bound=start,
            )
        self.weights_ = out["weights"]
        self.means_ = out["means"]
        self.covariances_ = out["covariances"]
        self.precisions_cholesky_ = out["precisions_cholesky"]
        U = self.precisions_cholesky_
        if ctype == "full":
            self.precisions_ = U @ np.swapaxes(U, 1, 2)
        elif ctype == "tied":
            self.precisions_ = U @ U.T
        else:
            self.precisions_ = U**2
        self._covariance_type = ctype
        self.n_features_in_ = d
        self._store_summary(out, c, time.perf_counter() - began)
        return self

    def _n_parameters(self) -> int:
        K, d = self.means_.shape
        cov = {
            "full": K * d * (d + 1) // 2,
            "diag": K * d,
            "tied": d * (d + 1) // 2,
            "spherical": K,
        }[self._covariance_type]
        return int(cov + K * d + K - 1)

    def _posterior(self, X) -> dict:
        self._check_fitted()
        X = _as_matrix(X)
        self._check_features(X.shape[1])
        threads = as_int(self.threads, "threads", minimum=1)
        _check_em_memory(X.shape[0], X.shape[1], self.weights_.size, 0)
        return _core.gaussian_mixture_posterior(
            X,
            self.weights_,
            self.means_,
            self.precisions_cholesky_,
            self._covariance_type,
            threads,
        )

    @property
    def _covariance_type(self) -> str:
        """The fitted covariance type, so that set_params after fit cannot mismatch the arrays."""
        stored = self.__dict__.get("_fitted_covariance_type")
        if stored is not None:
            return stored
        # a model pickled before the type was stored: full and diag tell by their shapes
        return "full" if self.precisions_cholesky_.ndim == 3 else "diag"

    @_covariance_type.setter
    def _covariance_type(self, value: str) -> None:
        self.__dict__["_fitted_covariance_type"] = value

    def sample(self, n_samples: int = 1, random_state=None) -> tuple[np.ndarray, np.ndarray]:
        """Draw samples from the fitted mixture: labels ~ weights, x ~ N(mean, covariance).

        Parameters
        ----------
        n_samples : int, default 1
            Number of samples (>= 1).
        random_state : None, int, numpy.random.Generator or RandomState, optional
            None uses the estimator's ``random_state``.

        Returns
        -------
        X : numpy.ndarray of shape (n_samples, n_features)
        labels : numpy.ndarray of shape (n_samples,)
            The component of every sample (not sorted, unlike scikit-learn).

        Raises
        ------
        NotFittedError
            Before ``fit``.
        ValueError
            If n_samples < 1 or random_state is invalid.

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.em import GaussianMixture
        >>> gm = GaussianMixture(2).fit(np.random.default_rng(0).standard_normal((50, 2)))
        >>> X, labels = gm.sample(5, random_state=1)
        >>> X.shape, labels.shape
        ((5, 2), (5,))
        """
        n, rng, labels = self._sample_labels(n_samples, random_state)
        z = rng.standard_normal((n, self.n_features_in_))
        ctype = self._covariance_type
        if ctype == "full":
            L = np.linalg.cholesky(self.covariances_)
            x = self.means_[labels] + np.einsum("nij,nj->ni", L[labels], z)
        elif ctype == "tied":
            x = self.means_[labels] + z @ np.linalg.cholesky(self.covariances_).T
        elif ctype == "diag":
            x = self.means_[labels] + np.sqrt(self.covariances_)[labels] * z
        else:
            x = self.means_[labels] + np.sqrt(self.covariances_)[labels, None] * z
        return x, labels


if HAVE_SKLEARN:
    from dataclasses import dataclass

    from ._estimator import InputTags

    @dataclass(slots=True)
    class _BinaryInputTags(InputTags):
        """scikit-learn's input tags plus ``binary_only``: X must hold two values per feature
        (±1 spins or 0/1 bits). scikit-learn's common checks do not read it; it documents the
        requirement for tools that inspect tags."""

        binary_only: bool = True


class BernoulliMixture(_Mixture):
    """Mixture of independent Bernoulli variables, fitted by MAP-EM in the C++ core.

    p(x) = Σ_k π_k Π_j μ_kj^x_j (1 − μ_kj)^(1 − x_j) for x in {0, 1}^D. Ising configurations
    (±1 spins) are accepted and mapped s -> x = (1 + s)/2, so μ_kj = P(s_j = +1 | k); a
    single array must not mix −1 and 0. Any other value raises ValueError naming X; the
    scikit-learn tags declare the requirement (``input_tags.categorical`` and
    ``input_tags.binary_only``). With ``binarize=t`` any real data is accepted and read as
    bits x = [X > t], as scikit-learn's ``BernoulliNB`` does.

    Parameters
    ----------
    n_components : int, default 1
        Number of components K (<= the number of samples).
    alpha : float or (float, float), default 1.0
        Beta smoothing of every μ_kj: pseudo-counts, a float (a = b = alpha) or a pair (a, b)
        counted as a extra ones and b extra zeros: μ_kj = (Σ_i q_ik x_ij + a) / (n_k + a + b),
        the MAP estimate under Beta(1 + a, 1 + b). alpha = 1 is Laplace smoothing; alpha = 0 is
        maximum likelihood, where a held-out configuration can have probability 0 (score −inf,
        cross-entropy inf).
    weight_alpha : float, default 1.0
        Dirichlet smoothing of the weights, π_k = (n_k + weight_alpha)/(n + K weight_alpha)
        (MAP under Dirichlet(1 + weight_alpha)).
    tol : float, default 1e-3
        Stop when the objective (log_likelihood + log_prior per point) at two consecutive
        E-steps differs by < tol.
    binarize : float or None, default None
        None: X must be binary (above). A float t: every input, in fit and after, becomes the
        bits [X > t] (t = 0 maps ±1 spins and 0/1 bits alike), and ``encoding_`` is "bits".
    max_iter, n_init, random_state, warm_start, verbose, verbose_interval, threads, progress
        As for :class:`GaussianMixture`. Initialisation: k-means++ seeds in Hamming distance,
        nearest-seed assignment, Laplace-smoothed frequencies (no probability starts at 0 or 1).

    Attributes
    ----------
    weights_ : ndarray of shape (K,)
    probs_ : ndarray of shape (K, D)
        P(x_j = 1 | k).
    encoding_ : {"spins", "bits"}
        The training data's encoding (``sample`` returns it).
    converged_, n_iter_, best_restart_, lower_bounds_, restart_n_iter_, restart_converged_,
    n_features_in_, n_parameters_
        As for :class:`GaussianMixture`.
    lower_bound_ : float
        Objective (log-likelihood + log-prior per point) at the kept restart's last E-step.
    log_likelihood_, log_prior_ : float
        At the final parameters.
    trace_ : pandas.DataFrame
        TRACE_COLUMNS plus log_prior and objective.

    Notes
    -----
    The monotone objective of MAP-EM is ln p(x | θ) + ln p(θ) per point, with
    ln p(θ) = Σ_kj [a ln μ_kj + b ln(1 − μ_kj)] + weight_alpha Σ_k ln π_k (+ a constant):
    the trace columns ``log_prior`` and ``objective`` = log_likelihood + log_prior. The ELBO
    columns are the plain ELBO (no prior), so elbo_e = log_likelihood and kl_gap ≥ 0 hold as
    for the Gaussian mixture, and elbo_m + log_prior(θ_new) ≥ objective(θ_old).

    Examples
    --------
    >>> import numpy as np
    >>> from isingvi.em import BernoulliMixture
    >>> rng = np.random.default_rng(0)
    >>> up = np.where(rng.random((100, 8)) < 0.9, 1, -1)
    >>> X = np.concatenate([up, -up])  # two magnetised phases, as Ising spins
    >>> bm = BernoulliMixture(2, random_state=0).fit(X)
    >>> np.sort(bm.probs_.mean(axis=1)).round(1)
    array([0.1, 0.9])
    >>> bm.sample(3, random_state=1)[0].shape
    (3, 8)
    """

    _trace_columns: ClassVar[list[str]] = [
        *TRACE_COLUMNS[:3],
        "log_prior",
        "objective",
        *TRACE_COLUMNS[3:],
    ]
    probs_: np.ndarray

    def __init__(
        self,
        n_components: int = 1,
        *,
        alpha=1.0,
        weight_alpha: float = 1.0,
        binarize: float | None = None,
        tol: float = 1e-3,
        max_iter: int = 100,
        n_init: int = 1,
        random_state=0,
        warm_start: bool = False,
        verbose: int = 0,
        verbose_interval: int = 10,
        threads: int = 1,
        progress=False,
    ) -> None:
        self.n_components = n_components
        self.alpha = alpha
        self.weight_alpha = weight_alpha
        self.binarize = binarize
        self.tol = tol
        self.max_iter = max_iter
        self.n_init = n_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval
        self.threads = threads
        self.progress = progress

    if HAVE_SKLEARN:

        def __sklearn_tags__(self) -> Any:
            tags = super().__sklearn_tags__()
            if self.binarize is None:  # binary data only; with binarize any real data
                fields = {f: getattr(tags.input_tags, f) for f in InputTags.__dataclass_fields__}
                tags.input_tags = _BinaryInputTags(**{**fields, "categorical": True})
            return tags

    def _bits(self, X) -> tuple[np.ndarray, str]:
        """The data as 0/1 uint8 and its encoding: binary X as given, or [X > binarize]."""
        if self.binarize is None:
            return _as_binary(X)
        t = self.binarize
        if isinstance(t, bool) or not isinstance(t, (int, float, np.integer, np.floating)):
            raise ValueError(f"binarize: must be None or a real number, got {t!r}")
        if not math.isfinite(t):
            raise ValueError(f"binarize: must be finite, got {t!r}")
        arr = _as_matrix(X, "X")
        return np.ascontiguousarray(arr > t, dtype=np.uint8), "bits"

    def _pseudo_counts(self) -> tuple[float, float]:
        a = self.alpha
        try:
            one, zero = a
        except (TypeError, ValueError):  # not a pair: one number for both
            return (_non_negative(a, "alpha"),) * 2
        return _non_negative(one, "alpha"), _non_negative(zero, "alpha")

    def fit(self, X, y=None) -> BernoulliMixture:
        """Fit by MAP-EM (with ``n_init`` restarts, or from the fitted model with ``warm_start``).

        Parameters
        ----------
        X : array-like of shape (n_samples, D)
            ±1 spins or 0/1 bits (not both in one array), n_samples >= n_components.
        y : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        BernoulliMixture
            self, fitted.

        Raises
        ------
        ValueError
            For an invalid parameter, or X not binary (the message starts with the name).

        Warns
        -----
        ConvergenceWarning
            When a restart stops at max_iter without meeting tol.

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.em import BernoulliMixture
        >>> X = (np.random.default_rng(0).random((60, 5)) < 0.3).astype(int)
        >>> bm = BernoulliMixture(2).fit(X)
        >>> bm.probs_.shape, bm.encoding_
        ((2, 5), 'bits')
        """
        c = self._control()
        K = c["K"]
        a, b = self._pseudo_counts()
        weight_alpha = _non_negative(self.weight_alpha, "weight_alpha")
        seed = seed_from(self.random_state)
        bits, encoding = self._bits(X)
        n, d = bits.shape
        if n < K:
            raise ValueError(f"n_components: must be <= the number of samples {n}, got {K}")
        _check_em_memory(n, d, K, d)
        n_init, start = c["n_init"], -np.inf
        w0: np.ndarray | None = None
        p0: np.ndarray | None = None
        if c["warm"]:
            self._warm_check(K, d)
            n_init, start, w0, p0 = 1, self.lower_bound_, self.weights_, self.probs_
        began = time.perf_counter()
        with reporter(self.progress, "BernoulliMixture.fit", "iteration") as report:
            out = _core.bernoulli_mixture_fit(
                bits,
                K,
                a,
                b,
                weight_alpha,
                c["tol"],
                c["max_iter"],
                n_init,
                seed,
                c["threads"],
                report,
                weights_init=w0,
                probs_init=p0,
                initial_lower_bound=start,
            )
        self.weights_ = out["weights"]
        self.probs_ = out["probs"]
        self.encoding_ = encoding
        self.n_features_in_ = d
        self.log_prior_ = float(out["log_prior"])
        self._store_summary(out, c, time.perf_counter() - began)
        return self

    def _n_parameters(self) -> int:
        K, D = self.probs_.shape
        return int(K * D + K - 1)

    def _posterior(self, X) -> dict:
        self._check_fitted()
        bits, _ = self._bits(X)
        self._check_features(bits.shape[1])
        threads = as_int(self.threads, "threads", minimum=1)
        _check_em_memory(bits.shape[0], bits.shape[1], self.weights_.size, 0)
        return _core.bernoulli_mixture_posterior(bits, self.weights_, self.probs_, threads)

    def cross_entropy(self, X) -> float:
        """Cross-entropy per variable, −(1/(n D)) Σ_i ln p(x_i), in nats per spin.

        At least the data's entropy per variable when X is drawn from the data distribution
        independently of the fit.

        Parameters
        ----------
        X : array-like of shape (n_samples, D)
            ±1 spins or 0/1 bits.

        Returns
        -------
        float
            −elbo(X, "posterior").

        Raises
        ------
        NotFittedError
            Before ``fit``.
        ValueError
            If X is not binary or has the wrong number of variables (names X).

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.em import BernoulliMixture
        >>> X = (np.random.default_rng(0).random((400, 4)) < 0.5).astype(int)
        >>> bool(abs(BernoulliMixture(1).fit(X).cross_entropy(X) - np.log(2)) < 0.01)
        True
        """
        return -float(self.elbo(X, "posterior"))

    def elbo(self, X, family: str = "posterior", per_sample: bool = False) -> float | np.ndarray:
        """ELBO per variable, (1/D) E_q[ln p(x, z) − ln q(z | x)], averaged over the samples.

        Parameters
        ----------
        X : array-like of shape (n_samples, D)
            ±1 spins or 0/1 bits.
        family : {"posterior", "hard"}, default "posterior"
            "posterior": q(z | x) = p(z | x), the exact posterior, where the ELBO equals
            ln p(x) (so −elbo = cross_entropy); "hard": q(z | x) = δ(z − z*) with
            z* = argmax_z p(z | x), where the ELBO is ln p(x, z*) ≤ ln p(x).
        per_sample : bool, default False
            Return the (n_samples,) values instead of their mean (for error bars).

        Returns
        -------
        float or numpy.ndarray of shape (n_samples,)
            Nats per variable.

        Raises
        ------
        NotFittedError
            Before ``fit``.
        ValueError
            For an invalid family or X (the message names it).

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.em import BernoulliMixture
        >>> X = (np.random.default_rng(0).random((100, 6)) < 0.5).astype(int)
        >>> bm = BernoulliMixture(2).fit(X)
        >>> bool(bm.elbo(X, "hard") <= bm.elbo(X))
        True
        """
        family = as_choice(family, "family", ELBO_FAMILIES)
        per_sample = as_bool(per_sample, "per_sample")
        post = self._posterior(X)
        values = post["log_prob"]
        if family == "hard":
            values = values + post["log_resp"].max(axis=1)
        values = values / self.n_features_in_
        return values if per_sample else float(np.mean(values))

    def sample(self, n_samples: int = 1, random_state=None) -> tuple[np.ndarray, np.ndarray]:
        """Draw samples: labels ~ weights, x_j ~ Bernoulli(probs[label, j]).

        Parameters
        ----------
        n_samples : int, default 1
            Number of samples (>= 1).
        random_state : None, int, numpy.random.Generator or RandomState, optional
            None uses the estimator's ``random_state``.

        Returns
        -------
        X : numpy.ndarray of shape (n_samples, D), int8
            In the training data's encoding (±1 spins or 0/1 bits).
        labels : numpy.ndarray of shape (n_samples,)
            The component of every sample.

        Raises
        ------
        NotFittedError
            Before ``fit``.
        ValueError
            If n_samples < 1 or random_state is invalid.

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.em import BernoulliMixture
        >>> bm = BernoulliMixture(1).fit([[1, -1], [1, 1], [-1, 1]])
        >>> X, labels = bm.sample(4, random_state=0)
        >>> sorted(set(X.ravel().tolist())) <= [-1, 1]
        True
        """
        n, rng, labels = self._sample_labels(n_samples, random_state)
        bits = (rng.random((n, self.n_features_in_)) < self.probs_[labels]).astype(np.int8)
        return (2 * bits - 1 if self.encoding_ == "spins" else bits), labels
