"""Plain-text and Unicode renderings of formulas for the terminal."""

from __future__ import annotations

import sympy as sp


def to_text(expr: sp.Expr) -> str:
    """One line, Python-like: ``x*sigmoid(x)``."""
    return sp.sstr(expr)


def to_pretty(expr: sp.Expr) -> str:
    """Multi-line Unicode (piecewise cases stacked)."""
    return sp.pretty(expr, use_unicode=True)
