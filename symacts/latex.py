"""LaTeX for activation formulas: parameter names typeset properly, ln for the natural log."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

if TYPE_CHECKING:
    from .activation import Activation


def symbol_names(act: Activation | None) -> dict:
    if act is None:
        return {}
    return {p.symbol: p.latex for p in act.param_specs}


def to_latex(expr: sp.Expr, act: Activation | None = None) -> str:
    """LaTeX of ``expr``; building blocks print as σ, softplus, Φ, φ; ``f`` for the activation."""
    return sp.latex(expr, symbol_names=symbol_names(act), ln_notation=True)
