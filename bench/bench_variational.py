#!/usr/bin/env python
"""Speed of the isingvi variational solvers, next to vectorised NumPy baselines.

Sections (``--sections``; each prints its rows into one table):

* ``meanfield``: one naive mean-field iteration on the periodic L x L square lattice (J = 1,
  h = 0, T = 4.2, just above T_c^MF = 4 so that the iterations converge slowly and never within
  the timed ones), in the core (sequential and parallel update on the SquareLattice, which the
  core sweeps with a stencil; ``core-graph``: parallel on the same model as a Graph, through
  its CSR adjacency) and in NumPy (parallel update, ``np.roll`` neighbour sums). One iteration
  updates every site, finds max |dm| and evaluates F_MF (the core's per-iteration trace); the
  ``numpy+F`` row does the same work, the ``numpy`` row skips F_MF. A sequential sweep has no
  vectorised NumPy form (each site waits for its predecessor's new value); its ratio is to the
  parallel NumPy iteration, for scale.

* ``bp``: one parallel loopy-BP iteration (every directed message, max |du| and the Bethe free
  energy of the trace) on the same lattice at T = 2.7 from the core's random start, timed like
  the core's mean field: ``core`` (the SquareLattice's vectorised stencil), ``core-graph`` (the
  same model as a Graph, generic layout), ``numpy+F`` (the same iteration with ``np.roll``,
  checked first against the core's iterates), and the stencil on 1 and 2 threads in wall time,
  back to back in each repeat (``parallel 1thr wall`` / ``2thr wall``).
* ``ais``: annealed importance sampling on L x L lattices (``--ais-sizes``, default 16 32 128
  256), 1000 heat-bath steps of one sweep from beta = 0 to T = 2.269, one thread, timed per
  chain (``timed`` counts chains; ``_core.ais`` directly, so no table-building overhead). Rows:
  ``lattice-plain`` (checkerboard kernel, simd "auto"), ``lattice-multispin`` (L % 128 == 0),
  and the same model as a Graph: ``graph-table`` (sequential sweeps, flip probabilities from a
  table) and ``graph-exp`` (std::exp per spin: the path every model took before). The graph
  rows run 100 steps from L = 128 on (seconds per chain otherwise); ``x graph-exp`` compares
  time per chain and step, i.e. chains/s at 1000 steps.

Timing: ``time.process_time`` (CPU time of this process; one thread). The core is timed as
the difference of two ``iv.meanfield.solve`` calls from the same start with max_iter = 1 and
1 + S: the start, the conversion of the lattice and the call overhead cancel. S is calibrated
so that the difference lasts at least ``--min-time`` seconds. NumPy iterations are timed
directly. Best and median of ``--repeats`` repeats. Nothing here asserts on timings.

Usage::

    python bench/bench_variational.py                 # L = 1024
    python bench/bench_variational.py --sizes 256 1024 --out bench_variational.csv
    python bench/bench_variational.py --quick         # tiny sizes, a few seconds (smoke test)
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import isingvi as iv
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_mc import (
    _calibrate,
    _timed_repeats,
    benchmark_parser,
    check_repeats,
    environment,
    format_table,
    write_csv,
)

T_MF = 4.2
SEED = 12345

COLUMNS = [
    ("section", "section", "{}"),
    ("impl", "impl", "{}"),
    ("variant", "variant", "{}"),
    ("L", "L", "{}"),
    ("T", "T", "{:.4f}"),
    ("timed", "timed", "{}"),
    ("ms_per_iter_median", "ms/iter (median)", "{:.3f}"),
    ("ms_per_iter_best", "ms/iter (best)", "{:.3f}"),
    ("spins_per_ns_best", "spins/ns (best)", "{:.4f}"),
    ("vs_numpy", "core/numpy", "{:.2f}"),  # NumPy time / core time per iteration, same work
    ("vs_baseline", "x graph-exp", "{:.1f}"),  # AIS: graph-exp time per chain and step / this row's
]


@dataclass
class Row:
    section: str
    impl: str
    variant: str
    L: int
    T: float
    iterations: int  # iterations in each timed measurement
    seconds: list[float] = field(repr=False)  # CPU time of the timed iterations, per repeat
    vs_numpy: float = math.nan
    spins_per_iter: int = 0  # spin updates in one iteration (0: L * L)
    vs_baseline: float = math.nan
    steps: int = 0  # AIS: schedule steps per chain

    @property
    def timed(self) -> str:
        return f"{self.iterations} {'chains' if self.section == 'ais' else 'iter'}"

    @property
    def ms_per_iter_best(self) -> float:
        return 1e3 * min(self.seconds) / self.iterations

    @property
    def ms_per_iter_median(self) -> float:
        return 1e3 * statistics.median(self.seconds) / self.iterations

    @property
    def spins_per_ns_best(self) -> float:
        return (self.spins_per_iter or self.L * self.L) * self.iterations / min(self.seconds) * 1e-9

    def record(self) -> dict:
        d = {k: getattr(self, k) for k, _, _ in COLUMNS}
        d["seconds_all"] = " ".join(f"{s:.4f}" for s in self.seconds)
        return d


@dataclass
class Settings:
    min_time: float  # seconds each timed measurement should last at least
    pilot_time: float  # seconds a calibration run should last at least
    repeats: int
    seed: int = SEED
    ais_sizes: tuple[int, ...] = (16, 32, 128, 256)
    ais_steps: int = 1000


# --------------------------------------------------------------------------------------------
# Mean field


def random_start(L: int, seed: int) -> np.ndarray:
    """The core's init="random" start: m_i = 2 u_i - 1 from stream (seed, 0), as an (L, L) array."""
    return (2.0 * iv._core.random_uniform(seed, 0, L * L) - 1.0).reshape(L, L)


