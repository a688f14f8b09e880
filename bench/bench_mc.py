#!/usr/bin/env python
"""Throughput of the isingvi Monte Carlo core, next to a vectorised NumPy baseline.

Measures, in one run:

* Metropolis checkerboard sweeps of the 2D Ising model (SquareLattice, J = 1, h = 0) at
  T = 2.269 and 1.5 (``--temperatures``), and heat-bath sweeps at T = 2.269: spin-flip
  *attempts* per nanosecond (N = L^2 attempts per sweep), once per lattice kernel
  (``kernel`` column: "plain", one byte per spin; "multispin", 64 spins per word, only for L
  a multiple of 128) and per instruction set this CPU supports (``simd`` column: scalar,
  avx2, avx512; all give bit-identical chains);
* the same with two threads (``--threads``) for the multi-spin kernel (the lattice split in
  bands of rows) and the plain one (which parallelises over temperatures only, so gains
  nothing on one temperature);
* Wolff cluster updates at T_c = 2 / ln(1 + sqrt 2): spins *flipped* per nanosecond and
  clusters per second;
* a NumPy checkerboard Metropolis sampler at the same L and T (two versions, see
  ``NumpySublattice`` and ``NumpyMasked``), and the ratio core / NumPy.

Timing: ``time.process_time`` (CPU time of this process, so other jobs on a shared machine
disturb it less than wall time) around whole ``iv.mc.run`` calls with one thread; wall time
(``time.perf_counter``) with more threads, where CPU time would add the threads up (the
``clock`` column says which). Each repeat of a several-thread row also times the same sweeps on
one thread, in wall time, right after; ``speedup`` is the median over repeats of the ratio of
the two, so both sides of it ran under the same machine load. Each repeat times two runs
with the same seed that differ only in the number of measured sweeps (1 and 1 + S); the
difference is the time of exactly S sweeps, thermalisation and call overhead cancel. S is
calibrated so that it lasts at least ``--min-time`` seconds (0.5 s by default). ``every``
equals ``n_measure``, so each run records a single sample. Best and median of ``--repeats``
(3) repeats are reported. Nothing here asserts on timings.

Usage::

    python bench/bench_mc.py                      # full table (about ten minutes)
    python bench/bench_mc.py --simd avx512        # only these instruction sets of the core
    python bench/bench_mc.py --out bench.csv      # also write the table as CSV
    python bench/bench_mc.py --check              # also check the NumPy baseline is correct
    python bench/bench_mc.py --quick              # tiny sizes, a few seconds (smoke test)

See bench/README.md for what each column means.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import isingvi as iv
import numpy as np

T_SINGLE = 2.269
TEMPERATURES = (2.269, 1.5)
#: The issue's targets: plain single-spin code, one thread, at L = TARGET_L.
TARGET_L = 256
TARGET_FLIPS_PER_NS = 0.3
TARGET_RATIO = 10.0
#: Multi-spin targets, one thread, L = TARGET_L, T = T_SINGLE; and two threads at L = 1024.
TARGET_MULTISPIN = {"avx512": 10.0, "scalar": 2.0}
TARGET_THREADS_L, TARGET_THREADS_SPEEDUP = 1024, 1.9

COLUMNS = [
    ("impl", "impl", "{}"),
    ("algorithm", "algorithm", "{}"),
    ("kernel", "kernel", "{}"),
    ("simd", "simd", "{}"),
    ("threads", "threads", "{}"),
    ("clock", "clock", "{}"),
    ("L", "L", "{}"),
    ("T", "T", "{:.4f}"),
    ("counted", "counted", "{}"),
    ("units_timed", "timed", "{}"),
    ("seconds_best", "s/rep", "{:.3f}"),
    ("spins_per_ns_median", "spins/ns (median)", "{:.4f}"),
    ("spins_per_ns_best", "spins/ns (best)", "{:.4f}"),
    ("clusters_per_s_median", "clusters/s (median)", "{:.0f}"),
    ("clusters_per_s_best", "clusters/s (best)", "{:.0f}"),
    ("acceptance", "acceptance", "{:.4f}"),
    ("mean_cluster_size", "<cluster>", "{:.1f}"),
    ("vs_numpy", "core/numpy", "{:.2f}"),  # core single-spin / faster NumPy version, same L
    ("speedup", "vs 1 thread", "{:.2f}"),  # interleaved wall times, see Row.speedup
]


@dataclass
class Row:
    impl: str
    algorithm: str
    L: int
    T: float
    counted: str  # "attempts" (single-spin) or "flipped" (Wolff)
    units_timed: str  # e.g. "300 sweeps" or "20000 clusters"
    seconds: list[float] = field(
        repr=False
    )  # CPU time (process_time) of the timed units, per repeat
    spins: float  # spins counted (attempted or flipped) in the timed units, per repeat
    clusters: float = math.nan  # clusters in the timed units (Wolff), per repeat
    simd: str = "-"  # instruction set of the core's checkerboard kernel ("-": does not apply)
    kernel: str = "-"  # the core's lattice kernel, "plain" or "multispin" ("-": does not apply)
    threads: int = 1
    clock: str = "process"  # "process" (CPU time, one thread) or "wall" (several threads)
    acceptance: float = math.nan
    mean_cluster_size: float = math.nan
    vs_numpy: float = math.nan
    speedup: float = (
        math.nan
    )  # several threads: median over repeats of (1-thread wall / this wall time)

    @property
    def seconds_best(self) -> float:
        return min(self.seconds)

    def _rates(self, count: float, scale: float) -> list[float]:
        return [count / s * scale for s in self.seconds]

    @property
    def spins_per_ns_best(self) -> float:
        return max(self._rates(self.spins, 1e-9))

    @property
    def spins_per_ns_median(self) -> float:
        return statistics.median(self._rates(self.spins, 1e-9))

    @property
    def clusters_per_s_best(self) -> float:
        return max(self._rates(self.clusters, 1.0)) if self.clusters == self.clusters else math.nan

    @property
    def clusters_per_s_median(self) -> float:
        return (
            statistics.median(self._rates(self.clusters, 1.0))
            if self.clusters == self.clusters
            else math.nan
        )

    def record(self) -> dict:
        d = {k: getattr(self, k) for k, _, _ in COLUMNS}
        d["seconds_all"] = " ".join(f"{s:.4f}" for s in self.seconds)
        return d


# --------------------------------------------------------------------------------------------
# NumPy baselines: what a competent NumPy user writes for checkerboard Metropolis.


def metropolis_table(T: float) -> np.ndarray:
    """Acceptance probability min(1, exp(-beta dE)) indexed by s_i * (neighbour sum) + 4."""
    x = np.arange(-4, 5)  # s_i * sum of the 4 neighbours; dE = 2 x (J = 1, h = 0)
    return np.minimum(1.0, np.exp(-2.0 * x / T))


class NumpyCheckerboard:
    """What both NumPy baselines share: an even L, their own generator, the acceptance table."""

    def __init__(self, L: int, T: float, seed: int):
        if L % 2:
            raise ValueError(f"L: checkerboard needs an even L, got {L}")
        self.L, self.N = L, L * L
        self.rng = np.random.default_rng(seed)
        self.p = metropolis_table(T)


class NumpySublattice(NumpyCheckerboard):
    """Checkerboard Metropolis with the two sublattices stored apart, each of shape (L, L/2).

    ``black[i, k] = s[i, 2k + i % 2]`` and ``white[i, k] = s[i, 2k + 1 - i % 2]``. A site's four
    neighbours all lie on the other sublattice: rows i +- 1 at the same k, and in row i the
    columns k and k - 1 (even rows of black, odd rows of white) or k and k + 1 (the others).
    Each half-sweep works on the whole sublattice at once: np.roll for the neighbour sums,
    int8 spins, a precomputed acceptance table, one rng.random draw per site.
    """

    name = "numpy-sublattice"

    def __init__(self, L: int, T: float, seed: int):
        super().__init__(L, T, seed)
        spins = np.array([-1, 1], dtype=np.int8)
        self.black = self.rng.choice(spins, (L, L // 2))
        self.white = self.rng.choice(spins, (L, L // 2))

    @staticmethod
    def _neighbour_sum(other: np.ndarray, shift_even_rows: int) -> np.ndarray:
        nn = np.roll(other, 1, 0)
        nn += np.roll(other, -1, 0)
        nn += other
        nn[0::2] += np.roll(other[0::2], shift_even_rows, 1)
        nn[1::2] += np.roll(other[1::2], -shift_even_rows, 1)
        return nn

    def sweep(self, n: int = 1) -> None:
        rng, p = self.rng, self.p
        for _ in range(n):
            for a, other, shift in ((self.black, self.white, 1), (self.white, self.black, -1)):
                x = self._neighbour_sum(other, shift)
                x *= a  # s_i * h_i in {-4, ..., 4}
                flip = rng.random(a.shape) < p[x + 4]
                np.negative(a, out=a, where=flip)

    def energy(self) -> float:
        """Total energy: every bond joins a black and a white site."""
        nn = self._neighbour_sum(self.white, 1).astype(np.int64)
        return -float(np.sum(self.black * nn))

    def lattice(self) -> np.ndarray:
        s = np.empty((self.L, self.L), dtype=np.int8)
        s[0::2, 0::2], s[1::2, 1::2] = self.black[0::2], self.black[1::2]
        s[0::2, 1::2], s[1::2, 0::2] = self.white[0::2], self.white[1::2]
        return s


class NumpyMasked(NumpyCheckerboard):
    """The textbook version: the whole L x L lattice, np.roll neighbour sums and a parity mask.

    Computes and draws for all N sites each half-sweep and keeps the flips of one sublattice.
    """

    name = "numpy-masked"

    def __init__(self, L: int, T: float, seed: int):
        super().__init__(L, T, seed)
        self.s = self.rng.choice(np.array([-1, 1], dtype=np.int8), (L, L))
        i, j = np.indices((L, L))
        self.masks = [(i + j) % 2 == c for c in (0, 1)]

    def sweep(self, n: int = 1) -> None:
        s, rng, p = self.s, self.rng, self.p
        for _ in range(n):
            for mask in self.masks:
                nn = np.roll(s, 1, 0) + np.roll(s, -1, 0) + np.roll(s, 1, 1) + np.roll(s, -1, 1)
                flip = (rng.random(s.shape) < p[s * nn + 4]) & mask
                s[flip] *= -1

    def energy(self) -> float:
        s = self.s.astype(np.int64)
        return -float(np.sum(s * (np.roll(s, 1, 0) + np.roll(s, 1, 1))))

    def lattice(self) -> np.ndarray:
        return self.s.copy()


NUMPY_IMPLS = (NumpySublattice, NumpyMasked)


# --------------------------------------------------------------------------------------------
# Timing


@dataclass
class Settings:
    min_time: float  # seconds each timed measurement should last at least
    pilot_time: float  # seconds a calibration run should last at least
    repeats: int
    therm: int  # single-spin sweeps before the timed ones (not timed), at most 2^26 / N (min 5)
    wolff_warm: float  # Wolff warm-up, in spins flipped per spin (not timed)
    seed: int = 12345


def _timed_repeats(measure, S: int, cfg: Settings):
    """Run ``measure(S) -> (seconds, extra)`` cfg.repeats times; grow S if a repeat was short.

    Calibration runs are short and noisy: if any repeat lasted under 0.9 * min_time, S is
    scaled up and all repeats are redone (at most twice).
    """
    for _ in range(3):
        out = [measure(S) for _ in range(cfg.repeats)]
        short = min(dt for dt, _ in out)
        if short >= 0.9 * cfg.min_time:
            break
        S = max(S + 1, math.ceil(S * 1.15 * cfg.min_time / max(short, 1e-9)))
    return S, out


def _calibrate(time_of, start: int, pilot_time: float, min_time: float) -> int:
    """Units (sweeps or clusters) so that ``time_of(units)`` lasts at least min_time."""
    n = start
    while True:
        dt = time_of(n)
        if dt >= pilot_time:
            return max(1, math.ceil(1.15 * n * min_time / dt))
        n *= 2 if dt <= 0 else min(16, max(2, math.ceil(1.5 * pilot_time / dt)))


def _therm(cfg: Settings, L: int) -> int:
    """Untimed sweeps: cfg.therm, fewer on large lattices (they only settle the domain structure)."""
    return min(cfg.therm, max(5, 2**26 // (L * L)))


def bench_single_spin(
    L: int,
    algorithm: str,
    simd: str,
    cfg: Settings,
    kernel: str = "plain",
    T: float = T_SINGLE,
    threads: int = 1,
) -> Row:
    model = iv.SquareLattice(L)
    clock = time.process_time if threads == 1 else time.perf_counter
    therm = _therm(cfg, L)

    def run(n_measure: int, n_threads: int):
        t0 = clock()
        r = iv.mc.run(
            model,
            T,
            algorithm=algorithm,
            n_therm=therm,
            n_measure=n_measure,
            every=n_measure,
            seed=cfg.seed,
            threads=n_threads,
            simd=simd,
            kernel=kernel,
        )
        return clock() - t0, r

    def pair(S: int, n_threads: int = threads):
        tA, _ = run(1, n_threads)
        tB, rB = run(1 + S, n_threads)
        return tB - tA, rB

    def pairs(S: int):
        # several threads: the same S sweeps on one thread right after, also in wall time, so
        # that the speed-up compares runs under the same machine load
        dt, r = pair(S)
        return dt, (r, pair(S, 1)[0] if threads > 1 else math.nan)

    S = _calibrate(lambda n: pair(n)[0], 4, cfg.pilot_time, cfg.min_time)
    S, out = _timed_repeats(pairs, S, cfg)
    seconds = [dt for dt, _ in out]
    one_thread = [t1 for _, (_, t1) in out]
    if min(seconds) <= 0:
        raise RuntimeError(
            f"{algorithm} L={L}: non-positive time difference {seconds}; raise --min-time"
        )
    last = out[-1][1][0]
    expect = f"{'checkerboard' if kernel == 'plain' else kernel}-{algorithm}-{simd}"
    if last.sampler != expect:
        raise RuntimeError(f"asked for {expect}, {last.sampler} ran")
    speedup = (
        statistics.median(t1 / tn for t1, tn in zip(one_thread, seconds))
        if threads > 1
        else math.nan
    )
    return Row(
        "core",
        algorithm,
        L,
        T,
        "attempts",
        f"{S} sweeps",
        seconds,
        float(S) * L * L,
        acceptance=float(last.acceptance[0]),
        simd=simd,
        kernel=kernel,
        threads=threads,
        clock="process" if threads == 1 else "wall",
        speedup=speedup,
    )


def _check_one_cluster_per_sweep(model, T: float, seed: int) -> None:
    """The Wolff timing relies on n_therm = 0 giving exactly one cluster per measured sweep.

    The core freezes clusters-per-sweep at the end of thermalisation, N / <cluster>, and at 1
    when nothing was thermalised (see cpp/src/mc/mc_driver.hpp). With one cluster per sweep,
    |dM| / 2 between consecutive sweeps is that sweep's cluster size, so the recorded series
    accounts for every flipped spin except the first cluster's (between 1 and N spins).
    """
    n = 200
    r = iv.mc.run(model, T, algorithm="wolff", n_therm=0, n_measure=n, every=1, seed=seed)
    total = n * float(r.cluster_size[0])
    seen = float(np.abs(np.diff(r.M[0])).sum()) / 2
    if not (1 - 1e-6 <= total - seen <= r.n_spins + 1e-6):
        raise RuntimeError(
            "Wolff timing assumption broken: with n_therm=0 a measured sweep is no longer one "
            f"cluster (flipped {total:.0f}, series accounts for {seen:.0f}); update bench_mc.py"
        )


def bench_wolff(L: int, cfg: Settings) -> Row:
    """Wolff at T_c, counted exactly: with n_therm = 0 every measured sweep is one cluster.

    Two runs with the same seed, A and A + S clusters; their first A clusters are identical,
    so the time difference is that of clusters A+1 .. A+S and the spins they flipped are
    (A + S) <c>_B - A <c>_A. The chain starts ordered (init="up"): at T_c the first clusters
    are O(N) and equilibrium is reached within a few N flipped spins, whereas from a random
    start clusters stay tiny for thousands of updates. A is chosen so that the first A
    clusters flip at least ``wolff_warm`` * N spins (equilibration, not timed).
    """
    model = iv.SquareLattice(L)
    T = iv.exact.T_C
    N = L * L
    _check_one_cluster_per_sweep(model, T, cfg.seed)

    def run(clusters: int):
        t0 = time.process_time()
        r = iv.mc.run(
            model,
            T,
            algorithm="wolff",
            n_therm=0,
            n_measure=clusters,
            every=clusters,
            seed=cfg.seed,
            threads=1,
            init="up",
        )
        return time.process_time() - t0, r

    A = 16
    while A * float(run(A)[1].cluster_size[0]) < cfg.wolff_warm * N:
        A *= 2

    def pair(S: int):
        tA, rA = run(A)
        tB, rB = run(A + S)
        flipped = (A + S) * float(rB.cluster_size[0]) - A * float(rA.cluster_size[0])
        return tB - tA, round(flipped)

    S = _calibrate(lambda n: pair(n)[0], 16, cfg.pilot_time, cfg.min_time)
    S, out = _timed_repeats(pair, S, cfg)
    seconds = [dt for dt, _ in out]
    if min(seconds) <= 0:
        raise RuntimeError(f"wolff L={L}: non-positive time difference {seconds}; raise --min-time")
    if len({f for _, f in out}) != 1:
        raise RuntimeError("wolff: repeats with the same seed flipped different numbers of spins")
    flipped = out[0][1]
    return Row(
        "core",
        "wolff",
        L,
        T,
        "flipped",
        f"{S} clusters",
        seconds,
        float(flipped),
        clusters=float(S),
        acceptance=math.nan,
        mean_cluster_size=flipped / S,
    )


def bench_numpy(impl, L: int, cfg: Settings, T: float = T_SINGLE) -> Row:
    sampler = impl(L, T, cfg.seed)
    sampler.sweep(_therm(cfg, L))

    def timed(n: int) -> float:
        t0 = time.process_time()
        sampler.sweep(n)
        return time.process_time() - t0

    S = _calibrate(timed, 1, cfg.pilot_time, cfg.min_time)
    S, out = _timed_repeats(lambda n: (timed(n), None), S, cfg)
    seconds = [dt for dt, _ in out]
    return Row(impl.name, "metropolis", L, T, "attempts", f"{S} sweeps", seconds, float(S) * L * L)


# --------------------------------------------------------------------------------------------
# Correctness check of the baselines


def check_baselines(
    L: int = 32, T: float = 3.0, therm: int = 500, sweeps: int = 4000, seed: int = 7
) -> bool:
    """Mean energy per spin of each sampler against Kaufman's exact u(L, T)."""
    exact = float(iv.exact.kaufman(L, T).u.iloc[0])
    print(
        f"Check: <E>/N at L = {L}, T = {T} after {therm} + {sweeps} sweeps; Kaufman u = {exact:.5f}"
    )
    ok = True
    series = {}
    for impl in NUMPY_IMPLS:
        s = impl(L, T, seed)
        s.sweep(therm)
        e = np.empty(sweeps)
        for k in range(sweeps):
            s.sweep(1)
            e[k] = s.energy() / s.N
        series[impl.name] = e
    r = iv.mc.run(
        iv.SquareLattice(L), T, algorithm="metropolis", n_therm=therm, n_measure=sweeps, seed=seed
    )
    series["core-metropolis"] = r.E[0] / r.n_spins
    for name, e in series.items():
        mean, err = iv.analysis.binned_mean(e, n_blocks=32)
        z = (mean - exact) / err
        good = abs(z) < 4.0
        ok &= good
        print(
            f"  {name:17s} u = {mean:.5f} +- {err:.5f}   (u - exact) / err = {z:+.2f}   "
            f"{'ok' if good else 'FAILED'}"
        )
    return ok


