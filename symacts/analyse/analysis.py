"""Assemble :class:`Properties` from the structure, sign patterns and limits."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import mpmath
import numpy as np
import sympy as sp

from . import timebox
from .model import LIMIT_KEYS, Properties
from .numeric import (
    DPS,
    FAR,
    Fn,
    SignPattern,
    limit_at_infinity,
    piece_points,
    sign_pattern,
)
from .structure import Piece, Structure, Unsupported, is_finite_real, split

if TYPE_CHECKING:
    from ..activation import Activation

#: derivative orders compared at breakpoints for the smoothness class
MAX_ORDER = 6
#: trigonometric functions that make a definition a candidate for periodicity
_TRIG = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)


@dataclass
class Candidate:
    """A value f takes or approaches: at a point (``where``) or as a limit."""

    value: mpmath.mpf  # may be ±inf
    exact: sp.Expr | None
    attained: bool
    where: mpmath.mpf | None = None
    where_exact: sp.Expr | None = None
    plateau: bool = False


def _num(v: sp.Expr | None) -> float | None:
    if v is None:
        return None
    if v is sp.S.Infinity:
        return math.inf
    if v is sp.S.NegativeInfinity:
        return -math.inf
    if not is_finite_real(v):
        return None
    return float(sp.N(v, 30))


def _mp(v: sp.Expr) -> mpmath.mpf:
    with mpmath.workdps(DPS):
        if v is sp.S.Infinity:
            return mpmath.inf
        if v is sp.S.NegativeInfinity:
            return -mpmath.inf
        return mpmath.mpf(sp.N(v, DPS + 5))


def _equal(a: sp.Expr | None, b: sp.Expr | None) -> bool:
    """Exact numbers equal (checked at 50 digits); False for None or non-finite values."""
    if a is None or b is None or not is_finite_real(a) or not is_finite_real(b):
        return False
    if a == b:
        return True
    d = sp.N(a - b, 50)
    return bool(abs(d) <= sp.Float("1e-40") * max(1, abs(sp.N(a, 20))))


def _side_value(g: sp.Expr, x: sp.Symbol, c: sp.Expr, side: str) -> sp.Expr | None:
    """lim g(x) as x → c from ``side`` ('-' or '+'); None when undecided, ±oo allowed."""
    v = g.subs(x, c)
    if is_finite_real(v):
        return v
    lim = timebox.attempt(lambda: sp.limit(g, x, c, dir=side), 3.0)
    if isinstance(lim, sp.Basic) and (is_finite_real(lim) or lim in (sp.oo, -sp.oo)):
        return lim
    return None


class Analysis:
    """Everything derived from one definition, computed once on demand."""

    def __init__(self, act: Activation):
        self.act = act.with_defaults() if act.param_specs else act
        self.x = self.act.x
        self.notes: list[str] = []
        self.st: Structure = split(self.act.expr, self.x)
        self.derivs: dict[tuple[int, int], sp.Expr] = {}
        self.period = self._period()

    # -- building blocks -----------------------------------------------------------------------
    def d(self, i: int, order: int) -> sp.Expr:
        """order-th derivative of piece i's branch."""
        key = (i, order)
        if key not in self.derivs:
            base = self.st.pieces[i].expr if order == 0 else sp.diff(self.d(i, order - 1), self.x)
            self.derivs[key] = base
        return self.derivs[key]

    def _period(self) -> sp.Expr | None:
        if len(self.st.pieces) != 1 or not self.st.f.has(*_TRIG):
            return None
        f, x = self.st.f, self.x
        p = timebox.attempt(lambda: sp.periodicity(f, x), 5.0)
        if p is None or not is_finite_real(p) or p == 0:
            return None
        p = abs(p)
        fn = Fn(f, x)
        probes = [mpmath.mpf(t) / 7 for t in (-11, 2, 5, 13)]
        for k in (2, 3, 4, 5, 6):  # SymPy's period need not be the smallest (sin² gives 2π)
            q = p / k
            with mpmath.workdps(DPS):
                shift = _mp(q)
                pairs = [(fn.mp(t + shift), fn.mp(t)) for t in probes]
                if any(a is None or b is None or abs(a - b) > 1e-30 for a, b in pairs):
                    continue
            if timebox.attempt(lambda q=q: sp.simplify(f.subs(x, x + q) - f) == 0, 2.0):
                return q
        return p

    def pattern(self, i: int, order: int) -> SignPattern:
        """Sign pattern of the order-th derivative on piece i (one period if periodic)."""
        piece = self.st.pieces[i]
        if self.period is not None:  # a window overlapping one period on both sides
            per = float(sp.N(self.period, 30))
            xs = np.linspace(-per / 4, 5 * per / 4, 6001)
            return sign_pattern(self.d(i, order), self.x, -self.period / 4,
                                5 * self.period / 4, xs=xs)
        return sign_pattern(self.d(i, order), self.x, piece.lo, piece.hi)

    def side(self, i: int, order: int, c: sp.Expr, side: str) -> sp.Expr | None:
        """lim f^(order) at c from ``side`` along piece i (Taylor series at a removable
        singularity, SymPy's limit otherwise)."""
        g = self.d(i, order)
        v = g.subs(self.x, c)
        if is_finite_real(v):
            return v
        coeffs = self._taylor(i, c)
        if coeffs is not None and order < len(coeffs):
            return coeffs[order] * sp.factorial(order)
        return _side_value(g, self.x, c, side)

    def _taylor(self, i: int, c: sp.Expr) -> list[sp.Expr] | None:
        """Taylor coefficients of piece i's branch at c, when it is analytic there."""
        key = ("taylor", i, c)
        if key not in self.derivs:
            g, x = self.st.pieces[i].expr, self.x
            ser = timebox.attempt(
                lambda: sp.series(g, x, c, MAX_ORDER + 2).removeO(), 3.0)
            coeffs = None
            if ser is not None:
                u = sp.Dummy("u")
                poly = sp.expand(ser.subs(x, u + c))
                if poly.is_polynomial(u):
                    p = sp.Poly(poly, u)
                    coeffs = [p.coeff_monomial(u**k) for k in range(MAX_ORDER + 2)]
                    if not all(is_finite_real(q) for q in coeffs):
                        coeffs = None
            self.derivs[key] = coeffs
        return self.derivs[key]


