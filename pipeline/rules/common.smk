# Helpers shared by every experiment's rules (pipeline/rules/<experiment>.smk); see
# pipeline/README.md for the pattern an experiment follows.
#
# Paths in rules are relative to the working directory (--directory); code and captions are
# found relative to the workflow, so results never land in the checkout unless snakemake
# runs there.

import math

from isingvi.results import config_hash, derive_seed

#: The master seed: every job's seed is derive_seed(MASTER_SEED, experiment, *job parameters).
MASTER_SEED = int(config["seed"])

#: What `snakemake paper` (and so `snakemake`) builds: each experiment adds its figures and
#: the tables behind them with paper(...). Per-job tables are not listed: they are inputs.
PAPER_TARGETS = []


wildcard_constraints:
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


def temperature_grid(ranges, key: str) -> list[float]:
    """Sorted union of inclusive ranges {start, stop, step} (config key ``key``), rounded to 1e-6."""
    temps = set()
    for k, r in enumerate(ranges):
        start, stop, step = float(r["start"]), float(r["stop"]), float(r["step"])
        if stop < start:
            raise ConfigError(f"config key {key}[{k}].stop: must be >= start ({start}), got {stop}")
        n = int(math.floor((stop - start) / step + 1e-9))
        temps.update(round(start + i * step, 6) for i in range(n + 1))
    return sorted(temps)


def concat_tables(paths, output, log, sort_by) -> None:
    """Aggregate rules: concatenate CSV tables, sort, write atomically, log a line."""
    import pandas as pd

    from isingvi.results import write_table

    df = pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)
    df = df.sort_values(sort_by, ignore_index=True, kind="stable")
    write_table(df, output)
    with open(log, "w") as fh:
        print(f"{len(paths)} tables, {len(df)} rows -> {output}", file=fh)
