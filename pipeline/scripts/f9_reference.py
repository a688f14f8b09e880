"""F9 job: exact f and the deterministic approximations of one model at every beta.

Mean field is the best (lowest F_MF, still a bound) of starts up, down and random; TAP and
BP start from random messages with damping. Rows that did not converge are kept and flagged.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f9_reference")

import sys  # noqa: E402

import isingvi as iv  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi.results import with_provenance, write_table  # noqa: E402

sys.path.insert(0, snakemake.scriptdir)
from f9_model import build, exact_free_energy  # noqa: E402

job = snakemake.params.job
betas = np.asarray(job["betas"], dtype=float)
T = 1.0 / betas
model, n = build(job["spec"])
solver = dict(tol=job["tol"], max_iter=job["max_iter"])
exact = exact_free_energy(job["spec"], model, T)
mf_runs = [
    iv.meanfield.solve(model, T, init=init, seed=job["seed"], **solver)
    for init in ("up", "down", "random")
]
mf_f = np.min([r.f for r in mf_runs], axis=0)
mf_ok = np.array(
    [
        [r.converged[k] for r in mf_runs][int(np.argmin([r.f[k] for r in mf_runs]))]
        for k in range(len(T))
    ]
)
tap = iv.meanfield.solve(
    model,
    T,
    method="tap",
    update="parallel",
    damping=job["damping"],
    init="random",
    seed=job["seed"],
    **solver,
)
bp = iv.bp.solve(model, T, init="random", damping=job["damping"], seed=job["seed"], **solver)
frames = [pd.DataFrame({"method": "exact", "f": exact, "converged": True})]
for method, f, ok in (
    ("mf", mf_f, mf_ok),
    ("tap", tap.f, tap.converged),
    ("bethe", bp.f, bp.converged),
):
    frames.append(pd.DataFrame({"method": method, "f": f, "converged": ok}))
    log.info(
        "%s %-5s: max rel error %.3g, %d/%d converged",
        job["model"],
        method,
        np.max(np.abs(f - exact) / np.abs(exact)),
        np.sum(ok),
        len(T),
    )
table = pd.concat([fr.assign(beta=betas, T=T) for fr in frames], ignore_index=True)
table = table.assign(
    model=job["model"],
    K=0,
    f_err=0.0,
    f_exact=np.tile(exact, len(frames)),
    n_spins=n,
    damping=job["damping"],
    tol=job["tol"],
    max_iter=job["max_iter"],
)
table["rel_error"] = (table["f"] - table["f_exact"]).abs() / table["f_exact"].abs()
assert (table[table.method == "mf"]["f"].to_numpy() >= exact - 1e-12).all(), (
    "mean field below the exact f"
)
write_table(with_provenance(table, job, path=snakemake.scriptdir), snakemake.output[0])
log.info("wrote %d rows", len(table))
