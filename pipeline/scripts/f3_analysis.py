"""F3 analysis of one lattice: reweighted curves, Binder crossings, peaks, extrapolated T_c.

Reads each size's E, M series (checked against its job's table first: the same seed and config
hash, and the summary the table holds recomputed bit for bit) and writes four tables:

- curves: multiple-histogram estimates (u, c, |m|, m2, m4, chi, U4 with jackknife errors, ess,
  supported) per (L, T) on ``curve_points`` temperatures over the size's supported range;
- crossings: T*(L, 2L) where U4 of L and 2L cross (and K* = 1/T*), with jackknife errors;
- peaks: position and height of the maximum of each quantity in ``peaks`` per L, with
  Kaufman's exact maximum of c on the square lattice (NaN otherwise);
- estimates: T_c (and K_c = 1/T_c) from the weighted fit T* = T_c + b L^-x over the pairs,
  its jackknife error (block b left out of every size at once, so the correlation of crossings
  sharing a size is included), chi2 and dof, and the deviation from the reference.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f3_analysis")

import re  # noqa: E402
import time  # noqa: E402
import types  # noqa: E402

import isingvi as iv  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi.analysis import binder_crossing, fss_extrapolate, multihistogram, peak, supported_range  # noqa: E402
from isingvi.results import with_provenance, write_table  # noqa: E402

job = snakemake.params.job
lattice, n_blocks, min_ess = job["lattice"], job["n_blocks"], job["min_ess"]
settings = {"n_blocks": n_blocks, "min_ess": min_ess}
start = time.perf_counter()


def load(table_path: str, series_path: str, L: int):
    """The series of size L, after checking them against the job's checked table."""
    table = pd.read_csv(table_path)
    with np.load(series_path) as d:
        res = types.SimpleNamespace(T=d["T"], E=d["E"], M=d["M"], n_spins=int(d["n_spins"]))
        seed, config_hash = int(d["seed"]), str(d["config_hash"])
    if seed != job["mc_seeds"][str(L)] or config_hash != job["config_hash"]:
        raise ValueError(
            f"{series_path}: made by another job (seed {seed}, config hash {config_hash})"
        )
    summary = iv.analysis.summarise(res, n_blocks=n_blocks)
    for q in ("T", "u", "c", "u4"):  # the table's floats round-trip exactly (write_table)
        if not np.array_equal(summary[q].to_numpy(), table[q].to_numpy()):
            raise ValueError(f"{series_path}: its {q} does not reproduce {table_path}")
    return res


def by_size(paths) -> dict:
    return {int(re.search(r"_L(\d+)\.\w+$", p).group(1)): p for p in paths}


sizes = job["sizes"]
tables, series = by_size(snakemake.input.tables), by_size(snakemake.input.series)
data = {L: load(tables[L], series[L], L) for L in sizes}
log.info(
    "%s: sizes %s, %s samples; n_blocks=%d min_ess=%g",
    lattice,
    sizes,
    [int(np.prod(data[L].E.shape)) for L in sizes],
    n_blocks,
    min_ess,
)


def ident(df: pd.DataFrame, **cols) -> pd.DataFrame:
    for k, (col, value) in enumerate({"lattice": lattice, **cols}.items()):
        df.insert(k, col, value)
    return df


# --- curves: multiple histograms over each size's supported range -------------------------------
frames = []
for L in sizes:
    lo, hi = supported_range(data[L], **settings)
    curve = multihistogram(data[L], np.linspace(lo, hi, job["curve_points"]), **settings)
    frames.append(ident(curve, L=L, n_spins=data[L].n_spins))
    log.info(
        "L=%d: simulated T %s, supported [%.6g, %.6g] (%.1f s)",
        L,
        np.round(data[L].T, 6).tolist(),
        lo,
        hi,
        time.perf_counter() - start,
    )
curves = pd.concat(frames, ignore_index=True)

# --- Binder crossings of (L, 2L), and the extrapolation ------------------------------------------
rows, replicates = [], []
for L, L2 in job["pairs"]:
    c = binder_crossing(data[L], data[L2], **settings)
    rows.append(
        {
            "lattice": lattice,
            "L": L,
            "L2": L2,
            "T_cross": c.T,
            "T_cross_err": c.T_err,
            "K_cross": 1 / c.T,
            "K_cross_err": c.T_err / c.T**2,
            "u4_cross": c.u4,
            "u4_cross_err": c.u4_err,
            "supported": c.supported,
        }
    )
    replicates.append(c.replicates)
    log.info(
        "crossing L=%d, %d: T* = %.6f +- %.6f, U4 = %.4f +- %.4f (%.1f s)",
        L,
        L2,
        c.T,
        c.T_err,
        c.u4,
        c.u4_err,
        time.perf_counter() - start,
    )