class NumpyMeanField:
    """Parallel mean-field iteration on the periodic L x L lattice, vectorised with np.roll.

    Site x + L y is ``m[y, x]``. One iteration: the four neighbour sums, tanh, max |dm| and,
    with ``free_energy``, F_MF per spin (the work of one core iteration with its trace).
    """

    def __init__(
        self, L: int, T: float, m0: np.ndarray, free_energy: bool, J: float = 1.0, h: float = 0.0
    ):
        self.beta, self.T, self.J, self.h = 1.0 / T, T, J, h
        self.m = m0.copy()
        self.with_f = free_energy
        self.f = math.nan
        self.max_dm = math.nan

    def free_energy(self) -> float:
        m = self.m
        energy = -self.J * np.sum(m * (np.roll(m, 1, 0) + np.roll(m, 1, 1))) - self.h * np.sum(m)
        p = 0.5 * (1.0 - np.abs(m))
        with np.errstate(divide="ignore", invalid="ignore"):
            plogp = np.where(p > 0, p * np.log(p), 0.0)
        entropy = -np.sum(plogp + (1.0 - p) * np.log1p(-p))
        return float(energy - self.T * entropy) / m.size

    def iterate(self, n: int = 1) -> None:
        for _ in range(n):
            m = self.m
            nb = np.roll(m, 1, 0)
            nb += np.roll(m, -1, 0)
            nb += np.roll(m, 1, 1)
            nb += np.roll(m, -1, 1)
            new = np.tanh(self.beta * (self.J * nb + self.h))
            self.max_dm = float(np.max(np.abs(new - m)))
            self.m = new
            if self.with_f:
                self.f = self.free_energy()


def check_numpy_baseline(L: int = 16, iterations: int = 7) -> None:
    """The NumPy iteration reproduces the core's parallel iterates and F_MF trace."""
    res = iv.meanfield.solve(
        iv.SquareLattice(L),
        T_MF,
        update="parallel",
        init="random",
        seed=SEED,
        tol=1e-300,
        max_iter=iterations,
    )
    ref = NumpyMeanField(L, T_MF, random_start(L, SEED), free_energy=True)
    ref.iterate(iterations)
    if not (
        np.allclose(ref.m.ravel(), res.m[0], rtol=0, atol=1e-13)
        and abs(ref.f - res.f[0]) < 1e-12
        and abs(ref.max_dm - res.trace.max_dm.iloc[-1]) < 1e-13
    ):
        raise RuntimeError(
            "the NumPy mean-field baseline disagrees with the core's parallel iteration"
        )


