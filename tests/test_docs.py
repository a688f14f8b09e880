"""The documentation site builds with warnings as errors, and its API page lists every name.

Needs sphinx and numpydoc (the ``test`` and ``docs`` extras); skipped, saying so, without them.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
MODULES = [
    "models", "exact", "mc", "analysis", "reweighting", "sweep", "results",
    "meanfield", "bp", "freeenergy", "em", "tempering", "neural",
]  # fmt: skip

missing = [m for m in ("sphinx", "numpydoc") if importlib.util.find_spec(m) is None]
needs_sphinx = pytest.mark.skipif(
    bool(missing), reason=f"{' and '.join(missing)} not installed (pip install '.[docs]')"
)


@needs_sphinx
def test_site_builds_without_warnings(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-q",
         str(DOCS), str(tmp_path / "html"), "-d", str(tmp_path / "doctrees")],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-6000:]
    for page in ["index", "getting-started", "conventions", "figures", "slurm", "api"]:
        assert (tmp_path / "html" / f"{page}.html").is_file(), page
    for module in MODULES:
        html = (tmp_path / "html" / "modules" / f"{module}.html").read_text(encoding="utf-8")
        # the reference part of the page: autodoc documented the module's members
        assert f'id="isingvi.{module}.' in html, f"modules/{module}: no API reference"


@pytest.mark.parametrize("module", MODULES)
def test_every_module_has_a_page_and_every_public_callable_is_in_the_api(module):
    assert (DOCS / "modules" / f"{module}.rst").is_file()
    api = (DOCS / "api.rst").read_text(encoding="utf-8")
    section = re.search(
        rf"\.\. currentmodule:: isingvi\.{module}\n(.*?)(?=\n:mod:|\Z)", api, flags=re.S
    )
    assert section, f"docs/api.rst has no section for isingvi.{module}"
    listed = set(re.findall(r"^   (\w+)$", section.group(1), flags=re.M))
    mod = importlib.import_module(f"isingvi.{module}")
    public = {name for name in mod.__all__ if callable(getattr(mod, name))}
    assert public <= listed, f"docs/api.rst, isingvi.{module}: add {sorted(public - listed)}"
