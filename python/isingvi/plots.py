"""Shared figure style and atomic figure output for the paper workflow.

Every figure of the paper uses :func:`set_style` (seaborn "ticks", serif-free, sizes for a
two-column journal page) and is written with :func:`save_figure`, which writes each format
to a temporary file in the target folder and renames it into place: an interrupted job
leaves either no figure or a complete one, never half a PDF.

matplotlib and seaborn are imported lazily: ``import isingvi`` does not need them
(they come with the ``workflow`` extra).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ._validate import as_choice, as_float, as_real_array
from .results import atomic_open

__all__ = [
    "ALGORITHM_LABELS",
    "ALGORITHM_MARKERS",
    "CATEGORY_MARKERS",
    "CONTEXTS",
    "TEXT_WIDTH",
    "category_styles",
    "panel_label",
    "save_figure",
    "set_style",
    "size_palette",
]

#: Width of a full-page (two-column) figure, inches.
TEXT_WIDTH = 7.0

#: seaborn's plotting contexts, the values of ``set_style(context=...)``.
CONTEXTS = ("paper", "notebook", "talk", "poster")

#: Marker per Monte Carlo algorithm, the same in every figure.
ALGORITHM_MARKERS = {"wolff": "o", "metropolis": "s", "heatbath": "^", "swendsen-wang": "v"}
#: Legend label per Monte Carlo algorithm.
ALGORITHM_LABELS = {
    "wolff": "Wolff",
    "metropolis": "Metropolis",
    "heatbath": "heat bath",
    "swendsen-wang": "Swendsen-Wang",
}


def set_style(context: str = "paper", font_scale: float = 1.15) -> None:
    """Apply the paper style: seaborn ticks, light grid, vector-friendly fonts.

    Sets matplotlib's rcParams for the rest of the session (use ``matplotlib.rc_context`` to
    limit it to a block).

    Parameters
    ----------
    context : {"paper", "notebook", "talk", "poster"}
        seaborn's plotting context (:data:`CONTEXTS`).
    font_scale : float, default 1.15
        Font scale, a finite number > 0.

    Raises
    ------
    ValueError
        Naming ``context`` or ``font_scale``.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from isingvi.plots import set_style
    >>> with mpl.rc_context():
    ...     set_style("paper")
    ...     mpl.rcParams["pdf.fonttype"]  # TrueType: editable text in PDFs
    42
    """
    context = as_choice(context, "context", CONTEXTS)
    if not as_float(font_scale, "font_scale") > 0:
        raise ValueError(f"font_scale: must be > 0, got {font_scale!r}")
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(context=context, style="ticks", font_scale=font_scale)
    mpl.rcParams.update(
        {
            "axes.grid": True,
            "grid.alpha": 0.25,
            "grid.linewidth": 0.6,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "errorbar.capsize": 0,
            "lines.markersize": 4.0,
            "lines.linewidth": 1.2,
            "savefig.bbox": "tight",
            "savefig.pad_inches": 0.03,
            "pdf.fonttype": 42,  # TrueType in PDFs: editable text, accepted by journals
            "ps.fonttype": 42,
            "mathtext.fontset": "dejavusans",
        }
    )


def size_palette(sizes: Sequence) -> dict:
    """One colour per system size, light (small L) to dark (large L, towards the black of L = inf).

    Parameters
    ----------
    sizes : sequence of int or float
        Sizes: integers >= 1, or inf (the infinite lattice).

    Returns
    -------
    dict
        Size -> RGB tuple, for every finite size and for inf (black).

    Raises
    ------
    ValueError
        Naming ``sizes``.

    Examples
    --------
    >>> from isingvi.plots import size_palette
    >>> palette = size_palette([8, 16, float("inf")])
    >>> list(palette), palette[float("inf")]
    ([8, 16, inf], (0.0, 0.0, 0.0))
    """
    import numpy as np

    arr = np.atleast_1d(as_real_array(sizes, "sizes"))
    if arr.ndim != 1 or not np.all((arr == np.inf) | ((arr >= 1) & (arr == np.floor(arr)))):
        raise ValueError(f"sizes: must be a 1-D list of integers >= 1 or inf, got {sizes!r}")
    import seaborn as sns

    finite = sorted({int(s) for s in arr if s != np.inf})
    cmap = sns.color_palette("rocket_r", as_cmap=True)
    stops = np.linspace(0.2, 0.85, len(finite)) if len(finite) > 1 else [0.6] * len(finite)
    palette: dict[float, tuple] = {L: tuple(cmap(t)[:3]) for L, t in zip(finite, stops)}
    palette[float("inf")] = (0.0, 0.0, 0.0)
    return palette


#: Markers of :func:`category_styles`, in order (each also reads when drawn open).
CATEGORY_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "p")


def category_styles(keys: Sequence) -> dict:
    """A colour and a marker per category, both different from one category to the next.

    For series that a reader must tell apart (e.g. one per number of components K) even in
    grey-scale print or with a colour-vision deficiency: seaborn's "colorblind" palette and
    :data:`CATEGORY_MARKERS`, in the order of ``keys``.

    Parameters
    ----------
    keys : sequence of hashable
        The categories, each once, at most ``len(CATEGORY_MARKERS)`` (10) of them.

    Returns
    -------
    dict
        ``{key: (rgb, marker)}``, rgb a tuple of three floats in [0, 1], marker a matplotlib
        marker string.

    Raises
    ------
    ValueError
        If ``keys`` is not a sequence, is empty, repeats a key or has more than 10 keys.

    Examples
    --------
    >>> from isingvi import plots
    >>> style = plots.category_styles([1, 2, 4, 16])
    >>> style[1][1], style[2][1]
    ('o', 's')
    """
    if isinstance(keys, (str, bytes)) or not isinstance(keys, Sequence):
        raise ValueError(f"keys: must be a sequence of categories, got {type(keys).__name__}")
    keys = list(keys)
    if not 1 <= len(keys) <= len(CATEGORY_MARKERS):
        raise ValueError(f"keys: needs 1 to {len(CATEGORY_MARKERS)} categories, got {len(keys)}")
    try:
        distinct = len(set(keys))
    except TypeError:  # unhashable categories
        raise ValueError(f"keys: categories must be hashable, got {keys!r}") from None
    if distinct != len(keys):
        raise ValueError(f"keys: each category once, got {keys!r}")
    import seaborn as sns

    colours = sns.color_palette("colorblind", len(keys))
    return {k: (tuple(c), m) for k, c, m in zip(keys, colours, CATEGORY_MARKERS)}


def panel_label(ax, label: str) -> None:
    """Bold panel letter, e.g. "(a)", in the top-left corner outside the axes.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The panel.
    label : str
        The letter, e.g. "(a)".

    Raises
    ------
    ValueError
        Naming ``ax`` or ``label``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from isingvi.plots import panel_label
    >>> fig, ax = plt.subplots()
    >>> panel_label(ax, "(a)")
    >>> [t.get_text() for t in ax.texts]
    ['(a)']
    >>> plt.close(fig)
    """
    if not isinstance(label, str):
        raise ValueError(f"label: must be a string, got {label!r}")
    if not callable(getattr(ax, "text", None)) or not hasattr(ax, "transAxes"):
        raise ValueError(f"ax: must be a matplotlib Axes, got {type(ax).__name__}")
    ax.text(-0.16, 1.04, label, transform=ax.transAxes, fontweight="bold", va="bottom", ha="left")


def save_figure(
    fig, path: str | os.PathLike, formats: Sequence[str] | None = None, dpi: int = 300
) -> list[Path]:
    """Write ``fig`` atomically to ``path`` and its siblings in other formats.

    Each file goes to a temporary name in the target folder first and is then renamed
    (:func:`isingvi.results.atomic_open`), so readers never see a partial file. Creation dates
    are left out, so the same figure gives the same bytes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    path : str or os.PathLike
        Output path; its suffix (e.g. ``.pdf``) is the first format.
    formats : str or sequence of str, optional
        A format or a list of further formats written next to it with the same stem (default:
        "png" for a PDF path, nothing otherwise), e.g. ``save_figure(fig, "F1.pdf")`` writes
        F1.pdf and F1.png; each one matplotlib can write
        (``fig.canvas.get_supported_filetypes()``).
    dpi : int, default 300
        Resolution of raster formats, > 0.

    Returns
    -------
    list of pathlib.Path
        The paths written, the path's own format first.

    Raises
    ------
    ValueError
        Naming ``fig``, ``path`` (no suffix, or a format matplotlib cannot write), ``formats``
        or ``dpi`` (not > 0, or a raster side outside 1 to 65535 pixels).

    Examples
    --------
    >>> import os, tempfile
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from isingvi.plots import save_figure
    >>> fig, ax = plt.subplots(figsize=(2, 2))
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> paths = save_figure(fig, os.path.join(tempfile.mkdtemp(), "F1.pdf"), dpi=50)
    >>> [p.name for p in paths]
    ['F1.pdf', 'F1.png']
    >>> plt.close(fig)
    """
    if not callable(getattr(fig, "savefig", None)) or not hasattr(fig, "canvas"):
        raise ValueError(f"fig: must be a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"path: must be a str or path, got {type(path).__name__}")
    path = Path(path)
    first = path.suffix.lstrip(".").lower()
    if not first:
        raise ValueError(
            f"path: needs a suffix naming the format (.pdf, .png, ...), got {str(path)!r}"
        )
    if formats is None:
        formats = ["png"] if first == "pdf" else []
    elif isinstance(formats, str):  # one format, not a sequence of letters
        formats = [formats]
    if not isinstance(formats, Sequence) or not all(isinstance(f, str) for f in formats):
        raise ValueError(f"formats: must be a format name or a list of them, got {formats!r}")
    supported = fig.canvas.get_supported_filetypes()
    if first not in supported:
        raise ValueError(
            f"path: matplotlib cannot write format {first!r}; it writes {', '.join(sorted(supported))}"
        )
    formats = [f.lstrip(".").lower() for f in formats]
    for fmt in formats:
        if fmt not in supported:
            raise ValueError(
                f"formats: matplotlib cannot write {fmt!r}; it writes {', '.join(sorted(supported))}"
            )
    if not as_float(dpi, "dpi") > 0:
        raise ValueError(f"dpi: must be > 0, got {dpi!r}")
    size = fig.get_size_inches()
    if not (
        min(size) * dpi >= 1 and max(size) * dpi < 2**16
    ):  # matplotlib's raster limits per side
        raise ValueError(
            f"dpi: gives {min(size) * dpi:.3g} to {max(size) * dpi:.3g} pixels per side for this figure; "
            "matplotlib draws 1 to 65535"
        )
    written = []
    for fmt in dict.fromkeys([first, *formats]):  # each format once, the path's first
        target = path.with_suffix("." + fmt)
        with atomic_open(target, "wb") as fh:
            fig.savefig(fh, format=fmt, dpi=dpi, metadata=_metadata(fmt))
        written.append(target)
    return written


def _metadata(fmt: str) -> dict | None:
    # Drop creation dates so that re-running with the same inputs gives the same bytes.
    if fmt == "pdf":
        return {"CreationDate": None, "Creator": "isingvi"}
    if fmt == "png":
        return {"Software": "isingvi"}
    if fmt == "svg":
        return {"Date": None}
    return None
