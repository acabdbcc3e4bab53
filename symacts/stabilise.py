"""Stabilisation: small named rewrite rules that turn a formula into a form safe in floating point.

Simplify for people, stabilise for machines. Each :class:`Rule` rewrites one node (applied
bottom-up to a fixpoint) and knows nothing about any particular activation, so the same rules
make user-defined activations robust. :func:`stabilise` runs :data:`RULES` in order::

    canonicalise  normal_cdf_to_erfc, exp_ratio_to_sigmoid, log1p_exp_to_softplus,
                  log_sigmoid_to_softplus, together_quotients
    stabilise     sigmoid_complement, tanh_complement, one_plus_erf_to_erfc, softplus_reflect,
                  log1p, expm1, rationalise_sqrt, scale_rational, sqrt_to_hypot
    specialise    decaying_product, series_near_zero

The stable primitives introduced here (``sigmoid``/``softplus`` blocks, :class:`sech2`,
:class:`dmul`, ``log1p``, ``expm1``, ``hypot``, ``erfc``) are printed by
:mod:`symacts.emit` as NumPy code that splits exponentials on the sign of their argument.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import sympy as sp
from sympy.codegen.cfunctions import expm1, hypot, log1p

from .functions import Phi, phi, sigmoid, softplus

__all__ = ["RULES", "Horner", "Rule", "apply_rule", "dmul", "dsigmoid", "erfc", "sech2",
           "stabilise"]


class sech2(sp.Function):  # noqa: N801 - mathematical name
    r"""sech²(u) = 1 − tanh²(u), evaluated as 4e^{−2|u|}/(1 + e^{−2|u|})² (no cancellation)."""

    nargs = 1

    def fdiff(self, argindex=1):
        u = self.args[0]
        return -2 * sp.tanh(u) * sech2(u)

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return 4 / (sp.exp(u) + sp.exp(-u)) ** 2

    def _eval_evalf(self, prec):
        return (1 / sp.cosh(self.args[0]) ** 2)._eval_evalf(prec)

    def _mpmathcode(self, printer):
        return f"mpmath.sech({printer._print(self.args[0])})**2"


class dsigmoid(sp.Function):  # noqa: N801 - mathematical name
    r"""σ'(u) = σ(u)·σ(−u), evaluated as t/(1 + t)² with t = e^{−|u|} (one exponential)."""

    nargs = 1

    def fdiff(self, argindex=1):
        u = self.args[0]
        return dsigmoid(u) * (sigmoid(-u) - sigmoid(u))

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return sp.exp(-u) / (1 + sp.exp(-u)) ** 2

    def _eval_evalf(self, prec):
        u = self.args[0]
        return (1 / (4 * sp.cosh(u / 2) ** 2))._eval_evalf(prec)

    def _mpmathcode(self, printer):
        return f"(mpmath.sech({printer._print(self.args[0])}/2)**2/4)"


class erfc(sp.Function):  # noqa: N801
    r"""erfc(z) = 1 − erf(z), kept as written (SymPy's own rewrites erfc(−z) to 2 − erfc(z))."""

    nargs = 1

    def fdiff(self, argindex=1):
        z = self.args[0]
        return -2 * sp.exp(-(z**2)) / sp.sqrt(sp.pi)

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return sp.erfc(z)

    def _eval_evalf(self, prec):
        return sp.erfc(self.args[0])._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real


class dmul(sp.Function):  # noqa: N801
    r"""a·b where ``a`` decays exponentially: 0 wherever ``a`` underflows to 0, even if b = ±∞."""

    nargs = 2

    def _eval_rewrite_as_exp(self, a, b, **kwargs):
        return a * b

    def _eval_evalf(self, prec):
        return (self.args[0] * self.args[1])._eval_evalf(prec)

    def doit(self, **hints):
        return self.args[0] * self.args[1]


@dataclass(frozen=True)
class Rule:
    """A named rewrite: ``apply(node, x)`` returns the replacement or ``None``."""

    name: str
    phase: str
    apply: Callable[[sp.Expr, sp.Symbol], sp.Expr | None]
    doc: str = ""
    #: bottom-up passes; 1 for rules that keep the original form inside a new branch
    passes: int = 6


def _bottom_up(expr: sp.Basic, fn: Callable[[sp.Basic], sp.Basic | None]) -> sp.Basic:
    if expr.args and not isinstance(expr, sp.Symbol):
        new_args = tuple(_bottom_up(a, fn) for a in expr.args)
        if new_args != expr.args:
            expr = expr.func(*new_args)
    new = fn(expr)
    return expr if new is None else new


def apply_rule(expr: sp.Expr, rule: Rule, x: sp.Symbol) -> sp.Expr:
    """Apply one rule bottom-up until nothing changes (at most ``rule.passes`` passes)."""
    for _ in range(rule.passes):
        new = _bottom_up(expr, lambda n: rule.apply(n, x) if isinstance(n, sp.Expr) else None)
        if new == expr:
            return new
        expr = new
    return expr