def bench_core_mean_field(L: int, update: str, cfg: Settings, as_graph: bool = False) -> Row:
    """The core on the SquareLattice (stencil sweeps) or, with ``as_graph``, on the same model as
    a Graph (CSR adjacency; converted once, outside the timings)."""
    model = iv.SquareLattice(L).to_graph() if as_graph else iv.SquareLattice(L)

    def run(n: int) -> float:
        t0 = time.process_time()
        r = iv.meanfield.solve(
            model, T_MF, update=update, init="random", seed=cfg.seed, tol=1e-300, max_iter=n
        )
        dt = time.process_time() - t0
        if r.n_iter[0] != n:
            raise RuntimeError(f"mean field L={L}: stopped after {r.n_iter[0]} of {n} iterations")
        return dt

    S, seconds = time_iterations(run, cfg, f"mean field L={L}")
    return Row("meanfield", "core-graph" if as_graph else "core", update, L, T_MF, S, seconds)


def time_iterations(run, cfg: Settings, what: str) -> tuple[int, list[float]]:
    """Time S iterations of a solver as run(1 + S) - run(1), where run(n) returns the CPU time
    of a call doing n iterations: start-up, conversion and call overhead cancel. S is
    calibrated to last ``cfg.min_time``; returns S and the per-repeat times."""

    def pair(S: int):
        return run(1 + S) - run(1), None

    S = _calibrate(lambda n: pair(n)[0], 1, cfg.pilot_time, cfg.min_time)
    S, out = _timed_repeats(pair, S, cfg)
    seconds = [dt for dt, _ in out]
    if min(seconds) <= 0:
        raise RuntimeError(f"{what}: non-positive time difference {seconds}; raise --min-time")
    return S, seconds


def bench_numpy_iterations(it, cfg: Settings, section: str, impl: str, L: int, T: float) -> Row:
    """CPU time of a NumPy iterator's ``iterate(n)`` (NumpyMeanField, NumpyBP), timed directly."""

    def timed(n: int) -> float:
        t0 = time.process_time()
        it.iterate(n)
        return time.process_time() - t0

    S = _calibrate(timed, 1, cfg.pilot_time, cfg.min_time)
    S, out = _timed_repeats(lambda n: (timed(n), None), S, cfg)
    return Row(section, impl, "parallel", L, T, S, [dt for dt, _ in out])


def bench_numpy_mean_field(L: int, with_f: bool, cfg: Settings) -> Row:
    it = NumpyMeanField(L, T_MF, random_start(L, cfg.seed), free_energy=with_f)
    return bench_numpy_iterations(it, cfg, "meanfield", "numpy+F" if with_f else "numpy", L, T_MF)


def section_meanfield(sizes: list[int], cfg: Settings) -> list[Row]:
    check_numpy_baseline()
    rows = []
    for L in sizes:
        core = [bench_core_mean_field(L, update, cfg) for update in ("sequential", "parallel")]
        core.append(bench_core_mean_field(L, "parallel", cfg, as_graph=True))
        numpy_f = bench_numpy_mean_field(L, True, cfg)
        numpy_plain = bench_numpy_mean_field(L, False, cfg)
        for r in core:
            r.vs_numpy = numpy_f.ms_per_iter_best / r.ms_per_iter_best
        rows += [*core, numpy_f, numpy_plain]
        print(f"  done meanfield L={L}", file=sys.stderr, flush=True)
    return rows


# --------------------------------------------------------------------------------------------
# Loopy BP and AIS

T_BP = 2.7


def random_bp_start(L: int, T: float, seed: int, J: float = 1.0) -> np.ndarray:
    """The core's init="random" start messages as out[d][y, x] (from site x + L y towards its
    neighbour in direction d = -x, +x, -y, +y): uniform in [-|J|, |J|] from stream (seed, bits
    of T), drawn per receiving site in site order and, within a site, by ascending sender index."""
    N = L * L
    i = np.arange(N)
    x, y = i % L, i // L
    nb = np.stack(
        [y * L + (x - 1) % L, y * L + (x + 1) % L, ((y - 1) % L) * L + x, ((y + 1) % L) * L + x],
        axis=1,
    )
    order = np.argsort(nb, axis=1, kind="stable")
    stream = int(np.array(T, dtype=np.float64).view(np.uint64))
    u = abs(J) * (2.0 * iv._core.random_uniform(seed, stream, 4 * N) - 1.0)
    out = np.empty((4, N))
    e = order.ravel()  # direction from the receiver to the sender, slot by slot
    out[e ^ 1, nb[np.repeat(i, 4), e]] = u
    return out.reshape(4, L, L)


