#!/usr/bin/env python
"""The core's vectorised exp, log and tanh (isingvi._core.vec_*) next to NumPy's ufuncs.

Each function maps the same float64 array (``--n`` values spread over the range that matters:
exp on [-700, 700], log on (0, 1e300], tanh on [-20, 20]) once per instruction set this CPU
has, and NumPy's ufunc on the same array. Time is ``time.process_time``, best of
``--repeats`` timings of ``--calls`` calls each; ``numpy_over_core`` > 1 means the core is
faster. The script also prints the largest relative error against NumPy; it asserts nothing.

Usage::

    python bench/bench_vecmath.py                # n = 1e6
    python bench/bench_vecmath.py --quick        # tiny, a second (smoke test)
    python bench/bench_vecmath.py --out vm.csv   # also write the table as CSV (atomically)
"""

from __future__ import annotations

import sys
from pathlib import Path

import isingvi as iv
import isingvi._core as core
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))  # bench_mc's helpers, wherever this runs from
from bench_mc import benchmark_parser, best_time, check_repeats, environment

FUNCTIONS = {  # name: (core kernel, NumPy ufunc, input of n values)
    "exp": (core.vec_exp, np.exp, lambda n, rng: rng.uniform(-700.0, 700.0, n)),
    "log": (core.vec_log, np.log, lambda n, rng: np.exp(rng.uniform(-700.0, 690.0, n))),
    "tanh": (core.vec_tanh, np.tanh, lambda n, rng: rng.uniform(-20.0, 20.0, n)),
}


def best_ns_per_value(fn, x: np.ndarray, calls: int, repeats: int) -> float:
    best, _ = best_time(lambda: [fn(x) for _ in range(calls)], repeats)
    return 1e9 * best / (calls * x.size)


def bench(n: int, calls: int, repeats: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for name, (kernel, ufunc, make) in FUNCTIONS.items():
        x = make(n, rng)
        ns_numpy = best_ns_per_value(ufunc, x, calls, repeats)
        want = ufunc(x)
        for simd in core.simd_supported():
            got = kernel(x, simd=simd)
            ns = best_ns_per_value(lambda v, s=simd, k=kernel: k(v, simd=s), x, calls, repeats)
            rows.append(
                dict(
                    function=name,
                    simd=simd,
                    n=n,
                    core_ns=ns,
                    numpy_ns=ns_numpy,
                    numpy_over_core=ns_numpy / ns,
                    max_rel_error=float(np.max(np.abs(got - want) / np.abs(want))),
                )
            )
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    p = benchmark_parser(__doc__, "n = 10000, 2 calls, 1 repeat")
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--calls", type=int, default=10)
    a = p.parse_args(argv)
    check_repeats(p, a)
    if a.quick:
        a.n, a.calls, a.repeats = 10_000, 2, 1
    print(environment())
    table = bench(a.n, a.calls, a.repeats)
    with pd.option_context(
        "display.width", 200, "display.max_columns", 20, "display.float_format", "{:.3g}".format
    ):
        print(table.to_string(index=False))
    if a.out:
        iv.results.write_table(table, a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
