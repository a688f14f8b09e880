"""F3 Monte Carlo job: one (lattice, L), Wolff at all its temperatures in one core call.

Writes the per-temperature summary (isingvi.analysis.summarise: u, c, |m|, m2, m4, chi, U4 with
errors) as the job's table, and the E and M series (totals per measured sweep) as an .npz
beside it for the reweighting analysis, with the job's seed and config hash inside.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f3_mc")

import time  # noqa: E402

import isingvi as iv  # noqa: E402
import numpy as np  # noqa: E402
from isingvi.results import atomic_open, with_provenance, write_table  # noqa: E402

job = snakemake.params.job
threads = snakemake.threads
lattice, L, T = job["lattice"], job["L"], job["T"]
log.info(
    "%s L=%d: %d temperatures in [%g, %g], wolff n_therm=%d n_measure=%d init=%s seed=%d threads=%d",
    lattice,
    L,
    len(T),
    min(T),
    max(T),
    job["n_therm"],
    job["n_measure"],
    job["init"],
    job["seed"],
    threads,
)
model = iv.SquareLattice(L) if lattice == "square" else iv.CubicLattice(L)
start = time.perf_counter()
res = iv.mc.run(
    model,
    T,
    algorithm=job["algorithm"],
    n_therm=job["n_therm"],
    n_measure=job["n_measure"],
    every=job["every"],
    seed=job["seed"],
    threads=threads,
    init=job["init"],
)
log.info(
    "sampled %d temperatures in %.1f s; mean cluster sizes %s",
    len(T),
    time.perf_counter() - start,
    np.round(res.cluster_size, 1).tolist(),
)

df = res.summary(n_blocks=job["n_blocks"])
for k, (col, value) in enumerate(
    [
        ("lattice", lattice),
        ("L", L),
        ("n_spins", res.n_spins),
        ("algorithm", res.algorithm),
        ("sampler", res.sampler),
        ("n_therm", res.n_therm),
        ("n_measure", res.n_measure),
        ("every", res.every),
        ("init", res.init),
        ("n_blocks", job["n_blocks"]),
    ]
):
    df.insert(k, col, value)
df["cluster_size"] = res.cluster_size
df = with_provenance(df, job, path=snakemake.scriptdir)
with atomic_open(snakemake.output.series, "wb") as fh:
    np.savez(
        fh,
        T=res.T,
        E=res.E,
        M=res.M,
        n_spins=res.n_spins,
        seed=job["seed"],
        config_hash=job["config_hash"],
    )
write_table(df, snakemake.output.table)
log.info(
    "wrote %d rows to %s and the series to %s (%.1f s in all)",
    len(df),
    snakemake.output.table,
    snakemake.output.series,
    time.perf_counter() - start,
)
