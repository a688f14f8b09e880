"""Figure F9: neural variational free energy against exact answers.

(a) relative error |f - f_exact| / |f| vs beta on the L x L torus (exact: Kaufman) for mean
field, TAP, Bethe, the VAN bound F_q and neural importance sampling f_K (largest K), log
axis; (b) F_q per training step at one beta, with the converged mean-field value and the
exact f as lines; (c) as (a) on the SK model (exact: enumeration). Unconverged TAP/BP points
are drawn hollow. The log lists every VAN and f_K z-score against the exact value.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f9_plot")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi import plots  # noqa: E402

table = pd.read_csv(snakemake.input.table)
traces = pd.read_csv(snakemake.input.traces)
trace_beta = snakemake.params.trace_beta
k_max = table.loc[table.method == "nis", "K"].max()

STYLE = {  # method: (label, colour, marker)
    "mf": ("mean field", "C0", "o"),
    "tap": ("TAP", "C2", "^"),
    "bethe": ("Bethe (BP)", "C1", "s"),
    "van": ("VAN $F_q$ (bound)", "C3", "D"),
    "nis": (f"neural IS $f_K$, $K = {k_max:,}$", "C4", "v"),
}
for _, r in table[table.method.isin(["van", "nis"])].iterrows():
    log.info(
        "%s beta=%g %s K=%d: f=%.7f +- %.2g, exact %.7f, rel error %.2e, z = %+.2f",
        r.model,
        r.beta,
        r.method,
        r.K,
        r.f,
        r.f_err,
        r.f_exact,
        r.rel_error,
        (r.f - r.f_exact) / r.f_err,
    )

plots.set_style()
fig, axes = plt.subplots(1, 3, figsize=(plots.TEXT_WIDTH, 0.36 * plots.TEXT_WIDTH))
titles = {"lattice": "square lattice", "sk": "SK model"}
for ax, model in ((axes[0], "lattice"), (axes[2], "sk")):
    rows = table[table.model == model]
    n = int(rows.n_spins.iloc[0])
    for method, (label, colour, marker) in STYLE.items():
        g = rows[
            (rows.method == method) & ((rows.method != "nis") | (k_max == rows.K))
        ].sort_values("beta")
        if g.empty:
            continue
        ok = g.converged.fillna(True).astype(bool) if "converged" in g else np.ones(len(g), bool)
        err = np.where(g.f_err > 0, g.f_err / g.f_exact.abs(), np.nan)
        ax.plot(g.beta, g.rel_error, color=colour, lw=0.9, zorder=2)
        ax.errorbar(
            g.beta[ok],
            g.rel_error[ok],
            yerr=err[ok],
            color=colour,
            marker=marker,
            ms=3.5,
            lw=0,
            elinewidth=0.8,
            label=label,
            zorder=3,
        )
        if (~ok).any():
            ax.plot(
                g.beta[~ok],
                g.rel_error[~ok],
                color=colour,
                marker=marker,
                ms=3.5,
                lw=0,
                mfc="white",
                zorder=3,
            )
    ax.set_yscale("log")
    ax.set_xlabel(r"$\beta$  [$1/J$]")
    ax.set_title(
        f"({'a' if model == 'lattice' else 'c'}) {titles[model]}, $N = {n}$", fontsize="medium"
    )
axes[0].set_ylabel(r"$|f - f_{\mathrm{exact}}| \, / \, |f_{\mathrm{exact}}|$")
axes[0].legend(fontsize="x-small", loc="lower right")

ax = axes[1]
tr = traces[(traces.model == "lattice") & np.isclose(traces.beta, trace_beta)].sort_values("step")
ref = table[(table.model == "lattice") & np.isclose(table.beta, trace_beta)]
ax.plot(tr.step, tr.f_q, color="C3", lw=0.7, label=r"$F_q/N$ of each batch")
exact_f = ref.f_exact.iloc[0]
ax.axhline(exact_f, color="black", lw=1.0, label="exact (Kaufman)")
mf = ref[ref.method == "mf"].f
if len(mf):
    ax.axhline(mf.iloc[0], color="C0", lw=1.0, ls="--", label="mean field (converged)")
annealed = tr[tr.beta_step < trace_beta - 1e-12]
if len(annealed):
    ax.axvspan(0, annealed.step.max(), color="0.9", zorder=0, label=r"$\beta$ annealed")
span = max(abs(mf.iloc[0] - exact_f) if len(mf) else 0.05, 0.02)
ax.set_ylim(exact_f - 0.5 * span, exact_f + 2.5 * span)
ax.set_xlabel("training step")
ax.set_ylabel(r"$F_q / N$  [$J$]")
ax.set_title(f"(b) training at $\\beta = {trace_beta:g}$", fontsize="medium")
ax.legend(fontsize="x-small", loc="best")
fig.tight_layout(w_pad=1.0)
written = plots.save_figure(fig, snakemake.output.pdf)
log.info("wrote %s", ", ".join(map(str, written)))
