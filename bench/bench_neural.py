#!/usr/bin/env python
"""Accuracy per CPU-second of isingvi.neural, against exact answers, and its sampling speed.

Sections (``--sections``):

* ``sampling``: samples/s of a trained one-hidden-layer VAN on the L x L torus (``--width``),
  drawn with the incremental cache (``_made.sample``: each hidden unit's pre-activation is
  updated as a spin is drawn) and naively (``_made.sample_naive``: a full network pass per
  spin), the same draws, in this process; the ratio is the speed-up of the cache.
* ``lattice``: VAN on the 16 x 16 torus at each β of ``--betas``, with and without the Z2
  symmetrisation: F_q per spin (a bound) and neural importance sampling f_K at K = 10^4
  (``--k``), both against Kaufman's exact finite-lattice f. Training steps are calibrated so
  that one training takes about ``--budget`` CPU-seconds.
* ``sk``: the same on the Sherrington-Kirkpatrick model N = 20 (seed 1) at ``--sk-betas``,
  exact by enumeration, beside mean field, TAP and BP.

CPU time is this process's (``time.process_time``); JAX runs each operation on one thread.
Nothing here asserts; ``--quick`` is a smoke test of a few seconds' training.

Usage::

    python bench/bench_neural.py --sections sampling
    python bench/bench_neural.py --sections lattice --betas 0.44 --budget 900 --out neural.csv
    python bench/bench_neural.py --quick --out /tmp/n.csv
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import isingvi as iv
from isingvi import neural

sys.path.insert(0, str(Path(__file__).parent))
from bench_mc import environment, format_table, write_csv

COLUMNS = [
    ("section", "section", "{}"),
    ("model", "model", "{}"),
    ("method", "method", "{}"),
    ("beta", "beta", "{:.3f}"),
    ("value", "f or samples/s", "{:.7g}"),
    ("err", "err", "{:.2g}"),
    ("exact", "exact f", "{:.9g}"),
    ("rel_error", "|f - f_exact|/|f|", "{:.2e}"),
    ("z", "z", "{:+.2f}"),
    ("cpu_s", "cpu s", "{:.1f}"),
    ("note", "note", "{}"),
]


@dataclass
class Row:
    section: str
    model: str
    method: str
    beta: float = math.nan
    value: float = math.nan
    err: float = math.nan
    exact: float = math.nan
    rel_error: float = math.nan
    z: float = math.nan
    cpu_s: float = math.nan
    note: str = ""

    def record(self) -> dict:
        return asdict(self)


def compare(
    section: str,
    model: str,
    method: str,
    beta: float,
    value: float,
    err: float,
    exact: float,
    cpu: float = math.nan,
    note: str = "",
) -> Row:
    z = (value - exact) / err if err > 0 else math.nan
    return Row(
        section,
        model,
        method,
        beta,
        value,
        err,
        exact,
        abs(value - exact) / abs(exact),
        z,
        cpu,
        note,
    )


def bench_sampling(L: int, width: int, batch: int, steps: int) -> list[Row]:
    import jax
    from isingvi.neural import _made

    r = neural.van(iv.SquareLattice(L), 2.5, n_steps=steps, batch_size=256, width=width, n_eval=256)
    params, mask = r._trained[0].params, r._mask
    rows = []
    for name, fn in (("cached", _made.sample), ("naive", _made.sample_naive)):
        draw = jax.jit(lambda key, fn=fn: fn(params, mask, key, batch))
        draw(jax.random.PRNGKey(0))[0].block_until_ready()  # compile
        reps, start = 0, time.process_time()
        while time.process_time() - start < 2.0 or reps < 2:
            draw(jax.random.PRNGKey(reps + 1))[0].block_until_ready()
            reps += 1
        cpu = time.process_time() - start
        rows.append(
            Row(
                "sampling",
                f"square L={L}",
                f"{name} width={width}",
                value=reps * batch / cpu,
                cpu_s=cpu,
                note=f"{reps} x {batch} samples",
            )
        )
    rows[0].note += f"; {rows[0].value / rows[1].value:.1f}x the naive sampler"
    return rows


def calibrated_steps(model, T: float, budget: float, settings: dict) -> int:
    """Training steps that fit in about ``budget`` CPU-seconds: the CPU time of steps 11-40 of
    a pilot run, read from its progress reports (so the compilation does not count)."""
    marks = {}

    def watch(done: int, total: int) -> None:
        if done in (10, 40):
            marks[done] = time.process_time()

    neural.van(model, T, n_steps=40, n_eval=64, progress=watch, **settings)
    per_step = max((marks[40] - marks[10]) / 30, 1e-5)
    return max(10, int(0.85 * budget / per_step))


def bench_van(
    section: str,
    model,
    name: str,
    beta: float,
    exact_f: float,
    budget: float,
    K: int,
    z2: bool,
    settings: dict,
    n_repeats: int,
) -> list[Row]:
    T = 1.0 / beta
    steps = calibrated_steps(model, T, budget, {**settings, "z2": z2})
    start = time.process_time()
    r = neural.van(model, T, n_steps=steps, z2=z2, **settings)
    cpu = time.process_time() - start
    row = r.table().iloc[0]
    tag = f"z2={'on' if z2 else 'off'}"
    out = [
        compare(
            section,
            name,
            f"VAN F_q {tag}",
            beta,
            row["f_q"],
            row["f_q_err"],
            exact_f,
            cpu,
            f"{steps} steps, batch {settings['batch_size']}, width {settings['width']}, "
            f"depth {settings.get('depth', 1)}, seed {settings.get('seed', 0)}, lr {settings['lr']:g}"
            + (f"->{settings['lr_end']:g}" if settings.get("lr_end") else ""),
        )
    ]
    start = time.process_time()
    imp = r.importance(K=[K], n_repeats=n_repeats, seed=1).iloc[0]
    out.append(
        compare(
            section,
            name,
            f"NIS f_K {tag}",
            beta,
            imp["f_K"],
            imp["f_K_err"],
            exact_f,
            time.process_time() - start,
            f"K = {K}, {n_repeats} repeats, ess {imp['ess']:.0f}",
        )
    )
    return out


def bench_lattice(
    betas,
    budget: float,
    K: int,
    settings: dict,
    n_repeats: int,
    L: int = 16,
    z2_options=(True, False),
) -> list[Row]:
    lat = iv.SquareLattice(L)
    exact = iv.exact.kaufman(L, [1.0 / b for b in betas])
    rows = []
    for beta, f in zip(betas, exact["f"]):
        for z2 in z2_options:
            rows += bench_van(
                "lattice", lat, f"square L={L}", beta, float(f), budget, K, z2, settings, n_repeats
            )
    return rows


def bench_sk(
    betas, budget: float, K: int, settings: dict, n_repeats: int, N: int = 20, seed: int = 1
) -> list[Row]:
    g = iv.models.sk(N, seed=seed)
    temps = [1.0 / b for b in betas]
    exact = iv.exact.enumerate(g, temps)
    mf = [
        iv.meanfield.solve(g, temps, init=init, damping=0.5, max_iter=100000).table()
        for init in ("up", "down", "random")
    ]
    tap = iv.meanfield.solve(
        g, temps, method="tap", init="random", damping=0.5, max_iter=100000
    ).table()
    bp = iv.bp.solve(g, temps, init="random", damping=0.5, max_iter=100000).table()
    rows = []
    for k, (beta, f) in enumerate(zip(betas, exact["f"])):
        name = f"SK N={N} seed={seed}"
        best_mf = min(t["f"].iloc[k] for t in mf)
        rows.append(
            compare("sk", name, "mean field (best of 3 starts)", beta, best_mf, 0.0, float(f))
        )
        rows.append(
            compare(
                "sk",
                name,
                "TAP",
                beta,
                tap["f"].iloc[k],
                0.0,
                float(f),
                note="" if tap["converged"].iloc[k] else "not converged",
            )
        )
        rows.append(
            compare(
                "sk",
                name,
                "BP",
                beta,
                bp["f"].iloc[k],
                0.0,
                float(f),
                note="" if bp["converged"].iloc[k] else "not converged",
            )
        )
        rows += bench_van("sk", g, name, beta, float(f), budget, K, True, settings, n_repeats)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--sections",
        nargs="+",
        choices=["sampling", "lattice", "sk"],
        default=["sampling", "lattice", "sk"],
    )
    ap.add_argument("--betas", type=float, nargs="+", default=[0.3, 0.4, 0.44, 0.5, 0.6])
    ap.add_argument("--sk-betas", type=float, nargs="+", default=[0.5, 1.0, 2.0, 3.0])
    ap.add_argument(
        "--budget",
        type=float,
        default=900.0,
        help="CPU-seconds of training per network (default 900)",
    )
    ap.add_argument(
        "--k", type=int, default=10_000, help="K of neural importance sampling (default 10^4)"
    )
    ap.add_argument(
        "--repeats", type=int, default=16, help="independent groups of K samples (default 16)"
    )
    ap.add_argument("--width", type=int, default=256)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--depth", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0, help="seed of the networks' weights and draws")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument(
        "--lr-end",
        type=float,
        default=1e-5,
        help="the learning rate decays along a cosine to this after the beta ramp (0: constant)",
    )
    ap.add_argument(
        "--anneal", type=float, default=0.3, help="fraction of the steps over which beta rises"
    )
    ap.add_argument(
        "--z2", choices=["on", "off", "both"], default="both", help="lattice: with, without or both"
    )
    ap.add_argument("--quick", action="store_true", help="seconds, not hours (smoke test)")
    ap.add_argument("--out", type=Path, help="also write the table to this CSV file")
    args = ap.parse_args(argv)
    print(environment())
    settings = {
        "batch_size": args.batch,
        "width": args.width,
        "depth": args.depth,
        "lr": args.lr,
        "lr_end": args.lr_end or None,
        "anneal": args.anneal,
        "seed": args.seed,
    }
    rows: list[Row] = []
    if args.quick:
        settings = {"batch_size": 64, "width": 8, "lr": 1e-2}
        rows += bench_sampling(4, 8, 64, 5)
        rows += bench_lattice([0.44], 3.0, 100, settings, 4, L=4)
        rows += bench_sk([1.0], 3.0, 100, settings, 4, N=8)
    else:
        if "sampling" in args.sections:
            rows += bench_sampling(16, args.width, 1024, 200)
        if "lattice" in args.sections:
            z2 = {"on": (True,), "off": (False,), "both": (True, False)}[args.z2]
            rows += bench_lattice(
                args.betas, args.budget, args.k, settings, args.repeats, z2_options=z2
            )
        if "sk" in args.sections:
            rows += bench_sk(args.sk_betas, args.budget, args.k, settings, args.repeats)
    print(format_table(rows, COLUMNS))
    if args.out:
        write_csv(rows, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
