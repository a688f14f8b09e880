#!/usr/bin/env python
"""Gaussian-mixture EM: the isingvi core next to scikit-learn, same data, start and iterations.

Both fits start from the same weights_init, means_init and precisions_init and run exactly
``--iters`` EM iterations (tol = 0), so they do the same work and must end at the same
parameters. Time is ``time.process_time`` (CPU time of the whole process, best of
``--repeats``); scikit-learn's BLAS is limited to one thread (threadpoolctl) and the core runs
with threads=1. The script prints the times, their ratio and the largest differences of the
fitted parameters and mean log-likelihood; it asserts nothing about speed.

Usage::

    python bench/bench_em.py                  # n = 100000, d = 8, K = 8, 20 iterations
    python bench/bench_em.py --n 20000 --d 4 --K 5 --iters 50
    python bench/bench_em.py --quick          # a tiny problem, a few seconds (smoke test)
    python bench/bench_em.py --out em.csv     # also write the table as CSV (atomically)
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import isingvi as iv
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))  # bench_mc's helpers, wherever this runs from
from bench_mc import benchmark_parser, best_time, check_repeats, environment


def problem(n: int, d: int, K: int, seed: int = 0):
    """K unit-variance blobs with centres ~ N(0, 3²) and a start near (not at) the truth."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, 3.0, size=(K, d))
    X = centres[rng.integers(0, K, n)] + rng.standard_normal((n, d))
    init = dict(
        weights_init=np.full(K, 1.0 / K), means_init=centres + rng.normal(0.0, 0.5, size=(K, d))
    )
    return X, init


def bench(n: int, d: int, K: int, iters: int, repeats: int) -> pd.DataFrame:
    from sklearn.mixture import GaussianMixture as SkGaussianMixture
    from threadpoolctl import threadpool_limits

    X, init = problem(n, d, K)
    rows = []
    for ctype in ("full", "diag"):
        args = dict(
            covariance_type=ctype,
            tol=0.0,
            max_iter=iters,
            reg_covar=1e-6,
            **init,
            precisions_init=np.stack([np.eye(d)] * K) if ctype == "full" else np.ones((K, d)),
        )
        t_core, core = best_time(
            lambda a=args: iv.em.GaussianMixture(K, threads=1, **a).fit(X), repeats
        )
        with warnings.catch_warnings(), threadpool_limits(limits=1):
            warnings.simplefilter("ignore")  # ConvergenceWarning: tol = 0 on purpose
            t_sk, sk = best_time(lambda a=args: SkGaussianMixture(K, **a).fit(X), repeats)
        assert core.n_iter_ == sk.n_iter_ == iters
        rows.append(
            dict(
                covariance_type=ctype,
                n=n,
                d=d,
                K=K,
                iterations=iters,
                core_s=t_core,
                sklearn_s=t_sk,
                sklearn_over_core=t_sk / t_core,
                core_ms_per_iter=1e3 * t_core / iters,
                max_abs_dmeans=float(np.abs(core.means_ - sk.means_).max()),
                max_abs_dcovariances=float(np.abs(core.covariances_ - sk.covariances_).max()),
                max_abs_dweights=float(np.abs(core.weights_ - sk.weights_).max()),
                abs_dscore=abs(core.score(X) - sk.score(X)),
            )
        )
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    p = benchmark_parser(__doc__, "n = 2000, d = 3, K = 3, 5 iterations, 1 repeat")
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--d", type=int, default=8)
    p.add_argument("--K", type=int, default=8)
    p.add_argument("--iters", type=int, default=20)
    a = p.parse_args(argv)
    check_repeats(p, a)
    if a.quick:
        a.n, a.d, a.K, a.iters, a.repeats = 2000, 3, 3, 5, 1
    print(environment())
    table = bench(a.n, a.d, a.K, a.iters, a.repeats)
    with pd.option_context(
        "display.width", 200, "display.max_columns", 20, "display.float_format", "{:.3g}".format
    ):
        print(table.to_string(index=False))
    if a.out:
        iv.results.write_table(table, a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
