"""F4 job: mean field as variational inference on one L x L lattice.

(1) The "ELBO curve" of an Ising model: F_MF per spin after every iteration of sequential
(coordinate ascent), parallel and damped parallel updates, from one random start, at
temperatures on both sides of T_c^MF = 4. Every value is an upper bound on the exact f
(Kaufman, same lattice), which the rows carry. (2) Magnetisation curves m(T): the uniform
infinite-lattice mean-field and Bethe solutions and Yang's exact m, on a fine grid.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f4_traces")

import isingvi as iv  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi.results import with_provenance, write_table  # noqa: E402

job = snakemake.params.job
threads = snakemake.threads
lattice = iv.SquareLattice(job["L"])
T = np.asarray(job["T"], dtype=float)
exact = dict(zip(T, iv.exact.kaufman(job["L"], T)["f"]))

frames = []
for scheme in job["schemes"]:
    res = iv.meanfield.solve(
        lattice,
        T,
        update=scheme["update"],
        damping=scheme["damping"],
        init="random",
        seed=job["seed"],
        tol=job["tol"],
        max_iter=job["max_iter"],
        threads=threads,
    )
    tr = res.trace.copy()
    tr.insert(0, "scheme", scheme["name"])
    tr.insert(1, "update", scheme["update"])
    tr.insert(2, "damping", scheme["damping"])
    tr["f_exact"] = tr["T"].map(exact)
    tr["gap"] = tr["f"] - tr["f_exact"]
    frames.append(tr)
    for t, conv, n, f in zip(T, res.converged, res.n_iter, res.f):
        log.info(
            "%-9s T=%.2f: %s after %d iterations, f_MF - f_exact = %.4g",
            scheme["name"],
            t,
            "converged" if conv else "NOT converged",
            n,
            f - exact[t],
        )
traces = pd.concat(frames, ignore_index=True)
assert (traces.gap >= -1e-12).all(), "an iterate below the exact free energy: the bound is broken"
seq = traces[traces["update"] == "sequential"]
rises = seq.groupby(["scheme", "T"]).f.apply(
    lambda f: np.max(np.diff(f.to_numpy()), initial=-np.inf)
)
assert (rises <= 1e-12).all(), f"sequential mean field increased F_MF: {rises.max():g}"

grid = np.linspace(job["m_T_min"], job["m_T_max"], job["m_points"])
curves = [pd.DataFrame({"method": "exact", "T": grid, "m": iv.exact.onsager(grid)["m"]})]
for method in ("mf", "bethe"):
    uni = iv.meanfield.uniform(grid, z=4, method=method, branch="ordered")
    curves.append(pd.DataFrame({"method": method, "T": grid, "m": uni["m"]}))
curves = pd.concat(curves, ignore_index=True)

traces["tol"], traces["max_iter"] = job["tol"], job["max_iter"]
for table, path in ((traces, snakemake.output.traces), (curves, snakemake.output.magnetisation)):
    table = with_provenance(table, job, path=snakemake.scriptdir)
    write_table(table, path)
    log.info("wrote %d rows to %s", len(table), path)