# ---- canonicalise ---------------------------------------------------------------------------
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


def _log1p_exp_to_softplus(n, x):
    """ln(1 + e^u) → softplus(u) = max(u, 0) + log1p(e^{−|u|})."""
    if isinstance(n, sp.log):
        v = _one_plus_exp(n.args[0])
        if v is not None:
            return softplus(v)
    return None


def _log_sigmoid_to_softplus(n, x):
    """ln σ(u) → −softplus(−u) (finite for u → −∞)."""
    if isinstance(n, sp.log) and isinstance(n.args[0], sigmoid):
        return -softplus(-n.args[0].args[0])
    return None


def _has_denominator(term, x) -> bool:
    _, d = sp.fraction(term)
    return d.has(x)


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
def _coeff_pairs(n):
    """Split the terms of an Add into (coefficient, rest)."""
    return [t.as_coeff_Mul() for t in n.args]


def _sigmoid_complement(n, x):
    """c − c·σ(u) → c·σ(−u) (1 − σ cancels for u ≫ 0)."""
    if not isinstance(n, sp.Add):
        return None
    terms = _coeff_pairs(n)
    consts = {c for c, r in terms if r == 1}
    for c, r in terms:
        if isinstance(r, sigmoid) and -c in consts:
            rest = [t for t in n.args if t not in (c * r, -c)]
            return sp.Add(*rest) + (-c) * sigmoid(-r.args[0])
    return None


def _tanh_complement(n, x):
    """c − c·tanh²(u) → c·sech²(u);  c ± c·tanh(u) → 2c·σ(±2u) (no cancellation)."""
    if not isinstance(n, sp.Add):
        return None
    terms = _coeff_pairs(n)
    consts = {c for c, r in terms if r == 1}
    for c, r in terms:
        if r.is_Pow and isinstance(r.base, sp.tanh) and r.exp == 2 and -c in consts:
            rest = [t for t in n.args if t not in (c * r, -c)]
            return sp.Add(*rest) + (-c) * sech2(r.base.args[0])
        if isinstance(r, sp.tanh) and (c in consts or -c in consts):
            k = c if c in consts else -c
            rest = [t for t in n.args if t not in (c * r, k)]
            u = r.args[0] if k == c else -r.args[0]
            return sp.Add(*rest) + 2 * k * sigmoid(2 * u)
    return None


def _one_plus_erf_to_erfc(n, x):
    """c + c·erf(z) → c·erfc(−z);  c − c·erf(z) → c·erfc(z)."""
    if not isinstance(n, sp.Add):
        return None
    terms = _coeff_pairs(n)
    consts = {c for c, r in terms if r == 1}
    for c, r in terms:
        if isinstance(r, sp.erf) and (c in consts or -c in consts):
            k = c if c in consts else -c
            rest = [t for t in n.args if t not in (c * r, k)]
            z = -r.args[0] if k == c else r.args[0]
            return sp.Add(*rest) + k * erfc(z)
    return None


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


def _log1p(n, x):
    """ln(1 + u) → log1p(u)."""
    if isinstance(n, sp.log) and isinstance(n.args[0], sp.Add) and sp.S.One in n.args[0].args:
        return log1p(n.args[0] - 1)
    return None


def _expm1(n, x):
    """c·e^u − c → c·expm1(u) (no cancellation for u → 0)."""
    if not isinstance(n, sp.Add):
        return None
    terms = _coeff_pairs(n)
    consts = {c for c, r in terms if r == 1}
    for c, r in terms:
        if isinstance(r, sp.exp) and -c in consts:
            rest = [t for t in n.args if t not in (c * r, -c)]
            return sp.Add(*rest) + c * expm1(r.args[0])
    # symbolic coefficient: a·e^u − a
    for t in n.args:
        if isinstance(t, sp.Mul):
            e = [f for f in t.args if isinstance(f, sp.exp)]
            if len(e) == 1:
                c = t / e[0]
                if -c in n.args:
                    rest = [s for s in n.args if s not in (t, -c)]
                    return sp.Add(*rest) + c * expm1(e[0].args[0])
    return None


def _poly_degrees(e, x):
    try:
        p = sp.Poly(sp.expand(e), x)
    except sp.PolynomialError:
        return None
    if p.is_zero:
        return None
    monoms = [m[0] for m in p.monoms()]
    return min(monoms), max(monoms)


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
            ratio = (diff / (t - p) + rest) / den
            same_sign = sp.simplify(p * q >= 0) if p.has(x) else (p * q >= 0)
            if same_sign is sp.false:
                return ratio
            if same_sign is sp.true:
                return None
            return sp.Piecewise((n, same_sign), (ratio, True))
    return None


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


# ---- specialise ----------------------------------------------------------------------------
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


_DECAYING = (sigmoid, dsigmoid, sech2, erfc, sp.erfc, sp.exp, Phi)