def properties(act: Activation) -> Properties:
    """The derived :class:`Properties` of ``act`` (cached on the activation)."""
    cache = act._cache
    if "properties" not in cache:
        cache["properties"] = compute(act)
    return cache["properties"]


def compute(act: Activation) -> Properties:
    """Derive every property of ``act`` afresh (no cache)."""
    bound = act.with_defaults() if act.param_specs else act
    x = bound.x
    fixed = {k: float(sp.N(v, 30)) for k, v in dict(act.bound).items()}
    values: dict = {"name": act.name, "params": {**fixed, **act.params}}
    notes: list[str] = []
    f0 = sp.piecewise_fold(bound.expr.subs(x, 0))
    if is_finite_real(f0):
        values.update(f0=_num(f0), f0_exact=f0)
    try:
        d1 = bound.derivative(1)
        df0 = sp.piecewise_fold(d1.subs(x, 0))
        if is_finite_real(df0):
            values.update(df0=_num(df0), df0_exact=df0)
    except Exception as exc:
        notes.append(f"f' could not be derived: {exc}")
    an = _guarded(lambda: Analysis(act), "not analysed", notes)
    if an is None:
        return Properties(**values, notes=tuple(notes))
    an.notes = notes
    values["breakpoints"] = tuple(float(sp.N(c, 30)) for c in an.st.points)
    if an.period is not None:
        values.update(period=float(sp.N(an.period, 30)), period_exact=an.period)
    patterns = _guarded(lambda: [an.pattern(i, 1) for i in range(len(an.st.pieces))],
                        "sign analysis of f′", notes)
    if patterns is None:
        return Properties(**values, notes=tuple(notes))
    stages = (
        ("smoothness", lambda: _smoothness(an)),
        ("limits", lambda: _limits(an, patterns)),
        ("range", lambda: _range(an, patterns, values)),
        ("monotonicity", lambda: _monotonic(an, patterns)),
        ("monotonicity of f′", lambda: _derivative_monotonic(an, values.get("smoothness"))),
        ("flags", lambda: _flags(an, values)),
    )
    for what, stage in stages:
        values.update(_guarded(stage, what, notes) or {})
    return Properties(**values, notes=tuple(notes))


