"""F9 job: one variational autoregressive network, one model, one beta.

Rows: the bound F_q per spin ("van", from fresh samples) and, for every K, neural
importance sampling f_K ("nis"), each against the exact f of the same model; the training
trace (F_q per step, at the step's annealed beta) goes to a second table.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f9_van")

import sys  # noqa: E402
import time  # noqa: E402

import isingvi as iv  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi.results import with_provenance, write_table  # noqa: E402

sys.path.insert(0, snakemake.scriptdir)
from f9_model import build, exact_free_energy  # noqa: E402

job = snakemake.params.job
van, imp = job["van"], job["importance"]
beta = job["beta"]
T = 1.0 / beta
model, n = build(job["spec"])
start = time.perf_counter()
log.info("%s (N = %d) at beta = %g: VAN %s, seed %d", job["model"], n, beta, van, job["seed"])
r = iv.neural.van(model, T, seed=job["seed"], threads=1, **van)
f_exact = float(exact_free_energy(job["spec"], model, [T])[0])
q = r.table().iloc[0]
log.info(
    "trained in %.1f s: f_q = %.7f +- %.2g, exact %.7f, rel error %.2e",
    time.perf_counter() - start,
    q["f_q"],
    q["f_q_err"],
    f_exact,
    abs(q["f_q"] - f_exact) / abs(f_exact),
)
rows = [{"method": "van", "K": 0, "f": q["f_q"], "f_err": q["f_q_err"], "ess": float("nan")}]
nis = r.importance(K=imp["K"], n_repeats=imp["n_repeats"], seed=job["seed"])
for _, row in nis.iterrows():
    rows.append(
        {
            "method": "nis",
            "K": int(row["K"]),
            "f": row["f_K"],
            "f_err": row["f_K_err"],
            "ess": row["ess"],
        }
    )
    log.info(
        "K = %d: f_K = %.7f +- %.2g (z = %+.2f), ess %.1f",
        row["K"],
        row["f_K"],
        row["f_K_err"],
        (row["f_K"] - f_exact) / row["f_K_err"],
        row["ess"],
    )
table = pd.DataFrame(rows).assign(model=job["model"], beta=beta, T=T, n_spins=n, f_exact=f_exact)
table["rel_error"] = (table["f"] - f_exact).abs() / abs(f_exact)
table["replicate"] = 0
for key in ("n_steps", "batch_size", "width", "depth", "lr", "anneal", "n_eval"):
    table[key] = van[key]
table["z2"] = bool(r.settings["z2"])
table["n_repeats"] = imp["n_repeats"]
write_table(with_provenance(table, job, path=snakemake.scriptdir), snakemake.output.table)

trace = (
    r.trace.rename(columns={"beta": "beta_step"})
    .drop(columns="T")
    .assign(model=job["model"], beta=beta)
)
write_table(with_provenance(trace, job, path=snakemake.scriptdir), snakemake.output.trace)
log.info(
    "wrote %d rows and a %d-step trace (%.1f s in all)",
    len(table),
    len(trace),
    time.perf_counter() - start,
)
