# F8's job parameters (f8.smk holds the rules). Each job runs one script of bench/ with the
# arguments built here; the timings need no seed (the benchmarks use fixed ones).

F8 = config["f8"]
F8_SHARED = dict(min_time=float(F8["min_time"]), repeats=int(F8["repeats"]))
if int(F8["em"]["K"]) > int(F8["em"]["n"]):
    raise ConfigError(
        f"config key f8.em.K: must be <= f8.em.n ({F8['em']['n']}), got {F8['em']['K']}"
    )


def f8_job() -> dict:
    """The Monte Carlo benchmark: NumPy baselines, both kernels per ISA, 1 and 2 threads, Wolff."""
    return job_params(
        "f8",
        sizes=[int(L) for L in F8["sizes"]],
        temperatures=[float(t) for t in F8["temperatures"]],
        threads=[int(t) for t in F8["threads"]],
        wolff_sizes=[int(L) for L in F8["wolff_sizes"]],
        **F8_SHARED,
    )


def f8_variational_job() -> dict:
    """Mean field and BP next to NumPy, AIS next to its generic graph path."""
    v = F8["variational"]
    return job_params(
        "f8",
        sizes=[int(L) for L in v["sizes"]],
        ais_sizes=[int(L) for L in v["ais_sizes"]],
        **F8_SHARED,
    )


def f8_em_job() -> dict:
    """Gaussian-mixture EM next to scikit-learn (full and diagonal covariances)."""
    em = F8["em"]
    return job_params(
        "f8",
        **{k: int(em[k]) for k in ("n", "d", "K", "iters")},
        repeats=F8_SHARED["repeats"],
    )


def f8_argv(job: dict) -> list[str]:
    """The benchmark script's command-line arguments for a job (all but --out)."""
    argv = []
    for key, value in job.items():
        if key in ("experiment", "seed", "master_seed", "config_hash"):
            continue
        argv.append("--" + key.replace("_", "-"))
        argv += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return argv
