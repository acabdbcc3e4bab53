"""Display forms: the compact way a textbook prints a derivative.

SymPy's ``simplify`` is slow, can hang, and picks odd forms. Instead a handful of cheap,
targeted rewrites produce candidates (a bounded number, so the result never depends on
time), each candidate is checked equal to the original at sample
points, and the one with the fewest operations wins (``sympy.count_ops``, where each
building-block application — σ, softplus, Φ, φ, tanh, sech, f — counts as one).

Candidates (applied branch by branch for Piecewise):
  * the raw derivative, its ``factor_terms`` and ``together`` forms;
  * 1 − tanh²(u) → sech²(u);
  * the activation's own definition replaced by ``f(x)``, then collected on each block.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import mpmath
import sympy as sp

from .functions import BuildingBlock, expand_blocks

#: at most this many candidates are tried per expression (a count, not a clock, so the chosen
#: form never depends on machine load)
MAX_CANDIDATES = 40
#: expressions with more operations than this get only the cheap rewrites
LARGE = 120


def ops(expr: sp.Expr) -> int:
    """Operation count, each function application counting as one."""
    return int(sp.count_ops(expr))


def _sech_form(e: sp.Expr) -> sp.Expr:
    reps = {}
    for t in e.atoms(sp.tanh):
        reps[t**2] = 1 - sp.sech(t.args[0]) ** 2
    if not reps:
        return e
    return sp.expand(e.subs(reps))


def _blocks(e: sp.Expr) -> list:
    return sorted(
        (a for a in e.atoms(sp.Function) if isinstance(a, (BuildingBlock, sp.tanh, sp.sech))),
        key=sp.default_sort_key,
    )


def _collect_blocks(e: sp.Expr) -> list:
    out = []
    for b in _blocks(e):
        try:
            out.append(sp.collect(sp.expand(e), b))
        except Exception:
            continue
    return out


def _self_form(e: sp.Expr, f_def: sp.Expr | None, f_ref: sp.Expr | None) -> list:
    if f_def is None or f_ref is None or not isinstance(f_def, sp.Mul):
        return []
    replaced = sp.expand(e).subs(f_def, f_ref)
    if not replaced.has(f_ref):
        return []
    return [replaced, *_collect_blocks(replaced)]


def candidates(e: sp.Expr, f_def=None, f_ref=None) -> Iterator[sp.Expr]:
    """Candidate forms, cheapest first (a generator: the search stops after its budget)."""
    base = [e]
    yield e
    if ops(e) > LARGE:
        yield sp.factor_terms(e)
        yield _sech_form(e)
        return
    for make in (sp.factor_terms, lambda u: sp.factor_terms(sp.together(u))):
        if make is not sp.factor_terms and e.has(sp.Piecewise):
            continue
        try:
            c = make(e)
        except Exception:
            continue
        base.append(c)
        yield c
    tried = list(base)
    for c in base:
        s = _sech_form(c)
        if s is not c:
            tried += [s, sp.factor_terms(s)]
            yield from tried[-2:]
    for c in _collect_blocks(e):
        tried.append(c)
        yield c
    for c in list(tried):
        yield from _self_form(c, f_def, f_ref)


def _agree(a: sp.Expr, b: sp.Expr, x: sp.Symbol, values: dict) -> bool:
    """Equal at a few points (params at ``values``) to 25 digits."""
    for p in (sp.Rational(-7, 3), sp.Rational(-1, 2), sp.Rational(5, 7), sp.Rational(13, 4)):
        subs = {**values, x: p}
        with mpmath.workdps(40):
            va = expand_blocks(a).evalf(40, subs=subs)
            vb = expand_blocks(b).evalf(40, subs=subs)
        if not (va.is_number and vb.is_number):
            return False
        try:
            fa, fb = complex(va), complex(vb)
        except TypeError:
            return False
        if not (math.isfinite(fa.real) and math.isfinite(fb.real)):
            return fa == fb
        if abs(fa - fb) > 1e-20 * max(1.0, abs(fa)):
            return False
    return True


def compact(
    expr: sp.Expr,
    x: sp.Symbol,
    values: dict,
    f_def: sp.Expr | None = None,
    f_ref: sp.Expr | None = None,
) -> sp.Expr:
    """The shortest verified candidate form of ``expr`` (branch-wise for Piecewise)."""
    if isinstance(expr, sp.Piecewise):
        return sp.Piecewise(
            *[(compact(b, x, values, f_def, f_ref), c) for b, c in expr.args]
        )
    if expr.is_number or (not expr.has(x) and not expr.free_symbols):
        return expr
    best, best_ops = expr, ops(expr)
    seen = {expr}
    for i, cand in enumerate(candidates(expr, f_def, f_ref)):
        if i >= MAX_CANDIDATES:
            break
        if cand in seen:
            continue
        seen.add(cand)
        n = ops(cand)
        if n < best_ops and _agree(cand, expr, x, values):
            best, best_ops = cand, n
    return best

