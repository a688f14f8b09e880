"""Results tables: provenance columns, deterministic seeds and atomic writes."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, NoReturn

import pandas as pd

from ._validate import as_int, as_seed

__all__ = [
    "TableError",
    "atomic_open",
    "check_table",
    "config_hash",
    "derive_seed",
    "git_commit",
    "provenance",
    "script_log",
    "with_provenance",
    "write_table",
]


def config_hash(section) -> str:
    """Short SHA-256 of a config section (JSON with sorted keys): equal configs, equal hashes.

    Parameters
    ----------
    section : object
        A JSON-like value (dicts, lists, numbers, strings); other objects count by their text.

    Returns
    -------
    str
        The first 16 hex digits of the SHA-256 of its canonical JSON.

    Examples
    --------
    >>> from isingvi.results import config_hash
    >>> config_hash({"L": [8, 16], "T": 2.0})
    '9980a1b1ba245427'
    >>> config_hash({"T": 2.0, "L": [8, 16]})  # key order does not matter
    '9980a1b1ba245427'
    """
    text = json.dumps(section, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def derive_seed(master_seed: int, *parts) -> int:
    """A 63-bit seed from the master seed and a job's parameters, never from time or order.

    Parameters
    ----------
    master_seed : int
        An integer in [0, 2^64) (1.7 is refused, not truncated).
    *parts : object
        The job's parameters, which count by their text.

    Returns
    -------
    int
        A seed in [0, 2^63).

    Raises
    ------
    ValueError
        Naming ``master_seed`` if it is not an integer in range.

    Examples
    --------
    >>> from isingvi.results import derive_seed
    >>> derive_seed(42, "f1", 16, 2.0)
    4767758121546904026
    """
    text = json.dumps(
        [as_seed(master_seed, "master_seed"), *map(str, parts)], separators=(",", ":")
    )
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little") >> 1


def _as_path(path, name: str = "path") -> Path:
    """A file or folder path: a non-empty str or os.PathLike."""
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"{name}: must be a path (str or os.PathLike), got {type(path).__name__}")
    if not str(path):
        raise ValueError(f"{name}: must not be empty")
    return Path(path)


def _iterable(value, name: str):
    try:
        return list(value)
    except TypeError:
        raise ValueError(f"{name}: must be a list, got {type(value).__name__}") from None


def _as_frame(df, name: str = "df") -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name}: must be a pandas DataFrame, got {type(df).__name__}")
    return df


def git_commit(path: str | os.PathLike = ".") -> str:
    """The git commit of the checkout holding ``path``, or "unknown" outside one.

    A checkout whose tracked files differ from that commit gets a ``-dirty`` suffix: the
    table was not made by the committed code alone.

    Parameters
    ----------
    path : str or os.PathLike, default "."
        A file or folder inside the checkout.

    Returns
    -------
    str
        The commit hash, with ``-dirty`` where tracked files changed, or "unknown" (no git, or
        not a checkout).

    Examples
    --------
    >>> import tempfile
    >>> from isingvi.results import git_commit
    >>> git_commit(tempfile.mkdtemp())
    'unknown'
    """

    path = _as_path(path)

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["git", "-C", str(path), *args], capture_output=True, text=True, timeout=30
        )

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

    Parameters
    ----------
    job : Mapping
        The job's parameters as the workflow's ``job_params`` builds them; needs the keys
        experiment, config_hash (of the experiment's config section), master_seed and seed.
    path : str or os.PathLike, default "."
        A path in the checkout whose commit is recorded.

    Returns
    -------
    dict
        ``isingvi_version`` and ``git_commit`` (see :func:`git_commit`), then experiment,
        config_hash, master_seed and seed from ``job``.

    Raises
    ------
    ValueError
        Naming ``job`` if it is not a mapping or lacks a key.

    Examples
    --------
    >>> import tempfile
    >>> from isingvi.results import provenance
    >>> job = {"experiment": "f1", "config_hash": "9980a1b1ba245427", "master_seed": 42, "seed": 7}
    >>> cols = provenance(job, tempfile.mkdtemp())
    >>> list(cols)
    ['isingvi_version', 'git_commit', 'experiment', 'config_hash', 'master_seed', 'seed']
    >>> cols["git_commit"], cols["seed"]
    ('unknown', 7)
    """
    from . import __version__

    if not isinstance(job, Mapping):
        raise ValueError(
            f"job: must be a mapping of the job's parameters, got {type(job).__name__}"
        )
    missing = [key for key in JOB_PROVENANCE if key not in job]
    if missing:
        raise ValueError(
            f"job: needs the provenance keys {list(JOB_PROVENANCE)}; missing {missing}"
        )
    columns = {"isingvi_version": __version__, "git_commit": git_commit(path)}
    columns.update((key, job[key]) for key in JOB_PROVENANCE)
    return columns


