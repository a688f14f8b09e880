"""Expectation-maximisation for mixture models, in the style of scikit-learn.

EM is coordinate ascent on the evidence lower bound (DESIGN section 1). For data x_1..x_n,
latent components z and any q(z | x),

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

Same data, arguments and ``random_state``: bit-identical results for any ``threads``.
"""

from __future__ import annotations

import inspect
from typing import ClassVar

import numpy as np
import pandas as pd

from . import _core
from ._progress import reporter
from ._validate import as_bool, as_choice, as_float, as_int, as_real_array, as_seed, check_memory

__all__ = ["TRACE_COLUMNS", "BernoulliMixture", "GaussianMixture"]

#: Columns of ``GaussianMixture.trace_``; ``BernoulliMixture.trace_`` adds log_prior, objective.
TRACE_COLUMNS = ["restart", "iteration", "log_likelihood", "elbo_e", "elbo_m", "kl_gap"]

COVARIANCE_TYPES = ("full", "diag")
INIT_PARAMS = ("k-means++",)
ELBO_FAMILIES = ("posterior", "hard")


def _non_negative(value, name: str) -> float:
    x = as_float(value, name)
    if x < 0:
        raise ValueError(f"{name}: must be >= 0, got {value!r}")
    return x


def _as_matrix(X, name: str = "X") -> np.ndarray:
    """A non-empty 2-D array of finite floats, C-contiguous."""
    arr = as_real_array(X, name)
    if arr.ndim != 2:
        raise ValueError(f"{name}: must be 2-D (n_samples, n_features), got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(
            f"{name}: needs at least one sample and one feature, got shape {arr.shape}"
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
        max(parts, key=parts.get),
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


class _Mixture:
    """What both mixtures share: parameters as in scikit-learn, posterior-based predictions."""

    _trace_columns = TRACE_COLUMNS

    def __getattr__(self, name: str):
        # Only reached for attributes never set: a constructor parameter is missing when the
        # object was made by __new__ without __init__.
        if not name.startswith("_") and name in inspect.signature(type(self).__init__).parameters:
            raise ValueError(
                f"{name}: not set; this {type(self).__name__} was never constructed (__new__ without __init__)"
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # --- scikit-learn conventions
    def get_params(self, deep: bool = True) -> dict:
        """The constructor arguments, by name."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {p: getattr(self, p) for p in names}

    def set_params(self, **params):
        """Set constructor arguments by name; returns self."""
        valid = self.get_params()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"{key}: not a parameter of {type(self).__name__}")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # --- fitted state
    def _check_fitted(self) -> None:
        if not hasattr(self, "weights_"):
            raise ValueError(
                f"fit: this {type(self).__name__} is not fitted yet; call fit(X) first"
            )

    def _store_summary(self, d: dict) -> None:
        self.converged_ = bool(d["converged"])
        self.n_iter_ = int(d["n_iter"])
        self.best_restart_ = int(d["best_restart"])
        self.lower_bound_ = float(d["lower_bound"])
        self.log_likelihood_ = float(d["log_likelihood"])
        self.trace_ = _trace_frame(d["trace"], self._trace_columns)

    def _posterior(self, X) -> dict:  # pragma: no cover - each mixture defines it
        raise NotImplementedError

    # --- predictions
    def score_samples(self, X) -> np.ndarray:
        """ln p(x_i | θ) for every sample (nats per data point), shape (n_samples,)."""
        return self._posterior(X)["log_prob"]

    def score(self, X, y=None) -> float:
        """Mean log-likelihood (1/n) Σ_i ln p(x_i | θ), nats per data point."""
        return float(np.mean(self.score_samples(X)))

    def predict_proba(self, X) -> np.ndarray:
        """Posterior p(z = k | x_i, θ), shape (n_samples, n_components)."""
        return np.exp(self._posterior(X)["log_resp"])

    def predict(self, X) -> np.ndarray:
        """The most probable component argmax_k p(k | x_i, θ) of every sample."""
        return np.argmax(self._posterior(X)["log_resp"], axis=1)

    def fit_predict(self, X, y=None) -> np.ndarray:
        """fit(X), then predict(X)."""
        return self.fit(X).predict(X)

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
        seed = as_seed(self.random_state if random_state is None else random_state, "random_state")
        rng = np.random.default_rng(seed)
        cdf = np.cumsum(self.weights_)
        labels = np.minimum(
            np.searchsorted(cdf / cdf[-1], rng.random(n), side="right"), len(cdf) - 1
        )
        return n, rng, labels


class GaussianMixture(_Mixture):
    """Gaussian mixture fitted by EM in the C++ core, with the ELBO trace of every iteration.

    Parameters (as scikit-learn's ``sklearn.mixture.GaussianMixture`` where they overlap)
    ----------
    n_components : number of mixture components K (<= the number of samples)
    covariance_type : "full" (one d x d covariance per component) or "diag"
    tol : stop when the mean log-likelihood at two consecutive E-steps differs by < tol
        (scikit-learn's rule; tol = 0 runs exactly max_iter iterations)
    reg_covar : added to the diagonal of every covariance in the M-step; keeps components of
        a few points or constant columns positive definite (0: such data raise ValueError)
    max_iter : M-steps per restart (>= 1)
    n_init : restarts; the one with the best final mean log-likelihood is kept
    init_params : "k-means++": seeds drawn from the restart's stream of ``random_state``,
        every point assigned to its nearest seed, one M-step on that assignment
    weights_init, means_init, precisions_init : optional starting values, shapes (K,),
        (K, d), and (K, d, d) [full] or (K, d) [diag] precision matrices. With all three EM
        starts from them exactly (as scikit-learn); otherwise points are assigned to the
        nearest given mean (or k-means++ seed) and the M-step supplies the rest.
    random_state : integer seed (>= 0); None is not accepted (results are reproducible)
    threads : threads for the E- and M-steps; results do not depend on it
    progress : False (default), True or callable
        True shows a progress bar on stderr (rate, and ETA where the total is known); a callable
        is called as ``progress(done, total)`` every 50 ms, in EM iterations summed over
        restarts (total 0: unknown). Either way Ctrl-C stops the call within a second with
        KeyboardInterrupt.

    Fitted attributes
    -----------------
    weights_ (K,), means_ (K, d), covariances_, precisions_, precisions_cholesky_ (U upper
    triangular with precision = U Uᵀ; (K, d) for diag), converged_, n_iter_, best_restart_,
    lower_bound_ (mean log-likelihood at the last E-step, scikit-learn's meaning),
    log_likelihood_ (at the final parameters, = score(X)), n_features_in_, trace_
    (DataFrame: restart, iteration, log_likelihood, elbo_e, elbo_m, kl_gap; see the module
    docstring).

    A component that loses all its points keeps weight ~1e-15/n and covariance reg_covar·I
    (never NaN).
    """

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
        random_state: int = 0,
        threads: int = 1,
        progress=False,
    ):
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
        self.threads = threads
        self.progress = progress

    def fit(self, X, y=None) -> GaussianMixture:
        """Fit by EM; returns self."""
        K = as_int(self.n_components, "n_components", minimum=1)
        ctype = as_choice(self.covariance_type, "covariance_type", COVARIANCE_TYPES)
        as_choice(self.init_params, "init_params", INIT_PARAMS)
        tol = _non_negative(self.tol, "tol")
        reg_covar = _non_negative(self.reg_covar, "reg_covar")
        max_iter = as_int(self.max_iter, "max_iter", minimum=1)
        n_init = as_int(self.n_init, "n_init", minimum=1)
        seed = as_seed(self.random_state, "random_state")
        threads = as_int(self.threads, "threads", minimum=1)
        X = _as_matrix(X)
        d = X.shape[1]
        if X.shape[0] < K:
            raise ValueError(
                f"n_components: must be <= the number of samples {X.shape[0]}, got {K}"
            )
        _check_em_memory(X.shape[0], d, K, d * d if ctype == "full" else d)
        prec_shape = (K, d, d) if ctype == "full" else (K, d)
        inits = (
            _optional_array(self.weights_init, "weights_init", (K,)),
            _optional_array(self.means_init, "means_init", (K, d)),
            _optional_array(self.precisions_init, "precisions_init", prec_shape),
        )
        with reporter(self.progress, "GaussianMixture.fit", "iteration") as report:
            out = _core.gaussian_mixture_fit(
                X, K, ctype, tol, reg_covar, max_iter, n_init, seed, threads, *inits, report
            )
        self.weights_ = out["weights"]
        self.means_ = out["means"]
        self.covariances_ = out["covariances"]
        self.precisions_cholesky_ = out["precisions_cholesky"]
        U = self.precisions_cholesky_
        self.precisions_ = U @ np.swapaxes(U, 1, 2) if ctype == "full" else U**2
        self.n_features_in_ = d
        self._store_summary(out)
        return self

    def _posterior(self, X) -> dict:
        self._check_fitted()
        X = _as_matrix(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X: has {X.shape[1]} features but the model was fitted with {self.n_features_in_}"
            )
        threads = as_int(self.threads, "threads", minimum=1)
        _check_em_memory(X.shape[0], X.shape[1], self.weights_.size, 0)
        return _core.gaussian_mixture_posterior(
            X,
            self.weights_,
            self.means_,
            self.precisions_cholesky_,
            self._fitted_covariance_type(),
            threads,
        )

    def _fitted_covariance_type(self) -> str:
        """From the fitted arrays, so that set_params after fit cannot mismatch them."""
        return "full" if self.precisions_cholesky_.ndim == 3 else "diag"

    def sample(
        self, n_samples: int = 1, random_state: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Draw (X, labels) from the fitted mixture: labels ~ weights, x ~ N(mean, covariance).

        random_state: integer seed; None uses the estimator's ``random_state``.
        """
        n, rng, labels = self._sample_labels(n_samples, random_state)
        z = rng.standard_normal((n, self.n_features_in_))
        if self._fitted_covariance_type() == "full":
            L = np.linalg.cholesky(self.covariances_)
            x = self.means_[labels] + np.einsum("nij,nj->ni", L[labels], z)
        else:
            x = self.means_[labels] + np.sqrt(self.covariances_)[labels] * z
        return x, labels


class BernoulliMixture(_Mixture):
    """Mixture of independent Bernoulli variables, fitted by MAP-EM in the C++ core.

    p(x) = Σ_k π_k Π_j μ_kj^x_j (1 − μ_kj)^(1 − x_j) for x in {0, 1}^D. Ising configurations
    (±1 spins) are accepted and mapped s -> x = (1 + s)/2, so μ_kj = P(s_j = +1 | k); a
    single array must not mix −1 and 0.

    Parameters
    ----------
    n_components : number of components K (<= the number of samples)
    alpha : Beta smoothing of every μ_kj: pseudo-counts, a float (a = b = alpha) or a pair
        (a, b) counted as a extra ones and b extra zeros:
        μ_kj = (Σ_i q_ik x_ij + a) / (n_k + a + b), the MAP estimate under Beta(1 + a, 1 + b).
        alpha = 1 is Laplace smoothing; alpha = 0 is maximum likelihood, where a held-out
        configuration can have probability 0 (score −inf, cross-entropy inf).
    weight_alpha : Dirichlet smoothing of the weights, π_k = (n_k + weight_alpha)/(n + K weight_alpha)
        (MAP under Dirichlet(1 + weight_alpha)).
    tol : stop when the objective (log_likelihood + log_prior per point) at two consecutive
        E-steps differs by < tol
    max_iter, n_init, random_state, threads : as for :class:`GaussianMixture`. Initialisation:
        k-means++ seeds in Hamming distance, nearest-seed assignment, Laplace-smoothed
        frequencies (no probability starts at 0 or 1).

    The monotone objective of MAP-EM is ln p(x | θ) + ln p(θ) per point, with
    ln p(θ) = Σ_kj [a ln μ_kj + b ln(1 − μ_kj)] + weight_alpha Σ_k ln π_k (+ a constant):
    the trace columns ``log_prior`` and ``objective`` = log_likelihood + log_prior. The ELBO
    columns are the plain ELBO (no prior), so elbo_e = log_likelihood and kl_gap ≥ 0 hold
    as for the Gaussian mixture, and elbo_m + log_prior(θ_new) ≥ objective(θ_old).

    Fitted attributes
    -----------------
    weights_ (K,), probs_ (K, D) = P(x_j = 1 | k), encoding_ ("spins" or "bits", the
    training data's), converged_, n_iter_, best_restart_, lower_bound_ (objective at the
    last E-step), log_likelihood_, log_prior_ (at the final parameters), n_features_in_,
    trace_ (TRACE_COLUMNS + log_prior, objective).
    """

    _trace_columns: ClassVar[list[str]] = [
        *TRACE_COLUMNS[:3],
        "log_prior",
        "objective",
        *TRACE_COLUMNS[3:],
    ]

    def __init__(
        self,
        n_components: int = 1,
        *,
        alpha=1.0,
        weight_alpha: float = 1.0,
        tol: float = 1e-3,
        max_iter: int = 100,
        n_init: int = 1,
        random_state: int = 0,
        threads: int = 1,
        progress=False,
    ):
        self.n_components = n_components
        self.alpha = alpha
        self.weight_alpha = weight_alpha
        self.tol = tol
        self.max_iter = max_iter
        self.n_init = n_init
        self.random_state = random_state
        self.threads = threads
        self.progress = progress

    def _pseudo_counts(self) -> tuple[float, float]:
        a = self.alpha
        try:
            one, zero = a
        except (TypeError, ValueError):  # not a pair: one number for both
            return (_non_negative(a, "alpha"),) * 2
        return _non_negative(one, "alpha"), _non_negative(zero, "alpha")

    def fit(self, X, y=None) -> BernoulliMixture:
        """Fit by MAP-EM on ±1 spins or 0/1 bits, shape (n_samples, D); returns self."""
        K = as_int(self.n_components, "n_components", minimum=1)
        a, b = self._pseudo_counts()
        weight_alpha = _non_negative(self.weight_alpha, "weight_alpha")
        tol = _non_negative(self.tol, "tol")
        max_iter = as_int(self.max_iter, "max_iter", minimum=1)
        n_init = as_int(self.n_init, "n_init", minimum=1)
        seed = as_seed(self.random_state, "random_state")
        threads = as_int(self.threads, "threads", minimum=1)
        bits, encoding = _as_binary(X)
        if bits.shape[0] < K:
            raise ValueError(
                f"n_components: must be <= the number of samples {bits.shape[0]}, got {K}"
            )
        _check_em_memory(bits.shape[0], bits.shape[1], K, bits.shape[1])
        with reporter(self.progress, "BernoulliMixture.fit", "iteration") as report:
            out = _core.bernoulli_mixture_fit(
                bits, K, a, b, weight_alpha, tol, max_iter, n_init, seed, threads, report
            )
        self.weights_ = out["weights"]
        self.probs_ = out["probs"]
        self.encoding_ = encoding
        self.n_features_in_ = bits.shape[1]
        self.log_prior_ = float(out["log_prior"])
        self._store_summary(out)
        return self

    def _posterior(self, X) -> dict:
        self._check_fitted()
        bits, _ = _as_binary(X)
        if bits.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X: has {bits.shape[1]} variables but the model was fitted with {self.n_features_in_}"
            )
        threads = as_int(self.threads, "threads", minimum=1)
        _check_em_memory(bits.shape[0], bits.shape[1], self.weights_.size, 0)
        return _core.bernoulli_mixture_posterior(bits, self.weights_, self.probs_, threads)

    def cross_entropy(self, X) -> float:
        """−(1/(n D)) Σ_i ln p(x_i): nats per variable (per spin); ≥ the data's entropy per
        variable when X is drawn from the data distribution independently of the fit."""
        return -self.elbo(X, "posterior")

    def elbo(self, X, family: str = "posterior", per_sample: bool = False):
        """ELBO per variable, (1/D) E_q[ln p(x, z) − ln q(z | x)], averaged over the samples.

        family : "posterior": q(z | x) = p(z | x), the exact posterior, where the ELBO equals
            ln p(x) (so −elbo = cross_entropy); "hard": q(z | x) = δ(z − z*) with
            z* = argmax_z p(z | x), where the ELBO is ln p(x, z*) ≤ ln p(x).
        per_sample : return the (n_samples,) values instead of their mean (for error bars).
        """
        family = as_choice(family, "family", ELBO_FAMILIES)
        per_sample = as_bool(per_sample, "per_sample")
        post = self._posterior(X)
        values = post["log_prob"]
        if family == "hard":
            values = values + post["log_resp"].max(axis=1)
        values = values / self.n_features_in_
        return values if per_sample else float(np.mean(values))

    def sample(
        self, n_samples: int = 1, random_state: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Draw (X, labels): labels ~ weights, x_j ~ Bernoulli(probs[label, j]); X is int8 in the
        training data's encoding (±1 spins or 0/1 bits). random_state None: the estimator's."""
        n, rng, labels = self._sample_labels(n_samples, random_state)
        bits = (rng.random((n, self.n_features_in_)) < self.probs_[labels]).astype(np.int8)
        return (2 * bits - 1 if self.encoding_ == "spins" else bits), labels
