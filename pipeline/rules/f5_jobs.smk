# F5's config checks and job parameters (f5.smk holds the rules).

F5 = config["f5"]
F5_MODELS = list(F5["models"])
F5_DISORDER = list(range(int(F5["disorder_instances"])))
F5_GRID = temperature_grid(F5["temperatures"], "f5.temperatures")
F5_PT = F5["tempering"]
F5_PT_SIZES = [int(size["L"]) for size in F5_PT["sizes"]]
F5_PT_DISORDER = list(range(int(F5_PT["disorder_instances"])))
for _key, _n in [("check_grid", F5_PT["check_grid"])] + [(f"sizes[{k}].n_grid", s["n_grid"])
                                                         for k, s in enumerate(F5_PT["sizes"])]:
    if int(_n) < len(F5_GRID):  # the ladder holds every F5 temperature
        raise ConfigError(f"config key f5.tempering.{_key}: must be >= the {len(F5_GRID)} F5 temperatures, got {_n}")
if len(set(F5_PT_SIZES)) != len(F5_PT_SIZES):
    raise ConfigError(f"config key f5.tempering.sizes: each L once, got {F5_PT_SIZES}")


#: The methods of an instance's table (one row per method and temperature), the columns every row fills.
#: "pt" (parallel tempering + thermodynamic integration) is the reference beyond enumeration, so it
#: has rows only where enumeration checks it.
F5_SOLVERS = ("mf", "tap", "bp")
F5_COLUMNS = ("N", "T", "method", "reference", "f", "f_err", "f_ref", "f_ref_err", "f_error", "marginal_rmse",
              "converged", "n_iter")


def f5_table(wildcards) -> dict:
    """What an instance's table holds: a row per method and temperature, its model and disorder in each."""
    job = f5_job(wildcards)
    return table_spec(job, rows=(len(F5_SOLVERS) + 1) * len(job["T"]), columns=F5_COLUMNS,
                      keys=("model", "disorder"))


def f5_tempering_table(wildcards) -> dict:
    """What a tempering instance's table holds: a row per solver and temperature."""
    job = f5_tempering_job(wildcards)
    return table_spec(job, rows=len(F5_SOLVERS) * len(job["T"]), columns=F5_COLUMNS, keys=("model", "L", "disorder"))


def f5_tempering_settings(n_grid: int) -> dict:
    """The reference's sampling parameters (the same for the check against enumeration)."""
    return dict(n_grid=int(n_grid), n_therm=int(F5_PT["n_therm"]), n_measure=int(F5_PT["n_measure"]),
                n_blocks=int(F5_PT["n_blocks"]))


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