def with_provenance(df: pd.DataFrame, job: Mapping, path: str | os.PathLike = ".") -> pd.DataFrame:
    """``df`` with the :func:`provenance` columns appended.

    A provenance column that ``df`` already has (e.g. ``seed`` from :func:`isingvi.sweep`)
    stays where it is and must hold the job's value in every row; anything else is a bug.

    Parameters
    ----------
    df : pandas.DataFrame
        The job's table.
    job : Mapping
        The job's parameters, as for :func:`provenance`.
    path : str or os.PathLike, default "."
        A path in the checkout whose commit is recorded.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with the provenance columns.

    Raises
    ------
    ValueError
        Naming ``df`` (not a DataFrame, or a provenance column that disagrees with the job)
        or ``job``.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from isingvi.results import with_provenance
    >>> job = {"experiment": "f1", "config_hash": "9980a1b1ba245427", "master_seed": 42, "seed": 7}
    >>> df = with_provenance(pd.DataFrame({"T": [2.0, 3.0]}), job, tempfile.mkdtemp())
    >>> df.columns.tolist()
    ['T', 'isingvi_version', 'git_commit', 'experiment', 'config_hash', 'master_seed', 'seed']
    """
    out = _as_frame(df).copy()
    for key, value in provenance(job, path).items():
        if key in out.columns:
            if not (out[key] == value).all():
                raise ValueError(f"df: column {key!r} disagrees with the job's {key} = {value!r}")
        else:
            out[key] = value
    return out


def script_log(path: str | os.PathLike, name: str) -> logging.Logger:
    """Send a workflow script's output to its log file and return its progress logger.

    stdout and stderr (tracebacks too) go to ``path``, line-buffered, for the rest of the
    process; the script's own logger reports at INFO, other libraries only at WARNING.

    Parameters
    ----------
    path : str or os.PathLike
        The log file (overwritten).
    name : str
        Name of the script's logger.

    Returns
    -------
    logging.Logger
        The logger ``name``, at level INFO.

    Raises
    ------
    ValueError
        Naming ``path`` or ``name``.

    Examples
    --------
    >>> import os, sys, tempfile
    >>> from isingvi.results import script_log
    >>> saved = sys.stdout, sys.stderr
    >>> path = os.path.join(tempfile.mkdtemp(), "job.log")
    >>> log = script_log(path, "f1")
    >>> print("to the log")
    >>> sys.stdout, sys.stderr = saved  # (a rule script keeps the redirection)
    >>> open(path).read()
    'to the log\\n'
    >>> log.name, log.level
    ('f1', 20)
    """
    path = _as_path(path)
    if not isinstance(name, str):
        raise ValueError(f"name: must be a str, got {type(name).__name__}")
    # open for the rest of the process: a rule script's prints and warnings all go to its log
    sys.stdout = sys.stderr = open(path, "w", buffering=1)  # noqa: SIM115
    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s"
    )
    log = logging.getLogger(name)
    log.setLevel(logging.INFO)
    return log


