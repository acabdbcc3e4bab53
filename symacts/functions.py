"""Named building blocks as SymPy functions: σ, softplus, Φ, φ, and fixed constants.

Each block evaluates only on exact special values (``sigmoid(0) = 1/2``), differentiates to
other blocks (σ' = σ(1 − σ), softplus' = σ, Φ' = φ, φ' = −xφ), rewrites to elementary
functions (``expr.rewrite(sp.exp)`` or :func:`expand_blocks`), evaluates with ``evalf`` and
prints itself for LaTeX and for ``lambdify(..., "mpmath")``.
"""

from __future__ import annotations

import mpmath
import sympy as sp

__all__ = [
    "BUILDING_BLOCKS",
    "SELU_ALPHA",
    "SELU_SCALE",
    "NamedConstant",
    "Phi",
    "expand_blocks",
    "phi",
    "sigmoid",
    "softplus",
]


class ClosedFormFunction(sp.Function):
    """A one-argument function that stands for a closed form: it evaluates, rewrites and
    prints (LaTeX, Unicode, mpmath code) through :meth:`closed_form` and its names."""

    nargs = 1
    latex_name: str = ""
    pretty_name: str = ""
    text_name: str = ""

    @classmethod
    def closed_form(cls, u: sp.Expr) -> sp.Expr:  # pragma: no cover - abstract
        raise NotImplementedError

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return self.closed_form(u)

    def _eval_rewrite_as_elementary(self, u, **kwargs):
        return self.closed_form(u)

    def _eval_evalf(self, prec):
        return self.closed_form(self.args[0]).evalf(mpmath.libmp.prec_to_dps(prec))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _latex(self, printer, exp=None):
        arg = printer._print(self.args[0])
        head = self.latex_name
        if exp is not None:
            return rf"{head}^{{{exp}}}\left({arg}\right)"
        return rf"{head}\left({arg}\right)"

    def _mpmathcode(self, printer):
        return f"({printer._print(self.closed_form(self.args[0]))})"

    def _sympystr(self, printer):
        return f"{self.text_name or type(self).__name__}({printer._print(self.args[0])})"

    def _pretty(self, printer):
        return printer._print_Function(self, func_name=self.pretty_name or type(self).__name__)


class BuildingBlock(ClosedFormFunction):
    """A named block (σ, softplus, Φ, φ) with a closed form in elementary functions."""

    #: exact values at 0, +∞ and −∞ (the only arguments on which a block evaluates)
    special_values: tuple = ()

    @classmethod
    def eval(cls, u):
        for point, value in cls.special_values:
            if u == point:
                return value
        return None

    def _eval_is_positive(self):  # every block here is positive on the reals
        return True if self.args[0].is_real else None


class sigmoid(BuildingBlock):  # noqa: N801 - mathematical name
    r"""Logistic function σ(u) = 1 / (1 + e^{−u})."""

    latex_name = r"\sigma"
    pretty_name = "σ"
    special_values = ((sp.S.Zero, sp.S.Half), (sp.oo, sp.S.One), (-sp.oo, sp.S.Zero))

    @classmethod
    def closed_form(cls, u):
        return 1 / (1 + sp.exp(-u))

    def fdiff(self, argindex=1):
        s = self.func(self.args[0])
        return s * (1 - s)


class softplus(BuildingBlock):  # noqa: N801
    r"""softplus(u) = ln(1 + e^{u})."""

    latex_name = r"\operatorname{softplus}"
    special_values = ((sp.S.Zero, sp.log(2)), (sp.oo, sp.oo), (-sp.oo, sp.S.Zero))

    @classmethod
    def closed_form(cls, u):
        return sp.log(1 + sp.exp(u))

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])


class Phi(BuildingBlock):
    r"""Standard normal CDF Φ(u) = (1 + erf(u/√2)) / 2."""

    latex_name = r"\Phi"
    pretty_name = "Φ"
    special_values = ((sp.S.Zero, sp.S.Half), (sp.oo, sp.S.One), (-sp.oo, sp.S.Zero))

    @classmethod
    def closed_form(cls, u):
        return (1 + sp.erf(u / sp.sqrt(2))) / 2

    def _eval_rewrite_as_erf(self, u, **kwargs):
        return self.closed_form(u)

    def fdiff(self, argindex=1):
        return phi(self.args[0])


