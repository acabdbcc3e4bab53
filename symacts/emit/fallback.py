"""Fallback forms for the regions a self-check finds wrong: the asymptote far out.

Where a stabilised form still fails towards x = ±∞ (an intermediate overflows in a corner the
rules did not foresee), the output is replaced there by its asymptote a·x + b, with a and b
the limits of f(x)/x and f(x) − a·x (mpmath at rising precision), from the first |x| where the
asymptote is within the accuracy target of the truth all the way out (checked against mpmath
on log-spaced points in both dtypes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from ..analyse.numeric import settled_far_limit
from ..functions import expand_blocks
from .ir import ByDtype

__all__ = ["Asymptote", "asymptote", "with_asymptotes"]


@dataclass(frozen=True)
class Asymptote:
    """Beyond ``at`` (float64, float32) on ``side`` (+1: x ≥ at, −1: x ≤ −at), the output is
    a·x + b."""

    side: int
    at: tuple[float, float]
    a: float
    b: float

    def expr(self, x: sp.Symbol) -> sp.Expr:
        return sp.Float(self.a) * x + sp.Float(self.b) if self.a else sp.Float(self.b)

    def condition(self, x: sp.Symbol) -> sp.Basic:
        at = ByDtype(sp.Float(self.at[0]), sp.Float(self.at[1]))
        return x >= at if self.side > 0 else x <= -at


def _mp_function(expr: sp.Expr, x: sp.Symbol, defaults: dict):
    from ..verify.ulps import guarded_lambdify

    return guarded_lambdify(x, expand_blocks(sp.sympify(expr).subs(defaults)))


def asymptote(expr: sp.Expr, x: sp.Symbol, defaults: dict, side: int,
              start: dict[str, float], target: float) -> Asymptote | None:
    """The asymptote of ``expr`` towards ``side``·∞, valid in each dtype from the smallest
    |x| ≤ ``start[dtype]`` at which it is within ``target`` ULP of the truth at every probe
    point (one per decade) out to the largest float; None if there is no finite linear
    asymptote or it is not that close soon enough. A dtype without a failing region takes
    the asymptote at ±∞ only."""
    fn = _mp_function(expr, x, defaults)
    try:
        a = settled_far_limit(lambda v: fn(v) / v, side)
        if not math.isfinite(a):
            return None
        a = 0.0 if abs(a) < 1e-300 else a
        b = settled_far_limit(lambda v: fn(v) - a * v, side)
    except (ArithmeticError, ValueError, TypeError):
        return None
    if not math.isfinite(b):
        return None
    b = 0.0 if abs(b) < 1e-300 else b
    at = {}
    for dt in (np.float64, np.float32):
        name = np.dtype(dt).name
        if name not in start:
            at[name] = math.inf
            continue
        ok_from = None
        for k in range(int(math.log10(float(np.finfo(dt).max))), 0, -1):
            if not _close(fn, side * 10.0**k, a, b, target, dt):
                break
            ok_from = 10.0**k
        if ok_from is None or ok_from > start[name]:
            return None
        at[name] = ok_from
    return Asymptote(side, (at["float64"], at["float32"]), a, b)


def _close(fn, v: float, a: float, b: float, target: float, dt) -> bool:
    """a·v + b within ``target`` ULP of the truth at v in ``dt``; values below the normal
    range count in units of the smallest one."""
    from ..verify.ulps import truth_at

    fi = np.finfo(dt)
    vd = float(dt(v))
    try:
        t = truth_at(fn, vd)
    except (ArithmeticError, ValueError, TypeError, ZeroDivisionError):
        return False
    if not mpmath.isfinite(t):
        return False
    truth = float(t)
    with np.errstate(all="ignore"):
        got = float(dt(a) * dt(vd) + dt(b)) if a else float(dt(b))
    if not math.isfinite(got):
        return False
    unit = float(np.spacing(dt(abs(truth)))) if abs(truth) >= float(fi.tiny) else \
        float(fi.smallest_subnormal)
    return abs(got - truth) <= target * unit


def with_asymptotes(form: sp.Expr, x: sp.Symbol, asymptotes: list[Asymptote]) -> sp.Expr:
    """The form with its asymptotes in front (first match wins)."""
    if not asymptotes:
        return form
    first = [(a.expr(x), a.condition(x)) for a in asymptotes]
    rest = list(form.args) if isinstance(form, sp.Piecewise) else [(form, sp.true)]
    return sp.Piecewise(*first, *rest)