# --------------------------------------------------------------------------------------------
# Output


def format_table(rows: list, columns: list = COLUMNS) -> str:
    """Fixed-width table of ``rows`` (objects with the attributes named in ``columns``, a list
    of (attribute, heading, format)); the first three columns are left-aligned text."""
    cells = [[head for _, head, _ in columns]]
    for r in rows:
        line = []
        for key, _, fmt in columns:
            v = getattr(r, key)
            line.append("-" if isinstance(v, float) and math.isnan(v) else fmt.format(v))
        cells.append(line)
    widths = [max(len(c[i]) for c in cells) for i in range(len(columns))]
    out = []
    for n, line in enumerate(cells):
        out.append(
            "  ".join(
                c.rjust(w) if k >= 3 else c.ljust(w) for k, (c, w) in enumerate(zip(line, widths))
            )
        )
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def write_csv(rows: list, path: Path) -> None:
    """Write the table atomically (isingvi.results.write_table)."""
    import pandas as pd

    iv.results.write_table(pd.DataFrame([r.record() for r in rows]), path)


def best_time(run, repeats: int, clock=time.process_time) -> tuple[float, object]:
    """The shortest of ``repeats`` timings of ``run()`` by ``clock``, and what the last call
    returned (the benchmarks of whole fits and array calls, bench_em and bench_vecmath)."""
    best, value = math.inf, None
    for _ in range(repeats):
        t0 = clock()
        value = run()
        best = min(best, clock() - t0)
    return best, value