def _guarded(stage, what: str, notes: list[str]):
    """Run one stage; an unexpected failure leaves its properties undecided, with a note."""
    try:
        return stage()
    except Unsupported as exc:
        notes.append(f"{what}: {exc}")
    except Exception as exc:  # an analysis failure must not stop a sheet
        notes.append(f"{what}: analysis failed ({type(exc).__name__}: {exc})")
    return None


# ---- smoothness ------------------------------------------------------------------------
_INF = (sp.oo, -sp.oo)


def _point_class(an: Analysis, i: int, c: sp.Expr) -> tuple[float | None, float]:
    """(k, lower bound) at breakpoint c between pieces i and i + 1: k the largest order with
    matching one-sided derivatives (−1: f jumps, inf: one analytic branch), or None with the
    lower bound k is known to reach."""
    value = an.st.values[i]
    lv, rv = an.side(i, 0, c, "-"), an.side(i + 1, 0, c, "+")
    if (lv is None and rv is None) or (lv is None and _equal(rv, value)) \
            or (rv is None and _equal(lv, value)):
        an.notes.append(f"smoothness: one-sided limits at x = {c} undecided")
        return None, -1
    if not (_equal(lv, value) and _equal(rv, value)):
        return -1, -1
    for order in range(1, MAX_ORDER + 1):
        lo, hi = an.side(i, order, c, "-"), an.side(i + 1, order, c, "+")
        if (lo is None or hi is None) and lo not in _INF and hi not in _INF:
            an.notes.append(f"smoothness: derivative {order} at x = {c} undecided")
            return None, order - 1
        if not _equal(lo, hi):
            return order - 1, order - 1
    left, right = an.st.pieces[i].expr, an.st.pieces[i + 1].expr
    if left == right or sp.expand(left - right) == 0:
        return math.inf, math.inf  # one analytic branch on both sides: a removable point
    an.notes.append(f"smoothness: branches at x = {c} agree up to order {MAX_ORDER}")
    return None, MAX_ORDER


def _smoothness(an: Analysis) -> dict:
    """min over breakpoints of the class there; None when an undecided point might be lower."""
    worst: float = math.inf
    floor: float = math.inf  # the least lower bound among undecided points
    for i, c in enumerate(an.st.points):
        k, bound = _point_class(an, i, c)
        if k is None:
            floor = min(floor, bound)
        else:
            worst = min(worst, k)
    if floor < worst:
        return {"smoothness": None}
    return {"smoothness": worst}


# ---- limits ----------------------------------------------------------------------------
def _limits(an: Analysis, patterns: list[SignPattern]) -> dict:
    """Limits of f and f' at ±∞ along the outer pieces.

    An infinite limit of f found by numerics alone is kept only when f is eventually
    monotone there (f' keeps its sign beyond |x| = 50): e⁻ˣcos x must not pass for −∞.
    """
    lim: dict[str, float | None] = dict.fromkeys(LIMIT_KEYS)
    exact: dict[str, sp.Expr | None] = dict.fromkeys(LIMIT_KEYS)
    exists: dict[str, bool | None] = dict.fromkeys(LIMIT_KEYS)
    last = len(an.st.pieces) - 1
    for order, name in ((0, "f"), (1, "df")):
        for idx, direction, tag in ((0, -1, "-inf"), (last, 1, "+inf")):
            expr = an.d(idx, order)
            if an.period is not None and expr.has(an.x):
                if order == 0 and direction < 0:
                    an.notes.append("f is periodic: no limits at ±∞")
                exists[f"{name}({tag})"] = False  # non-constant and periodic
                continue
            v, e, symbolic = limit_at_infinity(expr, an.x, direction,
                                               seconds=3.0 if order == 0 else 1.0)
            if order == 0 and v is not None and math.isinf(v) and not symbolic \
                    and not _eventually_monotone(patterns[idx], direction):
                v = e = None
            lim[f"{name}({tag})"] = v
            exact[f"{name}({tag})"] = e
            exists[f"{name}({tag})"] = True if v is not None else None
            if v is None:
                an.notes.append(f"limit of {'f' if order == 0 else 'f′'} at {tag} undecided")
    return {"limits": lim, "limits_exact": exact, "limit_exists": exists}


