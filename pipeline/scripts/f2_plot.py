"""Figure F2: free-energy bounds. Top row: f vs T for each L (columns; the last is L = inf),
exact line and every approximation; bottom row: f - f_exact, where mean field (a
Gibbs-Bogoliubov upper bound) never goes below zero (symmetric-log axis: linear within
+-1e-3, where the sampling estimates scatter, logarithmic beyond). The log lists the largest f - f_exact of
each method per L and the z-scores of TI and AIS against Kaufman.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f2_plot")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import isingvi as iv  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi import plots  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

points = pd.read_csv(snakemake.input.points)
lines = pd.read_csv(snakemake.input.lines)

# Replicates of the sampling methods are independent: averaged, errors in quadrature.
pts = iv.analysis.combine_replicates(points, ["L", "method", "T"], ["f"], keep=("f_exact",))
pts["f_error"] = pts.f - pts.f_exact
for (L, method), g in pts.groupby(["L", "method"]):
    worst = g.loc[g.f_error.abs().idxmax()]
    msg = f"L={L:g} {method:5s}: max |f - f_exact| = {abs(worst.f_error):.4g} at T = {worst['T']:g}"
    if (g.f_err > 0).all():
        z = g.f_error / g.f_err
        msg += f"; chi2/dof = {np.mean(z**2):.2f}, max |z| = {np.max(np.abs(z)):.2f}"
    log.info(msg)

STYLE = {  # method: (label, colour, marker)
    "exact": ("exact (Kaufman; Onsager at $L=\\infty$)", "black", None),
    "mf": ("mean field", "C0", "o"),
    "tap": ("TAP", "C2", "^"),
    "bethe": ("Bethe (BP)", "C1", "s"),
    "ti": ("thermodynamic integration", "C3", "D"),
    "ais": ("AIS", "C4", "v"),
    "van": ("VAN $F_q$ (neural bound)", "C5", "P"),
    "nis": ("neural importance sampling", "C6", "X"),
}
SAMPLED = ("ti", "ais", "van", "nis")  # points with error bars, no lines
plots.set_style()
sizes = [*sorted(pts.L.unique()), np.inf]
fig, axes = plt.subplots(
    2,
    len(sizes),
    figsize=(plots.TEXT_WIDTH, 0.62 * plots.TEXT_WIDTH),
    sharex=True,
    sharey="row",
    gridspec_kw={"height_ratios": [1.4, 1]},
)
for col, L in enumerate(sizes):
    top, bottom = axes[0, col], axes[1, col]
    exact_line = lines[(lines.L == L) & (lines.method == "exact")]
    top.plot(exact_line["T"], exact_line.f, color="black", lw=1.3, zorder=2)
    bottom.axhline(0.0, color="black", lw=1.0, zorder=2)
    for method in ("mf", "bethe"):  # the infinite-lattice uniform solutions are lines
        uni = lines[(lines.L == L) & (lines.method == method)]
        if len(uni):
            _, colour, _ = STYLE[method]
            top.plot(uni["T"], uni.f, color=colour, lw=1.1)
            bottom.plot(uni["T"], uni.f.to_numpy() - exact_line.f.to_numpy(), color=colour, lw=1.1)
    for method, (_label, colour, marker) in STYLE.items():
        g = pts[(pts.L == L) & (pts.method == method)].sort_values("T")
        if g.empty:
            continue
        sampled = method in SAMPLED
        kw = dict(
            color=colour,
            marker=marker,
            ms=3.0,
            lw=0.8 if not sampled else 0,
            mfc="white" if sampled else colour,
        )
        top.plot(g["T"], g.f, **kw)
        bottom.errorbar(g["T"], g.f_error, yerr=g.f_err if sampled else None, elinewidth=0.8, **kw)
    # symlog: linear within +-1e-3, where TI and AIS scatter around zero with their error bars,
    # logarithmic beyond, where the variational gaps live.
    bottom.set_yscale("symlog", linthresh=1e-3, linscale=1.5)
    top.set_title("$L = \\infty$" if np.isinf(L) else f"$L = {L:g}$")
    for ax in (top, bottom):
        ax.axvline(iv.exact.T_C, color="0.4", ls=":", lw=1.0, zorder=1)
    bottom.set_xlabel(r"$T$  [$J/k_B$]")
axes[0, 0].set_ylabel(r"free energy $f = F/N$  [$J$]")
axes[1, 0].set_ylabel(r"$f - f_{\mathrm{exact}}$  [$J$]")
plots.panel_label(axes[0, 0], "(a)")
plots.panel_label(axes[1, 0], "(b)")
handles = [
    Line2D(
        [],
        [],
        color=c,
        marker=mk,
        mfc="white" if m in SAMPLED else c,
        ms=4,
        lw=0 if m in SAMPLED else 1.2,
        label=lab,
    )
    for m, (lab, c, mk) in STYLE.items()
    if m == "exact" or (pts.method == m).any()
]
handles.append(Line2D([], [], color="0.4", ls=":", lw=1.0, label=r"$T_c$ (Onsager)"))
fig.tight_layout(rect=(0, 0.1, 1, 1), h_pad=0.6, w_pad=0.6)
fig.legend(
    handles=handles,
    ncol=4 if len(handles) <= 8 else 5,
    loc="lower center",
    bbox_to_anchor=(0.5, 0.0),
    fontsize="small" if len(handles) <= 8 else "x-small",
    columnspacing=1.2,
    handlelength=2.0,
)

written = plots.save_figure(fig, snakemake.output.pdf)
log.info("wrote %s", ", ".join(map(str, written)))
