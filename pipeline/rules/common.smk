# Helpers shared by every experiment's rules (pipeline/rules/<experiment>.smk); see
# pipeline/README.md for the pattern an experiment follows.
#
# Paths in rules are relative to the working directory (--directory); code and captions are
# found relative to the workflow, so results never land in the checkout unless snakemake
# runs there.

import itertools
import math
import types

from isingvi.results import JOB_PROVENANCE, config_hash, derive_seed

#: The master seed: every job's seed is derive_seed(MASTER_SEED, experiment, *job parameters).
MASTER_SEED = int(config["seed"])

#: What `snakemake paper` (and so `snakemake`) builds: each experiment adds its figures and
#: the tables behind them with paper(...). Per-job tables are not listed: they are inputs.
PAPER_TARGETS = []


wildcard_constraints:
    experiment=r"f\d+",
    L=r"\d+",
    algorithm=r"[a-z]+",
    rep=r"\d+",


class ConfigError(ValueError):
    """A config value that passes the schema but makes no sense; the message names the key."""


def paper(*paths) -> list:
    """Add an experiment's figures and tables to the paper target; returns the paths."""
    PAPER_TARGETS.extend(paths)
    return list(paths)


def job_params(experiment: str, seed_from=None, **params) -> dict:
    """Everything that defines one job: pass it as ``params: job=...`` and nothing else.

    Snakemake reruns a job when its params change, so this holds exactly what the job's
    output depends on: ``params`` (the algorithm parameters, which the script also writes as
    columns) plus the provenance every table carries (isingvi.results.with_provenance):

    - experiment, and config_hash: the hash of the experiment's whole config section, so a
      table always says which config made it (editing a section reruns that experiment);
    - master_seed, and seed = derive_seed(master_seed, experiment, *seed_from): a function
      of the job's identity only, never of time, order or cores. Jobs without randomness
      pass no ``seed_from`` and get seed 0.
    """
    seed = 0 if seed_from is None else derive_seed(MASTER_SEED, experiment, *seed_from)
    job = {
        "experiment": experiment,
        "config_hash": config_hash(config[experiment]),
        "master_seed": MASTER_SEED,
        "seed": seed,
    }
    clash = set(job) & set(params)
    if clash:
        raise ValueError(f"job_params: {sorted(clash)} are set by job_params itself")
    job.update(params)
    return job


def runtime(seconds: float) -> str:
    """A wall-time request with units (SLURM needs one; local runs ignore it): the estimate
    in whole minutes plus two minutes of slack, at least five minutes."""
    return f"{max(5, math.ceil(seconds / 60) + 2)}m"


def figure(path: str, experiment: str, caption: str) -> dict:
    """Outputs of a plot rule: the figure as PDF and PNG, both in `snakemake --report`.

    Use as ``output: **figure("results/figures/F1_name.pdf", "F1", "../report/f1.rst")``;
    the plot script writes both with isingvi.plots.save_figure(fig, snakemake.output.pdf).
    """
    if not path.endswith(".pdf"):
        raise ValueError(f"figure: path must end in .pdf, got {path!r}")
    return {
        fmt: report(
            f"{path.removesuffix('.pdf')}.{fmt}",
            caption=caption,
            category=experiment,
            labels={"figure": experiment, "format": fmt.upper()},
        )
        for fmt in ("pdf", "png")
    }


#: Most temperatures one grid may hold. Every MC temperature is a chain of its own, and no
#: figure shows more; a larger count is a mistyped step (1e-9 for 1e-3), which is rejected
#: before a grid of a billion points is built.
MAX_GRID_TEMPERATURES = 10_000


def temperature_grid(ranges, key: str) -> list[float]:
    """Sorted union of inclusive ranges {start, stop, step} (config key ``key``), rounded to 1e-6."""
    counts = []
    for k, r in enumerate(ranges):
        start, stop, step = float(r["start"]), float(r["stop"]), float(r["step"])
        if stop < start:
            raise ConfigError(f"config key {key}[{k}].stop: must be >= start ({start}), got {stop}")
        steps = (stop - start) / step + 1e-9  # counted before any point is made
        if not steps < MAX_GRID_TEMPERATURES:
            raise ConfigError(
                f"config key {key}[{k}].step: {start} to {stop} in steps of {step} makes {steps:.3g} "
                f"temperatures; a grid holds at most {MAX_GRID_TEMPERATURES}"
            )
        counts.append(int(math.floor(steps)) + 1)
    if sum(counts) > MAX_GRID_TEMPERATURES:
        raise ConfigError(
            f"config key {key}: the ranges make {sum(counts)} temperatures; a grid holds at most {MAX_GRID_TEMPERATURES}"
        )
    temps = set()
    for r, n in zip(ranges, counts):
        temps.update(round(float(r["start"]) + i * float(r["step"]), 6) for i in range(n))
    return sorted(temps)


#: What one job may use: a job past either would be killed by the scheduler or the machine
#: after the jobs before it had run, so such a config is rejected before any job starts.
#: Raise them here for bigger nodes or longer partitions (pipeline/README.md).
JOB_MEM_MB_MAX = 64 * 1024
JOB_HOURS_MAX = 24


