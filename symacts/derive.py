"""Differentiation: branch by branch, with the declared value imposed at each kink.

SymPy's own ``diff`` of ``Max``/``Abs`` produces ``Heaviside``/``sign``/``DiracDelta`` with
H(0) = 1/2, which matches no framework. Here definitions are normalised to ``Piecewise``,
differentiated branch by branch, and the results are cleaned so that none of those functions
(nor an unevaluated ``Derivative``) survives:

* ``u·sign(u)`` → ``|u|``; any other ``sign(u)`` → 1, −1, 0 by cases (|u|'(0) = 0, as PyTorch);
* ``Heaviside(u)`` → 1 for u > 0 else 0; ``DiracDelta`` → 0 (branch-wise derivative).

At a kink ``c`` the first derivative takes the declared value (``kinks = {c: value}``); when the
branch that holds at ``c`` already gives it, nothing is added, otherwise an ``Eq(x, c)`` case is
put in front. Higher derivatives at a kink follow the branch whose condition holds there.
At a removable singularity (sinc at 0) every order takes the limit of the neighbouring branch.
"""

from __future__ import annotations

import sympy as sp

from .errors import DerivationError

_FORBIDDEN = (sp.Heaviside, sp.DiracDelta, sp.sign, sp.Derivative)


def normalise(expr: sp.Expr) -> sp.Expr:
    """Max/Min → Piecewise, fold nested Piecewise into one, and solve each condition linear
    in x for x (``x ≥ 3x/10 − 1`` → ``x ≥ −10/7``)."""
    if expr.has(sp.Max, sp.Min):
        expr = expr.rewrite(sp.Piecewise)
    if expr.has(sp.Piecewise):
        expr = sp.piecewise_fold(expr)
        expr = expr.xreplace({r: solved_relation(r) for pw in expr.atoms(sp.Piecewise)
                              for _, c in pw.args for r in _relations(c)})
    return expr


def _relations(cond: sp.Basic) -> list:
    if isinstance(cond, sp.core.relational.Relational):
        return [cond]
    return list(cond.atoms(sp.core.relational.Relational))


_FLIP = {sp.StrictGreaterThan: sp.StrictLessThan, sp.GreaterThan: sp.LessThan,
         sp.StrictLessThan: sp.StrictGreaterThan, sp.LessThan: sp.GreaterThan}


def solved_relation(rel: sp.Basic) -> sp.Basic:
    """An inequality a·x + b ⋚ 0 (a a nonzero number) as x ⋚ −b/a; others as they are.

    The point where the branch changes is then a constant, located exactly (the kink), and
    the condition has its true value at x = ±∞ (``x ≥ 3x/10 − 1`` is NaN-free there)."""
    if type(rel) not in _FLIP:
        return rel
    x = next((s for s in rel.free_symbols if s.name == "x"), None)
    if x is None:
        return rel
    d = sp.expand(rel.lhs - rel.rhs)
    if not d.is_polynomial(x):
        return rel
    poly = sp.Poly(d, x)
    if poly.degree() != 1:
        return rel
    a, b = poly.all_coeffs()
    if not a.is_number or a == 0 or (rel.lhs == x and not rel.rhs.has(x)):
        return rel
    op = type(rel) if a > 0 else _FLIP[type(rel)]
    return op(x, sp.nsimplify(-b / a))


def _sign_cases(u: sp.Expr) -> sp.Expr:
    return sp.Piecewise((1, u > 0), (-1, u < 0), (0, True))


def clean(expr: sp.Expr) -> sp.Expr:
    """Remove sign / Heaviside / DiracDelta from a derivative (see module docstring)."""
    if not expr.has(sp.sign, sp.Heaviside, sp.DiracDelta):
        return expr
    # u*sign(u) -> |u| (exact everywhere, including u = 0)
    def fold_sign(e):
        if not isinstance(e, sp.Mul):
            return e
        signs = [f for f in e.args if isinstance(f, sp.sign)]
        rest = list(e.args)
        for s in signs:
            u = s.args[0]
            if u in rest:
                rest.remove(s)
                rest.remove(u)
                rest.append(sp.Abs(u))
            elif -u in rest:
                rest.remove(s)
                rest.remove(-u)
                rest.append(-sp.Abs(u))
        return sp.Mul(*rest)

    expr = sp.expand_mul(expr).replace(lambda e: isinstance(e, sp.Mul), fold_sign)
    expr = expr.replace(sp.DiracDelta, lambda *a: sp.S.Zero)
    expr = expr.replace(sp.Heaviside, lambda u, *h: sp.Piecewise((1, u > 0), (0, True)))
    expr = expr.replace(sp.sign, _sign_cases)
    expr = sp.together(expr) if not expr.has(sp.Piecewise) else sp.piecewise_fold(expr)
    return expr


