"""Compile the LaTeX sheet with pdflatex into byte-stable PDF.

Two passes (table of contents), in a private temporary folder, with ``SOURCE_DATE_EPOCH`` and
``FORCE_SOURCE_DATE=1`` so no clock time reaches the file; the source itself sets
``\\pdftrailerid{}`` and omits the info dates.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import SymactsError

#: Debian packages that provide pdflatex and every package the sheet uses
TEX_PACKAGES = ("texlive-latex-base", "texlive-latex-recommended", "texlive-latex-extra",
                "texlive-fonts-recommended")
#: a fixed time stamp (2024-01-01T00:00:00Z) for everything pdfTeX would date
SOURCE_DATE_EPOCH = "1704067200"
TIMEOUT = 180


class SheetError(SymactsError, RuntimeError):
    """The sheet cannot be produced (no pdflatex, a LaTeX error, an existing file...)."""


def pdflatex() -> str:
    """Path of pdflatex; a :class:`SheetError` naming the Debian packages when absent."""
    exe = shutil.which("pdflatex")
    if exe is None:
        raise SheetError(
            "pdflatex was not found; install TeX, e.g. Debian/Ubuntu: `apt-get install "
            + " ".join(TEX_PACKAGES) + "` (or write the sheet with --format tex or md)"
        )
    return exe


def _log_tail(log: Path, lines: int = 25) -> str:
    if not log.exists():
        return ""
    text = log.read_text(encoding="latin-1").splitlines()
    errors = [i for i, t in enumerate(text) if t.startswith("!")]
    start = errors[0] if errors else max(0, len(text) - lines)
    return "\n".join(text[start:start + lines])


def compile_pdf(source: str, figures: Iterable[Path], out: Path,
                plot_dir: str = "plots") -> Path:
    """Compile ``source`` (which includes ``<plot_dir>/<file>``) to ``out``."""
    exe = pdflatex()
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, FORCE_SOURCE_DATE="1",
               TZ="UTC", LC_ALL="C")
    with tempfile.TemporaryDirectory(prefix="symacts-tex-") as tmp:
        work = Path(tmp)
        (work / plot_dir).mkdir(parents=True)
        for fig in figures:
            shutil.copyfile(fig, work / plot_dir / Path(fig).name)
        tex = work / "formula_sheet.tex"
        tex.write_text(source, encoding="utf-8")
        cmd = [exe, "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
               tex.name]
        for _ in range(2):  # second pass resolves the table of contents
            try:
                done = subprocess.run(cmd, cwd=work, env=env, capture_output=True,
                                      timeout=TIMEOUT, check=False)
            except subprocess.TimeoutExpired:
                raise SheetError(f"pdflatex took longer than {TIMEOUT} s") from None
            if done.returncode != 0:
                raise SheetError("pdflatex failed:\n" + _log_tail(work / "formula_sheet.log"))
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "formula_sheet.pdf", out)
    return out