def _eventually_monotone(pat: SignPattern, direction: int) -> bool:
    return pat.complete and not any(direction * r.at > FAR for r in pat.roots)


# ---- range -----------------------------------------------------------------------------
def _candidates(an: Analysis, patterns: list[SignPattern], lims: dict) -> list[Candidate] | None:
    st, x = an.st, an.x
    cands: list[Candidate] = []
    with mpmath.workdps(DPS):
        for i, (piece, pat) in enumerate(zip(st.pieces, patterns, strict=True)):
            g = Fn(piece.expr, x)
            if not pat.complete:
                an.notes.append(f"range: evaluation failed on ({piece.lo}, {piece.hi})")
                return None
            if pat.zero:
                probe = _probe_float(piece)
                val = sp.N(piece.expr.subs(x, probe), DPS) if piece.expr.has(x) else piece.expr
                cands.append(Candidate(_mp(sp.sympify(val)), piece.expr if not piece.expr.has(x)
                                       else None, True, None, plateau=True))
                continue
            for root in pat.roots + pat.touches:
                v = g.mp(root.at)
                if v is None:
                    return None
                ex = None
                if root.exact is None:
                    root.exact = _identify_root(an.d(i, 1), x, root.at)
                    if root.exact is not None:
                        root.at = _mp(root.exact)
                        v = g.mp(root.at)
                if root.exact is not None:
                    ex = timebox.attempt(lambda r=root.exact, g=piece.expr: sp.nsimplify(
                        sp.simplify(g.subs(x, r))), 3.0)
                    ex = ex if ex is not None and _equal(ex, sp.Float(v, DPS)) else None
                cands.append(Candidate(v, ex, True, root.at, root.exact))
        for i, c in enumerate(st.points):
            cands.append(Candidate(_mp(st.values[i]), st.values[i], True, _mp(c), c))
            for j, side in ((i, "-"), (i + 1, "+")):
                v = an.side(j, 0, c, side)
                if v is None:
                    return None
                cands.append(Candidate(_mp(v), v, False))
    if an.period is None:
        for tag in ("f(-inf)", "f(+inf)"):
            v, e = lims["limits"][tag], lims["limits_exact"][tag]
            if v is None:
                an.notes.append(f"range: limit {tag} undecided")
                return None
            cands.append(Candidate(mpmath.mpf(v) if math.isfinite(v) else
                                   (mpmath.inf if v > 0 else -mpmath.inf), e, False))
    return cands


def _identify_root(h: sp.Expr, x: sp.Symbol, at: mpmath.mpf) -> sp.Expr | None:
    """The exact zero of h at ``at`` when it is a simple rational or rational multiple of π,
    proven by substitution (h(r) simplifies to 0), else None."""
    with mpmath.workdps(DPS):
        for base, base_mp in ((sp.S.One, mpmath.mpf(1)), (sp.pi, mpmath.pi)):
            q = Fraction(str(at / base_mp)).limit_denominator(1000)
            cand = sp.Rational(q.numerator, q.denominator) * base
            if abs(_mp(cand) - at) > mpmath.mpf(10) ** (-DPS + 15) * (1 + abs(at)):
                continue
            if timebox.attempt(lambda c=cand: sp.simplify(h.subs(x, c)) == 0, 2.0):
                return cand
    return None


def _probe_float(piece: Piece) -> sp.Expr:
    lo, hi = piece.lo, piece.hi
    if lo.is_infinite and hi.is_infinite:
        return sp.S.Zero
    if lo.is_infinite:
        return hi - 1
    if hi.is_infinite:
        return lo + 1
    return (lo + hi) / 2


