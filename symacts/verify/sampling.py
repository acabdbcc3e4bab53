"""Seeded sample points, breakpoints and parameter sets for the numeric layer.

Special points (kinks, breakpoints, singular points) are sampled exactly and on both sides. A
breakpoint is where a formula changes branch: a solution of a relation in a Piecewise condition
(``abs(x) < c``, ``x**2 < c``, ``x > -10/7``, the conditions Max/Min become), a zero of an
argument of Abs, sign or Heaviside. Polynomial relations (Abs split into its two cases) are
solved exactly; others are located numerically to 50 digits. An exact special point is a
:class:`SpecialPoint`, which carries its exact value, so that a condition that cannot be decided
by rounding there (x ≥ −10/7 at x = −10/7) is decided exactly.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

import mpmath
import sympy as sp

from ..errors import ParameterError

#: round points tried first, so that a counterexample is easy to read
ROUND_POINTS = (1, -1, 2, -2, 0.5, -0.5, 3, -3, 5, -5, 10, -10)
#: offsets placed on both sides of every special point (to 60 digits: 0.5 + 10⁻¹ is 0.6)
with mpmath.workdps(60):
    SIDE_OFFSETS = tuple(mpmath.mpf(10) ** -k for k in (1, 3, 6, 12, 20, 30))
#: alternative parameter values tried besides the defaults
ALTERNATIVES = ("2", "1/2", "-1/2", "3", "3/2", "-2")
#: magnitudes beyond the log-spaced range (10^−8 … 10^6), sampled as 10^k and, up to 10^15,
#: also with a seeded mantissa
TAIL_EXPONENTS = (7, 8, 9, 10, 12, 15, 20, 30, 50, 100, 200, 300)
#: highest degree of a polynomial relation solved exactly
MAX_DEGREE = 12


class SpecialPoint(mpmath.mpf):
    """A special point as an mpf, with its exact value (a SymPy number) in ``exact``."""

    exact: sp.Expr | None = None

    def __reduce__(self):
        return _restore_special_point, (self._mpf_, self.exact)


def _restore_special_point(raw, exact) -> SpecialPoint:
    p = SpecialPoint.__new__(SpecialPoint)
    p._mpf_ = raw
    p.exact = exact
    return p


def special_point(value: sp.Expr, approx) -> mpmath.mpf:
    """``approx`` (an mpf) marked as the exact ``value`` when that is a finite real number."""
    if not isinstance(value, sp.Basic) or not value.is_number or value.is_real is False:
        return approx
    p = SpecialPoint(approx)
    p.exact = value
    return p


def sample_points(special: Sequence, n_random: int = 500, seed: int = 0) -> list:
    """At least ``n_random`` + extras points (mpf): the special points exactly and on both
    sides, round points, ±10^−k near 0, uniform on [−1, 1] and [−20, 20], log-spaced magnitudes
    10^−8 … 10^6 of both signs and a tail of magnitudes to 10^300. Deterministic for a given
    ``seed``."""
    rng = random.Random(seed)
    pts: list = list(special)  # first, so that an exact special point is kept as such
    pts += [mpmath.mpf(0)]
    pts += [mpmath.mpf(p) for p in ROUND_POINTS]
    for s in special:
        for d in SIDE_OFFSETS:
            pts += [s - d, s + d]
    for k in range(1, 31, 2):
        pts += [mpmath.mpf(10) ** -k, -(mpmath.mpf(10) ** -k)]
    n_dense = n_random // 4
    n_wide = n_random // 4
    n_log = n_random - n_dense - n_wide
    pts += [mpmath.mpf(rng.uniform(-1, 1)) for _ in range(n_dense)]
    pts += [mpmath.mpf(rng.uniform(-20, 20)) for _ in range(n_wide)]
    for _ in range(n_log):
        mag = mpmath.mpf(10) ** mpmath.mpf(rng.uniform(-8, 6))
        pts.append(mag if rng.random() < 0.5 else -mag)
    pts += [mpmath.mpf(10) ** 6, -(mpmath.mpf(10) ** 6)]
    for k in TAIL_EXPONENTS:
        mags = [mpmath.mpf(10) ** k]
        if k <= 15:
            mags.append(mpmath.mpf(rng.uniform(1, 10)) * mpmath.mpf(10) ** k)
        pts += [v for m in mags for v in (m, -m)]
    out, seen = [], set()
    for p in pts:
        key = mpmath.nstr(p, 40)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def parameter_sets(act, fixed: dict, limit: int = 3) -> list[dict]:
    """Parameter assignments to sample: the defaults (with ``fixed`` applied) first, then up to
    ``limit`` sets of alternative values inside each parameter's domain and constraints."""
    free = [p for p in act.param_specs if p.name not in fixed]
    base = {p.name: fixed.get(p.name, p.default) for p in act.param_specs}
    sets = [base]
    if not free:
        return sets
    tried = 0
    for j in range(len(ALTERNATIVES)):
        if len(sets) > limit:
            break
        cand = dict(base)
        for i, p in enumerate(free):
            cand[p.name] = sp.Rational(ALTERNATIVES[(j + i) % len(ALTERNATIVES)])
        tried += 1
        try:
            act.check_params({k: v for k, v in cand.items() if k not in fixed})
        except ParameterError:
            continue
        if cand not in sets:
            sets.append(cand)
    return sets


