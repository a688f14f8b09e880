"""Figure F4: mean field as variational inference.

Top row, one panel per temperature: F_MF per spin after each iteration for sequential
(coordinate ascent; never increases), parallel and damped parallel updates from the same random
start, with the exact f of the same lattice dashed: every iterate lies above it
(Gibbs-Bogoliubov), and the remaining gap at convergence is T KL(q || p) / N. Bottom: m(T) of
the uniform mean-field and Bethe solutions against Yang's exact m and Monte Carlo (F1), with the
three transitions T_c^MF = 4, T_c^Bethe = 2 / ln 2 and T_c = 2.269 marked.
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
fig = plt.figure(figsize=(plots.TEXT_WIDTH, 0.72 * plots.TEXT_WIDTH))
grid = fig.add_gridspec(2, len(temps), height_ratios=[1, 1.1], hspace=0.55, wspace=0.55)
for k, T in enumerate(temps):
    ax = fig.add_subplot(grid[0, k])
    for scheme in schemes:
        g = traces[(traces["T"] == T) & (traces.scheme == scheme)]
        ax.plot(
            g.iteration + 1,
            g.f,
            color=colours[scheme],
            lw=1.1,
            label=scheme,
            drawstyle="steps-post",
        )
    ax.axhline(
        traces.loc[traces["T"] == T, "f_exact"].iloc[0],
        color="black",
        ls="--",
        lw=1.0,
        label="exact $f$",
    )
    ax.set_xscale("log")
    ax.set_title(
        f"$T = {T:g}$" + (r" $< T_c^{\rm MF}$" if T < 4 else r" $> T_c^{\rm MF}$"), fontsize="small"
    )
    ax.set_xlabel("iteration + 1")
    if k == 0:
        ax.set_ylabel(r"$F_{\rm MF}/N$  [$J$]")
        ax.text(-0.55, 1.12, "(a)", transform=ax.transAxes, fontweight="bold", va="bottom")
    lo = traces.loc[traces["T"] == T, "f_exact"].iloc[0]
    hi = traces.loc[(traces["T"] == T) & (traces.iteration == 0), "f"].max()
    ax.set_ylim(lo - 0.08 * (hi - lo), hi + 0.05 * (hi - lo))
handles, labels = ax.get_legend_handles_labels()

ax = fig.add_subplot(grid[1, :])
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
for Tc, name, colour, ha in (
    (iv.exact.T_C, r"$T_c$", "black", "right"),
    (iv.bp.T_C_SQUARE, r"$T_c^{\rm Bethe}$", "C1", "left"),
    (iv.meanfield.critical_temperature(4), r"$T_c^{\rm MF}$", "C0", "center"),
):
    ax.axvline(Tc, color=colour, ls=":", lw=1.0)
    ax.text(
        Tc,
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
    loc="upper center",
    ncol=len(labels),
    bbox_to_anchor=(0.5, 1.02),
    fontsize="small",
)
for T in temps:
    final = traces[(traces["T"] == T)].groupby("scheme").last()
    log.info(
        "T=%g final f_MF - f_exact: %s", T, ", ".join(f"{s} {g:.4g}" for s, g in final.gap.items())
    )
written = plots.save_figure(fig, snakemake.output.pdf)
log.info("wrote %s", ", ".join(map(str, written)))
