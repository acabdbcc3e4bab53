"""``generated/FORMULAS.md``, ``generated/formula_sheet.tex`` and ``formula_sheet.pdf``.

Runs after the plots step and reuses its PNGs (``plots/<name>.png``); when they are missing
(``--only sheet``) the figures are rendered into a temporary folder for the PDF.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from symacts.registry import all_activations

STEP = (40, "formula sheets")


def build(out: Path, progress=None) -> list[Path]:
    from symacts.plots import family_members
    from symacts.sheets import FILES, PLOT_DIR, content, markdown, render_figures, tex
    from symacts.sheets.pdf import compile_pdf

    acts = [a for a in all_activations() if not a.user_defined]
    if progress is not None:
        progress(0, 3, "sheet contents")
    entries = content.entries(acts)
    overview = [("All activations: f (solid) and f' (dashed)", "gallery.png")]
    overview += [(f"Family: {fam.replace('_smooth', ' (smooth members)')}", f"family_{fam}.png")
                 for fam in family_members(acts)]
    written = []
    md = out / FILES["md"]
    md.write_text(markdown.render(entries, PLOT_DIR, overview), encoding="utf-8")
    if progress is not None:
        progress(1, 3, "LaTeX and Markdown")
    source = tex.render(entries, PLOT_DIR)
    tex_path = out / FILES["tex"]
    tex_path.write_text(source, encoding="utf-8")
    written += [md, tex_path]
    if progress is not None:
        progress(2, 3, "pdflatex")
    figures = [out / PLOT_DIR / f"{a.name}.png" for a in acts]
    if all(f.exists() for f in figures):
        written.append(compile_pdf(source, figures, out / FILES["pdf"]))
    else:
        with tempfile.TemporaryDirectory(prefix="symacts-plots-") as tmp:
            figures = render_figures(acts, Path(tmp))
            written.append(compile_pdf(source, figures, out / FILES["pdf"]))
    return written
