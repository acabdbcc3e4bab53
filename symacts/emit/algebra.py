"""Target-neutral layout of arithmetic: the order in which printers evaluate sums and products.

Floating-point results depend on the order of operations, so every printer lays out a sum or
a product the same way: constants last in a sum, and in a product x**k/D evaluated as
x**(k-1)·(x/D), so that x**k cannot overflow where D grows like x.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .ir import ByDtype, Ratio

__all__ = ["Product", "product_layout", "sum_terms", "upper_form"]


def sum_terms(e: sp.Add) -> list[sp.Expr]:
    """The terms of a sum in evaluation order: non-constants first (a canonical order)."""
    return sorted(e.args, key=lambda t: (t.is_number, sp.default_sort_key(t)))


@dataclass
class Product:
    """c·∏num / ∏den, with ``inner`` (x) divided by the denominator first when set; the
    denominator's factors are divided one after the other, never multiplied together."""

    negative: bool
    const: sp.Expr
    num: list[sp.Expr]
    den: list[sp.Expr]
    inner: sp.Expr | None


def product_layout(e: sp.Mul, x: sp.Symbol, scalars=()) -> Product:
    """Split a product into sign, constant, numerator and denominator factors, reordered so
    that no power of x overflows where the quotient is finite:

    * x**k · D**(−m), m ≥ k → (x/D)**k · D**(k − m);
    * x**k / D → x**(k−1) · (x/D);
    * D**(−k) beside other varying factors → k divisions by D.

    ``scalars``: symbols that hold parameter values (constant over the block).
    """
    const = sp.S.One
    num: list[sp.Expr] = []
    den: list[sp.Expr] = []
    for f in e.args:
        if f.is_number and not isinstance(f, ByDtype):
            const *= f
        elif f.is_Pow and f.exp.is_Rational and f.exp.is_negative:
            if f.exp == -1:
                den.append(f.base)
            else:
                num.append(f)
        else:
            num.append(f)
    # D**(−k) beside other factors of x: k divisions by D (D**k, or (1/D)**k, can leave the
    # range where the quotient is in it: N/D³ for N ~ x, D ~ x at x = 1e103)
    def varies(f):  # x in it, or a named step that is not a parameter value
        return f.has(x) or bool(f.free_symbols - set(scalars))

    if any(varies(f) and not (f.is_Pow and f.exp.is_Integer and f.exp < 0) for f in num):
        for f in list(num):
            if f.is_Pow and f.exp.is_Integer and f.exp <= -2 and varies(f.base):
                num.remove(f)
                den += [f.base] * int(-f.exp)
    for i, f in enumerate(num):
        if f.is_Pow and f.base == x and f.exp.is_Integer and f.exp >= 2:
            k = f.exp
            for j, g in enumerate(num):
                if (j != i and g.is_Pow and g.exp.is_Integer and g.exp <= -k
                        and g.base.has(x)):
                    num[i] = Ratio(x, g.base) ** k
                    num[j] = g.base ** (g.exp + k)
                    break
            break
    num = [f for f in num if f != 1]
    inner = None
    if den:
        for i, f in enumerate(num):
            if f.is_Pow and f.base == x and f.exp.is_Integer and f.exp >= 2:
                num[i] = x ** (f.exp - 1)
                inner = x
                break
    negative = bool(const.is_negative)
    return Product(negative, -const if negative else const, num, den, inner)


def upper_form(rel: sp.Basic, x: sp.Symbol) -> tuple[sp.Expr, sp.Expr, bool] | None:
    """A relation as (u, a, strict): u > a (strict) or u ≥ a, with x in u and not in a."""
    if not isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan, sp.StrictLessThan,
                            sp.LessThan)):
        return None
    big, small = ((rel.lhs, rel.rhs) if isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan))
                  else (rel.rhs, rel.lhs))
    if small.has(x):
        big, small = -small, -big
    if not big.has(x) or small.has(x):
        return None
    return big, small, isinstance(rel, (sp.StrictGreaterThan, sp.StrictLessThan))


def abs_condition(c: sp.Or, x: sp.Symbol) -> sp.Basic | None:
    """(u > a) | (−u > a) → |u| > a (and ≥): one comparison of |u| instead of two and an or
    (the same truth value for every float, NaN included: every comparison is false)."""
    if len(c.args) != 2:
        return None
    forms = [upper_form(a, x) for a in c.args]
    if None in forms:
        return None
    (u1, a1, st1), (u2, a2, st2) = forms
    if st1 == st2 and sp.expand(u1 + u2) == 0 and sp.expand(a1 - a2) == 0:
        return (sp.StrictGreaterThan if st1 else sp.GreaterThan)(sp.Abs(u1), a1)
    return None


#: inequality → (the float the comparison may use exactly: "down" = largest float ≤ k,
#: "up" = smallest float ≥ k)
_EXACT_SIDE = {"StrictGreaterThan": "down", "GreaterThan": "up", "StrictLessThan": "up",
               "LessThan": "down"}


def exact_threshold(rel: sp.Basic, x: sp.Symbol, dtype) -> float | None:
    """For ``x ⋚ k`` (k a constant): the float c of ``dtype`` with x ⋚ c ⟺ x ⋚ k for every
    float x of that dtype (x > k ⟺ x > ⌊k⌋, x ≥ k ⟺ x ≥ ⌈k⌉, ...); None for other relations.

    A constant rounded to nearest can land on the wrong side of a kink: −10/7 in float32 is
    −1.42857146 < −10/7, so ``x >= -10/7`` would hold at that float, below the kink.
    """
    import mpmath
    import numpy as np

    side = _EXACT_SIDE.get(type(rel).__name__)
    if (side is None or rel.lhs != x or rel.rhs.has(x) or not rel.rhs.is_number
            or rel.rhs.has(ByDtype)):
        return None
    k = rel.rhs
    if not k.is_finite:
        return None
    dt = np.dtype(dtype)
    with mpmath.workdps(60):
        km = mpmath.mpf(sp.N(k, 60))
        with np.errstate(over="ignore"):
            c = dt.type(float(km))  # ±inf beyond the dtype's range: adjusted below
        if side == "up" and mpmath.mpf(float(c)) < km:
            c = np.nextafter(c, dt.type(np.inf))
        elif side == "down" and mpmath.mpf(float(c)) > km:
            c = np.nextafter(c, dt.type(-np.inf))
    return float(c)
