"""Variational autoencoder on binary data: amortised variational inference.

A latent z ~ N(0, I) (dimension ``n_latent``), a Bernoulli decoder p(x | z) = Π_j
Bernoulli(x_j; sigmoid(f(z)_j)) and a Gaussian encoder q(z | x) = N(μ(x), diag σ(x)²), both
one-hidden-layer networks. Training maximises the ELBO

    ELBO(x) = E_q[ln p(x | z)] − KL(q(z | x) ‖ N(0, I))  ≤  ln p(x)

with the reparameterisation z = μ + σ ε. The importance-weighted bound

    IWAE_k(x) = E[ln (1/k) Σ_i p(x, z_i) / q(z_i | x)],  z_i ~ q(z | x),

satisfies ELBO = IWAE_1 ≤ IWAE_k ≤ IWAE_{k'} ≤ ln p(x) for k ≤ k' (Burda et al. 2016), and
tends to ln p(x) as k grows. Every value is returned per spin (divided by the number of
features), in nats.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .._progress import reporter
from .._validate import INT64_MAX, as_int, as_seed, check_memory
from ._fit import Estimator, as_spins, check_training, fit_minibatch
from ._jax import require_jax

__all__ = ["VAE"]

_LOG_2PI = math.log(2.0 * math.pi)


def _dense(key, fan_in: int, fan_out: int):
    jax, jnp, _ = require_jax()
    return {
        "W": jax.random.normal(key, (fan_in, fan_out)) / np.sqrt(fan_in),
        "b": jnp.zeros(fan_out),
    }


def _encode(p, x):
    _, jnp, _ = require_jax()
    h = jnp.tanh(x @ p["enc"]["W"] + p["enc"]["b"])
    return h @ p["mu"]["W"] + p["mu"]["b"], h @ p["log_sigma"]["W"] + p["log_sigma"]["b"]


def _decoder_logits(p, z):
    _, jnp, _ = require_jax()
    return jnp.tanh(z @ p["dec"]["W"] + p["dec"]["b"]) @ p["out"]["W"] + p["out"]["b"]


def _log_px_given_z(p, z, x):
    """ln p(x | z) for ±1 data x (..., D) and latents z (..., n_latent)."""
    jax, jnp, _ = require_jax()
    return jnp.sum(jax.nn.log_sigmoid(x * _decoder_logits(p, z)), axis=-1)


def _log_weights(p, x, key, k: int):
    """ln p(x, z_i) − ln q(z_i | x) for k draws z_i ~ q(z | x): shape (k, B)."""
    jax, jnp, _ = require_jax()
    mu, log_sigma = _encode(p, x)
    eps = jax.random.normal(key, (k, *mu.shape))
    z = mu + jnp.exp(log_sigma) * eps
    log_prior = -0.5 * jnp.sum(z**2 + _LOG_2PI, axis=-1)
    log_q = -0.5 * jnp.sum(eps**2 + _LOG_2PI, axis=-1) - jnp.sum(log_sigma, axis=-1)
    return _log_px_given_z(p, z, x) + log_prior - log_q


def _elbo(p, x, key, n_samples: int):
    """ELBO per sample (B,): Monte Carlo reconstruction term, exact Gaussian KL."""
    jax, jnp, _ = require_jax()
    mu, log_sigma = _encode(p, x)
    eps = jax.random.normal(key, (n_samples, *mu.shape))
    z = mu + jnp.exp(log_sigma) * eps
    kl = 0.5 * jnp.sum(mu**2 + jnp.exp(2 * log_sigma) - 1.0 - 2.0 * log_sigma, axis=-1)
    return jnp.mean(_log_px_given_z(p, z, x), axis=0) - kl


class VAE(Estimator):
    """Variational autoencoder for ±1 spins or 0/1 bits (scikit-learn style).

    Parameters
    ----------
    n_latent : int, default 2
        Dimension of z.
    hidden : int, default 64
        Units of the encoder's and the decoder's hidden layer.
    n_epochs, batch_size, lr : int, int, float
        Adam on the negative ELBO (one reparameterised draw per sample and step), shuffled
        minibatches (defaults 100, 128, 1e-3).
    random_state : int, default 0
        Integer seed of the initial weights, the shuffling and every draw.
    progress : False, True or callable
        True shows a bar of epochs; a callable is called as ``progress(done, total)``. Ctrl-C
        stops fit between two minibatches.

    Attributes
    ----------
    params_ : dict
        The fitted weights.
    n_features_in_ : int
        Number of spins D.
    encoding_ : {"spins", "bits"}
        The encoding of the training data, which :meth:`sample` returns.
    trace_ : pandas.DataFrame
        epoch, and elbo = the mean training ELBO per spin of that epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from isingvi.neural import VAE
    >>> X = np.random.default_rng(0).choice([-1, 1], size=(64, 4))  # 64 samples of 4 spins
    >>> vae = VAE(n_latent=2, hidden=8, n_epochs=2, batch_size=32).fit(X)
    >>> vae.trace_.columns.tolist()
    ['epoch', 'elbo']
    """

    def __init__(
        self,
        n_latent: int = 2,
        hidden: int = 64,
        *,
        n_epochs: int = 100,
        batch_size: int = 128,
        lr: float = 1e-3,
        random_state: int = 0,
        progress=False,
    ) -> None:
        self.n_latent = n_latent
        self.hidden = hidden
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.random_state = random_state
        self.progress = progress

    def fit(self, X, y=None) -> VAE:
        """Fit by maximising the ELBO of X.

        Parameters
        ----------
        X : array_like, shape (n_samples, D)
            ±1 spins or 0/1 bits.
        y : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        VAE
            self, fitted.

        Raises
        ------
        ValueError
            Naming ``X`` (not binary, not 2-D) or a constructor parameter that is invalid.
        ImportError
            Without JAX (the ``neural`` extra).

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.neural import VAE
        >>> X = np.random.default_rng(0).choice([-1, 1], size=(64, 4))
        >>> vae = VAE(hidden=8, n_epochs=2, batch_size=32).fit(X)
        >>> vae.n_features_in_
        4
        """
        jax, jnp, _ = require_jax()
        settings = check_training(self)
        n_latent, hidden = (
            as_int(self.n_latent, "n_latent", 1, 2**12),
            as_int(self.hidden, "hidden", 1, 2**16),
        )
        x, self.encoding_ = as_spins(X)
        D = x.shape[1]
        self.n_features_in_ = D
        keys = jax.random.split(jax.random.PRNGKey(settings["seed"]), 6)
        params = {
            "enc": _dense(keys[0], D, hidden),
            "mu": _dense(keys[1], hidden, n_latent),
            "log_sigma": _dense(keys[2], hidden, n_latent),
            "dec": _dense(keys[3], n_latent, hidden),
            "out": _dense(keys[4], hidden, D),
        }
        params["log_sigma"]["W"] = params["log_sigma"]["W"] * 0.1  # start near σ = 1

        def loss(p, batch, key):
            return -jnp.mean(_elbo(p, batch, key, 1))

        with reporter(self.progress, "VAE.fit", "epoch") as report:
            self.params_, losses = fit_minibatch(loss, params, x, settings, keys[5], report)
        self.trace_ = pd.DataFrame({"epoch": np.arange(1, len(losses) + 1), "elbo": -losses / D})
        return self

    def _per_sample(self, X, k: int, seed, elbo: bool, chunk: int) -> np.ndarray:
        self._check_fitted()
        jax, jnp, _ = require_jax()
        x, _ = as_spins(X)
        self._check_features(x)
        key = jax.random.PRNGKey(as_seed(self.random_state if seed is None else seed, "seed"))
        check_memory(
            4.0 * k * min(chunk, len(x)) * (self.n_features_in_ + 2 * self.hidden),
            "k",
            f"{k} latent draws for {min(chunk, len(x))} samples",
        )
        out = []
        for c, start in enumerate(range(0, len(x), chunk)):
            batch, sub = jnp.asarray(x[start : start + chunk]), jax.random.fold_in(key, c)
            if elbo:
                out.append(np.asarray(_elbo(self.params_, batch, sub, k), dtype=np.float64))
            else:
                lw = _log_weights(self.params_, batch, sub, k)
                out.append(
                    np.asarray(
                        jax.scipy.special.logsumexp(lw, axis=0) - math.log(k), dtype=np.float64
                    )
                )
        return np.concatenate(out) / self.n_features_in_

    def elbo(
        self, X, n_samples: int = 16, per_sample: bool = False, seed: int | None = None
    ) -> float | np.ndarray:
        """ELBO per spin (nats): the exact Gaussian KL and a Monte Carlo reconstruction term.

        Parameters
        ----------
        X : array_like, shape (n_samples, D)
            ±1 spins or 0/1 bits.
        n_samples : int, default 16
            Draws of z per sample for the reconstruction term.
        per_sample : bool, default False
            Return every sample's ELBO instead of the mean.
        seed : int, optional
            Seed of the draws (default: ``random_state``).

        Returns
        -------
        float or ndarray of shape (n_samples,)
            The mean over X, or every sample's with ``per_sample``.

        Raises
        ------
        ValueError
            Naming ``fit`` before fitting, ``X``, ``n_samples`` or ``seed``.

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.neural import VAE
        >>> X = np.random.default_rng(0).choice([-1, 1], size=(64, 4))
        >>> vae = VAE(hidden=8, n_epochs=2, batch_size=32).fit(X)
        >>> bool(vae.elbo(X, seed=0) < 0), vae.elbo(X[:5], per_sample=True).shape
        (True, (5,))
        """
        n_samples = as_int(n_samples, "n_samples", 1, 2**20)
        values = self._per_sample(X, n_samples, seed, True, max(1, 2**16 // n_samples))
        return values if per_sample else float(values.mean())

    def iwae(
        self, X, k: int, per_sample: bool = False, seed: int | None = None
    ) -> float | np.ndarray:
        """IWAE_k per spin (nats): ln of the mean of k importance weights p(x, z) / q(z | x).

        z ~ q(z | x). A lower bound of ln p(x) / D, rising with k (IWAE_1 = ELBO).

        Parameters
        ----------
        X : array_like, shape (n_samples, D)
            ±1 spins or 0/1 bits.
        k : int
            Importance samples per x, >= 1.
        per_sample : bool, default False
            Return every sample's bound instead of the mean.
        seed : int, optional
            Seed of the draws (default: ``random_state``).

        Returns
        -------
        float or ndarray of shape (n_samples,)
            The mean over X, or every sample's with ``per_sample``.

        Raises
        ------
        ValueError
            Naming ``fit`` before fitting, ``X``, ``k`` (or its memory) or ``seed``.

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.neural import VAE
        >>> X = np.random.default_rng(0).choice([-1, 1], size=(64, 4))
        >>> vae = VAE(hidden=8, n_epochs=2, batch_size=32).fit(X)
        >>> bool(vae.iwae(X, k=100, seed=0) >= vae.elbo(X, seed=0))
        True
        """
        k = as_int(k, "k", 1, 2**20)
        values = self._per_sample(X, k, seed, False, max(1, 2**16 // k))
        return values if per_sample else float(values.mean())

    def decoder_log_prob(self, X, z) -> np.ndarray:
        """ln p(x | z) (nats, not per spin) of each sample x under each latent z.

        Parameters
        ----------
        X : array_like, shape (n_samples, D)
            ±1 spins or 0/1 bits.
        z : array_like, shape (n_z, n_latent)
            Latent points.

        Returns
        -------
        ndarray, shape (n_z, n_samples)
            ln p(x | z).

        Raises
        ------
        ValueError
            Naming ``fit`` before fitting, ``X`` or ``z`` (wrong shape).

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.neural import VAE
        >>> X = np.random.default_rng(0).choice([-1, 1], size=(64, 4))
        >>> vae = VAE(hidden=8, n_epochs=2, batch_size=32).fit(X)
        >>> vae.decoder_log_prob(X[:5], np.zeros((3, 2))).shape
        (3, 5)
        """
        self._check_fitted()
        _, jnp, _ = require_jax()
        x, _ = as_spins(X)
        self._check_features(x)
        z = np.asarray(z, dtype=np.float32)
        if z.ndim != 2 or z.shape[1] != self.params_["dec"]["W"].shape[0]:
            raise ValueError(
                f"z: must have shape (n_z, {self.params_['dec']['W'].shape[0]}), got {z.shape}"
            )
        return np.asarray(
            _log_px_given_z(self.params_, jnp.asarray(z)[:, None, :], jnp.asarray(x)[None]),
            dtype=np.float64,
        )

    def sample(self, n_samples: int = 1, random_state: int | None = None) -> np.ndarray:
        """Samples x ~ p(x | z), z ~ N(0, I), in the training data's encoding.

        Parameters
        ----------
        n_samples : int, default 1
            Number of samples.
        random_state : int, optional
            Seed (default: the estimator's ``random_state``).

        Returns
        -------
        ndarray, shape (n_samples, D)
            int8 ±1 spins, or uint8 0/1 bits if the model was fitted on bits.

        Raises
        ------
        ValueError
            Naming ``fit`` before fitting, ``n_samples`` or ``random_state``.

        Examples
        --------
        >>> import numpy as np
        >>> from isingvi.neural import VAE
        >>> X = np.random.default_rng(0).choice([-1, 1], size=(64, 4))
        >>> vae = VAE(hidden=8, n_epochs=2, batch_size=32).fit(X)
        >>> vae.sample(4, random_state=0).shape
        (4, 4)
        """
        self._check_fitted()
        jax, _jnp, _ = require_jax()
        n = as_int(n_samples, "n_samples", 1, INT64_MAX)
        key = jax.random.PRNGKey(
            as_seed(self.random_state if random_state is None else random_state, "random_state")
        )
        kz, kx = jax.random.split(jax.random.fold_in(key, 2))
        z = jax.random.normal(kz, (n, self.params_["dec"]["W"].shape[0]))
        p1 = jax.nn.sigmoid(_decoder_logits(self.params_, z))
        x = np.where(np.asarray(jax.random.uniform(kx, p1.shape) < p1), 1, -1).astype(np.int8)
        return x if self.encoding_ == "spins" else ((x + 1) // 2).astype(np.uint8)