def check_clean(expr: sp.Expr) -> None:
    bad = [f.__name__ for f in _FORBIDDEN if expr.has(f)]
    if bad:
        raise DerivationError(f"derivative still contains {', '.join(bad)}: {expr}")


def branch_at(expr: sp.Expr, x: sp.Symbol, point: sp.Expr, defaults: dict) -> sp.Expr:
    """The Piecewise branch that holds at the numeric point (params at their defaults)."""
    if not isinstance(expr, sp.Piecewise):
        return expr
    subs = dict(defaults)
    subs[x] = point
    for branch, cond in expr.args:
        truth = cond.subs(subs) if cond is not sp.true else sp.true
        if truth == sp.true:
            return branch
    return expr.args[-1][0]


def differentiate(
    expr: sp.Expr,
    x: sp.Symbol,
    var: sp.Symbol,
    order: int,
    *,
    kinks: dict | None = None,
    removable: tuple = (),
    defaults: dict | None = None,
) -> sp.Expr:
    """d^order expr / d var^order, branch-wise, with kink conventions (first order in x)."""
    defaults = defaults or {}
    d = normalise(expr)
    for _ in range(order):
        d = clean(sp.diff(d, var))
        if d.has(sp.Piecewise):
            d = sp.piecewise_fold(d)
    if var == x and order == 1 and kinks:
        for point, value in kinks.items():
            d = impose(d, x, point, sp.sympify(value), defaults)
    for point in removable:
        d = impose_limit(d, x, point, defaults)
    d = drop_redundant_cases(d)
    check_clean(d)
    return d


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    diff = a - b
    if diff == 0:
        return True
    try:
        return sp.simplify(diff) == 0
    except Exception:
        return False


def impose(d: sp.Expr, x: sp.Symbol, point, value: sp.Expr, defaults: dict) -> sp.Expr:
    """Make ``d`` equal ``value`` at x = point (an Eq case in front unless already so)."""
    point = sp.sympify(point)
    at_point = d.subs(x, point)
    if isinstance(at_point, sp.Piecewise):
        at_point = sp.piecewise_fold(at_point)
        # Piecewise whose conditions are now constant collapses on its own; else resolve
        # with the parameter defaults only to *choose*, and keep the symbolic branch
        if isinstance(at_point, sp.Piecewise):
            at_point = branch_at(d, x, point.subs(defaults), defaults).subs(x, point)
    if _same(at_point, value):
        return d
    pieces = [(value, sp.Eq(x, point))]
    if isinstance(d, sp.Piecewise):
        pieces += list(d.args)
    else:
        pieces.append((d, True))
    return sp.Piecewise(*pieces)


def impose_limit(d: sp.Expr, x: sp.Symbol, point, defaults: dict) -> sp.Expr:
    """At a removable singularity every order takes the limit of the neighbouring branch."""
    point = sp.sympify(point)
    near = point.subs(defaults) + sp.Rational(1, 10**6)
    branch = branch_at(d, x, near, defaults)
    value = sp.limit(branch, x, point)
    pieces = [(value, sp.Eq(x, point))]
    for b, c in d.args if isinstance(d, sp.Piecewise) else [(d, sp.true)]:
        if c == sp.Eq(x, point):
            continue
        if c == sp.Ne(x, point):  # after the Eq case, Ne(x, point) always holds
            pieces.append((b, sp.true))
            break
        pieces.append((b, c))
    return sp.Piecewise(*pieces)


def drop_redundant_cases(d: sp.Expr) -> sp.Expr:
    """Remove Piecewise cases that can never be reached and merge equal neighbours."""
    if not isinstance(d, sp.Piecewise):
        return d
    pieces = []
    for b, c in d.args:
        if c == sp.false:
            continue
        pieces.append((b, c))
        if c == sp.true:
            break
    # identical expressions in all cases: no Piecewise needed
    if all(b == pieces[0][0] for b, _ in pieces) and pieces[-1][1] == sp.true:
        return pieces[0][0]
    return sp.Piecewise(*pieces)


def detect_kinks(expr: sp.Expr, x: sp.Symbol) -> tuple:
    """Boundary points of Piecewise conditions and roots of |linear| terms in ``x``."""
    points = []
    expr = normalise(expr)
    for pw in expr.atoms(sp.Piecewise):
        for _, cond in pw.args:
            for rel in cond.atoms(sp.Rel) if not isinstance(cond, sp.Rel) else [cond]:
                points.extend(_linear_roots(rel.lhs - rel.rhs, x))
    for a in expr.atoms(sp.Abs):
        points.extend(_linear_roots(a.args[0], x))
    out = []
    for p in points:
        if p not in out:
            out.append(p)
    return tuple(out)


def _linear_roots(e: sp.Expr, x: sp.Symbol) -> list:
    if not e.has(x):
        return []
    poly = sp.Poly(e, x) if e.is_polynomial(x) else None
    if poly is None or poly.degree() != 1:
        return []
    a, b = poly.all_coeffs()
    return [sp.simplify(-b / a)]
