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
        restart_seeds=[derive_seed(MASTER_SEED, "f6", "restart", r) for r in range(int(F6["restarts"]))],
        **{key: F6[key] for key in ("n_samples", "mixture", "n_components", "covariance_type", "max_iter")},
        restarts=int(F6["restarts"]),
        tol=float(F6["tol"]),
        reg_covar=float(F6["reg_covar"]),
    )
