"""F7 exact table: entropy per spin s(T) of every L on a uniform grid over the MC range.

Enumeration (all 2^N states) for L <= ``enumerate_max_L``, Kaufman's finite-torus solution
above. Tidy: one row per (L, T) with ``method`` naming the solution.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f7_exact")

import time  # noqa: E402

import isingvi as iv  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi.results import with_provenance, write_table  # noqa: E402

job = snakemake.params.job
T = np.linspace(job["T_min"], job["T_max"], job["n_points"])
start = time.perf_counter()
frames = []
for L in job["sizes"]:
    enumerate_it = job["enumerate_max_L"] >= L
    df = iv.exact.enumerate(iv.SquareLattice(L), T) if enumerate_it else iv.exact.kaufman(L, T)
    df = df[["T", "beta", "ln_z", "f", "u", "s"]].copy()
    df.insert(0, "method", "enumerate" if enumerate_it else "kaufman")
    df.insert(0, "L", L)
    frames.append(df)
    log.info(
        "L=%d %s: %d temperatures in [%g, %g], s from %.5f to %.5f (%.2f s)",
        L,
        df.method.iloc[0],
        len(T),
        T[0],
        T[-1],
        df.s.iloc[0],
        df.s.iloc[-1],
        time.perf_counter() - start,
    )
table = pd.concat(frames, ignore_index=True)
table = with_provenance(table, job, path=snakemake.scriptdir)
write_table(table, snakemake.output[0])
log.info("wrote %d rows to %s", len(table), snakemake.output[0])
