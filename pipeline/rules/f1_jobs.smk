# F1's config checks, job parameters and resource estimates (f1.smk holds the rules).

F1 = config["f1"]
F1_GRID = temperature_grid(F1["temperatures"], "f1.temperatures")
F1_SIZES = [int(L) for L in F1["sizes"]]
F1_ALGORITHMS = list(F1["algorithms"])
F1_REPS = list(range(int(F1["replicates"])))
#: Threads per MC job: temperatures are sampled in parallel inside the core (results do not
#: depend on it). Snakemake lowers it to --cores when fewer; profiles may --set-threads.
F1_MC_THREADS = 2


def check_f1(cfg) -> None:
    """Cross-key checks of the f1 section (the schema checks each key on its own)."""
    for name, alg in cfg["algorithms"].items():
        key = f"f1.algorithms.{name}"
        if alg["T_min"] > alg["T_max"]:
            raise ConfigError(
                f"config key {key}.T_min: must be <= T_max ({alg['T_max']}), got {alg['T_min']}"
            )
        if not any(alg["T_min"] <= t <= alg["T_max"] for t in F1_GRID):
            raise ConfigError(
                f"config key {key}: no grid temperature lies in [T_min, T_max] = [{alg['T_min']}, {alg['T_max']}]"
            )
        if alg["n_measure"] // alg["every"] < 2 * cfg["n_blocks"]:
            raise ConfigError(
                f"config key {key}.n_measure: n_measure // every = {alg['n_measure'] // alg['every']} samples; "
                f"need at least 2 * n_blocks = {2 * cfg['n_blocks']} for binning errors"
            )


check_f1(F1)


def f1_temperatures(algorithm: str) -> list[float]:
    """The grid temperatures sampled by ``algorithm``."""
    alg = F1["algorithms"][algorithm]
    return [t for t in F1_GRID if alg["T_min"] <= t <= alg["T_max"]]


def f1_mc_job(wildcards) -> dict:
    """Parameters of one MC job (L, algorithm, replicate)."""
    alg = F1["algorithms"][wildcards.algorithm]
    L, rep = int(wildcards.L), int(wildcards.rep)
    return job_params(
        "f1",
        seed_from=(L, wildcards.algorithm, rep),
        L=L,
        algorithm=wildcards.algorithm,
        replicate=rep,
        T=f1_temperatures(wildcards.algorithm),
        n_therm=int(alg["n_therm"]),
        n_measure=int(alg["n_measure"]),
        every=int(alg["every"]),
        init=alg["init"],
        n_blocks=int(F1["n_blocks"]),
    )


# Cost model of the core (measured on one 2020s x86 core, with a safety factor of about 3):
# seconds per spin-sweep by algorithm. Wolff sweeps flip >= N spins in clusters.
_NS_PER_SPIN_SWEEP = {"metropolis": 25e-9, "heatbath": 35e-9, "wolff": 100e-9}


def f1_mc_seconds(wildcards, threads) -> float:
    job = f1_mc_job(wildcards)
    sweeps = len(job["T"]) * (job["n_therm"] + job["n_measure"])
    return sweeps * job["L"] ** 2 * _NS_PER_SPIN_SWEEP[job["algorithm"]] / threads


def f1_mc_runtime(wildcards, threads) -> str:
    return runtime(f1_mc_seconds(wildcards, threads))


def f1_mc_mem_mb(wildcards, threads=F1_MC_THREADS) -> int:
    """The E and M series (16 bytes a sample, a few copies), a chain per thread, plus Python and pandas."""
    job = f1_mc_job(wildcards)
    samples = len(job["T"]) * (job["n_measure"] // job["every"])
    chains = min(threads, len(job["T"])) * job["L"] ** 2 * CHAIN_BYTES_PER_SPIN
    return 512 + math.ceil((samples * 16 * 4 + chains) / 2**20)


#: Columns of an MC table that every row fills (besides its provenance).
F1_MC_COLUMNS = (
    "T",
    "u",
    "u_err",
    "c",
    "c_err",
    "abs_m",
    "abs_m_err",
    "chi",
    "chi_err",
)


def f1_mc_table(wildcards) -> dict:
    """What an MC job's table holds: a row per temperature of its algorithm, its L, algorithm
    and replicate in each."""
    job = f1_mc_job(wildcards)
    return table_spec(
        job,
        rows=len(job["T"]),
        columns=F1_MC_COLUMNS,
        keys=("L", "algorithm", "replicate"),
    )


def f1_exact_job() -> dict:
    """Parameters of the exact job (no randomness: seed 0)."""
    return job_params(
        "f1",
        sizes=F1_SIZES,
        T_min=F1_GRID[0],
        T_max=F1_GRID[-1],
        n_points=int(F1["exact"]["n_points"]),
    )


def check_f1_job_sizes() -> None:
    """Every MC job within what one job may use (check_job_size), before any job starts."""
    for L, name in itertools.product(F1_SIZES, F1_ALGORITHMS):
        wc = types.SimpleNamespace(L=str(L), algorithm=name, rep="0")
        alg = f"f1.algorithms.{name}"
        keys = (
            f"f1.sizes (L = {L})",
            f"{alg}.n_measure",
            f"{alg}.n_therm",
            f"{alg}.every",
            "f1.temperatures",
        )
        check_job_size(
            keys,
            f"f1_mc L={L} {name}",
            f1_mc_mem_mb(wc),
            f1_mc_seconds(wc, F1_MC_THREADS),
        )


check_f1_job_sizes()
