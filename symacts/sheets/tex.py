r"""The LaTeX formula sheet: one section per activation, a properties table up front.

The source needs only packages from Debian's texlive-latex-base, -recommended and -extra
(amsmath, graphicx, adjustbox, booktabs, longtable, hyperref, geometry). Long formulas are
scaled to the line width (``adjustbox``) instead of overflowing. The PDF is made byte-stable by
``\pdftrailerid{}``, ``\pdfinfoomitdate`` and ``\pdfsuppressptexinfo`` plus a fixed
``SOURCE_DATE_EPOCH`` (see :mod:`symacts.sheets.pdf`).
"""

from __future__ import annotations

from collections.abc import Sequence

from .content import Entry
from .texttools import tex_text

PREAMBLE = r"""\pdftrailerid{}
\pdfinfoomitdate=1
\pdfsuppressptexinfo=-1
\documentclass[10pt,a4paper]{article}
\usepackage[utf8]{inputenc}
\usepackage[margin=1.8cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\usepackage{adjustbox}
\usepackage{booktabs}
\usepackage{longtable}
\usepackage{multicol}
\usepackage{xcolor}
\usepackage[hidelinks,pdfcreator={symacts},pdftitle={symacts formula sheet}]{hyperref}
\setlength{\parindent}{0pt}
\setlength{\parskip}{3pt}
\newcommand{\formula}[1]{\par\smallskip\noindent\hfill%
  \adjustbox{max width=0.96\linewidth}{$\displaystyle #1$}\hfill\null\par\smallskip}
\newcommand{\field}[1]{\textbf{#1}\quad}
\newcommand{\colhead}[1]{\begin{tabular}[b]{@{}l@{}}#1\end{tabular}}
"""

INTRO = r"""\begin{center}
{\LARGE symacts formula sheet}\\[4pt]
{\small Generated from the catalog by \texttt{python scripts/regenerate.py}; do not edit.}
\end{center}

Every formula below is derived from a single SymPy definition per activation: the definition,
the derivative $f'$ in a compact form, the gradients with respect to the parameters, and the
properties are computed, never typed. Notation: $\sigma(u) = 1/(1 + e^{-u})$,
$\operatorname{softplus}(u) = \ln(1 + e^{u})$, $\Phi$ and $\phi$ the standard normal CDF and
density, $\operatorname{sech} = 1/\cosh$; inside derivatives, $f(x)$ stands for the activation
itself. Piecewise functions are differentiated branch by branch; at a kink $f'$ takes the value
stated under \emph{At the kinks} (PyTorch's backward where PyTorch has the activation, else JAX's).
Properties (for the default parameter values) marked \emph{unknown} could not be decided
by the engine. Plots show $f$ (blue) and
$f'$ (red) on each activation's plot range; dots mark the kinks and the values taken there.
"""


def _grouped(digits: str, size: int = 10) -> str:
    """1.6732632423543772848... with a thin space every ``size`` decimals."""
    head, _, tail = digits.partition(".")
    chunks = [tail[i:i + size] for i in range(0, len(tail), size)]
    return head + "." + r"\,".join(chunks) if tail else head


def tt(name: str) -> str:
    """Typewriter text with real underscores (glyph 95 of OT1 cmtt, copy-pastable)."""
    return r"\texttt{" + tex_text(name).replace(r"\_", r"\char95{}") + "}"


