"""Figure F7: a Bernoulli mixture learning the Ising Boltzmann distribution.

Top row, one panel per L: the exact entropy per spin s(T) (line), the held-out cross-entropy
H(p, p_model)/N (filled, solid) and −ELBO/N of hard assignments (open, dashed) per K, against T.
Bottom row: the two gaps, CE − s = KL(p ‖ p_model)/N ≥ 0 and −ELBO(hard) − CE ≥ 0.
Replicates are averaged (errors in quadrature); the log repeats the checks per (L, T, K).
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f7_plot")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import isingvi as iv  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi import plots  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

fits = pd.read_csv(snakemake.input.fits)
exact = pd.read_csv(snakemake.input.exact)
log.info(
    "%d fit rows (L %s, K %s, %d replicates), %d exact rows",
    len(fits),
    sorted(map(int, fits.L.unique())),
    sorted(map(int, fits.K.unique())),
    fits.replicate.nunique(),
    len(exact),
)

VALUES = ["cross_entropy", "neg_elbo_hard", "hard_gap"]
# Independent replicates: averaged, standard errors in quadrature.
pts = iv.analysis.combine_replicates(fits, ["L", "T", "K"], VALUES, keep=("s_exact",))
pts["kl"] = pts.cross_entropy - pts.s_exact

# --- checks: s <= CE (within error) <= -ELBO(hard) --------------------------------------------
for row in pts.itertuples():
    z = row.kl / row.cross_entropy_err
    log.info(
        "L=%d T=%.4f K=%2d: s=%.5f  CE=%.5f±%.5f (z=%+.1f)  -ELBO(hard)=%.5f±%.5f  gap=%.5f±%.5f%s",
        row.L,
        row.T,
        row.K,
        row.s_exact,
        row.cross_entropy,
        row.cross_entropy_err,
        z,
        row.neg_elbo_hard,
        row.neg_elbo_hard_err,
        row.hard_gap,
        row.hard_gap_err,
        "" if z > -3 else "  <-- CE < s beyond 3 sigma",
    )
z = pts.kl / pts.cross_entropy_err
log.info("check s <= CE within error: min z = %+.2f over %d (L, T, K)", z.min(), len(pts))
log.info(
    "check CE <= -ELBO(hard): min gap = %.3g (every held-out sample: min %.3g)",
    pts.hard_gap.min(),
    fits.min_sample_hard_gap.min(),
)

# --- figure ------------------------------------------------------------------------------------
plots.set_style()
sizes = sorted(pts.L.unique())
Ks = sorted(pts.K.unique())
# colour and marker per K: neighbouring K must not look alike
style = plots.category_styles(Ks)
fig, axes = plt.subplots(
    2, len(sizes), figsize=(plots.TEXT_WIDTH, 0.8 * plots.TEXT_WIDTH), sharex=True, squeeze=False
)
dx = 0.012 * (pts["T"].max() - pts["T"].min())  # small horizontal offsets keep the K series apart
for col, L in enumerate(sizes):
    top, bottom = axes[0, col], axes[1, col]
    ex = exact[exact.L == L].sort_values("T")
    top.plot(ex["T"], ex.s, color="black", lw=1.4, zorder=5)
    top.axhline(np.log(2), color="0.5", ls="-.", lw=0.9, zorder=1)
    # log axis of the gaps: its bottom is set by the positive estimates, not by their error bars
    gaps = pts.loc[pts.L == L, ["kl", "hard_gap"]].to_numpy().ravel()
    floor = gaps[gaps > 0].min() / 4 if (gaps > 0).any() else 1e-6
    for j, K in enumerate(Ks):
        g = pts[(pts.L == L) & (pts.K == K)].sort_values("T")
        x = g["T"] + (j - (len(Ks) - 1) / 2) * dx
        c, mk = style[K]
        # -ELBO(hard) first and open: it nearly coincides with the cross-entropy drawn over it
        top.errorbar(
            x,
            g.neg_elbo_hard,
            yerr=g.neg_elbo_hard_err,
            color=c,
            marker=mk,
            ms=5.0,
            mfc="white",
            mew=0.9,
            ls="--",
            lw=1.0,
            zorder=3,
        )
        top.errorbar(
            x,
            g.cross_entropy,
            yerr=g.cross_entropy_err,
            color=c,
            marker=mk,
            ms=2.8,
            lw=1.0,
            zorder=4,
        )
        # log axis: only positive gaps can be drawn (K = 1 has a hard gap of exactly 0); a bar
        # that reaches zero or below is cut at the bottom of the axis
        for y, err, filled in (
            (g.kl, g.cross_entropy_err, True),
            (g.hard_gap, g.hard_gap_err, False),
        ):
            pos = (y > 0).to_numpy()
            if pos.any():
                yp, ep = y[pos].to_numpy(), err[pos].to_numpy()
                lower = np.minimum(ep, yp - floor)
                bottom.errorbar(
                    x[pos],
                    yp,
                    yerr=np.vstack([lower, ep]),
                    color=c,
                    marker=mk,
                    ms=3.5,
                    lw=1.0,
                    mfc=c if filled else "white",
                    mew=0.9,
                    ls="-" if filled else "--",
                )
    for ax in (top, bottom):
        ax.axvline(iv.exact.T_C, color="0.35", ls=":", lw=1.1, zorder=1)
    bottom.set_yscale("log")
    bottom.set_ylim(bottom=floor)
    method = "enumeration" if ex.method.iloc[0] == "enumerate" else "Kaufman"
    top.set_title(f"$L = {L}$, $N = {L * L}$ (exact $s$: {method})", fontsize="small")
    top.set_ylabel("entropy, cross-entropy,\n$-$ELBO per spin  [nats]")
    bottom.set_ylabel("gap per spin  [nats]\n(CE $-\\ s$; $-$ELBO $-$ CE)")
    bottom.set_xlabel(r"temperature $T$  [$J/k_B$]")
    top.text(iv.exact.T_C + 0.03, 0.03, r"$T_c$", transform=top.get_xaxis_transform(), color="0.3")
for ax, letter in zip(axes.flat, "abcdefgh"):
    plots.panel_label(ax, f"({letter})")
dropped = int(((pts.kl <= 0) | (pts.hard_gap <= 0)).sum())
log.info(
    "gap panels: %d (L, T, K) with a gap <= 0 not drawn (K = 1's hard gap is 0 by construction): "
    "CE - s <= 0 at %d",
    dropped,
    int((pts.kl <= 0).sum()),
)

handles = [
    Line2D([], [], color="black", lw=1.6, label=r"exact entropy $s(T)$"),
    Line2D([], [], color="0.5", ls="-.", lw=0.9, label=r"$\ln 2$"),
    Line2D(
        [],
        [],
        color="0.3",
        marker="o",
        ms=4,
        label=r"cross-entropy $H(p, p_\mathrm{model})/N$; gap: CE $-\ s$",
    ),
    Line2D(
        [],
        [],
        color="0.3",
        marker="o",
        ms=4,
        mfc="white",
        ls="--",
        label=r"$-$ELBO$/N$, hard $q(z|x)$; gap: $-$ELBO $-$ CE",
    ),
]
k_handles = [
    Line2D([], [], color=style[K][0], marker=style[K][1], ms=5, lw=1.6, label=f"$K = {K}$")
    for K in Ks
]
fig.tight_layout(rect=(0, 0.1, 1, 1), h_pad=0.8, w_pad=1.2)
common = dict(loc="lower center", fontsize="small", columnspacing=1.4, handlelength=2.2)
fig.legend(handles=handles, ncol=2, bbox_to_anchor=(0.5, 0.02), **common)
fig.legend(handles=k_handles, ncol=len(k_handles), bbox_to_anchor=(0.5, -0.03), **common)

written = plots.save_figure(fig, snakemake.output.pdf)
assert {str(p) for p in written} == {snakemake.output.pdf, snakemake.output.png}, written
log.info("wrote %s", ", ".join(map(str, written)))
