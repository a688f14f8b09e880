"""The type stub python/isingvi/_core.pyi matches the compiled module isingvi._core.

Fails when _core gains a public name the stub lacks, when the stub names something _core
does not have, and when the parameters of a function or method (as pybind11 reports them in
its signature docstrings) differ from the stub's, including the number of overloads.
"""

from __future__ import annotations

import ast
import inspect
import pathlib
import re

import isingvi
import isingvi._core as core
import pytest

STUB = pathlib.Path(isingvi.__file__).with_name("_core.pyi")


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _runtime_public(obj) -> set[str]:
    return {n for n in dir(obj) if not _is_dunder(n)}


@pytest.fixture(scope="module")
def stub() -> ast.Module:
    assert STUB.is_file(), f"missing stub {STUB}"
    return ast.parse(STUB.read_text(), filename=str(STUB))


def _top_level(tree: ast.Module) -> dict[str, list[ast.AST]]:
    """Top-level names of the stub: name -> its definitions (several for overloads)."""
    out: dict[str, list[ast.AST]] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.setdefault(node.target.id, []).append(node)
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out.setdefault(t.id, []).append(node)
    return out


def _stub_helpers(tree: ast.Module) -> set[str]:
    """Private type aliases of the stub (``_Int = ...``): allowed although _core lacks them."""
    return {
        t.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name) and t.id.startswith("_") and not _is_dunder(t.id)
    }


def _split_top(text: str) -> list[str]:
    """Split at commas that are not inside brackets."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        parts.append("".join(cur))
    return parts


def _signatures(func, name: str) -> list[list[str]]:
    """Parameter names of every overload from pybind11's signature docstring lines."""
    sigs = []
    for line in (func.__doc__ or "").splitlines():
        m = re.match(rf"^\s*(?:\d+\.\s*)?{re.escape(name)}\((.*)\)\s*->", line)
        if not m:
            continue
        params = [p.split(":")[0].split("=")[0].strip() for p in _split_top(m.group(1))]
        sigs.append([p for p in params if p and p not in ("self", "*args", "**kwargs")])
    return sigs


def _stub_params(fn: ast.FunctionDef) -> list[str]:
    names = [a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]
    return [n for n in names if n != "self"]


def test_stub_exists_with_py_typed():
    assert STUB.is_file()
    assert STUB.with_name("py.typed").is_file()


def test_every_public_name_of_core_is_in_the_stub(stub):
    names = _top_level(stub)
    runtime = _runtime_public(core) | {"__version__"}
    missing = sorted(runtime - set(names))
    assert not missing, f"_core.pyi lacks {missing}"


def test_stub_names_nothing_that_core_lacks(stub):
    names = set(_top_level(stub)) - _stub_helpers(stub)
    extra = sorted(n for n in names if not hasattr(core, n))
    assert not extra, f"_core.pyi names {extra}, which isingvi._core does not have"


def test_version_is_a_string_in_both(stub):
    assert isinstance(core.__version__, str)
    node = _top_level(stub)["__version__"][0]
    assert isinstance(node, ast.AnnAssign) and ast.unparse(node.annotation) == "str"


@pytest.mark.parametrize("cls_name", ["Lattice", "Graph"])
def test_class_members_match(stub, cls_name):
    (cls_node,) = _top_level(stub)[cls_name]
    assert isinstance(cls_node, ast.ClassDef)
    stub_members = {n.name for n in cls_node.body if isinstance(n, ast.FunctionDef)}
    cls = getattr(core, cls_name)
    base = _runtime_public(cls.__mro__[-2])  # pybind11_object's own names
    # pybind11 adds _pybind11_conduit_v1_ to every class: an implementation detail
    runtime = {n for n in _runtime_public(cls) - base if not n.startswith("_pybind11")} | {
        "__init__"
    }
    assert runtime - stub_members == set(), (
        f"{cls_name}: stub lacks {sorted(runtime - stub_members)}"
    )
    assert stub_members - runtime == set(), (
        f"{cls_name}: stub has extra {sorted(stub_members - runtime)}"
    )
    # properties are properties in both, methods are methods in both
    for fn in cls_node.body:
        if not isinstance(fn, ast.FunctionDef) or fn.name == "__init__":
            continue
        is_prop = any(ast.unparse(d) == "property" for d in fn.decorator_list)
        assert is_prop == isinstance(inspect.getattr_static(cls, fn.name), property), (
            f"{cls_name}.{fn.name}"
        )


@pytest.mark.parametrize("cls_name", ["Lattice", "Graph"])
def test_method_parameters_match(stub, cls_name):
    (cls_node,) = _top_level(stub)[cls_name]
    cls = getattr(core, cls_name)
    for fn in cls_node.body:
        if not isinstance(fn, ast.FunctionDef) or any(
            ast.unparse(d) == "property" for d in fn.decorator_list
        ):
            continue
        sigs = _signatures(getattr(cls, fn.name), fn.name)
        assert sigs, f"no pybind11 signature for {cls_name}.{fn.name}"
        assert [_stub_params(fn)] == sigs, f"{cls_name}.{fn.name}"


def test_function_parameters_and_overloads_match(stub):
    names = _top_level(stub)
    checked = 0
    for name, nodes in names.items():
        fns = [n for n in nodes if isinstance(n, ast.FunctionDef)]
        if not fns:
            continue
        sigs = _signatures(getattr(core, name), name)
        assert sigs, f"no pybind11 signature for {name}"
        if len(sigs) > 1:
            assert all(any(ast.unparse(d) == "overload" for d in f.decorator_list) for f in fns), (
                name
            )
        assert [_stub_params(f) for f in fns] == sigs, name
        checked += 1
    assert checked == len(
        [
            n
            for n in _runtime_public(core)
            if callable(getattr(core, n)) and not isinstance(getattr(core, n), type)
        ]
    )


def test_mc_sweep_has_two_overloads(stub):
    assert len(_top_level(stub)["mc_sweep"]) == 2
    assert len(_signatures(core.mc_sweep, "mc_sweep")) == 2


def test_the_checker_detects_a_missing_and_an_extra_name(stub):
    """The comparison itself can fail: drop a name, add a bogus one."""
    trimmed = ast.Module(
        body=[n for n in stub.body if getattr(n, "name", None) != "kaufman"], type_ignores=[]
    )
    runtime = _runtime_public(core) | {"__version__"}
    assert runtime - set(_top_level(trimmed)) == {"kaufman"}
    bogus = ast.parse(STUB.read_text() + "\ndef not_in_core() -> None: ...\n")
    assert {n for n in set(_top_level(bogus)) - _stub_helpers(bogus) if not hasattr(core, n)} == {
        "not_in_core"
    }
