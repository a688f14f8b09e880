"""Figure F5: disordered models. Columns: the models (SK, random-field, Edwards-Anderson);
rows: f - f_exact and the RMSE of the marginals against exact enumeration, vs T, for mean
field, TAP and BP: mean over disorder instances with one standard error. Mean field is an upper
bound on every instance, so its curve stays above zero; every mean-field run counts (any m is a
valid trial state). TAP and BP runs that did not converge have no meaningful f or marginals:
they are left out of the averages, and a temperature is drawn only where at least half of the
instances converged (the converged fractions are in the log).
"""
from isingvi.results import script_log

log = script_log(snakemake.log[0], "f5_plot")  # noqa: F821 (before anything can fail)

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from isingvi import plots  # noqa: E402

df = pd.read_csv(snakemake.input[0])  # noqa: F821
STYLE = {"mf": ("mean field", "C0", "o"), "tap": ("TAP", "C2", "^"), "bp": ("BP (Bethe)", "C1", "s")}
TITLES = {"sk": "Sherrington–Kirkpatrick", "rfim": "random-field Ising", "ea": r"Edwards–Anderson $\pm J$"}
models = [m for m in TITLES if m in set(df.model)]


def sem(x: pd.Series) -> float:
    return float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else 0.0


# Mean field: every run; TAP and BP: converged runs only (see the docstring).
usable = df[(df.method == "mf") | df.converged]
fraction = df.groupby(["model", "method", "T"]).converged.mean().rename("converged")
stats = (usable.groupby(["model", "method", "T"])
         .agg(f_error=("f_error", "mean"), f_sem=("f_error", sem), rmse=("marginal_rmse", "mean"),
              rmse_sem=("marginal_rmse", sem), n=("f_error", "size"))
         .join(fraction).reset_index())
stats = stats[stats.converged >= 0.5]
for (model, method), g in stats.groupby(["model", "method"]):
    log.info("%-4s %-3s over %d instances: mean |f - f_exact| max %.3g, marginal RMSE max %.3g, "
             "converged fraction min %.2f", model, method, int(g.n.max()), g.f_error.abs().max(), g.rmse.max(),
             g.converged.min())

plots.set_style()
fig, axes = plt.subplots(2, len(models), figsize=(plots.TEXT_WIDTH, 0.6 * plots.TEXT_WIDTH), sharex="col",
                         squeeze=False)
for col, model in enumerate(models):
    n_inst = df[df.model == model].disorder.nunique()
    N = int(df[df.model == model].N.iloc[0])
    axes[0, col].set_title(f"{TITLES[model]}\n($N = {N}$, {n_inst} instances)", fontsize="small")
    for method, (label, colour, marker) in STYLE.items():
        g = stats[(stats.model == model) & (stats.method == method)].sort_values("T")
        kw = dict(color=colour, marker=marker, ms=3.0, lw=1.0, elinewidth=0.8, label=label)
        axes[0, col].errorbar(g["T"], g.f_error, yerr=g.f_sem, **kw)
        axes[1, col].errorbar(g["T"], g.rmse, yerr=g.rmse_sem, **kw)
    axes[0, col].axhline(0.0, color="black", lw=1.0)
    axes[1, col].set_xlabel(r"$T$  [$J/k_B$]")
axes[0, 0].set_ylabel(r"$f - f_{\rm exact}$  [$J$]")
axes[1, 0].set_ylabel("marginal RMSE")
plots.panel_label(axes[0, 0], "(a)")
plots.panel_label(axes[1, 0], "(b)")
handles, labels = axes[0, 0].get_legend_handles_labels()
fig.tight_layout(rect=(0, 0.06, 1, 1))
fig.legend(handles, labels, loc="lower center", ncol=len(labels), bbox_to_anchor=(0.5, 0.0), fontsize="small")
written = plots.save_figure(fig, snakemake.output.pdf)  # noqa: F821
log.info("wrote %s", ", ".join(map(str, written)))
