"""Stabilisation: small named rewrite rules that turn a formula into a form safe in floating point.

Simplify for people, stabilise for machines. A rule is a function ``(node, x)`` that returns
the replacement of one node or ``None``; it knows nothing about any particular activation, so
the same rules make user-defined activations robust. :func:`rule` registers it once, with its
name (the function's, less the leading underscore), its phase and its docstring.
:func:`stabilise` runs the phases of :data:`PHASES` in order, and within a phase the rules in
the order they are defined below (the order matters: a rule sees what the earlier ones made);
a rule rewrites every node bottom-up until nothing changes, or each branch of the top-level
Piecewise (``scope="branch"``).

The stable primitives the rules introduce (:class:`~symacts.primitives.sech2`,
:class:`~symacts.primitives.dsigmoid`, :class:`~symacts.primitives.dmul`, ``erfc``, Horner
polynomials, and ``sigmoid``/``softplus``, ``log1p``, ``expm1``, ``hypot``) are printed by
:mod:`symacts.emit` as NumPy code that splits exponentials on the sign of their argument.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp
from sympy.codegen.cfunctions import expm1, hypot, log1p

from .functions import Phi, phi, sigmoid, softplus
from .primitives import Horner, dmul, dsigmoid, erfc, sech2

__all__ = ["PHASES", "RULES", "RULES_BY_NAME", "Horner", "Rule", "apply_rule", "dmul",
           "dsigmoid", "erfc", "rule", "rule_table", "sech2", "stabilise"]

#: the phases, in the order :func:`stabilise` runs them
PHASES = ("canonicalise", "stabilise", "specialise")

#: where a rule applies: to every node bottom-up, or to each branch of the top-level Piecewise
SCOPES = ("node", "branch")

RewriteFn = Callable[[sp.Expr, sp.Symbol], sp.Expr | None]


@dataclass(frozen=True)
class Rule:
    """A named rewrite: ``apply(node, x)`` returns the replacement or ``None``."""

    name: str
    phase: str
    apply: RewriteFn
    doc: str = ""
    #: bottom-up passes; 1 for rules that keep the original form inside a new branch
    passes: int = 6
    scope: str = "node"

    @property
    def summary(self) -> str:
        """The first paragraph of the docstring, on one line."""
        return " ".join(self.doc.split("\n\n", 1)[0].split())


#: every registered rule, phase by phase (in :data:`PHASES` order), each phase in definition order
RULES: list[Rule] = []
RULES_BY_NAME: dict[str, Rule] = {}


def rule(phase: str, *, passes: int = 6, scope: str = "node") -> Callable[[RewriteFn], RewriteFn]:
    """Register the decorated rewrite ``def _name(node, x)`` as the rule ``name`` of ``phase``.

    Its docstring is the rule's documentation (required). Returns the function unchanged.
    """
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}; the phases are {', '.join(PHASES)}")
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; the scopes are {', '.join(SCOPES)}")
    if passes < 1:
        raise ValueError(f"passes must be at least 1, got {passes}")

    def register(fn: RewriteFn) -> RewriteFn:
        name = fn.__name__.lstrip("_")
        if name in RULES_BY_NAME:
            raise ValueError(f"a stabilisation rule named {name!r} is already registered")
        if not fn.__doc__:
            raise ValueError(f"stabilisation rule {name!r} needs a docstring")
        new = Rule(name, phase, fn, inspect.cleandoc(fn.__doc__), passes, scope)
        RULES.append(new)
        RULES.sort(key=lambda r: PHASES.index(r.phase))  # stable: keeps the order in a phase
        RULES_BY_NAME[name] = new
        return fn

    return register


def rule_table() -> str:
    """The registered rules, phase by phase, each with the first paragraph of its docstring."""
    lines = []
    for phase in PHASES:
        lines.append(f"{phase}:")
        lines += [f"    {r.name}: {r.summary}" for r in RULES if r.phase == phase]
    return "\n".join(lines)


def _bottom_up(expr: sp.Basic, fn: Callable[[sp.Basic], sp.Basic | None]) -> sp.Basic:
    if expr.args and not isinstance(expr, sp.Symbol):
        new_args = tuple(_bottom_up(a, fn) for a in expr.args)
        if new_args != expr.args:
            expr = expr.func(*new_args)
    new = fn(expr)
    return expr if new is None else new


def _branches(expr):
    if isinstance(expr, sp.Piecewise):
        return [(e, c) for e, c in expr.args]
    return [(expr, sp.true)]


def apply_rule(expr: sp.Expr, rule: Rule, x: sp.Symbol) -> sp.Expr:
    """Apply one rule: bottom-up until nothing changes (at most ``rule.passes`` passes), or,
    for a rule of ``scope="branch"``, once to each branch of the top-level Piecewise."""
    if rule.scope == "branch":
        new = []
        for e, c in _branches(expr):
            r = rule.apply(e, x)
            new.append((e if r is None else r, c))
        return new[0][0] if len(new) == 1 else sp.Piecewise(*new)
    for _ in range(rule.passes):
        new = _bottom_up(expr, lambda n: rule.apply(n, x) if isinstance(n, sp.Expr) else None)
        if new == expr:
            return new
        expr = new
    return expr


def _lookup(name: str) -> Rule:
    try:
        return RULES_BY_NAME[name]
    except (KeyError, TypeError):
        known = ", ".join(r.name for r in RULES)
        raise ValueError(f"unknown stabilisation rule {name!r}; the rules are {known}") from None


def stabilise(expr: sp.Expr, x: sp.Symbol, rules: Sequence[str] | None = None) -> sp.Expr:
    """Run the phases canonicalise → stabilise → specialise (each rule in its registered order),
    or only the named ``rules`` in the order given; branches are lifted to the top after each."""
    if isinstance(rules, str):
        raise TypeError(f"rules must be a list of rule names, got the string {rules!r}")
    chosen = RULES if rules is None else [_lookup(r) for r in rules]
    out = sp.piecewise_fold(sp.sympify(expr))
    for r in chosen:
        out = sp.piecewise_fold(apply_rule(out, r, x))
    return out


# ---- canonicalise ---------------------------------------------------------------------------
@rule("canonicalise")
def _normal_cdf_to_erfc(n, x):
    """φ(u) → e^{−u²/2}/√(2π); Φ stays a primitive (printed as scipy's ndtr, which uses erfc:
    no 1 + erf cancellation, no overflow of 2·x/2)."""
    if isinstance(n, phi):
        return sp.exp(-(n.args[0] ** 2) / 2) / sp.sqrt(2 * sp.pi)
    return None


def _one_plus_exp(n):
    """If ``n`` is 1 + e^v return v."""
    if isinstance(n, sp.Add) and len(n.args) == 2 and sp.S.One in n.args:
        other = n.args[0] if n.args[1] == 1 else n.args[1]
        if isinstance(other, sp.exp):
            return other.args[0]
    return None


@rule("canonicalise")
def _exp_ratio_to_sigmoid(n, x):
    """(1 + e^v)^{−k} → σ(−v)^k;  e^v·σ(−v)^k → σ(v)·σ(−v)^{k−1} (e^v/(1 + e^v) → σ(v)):
    no exp overflow in a quotient."""
    if isinstance(n, sp.Pow) and n.exp.is_Integer and n.exp < 0:
        v = _one_plus_exp(n.base)
        if v is not None:
            return sigmoid(-v) ** (-n.exp)
    if isinstance(n, sp.Mul):
        for f in n.args:
            base, k = (f.base, f.exp) if f.is_Pow else (f, sp.S.One)
            if isinstance(base, sigmoid) and k.is_Integer and k >= 1:
                e = sp.exp(-base.args[0])
                if e in n.args:
                    rest = [a for a in n.args if a not in (f, e)]
                    return sp.Mul(*rest) * sigmoid(-base.args[0]) * base ** (k - 1)
    return None


@rule("canonicalise")
def _log1p_exp_to_softplus(n, x):
    """ln(1 + e^u) → softplus(u) = max(u, 0) + log1p(e^{−|u|})."""
    if isinstance(n, sp.log):
        v = _one_plus_exp(n.args[0])
        if v is not None:
            return softplus(v)
    return None


@rule("canonicalise")
def _log_sigmoid_to_softplus(n, x):
    """ln σ(u) → −softplus(−u) (finite for u → −∞)."""
    if isinstance(n, sp.log) and isinstance(n.args[0], sigmoid):
        return -softplus(-n.args[0].args[0])
    return None


def _has_denominator(term, x) -> bool:
    _, d = sp.fraction(term)
    return d.has(x)


@rule("canonicalise")
def _together_quotients(n, x):
    """Σ pᵢ/qᵢ → P/Q when the combined numerator cancels (isru' = (1 + αx²)^{−3/2})."""
    if not isinstance(n, sp.Add) or sum(_has_denominator(t, x) for t in n.args) < 2:
        return None
    if n.has(sp.Piecewise):
        return None
    t = sp.together(n)
    num, den = sp.fraction(t)
    num = sp.expand(num)
    new = num / den
    if sp.count_ops(new) < sp.count_ops(n):
        return new
    return None


# ---- stabilise -----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Complement:
    """A sum ``rest + c·g + s·c``: the other terms, the coefficient c, the factor g, the sign s."""

    rest: sp.Expr
    c: sp.Expr
    g: sp.Expr
    sign: int


def _complement(n: sp.Expr, signs: Callable[[sp.Expr], tuple[int, ...]]) -> _Complement | None:
    """Find a term c·g(u) and the term s·c in the sum ``n`` (1 − σ, 1 + erf, eᵘ − 1).

    ``signs(g)`` gives the signs s to look for, in order, when g fits (empty when it does not).
    c is the numeric coefficient of a term, else the cofactor of the one fitting factor of a
    product (a·eᵘ − a, x/2 + x·erf(z)/2). The first term of ``n`` that fits wins.
    """
    if not isinstance(n, sp.Add):
        return None
    terms = [t.as_coeff_Mul() for t in n.args]
    consts = {c for c, g in terms if g == 1}
    for c, g in terms:
        for s in signs(g):
            if s * c in consts:
                rest = [t for t in n.args if t not in (c * g, s * c)]
                return _Complement(sp.Add(*rest), c, g, s)
    for t in n.args:
        if not isinstance(t, sp.Mul):
            continue
        fits = [f for f in t.args if signs(f)]
        if len(fits) == 1:
            g = fits[0]
            c = t / g
            for s in signs(g):
                if s * c in n.args:
                    rest = [u for u in n.args if u not in (t, s * c)]
                    return _Complement(sp.Add(*rest), c, g, s)
    return None


@rule("stabilise")
def _sigmoid_complement(n, x):
    """c − c·σ(u) → c·σ(−u) (1 − σ cancels for u ≫ 0; c a number or a cofactor)."""
    m = _complement(n, lambda g: (-1,) if isinstance(g, sigmoid) else ())
    return None if m is None else m.rest + (-m.c) * sigmoid(-m.g.args[0])


def _tanh_signs(g) -> tuple[int, ...]:
    if g.is_Pow and isinstance(g.base, sp.tanh) and g.exp == 2:
        return (-1,)
    return (1, -1) if isinstance(g, sp.tanh) else ()


@rule("stabilise")
def _tanh_complement(n, x):
    """c − c·tanh²(u) → c·sech²(u);  c ± c·tanh(u) → 2c·σ(±2u) (no cancellation; c a number
    or a cofactor)."""
    m = _complement(n, _tanh_signs)
    if m is None:
        return None
    if isinstance(m.g, sp.tanh):
        k = m.sign * m.c
        u = m.g.args[0] if m.sign == 1 else -m.g.args[0]
        return m.rest + 2 * k * sigmoid(2 * u)
    return m.rest + (-m.c) * sech2(m.g.base.args[0])


@rule("stabilise")
def _one_plus_erf_to_erfc(n, x):
    """c + c·erf(z) → c·erfc(−z);  c − c·erf(z) → c·erfc(z) (c a number or a cofactor:
    x/2 + x·erf(z)/2 as well)."""
    m = _complement(n, lambda g: (1, -1) if isinstance(g, sp.erf) else ())
    if m is None:
        return None
    z = -m.g.args[0] if m.sign == 1 else m.g.args[0]
    return m.rest + (m.sign * m.c) * erfc(z)


@rule("stabilise", passes=1)
def _softplus_reflect(n, x):
    """c·softplus(u) + d·u·σ(u) + ... → for u > 0, softplus(u) = u + softplus(−u) and
    σ(u) = 1 − σ(−u), so the growing parts cancel exactly (softplus' ∂f/∂β at βx ≫ 1)."""
    if not isinstance(n, sp.Add) or n.has(sp.Piecewise):
        return None
    sps = [f for f in n.atoms(softplus) if any(f in sp.Mul.make_args(t) for t in n.args)]
    for f in sps:
        u = f.args[0]
        if not any(sigmoid(u) in sp.Mul.make_args(t) for t in n.args):
            continue
        refl = sp.expand(n.xreplace({f: u + softplus(-u), sigmoid(u): 1 - sigmoid(-u)}))
        if len(sp.Add.make_args(refl)) <= len(n.args):
            return sp.Piecewise((refl, u > 0), (n, True))
    return None


@rule("stabilise")
def _log1p(n, x):
    """ln(1 + u) → log1p(u)."""
    if isinstance(n, sp.log) and isinstance(n.args[0], sp.Add) and sp.S.One in n.args[0].args:
        return log1p(n.args[0] - 1)
    return None


@rule("stabilise")
def _expm1(n, x):
    """c·eᵘ − c → c·expm1(u), also for a symbolic c (no cancellation for u → 0)."""
    m = _complement(n, lambda g: (-1,) if isinstance(g, sp.exp) else ())
    return None if m is None else m.rest + m.c * expm1(m.g.args[0])


def _poly_degrees(e, x):
    try:
        p = sp.Poly(sp.expand(e), x)
    except sp.PolynomialError:
        return None
    if p.is_zero:
        return None
    monoms = [m[0] for m in p.monoms()]
    return min(monoms), max(monoms)


def _nonnegative(e: sp.Expr, x: sp.Symbol) -> sp.Basic:
    """e ≥ 0 as a condition on x: solved where e is a polynomial in x (x⁵ ≥ 0 → x ≥ 0)."""
    from sympy.solvers.inequalities import solve_univariate_inequality

    if not e.has(x):
        return e >= 0
    if e.is_polynomial(x) and e.free_symbols == {x}:
        try:
            return solve_univariate_inequality(e >= 0, x, relational=True)
        except (NotImplementedError, ValueError, TypeError):
            pass
    return sp.simplify(e >= 0)


@rule("stabilise", passes=1)
def _rationalise_sqrt(n, x):
    """P + T with T = q·√v → (T² − P²)/(T − P) where P and T cancel (squareplus at −∞,
    √(x² + 1) − 1 at 0); a branch on sign(P·q) keeps the plain sum where they do not."""
    if not isinstance(n, sp.Add) or n.has(sp.Piecewise):
        return None
    num, den = sp.fraction(sp.together(n))
    num = sp.expand(num)
    if not isinstance(num, sp.Add):
        return None
    for t in num.args:
        sq = [f for f in sp.Mul.make_args(t) if f.is_Pow and f.exp == sp.S.Half and f.has(x)]
        if len(sq) != 1:
            continue
        q = t / sq[0]
        if q.has(sq[0].base):
            continue
        others = [s for s in num.args if s != t]
        singles = sorted(others, key=lambda s: (s.has(x), sp.count_ops(s)))
        candidates = singles + ([] if len(others) == 1 else [sp.Add(*others)])
        for p in candidates:
            if p.has(sp.Pow) and any(a.is_Pow and a.exp.is_Rational and not a.exp.is_Integer
                                     for a in sp.preorder_traversal(p)):
                continue
            tsq = sp.expand(q**2 * sq[0].base)
            psq = sp.expand(p**2)
            dt, dp, dr = (_poly_degrees(tsq, x), _poly_degrees(psq, x),
                          _poly_degrees(tsq - psq, x))
            diff = sp.expand(tsq - psq)
            if dt is None or dp is None:
                continue
            if diff == 0:
                continue
            if dr is None:
                dr = (0, 0)
            at_inf = dr[1] < max(dt[1], dp[1])
            at_zero = dr[0] > min(dt[0], dp[0])
            if not (at_inf or at_zero):
                continue
            rest = num - t - p
            # common powers of x out of the quotient: x⁴/(x²(√(x² + 1) − x)) overflows in x⁴
            ratio = (sp.factor_terms(diff / (t - p)) + rest) / den
            same_sign = _nonnegative(p * q, x)
            if same_sign is sp.false:
                return ratio
            if same_sign is sp.true:
                return None
            return sp.Piecewise((n, same_sign), (ratio, True))
    return None


@rule("stabilise", passes=1)
def _scale_rational(n, x):
    """P(x)/Q(x) with deg P ≥ 2 → for |x| > 1, (P/xᵈ)/(Q/xᵈ), d = deg Q: no ∞/∞ from xᵏ
    overflowing when the quotient itself is finite (x³/(1 + x²) at x = 1e300)."""
    if not isinstance(n, sp.Mul) or n.has(sp.Piecewise):
        return None
    num, den = sp.fraction(sp.together(n))
    if not den.has(x):
        return None
    try:
        p, q = sp.Poly(num, x), sp.Poly(den, x)
    except sp.PolynomialError:
        return None
    if p.degree() < 2 or q.degree() < 1:
        return None
    d = q.degree()
    inv = sp.Dummy("inv_x")
    top = sp.expand(num / x**d).subs(x, 1 / inv).subs(inv, 1 / x)
    bottom = sp.expand(den / x**d)
    scaled = sp.Mul(top, sp.Pow(bottom, -1), evaluate=False)
    return sp.Piecewise((n, sp.Abs(x) <= 1), (scaled, True))


@rule("stabilise")
def _sqrt_to_hypot(n, x):
    """(a·w² + c)^{k/2} → hypot(√a·w, √c)^k for a, c > 0 and k odd or negative (no overflow
    of w²: 1/(1 + x²) stays accurate, not 0, for |x| > 1.3e154)."""
    if not (n.is_Pow and n.exp.is_Rational and isinstance(n.base, sp.Add)):
        return None
    if not (n.exp.q == 2 or (n.exp.is_Integer and n.exp < 0)):
        return None
    b = n.base
    if len(b.args) != 2:
        return None
    for sq, c in (b.args, b.args[::-1]):
        if c.has(x) or not (c.is_positive or c.is_nonnegative):
            continue
        coeff, w2 = sq.as_independent(x, as_Add=False)
        if w2.is_Pow and w2.exp == 2 and (coeff.is_positive or coeff.is_nonnegative):
            w = w2.base
            return hypot(sp.sqrt(coeff) * w, sp.sqrt(c)) ** (n.exp * 2)
    return None


# ---- specialise ----------------------------------------------------------------------------
def _cancels_near_zero(e: sp.Add, x: sp.Symbol) -> bool:
    """Whether the terms of ``e`` cancel as x → 0 (numerically: Σ|tᵢ| / |Σ tᵢ| grows from
    x = ±10⁻³ to ±10⁻⁶, or the sum vanishes there), at 30 digits: a cheap screen before
    SymPy's series."""
    terms = [sp.lambdify(x, t, [{"mpmath": mpmath}, "mpmath"]) for t in e.args]
    ratios = []
    with mpmath.workdps(30):
        for v in ("1e-3", "-1e-3", "1e-6", "-1e-6"):
            try:
                vals = [t(mpmath.mpf(v)) for t in terms]
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                return True  # undefined near 0: let the series decide
            if any(not mpmath.isfinite(u) or isinstance(u, mpmath.mpc) for u in vals):
                return True
            total = abs(sum(vals))
            size = sum(abs(u) for u in vals)
            if size == 0:
                continue
            if total == 0:
                return True
            ratios.append(float(size / total))
    if len(ratios) < 4:
        return True
    return max(ratios[2:]) > 2 * max(ratios[:2]) or max(ratios) > 1e3


def _is_series_candidate(e, x) -> bool:
    if e.free_symbols - {x} or not isinstance(e, sp.Add):
        return False
    if not _cancels_near_zero(e, x):
        return False
    try:
        lead = sp.series(e, x, 0, 8).removeO()
        if lead == 0:
            return False
        k0 = min(sp.Poly(lead * x**8, x).monoms())[0] - 8
        orders = []
        for t in e.args:
            s = sp.series(t, x, 0, 8).removeO()
            if s == 0:
                continue
            orders.append(min(sp.Poly(s * x**8, x).monoms())[0] - 8)
    except (sp.PolynomialError, ValueError, NotImplementedError, RecursionError, TypeError):
        return False
    return bool(orders) and min(orders) < k0


@rule("specialise", scope="branch")
def _series_near_zero(e, x, ulps: float = 3.0):
    """Σ terms that cancel at 0 (x − tanh x, sinc') → Taylor polynomial for |x| < T.

    T is the smallest |x| where the plain sum loses at most ``ulps`` ULP beyond rounding;
    the polynomial has enough terms to be exact to 2⁻⁵⁸ at T. With parameters, the same in
    u = x/p when the expression depends on x only through x/p (celu's ∂f/∂α in x/α).
    """
    others = e.free_symbols - {x}
    if not others:
        return _series_core(e, x)
    if not isinstance(e, sp.Add):
        return None
    u = sp.Dummy("u", real=True)
    for p in sorted(others, key=str):
        e_u = e.subs(x, p * u)
        if e_u.free_symbols == {u}:
            out = _series_core(e_u, u)
            if out is None:
                return None
            (poly, cond), _ = out.args
            ratio = x / p
            return sp.Piecewise((Horner(poly.args[0], u, ratio), cond.subs(u, ratio)), (e, True))
    return None


def _series_core(e, x, ulps: float = 3.0):
    if not _is_series_candidate(e, x):
        return None
    terms = [sp.lambdify(x, t, "mpmath") for t in e.args]
    dfun = sp.lambdify(x, sp.diff(e, x), "mpmath")
    with mpmath.workdps(40):
        t_cut = None
        for i in range(1, 61):
            xv = mpmath.mpf(i) / 20
            vals = [tf(xv) for tf in terms]
            tot = sum(vals)
            if tot == 0:
                continue
            cond = max(abs(xv * dfun(xv) / tot), 1)
            loss = sum(abs(v) for v in vals) / abs(tot) / cond
            if loss <= 1 + ulps:
                t_cut = xv
                break
    if t_cut is None:
        return None
    order = 12
    while order <= 80:
        ser = sp.series(e, x, 0, order).removeO()
        poly = sp.Poly(ser, x)
        coeffs = dict((m[0], c) for m, c in zip(poly.monoms(), poly.coeffs(), strict=True))
        k_hi = max(coeffs)
        nxt = sp.series(e, x, 0, order + 4).removeO() - ser
        with mpmath.workdps(40):
            val = abs(mpmath.mpf(sp.N(e.subs(x, sp.Float(float(t_cut), 40)), 40)))
            err = abs(mpmath.mpf(sp.N(nxt.subs(x, sp.Float(float(t_cut), 40)), 40)))
        if err <= val * mpmath.mpf(2) ** -58 and k_hi < order:
            break
        order += 8
    else:
        return None
    return sp.Piecewise((Horner(ser, x), sp.Abs(x) < float(t_cut)), (e, True))


@rule("specialise")
def _sigmoid_product(n, x):
    """σ(u)·σ(−u) → σ'(u) = t/(1 + t)², t = e^{−|u|}: one exponential and one division instead
    of two of each (the same value: both factors share t)."""
    if not isinstance(n, sp.Mul):
        return None
    sig = [f for f in n.args if isinstance(f, sigmoid)]
    for a in sig:
        for b in sig:
            if a is not b and sp.expand(a.args[0] + b.args[0]) == 0:
                rest = list(n.args)
                rest.remove(a)
                rest.remove(b)
                u = b.args[0] if a.args[0].could_extract_minus_sign() else a.args[0]
                return sp.Mul(*rest) * dsigmoid(u)
    return None


@rule("specialise")
def _scaled_softplus(n, x):
    """softplus(a·u)/aᵏ → (max(u, 0) + log1p(e^{−|a·u|})/a)/aᵏ⁻¹ for a > 0: softplus's
    growing part divided before it is formed, so softplus(βx)/β at βx = ∞ (x = 1e308, β = 3)
    is x, not ∞."""
    if not isinstance(n, sp.Mul):
        return None
    for f in n.args:
        if not isinstance(f, softplus) or not isinstance(f.args[0], sp.Mul):
            continue
        a, u = f.args[0].as_independent(x, as_Add=False)
        if not u.has(x) or not a.is_positive or a.is_number:
            continue
        rest = list(n.args)
        rest.remove(f)
        inv = next((g for g in rest if g.is_Pow and g.base == a and g.exp.is_Integer
                    and g.exp <= -1), None)
        if inv is None:
            continue
        rest.remove(inv)
        scaled = sp.Max(u, 0) + log1p(sp.exp(-sp.Abs(a * u))) / a
        return sp.Mul(*rest) * a ** (inv.exp + 1) * scaled
    return None


@rule("specialise")
def _halved_denominator(n, x):
    """1/(p + q) → (1/2)/(p/2 + q/2) where p and q both grow with x: their sum cannot overflow
    (squareplus's b/(2(√(x² + b) − x)) at x = −1e308 is 1e−308, not b/∞ = 0)."""
    if not (n.is_Pow and n.exp == -1 and isinstance(n.base, sp.Add)):
        return None
    terms = n.base.args
    if sum(_growth(t, x) is not None for t in terms) < 2:
        return None
    if any(t.is_number for t in terms) or any(isinstance(t, sp.Mul) and sp.S.Half in t.args
                                             for t in terms):
        return None
    return sp.Rational(1, 2) / sp.Add(*[t / 2 for t in terms], evaluate=False)


#: blocks that vanish (exponentially in their argument) on one side or both
_DECAYING = (sigmoid, dsigmoid, sech2, erfc, sp.erfc, sp.exp, Phi, softplus)
#: odd functions vanishing at 0: as small as their argument
_ODD_AT_ZERO = (sp.tanh, sp.sinh, sp.atan, log1p, expm1)
#: bounded whatever their argument
_BOUNDED = (sigmoid, dsigmoid, sech2, erfc, sp.erfc, sp.erf, Phi, sp.tanh, sp.atan, sp.sin,
            sp.cos)


def _growth(e: sp.Expr, x: sp.Symbol) -> int | None:
    """How fast |e| can grow as x → ±∞: 0 like a power of x, 1 like eˣ, 2 like e^(eˣ), …;
    None when it stays bounded. Structural and conservative (unknown nodes: like a power)."""
    if not e.has(x):
        return None
    if e == x:
        return 0
    if isinstance(e, (sp.Add, sp.Mul, sp.Abs, hypot, sp.Max, sp.Min, dmul)):
        levels = [g for g in (_growth(a, x) for a in e.args) if g is not None]
        return max(levels) if levels else None
    if isinstance(e, sp.Pow):
        if e.exp.has(x):
            g = _growth(e.exp, x)
            return 0 if g is None else g + 1
        d = _decay(e.base, x)
        if d is not None and e.exp.is_negative:
            return d  # 1/σ(u) grows as fast as σ(u) decays
        return _growth(e.base, x) if not e.exp.is_negative else 0
    if isinstance(e, (sp.exp, sp.sinh, sp.cosh)):
        g = _growth(e.args[0], x)
        return None if g is None else g + 1
    if isinstance(e, softplus):
        return _growth(e.args[0], x)
    if isinstance(e, (sp.log, log1p, sp.asinh)):
        return None if _growth(e.args[0], x) is None else 0
    if isinstance(e, _BOUNDED):
        return None
    return 0


def _decay(f: sp.Expr, x: sp.Symbol) -> int | None:
    """How fast f vanishes on a side where it does (1 like e^{−|x|}, 2 like e^{−eˣ}, …);
    None if it does not vanish exponentially."""
    if not f.has(x):
        return None
    if isinstance(f, _DECAYING):
        g = _growth(f.args[0], x)
        return None if g is None else g + 1
    if isinstance(f, _ODD_AT_ZERO):
        return _decay(f.args[0], x)
    if isinstance(f, sp.Pow) and not f.exp.has(x) and not f.exp.is_nonpositive:
        return _decay(f.base, x)  # σ(u)^c for c > 0, or a parameter c of unknown sign
    return None


@rule("specialise")
def _decaying_product(n, x):
    """a·b with a decaying exponentially (σ, sech², erfc, exp, a power of these) → dmul(a, b):
    0 where a underflows, so x·σ(−x) at x = ∞ is 0, not ∞·0 = NaN. Where a decaying factor
    grows on its other side (eᵘ, softplus), the factors that only decay go outside, if they
    decay faster than everything else grows: x·sech²(eˣ)·eˣ → dmul(sech²(eˣ), dmul(eˣ, x)),
    0 at x = 710 where eˣ = ∞ and sech²(eˣ) = 0 (x·tanh(eˣ)')."""
    if not isinstance(n, sp.Mul):
        return None
    dec = [f for f in n.args if _decay(f, x) is not None]
    rest = [f for f in n.args if f not in dec and f.has(x)]
    const = [f for f in n.args if not f.has(x)]
    two_sided = [f for f in dec if _growth(f, x) is not None]
    one_sided = [f for f in dec if f not in two_sided]
    if two_sided and one_sided:
        outer = max(_decay(f, x) for f in one_sided)
        inner = max(_growth(f, x) for f in two_sided + rest)
        if outer > inner:
            grows = dmul(sp.Mul(*two_sided), sp.Mul(*rest)) if rest else sp.Mul(*two_sided)
            return sp.Mul(*const) * dmul(sp.Mul(*one_sided), grows)
    if not dec or not rest:
        return None
    # a constant scales the growing side first: x·erfc(−x/√2)/2 at x = 1.8e308 is x/2·2,
    # not (x·2)/2 = ∞
    scale = sp.Mul(*const)
    if rest and scale != 1 and not scale.has(sp.Symbol) and abs(scale) < 1:
        return dmul(sp.Mul(*dec), scale * sp.Mul(*rest))
    return scale * dmul(sp.Mul(*dec), sp.Mul(*rest))


__doc__ += "\nThe rules, as registered::\n\n" + "\n".join(
    "    " + line for line in rule_table().splitlines()) + "\n"
