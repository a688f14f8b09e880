"""The code checkers the project is kept clean with: mypy on the package, ruff's linter and
formatter on everything, snakefmt on the workflow. Each is skipped where it is not installed
(they come with the ``test`` extra)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECKS = {
    # configured in pyproject.toml ([tool.mypy], [tool.ruff], [tool.snakefmt])
    "mypy": ["mypy"],
    "ruff check": ["ruff", "check", "."],
    "ruff format": ["ruff", "format", "--check", "."],
    "snakefmt": ["snakefmt", "--check", "Snakefile", "pipeline"],
}


def _command(argv: list[str]) -> list[str] | None:
    """argv with the tool resolved: on PATH, or beside this interpreter (an unactivated venv)."""
    exe = shutil.which(argv[0]) or shutil.which(argv[0], path=str(Path(sys.executable).parent))
    return None if exe is None else [exe, *argv[1:]]


@pytest.mark.parametrize("name", CHECKS)
def test_checker_is_clean(name):
    argv = _command(CHECKS[name])
    if argv is None:
        pytest.skip(f"{CHECKS[name][0]} is not installed (pip install -e '.[test]')")
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{' '.join(CHECKS[name])} failed:\n{proc.stdout}{proc.stderr}"
