#!/usr/bin/env python
"""Two builds of isingvi side by side: the same lattice sweeps timed in alternating subprocesses.

Each row (algorithm, L, instruction set, threads) is timed ``--repeats`` times in each build,
old and new alternately (old, new, new, old, old, new, ...), each time in a fresh subprocess of
that build's Python, so both builds see the same machine load and neither profits from a warm
process. A timing is the CPU time (``time.process_time``; wall time for several threads) of S
sweeps: two runs with the same seed, ``n_measure = 1`` and ``1 + S``, differ by exactly S
sweeps. S is fixed per row (calibrated once with the new build) so both builds do the same
work. The table gives the median spins/ns of each build and new/old, the median over repeats
of the ratio of the two back-to-back timings (> 1: the new build is faster); with ``--threads 2`` also each build's wall-time speed-up over one thread
(same sweeps on one thread right after, median over repeats).

Usage::

    python bench/compare_builds.py --old ../baseline/.venv/bin/python          # default rows
    python bench/compare_builds.py --old OLD_PY --rows metropolis:256:avx2 heatbath:256:scalar
    python bench/compare_builds.py --old OLD_PY --rows metropolis:1024:avx2:2 --repeats 7

``--new`` defaults to this Python. A row is ``algorithm:L:simd[:threads]`` with T = 2.269 and
kernel="auto" (multispin where L % 128 == 0). Nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import subprocess
import sys
import time

T = 2.269
DEFAULT_ROWS = (
    "metropolis:256:avx2",
    "heatbath:256:avx2",
    "metropolis:256:scalar",
    "heatbath:256:scalar",
)


def worker(row: str, S: int, seed: int) -> dict:
    """In the build's own Python: seconds of S sweeps (and of the same on one thread)."""
    import isingvi as iv

    algorithm, L, simd, threads = parse_row(row)
    model = iv.SquareLattice(L)
    therm = min(100, max(5, 2**26 // (L * L)))
    clock = time.process_time if threads == 1 else time.perf_counter

    def pair(n_threads: int) -> tuple[float, str]:
        times, sampler = [], ""
        for n in (1, 1 + S):
            t0 = clock()
            r = iv.mc.run(
                model,
                T,
                algorithm=algorithm,
                n_therm=therm,
                n_measure=n,
                every=n,
                seed=seed,
                threads=n_threads,
                simd=simd,
            )
            times.append(clock() - t0)
            sampler = r.sampler
        return times[1] - times[0], sampler

    seconds, sampler = pair(threads)
    one = pair(1)[0] if threads > 1 else math.nan
    return {"seconds": seconds, "one_thread": one, "sampler": sampler, "module": iv.__file__}


def parse_row(row: str) -> tuple[str, int, str, int]:
    parts = row.split(":")
    if len(parts) not in (3, 4):
        raise ValueError(f"row {row!r}: expected algorithm:L:simd[:threads]")
    return parts[0], int(parts[1]), parts[2], int(parts[3]) if len(parts) == 4 else 1


def call(python: str, row: str, S: int, seed: int) -> dict:
    out = subprocess.run(
        [python, __file__, "--worker", row, "--sweeps", str(S), "--seed", str(seed)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def calibrate(python: str, row: str, seed: int, min_time: float) -> int:
    S = 2
    while True:
        dt = call(python, row, S, seed)["seconds"]
        if dt >= 0.3 * min_time:
            return max(1, math.ceil(S * min_time / max(dt, 1e-9)))
        S *= 4


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--old", help="Python of the old build (e.g. ../baseline/.venv/bin/python)")
    ap.add_argument(
        "--new", default=sys.executable, help="Python of the new build (default: this one)"
    )
    ap.add_argument("--rows", nargs="+", default=list(DEFAULT_ROWS))
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=0.5, help="seconds one timing lasts at least")
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--sweeps", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(a.worker, a.sweeps, a.seed)))
        return
    if not a.old:
        ap.error("--old is required")
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print(
        f"# {platform.processor() or platform.machine()}, load {' '.join(load)}; new {a.new}, old {a.old}"
    )
    print(f"# T = {T}, median of {a.repeats} alternating repeats; spins/ns = attempts per ns")
    head = f"{'row':<24} {'sweeps':>6} {'old spins/ns':>12} {'new spins/ns':>12} {'new/old':>8}"
    print(
        head + (f" {'old xN':>7} {'new xN':>7}" if any(parse_row(r)[3] > 1 for r in a.rows) else "")
    )
    for row in a.rows:
        _algorithm, L, _simd, threads = parse_row(row)
        S = calibrate(a.new, row, a.seed, a.min_time)
        res: dict[str, list[dict]] = {"old": [], "new": []}
        for k in range(a.repeats):
            order = ("old", "new") if k % 2 == 0 else ("new", "old")
            for build in order:
                res[build].append(call(a.old if build == "old" else a.new, row, S, a.seed))
        rate = {b: statistics.median(S * L * L / r["seconds"] * 1e-9 for r in res[b]) for b in res}
        ratio = statistics.median(
            o["seconds"] / n["seconds"] for o, n in zip(res["old"], res["new"])
        )
        line = f"{row:<24} {S:>6} {rate['old']:>12.4f} {rate['new']:>12.4f} {ratio:>8.3f}"
        if threads > 1:
            sp = {b: statistics.median(r["one_thread"] / r["seconds"] for r in res[b]) for b in res}
            line += f" {sp['old']:>7.2f} {sp['new']:>7.2f}"
        print(line + f"   [{res['new'][0]['sampler']}]", flush=True)
        for b in res:  # guard against timing the same build twice
            print(f"#   {b}: {res[b][0]['module']}", file=sys.stderr)


if __name__ == "__main__":
    main()
