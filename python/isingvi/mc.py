"""Monte Carlo sampling of Ising models.

One call of :func:`run` sweeps a whole list of temperatures inside the compiled core, with
the GIL released. Each temperature draws from its own random stream, named by (seed, T):
a temperature's time series does not depend on the other temperatures in the list or on
``threads``. Units: a *sweep* is N single-spin attempts (checkerboard order on lattices,
index order on graphs); for Wolff, about N flipped spins: clusters until N spins have
flipped while thermalising, then a fixed number of clusters per measured sweep,
N / (mean cluster size over the second half of the thermalisation), since measuring at a
size-dependent stopping time would bias the samples; for Swendsen-Wang, one decomposition of the whole configuration
into clusters (about N/2 spins flipped). Autocorrelation times in these units,
:func:`isingvi.analysis.tau_sweeps`, compare the algorithms per sweep, not per second.

Parallel tempering (replica exchange over a ladder of temperatures) is
:func:`parallel_tempering`, from :mod:`isingvi.tempering`.
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
from .tempering import TemperingResult, parallel_tempering

__all__ = [
    "ALGORITHMS",
    "KERNELS",
    "SIMD",
    "MCResult",
    "TemperingResult",
    "available_simd",
    "parallel_tempering",
    "random_global_flip",
    "run",
]

ALGORITHMS = ("metropolis", "heatbath", "wolff", "swendsen-wang")
INITS = ("random", "up", "down")
#: Values of ``run(..., simd=...)``: the instruction set of the lattice checkerboard kernels.
SIMD = ("auto", "scalar", "avx2", "avx512")
#: Values of ``run(..., kernel=...)``: the lattice Metropolis / heat-bath implementation.
KERNELS = ("auto", "multispin", "plain")


def available_simd() -> list[str]:
    """Instruction sets this CPU and build can run, slowest first.

    ``run(..., simd="auto")`` picks the last one. Every choice gives bit-identical results.

    Returns
    -------
    list of str
        Names from :data:`SIMD`, always starting with "scalar".

    Examples
    --------
    >>> import isingvi as iv
    >>> iv.mc.available_simd()[0]
    'scalar'
    """
    return list(_core.simd_supported())


@dataclass
class MCResult:
    """Time series of one temperature sweep, as :func:`run` returns it.

    Parameters
    ----------
    T, E, M, n_spins, algorithm, sampler, seed, n_therm, n_measure, every, init, acceptance, cluster_size, flips_per_sweep, configs
        The attributes below (a dataclass: :func:`run` fills them).

    Attributes
    ----------
    T : ndarray, shape (n_T,)
        Temperatures.
    E, M : ndarray, shape (n_T, n_samples)
        Total energy and total magnetisation after each recorded sweep.
    n_spins : int
        Number of spins N (per-spin series are E / N and M / N).
    algorithm, sampler : str
        The algorithm asked for and the implementation that ran (e.g.
        "multispin-metropolis-avx512", "checkerboard-heatbath-scalar", "sequential-heatbath",
        "wolff", "swendsen-wang").
    seed, n_therm, n_measure, every, init
        The arguments of the run.
    acceptance : ndarray, shape (n_T,)
        Flipped spins per attempt during measurement (Wolff: 1; Swendsen-Wang: flipped spins
        per spin, about 1/2).
    cluster_size : ndarray, shape (n_T,)
        Mean Wolff cluster size (the cluster of a random site), or the mean size of a flipped
        Swendsen-Wang cluster (the plain average over clusters); 0 for single-spin algorithms.
    flips_per_sweep : ndarray, shape (n_T,)
        Spins flipped per measuring sweep / N: what a sweep did. The
        acceptance for Metropolis and heat bath, about 1/2 for Swendsen-Wang. For Wolff, its
        fixed clusters per measuring sweep, round(N / mean cluster size over the second half
        of the thermalisation), times their mean size: within about half a mean cluster of N
        once that half is in equilibrium (0.8 to 1.3 at T_c for L = 64 to 128), more after a
        too short n_therm (2.6 at L = 128, T_c, n_therm = 10).
    configs : ndarray of int8, shape (n_T, n_samples, N), or None
        The recorded spins, if ``save_configs`` was set.

    Examples
    --------
    >>> import isingvi as iv
    >>> res = iv.mc.run(iv.SquareLattice(4), T=[2.0, 3.0], n_therm=100, n_measure=1000)
    >>> res.E.shape, res.n_spins
    ((2, 1000), 16)
    >>> res.sampler
    'checkerboard-metropolis-...'
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
    init: str
    acceptance: np.ndarray
    cluster_size: np.ndarray
    flips_per_sweep: np.ndarray
    configs: np.ndarray | None = field(default=None, repr=False)

    def summary(self, n_blocks: int = 32) -> pd.DataFrame:
        """Per-temperature estimates with errors.

        Parameters
        ----------
        n_blocks : int, default 32
            Blocks for the binning and jackknife errors, >= 2.

        Returns
        -------
        pandas.DataFrame
            One row per temperature, as :func:`isingvi.analysis.summarise` returns it.

        Raises
        ------
        ValueError
            Naming ``n_blocks``, or the result if its series are too short.

        Examples
        --------
        >>> import isingvi as iv
        >>> res = iv.mc.run(iv.SquareLattice(4), T=[2.0, 3.0], n_therm=100, n_measure=1000)
        >>> res.summary(n_blocks=10).columns.tolist()[:5]
        ['T', 'beta', 'n_samples', 'u', 'u_err']
        """
        from .analysis import summarise

        return summarise(self, n_blocks=n_blocks)


