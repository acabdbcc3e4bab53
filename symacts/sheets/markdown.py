"""The Markdown formula sheet, rendered by GitHub (``$$`` display math, ``$`` inline)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .content import Entry
from .texttools import md_text

INTRO = """\
Generated from the catalog by `python scripts/regenerate.py`; do not edit. Every formula is
derived from one SymPy definition per activation. Notation: $\\sigma(u) = 1/(1 + e^{-u})$,
$\\operatorname{softplus}(u) = \\ln(1 + e^{u})$, $\\Phi$ and $\\phi$ the standard normal CDF and
density; inside derivatives $f(x)$ stands for the activation itself. At a kink $f'$ takes the
value listed under *At the kinks* (PyTorch's backward where PyTorch has the activation, else
JAX's). Properties (for the default parameter values) shown as *unknown* could not be decided
by the engine. Plots show $f$ (blue)
and $f'$ (red); dots mark the kinks and the values taken there.
"""

TABLE = (
    ("range", "range"), ("monotonic", "monotonic"), ("smoothness", "smoothness"),
    ("zero_centered", "zero-centred"), ("f0", "f(0)"), ("df0", "f′(0)"),
    ("identity_near_origin", "≈ identity at 0"), ("saturating", "saturating"),
)


_TEXT_ONLY = re.compile(r"^(?:\\text\{[^{}$]*\}|\\ )+$")


def _cell(tex: str | None) -> str:
    """Plain words stay plain ("yes", "unknown"); anything else is inline math."""
    if tex is None:
        return ""
    if _TEXT_ONLY.match(tex):
        words = re.findall(r"\\text\{([^{}]*)\}", tex)
        return " ".join(w.strip() for w in words).replace("--", "–")
    return "$" + tex.replace("|", r"\vert ") + "$"


def _table(entries: Sequence[Entry]) -> list[str]:
    lines = ["| activation | " + " | ".join(h for _, h in TABLE) + " |",
             "|---" * (len(TABLE) + 1) + "|"]
    for e in entries:
        cells = [f"[`{e.name}`](#{e.name})"] + [_cell(e.cells.get(k)) for k, _ in TABLE]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _display(tex: str) -> list[str]:
    return ["$$", tex, "$$", ""]


def _section(e: Entry, plot_dir: str) -> list[str]:
    lines = [f"### {e.name}", ""]
    if e.aliases:
        lines += ["Aliases: " + ", ".join(f"`{a}`" for a in e.aliases) + "  "]
    if e.summary:
        lines += [f"*{md_text(e.summary)}*"]
    lines += [""]
    lines += ["**Definition**", "", *_display("f(x) = " + e.definition)]
    if e.params:
        lines += ["**Parameters**", "", "| symbol | name | default | domain |", "|---|---|---|---|"]
        for p in e.params:
            doc = f" — {md_text(p.doc)}" if p.doc else ""
            lines.append(f"| ${p.tex}$ | `{p.name}` | ${p.default_tex}$ | {p.domain}{doc} |")
        lines.append("")
    if e.constants:
        lines += ["**Constants**: " + "; ".join(
            f"${sym} = {digits}\\ldots$" for sym, digits in e.constants), ""]
    lines += ["**Derivative**", "", *_display("f'(x) = " + e.derivative)]
    if e.gradients:
        lines += ["**Parameter gradients**", ""]
        for sym, grad in e.gradients:
            lines += _display(r"\frac{\partial f}{\partial " + sym + "} = " + grad)
    if e.kinks:
        shown = "; ".join(
            f"$f'({p}) = {v}$" + (f" (≈ {num})" if num and num != v else "")
            for p, v, num in e.kinks
        )
        lines += ["**At the kinks**: " + shown, ""]
    lines += ["**Properties**", "", "| property | value |", "|---|---|"]
    for row in e.properties:
        lines.append(f"| {row.label} | {_cell(row.tex)} |")
    lines += ["", f"![{e.name}: f and f']({plot_dir}/{e.name}.png)", ""]
    if e.paper:
        lines += [f"**Paper**: {md_text(e.paper)}", ""]
    return lines


def render(
    entries: Sequence[Entry],
    plot_dir: str = "plots",
    overview: Sequence[tuple[str, str]] = (),
) -> str:
    """The Markdown sheet; ``overview`` lists (title, image file) shown before the sections."""
    lines = ["# Formula sheet", "", INTRO, "## Properties at a glance", ""]
    lines += [*_table(entries), ""]
    if overview:
        lines += ["## Overview plots", ""]
        for title, file in overview:
            lines += [f"**{md_text(title)}**", "", f"![{md_text(title)}]({plot_dir}/{file})", ""]
    lines += ["## Activations", ""]
    lines += [", ".join(f"[`{e.name}`](#{e.name})" for e in entries), ""]
    for e in entries:
        lines += _section(e, plot_dir)
    return "\n".join(lines).rstrip() + "\n"
