# F10's config checks, job parameters and resource estimates (f10.smk holds the rules).

F10 = config["f10"]
F10_TEMPERATURES = [float(T) for T in F10["temperatures"]]
#: Rows of one job: the MADE cross-entropy, -ELBO, and -IWAE_K for every K.
F10_ROWS = 2 + len(F10["K"])
F10_COLUMNS = ("T", "method", "K", "value", "err", "s_exact")


def check_f10(cfg) -> None:
    """Cross-key checks of the f10 section (the schema checks each key on its own)."""
    if float(cfg["critical_T"]) not in F10_TEMPERATURES:
        raise ConfigError(
            f"config key f10.critical_T: must be one of f10.temperatures {F10_TEMPERATURES}, "
            f"got {cfg['critical_T']}"
        )
    if cfg["sampling"]["n_test"] < 2 * cfg["n_blocks"]:
        raise ConfigError(
            f"config key f10.sampling.n_test: {cfg['sampling']['n_test']} held-out samples; need at "
            f"least 2 * n_blocks = {2 * cfg['n_blocks']} for binning errors"
        )


check_f10(F10)


def f10_job(wildcards) -> dict:
    """One temperature: sampling, both fits, every bound."""
    T = float(wildcards.T)
    return job_params(
        "f10",
        seed_from=(F10["L"], T),
        L=int(F10["L"]),
        T=T,
        sampling=dict(F10["sampling"]),
        made=dict(F10["made"]),
        vae=dict(F10["vae"]),
        K=[int(k) for k in F10["K"]],
        n_blocks=int(F10["n_blocks"]),
    )


def f10_seconds(wildcards) -> float:
    """Wolff sampling (~50 ns a flipped spin), MADE and VAE epochs (~N x hidden x 40 ns a
    sample, x3 for the gradient), IWAE_K on the test set; ~30 s of compilation; x2 slack.
    """
    job = f10_job(wildcards)
    n, s = job["L"] ** 2, job["sampling"]
    sampling = (s["n_therm"] + (s["n_train"] + s["n_test"]) * s["every"]) * n * 50e-9
    made = job["made"]["n_epochs"] * s["n_train"] * n * (job["made"]["hidden"] + n) * 120e-9
    vae = job["vae"]["n_epochs"] * s["n_train"] * n * job["vae"]["hidden"] * 120e-9
    iwae = sum(job["K"]) * s["n_test"] * n * job["vae"]["hidden"] * 40e-9
    return 30 + 2 * (sampling + made + vae + iwae)


def f10_runtime(wildcards) -> str:
    return runtime(f10_seconds(wildcards))


def f10_mem_mb(wildcards) -> int:
    """JAX (~1.5 GiB), the saved configurations (a byte a spin), a chunk of 2^16 latent draws."""
    job = f10_job(wildcards)
    n, s = job["L"] ** 2, job["sampling"]
    configs = (s["n_train"] + s["n_test"]) * n * 8
    draws = 2**16 * (n + 2 * job["vae"]["hidden"]) * 4 * 4
    return 1536 + math.ceil((configs + draws) / 2**20)


def f10_table(wildcards) -> dict:
    return table_spec(f10_job(wildcards), rows=F10_ROWS, columns=F10_COLUMNS, keys=("L", "T"))


def check_f10_job_sizes() -> None:
    for T in F10_TEMPERATURES:
        wc = types.SimpleNamespace(T=str(T))
        check_job_size(
            ["f10.L", "f10.sampling", "f10.made", "f10.vae", "f10.K"],
            f"f10_fit T={T}",
            f10_mem_mb(wc),
            f10_seconds(wc),
        )


check_f10_job_sizes()
