"""Numeric curves of f and its derivatives, evaluated from the definition.

The bound expression (parameters substituted) is rewritten to elementary functions
(:func:`expand_blocks`) and evaluated with NumPy through ``sympy.lambdify``; any point where
NumPy overflows or returns NaN is recomputed with mpmath from the same expression. Curves are
split at the kinks so that a jump is drawn as a jump, not a steep segment, and the value at each
kink (the convention for f') is returned separately for marking.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from ..activation import Activation
from ..errors import ParameterError, SymactsError
from ..functions import expand_blocks

#: points per curve over the whole range
SAMPLES = 801


class PlotError(SymactsError, ValueError):
    """A plot cannot be made as asked (bad range or order, no CJK font, file exists...)."""


@dataclass(frozen=True)
class Curve:
    """Samples of one function: ``x``/``y`` with NaN separators at kinks, and marked points."""

    x: np.ndarray
    y: np.ndarray
    marks: tuple[tuple[float, float], ...]  # (kink, value there)

    def finite_y(self) -> np.ndarray:
        return self.y[np.isfinite(self.y)]


def check_range(x_range: Any) -> tuple[float, float]:
    """(a, b) as floats with a < b, both finite."""
    try:
        a, b = (float(v) for v in x_range)
    except (TypeError, ValueError):
        raise PlotError(f"range must be two numbers A B, got {x_range!r}") from None
    if not (math.isfinite(a) and math.isfinite(b)):
        raise PlotError(f"range must be finite, got {a} {b}")
    if not a < b:
        raise PlotError(f"range must have A < B, got {a:g} {b:g}")
    return a, b


def check_order(order: Any) -> int:
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 10:
        raise PlotError(f"derivative order must be an integer from 1 to 10, got {order!r}")
    return order


def substitutions(act: Activation, params: Mapping[str, Any] | None) -> dict:
    """Parameter symbol → exact value: the given ones, the defaults for the rest."""
    exact = act.check_params(dict(params or {}))
    return {p.symbol: exact.get(p.name, p.default) for p in act.param_specs}


def function_expr(act: Activation, order: int, subs: Mapping) -> sp.Expr:
    """f (order 0) or the order-th derivative, parameters substituted."""
    expr = act.expr if order == 0 else act.derivative(order)
    return sp.piecewise_fold(expr.subs(subs))


def kinks_in(act: Activation, subs: Mapping, lo: float, hi: float) -> list[tuple[sp.Expr, float]]:
    """Kink points strictly inside (lo, hi) as (exact, float), sorted."""
    out = []
    for k in act.kink_points():
        exact = sp.sympify(k).subs(subs)
        try:
            v = float(exact)
        except (TypeError, ValueError):
            continue
        if lo < v < hi:
            out.append((exact, v))
    return sorted(set(out), key=lambda kv: kv[1])


def _evaluate(expr: sp.Expr, x: sp.Symbol, xs: np.ndarray) -> np.ndarray:
    flat = expand_blocks(expr)
    if not flat.has(x):
        try:
            return np.full_like(xs, float(flat))
        except (TypeError, ValueError):
            return np.full_like(xs, np.nan)
    fn = sp.lambdify(x, flat, modules=["numpy", "scipy"])
    with np.errstate(all="ignore"):
        ys = np.asarray(fn(xs), dtype=float)
    if ys.shape != xs.shape:
        ys = np.broadcast_to(ys, xs.shape).astype(float)
    bad = ~np.isfinite(ys)
    if bad.any():
        slow = sp.lambdify(x, flat, modules="mpmath")
        ys = ys.copy()
        for i in np.flatnonzero(bad):
            try:
                with mpmath.workdps(30):
                    v = slow(mpmath.mpf(float(xs[i])))
                ys[i] = float(v) if mpmath.im(v) == 0 else np.nan
            except (ValueError, TypeError, ZeroDivisionError, OverflowError):
                ys[i] = np.nan
    return ys


def _value_at(expr: sp.Expr, x: sp.Symbol, point: sp.Expr) -> float:
    try:
        v = sp.piecewise_fold(expr.subs(x, point))
        return float(expand_blocks(v).evalf(20))
    except (TypeError, ValueError, ZeroDivisionError):
        return math.nan


def sample(
    act: Activation,
    order: int = 0,
    x_range: tuple[float, float] | None = None,
    params: Mapping[str, Any] | None = None,
    n: int = SAMPLES,
) -> Curve:
    """f (order 0) or f^(order) on ``x_range`` (default ``act.plot_range``), split at kinks."""
    order = check_order(order)
    lo, hi = check_range(x_range if x_range is not None else act.plot_range)
    try:
        subs = substitutions(act, params)
    except ParameterError:
        raise
    expr = function_expr(act, order, subs)
    kinks = kinks_in(act, subs, lo, hi)
    edges = [lo, *(v for _, v in kinks), hi]
    eps = (hi - lo) * 1e-9
    # a kink exactly at an end of the range is avoided too (the convention is a single point)
    at_ends = kinks_in(act, subs, lo - 2 * eps, hi + 2 * eps)
    start_kink = any(abs(v - lo) <= eps for _, v in at_ends)
    end_kink = any(abs(v - hi) <= eps for _, v in at_ends)
    xs_parts: list[np.ndarray] = []
    for i, (a, b) in enumerate(itertools.pairwise(edges)):
        m = max(2, round(n * (b - a) / (hi - lo)))
        a_in = eps if (i > 0 or start_kink) else 0.0
        b_in = eps if (i < len(kinks) or end_kink) else 0.0
        seg = np.linspace(a + a_in, b - b_in, m)
        if xs_parts:
            xs_parts.append(np.array([np.nan]))
        xs_parts.append(seg)
    xs = np.concatenate(xs_parts)
    ys = np.full_like(xs, np.nan)
    ok = np.isfinite(xs)
    ys[ok] = _evaluate(expr, act.x, xs[ok])
    marks = tuple((v, _value_at(expr, act.x, k)) for k, v in kinks)
    return Curve(xs, ys, marks)
