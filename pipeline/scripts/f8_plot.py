"""Figure F8: Metropolis spin-flip attempts per ns against L, one line per implementation.

Reads the table of bench/bench_mc.py: NumPy baseline (the faster NumPy version at each L and
T), the plain and the multi-spin kernels per instruction set, one thread (solid, CPU time) and
two threads (dashed, wall time); one panel per temperature; log axes. The log lists the
plotted numbers and the two-thread speed-ups (the benchmark's ``speedup`` column: one and two
threads timed in turn, in wall time).
"""
from isingvi.results import script_log

log = script_log(snakemake.log[0], "f8_plot")  # noqa: F821 (before anything can fail)

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from isingvi import plots  # noqa: E402

bench = pd.read_csv(snakemake.input.bench)  # noqa: F821
met = bench[bench.algorithm == "metropolis"].copy()
log.info("%d rows, %d Metropolis; T = %s, L = %s", len(bench), len(met), sorted(met["T"].unique()),
         sorted(met.L.unique()))

numpy = (met[met.impl.str.startswith("numpy")].sort_values("spins_per_ns_best")
         .groupby(["T", "L"], as_index=False).last())
core = met[met.impl == "core"]

ISA_COLOURS = {"scalar": "#4c72b0", "avx2": "#dd8452", "avx512": "#c44e52"}
ISA_LABELS = {"scalar": "portable", "avx2": "AVX2", "avx512": "AVX-512"}
KERNEL_MARKERS = {"plain": "s", "multispin": "o"}

plots.set_style()
temps = sorted(met["T"].unique(), reverse=True)
fig, axes = plt.subplots(1, len(temps), figsize=(plots.TEXT_WIDTH, 0.5 * plots.TEXT_WIDTH), sharey=True,
                         squeeze=False)
for ax, T, letter in zip(axes[0], temps, "abcdef"):
    g = numpy[numpy["T"] == T].sort_values("L")
    ax.plot(g.L, g.spins_per_ns_best, color="0.5", marker="D", ms=3.5, lw=1.2)
    for (kernel, simd, threads), c in core[core["T"] == T].groupby(["kernel", "simd", "threads"]):
        c = c.sort_values("L")
        ax.plot(c.L, c.spins_per_ns_best, color=ISA_COLOURS.get(simd, "k"), marker=KERNEL_MARKERS.get(kernel, "^"),
                ms=3.8, lw=1.2, ls="-" if threads == 1 else "--", mfc="white" if threads > 1 else None)
        log.info("T=%g %-9s %-6s x%d: %s", T, kernel, simd, threads,
                 ", ".join(f"L={L}: {v:.3g}" for L, v in zip(c.L, c.spins_per_ns_best)))
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel(r"linear size $L$")
    ax.set_title(f"$T = {T:g}$", fontsize="medium")
    plots.panel_label(ax, f"({letter})")
axes[0, 0].set_ylabel("spin-flip attempts per ns")

for r in core[core.threads > 1].sort_values(["T", "kernel", "simd", "L"]).itertuples():
    log.info("T=%g %s %s L=%d: %d threads / 1 thread = %.2f (median of paired wall times)", r.T, r.kernel,
             r.simd, r.L, r.threads, r.speedup)

handles = [Line2D([], [], color="0.5", marker="D", ms=3.5, label="NumPy")]
handles += [Line2D([], [], color="0.3", ls="none", marker=m, label=f"{k} kernel") for k, m in KERNEL_MARKERS.items()]
handles += [Line2D([], [], color=c, lw=1.8, label=ISA_LABELS[s]) for s, c in ISA_COLOURS.items()
            if s in set(core.simd)]
handles += [Line2D([], [], color="0.3", lw=1.2, label="1 thread"),
            Line2D([], [], color="0.3", lw=1.2, ls="--", label="2 threads (wall)")]
fig.tight_layout(rect=(0, 0.13, 1, 1), w_pad=1.0)
fig.legend(handles=handles, loc="lower center", ncol=4, fontsize="small", bbox_to_anchor=(0.5, 0.0),
           columnspacing=1.4, handlelength=2.0)

written = plots.save_figure(fig, snakemake.output.pdf)  # noqa: F821
assert {str(p) for p in written} == {snakemake.output.pdf, snakemake.output.png}, written  # noqa: F821
log.info("wrote %s", ", ".join(map(str, written)))