def _extreme(an: Analysis, cands: list[Candidate], sign: int) -> dict:
    """inf (sign = 1) or sup (sign = −1) of f from the candidates."""
    with mpmath.workdps(DPS):
        best = min(sign * c.value for c in cands) * sign
        if mpmath.isinf(best):
            return {"value": float(best), "exact": sp.oo if best > 0 else -sp.oo,
                    "attained": False, "arg": None, "arg_exact": None}
        tol = mpmath.mpf(10) ** (-DPS + 12) * (1 + abs(best))
        tied = [c for c in cands if abs(c.value - best) <= tol]
        attained = any(c.attained for c in tied)
        exact = next((c.exact for c in tied if c.exact is not None), None)
        arg = arg_exact = None
        if attained and not any(c.plateau for c in tied if c.attained):
            pts = [(c.where, c.where_exact) for c in tied if c.attained and c.where is not None]
            if an.period is not None:
                per = _mp(an.period)
                pts = [(p + k * per, None if e is None else e + k * an.period)
                       for p, e in pts for k in (-1, 0, 1)]
            if pts:
                at, arg_exact = min(pts, key=lambda t: (abs(t[0]), -t[0]))
                arg = float(at)
        value = float(sp.N(exact, 30)) if exact is not None else float(best)
        return {"value": value, "exact": exact, "attained": attained, "arg": arg,
                "arg_exact": arg_exact}


def _range(an: Analysis, patterns: list[SignPattern], values: dict) -> dict:
    cands = _candidates(an, patterns, values)
    if cands is None:
        return {}
    lo, hi = _extreme(an, cands, 1), _extreme(an, cands, -1)
    if any(math.isinf(e["value"]) and e["attained"] for e in (lo, hi)):
        an.notes.append("range: an extreme value lies beyond floating point")
        return {}
    # independent sanity check: no sampled value lies outside [inf, sup]
    for piece in an.st.pieces:
        if an.period is not None:
            xs = np.linspace(0.0, float(sp.N(an.period, 30)), 2001)
        else:
            xs = piece_points(piece.lo_float, piece.hi_float)
        ys = Fn(piece.expr, an.x).samples(xs)
        finite = [float(y) for y in ys if y is not None]
        if not finite:
            continue
        slack_lo = 1e-9 * (1 + abs(lo["value"])) if math.isfinite(lo["value"]) else 0
        slack_hi = 1e-9 * (1 + abs(hi["value"])) if math.isfinite(hi["value"]) else 0
        if min(finite) < lo["value"] - slack_lo or max(finite) > hi["value"] + slack_hi:
            an.notes.append("range: sampled values fall outside the computed range")
            return {}
    crit: tuple[float, ...] | None = tuple(
        float(r.at) for pat in patterns for r in pat.roots
    )
    if an.period is not None:  # one representative per class, in [0, period)
        per = float(sp.N(an.period, 30))
        reps: list[float] = []
        for c in sorted(c % per for c in crit):
            if not any(abs(c - r) < 1e-9 * per or abs(c - r) > per * (1 - 1e-9) for r in reps):
                reps.append(0.0 if abs(c) < 1e-12 * per else c)
        crit = tuple(sorted(reps))
    if any(p.far_changes() >= 2 for p in patterns):
        crit = None
    out = {
        "range_min": lo["value"], "range_max": hi["value"],
        "range_min_exact": lo["exact"], "range_max_exact": hi["exact"],
        "min_attained": lo["attained"], "max_attained": hi["attained"],
        "argmin": lo["arg"], "argmax": hi["arg"],
        "argmin_exact": lo["arg_exact"], "argmax_exact": hi["arg_exact"],
        "bounded_below": math.isfinite(lo["value"]), "bounded_above": math.isfinite(hi["value"]),
        "critical_points": crit,
    }
    return out


# ---- monotonicity ----------------------------------------------------------------------
def _jumps(an: Analysis, order: int) -> list[tuple[int, int]] | None:
    """At each breakpoint: (up, down) flags of the one-sided values of f^(order)."""
    out = []
    for i, c in enumerate(an.st.points):
        left, right = an.side(i, order, c, "-"), an.side(i + 1, order, c, "+")
        if left is None or right is None:
            return None
        seq = [left, an.st.values[i], right] if order == 0 else [left, right]
        nums = [_mp(v) for v in seq]
        up = any(b > a for a, b in itertools.pairwise(nums))
        down = any(b < a for a, b in itertools.pairwise(nums))
        out.append((up, down))
    return out


def _segments(an: Analysis, patterns: list[SignPattern]) -> list[tuple[float, float, int]]:
    segs = []
    for piece, pat in zip(an.st.pieces, patterns, strict=False):
        ends = [piece.lo_float, *[float(r.at) for r in pat.roots], piece.hi_float]
        segs += [(a, b, s) for a, b, s in zip(ends, ends[1:], pat.signs, strict=False)]
    return segs


