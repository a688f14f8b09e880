"""Argument checks shared by the public API: each raises ValueError naming the parameter."""

from __future__ import annotations

import numbers
import os
import reprlib

import numpy as np

from . import _core

__all__ = [
    "INT32_MAX",
    "INT64_MAX",
    "MAX_SCALED",
    "MAX_SQUARED_ENERGY",
    "as_bool",
    "as_choice",
    "as_float",
    "as_int",
    "as_iteration_settings",
    "as_model",
    "as_real_array",
    "as_seed",
    "as_temperatures",
    "check_energy_bound",
    "check_energy_scale",
    "check_memory",
    "energy_bound",
    "memory_limit",
    "set_memory_limit",
]


INT32_MAX = 2**31 - 1  # the core's int parameters (sizes, counts of spins, threads)
INT64_MAX = 2**63 - 1  # the core's 64-bit counts (sweeps)


def as_int(value, name: str, minimum: int | None = None, maximum: int = INT32_MAX) -> int:
    """An integer (bools and non-integral floats refused) in [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name}: must be an integer, got {_short(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name}: must be >= {minimum}, got {value}")
    if value > maximum:
        raise ValueError(f"{name}: must be <= {maximum}, got {value}")
    return value


def _short(value) -> str:
    """repr of an argument, cut short (a message must not print a whole array)."""
    return reprlib.repr(value)


def as_float(value, name: str, finite: bool = True) -> float:
    """A real number, finite unless ``finite`` is False (strings, complex numbers and arrays refused)."""
    try:
        # float() would take "2.5", and the real part of a complex with only a warning
        if isinstance(value, (str, bytes)) or np.ndim(value) != 0 or np.iscomplexobj(value):
            raise TypeError
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name}: must be a real number, got {_short(value)}") from None
    if finite and not np.isfinite(x):
        raise ValueError(f"{name}: must be finite, got {value!r}")
    return x


def as_real_array(value, name: str) -> np.ndarray:
    """``value`` as a float array; complex numbers, strings, None and ragged nesting refused.

    NaN and inf pass: callers check finiteness (and shape) themselves, with their own words.
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):  # ragged nesting
        raise ValueError(f"{name}: must be an array of real numbers, got {_short(value)}") from None
    if arr.dtype.kind == "O" and any(
        isinstance(x, (complex, np.complexfloating)) for x in arr.flat
    ):
        arr = arr.astype(complex)
    if arr.dtype.kind == "c":  # NumPy would drop the imaginary part with only a warning
        raise ValueError(f"{name}: must be real, got complex values")
    if arr.dtype.kind not in "biufO":
        raise ValueError(f"{name}: must be an array of real numbers, got dtype {arr.dtype}")
    try:
        return arr.astype(float)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name}: must be an array of real numbers, got {_short(value)}") from None


def as_seed(value, name: str = "seed") -> int:
    """A seed: an integer in [0, 2**64)."""
    return as_int(value, name, minimum=0, maximum=2**64 - 1)


def as_temperatures(T, name: str = "T") -> np.ndarray:
    """A scalar or 1-D sequence of finite, positive temperatures whose 1/T is finite too, as a
    1-D float array."""
    arr = np.atleast_1d(as_real_array(T, name))
    if arr.ndim != 1:
        raise ValueError(f"{name}: must be a scalar or 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name}: needs at least one temperature")
    bad = ~(np.isfinite(arr) & (arr > 0))
    if bad.any():
        k = int(np.argmax(bad))
        raise ValueError(
            f"{name}: every temperature must be finite and > 0, got {float(arr[k])!r} at index {k}"
        )
    k = int(np.argmin(arr))
    if arr[k] < 1.0 / np.finfo(float).max:  # everything works in beta = 1/T
        raise ValueError(f"{name}: too small, 1/T overflows: got {float(arr[k])!r} at index {k}")
    return arr


def as_bool(value, name: str) -> bool:
    """A flag: True or False (NumPy booleans and the integers 0 and 1 too)."""
    if isinstance(value, (bool, np.bool_)) or (
        isinstance(value, (numbers.Integral, np.integer)) and value in (0, 1)
    ):
        return bool(value)
    raise ValueError(f"{name}: must be True or False, got {_short(value)}")


def as_choice(value, name: str, choices: tuple[str, ...]) -> str:
    """One of a fixed set of strings."""
    if (
        not isinstance(value, str) or value not in choices
    ):  # `in` would compare an array elementwise
        raise ValueError(
            f"{name}: must be one of {', '.join(map(repr, choices))}, got {_short(value)}"
        )
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


# --------------------------------------------------------------------------- models

_MODEL_KINDS = "a SquareLattice, CubicLattice or Graph"


def as_model(model, name: str = "model"):
    """A lattice or graph whose constructor ran (``Cls.__new__(Cls)`` makes one whose C++ value
    was never built: the core would read uninitialised memory)."""
    if not isinstance(model, (_core.Lattice, _core.Graph)):
        raise ValueError(f"{name}: must be {_MODEL_KINDS}, got {type(model).__name__}")
    if not _core.is_constructed(model):
        raise ValueError(
            f"{name}: this {type(model).__name__} was never constructed (__new__ without __init__)"
        )
    return model


# --------------------------------------------------------------------------- supported ranges

#: Largest supported product of scales: beta times the energy bound, T times the number of
#: spins. A margin of about 1e3 below the largest double for the sums these products enter.
MAX_SCALED = 1e305
#: Largest supported energy bound where energies are squared (exact enumeration's <E^2>, summed
#: over up to 2^30 states; TAP's J_ij^2).
MAX_SQUARED_ENERGY = 1e145


