"""Figure F3: the critical point by finite-size scaling.

(a) Binder cumulant U4(T) of the square lattice: reweighted curves (supported range only) and
simulated points; (b) crossings T*(L, 2L) against 1/L with the fit T_c + b L^-x and Onsager's
T_c; (c) the maximum of c against ln L, Monte Carlo and Kaufman, with the asymptotic slope
8 K_c^2 / pi; (d) the cubic lattice's crossings in K = 1/T with the literature K_c. The log
repeats the estimates with their z-scores.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f3_plot")

import math  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import isingvi as iv  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi import plots  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

tab = {
    kind: pd.read_csv(getattr(snakemake.input, kind))
    for kind in ("points", "curves", "crossings", "peaks", "estimates")
}
est = tab["estimates"].set_index("lattice")
for name, e in est.iterrows():
    log.info(
        "%s: T_c = %.6f +- %.6f against %.6f (%s): z = %.2f, relative deviation %.2e; K_c = %.7f +- %.7f "
        "(deviation %.2e); chi2/dof = %.2f/%d",
        name,
        e.T_c,
        e.T_c_err,
        e.T_c_ref,
        e.reference,
        e.z,
        e.rel_dev,
        e.K_c,
        e.K_c_err,
        e.K_c_dev,
        e.chi2,
        e.dof,
    )


def value_err(v: float, err: float) -> str:
    """v(err) with two significant digits of the error, e.g. 2.26962(56)."""
    if not (np.isfinite(err) and err > 0):
        return f"{v:.6f}"
    digits = max(0, 1 - math.floor(math.log10(err)))
    return f"{v:.{digits}f}({round(err * 10**digits):d})"


plots.set_style()
fig, axes = plt.subplots(2, 2, figsize=(plots.TEXT_WIDTH, 0.8 * plots.TEXT_WIDTH))
(ax_u4, ax_cross), (ax_c, ax_cubic) = axes


def crossing_panel(ax, lattice: str, in_K: bool) -> None:
    """T*(L, 2L) (or K* = 1/T*) against 1/L, the extrapolation and the reference."""
    cr = tab["crossings"][tab["crossings"].lattice == lattice].sort_values("L")
    if cr.empty:
        ax.set_axis_off()
        ax.text(
            0.5, 0.5, f"no {lattice} lattice in this config", ha="center", transform=ax.transAxes
        )
        return
    e = est.loc[lattice]
    y, yerr = (cr.K_cross, cr.K_cross_err) if in_K else (cr.T_cross, cr.T_cross_err)
    ax.errorbar(
        1 / cr.L,
        y,
        yerr=yerr,
        ls="none",
        marker="o",
        color="C0",
        mew=0.9,
        elinewidth=0.9,
        zorder=4,
        label=r"$U_4$ crossing of $(L, 2L)$",
    )
    inv = np.linspace(0, 1.08 / cr.L.min(), 200)
    fit_T = e.T_c + e.slope * inv**e.correction_exponent
    ax.plot(
        inv,
        1 / fit_T if in_K else fit_T,
        color="C0",
        lw=1.0,
        alpha=0.8,
        label=rf"fit ${'1/K^*' if in_K else 'T^*'} = T_c + b\,L^{{-{e.correction_exponent:g}}}$",
    )
    v, err = (e.K_c, e.K_c_err) if in_K else (e.T_c, e.T_c_err)
    sym, ref = ("K_c", e.K_c_ref) if in_K else ("T_c", e.T_c_ref)
    dev = f"deviation {e.K_c_dev:+.1e}" if in_K else f"relative deviation {e.rel_dev:+.1e}"
    ax.errorbar(
        [0],
        [v],
        yerr=[err],
        marker="D",
        color="C3",
        ms=4.5,
        elinewidth=1.2,
        zorder=5,
        ls="none",
        label=f"${sym}$ = {value_err(v, err)} (L = ∞)\n{dev}, z = {-e.z if in_K else e.z:+.2f}",
    )
    ax.axhline(
        ref,
        color="0.3",
        ls=":",
        lw=1.1,
        zorder=1,
        label=f"{e.reference}: {ref:.{7 if in_K else 6}f}",
    )
    ax.set_xlabel(r"$1/L$ (smaller size of the pair)")
    ax.set_ylabel(r"$K^* = J/k_B T^*$" if in_K else r"$T^*$  [$J/k_B$]")
    ax.set_xlim(-0.004, 1.1 / cr.L.min())
    # room below the data for the legend and the estimate
    top, bottom = max((y + yerr).max(), ref, v + err), min((y - yerr).min(), ref, v - err)
    ax.set_ylim(bottom - 1.1 * (top - bottom), top + 0.08 * (top - bottom))
    ax.legend(loc="lower left", fontsize="x-small", handlelength=1.6)


# (a) U4 curves and points, square lattice
pts = tab["points"][tab["points"].lattice == "square"]
cur = tab["curves"][tab["curves"].lattice == "square"]
if pts.empty:
    ax_u4.set_axis_off()
else:
    sizes = sorted(int(L) for L in pts.L.unique())
    palette = plots.size_palette(sizes)
    for L in sizes:
        c = cur[(cur.L == L) & cur.supported].sort_values("T")
        ax_u4.plot(c["T"], c.u4, color=palette[L], lw=1.2, zorder=2)
        p = pts[pts.L == L]
        ax_u4.errorbar(
            p["T"],
            p.u4,
            yerr=p.u4_err,
            ls="none",
            marker="o",
            ms=3.2,
            color=palette[L],
            mew=0.8,
            elinewidth=0.9,
            zorder=3,
        )
    ax_u4.axvline(iv.exact.T_C, color="0.35", ls=":", lw=1.1, zorder=1)
    lo, hi = pts["T"].min(), pts["T"].max()
    ax_u4.set_xlim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
    ax_u4.set_xlabel(r"temperature $T$  [$J/k_B$]")
    ax_u4.set_ylabel(r"Binder cumulant $U_4$")
    handles = [
        Line2D([], [], color=palette[L], marker="o", ms=3.2, lw=1.2, label=f"$L = {L}$")
        for L in sizes
    ]
    handles.append(Line2D([], [], color="0.35", ls=":", lw=1.1, label=r"$T_c$ (Onsager)"))
    ax_u4.legend(handles=handles, loc="lower left", fontsize="x-small", handlelength=1.6)

# (b) and (d): crossings, extrapolated
crossing_panel(ax_cross, "square", in_K=False)
crossing_panel(ax_cubic, "cubic", in_K=True)

# (c) c_max against ln L, square lattice
pk = tab["peaks"][(tab["peaks"].lattice == "square") & (tab["peaks"].quantity == "c")].sort_values(
    "L"
)
if pk.empty:
    ax_c.set_axis_off()
else:
    lnL = np.log(pk.L.to_numpy(float))
    ax_c.errorbar(
        lnL,
        pk.value,
        yerr=pk.value_err,
        ls="none",
        marker="o",
        color="C0",
        mew=0.9,
        elinewidth=0.9,
        zorder=4,
        label="Monte Carlo (reweighted maximum)",
    )
    ax_c.plot(
        lnL,
        pk.value_exact,
        marker="s",
        mfc="white",
        color="0.2",
        lw=0.9,
        ms=4.5,
        zorder=3,
        label="Kaufman (exact maximum)",
    )
    slope = 8 * (math.log1p(math.sqrt(2)) / 2) ** 2 / math.pi
    grid = np.linspace(lnL.min() - 0.3, lnL.max() + 0.3, 2)
    ax_c.plot(
        grid,
        pk.value_exact.iloc[-1] + slope * (grid - lnL[-1]),
        color="C3",
        ls="--",
        lw=1.0,
        zorder=2,
        label=rf"slope $8K_c^2/\pi = {slope:.4f}$",
    )
    z = (pk.value - pk.value_exact) / pk.value_err
    log.info("c_max against Kaufman: z = %s", np.round(z.to_numpy(), 2).tolist())
    ax_c.set_xlabel(r"$\ln L$")
    ax_c.set_ylabel(r"$c_{\max}$  [$k_B$]")
    lo, hi = min(pk.value.min(), pk.value_exact.min()), max(pk.value.max(), pk.value_exact.max())
    ax_c.set_ylim(lo - 0.1 * (hi - lo), hi + 0.45 * (hi - lo))  # room above the line for the legend
    ax_c.legend(loc="upper left", fontsize="x-small", handlelength=1.8)

for ax, letter in zip(axes.flat, "abcd"):
    plots.panel_label(ax, f"({letter})")
for ax, title in (
    (ax_u4, "square lattice"),
    (ax_cross, "square lattice"),
    (ax_c, "square lattice"),
    (ax_cubic, "simple cubic lattice"),
):
    ax.set_title(title, fontsize="small")
fig.tight_layout(h_pad=1.0, w_pad=1.4)
written = plots.save_figure(fig, snakemake.output.pdf)
assert {str(p) for p in written} == {snakemake.output.pdf, snakemake.output.png}, written
log.info("wrote %s", ", ".join(map(str, written)))
