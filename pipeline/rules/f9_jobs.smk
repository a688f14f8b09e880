# F9's config checks, job parameters and resource estimates (f9.smk holds the rules).

F9 = config["f9"]
#: model name -> the parameters that build it (scripts: isingvi.neural.van's model).
F9_MODELS = {
    "lattice": {"kind": "square", "L": int(F9["lattice"]["L"])},
    "sk": {
        "kind": "sk",
        "N": int(F9["sk"]["N"]),
        "disorder_seed": int(F9["sk"]["disorder_seed"]),
    },
}
F9_BETAS = {
    "lattice": [float(b) for b in F9["lattice"]["betas"]],
    "sk": [float(b) for b in F9["sk"]["betas"]],
}
#: The rows of one VAN job: F_q, and f_K for every K.
F9_VAN_ROWS = 1 + len(F9["importance"]["K"])
F9_COLUMNS = ("model", "beta", "T", "method", "K", "f", "f_err", "f_exact", "rel_error")


def check_f9(cfg) -> None:
    """Cross-key checks of the f9 section (the schema checks each key on its own)."""
    if float(cfg["trace_beta"]) not in F9_BETAS["lattice"]:
        raise ConfigError(
            f"config key f9.trace_beta: must be one of f9.lattice.betas {F9_BETAS['lattice']}, "
            f"got {cfg['trace_beta']}"
        )


check_f9(F9)


def f9_n_spins(model: str) -> int:
    spec = F9_MODELS[model]
    return spec["L"] ** 2 if spec["kind"] == "square" else spec["N"]


def f9_van_job(wildcards) -> dict:
    """One network: a model at one beta; training, evaluation and importance sampling."""
    model, beta = wildcards.model, float(wildcards.beta)
    return job_params(
        "f9",
        seed_from=(model, beta),
        model=model,
        spec=F9_MODELS[model],
        beta=beta,
        van=dict(F9["van"]),
        importance=dict(F9["importance"]),
    )


def f9_reference_job(wildcards) -> dict:
    """Exact f and the deterministic solvers (mean field, TAP, Bethe) of one model at every beta."""
    model = wildcards.model
    return job_params(
        "f9",
        seed_from=(model,),
        model=model,
        spec=F9_MODELS[model],
        betas=F9_BETAS[model],
        **F9["solver"],
    )


def f9_van_seconds(wildcards) -> float:
    """A training step costs about batch x N x (width + N) x 30 ns (sampling with the cache,
    then ln q and its gradient; one XLA thread), x2 slack; importance sampling about the same
    per sample; plus ~30 s of compilation."""
    job = f9_van_job(wildcards)
    n, van = f9_n_spins(job["model"]), job["van"]
    per_sample = n * (van["width"] * van["depth"] + n) * 30e-9
    samples = (
        van["n_steps"] * van["batch_size"]
        + van["n_eval"]
        + sum(job["importance"]["K"]) * job["importance"]["n_repeats"]
    )
    return 30 + 2 * samples * per_sample


def f9_van_runtime(wildcards) -> str:
    return runtime(f9_van_seconds(wildcards))


def f9_van_mem_mb(wildcards) -> int:
    """JAX and XLA (~1 GiB), the network and Adam's moments (x4), one chunk of 4096 samples."""
    job = f9_van_job(wildcards)
    n, van = f9_n_spins(job["model"]), job["van"]
    params = n * n + (van["depth"] + 1) * van["width"] * max(n, van["width"])
    batch = max(van["batch_size"], 4096) * (n + van["width"] * van["depth"]) * 4 * 8
    return 1536 + math.ceil((16 * params + batch) / 2**20)


def f9_van_table(wildcards) -> dict:
    return table_spec(
        f9_van_job(wildcards),
        rows=F9_VAN_ROWS,
        columns=F9_COLUMNS,
        keys=("model", "beta"),
    )


def f9_trace_table(wildcards) -> dict:
    job = f9_van_job(wildcards)
    return table_spec(
        job,
        rows=job["van"]["n_steps"],
        columns=("step", "beta_step", "f_q", "f_q_err"),
        keys=("model", "beta"),
    )


def f9_reference_table(wildcards) -> dict:
    job = f9_reference_job(wildcards)
    return table_spec(
        job,
        rows=4 * len(job["betas"]),
        columns=F9_COLUMNS[:4] + F9_COLUMNS[5:],
        keys=("model",),
    )


def check_f9_job_sizes() -> None:
    for model, betas in F9_BETAS.items():
        for beta in betas:
            wc = types.SimpleNamespace(model=model, beta=str(beta))
            check_job_size(
                ["f9.van", "f9.importance", f"f9.{model}"],
                f"f9_van {model} beta={beta}",
                f9_van_mem_mb(wc),
                f9_van_seconds(wc),
            )


check_f9_job_sizes()
