"""Figure F2: free energies against the exact one. One column per L (the last is L = inf).

(a) f vs T: the exact line on top of every approximation. (b) f - f_exact of the deterministic
approximations (mean field, TAP, Bethe; VAN's F_q where F9 joins) on a log axis, with the
T ln 2 / N floor of an ordered-start solution on a finite lattice (the exact Z counts both ordered
states, the solution one); mean field (Gibbs-Bogoliubov) never goes below zero. (c) f - f_exact of
the sampling estimates (TI, AIS; neural IS where F9 joins) on a linear axis with error bars,
scaled to TI and AIS; a point beyond is marked on the edge with its value. A log axis for the
gaps and a linear one for the estimates replace one symmetric-log axis, whose seam put kinks
into the L = inf lines. The log lists the largest f - f_exact of each method per L and the
z-scores of TI and AIS against Kaufman.
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

STYLE = {  # method: (label, colour, marker, marker size, open marker, line style)
    "exact": ("exact (Kaufman; Onsager at $L=\\infty$)", "black", None, 0, False, "-"),
    "mf": ("mean field", "C0", "o", 3.0, False, "-"),
    "bethe": ("Bethe (BP)", "C1", "s", 4.4, True, "-"),
    "tap": ("TAP", "C2", "^", 3.0, False, "--"),
    "van": ("VAN $F_q$", "C5", "P", 3.6, False, "none"),
    "ti": ("thermodynamic integration", "C3", "D", 3.0, True, "none"),
    "ais": ("AIS", "C4", "v", 3.2, True, "none"),
    "nis": ("neural importance sampling", "C6", "X", 3.4, True, "none"),
}
# Row (b): methods whose f - f_exact is a positive gap here (log axis); row (c): estimates of f
# itself, scattering around it (linear axis, error bars).
GAPS, ESTIMATES = ("mf", "tap", "bethe", "van"), ("ti", "ais", "nis")
SHORT = {"ti": "TI", "ais": "AIS", "nis": "neural IS"}
ZORDER = {"exact": 8, "mf": 5, "bethe": 5, "tap": 6, "van": 6, "ti": 3, "ais": 3, "nis": 4}


def marker_kw(method: str) -> dict:
    _label, colour, marker, ms, hollow, ls = STYLE[method]
    return dict(
        color=colour,
        marker=marker,
        ms=ms,
        mfc="white" if hollow else colour,
        mew=0.8,
        ls=ls,
        lw=0.9,
        zorder=ZORDER[method],
    )


for (L, method), g in pts[pts.method.isin(GAPS)].groupby(["L", "method"]):
    if (g.f_error <= 0).any():
        log.warning(
            "L=%g %s: %d temperatures at or below f_exact (drawn on the lower edge of (b))",
            L,
            method,
            int((g.f_error <= 0).sum()),
        )

plots.set_style()
sizes = [*sorted(pts.L.unique()), np.inf]
fig, axes = plt.subplots(
    3,
    len(sizes),
    figsize=(plots.TEXT_WIDTH, 0.86 * plots.TEXT_WIDTH),
    sharex=True,
    sharey="row",
    gridspec_kw={"height_ratios": [1.25, 1, 0.8]},
)
finite = pts[pts.method.isin(GAPS)]
gap_lo = 0.4 * min(
    finite.f_error[finite.f_error > 0].min(),
    min(pts["T"].min() * np.log(2) / L**2 for L in sizes[:-1]),
)
gap_hi = 2.0 * finite.f_error.max()
# Row (c) is scaled to TI and AIS, the estimates F2 is about; anything beyond (neural IS at a
# small K, say) is marked at the edge with its value.
main = pts[pts.method.isin(["ti", "ais"])]
est_lim = 1.15e3 * (main.f_error.abs() + main.f_err).max() if len(main) else 1.0
for col, L in enumerate(sizes):
    top, mid, bottom = axes[:, col]
    off_scale = []
    exact_line = lines[(lines.L == L) & (lines.method == "exact")]
    top.plot(exact_line["T"], exact_line.f, color="black", lw=1.0, zorder=ZORDER["exact"])
    if np.isfinite(L):
        bottom.axhline(0.0, color="black", lw=1.0, zorder=2)
    if np.isfinite(L):
        # Below T_c the exact Z counts both ordered states, an ordered-start solution one:
        # f - f_exact -> T ln 2 / N.
        T_floor = exact_line["T"].to_numpy()
        mid.plot(T_floor, T_floor * np.log(2) / L**2, color="0.45", ls="-.", lw=1.0, zorder=2)
    for method in ("mf", "bethe"):  # the infinite-lattice uniform solutions are lines
        uni = lines[(lines.L == L) & (lines.method == method)]
        if len(uni):
            colour = STYLE[method][1]
            top.plot(uni["T"], uni.f, color=colour, lw=1.2, zorder=ZORDER[method])
            gap = uni.f.to_numpy() - exact_line.f.to_numpy()
            mid.plot(uni["T"], gap, color=colour, lw=1.2, zorder=ZORDER[method])
            gap_hi = max(gap_hi, 2.0 * gap.max())
    for method in STYLE:
        g = pts[(pts.L == L) & (pts.method == method)].sort_values("T")
        if g.empty:
            continue
        kw = marker_kw(method)
        top.plot(g["T"], g.f, **kw)
        if method in GAPS:
            below = g.f_error <= 0
            mid.errorbar(
                g["T"],
                g.f_error.where(~below, gap_lo),
                yerr=g.f_err.where(g.f_err > 0),
                elinewidth=0.8,
                clip_on=False,
                **kw,
            )
        else:
            bottom.errorbar(
                g["T"], 1e3 * g.f_error, yerr=1e3 * g.f_err, elinewidth=0.8, **{**kw, "ls": "none"}
            )
            off = (1e3 * g.f_error).abs() > est_lim
            for T, y in zip(g["T"][off], 1e3 * g.f_error[off]):  # off scale: an arrow on the edge
                bottom.plot(
                    T,
                    np.sign(y) * est_lim,
                    marker="^" if y > 0 else "v",
                    ms=4.5,
                    color=kw["color"],
                    clip_on=False,
                    zorder=7,
                )
            if off.any():
                values = ", ".join(f"{1e3 * y:+.1f}" for y in g.f_error[off])
                off_scale.append((kw["color"], f"{SHORT.get(method, method)} off scale: {values}"))
    for k, (colour, text) in enumerate(off_scale):  # above the panel, outside the layout
        note = bottom.text(
            1.0,
            1.03 + 0.13 * k,
            text,
            color=colour,
            fontsize="x-small",
            ha="right",
            va="bottom",
            transform=bottom.transAxes,
        )
        note.set_in_layout(False)
    mid.set_yscale("log")
    bottom.set_ylim(-est_lim, est_lim)
    top.set_title("$L = \\infty$" if np.isinf(L) else f"$L = {L:g}$")
    for ax in (top, mid, bottom) if np.isfinite(L) else (top, mid):
        ax.axvline(iv.exact.T_C, color="0.4", ls=":", lw=1.0, zorder=1)
    bottom.set_xlabel(r"$T$  [$J/k_B$]")
axes[1, 0].set_ylim(gap_lo, gap_hi)
# Nothing is sampled at L = inf: its bottom panel stays empty.
axes[2, -1].axis("off")
axes[2, -1].text(
    0.5,
    0.5,
    "no sampling\nat $L = \\infty$",
    ha="center",
    va="center",
    color="0.4",
    fontsize="small",
    transform=axes[2, -1].transAxes,
)
axes[1, -1].tick_params(labelbottom=True)
axes[1, -1].set_xlabel(r"$T$  [$J/k_B$]")
axes[0, 0].set_ylabel(r"free energy $f = F/N$  [$J$]")
axes[1, 0].set_ylabel(r"$f - f_{\mathrm{exact}}$  [$J$]")
axes[2, 0].set_ylabel(r"$f - f_{\mathrm{exact}}$  [$10^{-3}\,J$]")
fig.align_ylabels(axes[:, 0])
for row, letter in enumerate("abc"):
    plots.panel_label(axes[row, 0], f"({letter})")
handles = []
for m, (lab, c, *_rest) in STYLE.items():
    if m == "exact":
        handles.append(Line2D([], [], color=c, lw=1.2, label=lab))
    elif (pts.method == m).any():
        handles.append(
            Line2D([], [], **{**marker_kw(m), "ms": marker_kw(m)["ms"] + 0.6}, label=lab)
        )
handles.append(
    Line2D([], [], color="0.45", ls="-.", lw=1.0, label=r"$T \ln 2/N$ (two ground states)")
)
handles.append(Line2D([], [], color="0.4", ls=":", lw=1.0, label=r"$T_c$ (Onsager)"))
fig.tight_layout(rect=(0, 0.1, 1, 1), h_pad=0.5, w_pad=0.6)
fig.legend(
    handles=handles,
    ncol=4 if len(handles) <= 8 else 5,
    loc="upper center",
    bbox_to_anchor=(0.5, 0.1),
    fontsize="small" if len(handles) <= 8 else "x-small",
    columnspacing=1.2,
    handlelength=2.2,
)

written = plots.save_figure(fig, snakemake.output.pdf)
log.info("wrote %s", ", ".join(map(str, written)))
