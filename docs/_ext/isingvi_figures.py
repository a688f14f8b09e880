"""Sphinx directive ``.. isingvi-figure:: F1``: a paper figure with the workflow's caption.

The caption is ``pipeline/report/f1.rst``, the very text ``snakemake --report`` shows, rendered
with the shipped ``config.yaml`` (the captions quote sizes and replicates from the config
through Jinja, as the report does). The image is embedded only when the workflow has built
``results/figures/F1_*.png`` in the checkout; otherwise the page says how to build it. The
figure's file name comes from its plot rule in ``pipeline/rules/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import jinja2
import yaml
from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList
from isingvi_bars import escape_bars

ROOT = Path(__file__).resolve().parents[2]
_FIGURE = re.compile(r'"results/figures/(F\d+)_(\w+)\.pdf"')


def figure_paths() -> dict[str, str]:
    """{"F1": "results/figures/F1_thermodynamics.pdf", ...} from the plot rules."""
    found = {}
    for smk in sorted((ROOT / "pipeline" / "rules").glob("*.smk")):
        for fig, name in _FIGURE.findall(smk.read_text(encoding="utf-8")):
            found[fig] = f"results/figures/{fig}_{name}.pdf"
    return found


def render_caption(figure: str) -> str:
    """The report caption of a figure, with the shipped config's values filled in."""
    path = ROOT / "pipeline" / "report" / f"{figure.lower()}.rst"
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    template = env.from_string(path.read_text(encoding="utf-8"))
    text = template.render(snakemake=SimpleNamespace(config=config))
    return "\n".join(escape_bars(line) for line in text.splitlines())


class IsingviFigure(Directive):
    required_arguments = 1
    has_content = False

    def run(self):
        figure = self.arguments[0]
        pdf = figure_paths().get(figure)
        if pdf is None:
            raise self.error(f"isingvi-figure: no plot rule writes figure {figure}")
        try:
            caption = render_caption(figure)
        except (OSError, jinja2.TemplateError) as exc:
            raise self.error(f"isingvi-figure {figure}: caption: {exc}") from exc
        png = ROOT / pdf.replace(".pdf", ".png")
        lines = []
        if png.is_file():
            # "/" is the docs folder; the figure lives in the checkout beside it
            lines += [f".. figure:: /../{png.relative_to(ROOT).as_posix()}", "   :width: 100%", ""]
            lines += ["   " + s if s.strip() else "" for s in caption.splitlines()]
        else:
            lines += caption.splitlines()
            lines += [
                "",
                f"*Not built in this checkout:* ``snakemake --cores 4 {pdf}`` writes it "
                f"(PDF and PNG).",
            ]
        source = self.state_machine.get_source(self.lineno)
        holder = nodes.container()
        self.state.nested_parse(StringList(lines, source=source), self.content_offset, holder)
        return holder.children


def setup(app):
    app.add_directive("isingvi-figure", IsingviFigure)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