def benchmark_parser(doc: str, quick_help: str, repeats: int = 3) -> argparse.ArgumentParser:
    """The command line every benchmark script shares: its docstring's first paragraph as the
    description, --quick, --out and --repeats (check it with :func:`check_repeats`)."""
    ap = argparse.ArgumentParser(
        description=doc.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help=quick_help)
    ap.add_argument("--out", type=Path, help="also write the table to this CSV file")
    ap.add_argument(
        "--repeats", type=int, default=repeats, help=f"timed repeats per row (default {repeats})"
    )
    return ap


def check_repeats(ap: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse --repeats < 1 (argparse's error: usage and exit status 2)."""
    if args.repeats < 1:
        ap.error("--repeats: must be >= 1")


def environment() -> str:
    core = Path(iv._core.__file__)
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                cwd=Path(__file__).parent,
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout.strip()
            or "?"
        )
    except (OSError, subprocess.SubprocessError):
        commit = "?"
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(core.stat().st_mtime))
    try:
        load = " (load average {:.1f} {:.1f} {:.1f})".format(*os.getloadavg())
    except OSError:
        load = ""
    return (
        f"isingvi {iv.__version__} (git {commit}; _core built {built}), numpy {np.__version__}, "
        f"Python {platform.python_version()}, {cpu}, {os.cpu_count()} CPUs{load}"
    )


