# F3's config checks, job parameters and resource estimates (f3.smk holds the rules).

F3 = config["f3"]
F3_LATTICES = list(F3["lattices"])
F3_SIZES = {name: [int(L) for L in lat["sizes"]] for name, lat in F3["lattices"].items()}
#: Threads per MC job: its temperatures are sampled in parallel inside the core (results do
#: not depend on it). Snakemake lowers it to --cores when fewer.
F3_MC_THREADS = 2
#: The reference each lattice's extrapolated T_c is compared with (T_c = 1/K_c, J = 1).
F3_REFERENCE = {
    "square": {"T_c": 2.0 / math.log1p(math.sqrt(2.0)), "source": "Onsager (exact)"},
    "cubic": {
        "T_c": 1.0 / 0.221654626,
        "K_c_err": 5e-9,
        "source": "Ferrenberg, Xu and Landau 2018",
    },
}


def f3_pairs(lattice: str) -> list[tuple[int, int]]:
    """The (L, 2L) pairs among a lattice's sizes: one Binder crossing each."""
    sizes = F3_SIZES[lattice]
    return [(L, 2 * L) for L in sorted(sizes) if 2 * L in sizes]


def f3_temperatures(lattice: str, L: int) -> list[float]:
    """The temperatures size L samples: n evenly spaced in T_center +- half_width L^-inv_nu (rounded to 1e-6)."""
    lat = F3["lattices"][lattice]
    n, half = int(lat["n_temperatures"]), lat["half_width"] * L ** -lat["inv_nu"]
    offsets = [0.0] if n == 1 else [-1 + 2 * k / (n - 1) for k in range(n)]
    return sorted({round(lat["T_center"] + half * x, 6) for x in offsets})


def check_f3(cfg) -> None:
    """Cross-key checks of the f3 section (the schema checks each key on its own)."""
    for name, lat in cfg["lattices"].items():
        key = f"f3.lattices.{name}"
        if len(f3_pairs(name)) < 2:
            raise ConfigError(
                f"config key {key}.sizes: needs at least two pairs (L, 2L) for the extrapolation "
                f"of the Binder crossings, got {f3_pairs(name)} from {lat['sizes']}"
            )
        L = min(F3_SIZES[name])
        if lat["T_center"] - lat["half_width"] * L ** -lat["inv_nu"] <= 0:
            raise ConfigError(
                f"config key {key}.half_width: the temperatures of L = {L} reach T <= 0"
            )
        if len(f3_temperatures(name, L)) < lat["n_temperatures"]:
            raise ConfigError(
                f"config key {key}.half_width: the temperatures of L = {L} coincide after rounding "
                "to 1e-6"
            )
        if lat["n_measure"] < cfg["n_blocks"]:
            raise ConfigError(
                f"config key {key}.n_measure: {lat['n_measure']} samples per temperature; need at "
                f"least n_blocks = {cfg['n_blocks']} for the jackknife"
            )
        if name == "square" and "c" in lat["peaks"] and L < 4:
            raise ConfigError(f"config key {key}.sizes: the maximum of c needs L >= 4 (L = {L})")


check_f3(F3)


def f3_mc_job(wildcards) -> dict:
    """Parameters of one MC job (lattice, L): Wolff at every temperature of the size."""
    lat, L = F3["lattices"][wildcards.lattice], int(wildcards.L)
    return job_params(
        "f3",
        seed_from=(wildcards.lattice, L),
        lattice=wildcards.lattice,
        L=L,
        T=f3_temperatures(wildcards.lattice, L),
        algorithm="wolff",
        n_therm=int(lat["n_therm"]),
        n_measure=int(lat["n_measure"]),
        every=1,
        init=F3["init"],
        n_blocks=int(F3["n_blocks"]),
    )


def f3_analysis_job(wildcards) -> dict:
    """Parameters of one lattice's analysis (deterministic: seed 0); the MC jobs' seeds are
    checked against the series it reads."""
    name = wildcards.lattice
    lat = F3["lattices"][name]
    return job_params(
        "f3",
        lattice=name,
        sizes=sorted(F3_SIZES[name]),
        pairs=f3_pairs(name),
        mc_seeds={str(L): derive_seed(MASTER_SEED, "f3", name, L) for L in F3_SIZES[name]},
        correction_exponent=float(lat["correction_exponent"]),
        peaks=list(lat["peaks"]),
        n_blocks=int(F3["n_blocks"]),
        min_ess=float(F3["min_ess"]),
        curve_points=int(F3["curve_points"]),
        reference=F3_REFERENCE[name],
    )


def f3_dim(lattice: str) -> int:
    return 2 if lattice == "square" else 3


# Cost model (one thread; measured at T_c with a safety factor of about 3): seconds per flipped
# spin of a Wolff sweep, and per sample and curve point of the reweighting analysis.
_F3_NS_PER_SPIN_SWEEP = {"square": 150e-9, "cubic": 250e-9}
_F3_NS_PER_SAMPLE_EVAL = 30e-9


def f3_mc_seconds(wildcards, threads) -> float:
    job = f3_mc_job(wildcards)
    sweeps = len(job["T"]) * (job["n_therm"] + job["n_measure"])
    speedup = min(threads, len(job["T"]))
    return (
        sweeps
        * job["L"] ** f3_dim(job["lattice"])
        * _F3_NS_PER_SPIN_SWEEP[job["lattice"]]
        / speedup
    )


