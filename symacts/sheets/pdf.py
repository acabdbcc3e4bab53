"""Compile the LaTeX sheet with pdflatex into byte-stable PDF.

pdflatex runs in a private temporary folder until its auxiliary files (``.aux``, ``.toc``,
``.out``) are a fixed point: a pass that reads exactly what it writes has typeset the contents,
the longtable widths and the bookmarks with the page numbers they name (the contents shift every
page after them, so two passes are one page off). The passes before that use ``-draftmode``
(no PDF written, no image embedded), which typesets the same pages at a quarter of the cost.
``SOURCE_DATE_EPOCH`` and ``FORCE_SOURCE_DATE=1`` keep clock time out of the file; the source
itself sets ``\\pdftrailerid{}`` and omits the info dates.
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
#: passes after which auxiliary files that still change are an error (four suffice today:
#: three draft passes to settle the references, one that writes the PDF)
MAX_PASSES = 8
#: files pdflatex writes and reads back on the next pass
AUX_SUFFIXES = (".aux", ".toc", ".out")


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


def _aux_state(work: Path, stem: str) -> dict[str, bytes]:
    """The auxiliary files of ``stem`` in ``work``, by suffix (absent ones left out)."""
    files = (work / (stem + suffix) for suffix in AUX_SUFFIXES)
    return {f.suffix: f.read_bytes() for f in files if f.exists()}


def compile_pdf(source: str, figures: Iterable[Path], out: Path,
                plot_dir: str = "plots", log: Path | None = None) -> Path:
    """Compile ``source`` (which includes ``<plot_dir>/<file>``) to ``out``.

    Runs pdflatex in draft mode (no PDF written) until the auxiliary files stop changing,
    then once more for the PDF (at most :data:`MAX_PASSES` in all); ``log`` receives a copy
    of the last pass's LaTeX log.
    """
    exe = pdflatex()
    with tempfile.TemporaryDirectory(prefix="symacts-tex-") as tmp:
        work = Path(tmp)
        (work / plot_dir).mkdir(parents=True)
        for fig in figures:
            shutil.copyfile(fig, work / plot_dir / Path(fig).name)
        tex = work / "formula_sheet.tex"
        tex.write_text(source, encoding="utf-8")
        cmd = [exe, "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
               tex.name]
        state = _aux_state(work, tex.stem)
        draft = True  # passes that only settle the references need not write the PDF
        for _ in range(MAX_PASSES):
            _run_pass([*cmd[:1], "-draftmode", *cmd[1:]] if draft else cmd, work)
            read, state = state, _aux_state(work, tex.stem)
            if state == read:
                if not draft:
                    break
                draft = False  # settled: one more pass, reading the same files, writes it
        else:
            raise SheetError(f"pdflatex's auxiliary files still changed after {MAX_PASSES} "
                             "passes (page references do not settle)")
        if log is not None:
            Path(log).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "formula_sheet.log", log)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "formula_sheet.pdf", out)
    return out


def _run_pass(cmd: list[str], work: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, FORCE_SOURCE_DATE="1",
               TZ="UTC", LC_ALL="C")
    try:
        done = subprocess.run(cmd, cwd=work, env=env, capture_output=True,
                              timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise SheetError(f"pdflatex took longer than {TIMEOUT} s") from None
    if done.returncode != 0:
        raise SheetError("pdflatex failed:\n" + _log_tail(work / "formula_sheet.log"))
