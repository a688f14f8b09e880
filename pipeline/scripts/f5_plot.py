"""Figure F5: disordered models. Columns: the models (SK, random-field, Edwards-Anderson) at
sizes that can be enumerated, then Edwards-Anderson at sizes that cannot; rows: f - f_ref and
the RMSE of the marginals against the reference, vs T, for mean field, TAP and BP: mean over
disorder instances with one standard error. The reference is exact enumeration, or else
parallel tempering with thermodynamic integration (PT + TI); on the enumerated columns PT + TI
is drawn too, as the check of that reference (its curve should sit on zero), and on the others
a grey band shows the reference's own error (+-2 standard errors, mean over instances).
Mean field is an upper bound on every instance, so its curve stays above zero; every
mean-field run counts (any m is a valid trial state). TAP and BP runs that did not converge
have no meaningful f or marginals: they are left out of the averages, and a temperature is
drawn only where at least half of the instances converged; the line breaks where a point is
not drawn, rather than joining the temperatures on either side. Row (c): how many instances
TAP and BP converged on, per T (also in the log).
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f5_plot")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi import plots  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

df = pd.read_csv(snakemake.input[0])
STYLE = {
    "mf": ("mean field", "C0", "o"),
    "tap": ("TAP", "C2", "^"),
    "bp": ("BP (Bethe)", "C1", "s"),
    "pt": ("PT + TI (check)", "C3", "d"),
}
TITLES = {
    "sk": "Sherrington–Kirkpatrick",
    "rfim": "random-field Ising",
    "ea": r"Edwards–Anderson $\pm J$",
}
KEYS = ["model", "N", "reference"]
columns = sorted(
    df[KEYS].drop_duplicates().itertuples(index=False),
    key=lambda c: (c.reference != "exact", list(TITLES).index(c.model), c.N),
)


def sem(x: pd.Series) -> float:
    return float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else 0.0


# Mean field and PT: every run; TAP and BP: converged runs only (see the docstring).
usable = df[df.method.isin(["mf", "pt"]) | df.converged]
counts = df.groupby([*KEYS, "method", "T"]).converged.agg(
    converged="mean", n_converged="sum", n_instances="size"
)
stats = (
    usable.groupby([*KEYS, "method", "T"])
    .agg(
        f_error=("f_error", "mean"),
        f_sem=("f_error", sem),
        rmse=("marginal_rmse", "mean"),
        rmse_sem=("marginal_rmse", sem),
        ref_err=("f_ref_err", "mean"),
        n=("f_error", "size"),
    )
    .reindex(counts.index)  # every temperature of every curve: a NaN breaks the line there
    .join(counts)
    .reset_index()
)
hidden = stats.method.isin(["tap", "bp"]) & (stats.converged < 0.5)
VALUES = ["f_error", "f_sem", "rmse", "rmse_sem", "ref_err"]
stats.loc[hidden, VALUES] = np.nan
for (model, N, reference, method), g in stats.groupby([*KEYS, "method"]):
    drawn = g[g.f_error.notna()]
    log.info(
        "%-4s N=%-3d (vs %s) %-3s: drawn at %d of %d T; mean |f - f_ref| max %.3g, marginal RMSE max "
        "%.3g; converged instances per T (of %d): %s",
        model,
        N,
        reference,
        method,
        len(drawn),
        len(g),
        drawn.f_error.abs().max(),
        drawn.rmse.max(),
        int(g.n_instances.max()),
        " ".join(f"{t:g}:{int(c)}" for t, c in zip(g["T"], g.n_converged)),
    )
check = df[df.method == "pt"]
if len(check):
    z = check.f_error / check.f_err
    log.info(
        "PT + TI vs enumeration over %d (instance, T): max |z| of f = %.2f, mean z = %.2f, max marginal RMSE %.3g",
        len(check),
        z.abs().max(),
        z.mean(),
        check.marginal_rmse.max(),
    )

plots.set_style()
fig, axes = plt.subplots(
    3,
    len(columns),
    figsize=(plots.TEXT_WIDTH, 0.8 * plots.TEXT_WIDTH),
    sharex="col",
    squeeze=False,
    gridspec_kw=dict(height_ratios=[1.0, 1.0, 0.5]),
)
for col, (model, N, reference) in enumerate(columns):
    rows = df[(df.model == model) & (df.N == N) & (df.reference == reference)]
    n_inst = rows.disorder.nunique()
    size = f"$N = {N}$" if model == "sk" else f"${int(rows.L.iloc[0])}^2$"
    versus = "vs exact" if reference == "exact" else "vs PT + TI"
    axes[0, col].set_title(f"{TITLES[model]}\n{size}, {n_inst} inst., {versus}", fontsize="x-small")
    for method, (label, colour, marker) in STYLE.items():
        g = stats[
            (stats.model == model)
            & (stats.N == N)
            & (stats.reference == reference)
            & (stats.method == method)
        ].sort_values("T")
        if g.empty:
            continue
        kw = dict(color=colour, marker=marker, ms=2.5, lw=1.0, elinewidth=0.8, label=label)
        axes[0, col].errorbar(g["T"], g.f_error, yerr=g.f_sem, **kw)
        axes[1, col].errorbar(g["T"], g.rmse, yerr=g.rmse_sem, **kw)
        if method in ("tap", "bp"):  # how many instances each point averages
            shift = (-1 if method == "tap" else 1) * 0.01 * np.ptp(g["T"])  # TAP and BP often agree
            axes[2, col].plot(
                g["T"] + shift, g.n_converged, color=colour, marker=marker, ms=2.5, lw=1.0
            )
        if reference != "exact" and method == "mf":
            axes[0, col].fill_between(
                g["T"],
                -2 * g.ref_err,
                2 * g.ref_err,
                color="0.8",
                lw=0,
                label=r"reference $\pm 2\sigma$",
            )
    axes[0, col].axhline(0.0, color="black", lw=1.0)
    # below this line a TAP or BP point is not drawn (fewer than half the instances converged)
    axes[2, col].axhline(n_inst / 2, color="0.5", ls=":", lw=1.0)
    axes[2, col].set_ylim(-0.1 * n_inst, 1.15 * n_inst)
    axes[2, col].set_yticks(sorted({0, n_inst // 2, n_inst}))
    axes[2, col].set_xlabel(r"$T$  [$J/k_B$]")
# the panel letters go with the row labels: above the axes they would run into the column titles
axes[0, 0].set_ylabel(r"(a)  $f - f_{\rm ref}$  [$J$]")
axes[1, 0].set_ylabel("(b)  marginal RMSE")
axes[2, 0].set_ylabel("(c)  converged\n[instances]")
handles, labels = {}, {}
for ax in axes[0]:  # every method and the band, each once
    for h, lab in zip(*ax.get_legend_handles_labels()):
        handles.setdefault(lab, h)
handles["TAP/BP drawn where at least half converged"] = Line2D([], [], color="0.5", ls=":", lw=1.0)
fig.tight_layout(rect=(0, 0.07, 1, 1))
fig.align_ylabels(axes[:, 0])
fig.legend(
    list(handles.values()),
    list(handles),
    loc="lower center",
    ncol=3,
    bbox_to_anchor=(0.5, 0.0),
    fontsize="x-small",
)
written = plots.save_figure(fig, snakemake.output.pdf)
log.info("wrote %s", ", ".join(map(str, written)))
