"""Split a definition (parameters fixed) at its breakpoints into smooth elementary pieces.

Breakpoints are the real roots of Piecewise conditions, of |u| arguments, of bases of
fractional or negative powers and of logarithm arguments: between two of them every
Piecewise and |u| resolves to a single elementary branch, analytic where it is finite.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

from ..functions import expand_blocks
from . import timebox

#: functions whose non-smooth points this module cannot locate
_OPAQUE = (
    sp.floor, sp.ceiling, sp.frac, sp.Mod, sp.sign, sp.Heaviside, sp.DiracDelta,
    sp.re, sp.im, sp.arg, sp.Max, sp.Min,
)


class Unsupported(Exception):  # noqa: N818 - reads as a verdict
    """The definition has a feature the analysis cannot handle (the reason is the message)."""


@dataclass(frozen=True)
class Piece:
    """On the open interval (lo, hi) the activation equals the elementary ``expr``."""

    lo: sp.Expr
    hi: sp.Expr
    expr: sp.Expr

    @property
    def lo_float(self) -> float:
        return float(self.lo)

    @property
    def hi_float(self) -> float:
        return float(self.hi)

    def contains(self, value: float) -> bool:
        return self.lo_float < value < self.hi_float


@dataclass(frozen=True)
class Structure:
    """Breakpoints c₁ < … < cₙ, f(cᵢ), and the n + 1 pieces between them."""

    f: sp.Expr
    points: tuple[sp.Expr, ...]
    values: tuple[sp.Expr, ...]
    pieces: tuple[Piece, ...]


def is_finite_real(v: sp.Expr) -> bool:
    return bool(v.is_number) and v.is_real is not False and not v.has(
        sp.nan, sp.zoo, sp.oo, -sp.oo, sp.AccumBounds
    ) and not isinstance(v, sp.Piecewise)


def _real_roots(e: sp.Expr, x: sp.Symbol) -> list[sp.Expr]:
    """Real roots of ``e`` in x; Unsupported when ``e`` is not polynomial (after clearing
    denominators) and has no evident sign."""
    e = sp.together(e)
    num, den = sp.fraction(e)
    roots: list[sp.Expr] = []
    for part in (num, den):
        if not part.has(x):
            continue
        if part.is_polynomial(x):
            poly = sp.Poly(part, x)
            if poly.degree() <= 0:
                continue
            if poly.degree() == 1:
                a, b = poly.all_coeffs()
                roots.append(-b / a)
                continue
            if all(c.is_rational for c in poly.all_coeffs()):
                roots.extend(r for r in sp.real_roots(poly))
            else:
                roots.extend(sp.Float(r.as_real_imag()[0], 30) for r in poly.nroots(n=30)
                             if abs(sp.im(r)) < 1e-20)
            continue
        if part.is_positive or part.is_negative:
            continue
        found = timebox.attempt(lambda p=part: sp.solveset(p, x, sp.S.Reals), 2.0)
        if isinstance(found, sp.FiniteSet):
            roots.extend(found)
            continue
        if found is sp.S.EmptySet:
            continue
        raise Unsupported(f"cannot locate the real zeros of {part}")
    return roots


def breakpoints(expr: sp.Expr, x: sp.Symbol) -> list[sp.Expr]:
    """Sorted exact points where the definition may fail to be analytic."""
    bad = [f.__name__ for f in _OPAQUE if expr.has(f)]
    if bad:
        raise Unsupported(f"the definition uses {', '.join(bad)}")
    found: list[sp.Expr] = []
    for pw in expr.atoms(sp.Piecewise):
        for _, cond in pw.args:
            if cond in (sp.true, sp.false):
                continue
            rels = [cond] if isinstance(cond, sp.Rel) else cond.atoms(sp.Rel)
            for rel in rels:
                found += _real_roots(rel.lhs - rel.rhs, x)
    for a in expr.atoms(sp.Abs):
        found += _real_roots(a.args[0], x)
    for p in expr.atoms(sp.Pow):
        if p.base.has(x) and not (p.exp.is_Integer and p.exp > 0):
            found += _real_roots(p.base, x)
    for lg in expr.atoms(sp.log):
        found += _real_roots(lg.args[0], x)
    out: list[sp.Expr] = []
    for r in found:
        if not is_finite_real(r):
            continue
        if all(abs(float(sp.N(r - q, 30))) > 1e-25 for q in out):
            out.append(r)
    return sorted(out, key=lambda r: float(sp.N(r, 30)))


def _probe(lo: sp.Expr, hi: sp.Expr) -> sp.Expr:
    if lo is sp.S.NegativeInfinity and hi is sp.S.Infinity:
        return sp.S.Zero
    if lo is sp.S.NegativeInfinity:
        return sp.floor(hi) - 1
    if hi is sp.S.Infinity:
        return sp.ceiling(lo) + 1
    return (lo + hi) / 2


def resolve(expr: sp.Expr, x: sp.Symbol, probe: sp.Expr) -> sp.Expr:
    """The elementary branch of ``expr`` that holds on the piece containing ``probe``."""

    def pick(*args):
        for branch, cond in args:
            truth = cond if cond in (sp.true, sp.false) else cond.subs(x, probe)
            if truth == sp.true:
                return branch
            if truth != sp.false:
                raise Unsupported(f"cannot decide the condition {cond} at x = {probe}")
        raise Unsupported(f"the definition is undefined at x = {probe}")

    def unabs(u):
        s = sp.N(u.subs(x, probe), 30)
        return u if s >= 0 else -u

    out = expr.replace(lambda e: isinstance(e, sp.Piecewise), lambda e: pick(*e.args))
    out = out.replace(sp.Abs, unabs)
    return expand_blocks(out)


def split(expr: sp.Expr, x: sp.Symbol) -> Structure:
    """The :class:`Structure` of ``expr`` (a function of ``x`` alone)."""
    extra = expr.free_symbols - {x}
    if extra:
        names = ", ".join(sorted(s.name for s in extra))
        raise Unsupported(f"the definition still contains free symbols: {names}")
    expr = expand_blocks(expr)
    points = breakpoints(expr, x)
    values = []
    for c in points:
        v = sp.piecewise_fold(expr.subs(x, c))
        if not is_finite_real(v):
            raise Unsupported(f"f is not defined (finite and real) at x = {c}")
        values.append(v)
    edges = [sp.S.NegativeInfinity, *points, sp.S.Infinity]
    pieces = []
    for lo, hi in itertools.pairwise(edges):
        probe = _probe(lo, hi)
        branch = resolve(expr, x, probe)
        if not is_finite_real(sp.N(branch.subs(x, probe), 30)):
            raise Unsupported(f"f is not real-valued on ({lo}, {hi})")
        pieces.append(Piece(lo, hi, branch))
    return Structure(expr, tuple(points), tuple(values), tuple(pieces))