#: Bytes a spin of one Monte Carlo chain takes (int8 spins, the Wolff cluster stack of int32
#: sites, slack); the core holds one chain per thread at a time.
CHAIN_BYTES_PER_SPIN = 8


def check_job_size(keys, job: str, mem_mb: float, seconds: float) -> None:
    """Reject a job whose memory or runtime estimate is past JOB_MEM_MB_MAX / JOB_HOURS_MAX;
    ``keys``, the config keys its estimates depend on, are named in the message."""
    keys = ", ".join(keys)
    if mem_mb > JOB_MEM_MB_MAX:
        raise ConfigError(
            f"config keys {keys}: job {job} would need about {mem_mb / 1024:.3g} GiB of memory; "
            f"a job may use at most {JOB_MEM_MB_MAX / 1024:g} GiB (JOB_MEM_MB_MAX in pipeline/rules/common.smk)"
        )
    if seconds > JOB_HOURS_MAX * 3600:
        raise ConfigError(
            f"config keys {keys}: job {job} would run about {seconds / 3600:.3g} hours; "
            f"a job may run at most {JOB_HOURS_MAX} hours (JOB_HOURS_MAX in pipeline/rules/common.smk)"
        )


#: experiment -> {path: table_spec(...)} of every per-job table its aggregate reads. Filled
#: by per_job_tables(); read by check_tables (pipeline/rules/check_tables.smk).
PER_JOB_TABLES = {}


def table_spec(job: dict, rows: int, columns=(), keys=()) -> dict:
    """What one per-job table must hold (isingvi.results.check_table): ``rows`` rows, the
    ``columns`` and provenance columns without empty cells, and in every row the job's
    provenance and its ``keys`` parameters (e.g. L, replicate), so a table from another job or
    config is caught too."""
    return {
        "rows": int(rows),
        "columns": list(columns),
        "values": {key: job[key] for key in (*JOB_PROVENANCE, *keys)},
    }


def per_job_tables(experiment: str, pattern: str, spec, **wildcards) -> list[str]:
    """The tables ``pattern`` names for every combination of ``wildcards`` (as expand()), each
    registered with ``spec(wildcards)`` for checking before ``experiment``'s aggregate reads it.

    The aggregate rule takes these paths and checked(experiment) as input.
    """
    paths = []
    for combo in itertools.product(*wildcards.values()):
        wc = types.SimpleNamespace(
            **{name: str(v) for name, v in zip(wildcards, combo)}
        )  # as snakemake's
        path = pattern.format(**vars(wc))
        PER_JOB_TABLES.setdefault(experiment, {})[path] = spec(wc)
        paths.append(path)
    return paths


def checked(experiment: str) -> str:
    """The check_tables output that an aggregate takes as input (beside the tables): it
    exists only once every per-job table of ``experiment`` has passed its check."""
    return f"results/{experiment}/checked.json"


def checked_tables(wildcards) -> list[str]:
    return list(PER_JOB_TABLES[wildcards.experiment])


def checked_specs(wildcards) -> dict:
    return PER_JOB_TABLES[wildcards.experiment]


def check_tables(specs: dict, output: str, log: str) -> None:
    """Body of the check_tables rule: check every per-job table; then write a manifest (rows,
    SHA-256 of each), or fail naming each bad table.

    The check is a job of its own, before the aggregate: snakemake deletes a job's outputs
    when it starts it, so only a failure before the aggregate starts leaves the final table as
    it was. A bad table stays in place, dated 1970: older than its job's script (each per-job
    table comes from a script), it is out of date, so the next run redoes its job (a missing table
    would not be redone while the final table is present and newer than the tables left).
    """
    import hashlib
    import json
    import os

    from isingvi.results import TableError, atomic_open, check_table

    manifest, bad = {}, []
    for path, spec in specs.items():
        try:
            df = check_table(path, **spec)
        except TableError as exc:
            if os.path.exists(path):
                os.utime(path, (0, 0))
            bad.append(f"{exc} (marked out of date: the next run redoes its job)")
            continue
        with open(path, "rb") as fh:
            manifest[path] = {
                "rows": len(df),
                "sha256": hashlib.sha256(fh.read()).hexdigest(),
            }
    with open(log, "w") as fh:
        print(f"{len(manifest)} of {len(specs)} tables pass", *bad, sep="\n", file=fh)
    if bad:
        raise TableError(f"{len(bad)} of {len(specs)} per-job tables are bad:\n" + "\n".join(bad))
    with atomic_open(output) as fh:
        json.dump(manifest, fh, indent=1, sort_keys=True)
        fh.write("\n")


def concat_tables(paths, output, log, sort_by, frames=()) -> None:
    """Aggregate rules: concatenate CSV tables (and any DataFrames in ``frames``), sort, write
    atomically, log a line."""
    import pandas as pd

    from isingvi.results import write_table

    df = pd.concat([pd.read_csv(p) for p in paths] + list(frames), ignore_index=True)
    df = df.sort_values(sort_by, ignore_index=True, kind="stable")
    write_table(df, output)
    with open(log, "w") as fh:
        print(f"{len(paths)} tables, {len(df)} rows -> {output}", file=fh)
