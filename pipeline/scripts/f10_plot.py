"""Figure F10: amortised inference on Ising data, the data-level chain of bounds.

(a) per spin, in nats, vs T: the exact entropy s(T) (Kaufman; line), and on held-out Wolff
samples the MADE cross-entropy (exact ln q), -IWAE_K of the VAE for each K and -ELBO, beside
F7's Bernoulli-mixture cross-entropy of the same L (largest K, replicates averaged):
s <= cross-entropy of any model, and -ELBO >= -IWAE_K >= -IWAE_K' >= -ln p(x) for K <= K'.
(b) -IWAE_K against K at T = critical_T, with s, the MADE cross-entropy and -ELBO as lines.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f10_plot")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import isingvi as iv  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi import plots  # noqa: E402

table = pd.read_csv(snakemake.input.table)
mixtures = pd.read_csv(snakemake.input.mixtures)
L, T_c = snakemake.params.L, snakemake.params.critical_T
Ks = sorted(table.loc[table.method == "iwae", "K"].unique())

for T, g in table.groupby("T"):
    s = g.s_exact.iloc[0]
    z = ((g.value - s) / g.err).min()
    log.info(
        "T=%g: s=%.5f, min (value - s)/err = %+.2f over %d rows; sign lag-1 autocorrelation %.3f",
        T,
        s,
        z,
        len(g),
        g.sign_lag1.iloc[0],
    )

plots.set_style()
fig, (ax, bx) = plt.subplots(
    1,
    2,
    figsize=(plots.TEXT_WIDTH, 0.42 * plots.TEXT_WIDTH),
    gridspec_kw={"width_ratios": [1.6, 1]},
)
grid = np.linspace(table["T"].min() * 0.95, table["T"].max() * 1.02, 200)
ax.plot(
    grid, iv.exact.kaufman(L, grid)["s"], color="black", lw=1.2, label=r"exact $s(T)$ (Kaufman)"
)
palette = plt.get_cmap("viridis")(np.linspace(0.15, 0.85, len(Ks)))
series = [("elbo", 1, r"VAE $-$ELBO", "C3", "v")]
series += [("iwae", K, rf"VAE $-$IWAE$_{{{K}}}$", c, "o") for K, c in zip(Ks, palette)]
series += [("made", 0, "MADE cross-entropy", "C0", "D")]
for method, K, label, colour, marker in series:
    g = table[(table.method == method) & (table.K == K)].sort_values("T")
    ax.errorbar(
        g["T"],
        g.value,
        yerr=g.err,
        color=colour,
        marker=marker,
        ms=3.5,
        lw=0.8,
        elinewidth=0.8,
        label=label,
    )
mix = mixtures[mixtures.L == L]
if len(mix):
    k_mix = mix.K.max()
    m = iv.analysis.combine_replicates(mix[k_mix == mix.K], ["T"], ["cross_entropy"])
    ax.errorbar(
        m["T"],
        m.cross_entropy,
        yerr=m.cross_entropy_err,
        color="C1",
        marker="s",
        ms=3.5,
        lw=0.8,
        mfc="white",
        label=f"Bernoulli mixture, $K = {k_mix}$ (F7)",
    )
ax.axvline(iv.exact.T_C, color="0.4", ls=":", lw=1.0)
ax.set_xlabel(r"$T$  [$J/k_B$]")
ax.set_ylabel("per spin  [nats]")
ax.set_title(f"(a) held-out bounds, $L = {L}$", fontsize="medium")
ax.legend(fontsize="x-small", loc="lower right")

g = table[np.isclose(table["T"], T_c)]
iw = g[g.method == "iwae"].sort_values("K")
bx.errorbar(
    iw.K, iw.value, yerr=iw.err, color="C2", marker="o", ms=4, lw=1.0, label=r"VAE $-$IWAE$_K$"
)
bx.axhline(g.s_exact.iloc[0], color="black", lw=1.2, label=r"exact $s$")
for method, label, colour, ls in (
    ("made", "MADE cross-entropy", "C0", "--"),
    ("elbo", r"VAE $-$ELBO", "C3", "-."),
):
    row = g[g.method == method]
    bx.axhline(row.value.iloc[0], color=colour, lw=1.0, ls=ls, label=label)
bx.set_xscale("log")
bx.set_xlabel("importance samples $K$")
bx.set_ylabel("per spin  [nats]")
bx.set_title(f"(b) $T = {T_c:g}$", fontsize="medium")
bx.legend(fontsize="x-small", loc="best")
fig.tight_layout(w_pad=1.2)
written = plots.save_figure(fig, snakemake.output.pdf)
log.info("wrote %s", ", ".join(map(str, written)))