def _direction(signs: list[int], jumps: list[tuple[int, int]]) -> tuple[bool, bool]:
    non_decr = all(s >= 0 for s in signs) and not any(d for _, d in jumps)
    non_incr = all(s <= 0 for s in signs) and not any(u for u, _ in jumps)
    return non_decr, non_incr


def _monotonic(an: Analysis, patterns: list[SignPattern]) -> dict:
    signs = [s for p in patterns for s in p.signs]
    if an.period is not None:
        if all(s == 0 for s in signs):
            return {"monotonic": True, "decreasing_on": ()}
        return {"monotonic": False, "decreasing_on": None}
    if not all(p.complete for p in patterns):
        an.notes.append("monotonicity: sign analysis of f′ incomplete")
        return {}
    jumps = _jumps(an, 0)
    if jumps is None:
        return {}
    non_decr, non_incr = _direction(signs, jumps)
    out: dict = {"monotonic": non_decr or non_incr}
    if non_decr != non_incr:
        out["increasing"] = non_decr
    if any(p.far_changes() >= 2 for p in patterns):
        out["decreasing_on"] = None
        return out
    spans: list[list[float]] = []
    segs = _segments(an, patterns)
    prev_end = None
    for a, b, s in segs:
        if s < 0:
            if spans and prev_end == a and spans[-1][1] == a and not _up_at(an, jumps, a):
                spans[-1][1] = b
            else:
                spans.append([a, b])
        prev_end = b
    out["decreasing_on"] = tuple((a, b) for a, b in spans)
    return out


def _up_at(an: Analysis, jumps: list[tuple[int, int]], at: float) -> bool:
    for (up, _), c in zip(jumps, an.st.points, strict=False):
        if abs(float(sp.N(c, 30)) - at) < 1e-12 * (1 + abs(at)):
            return up
    return False


def _derivative_monotonic(an: Analysis, smoothness) -> dict:
    if smoothness is None or smoothness < 0:
        return {}
    patterns = [an.pattern(i, 2) for i in range(len(an.st.pieces))]
    signs = [s for p in patterns for s in p.signs]
    if an.period is not None:
        flat = all(s == 0 for s in signs)
        return {"derivative_monotonic": flat, "convex": flat, "concave": flat}
    if not all(p.complete for p in patterns):
        an.notes.append("f′ monotonicity: sign analysis of f″ incomplete")
        return {}
    jumps = _jumps(an, 1)
    if jumps is None:
        return {}
    non_decr, non_incr = _direction(signs, jumps)
    return {"derivative_monotonic": non_decr or non_incr, "convex": non_decr,
            "concave": non_incr}


# ---- flags -----------------------------------------------------------------------------
def _flags(an: Analysis, v: dict) -> dict:
    out: dict = {}
    f0, df0 = v.get("f0_exact"), v.get("df0_exact")
    lo, hi = v.get("range_min"), v.get("range_max")
    if f0 is not None:
        if not _equal(f0, sp.S.Zero):
            out["zero_centered"] = False
        elif lo is not None and hi is not None:
            out["zero_centered"] = lo < 0 < hi
    if f0 is not None and df0 is not None:
        ident = _equal(f0, sp.S.Zero) and _equal(df0, sp.S.One)
        for i, c in enumerate(an.st.points):
            if _equal(c, sp.S.Zero):
                ident = ident and _equal(an.side(i, 1, c, "-"), sp.S.One) \
                    and _equal(an.side(i + 1, 1, c, "+"), sp.S.One)
        out["identity_near_origin"] = ident
    lim = v.get("limits", {})
    left, right = lim.get("df(-inf)"), lim.get("df(+inf)")
    if an.period is not None:
        flat = not an.d(0, 1).has(an.x) and an.d(0, 1) == 0
        left = right = 0.0 if flat else math.nan
    out["saturates_left"] = None if left is None else left == 0
    out["saturates_right"] = None if right is None else right == 0
    if out["saturates_left"] or out["saturates_right"]:
        out["saturating"] = True
    elif out["saturates_left"] is False and out["saturates_right"] is False:
        out["saturating"] = False
    return out
