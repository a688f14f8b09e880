"""F2 job, sampling part: f from thermodynamic integration and from annealed importance
sampling for one (L, replicate), every temperature of the grid in one call each.

TI: ln Z(beta) = N ln 2 - integral_0^beta U dbeta' over MC energies (iv.freeenergy.
thermodynamic_integration); AIS: Jarzynski's E[Z_hat] = Z (iv.freeenergy.ais), whose
E[ln Z_hat] <= ln Z makes f_AIS >= f on average. Rows carry Kaufman's f of the same lattice and
the z-score of each estimate against it (logged; the figure shows f - f_exact with error bars).
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f2_sampling")

import time  # noqa: E402

import isingvi as iv  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi.results import derive_seed, with_provenance, write_table  # noqa: E402

job = snakemake.params.job
threads = snakemake.threads
T = np.asarray(job["T"], dtype=float)
L = job["L"]
lattice = iv.SquareLattice(L)
exact = iv.exact.kaufman(L, T)["f"].to_numpy()
start = time.perf_counter()

ti_cfg, ais_cfg = job["ti"], job["ais"]
ti = iv.freeenergy.thermodynamic_integration(
    lattice,
    T,
    n_grid=ti_cfg["n_grid"],
    algorithm=ti_cfg["algorithm"],
    n_therm=ti_cfg["n_therm"],
    n_measure=ti_cfg["n_measure"],
    n_blocks=ti_cfg["n_blocks"],
    seed=derive_seed(job["seed"], "ti"),
    threads=threads,
)
log.info("TI: %d grid temperatures, %.1f s", ti_cfg["n_grid"], time.perf_counter() - start)
ais = iv.freeenergy.ais(
    lattice,
    T,
    n_steps=ais_cfg["n_steps"],
    n_sweeps=ais_cfg["n_sweeps"],
    n_chains=ais_cfg["n_chains"],
    algorithm=ais_cfg["algorithm"],
    seed=derive_seed(job["seed"], "ais"),
    threads=threads,
)
log.info(
    "AIS: %d steps x %d chains, %.1f s",
    ais_cfg["n_steps"],
    ais_cfg["n_chains"],
    time.perf_counter() - start,
)

settings = {  # the algorithm parameters, as columns
    "ti": {f"ti_{k}": v for k, v in ti_cfg.items()},
    "ais": {f"ais_{k}": v for k, v in ais_cfg.items()},
}
frames = []
for method, res in (("ti", ti), ("ais", ais)):
    f, f_err = res["f"].to_numpy(), res["f_err"].to_numpy()
    extra = {"ess": res["ess"].to_numpy()} if "ess" in res else {}
    frames.append(
        pd.DataFrame(
            {
                "L": float(L),
                "T": T,
                "beta": 1.0 / T,
                "method": method,
                "replicate": job["replicate"],
                "f": f,
                "f_err": f_err,
                "f_exact": exact,
                "f_error": f - exact,
                **extra,
                **settings[method],
            }
        )
    )
    z = (f - exact) / f_err
    log.info(
        "L=%d %-3s vs Kaufman: chi2/dof = %.2f, max |z| = %.2f, max |f - f_exact| = %.3g",
        L,
        method,
        np.mean(z**2),
        np.max(np.abs(z)),
        np.max(np.abs(f - exact)),
    )
table = pd.concat(frames, ignore_index=True)
table = with_provenance(table, job, path=snakemake.scriptdir)
write_table(table, snakemake.output[0])
log.info(
    "wrote %d rows to %s (%.1f s)", len(table), snakemake.output[0], time.perf_counter() - start
)