def real_roots(exprs: Iterable[sp.Expr], x: sp.Symbol, max_degree: int = 6) -> list:
    """Real roots of the polynomial factors of ``exprs`` (low degree only), as SymPy numbers."""
    roots: list = []
    for e in exprs:
        factors = e.args if isinstance(e, sp.Mul) else (e,)
        for f in factors:
            if isinstance(f, sp.Pow) and f.exp.is_positive:
                f = f.base
            if not f.has(x) or not f.is_polynomial(x):
                continue
            try:
                poly = sp.Poly(f, x)
            except sp.PolynomialError:
                continue
            if poly.degree() > max_degree or not poly.free_symbols <= {x}:
                continue
            try:
                for r in poly.real_roots():
                    if r not in roots:
                        roots.append(r)
            except (NotImplementedError, sp.PolynomialError):
                continue
    return roots


def singular_candidates(expr: sp.Expr, x: sp.Symbol) -> list:
    """Points where ``expr`` may be undefined: zeros of denominators and of log/root arguments."""
    bases = []
    for p in expr.atoms(sp.Pow):
        if p.exp.is_negative or (p.exp.is_Rational and not p.exp.is_Integer):
            bases.append(p.base)
    for f in expr.atoms(sp.log):
        bases.append(f.args[0])
    for f in expr.atoms(sp.coth, sp.csch, sp.cot, sp.csc):
        bases.append(f.args[0])
    return real_roots(bases, x)


def breakpoints(exprs: Iterable[sp.Expr], x: sp.Symbol, numeric: bool = True) -> list:
    """Where the formulas change branch (see the module doc): SymPy numbers where solved
    exactly, mpf where located numerically (``numeric=False``: exact ones only). Relations
    with other free symbols are skipped."""
    targets: list = []
    for e in exprs:
        for pw in e.atoms(sp.Piecewise):
            for _, cond in pw.args:
                if isinstance(cond, sp.Rel):
                    rels = [cond]
                elif isinstance(cond, sp.logic.boolalg.Boolean):
                    rels = list(cond.atoms(sp.Rel))
                else:
                    rels = []
                targets += [r.lhs - r.rhs for r in rels]
        targets += [a.args[0] for a in e.atoms(sp.Abs, sp.sign, sp.Heaviside)]
        for m in e.atoms(sp.Max, sp.Min):
            targets += [a - b for i, a in enumerate(m.args) for b in m.args[i + 1:]]
    roots: list = []
    seen: set = set()
    for t in targets:
        t = sp.sympify(t)
        if t in seen or not t.has(x) or t.free_symbols - {x}:
            continue
        seen.add(t)
        for r in real_zeros(t, x, numeric=numeric):
            if r not in roots:
                roots.append(r)
    return roots


