# F2's config checks, job parameters and resource estimates (f2.smk holds the rules).

F2 = config["f2"]
F2_GRID = temperature_grid(F2["temperatures"], "f2.temperatures")
F2_SIZES = [int(L) for L in F2["sizes"]]
F2_REPS = list(range(int(F2["replicates"])))


def check_f2(cfg) -> None:
    """Cross-key checks of the f2 section (the schema checks each key on its own)."""
    ti = cfg["ti"]
    if ti["n_measure"] < 2 * ti["n_blocks"]:
        raise ConfigError(
            f"config key f2.ti.n_measure: {ti['n_measure']} samples; need at least 2 * n_blocks = "
            f"{2 * ti['n_blocks']} for binning errors"
        )
    if cfg["ais"]["n_steps"] < len(F2_GRID):
        raise ConfigError(
            f"config key f2.ais.n_steps: the schedule must contain every grid temperature "
            f"({len(F2_GRID)}), got {cfg['ais']['n_steps']}"
        )


check_f2(F2)


def f2_variational_job(wildcards) -> dict:
    """Parameters of one mean-field / TAP / BP job (no randomness: every solver starts ordered)."""
    return job_params("f2", L=int(wildcards.L), T=F2_GRID, **F2["solver"])


def f2_sampling_job(wildcards) -> dict:
    """Parameters of one TI + AIS job (L, replicate)."""
    L, rep = int(wildcards.L), int(wildcards.rep)
    return job_params(
        "f2",
        seed_from=(L, rep),
        L=L,
        replicate=rep,
        T=F2_GRID,
        ti=dict(F2["ti"]),
        ais=dict(F2["ais"]),
    )


#: Threads of the variational and sampling jobs.
F2_THREADS = 2


def f2_variational_seconds(wildcards) -> float:
    """At most max_iter iterations of each solver at every T: ~0.9 us a spin for MF, TAP and BP
    together (BP most of it; measured at L = 32), x2 slack."""
    job = f2_variational_job(wildcards)
    return job["max_iter"] * len(job["T"]) * job["L"] ** 2 * 2e-6


def f2_variational_runtime(wildcards) -> str:
    return runtime(f2_variational_seconds(wildcards))


def f2_variational_mem_mb(wildcards) -> int:
    """Magnetisations and BP messages (4 a spin) at every T, a few copies, plus Python."""
    job = f2_variational_job(wildcards)
    return 1024 + math.ceil(len(job["T"]) * job["L"] ** 2 * 8 * 8 / 2**20)


def f2_sampling_seconds(wildcards, threads) -> float:
    """TI sweeps on the checkerboard kernel (~4 ns a spin, x5 slack) plus AIS sweeps on the
    graph kernel (~25 ns a spin, x3 slack)."""
    job = f2_sampling_job(wildcards)
    n = job["L"] ** 2
    ti = (
        (job["ti"]["n_grid"] + len(job["T"]))
        * (job["ti"]["n_therm"] + job["ti"]["n_measure"])
        * n
        * 20e-9
    )
    ais = job["ais"]["n_steps"] * job["ais"]["n_sweeps"] * job["ais"]["n_chains"] * n * 75e-9
    return (ti + ais) / threads


def f2_sampling_runtime(wildcards, threads) -> str:
    return runtime(f2_sampling_seconds(wildcards, threads))


def f2_sampling_mem_mb(wildcards, threads=F2_THREADS) -> int:
    """TI's E and M series at every MC temperature (16 bytes a sample, a few copies), a chain
    per thread, AIS's chains, plus Python."""
    job = f2_sampling_job(wildcards)
    n = job["L"] ** 2
    series = (job["ti"]["n_grid"] + len(job["T"])) * job["ti"]["n_measure"] * 16 * 4
    chains = (threads + job["ais"]["n_chains"]) * n * CHAIN_BYTES_PER_SPIN
    return 1024 + math.ceil((series + chains) / 2**20)


#: The methods of each F2 job kind (one row per method and temperature) and the columns every row fills.
F2_VARIATIONAL_METHODS = ("mf", "tap", "bethe")
F2_SAMPLING_METHODS = ("ti", "ais")
F2_COLUMNS = ("T", "method", "f", "f_err", "f_exact", "f_error")


def f2_variational_table(wildcards) -> dict:
    """What a variational job's table holds: a row per method and temperature."""
    job = f2_variational_job(wildcards)
    return table_spec(
        job,
        rows=len(F2_VARIATIONAL_METHODS) * len(job["T"]),
        columns=F2_COLUMNS,
        keys=("L",),
    )


def f2_sampling_table(wildcards) -> dict:
    """What a TI + AIS job's table holds: a row per method and temperature."""
    job = f2_sampling_job(wildcards)
    return table_spec(
        job,
        rows=len(F2_SAMPLING_METHODS) * len(job["T"]),
        columns=F2_COLUMNS,
        keys=("L", "replicate"),
    )


def f2_lines_job() -> dict:
    """Parameters of the exact / infinite-lattice lines (no randomness)."""
    return job_params(
        "f2",
        sizes=F2_SIZES,
        T_min=F2_GRID[0],
        T_max=F2_GRID[-1],
        n_points=int(F2["n_line_points"]),
    )


def check_f2_job_sizes() -> None:
    """Every variational and sampling job within what one job may use, before any job starts."""
    for L in F2_SIZES:
        wc = types.SimpleNamespace(L=str(L), rep="0")
        size = f"f2.sizes (L = {L})"
        check_job_size(
            (size, "f2.solver.max_iter", "f2.temperatures"),
            f"f2_variational L={L}",
            f2_variational_mem_mb(wc),
            f2_variational_seconds(wc),
        )
        keys = (
            size,
            "f2.ti.n_measure",
            "f2.ti.n_therm",
            "f2.ti.n_grid",
            "f2.ais",
            "f2.temperatures",
        )
        check_job_size(
            keys,
            f"f2_sampling L={L}",
            f2_sampling_mem_mb(wc),
            f2_sampling_seconds(wc, F2_THREADS),
        )


check_f2_job_sizes()


def f2_neural_tables(wildcards) -> list[str]:
    """F9's lattice VAN tables, when F9's L is one of F2's sizes (F9's rules define them)."""
    lattice = [p for p in F9_VAN_TABLES if os.path.basename(p).startswith("lattice_")]
    return lattice if F9_MODELS["lattice"]["L"] in F2_SIZES else []


def f2_neural_rows(paths):
    """F9's lattice rows in F2's form: method "van" (F_q) and "nis" (f_K at the largest K)."""
    import pandas as pd

    if not paths:
        return pd.DataFrame()
    df = pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)
    df = df[(df.method == "van") | (df.K == df.K.max())].copy()
    df["L"] = float(F9_MODELS["lattice"]["L"])
    df["f_error"] = df["f"] - df["f_exact"]
    return df
