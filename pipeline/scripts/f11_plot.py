"""Figure F11: critical slowing down. tau_int of |M| (left) and E (right) against L at T_c,
log-log, replicates averaged (errors in quadrature), with the fit tau = a L^z (weighted least
squares in ln tau, L >= fit_min_L) of each algorithm; its z and error go to a table and the
legend. Single-spin dynamics have z near 2.17; the cluster algorithms far below 1.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f11_plot")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import isingvi as iv  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi import plots  # noqa: E402
from isingvi.results import write_table  # noqa: E402

df = pd.read_csv(snakemake.input[0])
fit_min_L = snakemake.params.fit_min_L
pts = iv.analysis.combine_replicates(df, ["algorithm", "observable", "L"], ["tau"])

STYLE = {
    "metropolis": ("Metropolis", "C0", "s"),
    "heatbath": ("heat bath", "C1", "^"),
    "swendsen-wang": ("Swendsen–Wang", "C2", "D"),
    "wolff": ("Wolff", "C3", "o"),
}


def fit(g: pd.DataFrame) -> tuple[float, float, float]:
    """z, its standard error, and ln a of ln tau = ln a + z ln L, weights (tau / tau_err)^2."""
    x, y, w = np.log(g.L), np.log(g.tau), (g.tau / g.tau_err) ** 2
    A = np.column_stack([np.ones_like(x), x])
    cov = np.linalg.inv(A.T @ (A * w.to_numpy()[:, None]))
    coef = cov @ A.T @ (w * y)
    return float(coef[1]), float(np.sqrt(cov[1, 1])), float(coef[0])


exponents = []
plots.set_style()
fig, axes = plt.subplots(1, 2, figsize=(plots.TEXT_WIDTH, 0.42 * plots.TEXT_WIDTH), sharex=True)
for ax, (observable, title) in zip(axes, (("abs_m", r"$|M|$"), ("energy", r"$E$"))):
    for algorithm, (label, colour, marker) in STYLE.items():
        g = pts[(pts.algorithm == algorithm) & (pts.observable == observable)].sort_values("L")
        if g.empty:
            continue
        used = g[fit_min_L <= g.L]
        z, z_err, ln_a = fit(used)
        exponents.append(
            {
                "algorithm": algorithm,
                "observable": observable,
                "z": z,
                "z_err": z_err,
                "fit_min_L": fit_min_L,
                "n_sizes": len(used),
            }
        )
        log.info(
            "%-13s %-6s: z = %.3f +- %.3f (L >= %d, %d sizes)",
            algorithm,
            observable,
            z,
            z_err,
            fit_min_L,
            len(used),
        )
        ax.errorbar(
            g.L,
            g.tau,
            yerr=g.tau_err,
            color=colour,
            marker=marker,
            ms=4,
            lw=0,
            elinewidth=0.9,
            label=f"{label}: $z = {z:.2f} \\pm {z_err:.2f}$",
        )
        grid = np.geomspace(used.L.min(), g.L.max(), 50)
        ax.plot(grid, np.exp(ln_a) * grid**z, color=colour, lw=0.9)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("$L$")
    ax.set_title(
        f"({'a' if observable == 'abs_m' else 'b'}) $\\tau_{{\\mathrm{{int}}}}$ of {title}",
        fontsize="medium",
    )
    ax.legend(fontsize="x-small", loc="upper left")
axes[0].set_ylabel(r"$\tau_{\mathrm{int}}$  [sweeps]")
fig.tight_layout(w_pad=1.0)
# the fit is derived from every job's table: their shared provenance, seed 0 (no randomness here)
shared = {
    c: df[c].iloc[0]
    for c in ("isingvi_version", "git_commit", "experiment", "config_hash", "master_seed")
}
write_table(pd.DataFrame(exponents).assign(**shared, seed=0), snakemake.output.exponents)
written = plots.save_figure(fig, snakemake.output.pdf)
log.info("wrote %s", ", ".join(map(str, written)))
