"""F5 job: one disorder instance; MF, TAP and BP against a reference.

The reference is exact enumeration where the instance is small enough (N <= 24), else
parallel tempering: replicas on a ladder of temperatures from beta = 0 give u and the
marginals <s_i>, and thermodynamic integration of u along the ladder gives f with its error
(isingvi.freeenergy.thermodynamic_integration with tempering=True). On the enumerated
instances the same parallel-tempering reference is run too (method "pt"), with the same
sampling parameters, and checked against the exact answer: that is what makes it a reference.

For every temperature of the grid: naive mean field from several starts (all +, all -, random)
keeping the lowest F_MF (every start gives an upper bound, the lowest is the best one); TAP
started from that mean-field solution; loopy BP from zero messages (the fields break the
symmetry). Tidy output, one row per (T, method): f and its statistical error f_err (0 for the
deterministic solvers), the reference f_ref +- f_ref_err (error 0 when exact), f - f_ref,
marginal RMSE sqrt(mean_i (m_i - <s_i>)^2), convergence flag and iterations.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f5_instance")

import time  # noqa: E402

import isingvi as iv  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi.results import with_provenance, write_table  # noqa: E402

job = snakemake.params.job
threads = snakemake.threads
start = time.perf_counter()


def instance(job: dict) -> iv.Graph:
    """The disordered model of this job, drawn from the job's seed."""
    kind, seed = job["model"], job["seed"]
    if kind == "sk":
        model = iv.models.sk(job["N"], seed)
    elif kind == "ea":
        model = iv.models.edwards_anderson(job["L"], seed)
    elif kind == "rfim":
        model = iv.SquareLattice(job["L"])
    else:
        raise ValueError(f"model: unknown disordered model {kind!r}")
    if (
        job["field_sigma"] > 0
    ):  # a different stream from the couplings: derived, never the same seed
        model = iv.models.random_field(
            model, job["field_sigma"], iv.results.derive_seed(seed, "fields")
        )
    return iv.models.as_graph(model)


model = instance(job)
T = np.asarray(job["T"], dtype=float)
N = model.n
log.info(
    "%s disorder seed %d (seed %d): N=%d, %d edges, %d temperatures in [%g, %g]",
    job["model"],
    job["disorder"],
    job["seed"],
    N,
    len(model.couplings),
    len(T),
    T.min(),
    T.max(),
)

solver = dict(tol=job["tol"], max_iter=job["max_iter"], threads=threads)
starts = [
    iv.meanfield.solve(model, T, init=init, seed=job["seed"], **solver)
    for init in ("up", "down", "random")
]
best = np.argmin(np.stack([r.f for r in starts]), axis=0)  # per temperature, the tightest bound
mf_f = np.array([starts[b].f[k] for k, b in enumerate(best)])
mf_m = np.stack([starts[b].m[k] for k, b in enumerate(best)])
mf_conv = np.array([starts[b].converged[k] for k, b in enumerate(best)])
mf_iter = np.array([starts[b].n_iter[k] for k, b in enumerate(best)])

# TAP from the mean-field solution of the same temperature (one call per T: the starts differ).
tap = [
    iv.meanfield.solve(
        model, t, method="tap", update="parallel", damping=job["damping"], init=m0, **solver
    )
    for t, m0 in zip(T, mf_m)
]
bp = iv.bp.solve(
    model, T, damping=job["damping"], init="paramagnetic", tol=job["tol"], max_iter=job["max_iter"]
)
log.info("solvers: %.2f s", time.perf_counter() - start)

methods = {
    "mf": (mf_f, mf_m, mf_conv, mf_iter),
    "tap": (
        np.array([r.f[0] for r in tap]),
        np.stack([r.m[0] for r in tap]),
        np.array([r.converged[0] for r in tap]),
        np.array([r.n_iter[0] for r in tap]),
    ),
    "bp": (bp.f, bp.m, bp.converged, bp.n_iter),
}
spins = [f"marginal_{i}" for i in range(N)]
pt_kw = {key: job[key] for key in ("n_grid", "n_therm", "n_measure", "n_blocks")}
pt = iv.freeenergy.thermodynamic_integration(
    model,
    T,
    tempering=True,
    marginals=True,
    threads=threads,
    seed=iv.results.derive_seed(job["seed"], "tempering"),
    **pt_kw,
)
log.info(
    "parallel tempering + TI: %d temperatures, %d sweeps each, lowest swap acceptance %.3f (%.1f s)",
    pt_kw["n_grid"],
    pt_kw["n_therm"] + pt_kw["n_measure"],
    pt.swap_acceptance.iloc[0],
    time.perf_counter() - start,
)
zero = np.zeros(len(T))
pt_f, pt_err, pt_m = pt["f"].to_numpy(), pt["f_err"].to_numpy(), pt[spins].to_numpy()
if job["reference"] == "exact":
    exact = iv.exact.enumerate(model, T, marginals=True, threads=threads)
    ref_f, ref_err, ref_m = exact["f"].to_numpy(), zero, exact[spins].to_numpy()
    log.info(
        "enumeration (%.1f s): parallel tempering + TI vs exact: max |z| of f = %.2f, max |m_i - <s_i>| = %.3g",
        time.perf_counter() - start,
        np.abs((pt_f - ref_f) / pt_err).max(),
        np.abs(pt_m - ref_m).max(),
    )
    methods["pt"] = (pt_f, pt_m, np.ones(len(T), bool), np.full(len(T), pt_kw["n_measure"]))
else:
    ref_f, ref_err, ref_m = pt_f, pt_err, pt_m
rows = []
for method, (f, m, conv, n_iter) in methods.items():
    rows.append(
        pd.DataFrame(
            {
                "model": job["model"],
                "N": N,
                "L": job["L"],
                "disorder": job["disorder"],
                "seed": job["seed"],
                "T": T,
                "beta": 1.0 / T,
                "method": method,
                "reference": job["reference"],
                "f": f,
                "f_err": pt_err if method == "pt" else zero,
                "f_ref": ref_f,
                "f_ref_err": ref_err,
                "f_error": f - ref_f,
                "marginal_rmse": np.sqrt(np.mean((m - ref_m) ** 2, axis=1)),
                "converged": conv.astype(bool),
                "n_iter": n_iter,
                "field_sigma": job["field_sigma"],
                "damping": 0.0 if method in ("mf", "pt") else job["damping"],
                "tol": job["tol"],
                "max_iter": job["max_iter"],
                "swap_acceptance": pt["swap_acceptance"].iloc[0],
                **pt_kw,
            }
        )
    )
    bad = ~conv.astype(bool)
    log.info(
        "%-4s max |f - f_ref| = %.3g, max marginal RMSE = %.3g, %d/%d not converged",
        method,
        np.max(np.abs(f - ref_f)),
        rows[-1]["marginal_rmse"].max(),
        bad.sum(),
        len(T),
    )
table = pd.concat(rows, ignore_index=True)
# Gibbs-Bogoliubov: the mean-field free energy is an upper bound at every temperature (against a
# sampled reference, within 5 of its standard errors).
mf = table[table.method == "mf"]
slack = (mf.f_error + 5 * mf.f_ref_err).min()
assert slack >= -1e-12, (
    f"mean-field free energy below the reference by {-slack:g}: the bound is broken"
)

table = with_provenance(table, job, path=snakemake.scriptdir)
write_table(table, snakemake.output[0])
log.info(
    "wrote %d rows to %s (%.1f s)", len(table), snakemake.output[0], time.perf_counter() - start
)
