"""Tidy temperature sweeps: Monte Carlo plus analysis, one row per (model, T, algorithm, seed)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from . import _core
from ._validate import INT64_MAX, as_int, as_model
from .mc import run

__all__ = ["describe_model", "sweep"]


def describe_model(model) -> dict:
    """Identifying columns of a model, as :func:`sweep` writes them.

    Parameters
    ----------
    model : SquareLattice, CubicLattice or Graph
        The model.

    Returns
    -------
    dict
        ``model`` ("square", "cubic" or "graph"), ``L`` (lattices), ``n_spins``, and ``J`` and
        ``h`` where uniform (lattices); ``pandas.NA`` where they do not apply.

    Raises
    ------
    ValueError
        Naming ``model`` if it is not a model.

    Examples
    --------
    >>> import isingvi as iv
    >>> from isingvi.sweep import describe_model
    >>> describe_model(iv.SquareLattice(4))
    {'model': 'square', 'L': 4, 'n_spins': 16, 'J': 1.0, 'h': 0.0}
    """
    if isinstance(as_model(model), _core.Lattice):
        return {
            "model": "square" if model.dim == 2 else "cubic",
            "L": model.L,
            "n_spins": model.n,
            "J": model.J,
            "h": model.h,
        }
    return {"model": "graph", "L": pd.NA, "n_spins": model.n, "J": pd.NA, "h": pd.NA}


def _as_list(x) -> list:
    if getattr(x, "ndim", None) == 0:  # a 0-d array is Iterable but cannot be iterated
        return [x[()]]
    return (
        list(x)
        if isinstance(x, Iterable) and not isinstance(x, (str, bytes, _core.Lattice, _core.Graph))
        else [x]
    )


def sweep(
    models,
    T,
    algorithms="metropolis",
    seeds=0,
    n_therm: int = 1000,
    n_measure: int = 10000,
    every: int = 1,
    threads: int = 1,
    init: str = "random",
    n_blocks: int = 32,
) -> pd.DataFrame:
    """Run :func:`isingvi.mc.run` for every model, algorithm and seed, and summarise.

    Parameters
    ----------
    models : model or list of models
        SquareLattice, CubicLattice or Graph, or a list of them.
    T : float or array_like, 1-D
        Temperatures, > 0.
    algorithms : str or list of str, default "metropolis"
        Algorithm names (:data:`isingvi.mc.ALGORITHMS`).
    seeds : int or list of int, default 0
        Seeds; each seed is one independent run.
    n_therm, n_measure, every, threads, init
        As for :func:`isingvi.mc.run`; n_measure // every must be >= 2.
    n_blocks : int, default 32
        Blocks for the binning and jackknife errors, >= 2.

    Returns
    -------
    pandas.DataFrame
        One row per (model, T, algorithm, seed): model, L, n_spins, J, h, algorithm, sampler,
        seed, the run parameters, the columns of :func:`isingvi.analysis.summarise` (values and
        ``*_err`` errors), acceptance and cluster_size.

    Raises
    ------
    ValueError
        Naming ``models``, ``algorithms`` or ``seeds`` (empty), ``n_measure`` (fewer than two
        samples), ``n_blocks``, or a parameter of :func:`isingvi.mc.run`.

    Examples
    --------
    >>> import isingvi as iv
    >>> df = iv.sweep(iv.SquareLattice(4), T=[2.0, 3.0], algorithms=["metropolis", "wolff"],
    ...               n_therm=100, n_measure=1000)
    >>> df[["T", "algorithm"]].values.tolist()
    [[2.0, 'metropolis'], [3.0, 'metropolis'], [2.0, 'wolff'], [3.0, 'wolff']]
    >>> df.columns.tolist()[:8]
    ['model', 'L', 'n_spins', 'J', 'h', 'algorithm', 'sampler', 'seed']
    """
    n_blocks = as_int(n_blocks, "n_blocks", 2)
    model_list, algorithm_list, seed_list = _as_list(models), _as_list(algorithms), _as_list(seeds)
    for name, items in (
        ("models", model_list),
        ("algorithms", algorithm_list),
        ("seeds", seed_list),
    ):
        if not items:
            raise ValueError(f"{name}: needs at least one entry")
    if as_int(n_measure, "n_measure", 1, INT64_MAX) // as_int(every, "every", 1, INT64_MAX) < 2:
        raise ValueError(
            f"n_measure: the analysis needs at least 2 samples (n_measure // every >= 2), got {n_measure} // {every}"
        )
    frames = []
    for model in model_list:
        ident = describe_model(model)
        for algorithm in algorithm_list:
            for seed in seed_list:
                res = run(model, T, algorithm, n_therm, n_measure, every, seed, threads, init)
                try:
                    df = res.summary(n_blocks=n_blocks)
                except ValueError as exc:  # the run's own series: only too few samples can fail
                    raise ValueError(
                        f"n_measure: too few samples for the analysis ({exc})"
                    ) from None
                df.insert(0, "every", res.every)
                df.insert(0, "n_measure", res.n_measure)
                df.insert(0, "n_therm", res.n_therm)
                df.insert(0, "seed", res.seed)
                df.insert(0, "sampler", res.sampler)
                df.insert(0, "algorithm", res.algorithm)
                for key in reversed(list(ident)):
                    df.insert(0, key, ident[key])
                df["acceptance"] = res.acceptance
                df["cluster_size"] = res.cluster_size
                frames.append(df)
    return pd.concat(frames, ignore_index=True)