def f3_mc_runtime(wildcards, threads) -> str:
    return runtime(f3_mc_seconds(wildcards, threads))


def f3_mc_mem_mb(wildcards, threads=F3_MC_THREADS) -> int:
    """The E and M series (16 bytes a sample, a few copies), a chain per thread, plus Python and pandas."""
    job = f3_mc_job(wildcards)
    samples = len(job["T"]) * job["n_measure"]
    chains = min(threads, len(job["T"])) * job["L"] ** f3_dim(job["lattice"]) * CHAIN_BYTES_PER_SPIN
    return 512 + math.ceil((samples * 16 * 4 + chains) / 2**20)


def f3_analysis_samples(lattice: str) -> list[int]:
    """Samples per size: every temperature's series."""
    lat = F3["lattices"][lattice]
    return [len(f3_temperatures(lattice, L)) * int(lat["n_measure"]) for L in F3_SIZES[lattice]]


def f3_analysis_seconds(wildcards) -> float:
    """Each size is reweighted on every jackknife replicate at its curve points and at about
    500 more temperatures (supported range, crossings, peaks), twice for sizes in two pairs.
    """
    evals = (F3["n_blocks"] + 1) * (F3["curve_points"] + 500) * 2
    return sum(f3_analysis_samples(wildcards.lattice)) * evals * _F3_NS_PER_SAMPLE_EVAL


def f3_analysis_runtime(wildcards) -> str:
    return runtime(f3_analysis_seconds(wildcards))


def f3_analysis_mem_mb(wildcards) -> int:
    """The largest size's series, its log weights per jackknife replicate and a weight matrix
    of 2^22 entries (a few copies each), plus Python and pandas."""
    n = max(f3_analysis_samples(wildcards.lattice))
    return 768 + math.ceil(((F3["n_blocks"] + 1) * n * 8 * 2 + 4 * 2**22 * 8) / 2**20)


#: Columns of an MC table that every row fills (besides its provenance).
F3_MC_COLUMNS = (
    "T",
    "u",
    "u_err",
    "c",
    "c_err",
    "abs_m",
    "abs_m_err",
    "chi",
    "chi_err",
    "u4",
    "u4_err",
)


def f3_mc_table(wildcards) -> dict:
    """What an MC job's table holds: a row per temperature, its lattice and L in each."""
    job = f3_mc_job(wildcards)
    return table_spec(job, rows=len(job["T"]), columns=F3_MC_COLUMNS, keys=("lattice", "L"))


def f3_series(wildcards) -> list[str]:
    """The series files of one lattice's MC jobs (the analysis's input beside their tables)."""
    return [f"results/f3/series/{wildcards.lattice}_L{L}.npz" for L in F3_SIZES[wildcards.lattice]]


def f3_tables(wildcards) -> list[str]:
    return [f"results/f3/mc/{wildcards.lattice}_L{L}.csv" for L in F3_SIZES[wildcards.lattice]]


#: The analysis tables of each lattice, aggregated into one table per kind.
F3_KINDS = ("curves", "crossings", "peaks", "estimates")
#: Sort keys of the final tables.
F3_SORT = {
    "points": ["lattice", "L", "T"],
    "curves": ["lattice", "L", "T"],
    "crossings": ["lattice", "L"],
    "peaks": ["lattice", "quantity", "L"],
    "estimates": ["lattice"],
}


def f3_register_mc_tables() -> list[str]:
    """Every MC job's table, registered for the check before the aggregate (per_job_tables)."""
    paths = []
    for name in F3_LATTICES:
        paths += per_job_tables(
            "f3",
            "results/f3/mc/{lattice}_L{L}.csv",
            f3_mc_table,
            lattice=[name],
            L=F3_SIZES[name],
        )
    return paths


def f3_aggregate_tables(inputs, outputs, log) -> None:
    """Body of f3_aggregate: concatenate the MC tables (points) and each kind of analysis table."""
    lines = []
    for kind in ("points", *F3_KINDS):
        concat_tables(getattr(inputs, kind), getattr(outputs, kind), log, sort_by=F3_SORT[kind])
        with open(log) as fh:
            lines.append(fh.read())
    with open(log, "w") as fh:
        fh.write("".join(lines))


def check_f3_job_sizes() -> None:
    """Every MC and analysis job within what one job may use (check_job_size), before any job starts."""
    for name in F3_LATTICES:
        key = f"f3.lattices.{name}"
        for L in F3_SIZES[name]:
            wc = types.SimpleNamespace(lattice=name, L=str(L))
            keys = (
                f"{key}.sizes (L = {L})",
                f"{key}.n_measure",
                f"{key}.n_therm",
                f"{key}.n_temperatures",
            )
            check_job_size(
                keys,
                f"f3_mc {name} L={L}",
                f3_mc_mem_mb(wc),
                f3_mc_seconds(wc, F3_MC_THREADS),
            )
        wc = types.SimpleNamespace(lattice=name)
        keys = (
            f"{key}.sizes",
            f"{key}.n_measure",
            f"{key}.n_temperatures",
            "f3.n_blocks",
            "f3.curve_points",
        )
        check_job_size(keys, f"f3_analysis {name}", f3_analysis_mem_mb(wc), f3_analysis_seconds(wc))


check_f3_job_sizes()
