"""Stable primitives: functions that the stabilisation rules introduce and the printers print.

Each stands for a value that has a plain formula but is computed another way in floating point
(sech²(u) without 1 − tanh², σ'(u) with one exponential, a·b that is 0 where a underflows, a
polynomial in Horner form). They differentiate, evaluate (``evalf``) and rewrite to
elementary functions (``rewrite(sp.exp)``) like any SymPy function.
"""

from __future__ import annotations

import sympy as sp

from .functions import sigmoid

__all__ = ["Horner", "dmul", "dsigmoid", "erfc", "sech2"]


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


#: the class keeps its original name: SymPy orders the terms of a sum by class name
Horner = _Horner