def targets(rows: list[Row]) -> str:
    lines = [
        f"Targets (issue): plain single-spin code, one thread, L = {TARGET_L}: "
        f">= {TARGET_FLIPS_PER_NS} flips/ns and >= {TARGET_RATIO:g}x the NumPy baseline"
    ]
    found = False
    for r in rows:
        if (
            r.impl == "core"
            and r.kernel == "plain"
            and r.threads == 1
            and r.algorithm != "wolff"
            and r.L == TARGET_L
            and r.T == T_SINGLE
        ):
            found = True
            speed = r.spins_per_ns_best
            s = (
                f"  {r.algorithm:10s} {r.simd:7s} L = {TARGET_L}: {speed:.3f} flips/ns (best) "
                f"[{'met' if speed >= TARGET_FLIPS_PER_NS else 'NOT met'}]"
            )
            if not math.isnan(r.vs_numpy):
                s += f", {r.vs_numpy:.2f}x the NumPy baseline [{'met' if r.vs_numpy >= TARGET_RATIO else 'NOT met'}]"
            lines.append(s)
    if not found:
        lines.append(f"  (L = {TARGET_L} not in --sizes)")
    lines.append(
        f"Targets (issue 6): multi-spin Metropolis, one thread, L = {TARGET_L}, T = {T_SINGLE}: "
        + ", ".join(f">= {v:g} flips/ns {k}" for k, v in TARGET_MULTISPIN.items())
        + f"; two threads at L = {TARGET_THREADS_L} >= {TARGET_THREADS_SPEEDUP}x one thread"
    )
    for r in rows:
        if (
            r.kernel == "multispin"
            and r.algorithm == "metropolis"
            and r.threads == 1
            and r.L == TARGET_L
            and r.T == T_SINGLE
            and r.simd in TARGET_MULTISPIN
        ):
            goal = TARGET_MULTISPIN[r.simd]
            lines.append(
                f"  multispin {r.simd:7s} L = {TARGET_L}: {r.spins_per_ns_best:.3f} flips/ns (best) "
                f"[{'met' if r.spins_per_ns_best >= goal else 'NOT met'}]"
            )
    for two in rows:
        if (
            two.kernel == "multispin"
            and two.threads > 1
            and two.L == TARGET_THREADS_L
            and two.T == T_SINGLE
        ):
            ratio = two.speedup
            lines.append(
                f"  multispin {two.algorithm} {two.simd:7s} L = {two.L}: {two.threads} threads / 1 thread "
                f"= {ratio:.2f}x (median of {len(two.seconds)} interleaved wall-time pairs) "
                f"[{'met' if ratio >= TARGET_THREADS_SPEEDUP else 'NOT met'}]"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = benchmark_parser(__doc__, "tiny sizes and times (a few seconds; smoke test)")
    ap.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        help="L for the single-spin and NumPy rows (default 64 256 1024 4096)",
    )
    ap.add_argument(
        "--temperatures",
        type=float,
        nargs="+",
        help="T for the Metropolis and NumPy rows (default 2.269 1.5; heat bath at the first)",
    )
    ap.add_argument(
        "--threads", type=int, nargs="+", help="thread counts of the core rows (default 1 2)"
    )
    ap.add_argument(
        "--kernels",
        nargs="+",
        choices=["plain", "multispin"],
        help="lattice kernels of the core (default both; multispin only where L %% 128 == 0)",
    )
    ap.add_argument(
        "--wolff-sizes", type=int, nargs="*", help="L for the Wolff rows (default 64 256)"
    )
    ap.add_argument(
        "--check", action="store_true", help="first check the NumPy baselines against Kaufman's u"
    )
    ap.add_argument("--min-time", type=float, help="seconds per timed measurement (default 0.5)")
    ap.add_argument(
        "--no-masked", action="store_true", help="skip the slower numpy-masked baseline"
    )
    ap.add_argument(
        "--simd",
        nargs="+",
        choices=[s for s in iv.mc.SIMD if s != "auto"],
        help="instruction sets of the core's checkerboard kernel (default: all this CPU has)",
    )
    args = ap.parse_args(argv)

    if args.quick:
        sizes, wolff_sizes = (
            args.sizes or [16, 128],
            args.wolff_sizes if args.wolff_sizes is not None else [16],
        )
        cfg = Settings(
            min_time=args.min_time or 0.02,
            pilot_time=0.005,
            repeats=args.repeats,
            therm=5,
            wolff_warm=2.0,
        )
    else:
        sizes = args.sizes or [64, 256, 1024, 4096]
        wolff_sizes = args.wolff_sizes if args.wolff_sizes is not None else [64, 256]
        cfg = Settings(
            min_time=args.min_time or 0.5,
            pilot_time=0.1,
            repeats=args.repeats,
            therm=100,
            wolff_warm=20.0,
        )
    bad = [L for L in sizes if L < 2 or L % 2]
    if bad:
        ap.error(f"--sizes: checkerboard sweeps need even L >= 2, got {bad}")
    if any(L < 2 for L in wolff_sizes):
        ap.error("--wolff-sizes: L must be >= 2")
    check_repeats(ap, args)
    temperatures = args.temperatures or list(TEMPERATURES)
    if any(not (t > 0) for t in temperatures):
        ap.error("--temperatures: must be > 0")
    thread_counts = args.threads or [1, 2]
    if any(t < 1 for t in thread_counts):
        ap.error("--threads: must be >= 1")
    kernels = args.kernels or ["plain", "multispin"]
    available = iv.mc.available_simd()
    isas = args.simd or available
    missing = [s for s in isas if s not in available]
    if missing:
        ap.error(f"--simd: this CPU or build lacks {missing}; it has {available}")

    print("isingvi MC throughput benchmark")
    print(environment())
    print(
        f"single-spin: T = {temperatures}, {cfg.therm} untimed sweeps first; Wolff: T = T_c = {iv.exact.T_C:.6f}; "
        f"each timed measurement >= {cfg.min_time} s; best and median of {cfg.repeats}"
    )
    print()
    status = 0
    if args.check:
        if not check_baselines(**({"sweeps": 400, "therm": 50} if args.quick else {})):
            status = 1
        print()

    rows: list[Row] = []
    impls = [NumpySublattice] if args.no_masked else list(NUMPY_IMPLS)
    # Metropolis at every T; heat bath at the first. Several threads: the multi-spin kernel on
    # every ISA, the plain one on the fastest only (it cannot split one temperature).
    cases = [("metropolis", T) for T in temperatures] + [("heatbath", temperatures[0])]
    for algorithm, T in cases:
        for kernel in kernels:
            for threads in thread_counts:
                for simd in isas:
                    if threads > 1 and kernel == "plain" and simd != isas[-1]:
                        continue
                    for L in sizes:
                        if kernel == "multispin" and L % 128:
                            continue
                        rows.append(
                            bench_single_spin(
                                L, algorithm, simd, cfg, kernel=kernel, T=T, threads=threads
                            )
                        )
                        print(
                            f"  done core {algorithm} T={T} {kernel} {simd} threads={threads} L={L}",
                            file=sys.stderr,
                            flush=True,
                        )
    for impl in impls:
        for T in temperatures:
            for L in sizes:
                rows.append(bench_numpy(impl, L, cfg, T=T))
                print(f"  done {impl.name} T={T} L={L}", file=sys.stderr, flush=True)
    for L in wolff_sizes:
        rows.append(bench_wolff(L, cfg))
        print(f"  done core wolff L={L}", file=sys.stderr, flush=True)

    # The NumPy baseline at each (L, T) is the faster of the NumPy versions (best of repeats).
    numpy_best: dict[tuple, Row] = {}
    for r in rows:
        key = (r.L, r.T)
        if r.impl.startswith("numpy") and (
            key not in numpy_best or r.spins_per_ns_best > numpy_best[key].spins_per_ns_best
        ):
            numpy_best[key] = r
    for r in rows:
        if r.impl == "core" and r.algorithm != "wolff" and (r.L, r.T) in numpy_best:
            r.vs_numpy = r.spins_per_ns_best / numpy_best[(r.L, r.T)].spins_per_ns_best

    print(format_table(rows))
    print()
    print(
        "Core / NumPy, spin-flip attempts per ns (best of repeats; baseline = faster NumPy version, Metropolis):"
    )
    for r in rows:
        if r.impl == "core" and r.algorithm != "wolff" and (r.L, r.T) in numpy_best:
            parts = [
                f"{x.impl} {x.spins_per_ns_best:.4f}"
                for x in rows
                if x.impl.startswith("numpy") and x.L == r.L and x.T == r.T
            ]
            print(
                f"  {r.algorithm:10s} T={r.T:<6g} {r.kernel:9s} {r.simd:7s} x{r.threads} L = {r.L:5d}: core "
                f"{r.spins_per_ns_best:.4f}; {', '.join(parts)} -> {r.vs_numpy:.2f}x {numpy_best[(r.L, r.T)].impl}"
            )
    print()
    print(targets(rows))
    if args.out:
        write_csv(rows, args.out)
        print(f"\nwrote {args.out}")
    return status


if __name__ == "__main__":
    sys.exit(main())