def _check_run_memory(model, n_T: int, n_samples: int, save_configs: bool) -> None:
    """Refuse a run whose output cannot fit, naming the parameter behind the largest part."""
    parts = {
        "n_measure": 16.0 * n_T * n_samples,  # E and M, 8 bytes each per sample
        "save_configs": float(n_T) * n_samples * model.n
        if save_configs
        else 0.0,  # a byte per spin
        "model": 2.0
        * n_T
        * model.n,  # the spins of each temperature's chain, and their neighbours' sums
    }
    name = max(parts, key=parts.__getitem__)
    check_memory(
        sum(parts.values()), name, f"{n_T} temperatures x {n_samples} samples of {model.n} spins"
    )


def run(
    model,
    T,
    algorithm: str = "metropolis",
    n_therm: int = 1000,
    n_measure: int = 10000,
    every: int = 1,
    seed: int = 0,
    threads: int = 1,
    init: str = "random",
    save_configs: bool = False,
    simd: str = "auto",
    kernel: str = "auto",
    progress=False,
) -> MCResult:
    """Sample a model at every temperature of ``T``.

    Parameters
    ----------
    model : SquareLattice, CubicLattice or Graph
        The model.
    T : float or array_like, 1-D
        Temperatures, > 0.
    algorithm : {"metropolis", "heatbath", "wolff", "swendsen-wang"}
        Single-spin Metropolis or heat-bath (Gibbs) sweeps, checkerboard on lattices (even L),
        sequential on graphs; Wolff or Swendsen-Wang clusters for ferromagnets (every
        J_ij >= 0) at zero field (else ValueError naming h / J, or fields / couplings).
        A Swendsen-Wang sweep occupies each bond between aligned neighbours with probability
        1 - exp(-2 J_ij / T), one draw per aligned bond in bond order, and flips every
        cluster with probability 1/2 (one random bit per cluster, that of its smallest site).
    n_therm : int, default 1000
        Sweeps discarded before measuring.
    n_measure : int, default 10000
        Sweeps during measurement.
    every : int, default 1
        Record E and M after every ``every``-th measured sweep (n_measure // every samples).
    seed : int, default 0
        Master seed; the same seed and arguments give bit-identical results.
    threads : int, default 1
        Worker threads; results do not depend on it. Temperatures run in parallel; with
        the multi-spin kernel each temperature's lattice is also split among
        max(1, threads // n_T) threads (bands of rows with their own random streams; at most
        one thread per 2^18 spins, as smaller lattices gain nothing).
    init : {"random", "up", "down"}
        Start configuration. (Wolff fixes its clusters per measuring sweep from the
        thermalisation; with n_therm = 0 a measuring sweep is a single cluster.
        ``flips_per_sweep`` tells whether n_therm was long enough for a sweep to flip about N
        spins.)
    save_configs : bool, default False
        Also return every recorded configuration (memory: n_T * n_samples * N bytes).
    simd : {"auto", "scalar", "avx2", "avx512"}
        Instruction set of the lattice checkerboard kernels (Metropolis, heat bath); "auto"
        takes the fastest this CPU has (see :func:`available_simd`; one it lacks is a
        ValueError). Results are bit-identical for every choice; ``sampler`` says which ran.
        Graph samplers and the cluster algorithms ignore it.
    kernel : {"auto", "multispin", "plain"}
        Lattice Metropolis / heat-bath implementation. "multispin" packs 64 spins of one
        checkerboard colour per 64-bit word and decides them by bitwise logic (L must be a
        multiple of 128, else ValueError); "plain" stores a byte per spin (any even L); "auto"
        (default) takes multispin where it applies, else plain. Both follow the same sweep
        order with the same exact probabilities, but draw different random numbers, so their
        chains differ. Graph samplers and the cluster algorithms accept "auto" and "plain" only.
    progress : False (default), True or callable
        True shows a progress bar on stderr (rate, and ETA where the total is known); a callable
        is called as ``progress(done, total)`` every 50 ms, in sweeps summed over temperatures.
        Either way Ctrl-C stops the call within a second with KeyboardInterrupt.

    Returns
    -------
    MCResult
        The E and M series per temperature, acceptance and cluster statistics;
        ``.summary()`` gives u, c, |m|, chi, U4 with errors.

    Raises
    ------
    ValueError
        Naming the parameter: an unknown ``algorithm``, ``init``, ``simd`` (or one this CPU
        lacks) or ``kernel``; a cluster algorithm on a model with a field or a negative
        coupling (``h`` / ``J``, or ``fields`` / ``couplings``); ``T`` below the supported range
        (beta (sum |J_ij| + sum |h_i|) <= 1e305, README "Supported ranges"); a run whose series
        and configurations would not fit in :func:`isingvi.memory_limit`.
    KeyboardInterrupt
        On Ctrl-C, within a second.

    Notes
    -----
    A checkerboard sweep updates the sites with x + y (+ z) even, then those with it odd, in
    row order; each site flips with the exact probability to 32 bits: min(1, e^{-dE/T})
    (Metropolis) or 1 / (1 + e^{dE/T}) (heat bath), dE = 2 s_i (J sum_j s_j + h). The
    multi-spin kernel realises each site's 32-bit uniform lazily, one random bit-plane at a
    time, most significant first, until every site of the word is decided: the same exact
    probability from bits no other site uses.

    Examples
    --------
    >>> import isingvi as iv
    >>> res = iv.mc.run(iv.SquareLattice(4), T=[2.0, 3.0], algorithm="wolff",
    ...                 n_therm=100, n_measure=1000, seed=1)
    >>> res.E.shape
    (2, 1000)
    >>> bool(abs(res.M[0]).mean() / res.n_spins > abs(res.M[1]).mean() / res.n_spins)
    True
    """
    model = as_model(model)
    temps = as_temperatures(T)
    check_energy_scale(energy_bound(model), model.n, temps)
    algorithm = as_choice(algorithm, "algorithm", ALGORITHMS)
    init = as_choice(init, "init", INITS)
    n_therm = as_int(n_therm, "n_therm", 0, INT64_MAX)
    n_measure = as_int(n_measure, "n_measure", 1, INT64_MAX)
    every = as_int(every, "every", 1, INT64_MAX)
    seed = as_seed(seed)
    threads = as_int(threads, "threads", 1)
    simd = as_choice(simd, "simd", SIMD)
    kernel = as_choice(kernel, "kernel", KERNELS)
    save_configs = as_bool(save_configs, "save_configs")
    _check_run_memory(model, temps.size, n_measure // every, save_configs)
    with reporter(progress, "mc.run", "sweep") as report:
        d = _core.mc_sweep(
            model,
            algorithm,
            temps.tolist(),
            n_therm,
            n_measure,
            every,
            seed,
            threads,
            init,
            save_configs,
            simd,
            kernel,
            report,
        )
    return MCResult(
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
        init=init,
        acceptance=d["acceptance"],
        cluster_size=d["cluster_size"],
        flips_per_sweep=d["flips_per_sweep"],
        configs=d.get("configs"),
    )


def random_global_flip(configs, seed: int) -> np.ndarray:
    """Multiply every saved configuration by its own random global sign.

    At zero field the Boltzmann distribution is symmetric under s -> -s, so each flipped
    configuration has the same distribution as before: the flip is exact. It removes what a
    cluster sampler leaves in the magnetisation's sign: below T_c a Wolff cluster covers
    nearly the whole lattice, every measured sweep flips the sign, and configurations saved
    an even (odd) number of sweeps apart share (alternate) their sign. After the flip the signs
    of successive samples are independent fair coins, so a training and a test set cut from
    one series are independent draws as far as the sign goes.

    Parameters
    ----------
    configs : array_like of int, shape (..., n_samples, N)
        Spins +-1; the last axis is a configuration (e.g. ``MCResult.configs`` of shape
        (n_T, n_samples, N)).
    seed : int
        Seed in [0, 2**64) of the signs, one per configuration; the same seed gives the same signs.

    Returns
    -------
    numpy.ndarray
        int8 array of the shape of ``configs``: each configuration times +1 or -1.

    Raises
    ------
    ValueError
        If ``configs`` has fewer than 2 dimensions or a value other than +1 and -1, or if
        ``seed`` is not an integer in [0, 2**64).

    Examples
    --------
    >>> import isingvi as iv
    >>> res = iv.mc.run(iv.SquareLattice(4), 1.5, algorithm="wolff", n_measure=100,
    ...                 every=2, seed=1, save_configs=True)
    >>> X = iv.mc.random_global_flip(res.configs, seed=7)
    >>> X.shape == res.configs.shape
    True
    >>> bool((abs(X.sum(axis=-1)) == abs(res.configs.sum(axis=-1))).all())
    True
    """
    seed = as_seed(seed)
    arr = configs if isinstance(configs, np.ndarray) and configs.dtype.kind in "iu" else None
    if arr is None:  # anything else through the real-array check (complex, strings refused)
        arr = as_real_array(configs, "configs")
    if arr.ndim < 2:
        raise ValueError(f"configs: must be (..., n_samples, N), got shape {arr.shape}")
    if not np.isin(arr, (-1, 1)).all():
        raise ValueError("configs: every spin must be +1 or -1")
    signs = np.random.default_rng(seed).choice(np.array([-1, 1], np.int8), size=arr.shape[:-1])
    return arr.astype(np.int8) * signs[..., None]
