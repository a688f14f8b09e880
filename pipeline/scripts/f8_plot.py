"""Figure F8: the core's throughput, and each part's speed-up over the baseline a user would run.

Top row, from bench/bench_mc.py: Metropolis spin-flip attempts per ns against L, NumPy baseline
(the faster NumPy version at each L and T), the plain and the multi-spin kernels per
instruction set, one thread (solid, CPU time) and two threads (dashed, wall time); one panel per
temperature; log axes. The log lists the plotted numbers and the two-thread speed-ups (the
benchmark's ``speedup`` column: one and two threads timed in turn, in wall time).

Bottom row: one thread, time of the baseline / time of the core for the same work, each ratio
measured within one benchmark process: Monte Carlo vs NumPy (bench_mc.py), AIS vs the generic
graph path, BP and mean field vs NumPy (bench_variational.py), EM vs scikit-learn
(bench_em.py). The log prints this table.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f8_plot")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi import plots  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

bench = pd.read_csv(snakemake.input.bench)
met = bench[bench.algorithm == "metropolis"].copy()
log.info(
    "%d rows, %d Metropolis; T = %s, L = %s",
    len(bench),
    len(met),
    sorted(met["T"].unique()),
    sorted(met.L.unique()),
)

numpy = (
    met[met.impl.str.startswith("numpy")]
    .sort_values("spins_per_ns_best")
    .groupby(["T", "L"], as_index=False)
    .last()
)
core = met[met.impl == "core"]

ISA_COLOURS = {"scalar": "#4c72b0", "avx2": "#dd8452", "avx512": "#c44e52"}
ISA_LABELS = {"scalar": "portable", "avx2": "AVX2", "avx512": "AVX-512"}
KERNEL_MARKERS = {"plain": "s", "multispin": "o"}

plots.set_style()
temps = sorted(met["T"].unique(), reverse=True)
fig = plt.figure(figsize=(plots.TEXT_WIDTH, 0.95 * plots.TEXT_WIDTH))
grid = fig.add_gridspec(2, len(temps), height_ratios=(1.0, 0.85))
top = [fig.add_subplot(grid[0, 0])]
top += [fig.add_subplot(grid[0, k], sharey=top[0]) for k in range(1, len(temps))]
axes = np.array([top])
for ax, T, letter in zip(axes[0], temps, "abcdef"):
    g = numpy[numpy["T"] == T].sort_values("L")
    ax.plot(g.L, g.spins_per_ns_best, color="0.5", marker="D", ms=3.5, lw=1.2)
    for (kernel, simd, threads), c in core[core["T"] == T].groupby(["kernel", "simd", "threads"]):
        c = c.sort_values("L")
        ax.plot(
            c.L,
            c.spins_per_ns_best,
            color=ISA_COLOURS.get(simd, "k"),
            marker=KERNEL_MARKERS.get(kernel, "^"),
            ms=3.8,
            lw=1.2,
            ls="-" if threads == 1 else "--",
            mfc="white" if threads > 1 else None,
        )
        log.info(
            "T=%g %-9s %-6s x%d: %s",
            T,
            kernel,
            simd,
            threads,
            ", ".join(f"L={L}: {v:.3g}" for L, v in zip(c.L, c.spins_per_ns_best)),
        )
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel(r"linear size $L$")
    ax.set_title(f"$T = {T:g}$", fontsize="medium")
    plots.panel_label(ax, f"({letter})")
axes[0, 0].set_ylabel("spin-flip attempts per ns")

for r in core[core.threads > 1].sort_values(["T", "kernel", "simd", "L"]).itertuples():
    log.info(
        "T=%g %s %s L=%d: %d threads / 1 thread = %.2f (median of paired wall times)",
        r.T,
        r.kernel,
        r.simd,
        r.L,
        r.threads,
        r.speedup,
    )

# ---- bottom row: speed-ups over the baselines, one thread ----------------------------------
variational = pd.read_csv(snakemake.input.variational)
em = pd.read_csv(snakemake.input.em)
one = core[(core.threads == 1) & (core["T"] == temps[0])]
parts = [  # (label, rows with columns L and ratio)
    (
        "Monte Carlo\nvs NumPy",
        one.groupby("L", as_index=False).vs_numpy.max().rename(columns={"vs_numpy": "ratio"}),
    ),
    (
        "AIS\nvs generic path",
        variational[(variational.section == "ais") & variational.impl.str.startswith("lattice")]
        .groupby("L", as_index=False)
        .vs_baseline.max()
        .rename(columns={"vs_baseline": "ratio"}),
    ),
    (
        "BP\nvs NumPy",
        variational[
            (variational.section == "bp")
            & (variational.impl == "core")
            & (variational.variant == "parallel")
        ][["L", "vs_numpy"]].rename(columns={"vs_numpy": "ratio"}),
    ),
    (
        "mean field\nvs NumPy",
        variational[
            (variational.section == "meanfield")
            & (variational.impl == "core")
            & (variational.variant == "parallel")
        ][["L", "vs_numpy"]].rename(columns={"vs_numpy": "ratio"}),
    ),
]
for ctype in ("full", "diag"):
    r = em[em.covariance_type == ctype]
    parts.append(
        (
            f"EM ({ctype})\nvs scikit-learn",
            pd.DataFrame(
                {"L": [np.nan] * len(r), "ratio": r.sklearn_over_core, "n": r.n, "d": r.d, "K": r.K}
            ),
        )
    )
ax = fig.add_subplot(grid[1, :])
sizes = sorted({int(L) for _, rows in parts for L in rows.L.dropna()})
palette = plots.size_palette(sizes)
for x, (label, rows) in enumerate(parts):
    if rows.empty:
        raise ValueError(f"F8: no rows for {label!r} in the benchmark tables")
    rows = rows.sort_values("L").reset_index(drop=True)
    offsets = np.linspace(-0.18, 0.18, len(rows)) if len(rows) > 1 else [0.0]
    for dx, r in zip(offsets, rows.itertuples()):
        colour = "0.25" if np.isnan(r.L) else palette[int(r.L)]
        ax.plot(x + dx, r.ratio, marker="o", ms=5, color=colour, ls="none")
        log.info(
            "speed-up %-28s %s: %.3g",
            label.replace("\n", " "),
            f"L={int(r.L)}" if not np.isnan(r.L) else f"n={r.n} d={r.d} K={r.K}",
            r.ratio,
        )
ax.axhline(1.0, color="0.5", lw=0.8, ls="--")
ax.set_yscale("log")
ax.set_xticks(range(len(parts)), [label for label, _ in parts], fontsize="small")
ax.set_xlim(-0.6, len(parts) - 0.4)
ax.set_ylabel("speed-up over baseline\n(one thread)")
plots.panel_label(ax, f"({'abcdef'[len(temps)]})")
ax.legend(
    handles=[
        Line2D([], [], color=palette[L], marker="o", ls="none", label=f"$L = {L}$") for L in sizes
    ],
    loc="upper right",
    fontsize="x-small",
    ncol=min(4, len(sizes)),
    frameon=False,
)

handles = [Line2D([], [], color="0.5", marker="D", ms=3.5, label="NumPy")]
handles += [
    Line2D([], [], color="0.3", ls="none", marker=m, label=f"{k} kernel")
    for k, m in KERNEL_MARKERS.items()
]
handles += [
    Line2D([], [], color=c, lw=1.8, label=ISA_LABELS[s])
    for s, c in ISA_COLOURS.items()
    if s in set(core.simd)
]
handles += [
    Line2D([], [], color="0.3", lw=1.2, label="1 thread"),
    Line2D([], [], color="0.3", lw=1.2, ls="--", label="2 threads (wall)"),
]
fig.tight_layout(w_pad=1.0, h_pad=4.5)
fig.legend(
    handles=handles,
    loc="center",
    ncol=4,
    fontsize="small",
    columnspacing=1.4,
    handlelength=2.0,
    bbox_to_anchor=(0.5, 0.47),
)

written = plots.save_figure(fig, snakemake.output.pdf)
assert {str(p) for p in written} == {snakemake.output.pdf, snakemake.output.png}, written
log.info("wrote %s", ", ".join(map(str, written)))
