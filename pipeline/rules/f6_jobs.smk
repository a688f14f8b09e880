# F6's config checks and job parameters (f6.smk holds the rules).


def check_f6(cfg) -> None:
    """Cross-key checks of the f6 section (the schema checks each key on its own)."""
    if cfg["n_components"] > cfg["n_samples"]:
        raise ConfigError(
            f"config key f6.n_components: must be <= f6.n_samples ({cfg['n_samples']}), got {cfg['n_components']}"
        )


check_f6(config["f6"])

F6 = config["f6"]


def f6_job() -> dict:
    """Everything that defines the F6 job (params, hashed into config_hash)."""
    return job_params(
        "f6",
        seed_from=("data",),
        restart_seeds=[
            derive_seed(MASTER_SEED, "f6", "restart", r) for r in range(int(F6["restarts"]))
        ],
        **{
            key: F6[key]
            for key in (
                "n_samples",
                "mixture",
                "n_components",
                "covariance_type",
                "max_iter",
            )
        },
        restarts=int(F6["restarts"]),
        tol=float(F6["tol"]),
        reg_covar=float(F6["reg_covar"]),
    )


def f6_seconds() -> float:
    """Every restart, both libraries, at most max_iter iterations: ~0.75 us per sample, component
    and iteration for the two together (measured at n = 100000, K = 4), x2.5 slack."""
    job = f6_job()
    return job["restarts"] * job["max_iter"] * job["n_samples"] * job["n_components"] * 2e-6


def f6_mem_mb() -> int:
    """The data and the responsibilities (n x (2 + K) floats, a few copies in each library), plus Python."""
    job = f6_job()
    return 1024 + math.ceil(job["n_samples"] * (2 + job["n_components"]) * 8 * 8 / 2**20)


check_job_size(
    ("f6.n_samples", "f6.n_components", "f6.max_iter", "f6.restarts"),
    "f6_em",
    f6_mem_mb(),
    f6_seconds(),
)
