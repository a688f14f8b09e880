# F5's config checks and job parameters (f5.smk holds the rules).

F5 = config["f5"]
F5_MODELS = list(F5["models"])
F5_DISORDER = list(range(int(F5["disorder_instances"])))
F5_GRID = temperature_grid(F5["temperatures"], "f5.temperatures")
F5_PT = F5["tempering"]
F5_PT_SIZES = [int(size["L"]) for size in F5_PT["sizes"]]
F5_PT_DISORDER = list(range(int(F5_PT["disorder_instances"])))
for _key, _n in [("check_grid", F5_PT["check_grid"])] + [
    (f"sizes[{k}].n_grid", s["n_grid"]) for k, s in enumerate(F5_PT["sizes"])
]:
    if int(_n) < len(F5_GRID):  # the ladder holds every F5 temperature
        raise ConfigError(
            f"config key f5.tempering.{_key}: must be >= the {len(F5_GRID)} F5 temperatures, got {_n}"
        )
if len(set(F5_PT_SIZES)) != len(F5_PT_SIZES):
    raise ConfigError(f"config key f5.tempering.sizes: each L once, got {F5_PT_SIZES}")


#: The methods of an instance's table (one row per method and temperature), the columns every row fills.
#: "pt" (parallel tempering + thermodynamic integration) is the reference beyond enumeration, so it
#: has rows only where enumeration checks it.
F5_SOLVERS = ("mf", "tap", "bp")
F5_COLUMNS = (
    "N",
    "T",
    "method",
    "reference",
    "f",
    "f_err",
    "f_ref",
    "f_ref_err",
    "f_error",
    "marginal_rmse",
    "converged",
    "n_iter",
)


def f5_table(wildcards) -> dict:
    """What an instance's table holds: a row per method and temperature, its model and disorder in each."""
    job = f5_job(wildcards)
    return table_spec(
        job,
        rows=(len(F5_SOLVERS) + 1) * len(job["T"]),
        columns=F5_COLUMNS,
        keys=("model", "disorder"),
    )


def f5_tempering_table(wildcards) -> dict:
    """What a tempering instance's table holds: a row per solver and temperature."""
    job = f5_tempering_job(wildcards)
    return table_spec(
        job,
        rows=len(F5_SOLVERS) * len(job["T"]),
        columns=F5_COLUMNS,
        keys=("model", "L", "disorder"),
    )


def f5_tempering_settings(n_grid: int) -> dict:
    """The reference's sampling parameters (the same for the check against enumeration)."""
    return dict(
        n_grid=int(n_grid),
        n_therm=int(F5_PT["n_therm"]),
        n_measure=int(F5_PT["n_measure"]),
        n_blocks=int(F5_PT["n_blocks"]),
    )


def f5_job(wildcards) -> dict:
    """Parameters of one disorder instance: the model is drawn from the job's seed."""
    spec = F5["models"][wildcards.model]
    disorder = int(wildcards.disorder)
    return job_params(
        "f5",
        seed_from=(wildcards.model, disorder),
        model=wildcards.model,
        disorder=disorder,
        N=int(spec.get("N", 0)),
        L=int(spec.get("L", 0)),
        field_sigma=float(spec["field_sigma"]),
        T=F5_GRID,
        reference="exact",
        **f5_tempering_settings(F5_PT["check_grid"]),
        **F5["solver"],
    )


def f5_tempering_job(wildcards) -> dict:
    """Parameters of one Edwards-Anderson instance too large to enumerate: parallel tempering is the reference."""
    L, disorder = int(wildcards.L), int(wildcards.disorder)
    (size,) = [s for s in F5_PT["sizes"] if int(s["L"]) == L]
    return job_params(
        "f5",
        seed_from=("tempering", L, disorder),
        model="ea",
        disorder=disorder,
        N=0,
        L=L,
        field_sigma=float(F5_PT["field_sigma"]),
        T=F5_GRID,
        reference="tempering",
        **f5_tempering_settings(size["n_grid"]),
        **F5["solver"],
    )


# Cost model (x2-3 slack over the shipped run on a 2 GHz Xeon): a parallel-tempering sweep of one
# rung costs ~25 ns a spin; each of the 5 solver runs per temperature (mean field from 3 starts,
# TAP, BP) costs ~60 ns an edge and iteration when it runs to max_iter.
_F5_PT_SECONDS_PER_SPIN_SWEEP = 60e-9
_F5_SOLVER_SECONDS_PER_EDGE_ITERATION = 5 * 100e-9


def f5_seconds(job: dict, n_spins: int, n_edges: int) -> float:
    sweeps = (
        job["n_grid"]
        * (job["n_therm"] + job["n_measure"])
        * n_spins
        * _F5_PT_SECONDS_PER_SPIN_SWEEP
    )
    solvers = len(job["T"]) * job["max_iter"] * n_edges * _F5_SOLVER_SECONDS_PER_EDGE_ITERATION
    return 10 + sweeps + solvers


def f5_mem_mb(job: dict, n_spins: int) -> int:
    """The ladder's E and M series (16 bytes a sweep and rung, a few copies), marginals, plus Python."""
    return 1024 + math.ceil(
        (job["n_grid"] * job["n_measure"] * 16 * 4 + job["n_grid"] * n_spins * 8) / 2**20
    )


def _f5_size(job: dict) -> tuple[int, int]:
    """Spins and edges of a job's instance (SK is complete; the lattices have 2 bonds a spin)."""
    if job["model"] == "sk":
        return job["N"], job["N"] * (job["N"] - 1) // 2
    return job["L"] ** 2, 2 * job["L"] ** 2


def f5_runtime_of(job_of):
    """A rule's runtime resource from the cost model, for the rule whose job is job_of(wildcards)."""

    def runtime_of(wildcards) -> str:
        job = job_of(wildcards)
        return runtime(f5_seconds(job, *_f5_size(job)))

    return runtime_of


def f5_mem_mb_of(job_of):
    """A rule's mem_mb resource from the cost model, for the rule whose job is job_of(wildcards)."""

    def mem_mb_of(wildcards) -> int:
        job = job_of(wildcards)
        return f5_mem_mb(job, _f5_size(job)[0])

    return mem_mb_of


def check_f5_job_sizes() -> None:
    keys = ["f5.tempering", "f5.solver", "f5.temperatures"]
    for model in F5_MODELS:
        job = f5_job(types.SimpleNamespace(model=model, disorder="0"))
        n, edges = _f5_size(job)
        check_job_size(
            [f"f5.models.{model}", *keys],
            f"f5_instance {model}",
            f5_mem_mb(job, n),
            f5_seconds(job, n, edges),
        )
    for L in F5_PT_SIZES:
        job = f5_tempering_job(types.SimpleNamespace(L=str(L), disorder="0"))
        n, edges = _f5_size(job)
        check_job_size(keys, f"f5_tempering L={L}", f5_mem_mb(job, n), f5_seconds(job, n, edges))


check_f5_job_sizes()
