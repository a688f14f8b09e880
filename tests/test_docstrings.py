"""Every public function, class and method has a numpydoc docstring that parses, with the
sections a user looks for and a return annotation, and every docstring example runs.

Public means: a name in ``__all__`` of :mod:`isingvi` or of one of its public submodules, and
the public methods of those classes. Functions and methods need Parameters (when they take
any), Returns or Yields (when they return something) and Examples; classes Parameters,
Attributes and Examples. The examples run with doctest (NORMALIZE_WHITESPACE and ELLIPSIS),
module by module; those of :mod:`isingvi.neural` need JAX, those of :mod:`isingvi.plots`
seaborn, and are skipped without.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import inspect
import pkgutil
import warnings

import isingvi
import pytest

docscrape = pytest.importorskip("numpydoc.docscrape")


def _importable(name: str) -> bool:
    return importlib.util.find_spec(name) is not None  # without importing it (JAX is slow to)


# modules whose examples need an optional extra: (module prefix, what it needs, present?)
OPTIONAL = [
    ("isingvi.neural.", "JAX (the neural extra)", _importable("jax")),
    ("isingvi.plots.", "matplotlib and seaborn (the workflow extra)", _importable("seaborn")),
]

# The public submodules of isingvi and isingvi.neural, and the packages themselves.
MODULES = [
    "isingvi",
    *sorted(
        name
        for pkg in (isingvi, isingvi.neural)
        for _, name, _ in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + ".")
        if not name.rsplit(".", 1)[1].startswith("_")
    ),
]

# numpydoc's names for a property of a compiled (pybind11) class
_PROPERTY_TYPES = (property, type(isingvi.Graph.n))


def _missing_extra(modname: str) -> str | None:
    """What a module's examples need that is not installed, or None."""
    for prefix, needs, present in OPTIONAL:
        if (modname + ".").startswith(prefix) and not present:
            return needs
    return None


def _own_public_methods(cls) -> list[tuple[str, object]]:
    """Public methods that the class or one of its Python (isingvi) bases defines."""
    out = {}
    for base in reversed(cls.__mro__):
        if not base.__module__.startswith("isingvi") or base.__module__ == "isingvi._core":
            continue
        for attr, member in vars(base).items():
            if isinstance(member, staticmethod | classmethod):
                member = member.__func__
            if not attr.startswith("_") and inspect.isfunction(member):
                out[attr] = member
    return sorted(out.items())


def _public_attributes(cls) -> set[str]:
    """Dataclass fields and public properties, those of the compiled base included."""
    names = {f for f in getattr(cls, "__dataclass_fields__", {}) if not f.startswith("_")}
    for base in cls.__mro__:
        for attr, member in vars(base).items():
            if not attr.startswith("_") and isinstance(member, _PROPERTY_TYPES):
                names.add(attr)
    return names


def _public_api():
    """pytest params (object, kind) of every public function, class and method, once each."""
    seen: set[int] = set()
    rows = []
    for modname in MODULES:
        mod = importlib.import_module(modname)
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if id(obj) in seen or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            seen.add(id(obj))
            qual = f"{obj.__module__}.{obj.__qualname__}"
            kind = "class" if inspect.isclass(obj) else "function"
            rows.append(pytest.param(obj, kind, id=qual))
            if kind == "class":
                rows += [
                    pytest.param(m, "method", id=f"{qual}.{attr}")
                    for attr, m in _own_public_methods(obj)
                ]
    return rows


def _parse(obj):
    doc = inspect.getdoc(obj)
    assert doc, "no docstring"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an unknown or malformed section fails the test
        return docscrape.NumpyDocString(doc)


def _documented(section) -> set[str]:
    """Names listed in a Parameters / Attributes section ("a, b : int" lists two)."""
    return {n.strip().lstrip("*") for p in section for n in p.name.split(",")}


def _parameter_names(obj, kind: str) -> list[str]:
    if kind == "class" and issubclass(obj, BaseException):
        return []  # a warning or error takes its message
    params = list(inspect.signature(obj.__init__ if kind == "class" else obj).parameters)
    if kind != "function" and params[:1] in (["self"], ["cls"]):
        params = params[1:]
    return [p for p in params if not p.startswith("_")]  # private dataclass fields


API = _public_api()


def test_the_walk_finds_the_api():
    names = {p.id for p in API}
    assert "isingvi.mc.run" in names
    assert "isingvi.models.Graph.energy" in names
    assert "isingvi.mc.MCResult.summary" in names
    assert len(names) > 50


@pytest.mark.parametrize(("obj", "kind"), API)
def test_public_docstring_is_complete(obj, kind):
    doc = _parse(obj)
    assert doc["Summary"], "no one-line summary"
    params = _parameter_names(obj, kind)
    if params:
        assert doc["Parameters"], "no Parameters section"
        missing = set(params) - _documented(doc["Parameters"])
        assert not missing, f"parameters not documented: {sorted(missing)}"
    assert doc["Examples"], "no Examples section"
    if kind == "class":
        if not issubclass(obj, BaseException):
            assert doc["Attributes"], "no Attributes section"
        missing = _public_attributes(obj) - _documented(doc["Attributes"])
        assert not missing, f"attributes not documented: {sorted(missing)}"
        return
    ret = inspect.signature(obj).return_annotation
    assert ret is not inspect.Signature.empty, "no return annotation"
    if inspect.isgeneratorfunction(inspect.unwrap(obj)):  # a generator or context manager
        assert doc["Yields"], "no Yields section"
    elif ret not in (None, "None"):
        assert doc["Returns"], "no Returns section"


# The neural examples fit networks: JAX compiles each one, seconds apiece.
EXAMPLE_MODULES = [
    pytest.param(m, marks=pytest.mark.slow) if m.startswith("isingvi.neural") else m
    for m in MODULES
]


@pytest.mark.parametrize("modname", EXAMPLE_MODULES)
def test_docstring_examples_run(modname):
    needs = _missing_extra(modname)
    if needs:
        pytest.skip(f"needs {needs}")
    mod = importlib.import_module(modname)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(mod, modname):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed (stdout)"
