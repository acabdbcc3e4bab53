"""High-precision evaluation with a running error bound.

:func:`compile_expr` turns a SymPy expression in ``x`` (numbers only otherwise) into a function
``g(X) -> (value, error)`` computed with mpmath at the current working precision, where
``error`` bounds the absolute rounding error to first order:

* sums: Σ eᵢ + |v|·u; products: Σ eᵢ·Π_{j≠i}|vⱼ| + |v|·u (u = 2^−prec);
* a function h of an argument known to ±e: |h'(a)|·e + |v|·u.

So ``1 − tanh(x)²`` at x = 10⁶ evaluates to 0 ± 3·10⁻⁴⁰, and a comparison with sech²(10⁶) ≈
10⁻⁸⁶⁸⁵⁸⁹ is recognised as unresolved at this precision instead of as a counterexample.
Points where the expression is undefined (division by zero, log of a non-positive number, a
non-real power) raise :class:`Undefined`; values too large to evaluate, arguments whose error
exceeds their size, and points on a branch boundary within the error raise :class:`Unresolved`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import mpmath
import sympy as sp

from ..functions import BuildingBlock, NamedConstant, Phi, SelfReference, phi, sigmoid, softplus

Value = tuple  # (mpf, mpf)
Compiled = Callable[[mpmath.mpf], Value]

#: |argument| beyond which exp/sinh/cosh are not evaluated (the value has > 10^11 digits)
MAX_EXP_ARG = mpmath.mpf(10) ** 11


class Undefined(ArithmeticError):  # noqa: N818 - reads as a verdict
    """The expression has no real value at this point (the reason is the message)."""


class Unresolved(ArithmeticError):  # noqa: N818
    """The value cannot be resolved at this precision (too large, or lost to cancellation)."""


class OutOfRange(Unresolved):
    """The value cannot be resolved at any precision (too large or too small to evaluate)."""


def _u() -> mpmath.mpf:
    return mpmath.ldexp(1, -mpmath.mp.prec)


def _real(v, what: str):
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            raise Undefined(f"{what} is not real here")
        v = v.real
    if not mpmath.isfinite(v):
        raise Undefined(f"{what} is infinite here")
    return v


def _sech(a):
    return 1 / mpmath.cosh(a)


def _sigmoid(a):
    if a >= 0:
        return 1 / (1 + mpmath.exp(-a))
    e = mpmath.exp(a)
    return e / (1 + e)


def _log(a):
    if a == 0:
        raise Undefined("log of 0")
    if a < 0:
        raise Undefined("log of a negative number")
    return mpmath.log(a)


def _atanh(a):
    if abs(a) >= 1:
        raise Undefined("atanh outside (-1, 1)")
    return mpmath.atanh(a)


def _asin(a):
    if abs(a) > 1:
        raise Undefined("asin outside [-1, 1]")
    return mpmath.asin(a)


def _acos(a):
    if abs(a) > 1:
        raise Undefined("acos outside [-1, 1]")
    return mpmath.acos(a)


def _acosh(a):
    if a < 1:
        raise Undefined("acosh below 1")
    return mpmath.acosh(a)


def _coth(a):
    if a == 0:
        raise Undefined("coth of 0 (division by zero)")
    return mpmath.coth(a)


def _csch(a):
    if a == 0:
        raise Undefined("csch of 0 (division by zero)")
    return mpmath.csch(a)


def _tan(a):
    return mpmath.tan(a)


def _phi(a):
    return mpmath.exp(-a * a / 2) / mpmath.sqrt(2 * mpmath.pi)


def _Phi(a):
    return mpmath.erfc(-a / mpmath.sqrt(2)) / 2


def _softplus(a):
    if a > 0:
        return a + mpmath.log1p(mpmath.exp(-a))
    return mpmath.log1p(mpmath.exp(a))


def _too_large(a):
    raise OutOfRange("value too large to evaluate")


def _too_small(a):
    raise OutOfRange("value too small to evaluate")


def _sign(a):
    return mpmath.mpf(1) if a > 0 else mpmath.mpf(-1)


def _one_sided(positive, negative):
    return lambda a: positive(a) if a > 0 else negative(a)


_ONE = lambda a: mpmath.mpf(1)  # noqa: E731


#: function → (value(a), |derivative|(a, value), value for |a| > MAX_EXP_ARG). Beyond that
#: size exponentials have more than 10^10 digits in their exponent and mpmath works for
#: minutes, so each function takes its limit there (tanh → ±1, softplus(a) → a for a > 0;
#: the neglected terms are below e^{−10^11}) or the point is unresolved (a value too large or
#: too small to evaluate). ``None``: evaluate normally at any size (log, atan, ...).
_FUNCS: dict = {
    sp.exp: (mpmath.exp, lambda a, v: abs(v), _one_sided(_too_large, _too_small)),
    sp.log: (_log, lambda a, v: 1 / abs(a), None),
    sp.tanh: (mpmath.tanh, lambda a, v: _sech(a) ** 2, _sign),
    sp.sinh: (mpmath.sinh, lambda a, v: mpmath.cosh(a), _too_large),
    sp.cosh: (mpmath.cosh, lambda a, v: abs(mpmath.sinh(a)), _too_large),
    sp.sech: (_sech, lambda a, v: abs(v * mpmath.tanh(a)), _too_small),
    sp.csch: (_csch, lambda a, v: abs(v * mpmath.coth(a)), _too_small),
    sp.coth: (_coth, lambda a, v: mpmath.csch(a) ** 2, _sign),
    sp.sin: (mpmath.sin, lambda a, v: abs(mpmath.cos(a)), None),
    sp.cos: (mpmath.cos, lambda a, v: abs(mpmath.sin(a)), None),
    sp.tan: (_tan, lambda a, v: 1 + v * v, None),
    sp.asin: (_asin, lambda a, v: 1 / mpmath.sqrt(max(1 - a * a, _u())), None),
    sp.acos: (_acos, lambda a, v: 1 / mpmath.sqrt(max(1 - a * a, _u())), None),
    sp.atan: (mpmath.atan, lambda a, v: 1 / (1 + a * a), None),
    sp.asinh: (mpmath.asinh, lambda a, v: 1 / mpmath.sqrt(1 + a * a), None),
    sp.acosh: (_acosh, lambda a, v: 1 / mpmath.sqrt(max(a * a - 1, _u())), None),
    sp.atanh: (_atanh, lambda a, v: 1 / max(abs(1 - a * a), _u()), None),
    sp.erf: (mpmath.erf, lambda a, v: 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-a * a), _sign),
    sp.erfc: (mpmath.erfc, lambda a, v: 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-a * a),
              _one_sided(_too_small, lambda a: mpmath.mpf(2))),
    sigmoid: (_sigmoid, lambda a, v: v * (1 - v), _one_sided(_ONE, _too_small)),
    softplus: (_softplus, lambda a, v: _sigmoid(a), _one_sided(lambda a: a, _too_small)),
    Phi: (_Phi, lambda a, v: _phi(a), _one_sided(_ONE, _too_small)),
    phi: (_phi, lambda a, v: abs(a) * v, _too_small),
}
#: slope of each function far out (for the error bound of the limit taken there)
_LARGE_SLOPE = {softplus: 1}
#: periodic functions: beyond this size (or with an argument known to worse than ±0.1) the
#: value is not resolved (and argument reduction would cost seconds)
MAX_PERIODIC_ARG = mpmath.mpf(10) ** 1000
_PERIODIC = (sp.sin, sp.cos, sp.tan)


class Unsupported(ValueError):  # noqa: N818
    """The expression contains something the evaluator does not know."""


def compile_expr(expr: sp.Expr, x: sp.Symbol, subs: dict | None = None) -> Compiled:
    """``g(X) -> (value, abs_error)``; raises :class:`Unsupported` for unknown functions.

    ``subs`` (symbol → number) is applied to the expression and inside self-references
    ``f(u)``, which are evaluated as functions of their argument, so that ``f(x)/x`` keeps
    its division (undefined at 0) instead of being cancelled by SymPy.
    """
    subs = dict(subs or {})
    expr = expr.xreplace(subs) if subs else expr
    free = _free(expr, subs) - {x}
    if free:
        names = ", ".join(sorted(s.name for s in free))
        raise Unsupported(f"cannot evaluate with unbound symbols: {names}")
    return _compile(expr, x, subs)


def compile_written(expr: sp.Expr, guards: Sequence, x: sp.Symbol,
                    subs: dict | None = None) -> Compiled:
    """:func:`compile_expr` of ``expr``, undefined wherever one of ``guards`` is.

    A guard (:class:`symacts.parse.Guard`) is a division, root, power or logarithm as it was
    written, with the branch condition under which it is evaluated. SymPy's evaluation may have
    cancelled it (``x*g/x`` is ``g``); the written formula is still undefined where the guard is,
    and the reason names it ("`x*g/x` is undefined here (division by zero)"). Guards that
    survive in ``expr`` are only consulted to name the reason when ``expr`` is undefined.
    """
    main = compile_expr(expr, x, subs)
    if not guards:
        return main
    subs = dict(subs or {})
    shown = expr.xreplace(subs) if subs else expr
    checks = []
    for g in guards:
        try:
            value = compile_expr(g.expr, x, subs)
            where = None if g.where == sp.true else _compile_condition(
                g.where.xreplace(subs) if subs else g.where, x, subs)
        except Unsupported:
            continue
        cancelled = not shown.has(g.expr.xreplace(subs) if subs else g.expr)
        checks.append((value, where, g.written, cancelled))

    def check(X, only_cancelled: bool) -> None:
        for value, where, written, cancelled in checks:
            if only_cancelled and not cancelled:
                continue
            if where is not None and not where(X):
                continue
            try:
                value(X)
            except Undefined as exc:
                raise Undefined(f"`{written}` is undefined here ({exc})") from None

    def written(X):
        try:
            v = main(X)
        except Undefined:
            check(X, only_cancelled=False)
            raise
        check(X, only_cancelled=True)
        return v

    return written


def _free(expr: sp.Expr, subs: dict) -> set:
    free = set(expr.free_symbols)
    for a in expr.atoms(SelfReference):
        lam = a._definition
        free |= lam.expr.xreplace(subs).free_symbols - set(lam.variables)
    return free


def _compile_self_reference(e, x, subs) -> Compiled:
    lam = e._definition
    var = lam.variables[0]
    body = lam.expr.xreplace(subs)
    fbody = _compile(body, var, subs)
    fslope = None
    inner = _compile(e.args[0], x, subs)

    def self_ref(X):
        nonlocal fslope
        a, ea = inner(X)
        v, ev = fbody(a)
        if ea:
            if fslope is None:
                fslope = _compile(sp.diff(body, var), var, subs)
            ev += abs(fslope(a)[0]) * ea
        return v, ev

    return self_ref


def _constant(e: sp.Expr) -> Compiled:
    if e.is_Integer:
        v = mpmath.mpf(int(e))
        return lambda X: (v, mpmath.mpf(0))
    cache: dict = {}

    def value(X):
        prec = mpmath.mp.prec
        if prec not in cache:
            dps = mpmath.libmp.prec_to_dps(prec) + 5
            z = sp.N(e, dps)
            if not z.is_real:
                if z.is_finite is False or z.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                    raise Undefined("a constant is infinite")
                raise Undefined("a constant is not real")
            v = mpmath.mpf(sp.Float(z, dps)._mpf_)
            cache[prec] = (v, abs(v) * _u())
        return cache[prec]

    return value


def _compile(e: sp.Expr, x: sp.Symbol, subs: dict | None = None) -> Compiled:
    if e == x:
        return lambda X: (X, mpmath.mpf(0))
    if e.is_Atom and not e.is_Symbol:
        return _constant(e)
    if not e.has(x) and not e.has(SelfReference):
        return _cached(_compile_general(e, x, subs))
    return _compile_general(e, x, subs)


def _cached(fn: Compiled) -> Compiled:
    """A subexpression free of x: evaluated once per working precision (errors included)."""
    cache: dict = {}

    def value(X):
        prec = mpmath.mp.prec
        if prec not in cache:
            try:
                cache[prec] = ("ok", fn(X))
            except ArithmeticError as exc:
                cache[prec] = ("error", exc)
        kind, v = cache[prec]
        if kind == "error":
            raise v
        return v

    return value


def _compile_general(e: sp.Expr, x: sp.Symbol, subs: dict | None) -> Compiled:
    if isinstance(e, sp.Add):
        parts = [_compile(a, x, subs) for a in e.args]

        def add(X):
            vs = [p(X) for p in parts]
            v = mpmath.fsum(a for a, _ in vs)
            return v, mpmath.fsum(b for _, b in vs) + abs(v) * _u()

        return add
    if isinstance(e, sp.Mul):
        parts = [_compile(a, x, subs) for a in e.args]

        def mul(X):
            vs = [p(X) for p in parts]
            v = mpmath.fprod(a for a, _ in vs)
            err = mpmath.mpf(0)
            for i, (_, ei) in enumerate(vs):
                if ei:
                    err += ei * mpmath.fprod(abs(a) for j, (a, _) in enumerate(vs) if j != i)
            return v, err + abs(v) * _u()

        return mul
    if isinstance(e, SelfReference):
        return _compile_self_reference(e, x, subs)
    if isinstance(e, sp.Pow):
        return _compile_pow(e, x, subs)
    if isinstance(e, sp.Abs):
        inner = _compile(e.args[0], x, subs)

        def absolute(X):
            a, ea = inner(X)
            return abs(a), ea

        return absolute
    if isinstance(e, sp.Max | sp.Min):
        parts = [_compile(a, x, subs) for a in e.args]
        pick = max if isinstance(e, sp.Max) else min

        def extreme(X):
            vs = [p(X) for p in parts]
            v = pick(a for a, _ in vs)
            return v, max(b for _, b in vs)

        return extreme
    if isinstance(e, sp.Piecewise):
        return _compile_piecewise(e, x, subs)
    func = e.func
    if func in _FUNCS and len(e.args) == 1:
        return _compile_function(e, x, subs, *_FUNCS[func])
    if isinstance(e, BuildingBlock):
        return _compile(e.closed_form(e.args[0]), x, subs)
    if isinstance(e, NamedConstant):
        return _constant(e)
    raise Unsupported(f"cannot evaluate {type(e).__name__} numerically")


def _compile_function(e, x, subs, value, deriv, large) -> Compiled:
    inner = _compile(e.args[0], x, subs)
    name = e.func.__name__
    periodic = e.func in _PERIODIC
    slope = _LARGE_SLOPE.get(e.func, 0)

    def apply(X):
        a, ea = inner(X)
        if large is not None and abs(a) > MAX_EXP_ARG:
            if ea * 4 > abs(a):
                raise Unresolved(f"argument of {name} lost to rounding")
            v = large(a)
            return v, slope * ea + abs(v) * _u()
        if periodic and (ea > mpmath.mpf("0.1") or abs(a) > MAX_PERIODIC_ARG):
            raise OutOfRange(f"argument of {name} too large to resolve its period")
        if ea and ea * 4 > abs(a) and name in ("log", "coth", "csch"):
            raise Unresolved(f"argument of {name} lost to rounding")
        v = _real(value(a), f"{name}(...)")
        return v, abs(deriv(a, v)) * ea + abs(v) * _u()

    return apply


def _compile_pow(e: sp.Pow, x: sp.Symbol, subs) -> Compiled:
    base, expo = e.args
    fb = _compile(base, x, subs)
    if expo.is_Integer:
        n = int(expo)

        def ipow(X):
            b, eb = fb(X)
            if n < 0 and eb and eb * 4 > abs(b):
                raise Unresolved("denominator lost to rounding")
            if b == 0 and n < 0:
                raise Undefined("division by zero")
            if b != 0 and abs(n) * mpmath.log(abs(b), 10) > 10**11:
                raise OutOfRange("value too large to evaluate")
            v = b**n
            grad = abs(n) * abs(b) ** (n - 1) if n != 0 else 0
            return v, grad * eb + abs(v) * _u()

        return ipow
    fe = _compile(expo, x, subs)

    def rpow(X):
        b, eb = fb(X)
        p, ep = fe(X)
        if eb and eb * 4 > abs(b):
            raise Unresolved("base lost to rounding")
        if b < 0:
            raise Undefined("power of a negative number is not real")
        if b == 0:
            if p > 0:
                return mpmath.mpf(0), mpmath.mpf(0) if not eb else eb ** min(p, 1)
            raise Undefined("division by zero")
        lb = mpmath.log(b)
        if abs(p * lb) > 10**11:
            raise OutOfRange("value too large to evaluate")
        v = mpmath.power(b, p)
        v = _real(v, "power")
        return v, abs(p * v / b) * eb + abs(v * lb) * ep + abs(v) * _u()

    return rpow


def _compile_piecewise(e: sp.Piecewise, x: sp.Symbol, subs) -> Compiled:
    branches = [(_compile(b, x, subs), _compile_condition(c, x, subs)) for b, c in e.args]

    def piecewise(X):
        for value, cond in branches:
            if cond(X):
                return value(X)
        raise Undefined("no branch of the piecewise formula applies")

    return piecewise


_RELATIONS = {
    sp.StrictGreaterThan: lambda d: d > 0,
    sp.GreaterThan: lambda d: d >= 0,
    sp.StrictLessThan: lambda d: d < 0,
    sp.LessThan: lambda d: d <= 0,
    sp.Equality: lambda d: d == 0,
    sp.Unequality: lambda d: d != 0,
}


def _compile_condition(c, x: sp.Symbol, subs=None) -> Callable[[mpmath.mpf], bool]:
    if c is sp.true or c == sp.true:
        return lambda X: True
    if c is sp.false or c == sp.false:
        return lambda X: False
    if isinstance(c, sp.And | sp.Or):
        parts = [_compile_condition(a, x, subs) for a in c.args]
        if isinstance(c, sp.And):
            return lambda X: all(p(X) for p in parts)
        return lambda X: any(p(X) for p in parts)
    if isinstance(c, sp.Not):
        inner = _compile_condition(c.args[0], x, subs)
        return lambda X: not inner(X)
    test = _RELATIONS.get(type(c))
    if test is None:
        raise Unsupported(f"cannot evaluate the condition {c}")
    diff = _compile(c.lhs - c.rhs, x, subs)

    def relation(X):
        d, ed = diff(X)
        if ed and abs(d) <= ed:
            exact = getattr(X, "exact", None)
            if exact is None:
                raise Unresolved("point lies on a branch boundary within rounding")
            d = _at_exact_point(diff, exact)
        return bool(test(d))

    return relation


#: digits at which a condition is decided at an exact special point
EXACT_DPS = 600


def _at_exact_point(diff: Compiled, exact: sp.Expr):
    """The value of ``diff`` at the exact point, 0 when it vanishes to :data:`EXACT_DPS` digits
    (a breakpoint solved exactly: x − (−10/7) at x = −10/7)."""
    with mpmath.workdps(EXACT_DPS):
        X = mpmath.mpf(sp.Float(sp.N(exact, EXACT_DPS + 20), EXACT_DPS + 20)._mpf_)
        d, ed = diff(X)
        if abs(d) <= ed:
            return mpmath.mpf(0)
        return +d
