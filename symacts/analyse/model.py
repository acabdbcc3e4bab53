"""The :class:`Properties` record and its plain renderings (dict for tables, short text)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

import sympy as sp

#: keys of :attr:`Properties.limits`
LIMIT_KEYS = ("f(-inf)", "f(+inf)", "df(-inf)", "df(+inf)")


def _frozen(mapping: Mapping | None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Properties:
    """Properties derived from an activation's definition (parameters at their defaults).

    ``None`` always means *undecided by the analysis*, never a guess. Definitions:

    * ``range_min``/``range_max``: inf f and sup f over ℝ (±inf when unbounded);
      ``min_attained``/``max_attained`` whether some x reaches them; ``argmin``/``argmax``
      the minimiser nearest to 0 (the positive one on ties), None when not attained or
      attained on a whole interval (ReLU's minimum 0 on (−∞, 0]); ``*_exact`` when the point
      has a closed form (a kink, a root of a polynomial f').
    * ``params``: the parameter values the properties hold for (bound ones and defaults).
    * ``monotonic``: f is non-decreasing on ℝ or non-increasing on ℝ (weak sense, jumps
      included); ``increasing`` True/False gives the direction (None if not monotonic or
      constant). ``decreasing_on``: the maximal open intervals where f' < 0, merged across
      breakpoints where f does not jump up (None when there are infinitely many, e.g.
      oscillating tails or periodic f); a downward jump alone is not an interval.
    * ``derivative_monotonic``: f' (the one-sided derivatives where f has kinks) is monotonic
      on ℝ; None when f is discontinuous. ``convex``/``concave`` follow from it.
    * ``smoothness``: the largest k with f ∈ C^k(ℝ) (``math.inf`` for C^∞, −1 when f is
      not continuous): one-sided limits of f, f', …, f⁽⁶⁾ are compared at every breakpoint;
      two different branches that agree through order 6 leave it undecided (None), while
      one analytic branch on both sides (sinc at 0) is C^∞ there.
    * ``zero_centered``: f(0) = 0 and f takes both negative and positive values.
    * ``identity_near_origin``: f(0) = 0 and f'(0) = 1 (both one-sided at a kink).
    * ``saturating``: f' → 0 as x → −∞ or as x → +∞ (``saturates_left``/``_right``).
    * ``period``: a period of f when SymPy finds one (the smallest among its divisors by 2–6);
      the range and extrema of a periodic f come from one period.
    * ``breakpoints``: where the definition switches branch or |u|, √u, log u may not be
      analytic; ``critical_points``: the sign changes of f' (None when infinitely many).
    * ``limits``: lim f and lim f' at ±∞ (keys :data:`LIMIT_KEYS`), floats with ±inf,
      None when the limit does not exist or is undecided; ``limits_exact`` the SymPy values;
      ``limit_exists`` True (found), False (proven absent: periodic f) or None (undecided).
    """

    name: str
    params: Mapping[str, float] = field(default_factory=dict)
    f0: float | None = None
    f0_exact: sp.Expr | None = None
    df0: float | None = None
    df0_exact: sp.Expr | None = None
    range_min: float | None = None
    range_max: float | None = None
    range_min_exact: sp.Expr | None = None
    range_max_exact: sp.Expr | None = None
    min_attained: bool | None = None
    max_attained: bool | None = None
    argmin: float | None = None
    argmax: float | None = None
    argmin_exact: sp.Expr | None = None
    argmax_exact: sp.Expr | None = None
    bounded_below: bool | None = None
    bounded_above: bool | None = None
    monotonic: bool | None = None
    increasing: bool | None = None
    decreasing_on: tuple[tuple[float, float], ...] | None = None
    critical_points: tuple[float, ...] | None = None
    derivative_monotonic: bool | None = None
    convex: bool | None = None
    concave: bool | None = None
    smoothness: float | None = None
    breakpoints: tuple[float, ...] = ()
    period: float | None = None
    period_exact: sp.Expr | None = None
    limits: Mapping[str, float | None] = field(default_factory=dict)
    limits_exact: Mapping[str, sp.Expr | None] = field(default_factory=dict)
    limit_exists: Mapping[str, bool | None] = field(default_factory=dict)
    zero_centered: bool | None = None
    identity_near_origin: bool | None = None
    saturating: bool | None = None
    saturates_left: bool | None = None
    saturates_right: bool | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "params", _frozen(self.params))
        object.__setattr__(self, "limits", _frozen(self.limits))
        object.__setattr__(self, "limits_exact", _frozen(self.limits_exact))
        object.__setattr__(self, "limit_exists", _frozen(self.limit_exists))

    # -- renderings -------------------------------------------------------------------------
    def as_dict(self) -> dict[str, Any]:
        """Plain values for tables: floats, bools, None; exact values as SymPy strings."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, sp.Basic):
                v = sp.sstr(v)
            elif isinstance(v, Mapping):
                v = {k: (sp.sstr(w) if isinstance(w, sp.Basic) else w) for k, w in v.items()}
            elif isinstance(v, tuple):
                v = [list(t) if isinstance(t, tuple) else t for t in v]
            out[f.name] = v
        return out

    def smoothness_text(self) -> str:
        """``C^∞``, ``C^1``, ``C^0``, ``discontinuous`` or ``unknown``."""
        k = self.smoothness
        if k is None:
            return "unknown"
        if k == -1:
            return "discontinuous"
        if k == math.inf:
            return "C^∞"
        return f"C^{int(k)}"

    def range_text(self, digits: int = 6) -> str:
        """Interval notation, brackets showing attainment: ``[-0.308843, ∞)``."""
        if self.range_min is None or self.range_max is None:
            lo = "?" if self.range_min is None else _num(self.range_min, self.range_min_exact,
                                                          digits)
            hi = "?" if self.range_max is None else _num(self.range_max, self.range_max_exact,
                                                          digits)
            return f"({lo}, {hi}) (undecided)"
        left = "[" if self.min_attained else "("
        right = "]" if self.max_attained else ")"
        lo = _num(self.range_min, self.range_min_exact, digits)
        hi = _num(self.range_max, self.range_max_exact, digits)
        return f"{left}{lo}, {hi}{right}"

    def to_text(self, digits: int = 6) -> str:
        """A short multi-line summary for terminals and plain documents."""
        lines = [f"range: {self.range_text(digits)}"]
        if self.argmin is not None:
            lines.append(f"minimum at x = {_g(self.argmin, digits)}")
        if self.argmax is not None:
            lines.append(f"maximum at x = {_g(self.argmax, digits)}")
        mono = _yn(self.monotonic)
        if self.monotonic and self.increasing is not None:
            mono += " (non-decreasing)" if self.increasing else " (non-increasing)"
        elif self.monotonic is False and self.decreasing_on:
            spans = ", ".join(f"({_g(a, digits)}, {_g(b, digits)})"
                              for a, b in self.decreasing_on)
            mono += f"; decreasing on {spans}"
        lines.append(f"monotonic: {mono}")
        lines.append(f"f' monotonic: {_yn(self.derivative_monotonic)}")
        lines.append(f"smoothness: {self.smoothness_text()}")
        lines.append(f"f(0) = {_num(self.f0, self.f0_exact, digits)}, "
                     f"f'(0) = {_num(self.df0, self.df0_exact, digits)}")
        shown = {k: _lim(self.limits.get(k), digits, self.limit_exists.get(k))
                 for k in LIMIT_KEYS}
        lines.append(
            f"limits: f → {shown['f(-inf)']} (x → −∞), {shown['f(+inf)']} (x → +∞); "
            f"f' → {shown['df(-inf)']}, {shown['df(+inf)']}"
        )
        lines.append(f"zero-centred: {_yn(self.zero_centered)}; "
                     f"identity near 0: {_yn(self.identity_near_origin)}; "
                     f"saturating: {_yn(self.saturating)}")
        if self.period is not None:
            lines.append(f"period: {_g(self.period, digits)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def _g(v: float, digits: int) -> str:
    if v == math.inf:
        return "∞"
    if v == -math.inf:
        return "−∞"
    s = f"{v:.{digits}g}"
    return "0" if s == "-0" else s


def _num(v: float | None, exact: sp.Expr | None, digits: int) -> str:
    if v is None:
        return "?"
    if exact is not None and (exact.is_Rational or exact.is_infinite) and len(str(exact)) <= 8:
        return _g(v, digits) if exact.is_infinite else str(exact)
    return _g(v, digits)


def _lim(v: float | None, digits: int, exists: bool | None = None) -> str:
    if v is None:
        return "none" if exists is False else "?"
    return _g(v, digits)


def _yn(v: bool | None) -> str:
    return "unknown" if v is None else ("yes" if v else "no")
