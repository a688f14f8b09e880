"""Argument checks shared by the public API: each raises ValueError naming the parameter."""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["INT32_MAX", "INT64_MAX", "as_int", "as_float", "as_seed", "as_temperatures", "as_choice",
           "as_iteration_settings"]


INT32_MAX = 2**31 - 1  # the core's int parameters (sizes, counts of spins, threads)
INT64_MAX = 2**63 - 1  # the core's 64-bit counts (sweeps)


def as_int(value, name: str, minimum: int | None = None, maximum: int = INT32_MAX) -> int:
    """An integer (bools and non-integral floats refused) in [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name}: must be an integer, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name}: must be >= {minimum}, got {value}")
    if value > maximum:
        raise ValueError(f"{name}: must be <= {maximum}, got {value}")
    return value


def as_float(value, name: str) -> float:
    """A finite real number."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: must be a real number, got {value!r}") from None
    if not np.isfinite(x):
        raise ValueError(f"{name}: must be finite, got {value!r}")
    return x


def as_seed(value, name: str = "seed") -> int:
    """A seed: an integer in [0, 2**64)."""
    return as_int(value, name, minimum=0, maximum=2**64 - 1)


def as_temperatures(T, name: str = "T") -> np.ndarray:
    """A scalar or 1-D sequence of finite, positive temperatures, as a 1-D float array."""
    try:
        arr = np.atleast_1d(np.asarray(T, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"{name}: must be a number or a 1-D array of numbers, got {T!r}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name}: must be a scalar or 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name}: needs at least one temperature")
    bad = ~(np.isfinite(arr) & (arr > 0))
    if bad.any():
        k = int(np.argmax(bad))
        raise ValueError(f"{name}: every temperature must be finite and > 0, got {arr[k]!r} at index {k}")
    return arr


def as_choice(value, name: str, choices: tuple[str, ...]) -> str:
    """One of a fixed set of strings."""
    if value not in choices:
        raise ValueError(f"{name}: must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def as_iteration_settings(damping, tol, max_iter) -> tuple[float, float, int]:
    """The fixed-point iteration settings of mean field and BP: damping in [0, 1), tol > 0 and
    max_iter >= 1 (the Python twin of the core's require_iteration_settings)."""
    damping = as_float(damping, "damping")
    if not 0.0 <= damping < 1.0:
        raise ValueError(f"damping: must be in [0, 1), got {damping}")
    tol = as_float(tol, "tol")
    if tol <= 0:
        raise ValueError(f"tol: must be > 0, got {tol}")
    return damping, tol, as_int(max_iter, "max_iter", 1, INT64_MAX)
