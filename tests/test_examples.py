"""Every Python example in README.md and in docs/ runs, as a reader would paste it.

The Python blocks of one file (```python fences in Markdown, ``.. code-block:: python`` in
reStructuredText) are joined in order and run in a fresh interpreter, in an empty temporary
directory, with a non-interactive matplotlib backend. Each block is also self-contained (it
imports what it uses), so a reader can start at any section: a static check finds names a
block uses but neither defines nor imports.

A block preceded by a marker line needs an optional package; such blocks run separately (marked
slow) and are skipped when the package is missing, while the file's other blocks still run:

- Markdown: ``<!-- requires: jax -->`` on the line before the fence;
- reStructuredText: ``.. requires: jax`` (a comment) before the ``code-block``.
"""

from __future__ import annotations

import ast
import builtins
import importlib.util
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").rglob("*.md")),
    *sorted((ROOT / "docs").rglob("*.rst")),
]
SOURCES = [p for p in SOURCES if p.is_file() and "_build" not in p.parts]

_REQUIRES = re.compile(
    r"^\s*(?:<!--\s*requires:\s*(?P<md>[\w.]+)\s*-->|\.\.\s+requires:\s*(?P<rst>[\w.]+))\s*$"
)
_MD_FENCE = re.compile(r"^(?P<indent>\s*)```python\s*$")
_RST_BLOCK = re.compile(r"^(?P<indent>\s*)\.\.\s+code-block::\s+python\s*$")


@dataclass
class Block:
    path: Path
    line: int  # 1-based line of the block's first source line
    source: str
    requires: str | None

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def _requires_before(lines: list[str], i: int) -> str | None:
    """The marker on the nearest non-blank line before line i, if any."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    m = _REQUIRES.match(lines[j]) if j >= 0 else None
    return (m.group("md") or m.group("rst")) if m else None


def extract(path: Path) -> list[Block]:
    """The Python blocks of a Markdown or reStructuredText file, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        if m := _MD_FENCE.match(lines[i]):
            start, body = i + 1, []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            indent = len(m.group("indent"))
            text = "\n".join(s[indent:] for s in body)
            blocks.append(Block(path, start + 1, text, _requires_before(lines, start - 1)))
        elif m := _RST_BLOCK.match(lines[i]):
            start = i
            i += 1
            while i < len(lines) and lines[i].strip().startswith(":"):  # options
                i += 1
            while i < len(lines) and not lines[i].strip():
                i += 1
            first, body = i, []
            base = len(m.group("indent"))
            while i < len(lines) and (
                not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > base
            ):
                body.append(lines[i])
                i += 1
            while body and not body[-1].strip():
                body.pop()
            indent = min((len(s) - len(s.lstrip()) for s in body if s.strip()), default=0)
            text = "\n".join(s[indent:] for s in body)
            blocks.append(Block(path, first + 1, text, _requires_before(lines, start)))
            continue
        i += 1
    return blocks


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _program(blocks: list[Block]) -> str:
    """One script: each block is compiled under its own file name and first line, so a
    traceback points at README.md:LINE, and a failure says which block it was."""
    parts = ["import sys, traceback"]
    for b in blocks:
        code = "\n" * (b.line - 1) + b.source + "\n"
        parts.append(
            f"try:\n    exec(compile({code!r}, {str(b.path.relative_to(ROOT))!r}, 'exec'))\n"
            f"except BaseException:\n"
            f"    traceback.print_exc()\n"
            f"    print('example block failed: ' + {b.where!r}, file=sys.stderr)\n"
            f"    sys.exit(1)"
        )
    return "\n".join(parts) + "\n"


ALL_BLOCKS = {p: extract(p) for p in SOURCES}
FILES = [p for p, blocks in ALL_BLOCKS.items() if blocks]
# The blocks of a file that need an optional package run as a group of their own (each block
# is self-contained, so this changes nothing else): marked slow, since JAX compiles the neural
# examples on first use, and skipped where the package is missing.
RUNS = []
for p in FILES:
    needs = sorted({b.requires for b in ALL_BLOCKS[p] if b.requires})
    if any(b.requires is None for b in ALL_BLOCKS[p]):
        RUNS.append(pytest.param(p, None, id=str(p.relative_to(ROOT))))
    for need in needs:
        RUNS.append(
            pytest.param(p, need, id=f"{p.relative_to(ROOT)}[{need}]", marks=pytest.mark.slow)
        )


def test_extractor_finds_the_readme_examples():
    """README has Python blocks: a broken extractor must not make the test vacuous."""
    assert len(ALL_BLOCKS[ROOT / "README.md"]) >= 5


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_blocks_are_self_contained(path):
    """No block uses a name it neither defines nor imports (the README's first fault)."""
    known = set(dir(builtins))
    for b in ALL_BLOCKS[path]:
        tree = ast.parse(b.source, filename=b.where)
        defined = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
                defined.add(node.id)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                defined.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
                defined.add(node.name)
            elif isinstance(node, ast.arg):
                defined.add(node.arg)
        used = {
            n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
        missing = sorted(used - defined - known)
        assert not missing, f"{b.where}: the block uses {missing} without defining them"


@pytest.mark.parametrize(("path", "requires"), RUNS)
def test_examples_run(path, requires, tmp_path):
    """The file's blocks that need nothing, or those that need ``requires``, in order."""
    if requires is not None and not _available(requires):
        pytest.skip(f"examples in {path.name} that need {requires}: {requires} not installed")
    runnable = [b for b in ALL_BLOCKS[path] if b.requires == requires]
    env = dict(os.environ, MPLBACKEND="Agg")  # isingvi as this interpreter imports it
    proc = subprocess.run(
        [sys.executable, "-c", _program(runnable)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