class NumpyBP:
    """Parallel (flooding) loopy BP on the periodic L x L lattice, vectorised with np.roll.

    ``out[d][y, x]`` is the message (a cavity field) site x + L y sends towards its neighbour
    in direction d = -x, +x, -y, +y. One iteration: every message from the previous ones,
    max |du| and the Bethe free energy per spin of the new messages (the work of one core
    iteration with its trace), in the textbook form: cavity c = H - (message in), tanh/atanh,
    pair beliefs from four exponentials.
    """

    def __init__(self, L: int, T: float, out0: np.ndarray, J: float = 1.0, h: float = 0.0):
        self.beta, self.T, self.J, self.h = 1.0 / T, T, J, h
        self.t = math.tanh(J / T)
        self.out = out0.copy()
        self.f = math.nan
        self.max_du = math.nan

    @staticmethod
    def incoming(out: np.ndarray) -> list[np.ndarray]:
        # from the -x neighbour: what it sent towards +x, and so on
        return [
            np.roll(out[1], 1, 1),
            np.roll(out[0], -1, 1),
            np.roll(out[3], 1, 0),
            np.roll(out[2], -1, 0),
        ]

    def fields(self, out: np.ndarray):
        a = self.incoming(out)
        H = self.h + a[0] + a[1] + a[2] + a[3]
        return H, [H - ad for ad in a]

    def magnetisation(self) -> np.ndarray:
        return np.tanh(self.beta * self.fields(self.out)[0])

    def free_energy(self) -> float:
        b, T, J, h = self.beta, self.T, self.J, self.h
        H, c = self.fields(self.out)
        m = np.tanh(b * H)
        q = np.exp(-2.0 * b * np.abs(H))
        F = np.sum(-h * m + 3.0 * (np.abs(H) * 2.0 * q / (1.0 + q) + T * np.log1p(q)))
        for ci, cj in ((c[1], np.roll(c[0], -1, 1)), (c[3], np.roll(c[2], -1, 0))):  # +x, +y edges
            w = np.stack([J + ci + cj, -J + ci - cj, -J - ci + cj, J - ci - cj])
            top = w.max(axis=0)
            p = np.exp(b * (w - top))
            S = p.sum(axis=0)
            p /= S
            corr = p[0] + p[3] - p[1] - p[2]
            F += np.sum(-J * corr - (np.sum(p * (top - w), axis=0) + T * np.log(S)))
        return float(F) / H.size

    def iterate(self, n: int = 1) -> None:
        for _ in range(n):
            _, c = self.fields(self.out)
            new = np.arctanh(self.t * np.tanh(self.beta * np.stack(c))) / self.beta
            self.max_du = float(np.max(np.abs(new - self.out)))
            self.out = new
            self.f = self.free_energy()


def check_numpy_bp(L: int = 8, iterations: int = 6, seed: int = SEED) -> None:
    """The NumPy BP iteration reproduces the core's iterates (marginals, trace f and max |du|)
    from the core's random start on the lattice; the stencil and the graph path agree."""
    T = T_BP
    ref = NumpyBP(L, T, random_bp_start(L, T, seed))
    ref.iterate(iterations)
    for model in (iv.SquareLattice(L), iv.SquareLattice(L).to_graph()):
        res = iv.bp.solve(model, T, init="random", seed=seed, tol=1e-300, max_iter=iterations)
        if not (
            np.allclose(ref.magnetisation().ravel(), res.m[0], rtol=0, atol=1e-12)
            and abs(ref.f - res.f[0]) < 1e-12
            and abs(ref.max_du - res.trace.max_du.iloc[-1]) < 1e-12
        ):
            raise RuntimeError("the NumPy BP baseline disagrees with the core's parallel iteration")


