"""scikit-learn's estimator base classes when it is installed, a minimal stand-in otherwise.

scikit-learn (>= 1.6, for its tags API) is optional: without it the mixtures still have get_params, set_params and a
repr, raise NotFittedError before fit and warn with ConvergenceWarning, which are then this
module's own classes (subclasses of the same built-in exceptions and warnings as
scikit-learn's).
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from ._validate import as_seed


class _ParamsBase:
    """get_params / set_params / repr from the constructor's signature, as scikit-learn's."""

    @classmethod
    def _get_param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return sorted(p for p in sig.parameters if p != "self")

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor arguments, by name.

        Parameters
        ----------
        deep : bool, default True
            Accepted for scikit-learn compatibility (no parameter is an estimator).

        Returns
        -------
        dict
            Parameter name -> value.
        """
        return {p: getattr(self, p) for p in self._get_param_names()}

    def set_params(self, **params: Any) -> Any:
        """Set constructor arguments by name.

        Parameters
        ----------
        **params
            New values, by parameter name.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If a name is not a parameter of the estimator.
        """
        valid = self._get_param_names()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"{key}: not a parameter of {type(self).__name__}")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        default = {
            p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()
        }
        changed = [
            f"{k}={v!r}"
            for k, v in self.get_params().items()
            if k not in default or not _same(v, default[k])
        ]
        return f"{type(self).__name__}({', '.join(changed)})"


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):  # arrays compare elementwise
        return False


class _DensityBase:
    """Stand-in for scikit-learn's DensityMixin (which only marks the estimator type)."""

    _estimator_type = "DensityEstimator"


try:
    from sklearn.base import BaseEstimator, DensityMixin
    from sklearn.exceptions import ConvergenceWarning, NotFittedError
    from sklearn.utils import InputTags  # noqa: F401  (scikit-learn >= 1.6: estimator tags)

    HAVE_SKLEARN = True
except ImportError:  # scikit-learn is optional; before 1.6 it has no tags API
    HAVE_SKLEARN = False
    BaseEstimator = _ParamsBase  # type: ignore[misc,assignment]
    DensityMixin = _DensityBase  # type: ignore[misc,assignment]

    class NotFittedError(ValueError, AttributeError):  # type: ignore[no-redef]
        """Raised when a method needs a fitted estimator (as scikit-learn's)."""

    class ConvergenceWarning(UserWarning):  # type: ignore[no-redef]
        """Issued when an iterative fit stops at its iteration cap (as scikit-learn's)."""


__all__ = [
    "HAVE_SKLEARN",
    "BaseEstimator",
    "ConvergenceWarning",
    "DensityMixin",
    "NotFittedError",
    "seed_from",
]


def seed_from(random_state: Any, name: str = "random_state") -> int:
    """A 64-bit seed for the core from scikit-learn-style ``random_state``.

    None: fresh OS entropy; an integer >= 0: itself; a ``numpy.random.Generator`` or
    ``RandomState``: one draw from it (so repeated fits with the same object differ, as in
    scikit-learn).
    """
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1, np.uint64)[0])
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**64, dtype=np.uint64))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**63 - 1, dtype=np.int64))
    return as_seed(random_state, name)
