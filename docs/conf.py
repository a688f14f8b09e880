"""Sphinx configuration of the isingvi documentation.

Why Sphinx with numpydoc (and not mkdocs-material with mkdocstrings): the package's docstrings
are written in numpydoc form, which numpydoc renders as they are meant to be read and can
validate section by section (``numpydoc_validation_checks``); Sphinx's autodoc imports the
compiled module and documents the pybind11 classes beside the Python ones; and the figure
captions of the workflow (``pipeline/report/*.rst``) are reStructuredText already, so the
figures page includes them instead of copying them.

Build: ``sphinx-build -W --keep-going -b html docs docs/_build/html`` (tests/test_docs.py
does the same into a temporary folder).
"""

from __future__ import annotations

import sys
from pathlib import Path

import isingvi

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

project = "isingvi"
author = "the isingvi authors"
copyright = "the isingvi authors, MIT licence"
release = isingvi.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "isingvi_figures",  # docs/_ext: the paper's figures with the workflow's own captions
    "isingvi_bars",  # docs/_ext: a plain |x| in a docstring is an absolute value
]

exclude_patterns = ["_build", "README.md"]
root_doc = "index"
nitpicky = False

# autodoc: members in each module's __all__, in source order; type hints stay in signatures.
autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "signature"
autosummary_generate = False  # the API page's tables link to the module pages, no stubs

# numpydoc: the module pages document methods themselves, so no member tables or stub pages.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "alabaster"
html_title = f"isingvi {release}"
html_theme_options = {"description": "statistical mechanics and variational inference"}
