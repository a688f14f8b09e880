# Shared helpers of the paper workflow: checks the schema cannot express, temperature grids,
# per-job parameters and seeds, resource estimates.
# Paths in rules are relative to the working directory (--directory); code and captions are
# found relative to the workflow (workflow.basedir), so results never land in the checkout
# unless snakemake runs there.

import math

import numpy as np

from isingvi.results import config_hash, derive_seed

#: Checkout holding the workflow: scripts pass it to iv.results.provenance for the git commit.
BASEDIR = workflow.basedir


wildcard_constraints:
    L=r"\d+",
    algorithm=r"[a-z]+",
    rep=r"\d+",


class ConfigError(ValueError):
    """A config value that passes the schema but makes no sense; the message names the key."""


def temperature_grid(ranges) -> list[float]:
    """Sorted union of inclusive ranges {start, stop, step}, rounded to 1e-6."""
    temps = set()
    for k, r in enumerate(ranges):
        start, stop, step = float(r["start"]), float(r["stop"]), float(r["step"])
        if stop < start:
            raise ConfigError(f"config key temperatures[{k}].stop: must be >= start ({start}), got {stop}")
        n = int(math.floor((stop - start) / step + 1e-9))
        temps.update(round(start + i * step, 6) for i in range(n + 1))
    return sorted(temps)


def check_f1(cfg) -> None:
    """Cross-key checks of the f1 section (the schema checks each key on its own)."""
    grid = temperature_grid(cfg["temperatures"])
    for name, alg in cfg["algorithms"].items():
        key = f"f1.algorithms.{name}"
        if alg["T_min"] > alg["T_max"]:
            raise ConfigError(f"config key {key}.T_min: must be <= T_max ({alg['T_max']}), got {alg['T_min']}")
        if not any(alg["T_min"] <= t <= alg["T_max"] for t in grid):
            raise ConfigError(
                f"config key {key}: no grid temperature lies in [T_min, T_max] = [{alg['T_min']}, {alg['T_max']}]"
            )
        if alg["n_measure"] // alg["every"] < 2 * cfg["n_blocks"]:
            raise ConfigError(
                f"config key {key}.n_measure: n_measure // every = {alg['n_measure'] // alg['every']} samples; "
                f"need at least 2 * n_blocks = {2 * cfg['n_blocks']} for binning errors"
            )


check_f1(config["f1"])

F1 = config["f1"]
F1_SIZES = [int(L) for L in F1["sizes"]]
F1_ALGORITHMS = list(F1["algorithms"])
F1_REPS = list(range(int(F1["replicates"])))
F1_GRID = temperature_grid(F1["temperatures"])


def f1_temperatures(algorithm: str) -> list[float]:
    """The grid temperatures sampled by ``algorithm``."""
    alg = F1["algorithms"][algorithm]
    return [t for t in F1_GRID if alg["T_min"] <= t <= alg["T_max"]]


def f1_job(wildcards) -> dict:
    """Everything that defines one MC job, and nothing else.

    Passed to the script as params (so a change reruns exactly the affected jobs) and hashed
    into the table's config_hash column.
    """
    alg = F1["algorithms"][wildcards.algorithm]
    L, rep = int(wildcards.L), int(wildcards.rep)
    return {
        "experiment": "f1",
        "master_seed": int(config["seed"]),
        "L": L,
        "algorithm": wildcards.algorithm,
        "replicate": rep,
        "seed": derive_seed(config["seed"], "f1", L, wildcards.algorithm, rep),
        "T": f1_temperatures(wildcards.algorithm),
        "n_therm": int(alg["n_therm"]),
        "n_measure": int(alg["n_measure"]),
        "every": int(alg["every"]),
        "init": alg["init"],
        "n_blocks": int(F1["n_blocks"]),
    }


def f1_exact_job() -> dict:
    """Everything that defines the exact-solution table."""
    return {
        "experiment": "f1",
        "sizes": F1_SIZES,
        "T_min": F1_GRID[0],
        "T_max": F1_GRID[-1],
        "n_points": int(F1["exact"]["n_points"]),
    }


# Cost model of the core (measured on one 2020s x86 core, with a safety factor of about 3):
# seconds per spin-sweep by algorithm. Wolff sweeps flip >= N spins in clusters.
_NS_PER_SPIN_SWEEP = {"metropolis": 25e-9, "heatbath": 35e-9, "wolff": 100e-9}


def f1_runtime(wildcards, threads) -> str:
    """Wall-time request for one MC job, with units (SLURM needs it; local runs ignore it)."""
    job = f1_job(wildcards)
    sweeps = len(job["T"]) * (job["n_therm"] + job["n_measure"])
    seconds = sweeps * job["L"] ** 2 * _NS_PER_SPIN_SWEEP[job["algorithm"]] / threads
    return f"{max(5, math.ceil(seconds / 60) + 2)}m"


def f1_mem_mb(wildcards) -> int:
    """Memory request: the E and M series (16 bytes a sample) plus Python and pandas."""
    job = f1_job(wildcards)
    samples = len(job["T"]) * (job["n_measure"] // job["every"])
    return 512 + math.ceil(samples * 16 * 4 / 2**20)


def concat_tables(paths, output, log, sort_by) -> None:
    """Aggregate rules: concatenate CSV tables, sort, write atomically, log a line."""
    import pandas as pd

    from isingvi.results import write_table

    df = pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)
    df = df.sort_values(sort_by, ignore_index=True)
    write_table(df, output)
    with open(log, "w") as fh:
        print(f"{len(paths)} tables, {len(df)} rows -> {output}", file=fh)
