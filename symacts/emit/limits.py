"""Behaviour of a kernel at x = ±∞, decided before anything is printed.

The true limit of each output comes from the expression as derived (mpmath at 60 digits from
x = ±10³⁰⁰ and ±10⁶⁰⁰, as the accuracy reference does; the value a printer writes is SymPy's
exact limit). Where the stabilised form, evaluated by the IR's reference semantics
(:mod:`symacts.emit.interpret`), gives something else at ±∞ (∞/∞, ∞·0, sin(∞)/∞), the plan
records the limit for the printers to put in.
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import sympy as sp

from ..analyse import timebox
from ..analyse.numeric import far_limit
from ..functions import expand_blocks
from .interpret import evaluate
from .ir import Limits

__all__ = ["limits_of", "numeric_limits", "symbolic_limit"]

#: seconds SymPy's limit may take for one output (times the timebox margin)
LIMIT_SECONDS = 4.0


@functools.lru_cache(maxsize=1024)
def symbolic_limit(expr: sp.Expr, x: sp.Symbol, sign: int) -> sp.Expr | None:
    """lim expr as x → sign·∞ (parameters symbolic), or None without a clean value."""
    target = sp.oo if sign > 0 else -sp.oo
    e = expand_blocks(expr)
    if isinstance(e, sp.Piecewise):
        for branch, cond in e.args:
            if cond.subs(x, target) == sp.true:
                e = branch
                break
        else:
            return None
    try:
        v = timebox.run(lambda: sp.limit(e, x, target), LIMIT_SECONDS)
    except (NotImplementedError, ValueError, TypeError, timebox.Timeout):
        return None
    if v.has(x) or v.has(sp.Limit) or v.has(sp.AccumBounds) or v is sp.nan or v.has(sp.zoo):
        return None
    return v


def numeric_limits(expr: sp.Expr, x: sp.Symbol, defaults: dict) -> list[float]:
    """[lim at +∞, lim at −∞] of ``expr`` with the parameters at ``defaults`` (NaN: none)."""
    return list(_numeric_limits(expr, x, tuple(defaults.items())))


@functools.lru_cache(maxsize=1024)
def _numeric_limits(expr: sp.Expr, x: sp.Symbol, defaults: tuple) -> tuple[float, float]:
    fn = sp.lambdify(x, expand_blocks(sp.sympify(expr).subs(dict(defaults))), "mpmath")
    with mpmath.workdps(60):
        return far_limit(fn, 1), far_limit(fn, -1)


def limits_of(exprs: list[sp.Expr], body, x: sp.Symbol, defaults: dict) -> list[Limits]:
    """Limits of each output as derived (``exprs``), and the ones ``body`` misses."""
    with np.errstate(all="ignore"):
        at = evaluate(body, x, np.array([np.inf, -np.inf]),
                      {s: float(v) for s, v in defaults.items()})
    out = []
    for expr, got in zip(exprs, at, strict=True):
        want = numeric_limits(expr, x, defaults)
        fix = [None, None]
        for i, (w, g) in enumerate(zip(want, got, strict=True)):
            if w == g or (math.isnan(w) and math.isnan(g)):
                continue
            fix[i] = symbolic_limit(expr, x, 1 if i == 0 else -1)
        true = tuple(None if math.isnan(w) else w for w in want)
        out.append(Limits(true=true, fix=tuple(fix)))
    return out
