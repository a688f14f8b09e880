"""F6 job: EM for a Gaussian mixture on synthetic 2-D data, several random starts.

Each restart starts isingvi's and scikit-learn's EM from the same parameters (K distinct data
points as means, equal weights, the data's covariance), so their final ln p(x) must agree.
Writes two tidy tables: ``traces`` (one row per restart and iteration: ln p(x), ELBO after
the E-step, ELBO after the M-step, KL gap; nats per data point) and ``restarts`` (one row per
restart: final ln p(x) of both libraries, iterations, convergence, whether the restart stopped
at max_iter, ln p under the true mixture).
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f6_em")

import time  # noqa: E402
import warnings  # noqa: E402

import isingvi as iv  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from isingvi.results import with_provenance, write_table  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.mixture import GaussianMixture as SkGaussianMixture  # noqa: E402

job = snakemake.params.job
start = time.perf_counter()


def true_mixture(components) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights (normalised), means and covariance matrices of the configured mixture."""
    w = np.array([c["weight"] for c in components], dtype=float)
    mu = np.array([c["mean"] for c in components], dtype=float)
    cov = np.array(
        [
            [
                [c["std"][0] ** 2, c["corr"] * c["std"][0] * c["std"][1]],
                [c["corr"] * c["std"][0] * c["std"][1], c["std"][1] ** 2],
            ]
            for c in components
        ]
    )
    return w / w.sum(), mu, cov


def log_density(X, w, mu, cov) -> np.ndarray:
    """ln p(x_i) of a Gaussian mixture, by log-sum-exp over components."""
    terms = []
    for wk, mk, ck in zip(w, mu, cov):
        chol = np.linalg.cholesky(ck)
        z = np.linalg.solve(chol, (X - mk).T)
        logdet = 2 * np.log(np.diag(chol)).sum()
        terms.append(
            np.log(wk)
            - 0.5 * (z**2).sum(axis=0)
            - 0.5 * logdet
            - 0.5 * X.shape[1] * np.log(2 * np.pi)
        )
    terms = np.array(terms)
    top = terms.max(axis=0)
    return top + np.log(np.exp(terms - top).sum(axis=0))


# --- the data set ----------------------------------------------------------------------------
w, mu, cov = true_mixture(job["mixture"])
rng = np.random.default_rng(job["seed"])
labels = rng.choice(len(w), size=job["n_samples"], p=w)
X = mu[labels] + np.einsum(
    "nij,nj->ni", np.linalg.cholesky(cov)[labels], rng.standard_normal((job["n_samples"], 2))
)
true_ll = float(log_density(X, w, mu, cov).mean())
K, ctype = job["n_components"], job["covariance_type"]
log.info(
    "data: n=%d points from a %d-component 2-D mixture (seed %d); ln p(x)/n under the true mixture = %.6f",
    len(X),
    len(w),
    job["seed"],
    true_ll,
)
log.info(
    "fit: K=%d %s, %d restarts, max_iter=%d tol=%g reg_covar=%g",
    K,
    ctype,
    job["restarts"],
    job["max_iter"],
    job["tol"],
    job["reg_covar"],
)

data_cov = np.cov(X, rowvar=False)
start_precision = np.linalg.inv(data_cov) if ctype == "full" else 1.0 / np.diag(data_cov)

traces, rows = [], []
for r, seed in enumerate(job["restart_seeds"]):
    init = {
        "weights_init": np.full(K, 1.0 / K),
        "means_init": X[np.random.default_rng(seed).choice(len(X), size=K, replace=False)],
        "precisions_init": np.broadcast_to(start_precision, (K, *start_precision.shape)).copy(),
    }
    common = dict(
        n_components=K,
        covariance_type=ctype,
        tol=job["tol"],
        reg_covar=job["reg_covar"],
        max_iter=job["max_iter"],
        n_init=1,
        **init,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # recorded in the table instead
        ours = iv.em.GaussianMixture(**common, random_state=seed).fit(X)
        sk = SkGaussianMixture(**common, random_state=seed % 2**32).fit(X)
    tr = ours.trace_.copy()
    tr["restart"] = r
    tr.insert(1, "restart_seed", seed)
    traces.append(tr)
    rows.append(
        {
            "restart": r,
            "restart_seed": seed,
            "n_iter": ours.n_iter_,
            "converged": ours.converged_,
            "max_iter": job["max_iter"],
            # stopped by the iteration cap, not by tol (n_iter_ counts the M-steps)
            "hit_max_iter": ours.n_iter_ == job["max_iter"] and not ours.converged_,
            "log_likelihood": ours.log_likelihood_,
            "sklearn_log_likelihood": float(sk.score(X)),
            "sklearn_n_iter": int(sk.n_iter_),
            "sklearn_converged": bool(sk.converged_),
            "true_log_likelihood": true_ll,
            "n_samples": len(X),
            "n_components": K,
        }
    )

traces = pd.concat(traces, ignore_index=True)
restarts = pd.DataFrame(rows)
restarts["best"] = restarts.index == restarts.log_likelihood.idxmax()

# --- checks (the ELBO identities ln p = ELBO + KL, and scikit-learn) ---------------------------
ll_next = traces.groupby("restart").log_likelihood.shift(-1)
log.info(
    "check ELBO after the E-step == ln p(x): max |elbo_e - log_likelihood| = %.2e",
    (traces.elbo_e - traces.log_likelihood).abs().max(),
)
log.info(
    "check KL gap >= 0: min kl_gap = %.2e (over %d iterations)", traces.kl_gap.min(), len(traces)
)
log.info(
    "check ln p(x | theta_new) = elbo_m + kl_gap: max deviation = %.2e",
    (ll_next - traces.elbo_m - traces.kl_gap).abs().max(),
)
log.info(
    "check ln p(x) never decreases: smallest change between iterations = %+.2e (reg_covar allows ~reg_covar)",
    traces.groupby("restart").log_likelihood.diff().min(),
)
for row in restarts.itertuples():
    log.info(
        "restart %d: isingvi ln p(x)/n = %.10f (%d iterations, converged %s%s); scikit-learn %.10f "
        "(%d, %s); difference %.1e",
        row.restart,
        row.log_likelihood,
        row.n_iter,
        row.converged,
        ", stopped at max_iter" if row.hit_max_iter else "",
        row.sklearn_log_likelihood,
        row.sklearn_n_iter,
        row.sklearn_converged,
        row.log_likelihood - row.sklearn_log_likelihood,
    )
log.info(
    "check isingvi vs scikit-learn from identical starts: max |difference| = %.2e",
    (restarts.log_likelihood - restarts.sklearn_log_likelihood).abs().max(),
)

for table, path in ((traces, snakemake.output.traces), (restarts, snakemake.output.restarts)):
    table = with_provenance(table, job, path=snakemake.scriptdir)
    write_table(table, path)
    log.info("wrote %d rows to %s", len(table), path)
log.info("done in %.1f s", time.perf_counter() - start)
