"""MADE as a density model of binary data, fitted by maximum likelihood.

Its ln q(x) is exact (an autoregressive product), so the held-out cross-entropy
H(p_D, q) = −E_{p_D}[ln q(x)] is computed, not bounded: on samples of a Boltzmann
distribution it sits above the exact entropy, s ≤ H(p_D, q) / N, with equality only for
q = p.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._progress import reporter
from .._validate import INT64_MAX, as_int, as_seed
from . import _made
from ._fit import Estimator, as_spins, check_training, fit_minibatch
from ._jax import require_jax

__all__ = ["MADE"]


class MADE(Estimator):
    """Masked autoregressive density model (MADE) of ±1 spins or 0/1 bits.

    Parameters
    ----------
    hidden : int, default 64
        Units per hidden layer.
    depth : int, default 1
        Hidden layers.
    n_epochs, batch_size, lr : int, int, float
        Adam on the mean negative log-likelihood, shuffled minibatches (defaults 50, 256,
        1e-3).
    random_state : int, default 0
        Integer seed of the initial weights and the shuffling.
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
        epoch, nll = mean training −ln q(x) per spin in nats.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).choice([-1, 1], size=(64, 4))  # 64 samples of 4 spins
    >>> from isingvi.neural import MADE
    >>> made = MADE(hidden=8, n_epochs=2, batch_size=32).fit(X)
    >>> made.trace_.columns.tolist(), made.n_features_in_
    (['epoch', 'nll'], 4)
    """

    def __init__(
        self,
        hidden: int = 64,
        depth: int = 1,
        *,
        n_epochs: int = 50,
        batch_size: int = 256,
        lr: float = 1e-3,
        random_state: int = 0,
        progress=False,
    ) -> None:
        self.hidden = hidden
        self.depth = depth
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.random_state = random_state
        self.progress = progress

    def _mask(self):
        _, jnp, _ = require_jax()
        return {
            k: jnp.asarray(v)
            for k, v in _made.masks(self.n_features_in_, self.hidden_, self.depth_).items()
        }

    def fit(self, X, y=None) -> MADE:
        """Fit by maximum likelihood.

        Parameters
        ----------
        X : array_like, shape (n_samples, D)
            ±1 spins or 0/1 bits.
        y : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        MADE
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
        >>> X = np.random.default_rng(0).choice([-1, 1], size=(64, 4))  # 64 samples of 4 spins
        >>> from isingvi.neural import MADE
        >>> len(MADE(hidden=8, n_epochs=2, batch_size=32).fit(X).trace_)
        2
        """
        jax, jnp, _ = require_jax()
        settings = check_training(self)
        hidden, depth = as_int(self.hidden, "hidden", 1, 2**16), as_int(self.depth, "depth", 1, 16)
        x, self.encoding_ = as_spins(X)
        self.n_features_in_, self.hidden_, self.depth_ = x.shape[1], hidden, depth
        mask = self._mask()
        key = jax.random.PRNGKey(settings["seed"])
        key, init_key = jax.random.split(key)
        params = _made.init(init_key, x.shape[1], hidden, depth)

        def loss(p, batch, _key):
            return -jnp.mean(_made.log_prob(p, mask, batch))

        with reporter(self.progress, "MADE.fit", "epoch") as report:
            self.params_, losses = fit_minibatch(loss, params, x, settings, key, report)
        self.trace_ = pd.DataFrame(
            {"epoch": np.arange(1, len(losses) + 1), "nll": losses / x.shape[1]}
        )
        return self

    def score_samples(self, X) -> np.ndarray:
        """ln q(x) of every sample, in nats (exact).

        Parameters
        ----------
        X : array_like, shape (n_samples, D)
            ±1 spins or 0/1 bits.

        Returns
        -------
        ndarray, shape (n_samples,)
            ln q(x).

        Raises
        ------
        ValueError
            Naming ``fit`` before fitting, or ``X`` (not binary, or not D features).

        Examples
        --------
        >>> import numpy as np
        >>> X = np.random.default_rng(0).choice([-1, 1], size=(64, 4))  # 64 samples of 4 spins
        >>> from isingvi.neural import MADE
        >>> made = MADE(hidden=8, n_epochs=2, batch_size=32).fit(X)
        >>> lq = made.score_samples(X)
        >>> lq.shape, bool((lq < 0).all())
        ((64,), True)
        """
        self._check_fitted()
        _, jnp, _ = require_jax()
        x, _ = as_spins(X)
        self._check_features(x)
        return np.asarray(
            _made.log_prob(self.params_, self._mask(), jnp.asarray(x)), dtype=np.float64
        )

    def score(self, X, y=None) -> float:
        """Mean ln q(x), nats per sample.

        Parameters
        ----------
        X : array_like, shape (n_samples, D)
            ±1 spins or 0/1 bits.
        y : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        float
            The mean log-likelihood.

        Raises
        ------
        ValueError
            As for :meth:`score_samples`.

        Examples
        --------
        >>> import numpy as np
        >>> X = np.random.default_rng(0).choice([-1, 1], size=(64, 4))  # 64 samples of 4 spins
        >>> from isingvi.neural import MADE
        >>> made = MADE(hidden=8, n_epochs=2, batch_size=32).fit(X)
        >>> bool(made.score(X) < 0)
        True
        """
        return float(np.mean(self.score_samples(X)))

    def cross_entropy(self, X) -> float:
        """The cross-entropy of the data X under the model, nats per spin.

        Parameters
        ----------
        X : array_like, shape (n_samples, D)
            ±1 spins or 0/1 bits (held-out data for an honest estimate).

        Returns
        -------
        float
            −mean ln q(x) / D.

        Raises
        ------
        ValueError
            As for :meth:`score_samples`.

        Examples
        --------
        Uniform random spins have entropy ln 2 = 0.693 per spin; no model beats it:

        >>> import numpy as np
        >>> X = np.random.default_rng(0).choice([-1, 1], size=(64, 4))  # 64 samples of 4 spins
        >>> from isingvi.neural import MADE
        >>> made = MADE(hidden=8, n_epochs=2, batch_size=32).fit(X)
        >>> bool(made.cross_entropy(X) > 0.5)
        True
        """
        return -self.score(X) / self.n_features_in_

    def sample(self, n_samples: int = 1, random_state: int | None = None) -> np.ndarray:
        """Exact samples of the model, in the training data's encoding.

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
        >>> X = np.random.default_rng(0).choice([-1, 1], size=(64, 4))  # 64 samples of 4 spins
        >>> from isingvi.neural import MADE
        >>> made = MADE(hidden=8, n_epochs=2, batch_size=32).fit(X)
        >>> made.sample(3, random_state=0).shape
        (3, 4)
        """
        self._check_fitted()
        jax, _, _ = require_jax()
        n = as_int(n_samples, "n_samples", 1, INT64_MAX)
        seed = as_seed(self.random_state if random_state is None else random_state, "random_state")
        x, _ = _made.sample(
            self.params_, self._mask(), jax.random.fold_in(jax.random.PRNGKey(seed), 1), n
        )
        x = np.asarray(x).astype(np.int8)
        return x if self.encoding_ == "spins" else ((x + 1) // 2).astype(np.uint8)