_ATOMIC_MODES = frozenset({"w", "wt", "wb"})


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", **kwargs) -> Iterator[IO]:
    """Open a file for writing atomically (a context manager).

    The block writes a temporary file in the same folder, renamed over ``path`` when the block
    ends without error, removed otherwise. A killed job leaves either the old file or the
    complete new one, never a partial one. The file gets the usual permissions (0666 less the
    umask), not mkstemp's private 0600.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    mode : {"w", "wt", "wb"}
        Text (the default) or binary. The new file replaces the old one whole, so reading or
        appending modes would silently lose the old contents and are refused.
    **kwargs
        Passed to :func:`open` (e.g. ``newline=""``).

    Yields
    ------
    file object
        The open temporary file.

    Raises
    ------
    ValueError
        Naming ``path`` or ``mode``.

    Examples
    --------
    >>> import os, tempfile
    >>> from isingvi.results import atomic_open
    >>> path = os.path.join(tempfile.mkdtemp(), "out.txt")
    >>> with atomic_open(path) as fh:
    ...     _ = fh.write("complete\\n")
    >>> open(path).read()
    'complete\\n'
    """
    if not isinstance(mode, str) or mode not in _ATOMIC_MODES:
        raise ValueError(
            f"mode: atomic_open writes a whole new file, so mode must be one of "
            f"{sorted(_ATOMIC_MODES)}; got {mode!r}"
        )
    path = _as_path(path)
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

    Parameters
    ----------
    df : pandas.DataFrame
        The table (its index is not written).
    path : str or os.PathLike
        The CSV file.

    Raises
    ------
    ValueError
        Naming ``df`` or ``path``.

    Examples
    --------
    >>> import os, tempfile
    >>> import pandas as pd
    >>> from isingvi.results import write_table
    >>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> write_table(pd.DataFrame({"x": [0.1]}), path)
    >>> float(pd.read_csv(path).x[0]) == 0.1
    True
    """
    _as_frame(df)
    with atomic_open(path, "w", newline="") as fh:
        df.to_csv(fh, index=False, float_format="%.17g")


#: Columns every workflow table ends with (:func:`provenance`).
PROVENANCE_COLUMNS = ("isingvi_version", "git_commit", *JOB_PROVENANCE)


class TableError(ValueError):
    """A per-job table that is truncated, empty or not what its job writes.

    A ValueError whose message ("path: table <file>: <what is wrong>") names the file;
    raised by :func:`check_table`.

    Examples
    --------
    >>> import os, tempfile
    >>> from isingvi.results import TableError, check_table
    >>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> _ = open(path, "w").write("T,u\\n2.0,-1.7")
    >>> try:
    ...     check_table(path, rows=1)
    ... except TableError as exc:
    ...     print(str(exc).split(": ", 2)[-1])
    is truncated: its last line has no newline
    """


def check_table(
    path: str | os.PathLike, rows: int, columns=(), values: Mapping | None = None
) -> pd.DataFrame:
    """Read a workflow job's table and check that it is whole, before an aggregate uses it.

    The file must end with a newline (:func:`write_table` ends every row with one, so a file
    cut mid-line does not) and hold exactly ``rows`` rows; the provenance columns, ``columns``
    and the keys of ``values`` must be there without empty (NaN) cells, and every row must hold
    ``values`` (column -> the job's value: its seed, config hash, L, ...).

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file.
    rows : int
        The number of rows the job writes.
    columns : sequence of str, default ()
        Further columns that must be present without empty cells.
    values : Mapping, optional
        Column -> the value every row must hold.

    Returns
    -------
    pandas.DataFrame
        The table.

    Raises
    ------
    TableError
        Naming ``path`` and the first thing wrong with the file.
    ValueError
        Naming ``rows``, ``columns`` or ``values`` if they are not valid.

    Examples
    --------
    >>> import os, tempfile
    >>> import pandas as pd
    >>> from isingvi.results import check_table, with_provenance, write_table
    >>> job = {"experiment": "f1", "config_hash": "9980a1b1ba245427", "master_seed": 42, "seed": 7}
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "t.csv")
    >>> write_table(with_provenance(pd.DataFrame({"T": [2.0, 3.0]}), job, folder), path)
    >>> check_table(path, rows=2, columns=["T"], values={"seed": 7}).shape
    (2, 7)
    """
    path = _as_path(path)
    rows = as_int(rows, "rows", 0, 2**62)
    if values is not None and not isinstance(values, Mapping):
        raise ValueError(
            f"values: must be a mapping of column -> value, got {type(values).__name__}"
        )
    values = dict(values or {})
    if isinstance(columns, str) or not all(
        isinstance(c, str) for c in _iterable(columns, "columns")
    ):
        raise ValueError(f"columns: must be a list of column names, got {columns!r}")

    def fail(what: str) -> NoReturn:
        raise TableError(f"path: table {path}: {what}")

    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        fail(f"cannot be read ({exc.strerror or exc})")
    if not text:
        fail("is empty")
    if not text.endswith(b"\n"):
        fail("is truncated: its last line has no newline")
    # string values (a config hash may look like a number) are compared as written
    text_columns = {c: str for c, v in values.items() if isinstance(v, str)}
    try:
        df = pd.read_csv(io.BytesIO(text), dtype=text_columns)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        fail(f"is not a CSV table ({exc})")
    need = list(dict.fromkeys([*columns, *values, *PROVENANCE_COLUMNS]))
    missing = [c for c in need if c not in df.columns]
    if missing:
        fail(f"lacks the columns {missing}")
    if len(df) != rows:
        fail(f"has {len(df)} rows; its job writes {rows}")
    empty = [c for c in need if df[c].isna().any()]
    if empty:
        fail(f"has empty (NaN) cells in {empty}")
    for column, value in values.items():
        wrong = df[column] != value
        if wrong.any():
            fail(
                f"column {column!r} holds {df[column][wrong].tolist()[0]!r}; its job's {column} is {value!r}"
            )
    return df
