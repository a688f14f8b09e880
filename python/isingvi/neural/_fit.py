"""What the neural density models share: binary data in, minibatch Adam, the sklearn habits."""

from __future__ import annotations

import inspect

import numpy as np

from .._validate import as_float, as_int, as_seed
from ._jax import require_jax


def as_spins(X, name: str = "X") -> tuple[np.ndarray, str]:
    """±1 float32 spins (n, D) from ±1 spins or 0/1 bits, and which encoding came in."""
    from ..em import _as_binary  # here: isingvi.em loads scikit-learn, seconds of import

    bits, encoding = _as_binary(X, name)
    return (2.0 * bits - 1.0).astype(np.float32), encoding


def check_training(model) -> dict:
    """The shared training settings of an estimator, validated."""
    lr = as_float(model.lr, "lr")
    if lr <= 0:
        raise ValueError(f"lr: must be > 0, got {lr}")
    return {
        "n_epochs": as_int(model.n_epochs, "n_epochs", 1, 10**7),
        "batch_size": as_int(model.batch_size, "batch_size", 1),
        "lr": lr,
        "seed": as_seed(model.random_state, "random_state"),
    }


def fit_minibatch(
    loss, params, X: np.ndarray, settings: dict, key, report
) -> tuple[dict, np.ndarray]:
    """Adam on loss(params, batch, key) over shuffled minibatches of X for n_epochs; returns the
    parameters and the mean loss of each epoch. report(done, total) counts epochs."""
    jax, jnp, optax = require_jax()
    opt = optax.adam(settings["lr"])
    state = opt.init(params)

    @jax.jit
    def step(params, state, batch, key):
        value, grads = jax.value_and_grad(loss)(params, batch, key)
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state, value

    n, size = len(X), min(settings["batch_size"], len(X))
    n_batches = (
        n // size
    )  # equal batches: one compiled step; the few left over join the next epoch's shuffle
    data = jnp.asarray(X)
    losses = np.empty(settings["n_epochs"])
    for epoch in range(settings["n_epochs"]):
        key, perm_key = jax.random.split(key)
        order = jax.random.permutation(perm_key, n)
        total = 0.0
        for b in range(n_batches):
            key, step_key = jax.random.split(key)
            params, state, value = step(
                params, state, data[order[b * size : (b + 1) * size]], step_key
            )
            total += float(value)
        losses[epoch] = total / n_batches
        if report is not None:
            report(epoch + 1, settings["n_epochs"])
    return params, losses


class Estimator:
    """get_params / set_params / repr from the constructor's signature, as scikit-learn does."""

    n_features_in_: int  # set by fit

    def get_params(self, deep: bool = True) -> dict:
        """The constructor's parameters and their values.

        Parameters
        ----------
        deep : bool, default True
            Accepted for scikit-learn compatibility; there are no nested estimators.

        Returns
        -------
        dict
            Parameter name -> value.

        Examples
        --------
        >>> from isingvi.neural import MADE
        >>> MADE(hidden=8).get_params()["hidden"]
        8
        """
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {p: getattr(self, p) for p in names}

    def set_params(self, **params) -> Estimator:
        """Set constructor parameters (as scikit-learn's set_params).

        Parameters
        ----------
        **params
            Parameter name -> new value.

        Returns
        -------
        Estimator
            self.

        Raises
        ------
        ValueError
            Naming a key that is not a parameter.

        Examples
        --------
        >>> from isingvi.neural import MADE
        >>> MADE().set_params(lr=0.01).lr
        0.01
        """
        valid = self.get_params()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"{key}: not a parameter of {type(self).__name__}")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_params().items())})"

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise ValueError(
                f"fit: this {type(self).__name__} is not fitted yet; call fit(X) first"
            )

    def _check_features(self, x: np.ndarray) -> None:
        if x.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X: has {x.shape[1]} features but the model was fitted with {self.n_features_in_}"
            )
