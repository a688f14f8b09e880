"""Figure F4: mean field as variational inference.

(a), two panels a row, one per temperature: F_MF per spin after each iteration for sequential
(coordinate ascent; never increases), parallel and damped parallel updates from the same random
start, with the exact f of the same lattice dashed: every iterate lies above it
(Gibbs-Bogoliubov), and the remaining gap at convergence is T KL(q || p) / N. A curve rising far
above its start (undamped parallel updates below T_c^MF, which end in a cycle) is clipped with
an arrow saying how high it goes and whether it still oscillates. (b): m(T) of the uniform
mean-field and Bethe solutions against Yang's exact m and Monte Carlo (F1), with the three
transitions T_c^MF = 4, T_c^Bethe = 2 / ln 2 and T_c = 2.269 marked.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f4_plot")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import isingvi as iv  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi import plots  # noqa: E402

traces = pd.read_csv(snakemake.input.traces)
curves = pd.read_csv(snakemake.input.magnetisation)
mc = pd.read_csv(snakemake.input.mc)

plots.set_style()
temps = sorted(traces["T"].unique())
schemes = list(dict.fromkeys(traces.scheme))
colours = dict(zip(schemes, ("C0", "C3", "C2", "C4", "C5")))
# (a) two trace panels per row, wide enough for their tick labels; (b) spans the width below.
n_cols = min(2, len(temps))
n_rows = -(-len(temps) // n_cols)
# Constrained layout keeps the T_c labels above (b) clear of the trace panels' x labels.
fig = plt.figure(
    figsize=(plots.TEXT_WIDTH, (0.3 * n_rows + 0.42) * plots.TEXT_WIDTH), layout="constrained"
)
fig.get_layout_engine().set(h_pad=0.06, hspace=0.04, wspace=0.06)
outer = fig.add_gridspec(2, 1, height_ratios=[n_rows, 1.3])
grid = outer[0].subgridspec(n_rows, n_cols)
trace_axes = []
for k, T in enumerate(temps):
    ax = fig.add_subplot(grid[k // n_cols, k % n_cols], sharex=trace_axes[0] if k else None)
    trace_axes.append(ax)
    here = traces[traces["T"] == T]
    f_exact = here.f_exact.iloc[0]
    top = here.loc[here.iteration == 0, "f"].max()
    # The frame holds the start and the exact f; a curve rising well above the start (undamped
    # parallel updates below T_c^MF) is clipped and annotated, one rising a little is kept.
    if here.f.max() <= top + 0.3 * (top - f_exact):
        top = here.f.max()
    lo, hi = f_exact - 0.08 * (top - f_exact), top + 0.05 * (top - f_exact)
    for scheme in schemes:
        g = here[here.scheme == scheme].sort_values("iteration")
        ax.plot(
            g.iteration + 1,
            g.f,
            color=colours[scheme],
            lw=1.1,
            label=scheme,
            drawstyle="steps-post",
        )
        leaves = g[g.f > hi]
        if len(leaves):  # a curve rising out of the frame: an arrowhead where it leaves, and why
            x_out = leaves.iteration.iloc[0] + 1
            note = f"{scheme} rises to {g.f.max():.2f}"
            if g.max_dm.iloc[-1] > 0.1:  # still jumping by O(1) per step at the end: a cycle
                note += f",\noscillating ($|\\Delta m| = {g.max_dm.iloc[-1]:.1f}$/step)"
            ax.plot(x_out, hi, marker="^", ms=5, color=colours[scheme], clip_on=False, zorder=5)
            ax.annotate(
                note,
                xy=(x_out, hi),
                xytext=(7, -2),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize="x-small",
                color=colours[scheme],
            )
            log.info("T=%g %s leaves the frame: %s", T, scheme, note.replace("\n", " "))
    ax.axhline(f_exact, color="black", ls="--", lw=1.0, label="exact $f$")
    ax.set_xscale("log")
    ax.set_ylim(lo, hi)
    ax.set_title(
        f"$T = {T:g}$" + (r" $< T_c^{\rm MF}$" if T < 4 else r" $> T_c^{\rm MF}$"), fontsize="small"
    )
    if k % n_cols == 0:
        ax.set_ylabel(r"$F_{\rm MF}/N$  [$J$]")
    if k >= len(temps) - n_cols:
        ax.set_xlabel("iteration + 1")
    else:
        ax.tick_params(labelbottom=False)
plots.panel_label(trace_axes[0], "(a)")
handles, labels = trace_axes[0].get_legend_handles_labels()

ax = fig.add_subplot(outer[1])
styles = {
    "exact": ("exact (Yang, $L=\\infty$)", "black"),
    "mf": ("mean field", "C0"),
    "bethe": ("Bethe", "C1"),
}
for method, (label, colour) in styles.items():
    g = curves[curves.method == method]
    ax.plot(g["T"], g.m, color=colour, lw=1.4, label=label)
# Every independent run at a temperature (replicates, and both algorithms where both ran).
big = iv.analysis.combine_replicates(mc[mc.L.max() == mc.L], ["T"], ["abs_m"])
ax.errorbar(
    big["T"],
    big.abs_m,
    yerr=big.abs_m_err,
    ls="none",
    marker="o",
    ms=3,
    color="0.35",
    mfc="white",
    label=f"Monte Carlo $L = {int(mc.L.max())}$ (F1)",
)
# The three transitions, labelled above the frame: T_c's label to the left of its line, the
# others centred on theirs (2.885 and 4 are far enough apart for that at this width).
for Tc, name, colour, ha in (
    (iv.exact.T_C, r"$T_c$", "black", "right"),
    (iv.bp.T_C_SQUARE, r"$T_c^{\rm Bethe}$", "C1", "center"),
    (iv.meanfield.critical_temperature(4), r"$T_c^{\rm MF}$", "C0", "center"),
):
    ax.axvline(Tc, color=colour, ls=":", lw=1.0)
    ax.text(
        Tc + (0.02 if ha == "left" else 0.0),
        1.01,
        f"{name} = {Tc:.3f}",
        color=colour,
        fontsize="small",
        ha=ha,
        va="bottom",
        transform=ax.get_xaxis_transform(),
    )
ax.set_xlabel(r"temperature $T$  [$J/k_B$]")
ax.set_ylabel(r"magnetisation $m$")
ax.set_ylim(-0.02, 1.04)
ax.legend(loc="lower left", fontsize="small")
plots.panel_label(ax, "(b)")
fig.legend(
    handles,
    labels,
    loc="outside upper center",
    ncol=len(labels),
    fontsize="small",
)
for T in temps:
    final = traces[(traces["T"] == T)].groupby("scheme").last()
    log.info(
        "T=%g final f_MF - f_exact: %s", T, ", ".join(f"{s} {g:.4g}" for s, g in final.gap.items())
    )
written = plots.save_figure(fig, snakemake.output.pdf)
log.info("wrote %s", ", ".join(map(str, written)))
