"""Figure F1: u, c, m = <|M|>/N and chi vs T for every L.

MC points (replicates combined) with one-sigma error bars, coloured by L, marker by algorithm;
Kaufman's exact finite-L u and c as lines in the same colours; Onsager's L = inf u, c and
Yang's m in black; T_c dotted. The log also checks MC against Kaufman (z-scores of u and c)
and Wolff against Metropolis where both ran.
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
from matplotlib.ticker import NullFormatter  # noqa: E402

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
for (L, alg), g in pts.groupby(["L", "algorithm"]):
    ref = iv.exact.kaufman(int(L), g["T"].to_numpy())
    msg = []
    for q in ("u", "c"):
        z = (g[q].to_numpy() - ref[q].to_numpy()) / g[q + "_err"].to_numpy()
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
kaufman = exact[exact.solution == "kaufman"]
onsager = exact[exact.solution == "onsager"]

panels = [
    ("u", "u", r"energy $u = \langle E\rangle/N$  [$J$]"),
    ("c", "c", r"specific heat $c$  [$k_B$]"),
    ("abs_m", "m", r"magnetisation $m = \langle|M|\rangle/N$"),
    ("chi", None, r"susceptibility $\chi$  [$1/J$]"),
]
fig, axes = plt.subplots(2, 2, figsize=(plots.TEXT_WIDTH, 0.78 * plots.TEXT_WIDTH), sharex=True)
for ax, (q, exact_col, ylabel), letter in zip(axes.flat, panels, "abcd"):
    if exact_col is not None:
        if exact_col in kaufman and kaufman[exact_col].notna().any():
            for L in sizes:
                k = kaufman[kaufman.L == L]
                ax.plot(k["T"], k[exact_col], color=palette[L], lw=1.1, alpha=0.9, zorder=2)
        o = onsager[np.isfinite(onsager[exact_col])]
        ax.plot(o["T"], o[exact_col], color="black", lw=1.3, zorder=3)
    for L in sizes:
        for alg in algorithms:
            g = pts[(pts.L == L) & (pts.algorithm == alg)].sort_values("T")
            if g.empty:
                continue
            filled = alg == "wolff"
            ax.errorbar(
                g["T"],
                g[q],
                yerr=g[q + "_err"],
                ls="none",
                marker=plots.ALGORITHM_MARKERS.get(alg, "D"),
                ms=3.6 if filled else 3.4,
                color=palette[L],
                mfc=palette[L] if filled else "white",
                mew=0.9,
                elinewidth=0.9,
                zorder=4 if filled else 5,
            )
    ax.axvline(iv.exact.T_C, color="0.35", ls=":", lw=1.1, zorder=1)
    ax.set_ylabel(ylabel)
    plots.panel_label(ax, f"({letter})")

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

size_handles = [Line2D([], [], color=palette[L], lw=1.8, label=f"$L = {L}$") for L in sizes]
size_handles.append(Line2D([], [], color="black", lw=1.8, label=r"$L = \infty$ (Onsager, Yang)"))
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
style_handles.append(
    Line2D([], [], color="0.35", ls=":", lw=1.2, label=r"$T_c = 2/\ln(1+\sqrt{2})$")
)
fig.tight_layout(rect=(0, 0.09, 1, 1), h_pad=0.8, w_pad=1.2)
common = dict(
    loc="lower center", columnspacing=1.6, handlelength=2.0, fontsize="small", borderaxespad=0.2
)
fig.legend(handles=size_handles, ncol=len(size_handles), bbox_to_anchor=(0.5, 0.035), **common)
fig.legend(handles=style_handles, ncol=len(style_handles), bbox_to_anchor=(0.5, -0.005), **common)

written = plots.save_figure(fig, snakemake.output.pdf)
assert {str(p) for p in written} == {snakemake.output.pdf, snakemake.output.png}, written
log.info("wrote %s", ", ".join(map(str, written)))
