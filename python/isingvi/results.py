"""Results tables: provenance columns, deterministic seeds and atomic writes."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

__all__ = [
    "atomic_open",
    "config_hash",
    "derive_seed",
    "git_commit",
    "provenance",
    "script_log",
    "with_provenance",
    "write_table",
]


def config_hash(section) -> str:
    """Short SHA-256 of a config section (JSON with sorted keys): equal configs, equal hashes."""
    text = json.dumps(section, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def derive_seed(master_seed: int, *parts) -> int:
    """A 63-bit seed from the master seed and a job's parameters, never from time or order."""
    text = json.dumps([int(master_seed), *map(str, parts)], separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little") >> 1


def git_commit(path: str | os.PathLike = ".") -> str:
    """The git commit of the checkout holding ``path``, or "unknown" outside one.

    A checkout whose tracked files differ from that commit gets a ``-dirty`` suffix: the
    table was not made by the committed code alone.
    """

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(path), *args], capture_output=True, text=True, timeout=30)

    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0 or not head.stdout.strip():
            return "unknown"
        status = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    dirty = status.returncode != 0 or bool(status.stdout.strip())
    return head.stdout.strip() + ("-dirty" if dirty else "")


#: Keys of a workflow job's parameters that become provenance columns, in column order.
JOB_PROVENANCE = ("experiment", "config_hash", "master_seed", "seed")


def provenance(job: Mapping, path: str | os.PathLike = ".") -> dict:
    """Provenance columns of a workflow job's table.

    ``isingvi_version`` and ``git_commit`` (of the checkout holding ``path``), then
    experiment, config_hash (of the experiment's config section), master_seed and seed taken
    from ``job``, the job's parameters as the workflow's ``job_params`` builds them.
    """
    from . import __version__

    missing = [key for key in JOB_PROVENANCE if key not in job]
    if missing:
        raise ValueError(f"job: needs the provenance keys {list(JOB_PROVENANCE)}; missing {missing}")
    columns = {"isingvi_version": __version__, "git_commit": git_commit(path)}
    columns.update((key, job[key]) for key in JOB_PROVENANCE)
    return columns


def with_provenance(df: pd.DataFrame, job: Mapping, path: str | os.PathLike = ".") -> pd.DataFrame:
    """``df`` with the :func:`provenance` columns appended.

    A provenance column that ``df`` already has (e.g. ``seed`` from :func:`isingvi.sweep`)
    stays where it is and must hold the job's value in every row; anything else is a bug.
    """
    out = df.copy()
    for key, value in provenance(job, path).items():
        if key in out.columns:
            if not (out[key] == value).all():
                raise ValueError(f"df: column {key!r} disagrees with the job's {key} = {value!r}")
        else:
            out[key] = value
    return out


def script_log(path: str | os.PathLike, name: str) -> logging.Logger:
    """Send a workflow script's output to its log file and return its progress logger.

    stdout and stderr (tracebacks too) go to ``path``, line-buffered; the script's own logger
    reports at INFO, other libraries only at WARNING.
    """
    sys.stdout = sys.stderr = open(path, "w", buffering=1)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    log = logging.getLogger(name)
    log.setLevel(logging.INFO)
    return log


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", **kwargs) -> Iterator:
    """Open a file for writing atomically: a temporary file in the same folder, renamed over
    ``path`` when the block ends without error, removed otherwise.

    A killed job leaves either the old file or the complete new one, never a partial one.
    The file gets the usual permissions (0666 less the umask), not mkstemp's private 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table(df: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write a CSV atomically (see :func:`atomic_open`).

    Floats are written with 17 significant digits so that they read back bit-identically.
    """
    with atomic_open(path, "w", newline="") as fh:
        df.to_csv(fh, index=False, float_format="%.17g")
