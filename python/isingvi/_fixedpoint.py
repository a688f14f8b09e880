"""What the fixed-point solvers' results share (mean field, TAP and BP): the tidy summary."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _core
from ._validate import (
    as_float,
    as_real_array,
    as_temperatures,
    check_energy_scale,
    check_memory,
    energy_bound,
)


def check_model_and_temperatures(model, temps: np.ndarray, *, squares: bool = False) -> None:
    """The supported range of a fixed-point solver (their free energies sum T times an entropy
    per spin; TAP squares couplings) and a memory estimate: per temperature the magnetisations,
    correlations and messages, once the model's graph and adjacency."""
    check_energy_scale(energy_bound(model), model.n, temps, squares=squares, entropy=True)
    n_edges = model.dim * model.n if isinstance(model, _core.Lattice) else model.n_edges
    parts = {"T": 8.0 * temps.size * (model.n + n_edges), "model": 64.0 * (model.n + n_edges)}
    check_memory(
        sum(parts.values()),
        max(parts, key=parts.__getitem__),
        f"{temps.size} temperatures of {model.n} spins",
    )


def summary_table(result, settings: tuple[str, ...], **fixed) -> pd.DataFrame:
    """One row per temperature: T, beta, the ``fixed`` columns, the solver's ``settings`` (names of
    attributes of ``result``, in order), f, u (per spin), m (mean of m_i), abs_m (mean of |m_i|),
    converged, n_iter."""
    missing = [
        a for a in ("T", "f", "u", "m", "converged", "n_iter", *settings) if not hasattr(result, a)
    ]
    if missing:  # e.g. a result made by __new__ without __init__
        raise ValueError(f"result: lacks the attributes {', '.join(missing)}")
    # The result classes store what they are given: check it before tabulating.
    T = as_temperatures(result.T, "result.T")
    columns = {}
    for name, ndim in (("f", 1), ("u", 1), ("m", 2), ("converged", 1), ("n_iter", 1)):
        arr = as_real_array(getattr(result, name), f"result.{name}")
        if arr.ndim != ndim or arr.shape[0] != T.size or not np.all(np.isfinite(arr)):
            raise ValueError(
                f"result.{name}: must be finite, {ndim}-D, with one row per temperature ({T.size}); "
                f"got shape {arr.shape}"
            )
        columns[name] = arr
    for name in settings:  # labels: a string or one finite number each
        if not isinstance(getattr(result, name), str):
            as_float(getattr(result, name), f"result.{name}")
    return pd.DataFrame(
        {
            "T": T,
            "beta": 1.0 / T,
            **fixed,
            **{name: getattr(result, name) for name in settings},
            "f": columns["f"],
            "u": columns["u"],
            "m": columns["m"].mean(axis=1),
            "abs_m": np.abs(columns["m"]).mean(axis=1),
            "converged": np.asarray(result.converged, dtype=bool),
            "n_iter": np.asarray(result.n_iter),
        }
    )