def bp_runner(model, seed: int, clock=time.process_time, threads: int = 1):
    """run(n): seconds of ``clock`` for a parallel BP call of n iterations from the random start
    (at T_BP they never converge within the timed ones)."""

    def run(n: int) -> float:
        t0 = clock()
        r = iv.bp.solve(
            model, T_BP, init="random", seed=seed, tol=1e-300, max_iter=n, threads=threads
        )
        dt = clock() - t0
        if r.n_iter[0] != n:
            raise RuntimeError(f"BP: stopped after {r.n_iter[0]} of {n} iterations")
        return dt

    return run


def bench_core_bp(L: int, cfg: Settings, as_graph: bool = False) -> Row:
    """The core on the SquareLattice (the vectorised stencil) or, with ``as_graph``, on the same
    model as a Graph (the generic directed-edge layout), one thread, CPU time."""
    model = iv.SquareLattice(L).to_graph() if as_graph else iv.SquareLattice(L)
    S, seconds = time_iterations(bp_runner(model, cfg.seed), cfg, f"BP L={L}")
    return Row("bp", "core-graph" if as_graph else "core", "parallel", L, T_BP, S, seconds)


def bench_core_bp_threads(L: int, S: int, cfg: Settings) -> list[Row]:
    """Wall time of S stencil iterations on 1 and 2 threads, measured back to back in each
    repeat (S from the CPU-time row: a wall-clock calibration would chase the load)."""
    model = iv.SquareLattice(L)
    runs = {k: bp_runner(model, cfg.seed, time.perf_counter, k) for k in (1, 2)}
    seconds = {1: [], 2: []}
    for _ in range(cfg.repeats):
        for k in (1, 2):
            seconds[k].append(max(runs[k](1 + S) - runs[k](1), 1e-9))
    return [Row("bp", "core", f"parallel {k}thr wall", L, T_BP, S, seconds[k]) for k in (1, 2)]


def bench_numpy_bp(L: int, cfg: Settings) -> Row:
    return bench_numpy_iterations(
        NumpyBP(L, T_BP, random_bp_start(L, T_BP, cfg.seed)), cfg, "bp", "numpy+F", L, T_BP
    )


def section_bp(sizes: list[int], cfg: Settings) -> list[Row]:
    check_numpy_bp()
    rows = []
    for L in sizes:
        core = [bench_core_bp(L, cfg), bench_core_bp(L, cfg, as_graph=True)]
        numpy_f = bench_numpy_bp(L, cfg)
        for r in core:
            r.vs_numpy = numpy_f.ms_per_iter_best / r.ms_per_iter_best
        wall = bench_core_bp_threads(L, core[0].iterations, cfg)
        ratio = statistics.median(wall[0].seconds) / statistics.median(wall[1].seconds)
        print(
            f"  bp L={L}: 2 threads {ratio:.2f}x faster than 1 (wall time, medians)",
            file=sys.stderr,
            flush=True,
        )
        rows += [*core, numpy_f, *wall]
    return rows


def bench_ais(L: int, impl: str, steps: int, cfg: Settings) -> Row:
    """Chains of ``steps`` steps at L, on one of the four paths (see the module docstring)."""
    lattice = iv.SquareLattice(L)
    model = lattice if impl.startswith("lattice") else lattice.to_graph()
    kw = {
        "lattice-plain": dict(kernel="plain"),
        "lattice-multispin": dict(kernel="multispin"),
        "graph-table": dict(),
        "graph-exp": dict(tables=False),
    }[impl]
    sampler = ""

    def timed(n_chains: int) -> float:
        nonlocal sampler
        t0 = time.process_time()
        d = iv._core.ais(
            model, [iv.exact.T_C], steps, 1, n_chains, "heatbath", cfg.seed, 1, None, **kw
        )
        dt = time.process_time() - t0
        sampler = d["sampler"]
        return dt

    S = _calibrate(timed, 2, cfg.pilot_time, cfg.min_time)
    S, out = _timed_repeats(lambda n: (timed(n), None), max(2, S), cfg)
    return Row(
        "ais",
        impl,
        f"{sampler}, {steps} steps",
        L,
        iv.exact.T_C,
        S,
        [dt for dt, _ in out],
        spins_per_iter=L * L * steps,
        steps=steps,
    )