class phi(BuildingBlock):  # noqa: N801
    r"""Standard normal PDF φ(u) = e^{−u²/2} / √(2π)."""

    latex_name = r"\phi"
    pretty_name = "φ"
    special_values = ((sp.S.Zero, 1 / sp.sqrt(2 * sp.pi)), (sp.oo, sp.S.Zero), (-sp.oo, sp.S.Zero))

    @classmethod
    def closed_form(cls, u):
        return sp.exp(-(u**2) / 2) / sp.sqrt(2 * sp.pi)

    def fdiff(self, argindex=1):
        u = self.args[0]
        return -u * phi(u)


BUILDING_BLOCKS: dict[str, type[BuildingBlock]] = {
    "sigmoid": sigmoid,
    "softplus": softplus,
    "Phi": Phi,
    "phi": phi,
}


def expand_blocks(expr: sp.Expr) -> sp.Expr:
    """Replace every building block (and self-reference) by its elementary closed form."""
    out = expr
    for _ in range(8):  # self-references may expand into blocks; a few passes suffice
        reps = {
            a: a.closed_form(a.args[0])
            for a in out.atoms(sp.Function)
            if isinstance(a, ClosedFormFunction)
        }
        if not reps:
            return out
        out = out.xreplace(reps)
    return out


class SelfReference(ClosedFormFunction):
    """f(u): an activation's own value, used to shorten display forms (Swish' = βf + ...).

    Subclasses are made per activation by :func:`self_reference`; they carry the definition.
    """

    _definition: sp.Lambda
    latex_name = pretty_name = text_name = "f"

    @classmethod
    def closed_form(cls, u):
        return cls._definition(u)

    def fdiff(self, argindex=1):
        var = self._definition.variables[0]
        return self._definition.expr.diff(var).subs(var, self.args[0])


def self_reference(name: str, x: sp.Symbol, expr: sp.Expr) -> type[SelfReference]:
    """A function class ``f`` with f(u) = expr[x := u], printed as ``f``."""
    cls_name = "f_" + name
    return type(cls_name, (SelfReference,), {"_definition": sp.Lambda(x, expr)})


class NamedConstant(sp.NumberSymbol):
    """A fixed real constant known to high precision (SELU's α and λ)."""

    is_real = True
    is_positive = True
    is_irrational = True
    is_number = True
    __slots__ = ()
    digits: str = ""
    latex_symbol: str = ""
    text_symbol: str = ""

    def __new__(cls):
        return sp.Expr.__new__(cls)

    def _as_mpf_val(self, prec):
        return mpmath.mpf(self.digits, prec=prec + 10)._mpf_

    def approximation_interval(self, number_cls):
        if issubclass(number_cls, sp.Integer):
            return (sp.Integer(1), sp.Integer(2))
        return None

    def _latex(self, printer):
        return self.latex_symbol

    def _sympystr(self, printer):
        return self.text_symbol

    def _mpmathcode(self, printer):
        return f"{printer._module_format('mpmath.mpf')}('{self.digits}')"

    def __hash__(self):
        return hash(type(self).__name__)

    def __eq__(self, other):
        return type(self) is type(other)

    def _hashable_content(self):
        return (type(self).__name__,)


class SeluAlpha(NamedConstant):
    r"""SELU's α₀₁ = −√(2/π) / (erfc(1/√2)·√e − 1) (Klambauer et al., 2017)."""

    digits = "1.6732632423543772848170429916716520384611553482812"
    latex_symbol = r"\alpha"
    text_symbol = "α"


class SeluScale(NamedConstant):
    r"""SELU's λ₀₁ (Klambauer et al., 2017), the output scale."""

    digits = "1.0507009873554804934193349852946063519589812043764"
    latex_symbol = r"\lambda"
    text_symbol = "λ"


SELU_ALPHA = SeluAlpha()
SELU_SCALE = SeluScale()
