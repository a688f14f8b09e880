"""F2 job, variational part: mean field, TAP and Bethe (BP) free energies of one L x L lattice.

Every solver starts from the ordered state (all +): at h = 0 that reaches the ordered branch
below its own transition and the paramagnetic one above. Rows also carry Kaufman's exact f of
the same finite lattice, so f - f_exact is the quantity the figure's lower panel shows; the
Gibbs-Bogoliubov bound requires it to be >= 0 for mean field at every T (checked here).
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f2_variational")

import time  # noqa: E402

import isingvi as iv  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi.results import with_provenance, write_table  # noqa: E402

job = snakemake.params.job
threads = snakemake.threads
T = np.asarray(job["T"], dtype=float)
L = job["L"]
lattice = iv.SquareLattice(L)
start = time.perf_counter()
exact = iv.exact.kaufman(L, T)["f"].to_numpy()

solver = dict(tol=job["tol"], max_iter=job["max_iter"])
results = {
    "mf": iv.meanfield.solve(lattice, T, init="up", threads=threads, **solver),
    "tap": iv.meanfield.solve(
        lattice,
        T,
        method="tap",
        update="parallel",
        damping=job["damping"],
        init="up",
        threads=threads,
        **solver,
    ),
    "bethe": iv.bp.solve(lattice, T, init="up", damping=job["damping"], **solver),
}
frames = []
for method, res in results.items():
    frames.append(
        pd.DataFrame(
            {
                "L": float(L),
                "T": T,
                "beta": 1.0 / T,
                "method": method,
                "f": res.f,
                "f_err": 0.0,
                "f_exact": exact,
                "f_error": res.f - exact,
                "abs_m": np.abs(res.m).mean(axis=1),
                "converged": res.converged,
                "n_iter": res.n_iter,
                "damping": 0.0 if method == "mf" else job["damping"],
                "tol": job["tol"],
                "max_iter": job["max_iter"],
            }
        )
    )
    log.info(
        "L=%d %-5s: max |f - f_exact| = %.4g, min f - f_exact = %.3g, %d/%d converged (%.1f s)",
        L,
        method,
        np.max(np.abs(res.f - exact)),
        np.min(res.f - exact),
        res.converged.sum(),
        len(T),
        time.perf_counter() - start,
    )
table = pd.concat(frames, ignore_index=True)
mf = table[table.method == "mf"]
assert (mf.f_error >= -1e-12).all(), (
    f"mean field below Kaufman by {-mf.f_error.min():g}: the bound is broken"
)

table = with_provenance(table, job, path=snakemake.scriptdir)
write_table(table, snakemake.output[0])
log.info("wrote %d rows to %s", len(table), snakemake.output[0])
