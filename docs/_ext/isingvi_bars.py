"""Plain ``|x|`` in docstrings and figure captions is an absolute value, not a substitution.

The docstrings are also read with ``help()``, where ``|M|`` and ``|J_ij|`` are the natural way
to write an absolute value; reStructuredText would read them as substitution references and
fail. Outside inline literals, roles and math (anything between backticks), this escapes such
bars so that they print as written.
"""

from __future__ import annotations

import re

# a span between backticks (``literal``, `interpreted`, :role:`x`) is left as it is
_CODE = re.compile(r"(``.+?``|`[^`]+`)")
# |x| where x starts and ends with a non-blank and holds no bar: what docutils would take
# for a substitution reference
_BARS = re.compile(r"(?<![\\\w|])\|(?=\S)([^|`\n]*?\S)\|(?![\w|])")


def escape_bars(line: str) -> str:
    """``a |m| b`` -> ``a \\|m\\| b``, outside backticks; a line block (``| text``) is kept."""
    if line.lstrip().startswith("| "):
        return line
    parts = _CODE.split(line)
    return "".join(p if i % 2 else _BARS.sub(r"\\|\1\\|", p) for i, p in enumerate(parts))


def _process_docstring(app, what, name, obj, options, lines):
    lines[:] = [escape_bars(line) for line in lines]


def setup(app):
    app.setup_extension("sphinx.ext.autodoc")
    app.connect("autodoc-process-docstring", _process_docstring)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
