"""Formula sheets: LaTeX (compiled to PDF with pdflatex) and Markdown, from the catalog.

    import symacts.sheets
    symacts.sheets.write("out", formats=("pdf",))                 # every activation
    symacts.sheets.write("out", formats=("md",), only=["mish", "my_act"])
    tex = symacts.sheets.tex_source(["relu", "gelu"])             # the LaTeX as a string

Existing files are never overwritten unless ``force=True``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..activation import Activation
from ..registry import all_activations, get
from . import content, markdown, tex
from .pdf import SheetError, compile_pdf

__all__ = ["FILES", "FORMATS", "SheetError", "markdown_source", "select", "tex_source", "write"]

FORMATS = ("tex", "pdf", "md")
FILES = {"tex": "formula_sheet.tex", "pdf": "formula_sheet.pdf", "md": "FORMULAS.md"}
PLOT_DIR = "plots"


def select(only: Iterable[Activation | str] | None = None) -> list[Activation]:
    """The activations to show: all registered ones, or ``only`` (names, aliases or objects)."""
    if only is None:
        return all_activations()
    if isinstance(only, (str, Activation)):
        only = [only]
    chosen: list[Activation] = []
    for item in only:
        act = item if isinstance(item, Activation) else get(str(item).strip())
        if all(a.name != act.name for a in chosen):
            chosen.append(act)
    if not chosen:
        raise SheetError("no activation selected")
    return chosen


def tex_source(only: Iterable[Activation | str] | None = None, plot_dir: str = PLOT_DIR) -> str:
    """The LaTeX source of the sheet (figures read from ``<plot_dir>/<name>.png``)."""
    return tex.render(content.entries(select(only)), plot_dir)


def markdown_source(only: Iterable[Activation | str] | None = None,
                    plot_dir: str = PLOT_DIR) -> str:
    """The Markdown sheet (figures linked as ``<plot_dir>/<name>.png``)."""
    return markdown.render(content.entries(select(only)), plot_dir)


def _check_formats(formats: Sequence[str] | str) -> list[str]:
    if isinstance(formats, str):
        formats = [formats]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise SheetError(f"format must be one of {', '.join(FORMATS)}; got {', '.join(bad)}")
    return list(dict.fromkeys(formats))


def figure_paths(acts: Sequence[Activation], plot_dir: Path) -> list[Path]:
    return [plot_dir / f"{a.name}.png" for a in acts]


def render_figures(acts: Sequence[Activation], plot_dir: Path) -> list[Path]:
    """The small f/f' figure (PNG) of each activation."""
    from ..plots import render_activation

    out: list[Path] = []
    for a in acts:
        out += render_activation(a, plot_dir, formats=("png",))
    return out


def write(
    out_dir: str | Path = ".",
    formats: Sequence[str] | str = FORMATS,
    only: Iterable[Activation | str] | None = None,
    force: bool = False,
) -> list[Path]:
    """Write the sheets into ``out_dir``; return the files written.

    ``tex`` and ``md`` also write the figures they show (``plots/<name>.png``); ``pdf``
    writes only the PDF. Refuses to overwrite any existing file unless ``force=True``.
    """
    fmts = _check_formats(formats)
    acts = select(only)
    out = Path(out_dir)
    plot_dir = out / PLOT_DIR
    targets = [out / FILES[f] for f in fmts]
    if "tex" in fmts or "md" in fmts:
        targets += figure_paths(acts, plot_dir)
    existing = [str(p) for p in targets if p.exists()]
    if existing and not force:
        raise SheetError("refusing to overwrite existing file(s): " + ", ".join(existing)
                         + " (use --force, or force=True, to overwrite)")
    entries = content.entries(acts)
    written: list[Path] = []
    out.mkdir(parents=True, exist_ok=True)
    if "tex" in fmts or "md" in fmts:
        written += render_figures(acts, plot_dir)
    if "tex" in fmts:
        path = out / FILES["tex"]
        path.write_text(tex.render(entries, PLOT_DIR), encoding="utf-8")
        written.append(path)
    if "md" in fmts:
        path = out / FILES["md"]
        path.write_text(markdown.render(entries, PLOT_DIR), encoding="utf-8")
        written.append(path)
    if "pdf" in fmts:
        source = tex.render(entries, PLOT_DIR)
        if "tex" in fmts or "md" in fmts:
            written.append(compile_pdf(source, figure_paths(acts, plot_dir), out / FILES["pdf"]))
        else:
            with tempfile.TemporaryDirectory(prefix="symacts-plots-") as tmp:
                figs = render_figures(acts, Path(tmp))
                written.append(compile_pdf(source, figs, out / FILES["pdf"]))
    return written
