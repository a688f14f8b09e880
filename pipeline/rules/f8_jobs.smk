# F8's job parameters (f8.smk holds the rules).

F8 = config["f8"]


def f8_job() -> dict:
    """Parameters of the benchmark job (timings: no seed to derive; the chains use a fixed one)."""
    return job_params(
        "f8",
        sizes=[int(L) for L in F8["sizes"]],
        temperatures=[float(t) for t in F8["temperatures"]],
        threads=[int(t) for t in F8["threads"]],
        wolff_sizes=[int(L) for L in F8["wolff_sizes"]],
        min_time=float(F8["min_time"]),
        repeats=int(F8["repeats"]),
    )
