# F7's config checks, job parameters and resource estimates (f7.smk holds the rules).

#: Largest L whose exact entropy is computed by enumeration (2^(L^2) states); Kaufman above.
F7_ENUMERATE_MAX_L = 5


def check_f7(cfg) -> None:
    """Cross-key checks of the f7 section (the schema checks each key on its own)."""
    sampling = cfg["sampling"]
    if max(cfg["components"]) > sampling["n_train"]:
        raise ConfigError(
            f"config key f7.components: K = {max(cfg['components'])} exceeds "
            f"f7.sampling.n_train = {sampling['n_train']}"
        )
    if sampling["n_test"] < 2 * cfg["n_blocks"]:
        raise ConfigError(
            f"config key f7.sampling.n_test: {sampling['n_test']} held-out samples; need at least "
            f"2 * n_blocks = {2 * cfg['n_blocks']} for binning errors"
        )
    temperature_grid(
        cfg["temperatures"], "f7.temperatures"
    )  # raises naming the range if one is reversed


check_f7(config["f7"])

F7 = config["f7"]
F7_SIZES = [int(L) for L in F7["sizes"]]
F7_REPS = list(range(int(F7["replicates"])))
F7_GRID = temperature_grid(F7["temperatures"], "f7.temperatures")


def f7_job(wildcards) -> dict:
    """Everything that defines one (L, replicate) job (params, hashed into config_hash)."""
    L, rep = int(wildcards.L), int(wildcards.rep)
    sampling = F7["sampling"]
    return job_params(
        "f7",
        seed_from=(L, "wolff", rep),
        L=L,
        replicate=rep,
        em_seed=derive_seed(MASTER_SEED, "f7", L, "em", rep),
        T=F7_GRID,
        n_therm=int(sampling["n_therm"]),
        n_train=int(sampling["n_train"]),
        n_test=int(sampling["n_test"]),
        every=int(sampling["every"]),
        components=[int(k) for k in F7["components"]],
        em=dict(F7["em"]),
        n_blocks=int(F7["n_blocks"]),
        exact="enumerate" if L <= F7_ENUMERATE_MAX_L else "kaufman",
    )


#: Columns of a fit table that every row fills (besides its provenance).
F7_COLUMNS = (
    "T",
    "K",
    "s_exact",
    "cross_entropy",
    "cross_entropy_err",
    "neg_elbo_hard",
    "neg_elbo_hard_err",
    "hard_gap",
    "hard_gap_err",
)


def f7_table(wildcards) -> dict:
    """What a fit job's table holds: a row per (T, K), its L, replicate and EM seed in each."""
    job = f7_job(wildcards)
    return table_spec(
        job,
        rows=len(job["T"]) * len(job["components"]),
        columns=F7_COLUMNS,
        keys=("L", "replicate", "em_seed"),
    )


def f7_exact_job() -> dict:
    """Everything that defines the exact-entropy table."""
    return job_params(
        "f7",
        sizes=F7_SIZES,
        enumerate_max_L=F7_ENUMERATE_MAX_L,
        T_min=F7_GRID[0],
        T_max=F7_GRID[-1],
        n_points=int(F7["exact"]["n_points"]),
    )


def f7_seconds(wildcards, threads) -> float:
    """Wolff sampling plus EM, cost ~ n * K * N * iterations * n_init (x3 margin)."""
    job = f7_job(wildcards)
    N, n_T = job["L"] ** 2, len(job["T"])
    samples = job["n_train"] + job["n_test"]
    mc = n_T * (job["n_therm"] + samples * job["every"]) * N * 100e-9
    em = (
        n_T
        * job["n_train"]
        * sum(job["components"])
        * N
        * job["em"]["max_iter"]
        * job["em"]["n_init"]
        * 2e-9
    )
    return 3 * (mc + em) / threads


def f7_runtime(wildcards, threads) -> str:
    """Wall-time request from f7_seconds."""
    return runtime(f7_seconds(wildcards, threads))


def f7_mem_mb(wildcards) -> int:
    """Memory request: the saved configurations (1 byte a spin, a few copies) plus Python."""
    job = f7_job(wildcards)
    configs = len(job["T"]) * (job["n_train"] + job["n_test"]) * job["L"] ** 2
    return 768 + math.ceil(8 * configs / 2**20)


def check_f7_job_sizes() -> None:
    """Every fit job within what one job may use (check_job_size), before any job starts."""
    for L in F7_SIZES:
        wc = types.SimpleNamespace(L=str(L), rep="0")
        keys = (
            f"f7.sizes (L = {L})",
            "f7.sampling",
            "f7.components",
            "f7.em",
            "f7.temperatures",
        )
        check_job_size(keys, f"f7_fit L={L}", f7_mem_mb(wc), f7_seconds(wc, 1))


check_f7_job_sizes()
