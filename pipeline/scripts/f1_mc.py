"""F1 Monte Carlo job: one (L, algorithm, replicate), all its temperatures in one core call."""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f1_mc")

import time  # noqa: E402

import isingvi as iv  # noqa: E402
from isingvi.results import with_provenance, write_table  # noqa: E402

job = snakemake.params.job
threads = snakemake.threads
T = job["T"]
log.info(
    "L=%d %s replicate %d: %d temperatures in [%g, %g], n_therm=%d n_measure=%d every=%d init=%s seed=%d threads=%d",
    job["L"],
    job["algorithm"],
    job["replicate"],
    len(T),
    min(T),
    max(T),
    job["n_therm"],
    job["n_measure"],
    job["every"],
    job["init"],
    job["seed"],
    threads,
)
start = time.perf_counter()
df = iv.sweep(
    iv.SquareLattice(job["L"]),
    T,
    algorithms=job["algorithm"],
    seeds=job["seed"],
    n_therm=job["n_therm"],
    n_measure=job["n_measure"],
    every=job["every"],
    threads=threads,
    init=job["init"],
    n_blocks=job["n_blocks"],
)
log.info("sampled %d temperatures in %.1f s", len(T), time.perf_counter() - start)

# The algorithm parameters sweep() does not write itself, then provenance (seed checked).
df.insert(df.columns.get_loc("seed") + 1, "replicate", job["replicate"])
df.insert(df.columns.get_loc("every") + 1, "init", job["init"])
df.insert(df.columns.get_loc("init") + 1, "n_blocks", job["n_blocks"])
df = with_provenance(df, job, path=snakemake.scriptdir)
write_table(df, snakemake.output[0])
log.info(
    "wrote %d rows to %s (%.1f s in all)", len(df), snakemake.output[0], time.perf_counter() - start
)
