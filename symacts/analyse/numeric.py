"""Numerics for the analysis: fast float sampling checked with mpmath, sign patterns of a
derivative on an interval (sign changes located by bracketing at high precision), and limits
at ±∞ (SymPy under a deadline, cross-checked by evaluation at huge |x|).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from functools import cached_property

import mpmath
import numpy as np
import sympy as sp

from ..functions import NamedConstant
from . import timebox

#: working precision (decimal digits) of the high-precision evaluations
DPS = 40
#: float samples smaller than this (or not finite) are recomputed with mpmath
_TRUST = 1e-7
#: at most this many local extrema of a sampled derivative are searched for hidden zeros
_MAX_DIPS = 200


def _grid() -> np.ndarray:
    near = np.linspace(0.0, 20.0, 401)[1:]
    mid = np.linspace(20.0, 50.0, 31)[1:]
    far = np.geomspace(50.0, 1e6, 41)[1:]
    tiny = np.geomspace(1e-8, 1e-2, 13)
    huge = np.array([1e9, 1e12, 1e18, 1e24])
    pos = np.unique(np.concatenate([tiny, near, mid, far, huge]))
    return np.concatenate([-pos[::-1], [0.0], pos])


#: sample abscissae for pieces reaching to infinity (dense near 0, geometric far out)
GRID = _grid()
#: beyond this |x| critical points are counted as belonging to an oscillating tail
FAR = 50.0


class ArgumentTooLargeError(ArithmeticError):
    """An argument so large that evaluating the function would exhaust time or memory."""


#: arguments beyond 2**MAX_MAG are refused (sin(eˣ) at x = 10⁸ needs 10⁸-bit π)
MAX_MAG = 4000


def _guard(fn):
    def guarded(*args):
        for a in args:
            if mpmath.mag(a) > MAX_MAG:
                raise ArgumentTooLargeError
        return fn(*args)

    return guarded


_GUARDED = ("exp", "expm1", "sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh", "tanh",
            "coth", "sech", "csch", "erf", "erfc", "log", "atan", "asinh", "acosh", "atanh",
            "power", "sqrt")
#: mpmath with the transcendental functions refusing astronomically large arguments
MP_NAMESPACE = {name: _guard(getattr(mpmath, name)) for name in _GUARDED} | {"mpmath": mpmath}


def _numeric_constants(expr: sp.Expr) -> sp.Expr:
    reps = {c: sp.Float(c.digits, 60) for c in expr.atoms(NamedConstant)}
    return expr.xreplace(reps) if reps else expr


class Fn:
    """A real function of x: vectorised float64 (NumPy/SciPy) and scalar mpmath forms."""

    def __init__(self, expr: sp.Expr, x: sp.Symbol):
        self.expr = expr
        self.x = x

    @cached_property
    def _np(self):
        return sp.lambdify(self.x, _numeric_constants(self.expr), modules=["numpy", "scipy"])

    @cached_property
    def _mp(self):
        return sp.lambdify(self.x, self.expr, modules=[MP_NAMESPACE, "mpmath"])

    def mp(self, value) -> mpmath.mpf | None:
        """f(value) at the current mpmath precision; None if not finite and real."""
        try:
            r = self._mp(mpmath.mpf(value))
        except (ArithmeticError, ValueError, TypeError, MemoryError):
            return None
        if isinstance(r, mpmath.mpc):
            if r.imag != 0 and abs(r.imag) > mpmath.mpf(10) ** (-DPS + 5) * (1 + abs(r.real)):
                return None
            r = r.real
        r = mpmath.mpf(r)
        if not mpmath.isfinite(r):
            return None
        return r

    def certain(self, value, precisions: tuple[int, ...] = (60, 120, 300)) -> mpmath.mpf | None:
        """f(value) with a trustworthy sign: mpmath at 60 and 120 digits (then 300) must
        agree to 6 digits; None when they do not (cancellation beyond the precision)."""
        prev = None
        for dps in precisions:
            with mpmath.workdps(dps):
                cur = self.mp(value)
            if cur is None:
                return None
            if prev is not None and prev != 0 and cur != 0 and _sgn(prev) == _sgn(cur) \
                    and abs(prev - cur) <= 1e-6 * abs(cur):
                with mpmath.workdps(DPS):
                    return +cur
            prev = cur
        return None

    def floats(self, xs: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            try:
                ys = self._np(xs)
            except (ArithmeticError, ValueError, TypeError, MemoryError):
                ys = np.full(xs.shape, np.nan)
        return np.broadcast_to(np.asarray(ys, dtype=float), xs.shape).copy()

    def samples(self, xs: np.ndarray) -> list[float | mpmath.mpf | None]:
        """Values at ``xs``: Python floats where trustworthy, else mpmath values (None where
        f is not finite and real)."""
        ys = self.floats(xs)
        trusted = np.isfinite(ys) & (np.abs(ys) >= _TRUST) & (np.abs(xs) < 1e8)
        out: list[float | mpmath.mpf | None] = ys.tolist()
        with mpmath.workdps(DPS):
            for i in np.flatnonzero(~trusted):
                out[i] = self.mp(float(xs[i]))
        return out


@dataclass
class Root:
    """A zero of a derivative: high-precision location, exact form when known."""

    at: mpmath.mpf
    exact: sp.Expr | None = None


@dataclass
class SignPattern:
    """Signs of h on (lo, hi): ``signs[i]`` holds between ``roots[i-1]`` and ``roots[i]``.

    ``touches`` are zeros where h keeps its sign; ``complete`` is False when some
    evaluations failed (the pattern may then miss sign changes).
    """

    roots: list[Root] = field(default_factory=list)
    signs: list[int] = field(default_factory=list)
    touches: list[Root] = field(default_factory=list)
    complete: bool = True

    @property
    def zero(self) -> bool:
        return self.signs == [0]

    def far_changes(self) -> int:
        return sum(1 for r in self.roots if abs(r.at) > FAR)


def piece_points(lo: float, hi: float) -> np.ndarray:
    """Sample abscissae strictly inside (lo, hi)."""
    inside = GRID[(GRID > lo) & (GRID < hi)]
    extra = []
    for end, inward in ((lo, 1.0), (hi, -1.0)):
        if math.isfinite(end):
            extra.append(end + inward * 1e-9 * max(1.0, abs(end)))
    if math.isfinite(lo) and math.isfinite(hi):
        extra.extend(np.linspace(lo, hi, 66)[1:-1])
    pts = np.unique(np.concatenate([inside, np.asarray(extra, dtype=float)]))
    return pts[(pts > lo) & (pts < hi)]


def _sgn(v) -> int:
    return (v > 0) - (v < 0)


def _is_exact_rational(h: sp.Expr, x: sp.Symbol) -> bool:
    return (h.is_rational_function(x) and not h.has(sp.Float)
            and not h.atoms(sp.NumberSymbol) and all(a.is_Rational for a in h.atoms(sp.Number)))


def _exact_pattern(h: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> SignPattern | None:
    """Sign pattern of a rational function with rational coefficients, roots exact."""
    num, den = sp.fraction(sp.together(h))
    cands = []
    for part in (num, den):
        if part.has(x):
            cands += list(sp.real_roots(sp.Poly(part, x)))
    lo_f, hi_f = float(lo), float(hi)
    inner = sorted({r for r in cands if lo_f < float(r) < hi_f}, key=float)
    edges = [lo, *inner, hi]
    signs = []
    for a, b in itertools.pairwise(edges):
        if a.is_infinite and b.is_infinite:
            probe = sp.S.Zero
        elif a.is_infinite:
            probe = b - 1
        elif b.is_infinite:
            probe = a + 1
        else:
            probe = (a + b) / 2
        v = h.subs(x, probe)
        if not v.is_number:
            return None
        signs.append(_sgn(float(v)))
    pat = SignPattern()
    pat.signs = [signs[0]]
    for r, s in zip(inner, signs[1:], strict=False):
        with mpmath.workdps(DPS):
            root = Root(mpmath.mpf(sp.N(r, DPS + 5)), r)
        if s == pat.signs[-1]:
            pat.touches.append(root)
        else:
            pat.roots.append(root)
            pat.signs.append(s)
    return pat


def _bisect(h: Fn, a, b, sign_a: int):
    """Zero of h in (a, b) where h(a) has sign ``sign_a`` and h(b) the opposite sign."""
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    eps = mpmath.mpf(10) ** (-DPS + 8)
    polished = False
    for _ in range(2000):
        if a > 0 and b > 4 * a:
            m = mpmath.sqrt(a * b)
        elif b < 0 and a < 4 * b:
            m = -mpmath.sqrt(a * b)
        else:
            m = (a + b) / 2
        if b - a <= eps * (1 + abs(m)):
            return m
        hm = h.mp(m)
        if hm is None:
            return None
        if hm == 0:
            return m
        if _sgn(hm) == sign_a:
            a = m
        else:
            b = m
        if not polished and b - a < mpmath.mpf("1e-6") * (1 + abs(m)):
            polished = True
            try:
                r = mpmath.findroot(h._mp, (a, b), solver="anderson")
                if isinstance(r, mpmath.mpf) and a <= r <= b:
                    hr = h.mp(r)
                    step = eps * (1 + abs(r))
                    left, right = h.mp(r - step), h.mp(r + step)
                    if hr == 0 or (left is not None and right is not None
                                   and _sgn(left) == sign_a and _sgn(right) == -sign_a):
                        return r
            except (ArithmeticError, ValueError, TypeError, MemoryError):
                pass
    return (a + b) / 2


def _golden_min(h: Fn, a, b, sign: int):
    """Minimum of sign·h on [a, b] by golden-section search: (location, sign·h there)."""
    g = (mpmath.sqrt(5) - 1) / 2
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    c, d = b - g * (b - a), a + g * (b - a)
    hc, hd = h.mp(c), h.mp(d)
    if hc is None or hd is None:
        return None
    hc, hd = sign * hc, sign * hd
    for _ in range(80):
        if hc < hd:
            b, d, hd = d, c, hc
            c = b - g * (b - a)
            hc = h.mp(c)
            if hc is None:
                return None
            hc = sign * hc
        else:
            a, c, hc = c, d, hd
            d = a + g * (b - a)
            hd = h.mp(d)
            if hd is None:
                return None
            hd = sign * hd
        if b - a < mpmath.mpf(10) ** (-20) * (1 + abs(a)):
            break
    return (c, hc) if hc < hd else (d, hd)


def _compact(expr: sp.Expr) -> sp.Expr:
    """A form with less cancellation when one is cheap to get (σ'' = σ(1 − σ)(1 − 2σ) comes
    out of differentiation as a difference of nearly equal terms)."""
    alt = timebox.attempt(lambda: sp.together(expr), 2.0)
    if alt is None or sp.count_ops(alt) > 1.5 * sp.count_ops(expr):
        return expr
    return alt


def _resolve_zeros(h: Fn, seq: list[tuple]) -> list[tuple]:
    """Samples that came out exactly 0 are recomputed at higher precision and dropped when
    they stay 0: a zero sample carries no sign, a sign change through it is still bracketed
    by its neighbours, and a zero without a sign change is no extremum."""
    out = []
    for p, v in seq:
        if v == 0:
            if abs(p) > FAR:
                continue
            v = h.certain(p, (60, 120))
            if v is None or v == 0:
                continue
        out.append((p, v))
    return out


def _flips(h: Fn, seq: list[tuple]) -> tuple[int, list[tuple], list]:
    """First sign, brackets (a, b | None, sign at a) of sign changes, and touching zeros.

    Every apparent sign change is re-checked with SymPy's adaptive precision at both ends;
    a sample whose sign cannot be certified is dropped.
    """

    def precise(p):
        return h.certain(p)

    first = 0
    brackets: list[tuple] = []
    touches: list = []
    last: list | None = None  # [point, value, checked]
    zeros: list = []
    for p, v in seq:
        if v == 0:
            zeros.append(p)
            continue
        if last is None:
            first, last = _sgn(v), [p, v, False]
            touches += zeros
        elif _sgn(v) == _sgn(last[1]):
            touches += zeros
            last = [p, v, False]
        else:
            if not last[2]:
                lv = precise(last[0])
                if lv is None or lv == 0:
                    last, zeros = [p, v, False], []
                    continue
                last = [last[0], lv, True]
            cv = precise(p)
            if cv is None or cv == 0:
                continue
            if _sgn(cv) == _sgn(last[1]):
                touches += zeros
            elif zeros:
                brackets.append((zeros[0], None, _sgn(last[1])))
            else:
                brackets.append((last[0], p, _sgn(last[1])))
            last = [p, cv, True]
        zeros = []
    if brackets:
        first = brackets[0][2]  # the sign before the first verified change
    elif last is not None:
        first = _sgn(last[1])
    return first, brackets, touches


def sign_pattern(h_expr: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr,
                 xs: np.ndarray | None = None) -> SignPattern:
    """Where h = ``h_expr`` is positive, negative or zero on the open interval (lo, hi)."""
    if h_expr == 0 or (not h_expr.has(x) and sp.N(h_expr, 30) == 0):
        return SignPattern(signs=[0])
    if not h_expr.has(x):
        return SignPattern(signs=[_sgn(float(sp.N(h_expr, 30)))])
    if xs is None and _is_exact_rational(h_expr, x):
        pat = timebox.attempt(lambda: _exact_pattern(h_expr, x, lo, hi), 5.0)
        if pat is not None:
            return pat
    h = Fn(_compact(h_expr), x)
    pts = piece_points(float(lo), float(hi)) if xs is None else xs
    vals = h.samples(pts)
    pat = SignPattern()
    keep = [(p, v) for p, v in zip(pts, vals, strict=False) if v is not None]
    if any(v is None and abs(p) <= FAR for p, v in zip(pts, vals, strict=False)):
        pat.complete = False  # further out, refused evaluations (e^(e^x)) only thin the grid
    if not keep:
        pat.complete = False
        return pat
    with mpmath.workdps(DPS):
        # local extrema of the samples may hide a pair of zeros between grid points
        dips = []
        scale = float(np.median([abs(float(v)) for _, v in keep])) or 1.0
        for i in range(1, len(keep) - 1):
            v0, v1, v2 = keep[i - 1][1], keep[i][1], keep[i + 1][1]
            s = _sgn(v1)
            if s == 0 or _sgn(v0) != s or _sgn(v2) != s:
                continue
            if s * v1 <= s * v0 and s * v1 <= s * v2 and abs(float(v1)) < 0.05 * scale:
                dips.append((abs(float(v1)), i))
        extra: list[tuple] = []
        for _, i in sorted(dips)[:_MAX_DIPS]:
            s = _sgn(keep[i][1])
            found = _golden_min(h, keep[i - 1][0], keep[i + 1][0], s)
            if found is None:
                continue
            at, val = found
            if val < 0:
                extra.append((at, -s * abs(val)))
            elif val == 0:
                pat.touches.append(Root(at))
        seq = sorted([(float(p), v) for p, v in keep] + extra, key=lambda t: t[0])
        seq = _resolve_zeros(h, seq)
        if not seq:
            pat.complete = False
            return pat
        first, brackets, touches = _flips(h, seq)
        pat.touches += [Root(mpmath.mpf(z)) for z in touches]
        if first == 0:
            return SignPattern(signs=[0], complete=pat.complete)
        pat.signs = [first]
        for a, b, sa in brackets:
            r = a if b is None else _bisect(h, a, b, sa)
            if r is None:
                pat.complete = False
                continue
            pat.roots.append(Root(mpmath.mpf(r)))
            pat.signs.append(-sa)
    return pat


# ---- limits ----------------------------------------------------------------
def _float_of(v: sp.Expr) -> float | None:
    if v is sp.S.Infinity:
        return math.inf
    if v is sp.S.NegativeInfinity:
        return -math.inf
    if v.is_number and v.is_real and not v.has(sp.nan, sp.zoo, sp.AccumBounds):
        return float(sp.N(v, 30))
    return None

def far_limit(fn, sign: int) -> float:
    """lim f(x) as x → sign·∞ from f at sign·10³⁰⁰ and sign·10⁶⁰⁰ (and 10¹²⁰⁰ for a slow
    growth; ``fn`` takes mpmath numbers; NaN if there is no clear limit). At the working
    precision of the caller."""
    vals = []
    for e in (300, 600):
        try:
            vals.append(fn(sign * mpmath.mpf(10) ** e))
        except (ZeroDivisionError, ValueError, OverflowError):
            return math.nan
    a, b = vals
    if not (mpmath.isfinite(a) and mpmath.isfinite(b)):
        if mpmath.isinf(a) and a == b:
            return float(a)
        return math.nan
    if abs(a) > 1e250 and abs(b) > abs(a) and mpmath.sign(a) == mpmath.sign(b):
        return math.inf if a > 0 else -math.inf
    if abs(a) < 1e-300 and abs(b) < 1e-300:
        return 0.0
    if abs(a - b) <= 1e-25 * max(abs(a), abs(b)):
        return float(b)
    # a slow growth (ln x, asinh x): the steps do not shrink from 10³⁰⁰ to 10⁶⁰⁰ to 10¹²⁰⁰
    try:
        c = fn(sign * mpmath.mpf(10) ** 1200)
    except (ZeroDivisionError, ValueError, OverflowError):
        return math.nan
    if (mpmath.isfinite(c) and mpmath.sign(a) == mpmath.sign(b) == mpmath.sign(c) != 0
            and abs(c) > abs(b) > abs(a) and abs(c) - abs(b) >= 0.9 * (abs(b) - abs(a))):
        return math.inf if a > 0 else -math.inf
    return math.nan


def settled_far_limit(fn, sign: int, start: int = 60, top: int = 1920) -> float:
    """:func:`far_limit` at rising precision (60, 120, … digits) until two precisions agree:
    a formula that cancels at x = ±10³⁰⁰ (1 + x/√(1 + x²)) is not trusted at one."""
    prev = None
    dps = start
    while dps <= top:
        with mpmath.workdps(dps):
            v = far_limit(fn, sign)
        if prev is not None and (v == prev or (math.isnan(v) and math.isnan(prev))):
            return v
        prev, dps = v, 2 * dps
    return prev


#: decimal exponents of the abscissae used to estimate a limit at ±∞
_LIMIT_PROBES = (2, 3, 4, 6, 8, 12, 16, 24, 32)


def numeric_limit(fn: Fn, direction: int) -> float | None:
    """lim f at direction·∞ from f at ±10², 10³, …, 10³² (60 digits); None if unclear.

    Converged: the last three values agree to 15 digits and the three before to 6.
    Diverged: every value from 10³ on has the same sign and |f| grows strictly throughout,
    beyond 10⁶ and by a factor 2 at the end.
    """
    with mpmath.workdps(60):
        vs = [fn.mp(direction * mpmath.mpf(10) ** k) for k in _LIMIT_PROBES]
    if any(v is None for v in vs):
        return None
    last = vs[-1]
    scale = max(1.0, abs(float(last))) if abs(last) < 1e300 else math.inf
    if math.isfinite(scale) and all(abs(float(vs[-1] - v)) <= 1e-15 * scale for v in vs[-3:]) \
            and all(abs(float(vs[-1] - v)) <= 1e-6 * scale for v in vs[-6:]):
        return 0.0 if abs(last) < 1e-20 else float(last)
    signs = {_sgn(v) for v in vs[1:]}
    mags = [abs(v) for v in vs]
    if len(signs) == 1 and 0 not in signs and all(b > a for a, b in itertools.pairwise(mags)) \
            and mags[-1] > 1e6 and mags[-1] >= 2 * mags[-2]:
        return math.inf if signs == {1} else -math.inf
    return None


def limit_at_infinity(expr: sp.Expr, x: sp.Symbol, direction: int, *,
                      seconds: float = 3.0) -> tuple[float | None, sp.Expr | None, bool]:
    """(float, exact, symbolic) limit of ``expr`` as x → direction·∞; (None, None, False)
    when undecided. ``symbolic`` tells whether SymPy confirmed the value.

    SymPy's limit (under a deadline) gives the exact value; it is accepted only when the
    numeric estimate agrees or is unavailable. SymPy is asked only for rational functions
    (instant) and when the numeric estimate is missing or finite and non-zero (to get the
    closed form, e.g. π/2); an estimate of ±∞ or 0 stands with ±oo or 0 as its exact form.
    """
    target = sp.S.Infinity if direction > 0 else sp.S.NegativeInfinity
    if not expr.has(x):
        v = _float_of(expr)
        return (v, expr, True) if v is not None else (None, None, False)
    if not expr.is_rational_function(x):
        num = numeric_limit(Fn(expr, x), direction)
        if num is not None and (math.isinf(num) or num == 0):
            if math.isinf(num):
                return num, sp.oo if num > 0 else -sp.oo, False
            return num, sp.S.Zero, False
    exact = timebox.attempt(lambda: sp.limit(expr, x, target), seconds)
    exact_f = _float_of(exact) if isinstance(exact, sp.Basic) else None
    if exact_f is None:
        exact = None
    num = numeric_limit(Fn(expr, x), direction)
    if exact is None:
        return num, None, False
    if num is None:
        return exact_f, exact, True
    if math.isinf(num) or math.isinf(exact_f):
        return (num, exact, True) if num == exact_f else (None, None, False)
    if abs(num - exact_f) <= 1e-9 * max(1.0, abs(num)):
        return exact_f, exact, True
    return None, None, False
