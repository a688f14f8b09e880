"""F1 exact table: Kaufman (each finite L) and Onsager (L = inf) on a fine temperature grid.

The grid is uniform (``n_points`` over the MC range) plus points refined geometrically towards
T_c. Tidy layout, one row per (solution, L, T): ``solution`` is "kaufman" or "onsager"; ``L`` is a
float column, ``inf`` for Onsager. ``m`` is Yang's spontaneous magnetisation (Onsager rows only;
Kaufman's finite-L solution has no magnetisation, NaN there). ``n_points`` is the uniform grid's
size; then the provenance columns (isingvi.results.with_provenance; seed 0, nothing is random).
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f1_exact")

import time  # noqa: E402

import isingvi as iv  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi.results import with_provenance, write_table  # noqa: E402

job = snakemake.params.job
# Uniform grid, refined geometrically towards T_c where Onsager's m drops with exponent 1/8
# and c diverges (T_c itself is left out: c is infinite there).
T = np.linspace(job["T_min"], job["T_max"], job["n_points"])
near = iv.exact.T_C * np.concatenate(
    [1 - np.geomspace(1e-5, 0.03, 24), 1 + np.geomspace(1e-5, 0.03, 24)]
)
T = np.unique(np.concatenate([T, near[(near >= T[0]) & (near <= T[-1])]]))
start = time.perf_counter()
frames = []
for L in job["sizes"]:
    df = iv.exact.kaufman(L, T)
    df.insert(0, "L", float(L))
    df.insert(0, "solution", "kaufman")
    frames.append(df)
    log.info(
        "Kaufman L=%d: %d temperatures in [%g, %g] (%.2f s)",
        L,
        len(T),
        T[0],
        T[-1],
        time.perf_counter() - start,
    )
df = iv.exact.onsager(T)
df.insert(0, "L", float("inf"))
df.insert(0, "solution", "onsager")
frames.append(df)
log.info("Onsager: %d temperatures (%.2f s)", len(T), time.perf_counter() - start)

table = pd.concat(frames, ignore_index=True)
table["n_points"] = job["n_points"]  # the grid parameter; no randomness, seed 0
table = with_provenance(table, job, path=snakemake.scriptdir)
write_table(table, snakemake.output[0])
log.info("wrote %d rows to %s", len(table), snakemake.output[0])