crossings = pd.DataFrame(rows)
x = job["correction_exponent"]
fit = fss_extrapolate(
    crossings.L.to_numpy(float),
    crossings.T_cross.to_numpy(),
    crossings.T_cross_err.to_numpy(),
    x,
    replicates=np.array(replicates),
)
ref = job["reference"]
T_c, K_c = fit.value, 1 / fit.value
estimates = pd.DataFrame(
    [
        {
            "lattice": lattice,
            "n_pairs": len(crossings),
            "L_min": int(crossings.L.min()),
            "L_max": int(crossings.L2.max()),
            "correction_exponent": x,
            "T_c": T_c,
            "T_c_err": fit.err,
            "K_c": K_c,
            "K_c_err": fit.err / T_c**2,
            "slope": fit.slope,
            "slope_err": fit.slope_err,
            "chi2": fit.chi2,
            "dof": fit.dof,
            "reference": ref["source"],
            "T_c_ref": ref["T_c"],
            "K_c_ref": 1 / ref["T_c"],
            "z": (T_c - ref["T_c"]) / fit.err,
            "rel_dev": (T_c - ref["T_c"]) / ref["T_c"],
            "K_c_dev": K_c - 1 / ref["T_c"],
        }
    ]
)
log.info(
    "T_c = %.6f +- %.6f (reference %.6f: z = %.2f, relative deviation %.2e); K_c = %.7f +- %.7f "
    "(reference %.7f, deviation %.2e); chi2/dof = %.2f/%d, x = %g",
    T_c,
    fit.err,
    ref["T_c"],
    estimates.z[0],
    estimates.rel_dev[0],
    K_c,
    estimates.K_c_err[0],
    1 / ref["T_c"],
    estimates.K_c_dev[0],
    fit.chi2,
    fit.dof,
    x,
)


# --- peaks ---------------------------------------------------------------------------------------
def kaufman_c_max(L: int) -> tuple[float, float]:
    """Kaufman's maximum of c(T) for the L x L torus: a grid around T_c + 0.8/L, then parabolas."""
    T = iv.exact.T_C + np.linspace(-0.5, 3.0, 141) / L
    c = iv.exact.kaufman(L, T)["c"].to_numpy()
    t0, h = T[int(np.argmax(c))], T[1] - T[0]
    while h > 1e-11:
        fm, f0, fp = iv.exact.kaufman(L, [t0 - h, t0, t0 + h])["c"].to_numpy()
        curv = fm - 2 * f0 + fp
        if not curv < 0:  # flat to rounding: t0 is the maximum to machine precision
            break
        t0 += float(np.clip(h * (fm - fp) / (2 * curv), -h, h))
        h /= 8
    return t0, float(iv.exact.kaufman(L, [t0])["c"].iloc[0])


rows = []
for q in job["peaks"]:
    for L in sizes:
        p = peak(data[L], q, **settings)
        T_ex, v_ex = kaufman_c_max(L) if (lattice == "square" and q == "c") else (np.nan, np.nan)
        rows.append(
            {
                "lattice": lattice,
                "L": L,
                "quantity": q,
                "T_peak": p.T,
                "T_peak_err": p.T_err,
                "value": p.value,
                "value_err": p.value_err,
                "supported": p.supported,
                "T_peak_exact": T_ex,
                "value_exact": v_ex,
            }
        )
        log.info(
            "%s max L=%d: T = %.5f +- %.5f, %.4f +- %.4f; exact %.5f, %.4f (%.1f s)",
            q,
            L,
            p.T,
            p.T_err,
            p.value,
            p.value_err,
            T_ex,
            v_ex,
            time.perf_counter() - start,
        )
peaks = pd.DataFrame(
    rows,
    columns=[
        "lattice",
        "L",
        "quantity",
        "T_peak",
        "T_peak_err",
        "value",
        "value_err",
        "supported",
        "T_peak_exact",
        "value_exact",
    ],
)

for kind, df in (
    ("curves", curves),
    ("crossings", crossings),
    ("peaks", peaks),
    ("estimates", estimates),
):
    df = df.assign(n_blocks=n_blocks, min_ess=min_ess)
    write_table(with_provenance(df, job, path=snakemake.scriptdir), getattr(snakemake.output, kind))
log.info(
    "wrote %d curve points, %d crossings, %d peaks and the estimate (%.1f s in all)",
    len(curves),
    len(crossings),
    len(peaks),
    time.perf_counter() - start,
)