def section_ais(sizes: list[int], cfg: Settings) -> list[Row]:
    """AIS chains per second at each L of cfg.ais_sizes (``sizes`` are for the other sections)."""
    rows = []
    for L in cfg.ais_sizes:
        graph_steps = cfg.ais_steps if L < 128 else max(2, cfg.ais_steps // 10)
        group = [bench_ais(L, "lattice-plain", cfg.ais_steps, cfg)]
        if L % 128 == 0:
            group.append(bench_ais(L, "lattice-multispin", cfg.ais_steps, cfg))
        group += [bench_ais(L, impl, graph_steps, cfg) for impl in ("graph-table", "graph-exp")]
        base = group[-1].ms_per_iter_best / group[-1].steps
        for r in group:
            r.vs_baseline = base / (r.ms_per_iter_best / r.steps)
        rows += group
        print(f"  done ais L={L}", file=sys.stderr, flush=True)
    return rows


SECTIONS = {"meanfield": section_meanfield, "bp": section_bp, "ais": section_ais}


# --------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    ap = benchmark_parser(__doc__, "tiny sizes and times (a few seconds; smoke test)")
    ap.add_argument(
        "--sizes", type=int, nargs="+", help="lattice sizes L (default 1024; --quick: 64)"
    )
    ap.add_argument(
        "--sections",
        nargs="+",
        choices=list(SECTIONS),
        default=list(SECTIONS),
        help="which sections to run (default all)",
    )
    ap.add_argument(
        "--min-time", type=float, help="CPU seconds per timed measurement (default 0.5)"
    )
    ap.add_argument(
        "--ais-sizes",
        type=int,
        nargs="+",
        help="L of the AIS section (default 16 32 128 256; --quick: 8 128)",
    )
    args = ap.parse_args(argv)
    check_repeats(ap, args)
    if args.quick:
        sizes = args.sizes or [
            64
        ]  # at 32, BP (converged after ~370 iterations) can run out before the timed ones
        cfg = Settings(
            min_time=args.min_time or 0.02,
            pilot_time=0.005,
            repeats=args.repeats,
            ais_sizes=tuple(args.ais_sizes or (8, 128)),
            ais_steps=20,
        )
    else:
        sizes = args.sizes or [1024]
        cfg = Settings(
            min_time=args.min_time or 0.5,
            pilot_time=0.1,
            repeats=args.repeats,
            ais_sizes=tuple(args.ais_sizes or Settings.ais_sizes),
        )
    if any(L < 3 for L in sizes):
        ap.error("--sizes: L must be >= 3")
    if any(L < 2 or L % 2 for L in cfg.ais_sizes):
        ap.error("--ais-sizes: L must be even and >= 2")

    print("isingvi variational-solver benchmark")
    print(environment())
    print(
        f"CPU time (time.process_time); each timed measurement >= {cfg.min_time} s; best and median of {cfg.repeats}"
    )
    print()
    rows: list[Row] = []
    for name in args.sections:
        rows += SECTIONS[name](sizes, cfg)
    print(format_table(rows, COLUMNS))
    print()
    print(
        "core/numpy: NumPy's best time per iteration (numpy+F: the same work, update, max |dm| and F_MF)"
    )
    print(
        "divided by the core's, at the same L (larger is faster). NumPy has no sequential sweep: the"
    )
    print("sequential ratio compares with its parallel iteration, for scale; so does BP's.")
    for r in rows:
        if r.impl.startswith("core") and not math.isnan(r.vs_numpy):
            print(
                f"  {r.section} {r.impl:10s} {r.variant:10s} L = {r.L:5d}: {r.ms_per_iter_best:.3f} ms/iter, "
                f"{r.vs_numpy:.1f}x numpy+F"
            )
    for r in rows:
        if r.section == "ais":
            per_1000 = r.ms_per_iter_best * 1000 / r.steps
            print(
                f"  ais L = {r.L:4d} {r.impl:17s}: {1e3 / per_1000:10.2f} chains/s at 1000 steps "
                f"({r.vs_baseline:.1f}x graph-exp; {r.variant})"
            )
    if args.out:
        write_csv(rows, args.out)
        print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