def _is_decaying(f) -> bool:
    """Exponentially small on one side: σ, sech², erfc, exp, softplus, or an odd function
    vanishing at 0 (tanh, sinh, atan, log1p, expm1) of such a factor."""
    if isinstance(f, (*_DECAYING, softplus)):
        return True
    if isinstance(f, (sp.tanh, sp.sinh, sp.atan, log1p, expm1)):
        return _is_decaying(f.args[0])
    return False


def _decaying_product(n, x):
    """a·b with a decaying exponentially (σ, sech², erfc, exp) → dmul(a, b): 0 where a
    underflows, so x·σ(−x) at x = ∞ is 0, not ∞·0 = NaN."""
    if not isinstance(n, sp.Mul):
        return None
    dec = [f for f in n.args if _is_decaying(f) and f.has(x)]
    grow = [f for f in n.args if f not in dec and f.has(x)]
    if not dec or not grow:
        return None
    const = [f for f in n.args if not f.has(x)]
    return sp.Mul(*const) * dmul(sp.Mul(*dec), sp.Mul(*grow))


def _is_series_candidate(e, x) -> bool:
    if e.free_symbols - {x} or not isinstance(e, sp.Add):
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
    return sp.Piecewise((_SeriesPoly(ser, x), sp.Abs(x) < float(t_cut)), (e, True))


def _SeriesPoly(ser, x):
    return _Horner(ser, x)


class _Horner(sp.Function):
    """A polynomial in a variable v to be printed in Horner form: Horner(poly, v[, value])
    where ``value`` (default v itself) is the expression v stands for (x/α)."""

    nargs = (2, 3)

    @classmethod
    def eval(cls, *args):
        return None

    def _eval_evalf(self, prec):
        poly, var = self.args[0], self.args[1]
        value = self.args[2] if len(self.args) == 3 else var
        return poly.subs(var, value)._eval_evalf(prec)


Horner = _Horner


RULES: list[Rule] = [
    Rule("normal_cdf_to_erfc", "canonicalise", _normal_cdf_to_erfc, _normal_cdf_to_erfc.__doc__),
    Rule("exp_ratio_to_sigmoid", "canonicalise", _exp_ratio_to_sigmoid,
         _exp_ratio_to_sigmoid.__doc__),
    Rule("log1p_exp_to_softplus", "canonicalise", _log1p_exp_to_softplus,
         _log1p_exp_to_softplus.__doc__),
    Rule("log_sigmoid_to_softplus", "canonicalise", _log_sigmoid_to_softplus,
         _log_sigmoid_to_softplus.__doc__),
    Rule("together_quotients", "canonicalise", _together_quotients, _together_quotients.__doc__),
    Rule("sigmoid_complement", "stabilise", _sigmoid_complement, _sigmoid_complement.__doc__),
    Rule("tanh_complement", "stabilise", _tanh_complement, _tanh_complement.__doc__),
    Rule("one_plus_erf_to_erfc", "stabilise", _one_plus_erf_to_erfc,
         _one_plus_erf_to_erfc.__doc__),
    Rule("softplus_reflect", "stabilise", _softplus_reflect, _softplus_reflect.__doc__, 1),
    Rule("log1p", "stabilise", _log1p, _log1p.__doc__),
    Rule("expm1", "stabilise", _expm1, _expm1.__doc__),
    Rule("rationalise_sqrt", "stabilise", _rationalise_sqrt, _rationalise_sqrt.__doc__, 1),
    Rule("scale_rational", "stabilise", _scale_rational, _scale_rational.__doc__, 1),
    Rule("sqrt_to_hypot", "stabilise", _sqrt_to_hypot, _sqrt_to_hypot.__doc__),
    Rule("series_near_zero", "specialise", _series_near_zero, _series_near_zero.__doc__),
    Rule("sigmoid_product", "specialise", _sigmoid_product, _sigmoid_product.__doc__),
    Rule("decaying_product", "specialise", _decaying_product, _decaying_product.__doc__),
]

#: whole-branch rules: applied to each Piecewise branch (not to every node)
BRANCH_RULES = [r for r in RULES if r.name == "series_near_zero"]

RULES_BY_NAME = {r.name: r for r in RULES}


def _branches(expr):
    if isinstance(expr, sp.Piecewise):
        return [(e, c) for e, c in expr.args]
    return [(expr, sp.true)]


def stabilise(expr: sp.Expr, x: sp.Symbol, rules: list[str] | None = None) -> sp.Expr:
    """Apply the named rules (default: all, in order) and lift branches to the top."""
    chosen = [RULES_BY_NAME[r] for r in rules] if rules is not None else RULES
    out = sp.piecewise_fold(sp.sympify(expr))
    for rule in chosen:
        if rule in BRANCH_RULES:
            new = []
            for e, c in _branches(out):
                r = rule.apply(e, x)
                new.append((e if r is None else r, c))
            out = new[0][0] if len(new) == 1 else sp.Piecewise(*new)
            out = sp.piecewise_fold(out)
        else:
            out = apply_rule(out, rule, x)
            out = sp.piecewise_fold(out)
    return out