def _section(e: Entry, plot_dir: str) -> str:
    name = tex_text(e.name)
    lines = [
        r"\bigskip",
        r"\section{\texorpdfstring{" + tt(e.name) + "}{" + name + "}}",
        r"\label{act:" + e.name + "}",
        r"\noindent\begin{minipage}{\linewidth}",  # one activation never splits across pages
        r"\setlength{\parskip}{3pt}",
    ]
    if e.aliases:
        lines.append(r"{\small Aliases: " + ", ".join(
            tt(a) for a in e.aliases) + r"}\par")
    if e.summary:
        lines.append(r"\emph{" + tex_text(e.summary) + r"}\par")
    lines.append(r"\field{Definition}")
    lines.append(r"\formula{f(x) = " + e.definition + "}")
    if e.params:
        lines.append(r"\field{Parameters}\par")
        lines.append(r"{\small\begin{tabular}{@{}llll@{}}")
        lines.append(r"\toprule symbol & name & default & domain \\ \midrule")
        for p in e.params:
            lines.append(
                f"${p.tex}$ & {tt(p.name)} & ${p.default_tex}$ & "
                f"{tex_text(p.domain)}"
                + (f" --- {tex_text(p.doc)}" if p.doc else "") + r" \\"
            )
        lines.append(r"\bottomrule\end{tabular}}\par")
    if e.constants:
        lines.append(r"\field{Constants}\par{\small\begin{tabular}{@{}l@{${}={}$}l@{}}")
        for sym, digits in e.constants:
            lines.append(f"${sym}$ & ${_grouped(digits)}\\ldots$ \\\\")
        lines.append(r"\end{tabular}}\par")
    lines.append(r"\field{Derivative}")
    lines.append(r"\formula{f'(x) = " + e.derivative + "}")
    if e.gradients:
        lines.append(r"\field{Parameter gradients}")
        for sym, grad in e.gradients:
            lines.append(r"\formula{\frac{\partial f}{\partial " + sym + "} = " + grad + "}")
    if e.kinks:
        shown = "; ".join(
            f"$f'({p}) = {v}$" + (f" ($\\approx {num}$)" if num and num != v else "")
            for p, v, num in e.kinks
        )
        lines.append(r"\field{At the kinks}" + shown + r"\par")
    lines.append(r"\par\medskip\noindent")
    lines.append(r"\begin{minipage}[t]{0.40\linewidth}\vspace{0pt}\footnotesize")
    lines.append(r"\textbf{Properties}\\[2pt]")
    lines.append(r"\begin{tabular}{@{}ll@{}}")
    for row in e.properties:
        lines.append(f"{row.label} & ${row.tex}$ \\\\")
    lines.append(r"\end{tabular}")
    lines.append(r"\end{minipage}\hfill")
    lines.append(r"\begin{minipage}[t]{0.58\linewidth}\vspace{0pt}")
    lines.append(r"\includegraphics[width=\linewidth]{" + plot_dir + "/" + e.name + ".png}")
    lines.append(r"\end{minipage}\par")
    if e.paper:
        lines.append(r"\field{Paper}" + tex_text(e.paper) + r"\par")
    lines.append(r"\end{minipage}")
    return "\n".join(lines)


#: the comparison table: (property key, column head); heads of short cells take two lines
#: (``\\``) so that the nine columns fit the text width
OVERVIEW_COLUMNS = (
    ("range", "range"), ("monotonic", "monotonic"), ("smoothness", "smoothness"),
    ("zero_centered", r"zero-\\centred"), ("f0", "$f(0)$"), ("df0", "$f'(0)$"),
    ("identity_near_origin", r"$\approx$ identity\\at 0"), ("saturating", "saturating"),
)
#: space on each side of a column of the comparison table (LaTeX's default is 6pt)
OVERVIEW_COLSEP = "4pt"


def _overview(entries: Sequence[Entry]) -> str:
    heads = ["activation", *(h for _, h in OVERVIEW_COLUMNS)]
    lines = [
        r"\section*{Properties at a glance}",
        r"{\small\setlength{\tabcolsep}{" + OVERVIEW_COLSEP + "}",
        r"\begin{longtable}{@{}" + "l" * len(heads) + "@{}}",
        r"\toprule " + " & ".join(r"\colhead{" + h + "}" for h in heads)
        + r" \\ \midrule\endhead",
    ]
    for e in entries:
        cells = [r"\hyperref[act:" + e.name + r"]{" + tt(e.name) + "}"]
        for k, _ in OVERVIEW_COLUMNS:
            cells.append(f"${e.cells[k]}$" if k in e.cells else "")
        lines.append(" & ".join(cells) + r" \\")
    lines.append(r"\bottomrule\end{longtable}}")
    return "\n".join(lines)


def render(entries: Sequence[Entry], plot_dir: str = "plots") -> str:
    """The complete LaTeX source; figures are read from ``<plot_dir>/<name>.png``."""
    parts = [
        PREAMBLE,
        r"\begin{document}",
        INTRO,
        r"\begin{multicols}{3}\small\tableofcontents\end{multicols}",
        _overview(entries),
        r"\clearpage",
    ]
    parts += [_section(e, plot_dir) for e in entries]
    parts.append(r"\end{document}")
    return "\n".join(parts) + "\n"
