"""Figure F6: EM for a Gaussian mixture as coordinate ascent on the ELBO.

(a) ln p(x)/n after every E-step (where the ELBO equals it) and the ELBO after every M-step
(old responsibilities, new parameters) per restart, on a log iteration axis; (b) the KL gap
ln p(x | θ_new) − ELBO(q_old, θ_new) ≥ 0 on a log axis; (c) the final ln p(x)/n of each restart
from isingvi and from scikit-learn started from the same parameters, with ln p under the true
mixture. A restart that stopped at max_iter rather than by tol is drawn open in (c) and ringed
at its end in (a). The log repeats the checks.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f6_plot")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from isingvi import plots  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FormatStrFormatter, NullFormatter  # noqa: E402

traces = pd.read_csv(snakemake.input.traces)
restarts = pd.read_csv(snakemake.input.restarts)
log.info(
    "%d trace rows, %d restarts; stopped at max_iter (drawn open): %s",
    len(traces),
    len(restarts),
    ", ".join(map(str, restarts.restart[restarts.hit_max_iter])) or "none",
)
log.info(
    "check ELBO_E == ln p: max |diff| = %.2e; KL gap >= 0: min = %.2e; |isingvi - sklearn| final ln p: max %.2e",
    (traces.elbo_e - traces.log_likelihood).abs().max(),
    traces.kl_gap.min(),
    (restarts.log_likelihood - restarts.sklearn_log_likelihood).abs().max(),
)

plots.set_style()
colors = dict(zip(restarts.restart, sns.color_palette("colorblind", len(restarts))))
fig = plt.figure(figsize=(plots.TEXT_WIDTH, 0.8 * plots.TEXT_WIDTH))
grid = fig.add_gridspec(2, 2, width_ratios=[1.6, 1.0])
ax_ll = fig.add_subplot(grid[0, :])
ax_gap, ax_fin = fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
axes = [ax_ll, ax_gap, ax_fin]
true_ll = float(restarts.true_log_likelihood.iloc[0])
for r, g in traces.groupby("restart"):
    g = g.sort_values("iteration")
    final = restarts.set_index("restart").loc[r]
    it = g.iteration.to_numpy().astype(
        float
    )  # iteration t (from 1): E-step at t, M-step at t + 1/2
    # the sawtooth: E-step (ELBO = ln p), M-step (ELBO with old q), next E-step (ELBO rises to ln p)
    x = np.ravel(np.column_stack([it, it + 0.5]))
    y = np.ravel(np.column_stack([g.elbo_e, g.elbo_m]))
    x, y = np.append(x, it[-1] + 1), np.append(y, final.log_likelihood)
    ax_ll.plot(x, y, color=colors[r], lw=0.8, alpha=0.8)
    ax_ll.plot(
        np.append(it, it[-1] + 1),
        np.append(g.log_likelihood, final.log_likelihood),
        ls="none",
        marker="o",
        ms=2.2,
        color=colors[r],
    )
    ax_ll.plot(
        it + 0.5, g.elbo_m, ls="none", marker="v", ms=2.6, mfc="white", mew=0.6, color=colors[r]
    )
    ax_ll.plot(
        it[-1] + 1,
        final.sklearn_log_likelihood,
        ls="none",
        marker="x",
        ms=6,
        mew=1.2,
        color="black",
    )
    pos = g.kl_gap > 0  # exact zeros (converged to machine precision) cannot be drawn on a log axis
    ax_gap.plot(
        it[pos] + 0.5,
        g.kl_gap[pos],
        color=colors[r],
        lw=0.9,
        marker="v",
        ms=2.4,
        mfc="white",
        mew=0.6,
    )
    capped = bool(final.hit_max_iter)  # stopped by max_iter, not by tol: drawn open
    if capped:
        ax_ll.plot(
            it[-1] + 1,
            final.log_likelihood,
            ls="none",
            marker="o",
            ms=8,
            mfc="none",
            mew=1.3,
            color=colors[r],
        )
    ax_fin.plot(  # large enough that an open one shows around scikit-learn's cross
        r,
        final.log_likelihood,
        ls="none",
        marker="o",
        ms=10,
        color=colors[r],
        mfc="white" if capped else colors[r],
        mew=1.3,
    )
    ax_fin.plot(
        r, final.sklearn_log_likelihood, ls="none", marker="x", ms=6, mew=1.3, color="black"
    )

lo = min(traces.log_likelihood.quantile(0.02), true_ll)
hi = max(restarts.log_likelihood.max(), true_ll)
ax_ll.set_ylim(lo - 0.05 * (hi - lo), hi + 0.08 * (hi - lo))
for ax in (ax_ll, ax_fin):
    ax.axhline(true_ll, color="0.4", ls=":", lw=1.0)
for ax in (ax_ll, ax_gap):
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))  # 1, 10, 100 rather than powers of ten
    ax.xaxis.set_minor_formatter(NullFormatter())
ax_ll.set_xlabel("EM iteration $t$ (E-step at $t$, M-step at $t + 1/2$)")
ax_ll.set_ylabel("$\\ln p(x\\,|\\,\\theta)/n$, ELBO$/n$\n[nats]")
ax_gap.set_yscale("log")
ax_gap.set_xlabel("EM iteration $t$")
ax_gap.set_ylabel("KL gap after\nthe M-step  [nats]")
ax_fin.set_xlabel("restart")
ax_fin.set_ylabel("final $\\ln p(x\\,|\\,\\theta)/n$\n[nats]")
ax_fin.set_xticks(list(restarts.restart))
ax_fin.set_xlim(restarts.restart.min() - 0.6, restarts.restart.max() + 0.6)
span = max(restarts.log_likelihood.max(), true_ll) - min(restarts.log_likelihood.min(), true_ll)
ax_fin.set_ylim(
    min(restarts.log_likelihood.min(), true_ll) - 0.1 * span - 1e-3,
    max(restarts.log_likelihood.max(), true_ll) + 0.1 * span + 1e-3,
)
for ax, letter in zip(axes, "abc"):
    plots.panel_label(ax, f"({letter})")

handles = [
    Line2D(
        [],
        [],
        ls="none",
        marker="o",
        ms=4,
        color="0.3",
        label=r"$\ln p(x|\theta)$ = ELBO after E-step",
    ),
    Line2D(
        [],
        [],
        ls="none",
        marker="v",
        ms=4,
        mfc="white",
        color="0.3",
        label="ELBO after M-step (old $q$)",
    ),
    Line2D(
        [],
        [],
        ls="none",
        marker="x",
        ms=6,
        mew=1.2,
        color="black",
        label="scikit-learn, same start",
    ),
    Line2D([], [], color="0.4", ls=":", label=r"true mixture $\ln p(x)$"),
]
if restarts.hit_max_iter.any():
    handles.append(
        Line2D(
            [],
            [],
            ls="none",
            marker="o",
            ms=7,
            mfc="none",
            mew=1.3,
            color="0.3",
            label=f"stopped at max_iter = {int(restarts.max_iter.iloc[0])}",
        )
    )
handles += [Line2D([], [], color=colors[r], lw=1.6, label=f"restart {r}") for r in restarts.restart]
fig.tight_layout(rect=(0, 0.1, 1, 1), h_pad=1.0, w_pad=1.5)
fig.legend(
    handles=handles,
    loc="lower center",
    ncol=4,
    fontsize="small",
    bbox_to_anchor=(0.5, -0.01),
    columnspacing=1.4,
    handlelength=1.8,
)

written = plots.save_figure(fig, snakemake.output.pdf)
assert {str(p) for p in written} == {snakemake.output.pdf, snakemake.output.png}, written
log.info("wrote %s", ", ".join(map(str, written)))
