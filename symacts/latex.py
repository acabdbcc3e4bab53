r"""LaTeX for activation formulas, as a textbook typesets them.

SymPy's default printer gets several things wrong for this domain: names with underscores or
digits (``\operatorname{log}_{sigmoid}``), implementation forms (``log1p``, ``expm1``,
``logaddexp``), conditions written backwards (``\lambda < x``), and sums that start with a minus
sign (``- \lambda + x``). :class:`FormulaPrinter` fixes these:

* building blocks print as σ, softplus, Φ, φ (their own ``_latex``), ``\tanh``, ``\ln``,
  ``\operatorname{sech}``, ``\arctan``; parameters by :attr:`ParamSpec.latex`;
* any other multi-letter function name is one ``\operatorname{...}`` with escaped underscores;
* implementation forms are printed as the mathematics they stand for
  (log1p(u) → ln(1 + u), expm1(u) → eᵘ − 1, logaddexp(a, b) → ln(eᵃ + eᵇ));
* piecewise definitions use ``cases`` with "if"/"otherwise"; conditions put x on the left
  (``x > \lambda``) and symmetric pairs read ``|x| > \lambda``; bounds chain (``-1 < x < 1``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.logic.boolalg import And, BooleanTrue, Or
from sympy.printing.latex import LatexPrinter

if TYPE_CHECKING:
    from .activation import Activation

__all__ = ["FormulaPrinter", "condition_latex", "number_latex", "symbol_names", "to_latex"]

#: relational operator → LaTeX
_REL = {"<": "<", "<=": r"\leq", ">": ">", ">=": r"\geq", "==": "=", "!=": r"\neq"}
#: operator after multiplying both sides by −1
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def symbol_names(act: Activation | None) -> dict:
    """Parameter symbol → its LaTeX name (``negative_slope`` → ``\\mathrm{negative\\_slope}``)."""
    if act is None:
        return {}
    return {p.symbol: p.latex for p in act.param_specs}


def _math_forms(expr: sp.Basic) -> sp.Basic:
    """Replace implementation forms (log1p, expm1, logaddexp, ...) by their mathematics."""
    forms = {
        "log1p": lambda u: sp.log(1 + u),
        "expm1": lambda u: sp.exp(u) - 1,
        "exp2": lambda u: 2**u,
        "log2": lambda u: sp.log(u) / sp.log(2),
        "log10": lambda u: sp.log(u) / sp.log(10),
        "logaddexp": lambda a, b: sp.log(sp.exp(a) + sp.exp(b)),
        "logaddexp2": lambda a, b: sp.log(2**a + 2**b) / sp.log(2),
        "hypot": lambda a, b: sp.sqrt(a**2 + b**2),
        "Sqrt": sp.sqrt,
        "Cbrt": sp.cbrt,
    }
    if not isinstance(expr, sp.Basic):
        return expr

    def hit(e: sp.Basic) -> bool:
        return isinstance(e, sp.Function) and type(e).__name__ in forms

    if not expr.has(sp.Function) or not any(hit(a) for a in expr.atoms(sp.Function)):
        return expr
    return expr.replace(hit, lambda e: forms[type(e).__name__](*e.args))


class FormulaPrinter(LatexPrinter):
    """LaTeX printer for activation formulas (see the module docstring)."""

    printmethod = "_latex"

    def __init__(self, settings: dict[str, Any] | None = None):
        base = {"ln_notation": True, "inv_trig_style": "full"}
        base.update(settings or {})
        super().__init__(base)

    # -- functions -------------------------------------------------------------------------
    def _print_Function(self, expr, exp=None):
        if isinstance(expr, AppliedUndef):
            name = type(expr).__name__
            if len(name) > 1:
                head = r"\operatorname{" + name.replace("_", r"\_") + "}"
                if exp is not None:
                    head += "^{" + str(exp) + "}"
                args = ", ".join(self._print(a) for a in expr.args)
                return head + r"\left(" + args + r"\right)"
        return super()._print_Function(expr, exp)

    # -- sums: never start with a minus sign when a positive term exists ---------------------
    def _print_Add(self, expr, order=None):
        terms = list(self._as_ordered_terms(expr, order=order))
        # parameters after the terms in x: "x + \lambda", not "\lambda + x"
        terms.sort(key=lambda t: 1 if (not t.is_number and not _has_var(t)) else 0)
        if terms and terms[0].could_extract_minus_sign():
            for i, t in enumerate(terms):
                if not t.could_extract_minus_sign():
                    terms.insert(0, terms.pop(i))
                    break
        tex = ""
        for i, term in enumerate(terms):
            if i == 0:
                pass
            elif term.could_extract_minus_sign():
                tex += " - "
                term = -term
            else:
                tex += " + "
            term_tex = self._print(term)
            if self._needs_add_brackets(term):
                term_tex = r"\left(" + term_tex + r"\right)"
            tex += term_tex
        return tex

    # -- piecewise ----------------------------------------------------------------------------
    def _print_Piecewise(self, expr):
        rows = []
        for e, c in expr.args:
            if isinstance(c, BooleanTrue) or c is sp.true:
                rows.append(self._print(e) + r" & \text{otherwise}")
            else:
                rows.append(self._print(e) + r" & \text{if } " + self.condition(c))
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

    def condition(self, cond: sp.Basic) -> str:
        """A condition with x on the left, |x| for symmetric pairs, chained bounds."""
        if isinstance(cond, Or):
            return self._or(cond)
        if isinstance(cond, And):
            return self._and(cond)
        if isinstance(cond, sp.core.relational.Relational):
            op, lhs, rhs = _oriented(cond)
            return f"{self._print(lhs)} {_REL[op]} {self._print(rhs)}"
        return self._print(cond)

    def _or(self, cond: Or) -> str:
        parts = [_oriented(a) if isinstance(a, sp.core.relational.Relational) else None
                 for a in cond.args]
        if len(parts) == 2 and None not in parts:
            (op1, l1, r1), (op2, l2, r2) = parts
            if l1 == l2 and sp.simplify(r1 + r2) == 0:
                # x > c or x < -c  →  |x| > c   (c is whichever bound is not negative)
                c, opc = (r1, op1) if not r1.could_extract_minus_sign() else (r2, op2)
                other = op2 if opc == op1 else op1
                if opc in (">", ">=") and other == _FLIP[opc]:
                    return rf"\left|{self._print(l1)}\right| {_REL[opc]} {self._print(c)}"
                if opc == "==" and other == "==":
                    return rf"{self._print(l1)} = \pm {self._print(c)}"
        shown = sorted(cond.args, key=_bound_key)
        return r" \text{ or } ".join(self.condition(a) for a in shown)

    def _and(self, cond: And) -> str:
        parts = [_oriented(a) if isinstance(a, sp.core.relational.Relational) else None
                 for a in cond.args]
        if len(parts) == 2 and None not in parts and parts[0][1] == parts[1][1]:
            low = [p for p in parts if p[0] in (">", ">=")]
            high = [p for p in parts if p[0] in ("<", "<=")]
            if len(low) == 1 and len(high) == 1:
                (op_l, v, lo), (op_h, _, hi) = low[0], high[0]
                return (f"{self._print(lo)} {_REL[_FLIP[op_l]]} {self._print(v)} "
                        f"{_REL[op_h]} {self._print(hi)}")
        return r" \text{ and } ".join(self.condition(a) for a in cond.args)


def _has_var(e: sp.Basic) -> bool:
    return any(s.name == "x" for s in e.free_symbols)


def _oriented(rel: sp.core.relational.Relational) -> tuple[str, sp.Expr, sp.Expr]:
    """(op, lhs, rhs) with the x side on the left and a positive sign on x."""
    op, lhs, rhs = rel.rel_op, rel.lhs, rel.rhs
    if not _has_var(lhs) and _has_var(rhs):
        op, lhs, rhs = _FLIP[op], rhs, lhs
    if _has_var(lhs) and lhs.could_extract_minus_sign() and not _has_var(rhs):
        op, lhs, rhs = _FLIP[op], -lhs, -rhs
    return op, lhs, rhs


def _bound_key(rel: sp.Basic) -> tuple:
    """Lower tails first (x < a before x > b), then by the bound."""
    if isinstance(rel, sp.core.relational.Relational):
        op, _, rhs = _oriented(rel)
        side = 0 if op in ("<", "<=") else 1
        if rhs.is_number:
            return (side, 0, float(rhs), "")
        return (side, 1, 0.0, str(rhs))
    return (2, 2, 0.0, str(rel))


def to_latex(expr: sp.Basic, act: Activation | None = None) -> str:
    """LaTeX of ``expr``; building blocks print as σ, softplus, Φ, φ; ``f`` for the activation."""
    printer = FormulaPrinter({"symbol_names": symbol_names(act)})
    return printer.doprint(_math_forms(sp.sympify(expr)))


def condition_latex(cond: sp.Basic, act: Activation | None = None) -> str:
    """LaTeX of a condition such as ``x > 0`` (x on the left)."""
    printer = FormulaPrinter({"symbol_names": symbol_names(act)})
    return printer.condition(cond)


def number_latex(value: Any) -> str:
    """An exact default or a float, as LaTeX: ``1/100`` → ``\\frac{1}{100}``, 0.5 → ``0.5``."""
    if isinstance(value, float):
        return _float_latex(value)
    return FormulaPrinter().doprint(sp.sympify(value))


def _float_latex(v: float) -> str:
    import math

    if math.isnan(v):
        return r"\text{NaN}"
    if math.isinf(v):
        return r"\infty" if v > 0 else r"-\infty"
    text = f"{v:.12g}"
    if "e" in text:
        mant, ex = text.split("e")
        return rf"{mant} \times 10^{{{int(ex)}}}"
    return text
