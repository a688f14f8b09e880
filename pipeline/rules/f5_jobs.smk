# F5's config checks and job parameters (f5.smk holds the rules).

F5 = config["f5"]
F5_MODELS = list(F5["models"])
F5_DISORDER = list(range(int(F5["disorder_instances"])))
F5_GRID = temperature_grid(F5["temperatures"], "f5.temperatures")


#: The methods of an instance's table (one row per method and temperature), the columns every row fills.
F5_METHODS = ("mf", "tap", "bp")
F5_COLUMNS = ("N", "T", "method", "f", "f_exact", "f_error", "marginal_rmse", "converged", "n_iter")


def f5_table(wildcards) -> dict:
    """What an instance's table holds: a row per method and temperature, its model and disorder in each."""
    job = f5_job(wildcards)
    return table_spec(job, rows=len(F5_METHODS) * len(job["T"]), columns=F5_COLUMNS, keys=("model", "disorder"))


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
        **F5["solver"],
    )