def energy_bound(model) -> float:
    """sum_ij |J_ij| + sum_i |h_i|: no configuration has |E| above it (inf if that overflows)."""
    if isinstance(model, _core.Lattice):
        n = float(model.n)
        return model.dim * n * abs(model.J) + n * abs(model.h)
    with np.errstate(over="ignore"):
        return float(np.abs(model.couplings).sum() + np.abs(model.fields).sum())


def check_energy_bound(bound: float, name: str, limit: float = MAX_SCALED) -> float:
    """``bound`` (an energy bound sum |J_ij| + sum |h_i|) if it is at most ``limit``; else
    ValueError naming ``name``."""
    if not bound <= limit:
        raise ValueError(
            f"{name}: too large: the energy bound sum |J_ij| + sum |h_i| = {bound:.3g} exceeds {limit:.0e}"
        )
    return bound


def check_energy_scale(
    bound: float,
    n_spins: int,
    temps: np.ndarray,
    *,
    squares: bool = False,
    entropy: bool = False,
    name: str = "model",
) -> None:
    """The supported range of a model of ``n_spins`` spins with energy bound ``bound`` (see
    :func:`energy_bound`) at temperatures ``temps`` (validated by :func:`as_temperatures`):

    - E_max = sum |J_ij| + sum |h_i| <= MAX_SCALED, and beta E_max <= MAX_SCALED;
    - ``squares`` (the method squares energies): E_max <= MAX_SQUARED_ENERGY, beta E_max^2 <= MAX_SCALED;
    - ``entropy`` (the method sums T times per-spin entropies): T N <= MAX_SCALED.

    Raises ValueError naming ``name`` (for E_max) or ``T``.
    """
    check_energy_bound(bound, name, MAX_SQUARED_ENERGY if squares else MAX_SCALED)
    k = int(np.argmin(temps))
    scaled = bound / float(temps[k]) * (bound if squares else 1.0)
    if scaled > MAX_SCALED:
        what = "beta E_max^2" if squares else "beta E_max"
        raise ValueError(
            f"T: too small for this model: {what} = {scaled:.3g} exceeds {MAX_SCALED:.0e} "
            f"(E_max = sum |J_ij| + sum |h_i| = {bound:.3g}) at T = {float(temps[k])!r}, index {k}"
        )
    k = int(np.argmax(temps))
    if entropy and float(temps[k]) * n_spins > MAX_SCALED:
        raise ValueError(
            f"T: too large for this model: T N = {float(temps[k]) * n_spins:.3g} exceeds {MAX_SCALED:.0e} "
            f"at T = {float(temps[k])!r}, index {k}"
        )


# --------------------------------------------------------------------------- memory

_memory_limit: int | None = None  # set_memory_limit's value; None: the default
_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


def _parse_bytes(value, name: str) -> int:
    """A positive number of bytes: a number, or a string with a suffix k, M, G or T (powers of 1024)."""
    if isinstance(value, str):
        text = value.strip().lower().removesuffix("b").removesuffix("i")
        unit = text[-1:] if text[-1:] in _UNITS else ""
        try:
            number = float(text[: len(text) - len(unit)])
        except ValueError:
            raise ValueError(
                f"{name}: must be a number of bytes such as 8G or 512M, got {value!r}"
            ) from None
        value = number * _UNITS[unit]
    value = as_float(value, name)
    if value < 1:
        raise ValueError(f"{name}: must be >= 1 byte, got {value!r}")
    return int(value)


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf: assume 16 GiB
        return 16 * 2**30


def memory_limit() -> int:
    """The largest allocation, in bytes, that a call may need before it starts.

    Returns
    -------
    int
        The value of :func:`set_memory_limit`, else the environment variable
        ``ISINGVI_MEMORY_LIMIT`` (bytes, or with a suffix k, M, G, T: powers of 1024), else half
        the physical memory.

    Raises
    ------
    ValueError
        Naming ``ISINGVI_MEMORY_LIMIT`` if that variable is set but not a number of bytes.

    Examples
    --------
    >>> import isingvi as iv
    >>> iv.set_memory_limit("512M")
    >>> iv.memory_limit()
    536870912
    >>> iv.set_memory_limit(None)
    """
    if _memory_limit is not None:
        return _memory_limit
    env = os.environ.get("ISINGVI_MEMORY_LIMIT")
    if env:
        return _parse_bytes(env, "ISINGVI_MEMORY_LIMIT")
    return _physical_memory() // 2


def set_memory_limit(limit=None) -> None:
    """Set the memory limit of :func:`memory_limit`.

    Calls whose estimated memory exceeds it raise ValueError before allocating.

    Parameters
    ----------
    limit : int, float, str or None, default None
        A number of bytes (>= 1), a string such as "8G" or "512M" (suffixes k, M, G, T: powers
        of 1024), or None for the default (``ISINGVI_MEMORY_LIMIT``, else half the physical
        memory).

    Raises
    ------
    ValueError
        Naming ``limit`` if it is not a number of bytes >= 1.

    Examples
    --------
    >>> import isingvi as iv
    >>> iv.set_memory_limit(2**20)
    >>> iv.memory_limit()
    1048576
    >>> iv.set_memory_limit(None)  # back to the default
    """
    global _memory_limit
    _memory_limit = None if limit is None else _parse_bytes(limit, "limit")


def check_memory(nbytes: float, name: str, what: str) -> None:
    """ValueError naming ``name`` if ``what`` would need more than :func:`memory_limit` bytes."""
    limit = memory_limit()
    if nbytes > limit:
        raise ValueError(
            f"{name}: {what} would need {nbytes / 2**30:.3g} GiB, more than the memory limit of "
            f"{limit / 2**30:.3g} GiB (isingvi.set_memory_limit or ISINGVI_MEMORY_LIMIT)"
        )
