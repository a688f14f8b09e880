"""F11 job: one (algorithm, L, replicate) at T_c. The integrated autocorrelation times of
|M| and E, in sweeps (a Wolff measuring sweep flips about N spins, so its unit is a sweep
too), by Sokal's automatic window (isingvi.analysis.tau_int, window factor c = 6), with the
error tau sqrt(2 (2W + 1) / n), W = c tau, of Madras and Sokal.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f11_mc")

import math  # noqa: E402
import time  # noqa: E402

import isingvi as iv  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi.results import with_provenance, write_table  # noqa: E402

WINDOW = 6.0
job = snakemake.params.job
L, algorithm = job["L"], job["algorithm"]
start = time.perf_counter()
res = iv.mc.run(
    iv.SquareLattice(L),
    job["T"],
    algorithm=algorithm,
    n_therm=job["n_therm"],
    n_measure=job["n_measure"],
    seed=job["seed"],
    init="random",
)
rows = []
for name, series in (("abs_m", np.abs(res.M[0]) / res.n_spins), ("energy", res.E[0] / res.n_spins)):
    tau = iv.analysis.tau_int(series, c=WINDOW)
    err = tau * math.sqrt(2.0 * (2.0 * WINDOW * tau + 1.0) / len(series))
    rows.append({"observable": name, "tau": tau, "tau_err": err, "n_over_tau": len(series) / tau})
    log.info(
        "%s L=%d: tau_int(%s) = %.3f +- %.3f sweeps (%d sweeps = %.0f tau)",
        algorithm,
        L,
        name,
        tau,
        err,
        len(series),
        len(series) / tau,
    )
table = pd.DataFrame(rows).assign(
    L=L,
    algorithm=algorithm,
    replicate=job["replicate"],
    T=job["T"],
    n_therm=job["n_therm"],
    n_measure=job["n_measure"],
    sampler=res.sampler,
    window=WINDOW,
)
write_table(with_provenance(table, job, path=snakemake.scriptdir), snakemake.output[0])
log.info("done in %.1f s (%s)", time.perf_counter() - start, res.sampler)
