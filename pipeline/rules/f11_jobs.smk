# F11's config checks, job parameters and resource estimates (f11.smk holds the rules).

F11 = config["f11"]
F11_SIZES = [int(L) for L in F11["sizes"]]
F11_SWEEPS = {
    a["name"]: {"n_therm": int(a["n_therm"]), "n_measure": int(a["n_measure"])}
    for a in F11["algorithms"]
}
F11_ALGORITHMS = list(F11_SWEEPS)
F11_REPS = list(range(int(F11["replicates"])))
F11_COLUMNS = ("L", "algorithm", "observable", "tau", "tau_err")


def check_f11(cfg) -> None:
    """Cross-key checks of the f11 section (the schema checks each key on its own)."""
    if len(F11_SWEEPS) != len(cfg["algorithms"]):
        raise ConfigError("config key f11.algorithms: an algorithm is listed twice")
    usable = [L for L in F11_SIZES if L >= cfg["fit_min_L"]]
    if len(usable) < 2:
        raise ConfigError(
            f"config key f11.fit_min_L: the fit of z needs two sizes >= {cfg['fit_min_L']}, "
            f"f11.sizes has {usable}"
        )


check_f11(F11)


def f11_job(wildcards) -> dict:
    """One run at T_c: an algorithm, a size, a replicate."""
    L, algorithm, rep = int(wildcards.L), wildcards.algorithm, int(wildcards.rep)
    return job_params(
        "f11",
        seed_from=(L, algorithm, rep),
        L=L,
        algorithm=algorithm,
        replicate=rep,
        T=float(F11["T"]),
        **F11_SWEEPS[algorithm],
    )


# Seconds per spin and sweep, x3 slack (F1's cost model, plus Swendsen-Wang's full decomposition).
_F11_NS_PER_SPIN_SWEEP = {
    "metropolis": 25e-9,
    "heatbath": 35e-9,
    "swendsen-wang": 150e-9,
    "wolff": 100e-9,
}


def f11_seconds(wildcards) -> float:
    job = f11_job(wildcards)
    return (
        5
        + (job["n_therm"] + job["n_measure"])
        * job["L"] ** 2
        * _F11_NS_PER_SPIN_SWEEP[job["algorithm"]]
    )


def f11_runtime(wildcards) -> str:
    return runtime(f11_seconds(wildcards))


def f11_mem_mb(wildcards) -> int:
    """The E and M series (16 bytes a sweep, a few copies for the FFT), the chain, plus Python."""
    job = f11_job(wildcards)
    return 512 + math.ceil(
        (job["n_measure"] * 16 * 6 + job["L"] ** 2 * CHAIN_BYTES_PER_SPIN) / 2**20
    )


def f11_table(wildcards) -> dict:
    return table_spec(
        f11_job(wildcards),
        rows=2,
        columns=F11_COLUMNS,
        keys=("L", "algorithm", "replicate"),
    )


def check_f11_job_sizes() -> None:
    for algorithm in F11_ALGORITHMS:
        for L in F11_SIZES:
            wc = types.SimpleNamespace(L=str(L), algorithm=algorithm, rep="0")
            check_job_size(
                [f"f11.algorithms.{algorithm}", "f11.sizes"],
                f"f11_mc {algorithm} L={L}",
                f11_mem_mb(wc),
                f11_seconds(wc),
            )


check_f11_job_sizes()
