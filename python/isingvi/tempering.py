"""Parallel tempering (replica exchange) over a ladder of temperatures.

One replica per temperature runs single-spin sweeps (Metropolis or heat bath, sequential in
index order; lattices run as their :class:`~isingvi.Graph`) in the compiled core, with the
GIL released. After every ``swap_every``-th sweep a swap round tries each adjacent pair of the
sorted ladder, even pairs (0-1, 2-3, ...) then odd pairs (1-2, 3-4, ...), and exchanges the
two replicas' temperatures with probability min(1, exp((beta_k - beta_k+1)(E_k - E_k+1))),
which keeps the product of the Boltzmann distributions stationary. Replicas at high
temperature cross barriers that trap a single chain at low temperature, and carry their
configurations down the ladder.

Results are per temperature, not per replica, so :func:`isingvi.analysis.summarise` reads them
as it reads :func:`isingvi.mc.run`'s. Reproducibility: replica r, the one that starts at the
r-th lowest temperature T_r, draws from the stream (seed, T_r) that ``mc.run`` would use at
T_r; swap decisions draw from a separate stream in a fixed order; so results are bit-identical
for any ``threads``. With ``swap_every`` beyond the run (no swap round) every temperature's
series is exactly ``mc.run``'s on the model's Graph with the same algorithm and seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import _core
from ._progress import reporter
from ._validate import (
    INT64_MAX,
    as_bool,
    as_choice,
    as_int,
    as_model,
    as_real_array,
    as_seed,
    as_temperatures,
    check_energy_scale,
    check_memory,
    energy_bound,
)

__all__ = ["TEMPERING_ALGORITHMS", "TemperingResult", "parallel_tempering"]

#: Values of ``parallel_tempering(..., algorithm=...)``: the replicas' single-spin sweeps.
TEMPERING_ALGORITHMS = ("metropolis", "heatbath")
_INITS = ("random", "up", "down")


@dataclass
class TemperingResult:
    """Time series and swap statistics of one parallel-tempering run.

    Per-temperature attributes follow the order of ``T`` as given; swap statistics follow the
    sorted ``ladder``; ``round_trips`` follows the replicas (replica r starts at ``ladder[r]``).

    Parameters
    ----------
    T, E, M, n_spins, algorithm, sampler, seed, n_therm, n_measure, every, swap_every, init, acceptance, marginals, ladder, swap_attempts, swap_accepted, round_trips, configs
        The attributes below (a dataclass: :func:`parallel_tempering` fills them).

    Attributes
    ----------
    T : ndarray, shape (n_T,)
        Temperatures, as given.
    E, M : ndarray, shape (n_T, n_samples)
        Total energy and magnetisation at each temperature after each recorded sweep (before
        that sweep's swap round).
    n_spins : int
        Number of spins N.
    algorithm, sampler : str
        "metropolis" or "heatbath", and "tempering-sequential-<algorithm>".
    seed, n_therm, n_measure, every, swap_every, init
        The arguments of the run.
    acceptance : ndarray, shape (n_T,)
        Flipped spins per attempt during measurement, per temperature.
    flips_per_sweep : ndarray, shape (n_T,)
        Spins flipped per sweep / N: the single-spin acceptance (as in MCResult).
    marginals : ndarray, shape (n_T, N)
        Mean of each spin s_i over the records at each temperature.
    ladder : ndarray, shape (n_T,)
        The temperatures sorted increasing.
    swap_attempts, swap_accepted : ndarray, shape (n_T - 1,)
        Swaps tried and made between ladder[k] and ladder[k + 1] during measurement.
    swap_acceptance : ndarray, shape (n_T - 1,)
        Fraction of tried swaps made per adjacent ladder pair (NaN if none tried).
    round_trips : ndarray, shape (n_T,)
        Per replica, trips lowest -> highest -> lowest temperature completed during
        measurement (a trip begun while thermalising counts).
    configs : ndarray of int8, shape (n_T, n_samples, N), or None
        The recorded spins, if ``save_configs`` was set.

    Examples
    --------
    >>> import isingvi as iv
    >>> res = iv.mc.parallel_tempering(iv.SquareLattice(4), T=[2.0, 2.5, 3.0],
    ...                                n_therm=100, n_measure=1000, seed=1)
    >>> res.E.shape, res.sampler
    ((3, 1000), 'tempering-sequential-metropolis')
    >>> res.swap_attempts.tolist()
    [1000, 1000]
    """

    T: np.ndarray
    E: np.ndarray
    M: np.ndarray
    n_spins: int
    algorithm: str
    sampler: str
    seed: int
    n_therm: int
    n_measure: int
    every: int
    swap_every: int
    init: str
    acceptance: np.ndarray
    marginals: np.ndarray = field(repr=False)
    ladder: np.ndarray
    swap_attempts: np.ndarray
    swap_accepted: np.ndarray
    round_trips: np.ndarray
    configs: np.ndarray | None = field(default=None, repr=False)

    @property
    def flips_per_sweep(self) -> np.ndarray:
        """(n_T,) spins flipped per sweep / N: the single-spin acceptance (as in MCResult)."""
        return self.acceptance

    @property
    def swap_acceptance(self) -> np.ndarray:
        """(n_T - 1,) fraction of tried swaps made per adjacent ladder pair (NaN if none tried)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(
                self.swap_attempts > 0,
                self.swap_accepted / np.maximum(self.swap_attempts, 1),
                np.nan,
            )

    def summary(self, n_blocks: int = 32) -> pd.DataFrame:
        """Per-temperature estimates with errors.

        Parameters
        ----------
        n_blocks : int, default 32
            Blocks for the binning and jackknife errors, >= 2.

        Returns
        -------
        pandas.DataFrame
            One row per temperature (in the order of ``T``), as
            :func:`isingvi.analysis.summarise` returns it.

        Raises
        ------
        ValueError
            Naming ``n_blocks``, or the result if its series are too short.

        Examples
        --------
        >>> import isingvi as iv
        >>> res = iv.mc.parallel_tempering(iv.SquareLattice(4), T=[2.0, 3.0],
        ...                                n_therm=100, n_measure=1000)
        >>> res.summary()["T"].tolist()
        [2.0, 3.0]
        """
        from .analysis import summarise

        return summarise(self, n_blocks=n_blocks)

    def swaps(self) -> pd.DataFrame:
        """Swap statistics, one row per adjacent ladder pair.

        Returns
        -------
        pandas.DataFrame
            Columns T_low, T_high, attempts, accepted, acceptance (NaN where none was tried).

        Raises
        ------
        ValueError
            Naming ``result`` or one of its attributes if they are missing or inconsistent
            (a result built by hand).

        Examples
        --------
        >>> import isingvi as iv
        >>> res = iv.mc.parallel_tempering(iv.SquareLattice(4), T=[2.0, 2.5, 3.0],
        ...                                n_therm=100, n_measure=1000)
        >>> res.swaps().columns.tolist()
        ['T_low', 'T_high', 'attempts', 'accepted', 'acceptance']
        """
        missing = [a for a in ("ladder", "swap_attempts", "swap_accepted") if not hasattr(self, a)]
        if missing:  # e.g. a result made by __new__ without __init__
            raise ValueError(f"result: lacks the attributes {', '.join(missing)}")
        # The class stores what it is given: check it before tabulating.
        ladder = as_temperatures(self.ladder, "result.ladder")
        if ladder.size < 2 or np.any(np.diff(ladder) <= 0):
            raise ValueError(
                f"result.ladder: must hold >= 2 increasing temperatures, got {ladder!r}"
            )
        counts = {}
        for name in ("swap_attempts", "swap_accepted"):
            arr = as_real_array(getattr(self, name), f"result.{name}")
            if arr.shape != (ladder.size - 1,) or not np.all((arr >= 0) & (arr == np.round(arr))):
                raise ValueError(
                    f"result.{name}: needs a count >= 0 per adjacent ladder pair, "
                    f"{ladder.size - 1}, got {arr!r}"
                )
            counts[name] = arr.astype(np.int64)
        attempts, accepted = counts["swap_attempts"], counts["swap_accepted"]
        if np.any(accepted > attempts):
            raise ValueError("result.swap_accepted: more swaps made than tried")
        with np.errstate(invalid="ignore", divide="ignore"):
            acceptance = np.where(attempts > 0, accepted / np.maximum(attempts, 1), np.nan)
        return pd.DataFrame(
            {
                "T_low": ladder[:-1],
                "T_high": ladder[1:],
                "attempts": attempts,
                "accepted": accepted,
                "acceptance": acceptance,
            }
        )


def _as_ladder(T) -> np.ndarray:
    temps = as_temperatures(T)
    if temps.size < 2:
        raise ValueError(f"T: parallel tempering needs at least 2 temperatures, got {temps.size}")
    values, counts = np.unique(temps, return_counts=True)
    if np.any(counts > 1):
        raise ValueError(
            f"T: the temperatures must be distinct, got {float(values[np.argmax(counts > 1)])!r} "
            f"{int(counts.max())} times"
        )
    return temps


def parallel_tempering(
    model,
    T,
    n_therm: int = 1000,
    n_measure: int = 10000,
    swap_every: int = 1,
    algorithm: str = "metropolis",
    every: int = 1,
    seed: int = 0,
    threads: int = 1,
    progress=False,
    init: str = "random",
    save_configs: bool = False,
) -> TemperingResult:
    """Sample a model at every temperature of a ladder by replica exchange.

    Parameters
    ----------
    model : SquareLattice, CubicLattice or Graph
        Any couplings and fields (spin glasses, random fields); lattices run as their Graph.
    T : 1-D array of temperatures
        At least 2, distinct, > 0, in any order; sorted internally, results in the given order.
    n_therm : int, default 1000
        Sweeps per replica before measuring (swap rounds run during them too).
    n_measure : int, default 10000
        Measuring sweeps per replica.
    swap_every : int, default 1
        A swap round after every ``swap_every``-th sweep (>= 1; beyond n_therm + n_measure,
        none: independent chains).
    algorithm : {"metropolis", "heatbath"}
        The replicas' sequential single-spin sweeps, as ``mc.run`` runs them on graphs.
    every : int, default 1
        Record E, M (and spins) after every ``every``-th measuring sweep (n_measure // every
        samples per temperature).
    seed : int, default 0
        Master seed; the same seed and arguments give bit-identical results.
    threads : int, default 1
        Replicas run in parallel on up to this many threads; results do not depend on it.
    progress : False (default), True or callable
        True shows a progress bar on stderr; a callable is called as ``progress(done, total)``
        every 50 ms, in sweeps summed over replicas. Either way Ctrl-C stops the call with
        KeyboardInterrupt.
    init : {"random", "up", "down"}
        Start configuration of every replica.
    save_configs : bool, default False
        Also return every recorded configuration (memory: n_T * n_samples * N bytes).

    Returns
    -------
    TemperingResult
        Per-temperature E, M (``.summary()`` gives u, c, |m|, chi, ... with errors),
        single-spin acceptance and marginals <s_i>; swap statistics per adjacent ladder pair
        (``.swaps()``) and round trips per replica.

    Raises
    ------
    ValueError
        Naming the parameter: ``T`` (fewer than 2, repeated, or outside the supported range),
        ``algorithm``, ``init``, ``n_therm``, ``n_measure``, ``every``, ``swap_every``,
        ``seed``, ``threads``, or a run that would not fit in :func:`isingvi.memory_limit`.
    KeyboardInterrupt
        On Ctrl-C.

    Notes
    -----
    Swap acceptance between neighbours of the ladder should not fall much below ~0.2 at any
    pair; round trips per replica measure how well the ladder carries configurations across
    it. The per-temperature series are autocorrelated like any chain's; the binned errors of
    ``summary`` account for it when a block spans many autocorrelation times.

    Examples
    --------
    >>> import isingvi as iv
    >>> res = iv.mc.parallel_tempering(iv.models.edwards_anderson(4, seed=0),
    ...                                T=[0.5, 1.0, 2.0], n_therm=100, n_measure=1000, seed=1)
    >>> res.ladder.tolist()
    [0.5, 1.0, 2.0]
    >>> bool(res.swap_acceptance.min() > 0)
    True
    """
    model = as_model(model)
    temps = _as_ladder(T)
    algorithm = as_choice(algorithm, "algorithm", TEMPERING_ALGORITHMS)
    init = as_choice(init, "init", _INITS)
    n_therm = as_int(n_therm, "n_therm", 0, INT64_MAX)
    n_measure = as_int(n_measure, "n_measure", 1, INT64_MAX - n_therm)
    every = as_int(every, "every", 1, n_measure)
    swap_every = as_int(swap_every, "swap_every", 1, INT64_MAX)
    seed = as_seed(seed)
    threads = as_int(threads, "threads", 1)
    save_configs = as_bool(save_configs, "save_configs")
    check_energy_scale(energy_bound(model), model.n, temps)
    n_T, n_samples = temps.size, n_measure // every
    check_memory(
        16.0 * n_T * n_samples
        + 8.0 * n_T * model.n
        + (float(n_T) * n_samples * model.n if save_configs else 0.0),
        "save_configs" if save_configs else "n_measure",
        f"{n_T} temperatures x {n_samples} samples of {model.n} spins",
    )
    with reporter(progress, "mc.parallel_tempering", "sweep") as report:
        d = _core.parallel_tempering(
            model,
            temps.tolist(),
            algorithm,
            n_therm,
            n_measure,
            every,
            swap_every,
            seed,
            threads,
            init,
            save_configs,
            report,
        )
    return TemperingResult(
        T=temps,
        E=d["E"],
        M=d["M"],
        n_spins=int(d["n_spins"]),
        algorithm=algorithm,
        sampler=d["sampler"],
        seed=seed,
        n_therm=n_therm,
        n_measure=n_measure,
        every=every,
        swap_every=swap_every,
        init=init,
        acceptance=d["acceptance"],
        marginals=d["marginals"],
        ladder=d["ladder"],
        swap_attempts=d["swap_attempts"],
        swap_accepted=d["swap_accepted"],
        round_trips=d["round_trips"],
        configs=d.get("configs"),
    )
