"""F2 lines: exact f of each finite lattice (Kaufman) and of L = inf (Onsager), and the
uniform mean-field and Bethe solutions of the infinite lattice, on a fine temperature grid.

Tidy, one row per (L, method, T); L is inf for the infinite-lattice rows. The uniform
solutions start ordered (branch "ordered"), as the finite-lattice solvers do.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f2_exact")

import isingvi as iv  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi.results import with_provenance, write_table  # noqa: E402

job = snakemake.params.job
T = np.linspace(job["T_min"], job["T_max"], job["n_points"])
frames = [
    pd.DataFrame({"L": float(L), "method": "exact", "T": T, "f": iv.exact.kaufman(L, T)["f"]})
    for L in job["sizes"]
]
frames.append(pd.DataFrame({"L": np.inf, "method": "exact", "T": T, "f": iv.exact.onsager(T)["f"]}))
for method in ("mf", "bethe"):
    uni = iv.meanfield.uniform(T, z=4, method=method, branch="ordered")
    frames.append(
        pd.DataFrame({"L": np.inf, "method": method, "T": T, "f": uni["f"], "abs_m": uni["m"]})
    )
table = pd.concat(frames, ignore_index=True)
table.insert(2, "beta", 1.0 / table["T"])
onsager = table[(table.method == "exact") & np.isinf(table.L)].f.to_numpy()
for method in ("mf", "bethe"):
    gap = table[(table.method == method)].f.to_numpy() - onsager
    log.info("L=inf %-5s: f - f_Onsager in [%.4g, %.4g]", method, gap.min(), gap.max())
table = with_provenance(table, job, path=snakemake.scriptdir)
write_table(table, snakemake.output[0])
log.info("wrote %d rows to %s", len(table), snakemake.output[0])