def real_zeros(f: sp.Expr, x: sp.Symbol, depth: int = 0, numeric: bool = True) -> list:
    """Real zeros of ``f``: exact for polynomials and rational functions (each |u| split into
    ±u), else sign changes located numerically (mpf, 50 digits; skipped if not ``numeric``)."""
    absolutes = [a for a in f.atoms(sp.Abs) if a.has(x)]
    if absolutes and depth < 3:
        a = absolutes[0]
        u = a.args[0]
        out = []
        for sign in (1, -1):
            for r in real_zeros(f.xreplace({a: sign * u}), x, depth + 1, numeric):
                if _holds(sign * u, x, r) and r not in out:
                    out.append(r)
        return out
    try:
        num, _den = sp.fraction(sp.together(f))
    except (sp.PolynomialError, TypeError, ValueError):
        num = f
    if num.is_polynomial(x):
        try:
            poly = sp.Poly(num, x)
            if poly.degree() <= MAX_DEGREE and poly.free_symbols <= {x}:
                return list(dict.fromkeys(poly.real_roots()))
        except (sp.PolynomialError, NotImplementedError, sp.CoercionFailed, ValueError):
            pass
    return _numeric_zeros(f, x) if numeric else []


def _holds(u: sp.Expr, x: sp.Symbol, r) -> bool:
    """u(r) >= 0, up to rounding."""
    from .evaluate import compile_expr

    try:
        with mpmath.workdps(60):
            v, e = compile_expr(u, x)(_as_mpf(r))
            return v >= -(e + mpmath.mpf(10) ** -45)
    except (ArithmeticError, ValueError, TypeError):
        return False


def _as_mpf(r):
    if isinstance(r, mpmath.mpf):
        return r
    return mpmath.mpf(sp.Float(sp.N(r, 70), 70)._mpf_)


def _grid() -> list:
    """Where to look for sign changes: [−20, 20] in steps of 1/4, then log-spaced to 10^300."""
    pts = [mpmath.mpf(i) / 4 for i in range(-80, 81)]
    mags = [mpmath.mpf(10) ** (mpmath.mpf(k) / 4) for k in range(-40, 81)]
    mags += [mpmath.mpf(10) ** k for k in range(25, 301, 5)]
    pts += [m for m in mags if m > 20] + [-m for m in mags if m > 20]
    pts += [m for m in mags if m < 1] + [-m for m in mags if m < 1]
    return sorted(set(pts))


def _numeric_zeros(f: sp.Expr, x: sp.Symbol, limit: int = 20) -> list:
    """Sign changes of ``f`` on :func:`_grid`, bisected to 50 digits (at most ``limit``)."""
    from .evaluate import Unsupported, compile_expr

    try:
        g = compile_expr(f, x)
    except Unsupported:
        return []

    def sign(X):
        try:
            v, e = g(X)
        except (ArithmeticError, ValueError, TypeError, ZeroDivisionError):
            return None
        if abs(v) <= e:  # zero within rounding: a zero found on the grid
            return 0
        return 1 if v > 0 else -1

    out: list = []
    with mpmath.workdps(60):
        grid = _grid()
        signs = [sign(X) for X in grid]
        for i, (X, s) in enumerate(zip(grid, signs, strict=True)):
            if len(out) >= limit:
                break
            if s == 0:
                out.append(X)
                continue
            if s is None or i + 1 >= len(grid) or signs[i + 1] in (None, 0, s):
                continue
            lo, hi = X, grid[i + 1]
            root = None
            for _ in range(400):
                mid = (lo + hi) / 2
                sm = sign(mid)
                if sm == 0:
                    root = mid
                    break
                if sm is None or hi - lo <= abs(mid) * mpmath.mpf(10) ** -52:
                    break
                lo, hi = (mid, hi) if sm == s else (lo, mid)
            out.append(root if root is not None else (lo + hi) / 2)
    return out
