"""F10 job: one temperature. Wolff samples of the L x L torus, thinned (``every`` sweeps apart)
and each multiplied by a random global sign, so that train and test sets are independent draws
of the symmetric Boltzmann distribution (below T_c a Wolff cluster flips most of the lattice,
and consecutive samples would otherwise share their sign). A MADE (exact ln q) and a VAE are
fitted to the training half; on the held-out half, per spin in nats with binning errors: the
MADE cross-entropy, -ELBO and -IWAE_K of the VAE. Exact s(T) from Kaufman in every row.
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f10_fit")

import time  # noqa: E402

import isingvi as iv  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi.analysis import binned_mean  # noqa: E402
from isingvi.results import derive_seed, with_provenance, write_table  # noqa: E402

job = snakemake.params.job
L, T, s = job["L"], job["T"], job["sampling"]
n = L * L
start = time.perf_counter()
mc = iv.mc.run(
    iv.SquareLattice(L),
    T,
    algorithm="wolff",
    n_therm=s["n_therm"],
    n_measure=(s["n_train"] + s["n_test"]) * s["every"],
    every=s["every"],
    seed=job["seed"],
    init="random",
    save_configs=True,
)
X = iv.mc.random_global_flip(mc.configs[0], derive_seed(job["seed"], "flips"))
m_sign = np.sign(X.sum(axis=1) + 0.5)
lag1 = float(np.corrcoef(m_sign[:-1], m_sign[1:])[0, 1]) if m_sign.std() > 0 else 0.0
log.info(
    "L=%d T=%g: %d + %d samples every %d Wolff sweeps (%.1f s); lag-1 sign autocorrelation %.3f",
    L,
    T,
    s["n_train"],
    s["n_test"],
    s["every"],
    time.perf_counter() - start,
    lag1,
)
train, test = X[: s["n_train"]], X[s["n_train"] :]
s_exact = float(iv.exact.kaufman(L, T)["s"].iloc[0])

made = iv.neural.MADE(random_state=derive_seed(job["seed"], "made"), **job["made"]).fit(train)
vae = iv.neural.VAE(random_state=derive_seed(job["seed"], "vae"), **job["vae"]).fit(train)
log.info("fitted MADE and VAE (%.1f s)", time.perf_counter() - start)

per_sample = {
    ("made", 0): -made.score_samples(test) / n,
    ("elbo", 1): -vae.elbo(test, per_sample=True, seed=1),
}
for K in job["K"]:
    per_sample[("iwae", K)] = -vae.iwae(test, K, per_sample=True, seed=K)
rows = []
for (method, K), values in per_sample.items():
    value, err = binned_mean(values, job["n_blocks"])
    rows.append({"method": method, "K": K, "value": value, "err": err})
    log.info(
        "%-4s K=%5d: %.5f +- %.5f nats/spin (s = %.5f, z = %+.1f)",
        method,
        K,
        value,
        err,
        s_exact,
        (value - s_exact) / err,
    )
table = pd.DataFrame(rows).assign(
    L=L,
    T=T,
    s_exact=s_exact,
    sign_lag1=lag1,
    n_train=s["n_train"],
    n_test=s["n_test"],
    every=s["every"],
    n_blocks=job["n_blocks"],
)
write_table(with_provenance(table, job, path=snakemake.scriptdir), snakemake.output[0])
log.info("wrote %d rows (%.1f s in all)", len(table), time.perf_counter() - start)
