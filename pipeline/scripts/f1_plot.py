"""Figure F1: u, c, m = <|M|>/N and chi vs T for every L.

MC points (replicates combined) with one-sigma error bars, coloured by L, marker by algorithm;
Kaufman's exact finite-L u and c as lines in the same colours; Onsager's L = inf u, c and
Yang's m dashed in a cool colour of their own (the darkest L is near black); T_c dotted. Under
u and c, the residuals (MC - Kaufman of the same L) / sigma with the +-2 band. The log also
checks MC against Kaufman (z-scores of u and c) and Wolff against Metropolis where both ran.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f1_plot")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import isingvi as iv  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi import plots  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MultipleLocator, NullFormatter  # noqa: E402

mc = pd.read_csv(snakemake.input.mc)
exact = pd.read_csv(snakemake.input.exact)
log.info(
    "%d MC rows (sizes %s, algorithms %s), %d exact rows",
    len(mc),
    sorted(map(int, mc.L.unique())),
    sorted(mc.algorithm.unique()),
    len(exact),
)

# Replicates are independent runs: average them, errors add in quadrature.
OBS = ["u", "c", "abs_m", "chi"]
pts = iv.analysis.combine_replicates(mc, ["L", "algorithm", "T"], OBS)

# --- Checks, written to the log: MC against Kaufman, and Wolff against Metropolis. ---------
# z = (MC - Kaufman) / sigma of u and c, kept for the residual panels.
for (L, alg), g in pts.groupby(["L", "algorithm"]):
    ref = iv.exact.kaufman(int(L), g["T"].to_numpy())
    msg = []
    for q in ("u", "c"):
        z = (g[q].to_numpy() - ref[q].to_numpy()) / g[q + "_err"].to_numpy()
        pts.loc[g.index, "z_" + q] = z
        msg.append(f"{q}: chi2/dof = {np.mean(z**2):.2f}, max |z| = {np.max(np.abs(z)):.2f}")
    log.info("L=%d %-10s vs Kaufman (%d T): %s", L, alg, len(g), "; ".join(msg))
wide = pts.pivot_table(
    index=["L", "T"], columns="algorithm", values=[*OBS, *(q + "_err" for q in OBS)]
)
algorithms = list(pts.groupby("algorithm")["T"].mean().sort_values().index)  # low-T algorithm first
for a, b in [(a, b) for i, a in enumerate(algorithms) for b in algorithms[i + 1 :]]:
    both = wide.dropna(subset=[(q, x) for q in OBS for x in (a, b)])
    if len(both):
        z = {
            q: (both[(q, a)] - both[(q, b)])
            / np.hypot(both[(q + "_err", a)], both[(q + "_err", b)])
            for q in OBS
        }
        log.info(
            "%s vs %s at %d common (L, T): max |z| %s",
            a,
            b,
            len(both),
            ", ".join(f"{q} {np.max(np.abs(v)):.2f}" for q, v in z.items()),
        )

# --- Figure --------------------------------------------------------------------------------
plots.set_style()
sizes = sorted(int(L) for L in pts.L.unique())
palette = plots.size_palette(sizes)
# The palette's largest L is near black: L = inf gets a cool colour and dashes of its own.
INF_STYLE = dict(color="C0", ls=(0, (4, 1.6)), lw=1.4)
kaufman = exact[exact.solution == "kaufman"]
onsager = exact[exact.solution == "onsager"]

panels = [
    ("u", "u", r"energy $u = \langle E\rangle/N$  [$J$]"),
    ("c", "c", r"specific heat $c$  [$k_B$]"),
    ("abs_m", "m", r"magnetisation $m = \langle|M|\rangle/N$"),
    ("chi", None, r"susceptibility $\chi$  [$1/J$]"),
]
fig = plt.figure(figsize=(plots.TEXT_WIDTH, 0.98 * plots.TEXT_WIDTH))
outer = fig.add_gridspec(2, 1, height_ratios=[1.42, 1], hspace=0.2)
upper = outer[0].subgridspec(2, 2, height_ratios=[1, 0.42], hspace=0.07, wspace=0.3)
lower = outer[1].subgridspec(1, 2, wspace=0.3)
axes = np.empty((2, 2), dtype=object)
for j in range(2):
    axes[0, j] = fig.add_subplot(upper[0, j])
    axes[1, j] = fig.add_subplot(lower[0, j], sharex=axes[0, 0])
    if j:
        axes[0, j].sharex(axes[0, 0])
resid = [fig.add_subplot(upper[1, j], sharex=axes[0, 0]) for j in range(2)]


def mc_points(ax, col, err, ms=3.6):
    """MC points of every (L, algorithm): filled Wolff, open Metropolis."""
    for L in sizes:
        for alg in algorithms:
            g = pts[(pts.L == L) & (pts.algorithm == alg)].sort_values("T")
            if g.empty:
                continue
            filled = alg == "wolff"
            ax.errorbar(
                g["T"],
                g[col],
                yerr=None if err is None else g[err],
                ls="none",
                marker=plots.ALGORITHM_MARKERS.get(alg, "D"),
                ms=ms if filled else ms - 0.2,
                color=palette[L],
                mfc=palette[L] if filled else "white",
                mew=0.9,
                elinewidth=0.9,
                zorder=4 if filled else 5,
            )


for ax, (q, exact_col, ylabel), letter in zip(axes.flat, panels, "abcd"):
    if exact_col is not None:
        if exact_col in kaufman and kaufman[exact_col].notna().any():
            for L in sizes:
                k = kaufman[kaufman.L == L]
                ax.plot(k["T"], k[exact_col], color=palette[L], lw=1.1, alpha=0.9, zorder=2)
        o = onsager[np.isfinite(onsager[exact_col])]
        ax.plot(o["T"], o[exact_col], zorder=6, **INF_STYLE)
    mc_points(ax, q, q + "_err")
    ax.axvline(iv.exact.T_C, color="0.35", ls=":", lw=1.1, zorder=1)
    ax.set_ylabel(ylabel)
    plots.panel_label(ax, f"({letter})")

# Residuals against Kaufman of the same L: a point outside the grey band is a 2-sigma miss.
z_max = max(3.0, float(np.ceil(pts[["z_u", "z_c"]].abs().to_numpy().max() + 0.5)))
for ax, q in zip(resid, ("u", "c")):
    ax.axhspan(-2, 2, color="0.88", lw=0, zorder=0)
    ax.axhline(0.0, color="0.3", lw=0.9, zorder=1)
    ax.axvline(iv.exact.T_C, color="0.35", ls=":", lw=1.1, zorder=1)
    mc_points(ax, "z_" + q, None, ms=3.0)
    ax.set_ylim(-z_max, z_max)
    ax.yaxis.set_major_locator(MultipleLocator(2.0))
    ax.set_ylabel(f"$\\Delta {q}/\\sigma$")
for ax in (*axes[0], *resid):
    ax.tick_params(labelbottom=False)

T_lo, T_hi = float(exact["T"].min()), float(exact["T"].max())
for ax in axes[1]:
    ax.set_xlabel(r"temperature $T$  [$J/k_B$]")
axes[0, 0].set_xlim(T_lo - 0.05, T_hi + 0.05)
axes[0, 0].text(
    iv.exact.T_C + 0.03, 0.04, r"$T_c$", transform=axes[0, 0].get_xaxis_transform(), color="0.3"
)
# c diverges at T_c for L = inf: scale to the finite-L data and let Onsager's line leave the frame.
c_top = max((pts["c"] + pts["c_err"]).max(), kaufman["c"].max() if len(kaufman) else 0.0)
axes[0, 1].set_ylim(0.0, 1.12 * c_top)
axes[1, 0].set_ylim(-0.02, 1.04)
axes[1, 1].set_yscale("log")
axes[1, 1].yaxis.set_minor_formatter(NullFormatter())
fig.align_ylabels([axes[0, 0], resid[0], axes[1, 0]])
fig.align_ylabels([axes[0, 1], resid[1], axes[1, 1]])

size_handles = [Line2D([], [], color=palette[L], lw=1.8, label=f"$L = {L}$") for L in sizes]
size_handles.append(
    Line2D([], [], **{**INF_STYLE, "lw": 1.8}, label=r"$L = \infty$ (Onsager, Yang)")
)
style_handles = []
for alg in algorithms:
    filled = alg == "wolff"
    style_handles.append(
        Line2D(
            [],
            [],
            ls="none",
            marker=plots.ALGORITHM_MARKERS.get(alg, "D"),
            color="0.3",
            mfc="0.3" if filled else "white",
            mew=0.9,
            label=f"{plots.ALGORITHM_LABELS.get(alg, alg)} MC",
        )
    )
style_handles.append(Line2D([], [], color="0.45", lw=1.2, label="Kaufman (exact, finite $L$)"))
style_handles.append(Patch(color="0.88", label=r"$|\Delta/\sigma| \leq 2$"))
style_handles.append(
    Line2D([], [], color="0.35", ls=":", lw=1.2, label=r"$T_c = 2/\ln(1+\sqrt{2})$")
)
common = dict(
    loc="upper center", columnspacing=1.4, handlelength=2.0, fontsize="small", borderaxespad=0.2
)
fig.legend(handles=size_handles, ncol=len(size_handles), bbox_to_anchor=(0.5, 0.035), **common)
fig.legend(handles=style_handles, ncol=len(style_handles), bbox_to_anchor=(0.5, 0.005), **common)

written = plots.save_figure(fig, snakemake.output.pdf)
assert {str(p) for p in written} == {snakemake.output.pdf, snakemake.output.png}, written
log.info("wrote %s", ", ".join(map(str, written)))
