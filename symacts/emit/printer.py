"""A strict NumPy printer: every node it does not know is an error at generation time.

Unlike ``lambdify``'s printers there is no fallback: ``erf`` prints as ``_sc.erf`` (never
``math.erf``), constants print as Python floats (weak scalars, so float32 stays float32),
and anything unsupported raises :class:`EmitError` naming the node.
"""

from __future__ import annotations

import keyword
import math

import sympy as sp
from sympy.codegen.cfunctions import expm1, hypot, log1p

from ..functions import Phi, sigmoid, softplus
from ..stabilise import Horner, dmul, dsigmoid, erfc, sech2
from .minmax import Clip, Masked, Maximum, Minimum, Select2, Step

__all__ = ["EmitError", "NumpyPrinter", "float_literal"]


class EmitError(ValueError):
    """The expression contains something the kernel printer cannot print exactly."""


#: function class -> NumPy/SciPy/helper name
FUNCTIONS: dict[type, str] = {
    sp.exp: "np.exp",
    sp.log: "np.log",
    log1p: "np.log1p",
    expm1: "np.expm1",
    sp.tanh: "np.tanh",
    sp.sinh: "np.sinh",
    sp.cosh: "np.cosh",
    sp.sin: "np.sin",
    sp.cos: "np.cos",
    sp.tan: "np.tan",
    sp.atan: "np.arctan",
    sp.asinh: "np.arcsinh",
    sp.Abs: "np.abs",
    sp.erf: "_sc.erf",
    sp.erfc: "_sc.erfc",
    erfc: "_sc.erfc",
    sigmoid: "_sigmoid",
    Phi: "_sc.ndtr",
    softplus: "_softplus",
    sech2: "_sech2",
    dsigmoid: "_dsigmoid",
}

RELATIONS = {
    sp.StrictGreaterThan: ">",
    sp.GreaterThan: ">=",
    sp.StrictLessThan: "<",
    sp.LessThan: "<=",
    sp.Equality: "==",
    sp.Unequality: "!=",
}


def float_literal(value: sp.Expr) -> str:
    """A constant as a Python float literal (exact to double rounding), checked finite."""
    v = float(sp.N(value, 40))
    if not math.isfinite(v):
        raise EmitError(f"constant {value} is not finite")
    if v == int(v) and abs(v) < 2**53:
        return f"{int(v)}.0"
    return repr(v)


class _Ratio(sp.Function):
    """a/b kept as one quotient by the printer (never evaluated)."""

    nargs = 2


class ExpNegAbs(sp.Function):
    """e^{−|u|}: the exponential that σ(u), σ(−u), σ'(u) and softplus(u) share."""

    nargs = 1


class SigmoidT(sp.Function):
    """σ(u) from t = e^{−|u|} (args: u, t)."""

    nargs = 2


class DsigmoidT(sp.Function):
    """σ'(u) = t/(1 + t)² from t = e^{−|u|} (args: u, t)."""

    nargs = 2


class SoftplusT(sp.Function):
    """softplus(u) = max(u, 0) + log1p(t) from t = e^{−|u|} (args: u, t)."""

    nargs = 2


_SHARED_T = {sigmoid: SigmoidT, dsigmoid: DsigmoidT, softplus: SoftplusT}


def share_exponentials(e: sp.Expr) -> sp.Expr:
    """σ, σ' and softplus of ±u written on one e^{−|u|}, which common-subexpression
    elimination then computes once per kernel (σ and σ' in a fused f, f')."""
    def t_of(u):
        return ExpNegAbs(-u if u.could_extract_minus_sign() else u)

    reps = {}
    for f in e.atoms(*_SHARED_T):
        u = f.args[0]
        reps[f] = _SHARED_T[type(f)](u, t_of(u))
    return e.xreplace(reps) if reps else e


#: functions printed as a call of a NumPy ufunc or runtime helper on all their arguments
HELPER_CALLS: dict[type, str] = {
    Maximum: "np.maximum",
    Minimum: "np.minimum",
    Clip: "_clip",
    dmul: "_dmul",
    hypot: "_hypot",
    SigmoidT: "_sigmoid_t",
    DsigmoidT: "_dsigmoid_t",
    SoftplusT: "_softplus_t",
}


def unshare_exponentials(e: sp.Expr) -> sp.Expr:
    """Back to σ, σ', softplus where e^{−|u|} is still written out (not a shared name)."""
    back = {v: k for k, v in _SHARED_T.items()}
    reps = {f: back[type(f)](f.args[0]) for f in e.atoms(*back)
            if isinstance(f.args[1], ExpNegAbs)}
    return e.xreplace(reps) if reps else e


class NumpyPrinter:
    """Print a stabilised SymPy expression as a NumPy expression string."""

    def __init__(self, x: sp.Symbol, names: dict[sp.Symbol, str],
                 squares: dict | None = None, scalars: set | None = None):
        self.x = x
        self.names = dict(names)
        #: symbols that hold parameter values (not x's shape): functions of these only are
        #: printed through _w
        self.scalars = set(scalars or ())
        #: value -> name of a precomputed value² (used by Horner forms in value²)
        self.squares = dict(squares or {})
        for n in self.names.values():
            if not n.isidentifier() or keyword.iskeyword(n):
                raise EmitError(f"{n!r} cannot be a Python name")

    # ---- entry -------------------------------------------------------------------------
    def __call__(self, e: sp.Basic) -> str:
        return self._p(e)

    def _p(self, e: sp.Basic) -> str:
        if e in self.names:
            return self.names[e]
        if (isinstance(e, (sp.Function, sp.Pow)) and e.free_symbols
                and e.free_symbols <= self.scalars):
            # a function of parameters only: a NumPy scalar result (np.sqrt(alpha)) would
            # promote float32 blocks to float64; _w keeps it a weak Python float
            s = self._p_any(e)
            return f"_w({s})" if "np." in s or "_sc." in s else s
        return self._p_any(e)

    def _p_any(self, e: sp.Basic) -> str:
        if isinstance(e, (sp.Or, sp.And, sp.Not, sp.core.relational.Relational)):
            from .kernels import pr_cond

            return pr_cond(self, e)  # a condition shared by several outputs (CSE)
        if isinstance(e, sp.Symbol):
            raise EmitError(f"unknown symbol {e} (not x and not a parameter)")
        if e is sp.oo or e is sp.S.NegativeInfinity:
            return "np.inf" if e is sp.oo else "-np.inf"
        if isinstance(e, Step):
            from .kernels import pr_cond

            return f"_step({pr_cond(self, e.args[0])}, {self._p(e.args[1])})"
        if isinstance(e, ExpNegAbs):
            return f"np.exp(-np.abs({self._p(e.args[0])}))"
        if type(e) in HELPER_CALLS:  # every argument in order
            return f"{HELPER_CALLS[type(e)]}({', '.join(self._p(a) for a in e.args)})"
        if isinstance(e, Masked):
            from .kernels import pr_cond

            return (f"np.multiply({self._p(e.args[0])}, {pr_cond(self, e.args[1])}, "
                    f"dtype={self._p(self.x)}.dtype)")
        if isinstance(e, Select2):
            from .kernels import pr_cond

            cond, a, b, xv = e.args
            return f"_select2({pr_cond(self, cond)}, {self._p(a)}, {self._p(b)}, {self._p(xv)})"
        if e.is_number and not isinstance(e, sp.Piecewise):
            if e.is_Integer:
                return str(int(e))
            if not e.is_real and e.is_real is not None:
                raise EmitError(f"non-real constant {e}")
            return float_literal(e)
        if isinstance(e, sp.Add):
            return self._add(e)
        if isinstance(e, sp.Mul):
            return self._mul(e)
        if isinstance(e, sp.Pow):
            return self._pow(e)
        if isinstance(e, (sp.Max, sp.Min)):
            fn = "np.maximum" if isinstance(e, sp.Max) else "np.minimum"
            out = self._p(e.args[0])
            for a in e.args[1:]:
                out = f"{fn}({out}, {self._p(a)})"
            return out
        if isinstance(e, _Ratio):
            return f"({self._p(e.args[0])} / {self._factor(e.args[1])})"
        if isinstance(e, Horner):
            var = e.args[1]
            value = e.args[2] if len(e.args) == 3 else var
            return self._horner(e.args[0], var, value)
        if isinstance(e, sp.Function) and type(e) in FUNCTIONS:
            if len(e.args) != 1:
                raise EmitError(f"{type(e).__name__} with {len(e.args)} arguments")
            return f"{FUNCTIONS[type(e)]}({self._p(e.args[0])})"
        if isinstance(e, sp.Piecewise):
            raise EmitError("a Piecewise inside an expression (lift branches to the top first)")
        raise EmitError(f"cannot print {type(e).__name__}: {e}")

    # ---- arithmetic -----------------------------------------------------------------------
    def _add(self, e: sp.Add) -> str:
        terms = sorted(e.args, key=lambda t: (t.is_number, sp.default_sort_key(t)))
        out = ""
        for t in terms:
            c, _ = t.as_coeff_Mul()
            if c.is_negative:
                s = self._p(-t)
                out += f" - {self._wrap_add(-t, s)}" if out else f"-{self._wrap_add(-t, s)}"
            else:
                s = self._p(t)
                out += f" + {s}" if out else s
        return f"({out})" if len(terms) > 1 else out

    @staticmethod
    def _wrap_add(t, s):
        return f"({s})" if isinstance(t, sp.Add) else s

    def _mul(self, e: sp.Mul) -> str:
        const = sp.S.One
        num: list[sp.Expr] = []
        den: list[sp.Expr] = []
        for f in e.args:
            if f.is_number:
                const *= f
            elif f.is_Pow and f.exp.is_Rational and f.exp.is_negative:
                if f.exp == -1:
                    den.append(f.base)
                else:
                    num.append(f)
            else:
                num.append(f)
        # x**k / D → x**(k-1) * (x / D): no overflow of x**k when D grows like x
        # x**k * D**(-m), m >= k → (x / D)**k * D**(k - m): no overflow of x**k
        for i, f in enumerate(num):
            if f.is_Pow and f.base == self.x and f.exp.is_Integer and f.exp >= 2:
                k = f.exp
                for j, g in enumerate(num):
                    if (j != i and g.is_Pow and g.exp.is_Integer and g.exp <= -k
                            and g.base.has(self.x)):
                        num[i] = _Ratio(self.x, g.base) ** k
                        num[j] = g.base ** (g.exp + k)
                        break
                break
        num = [f for f in num if f != 1]
        inner: list[str] = []
        if den:
            for i, f in enumerate(num):
                if f.is_Pow and f.base == self.x and f.exp.is_Integer and f.exp >= 2:
                    num[i] = self.x ** (f.exp - 1)
                    inner.append(self._p(self.x))
                    break
        parts = [self._factor(f) for f in num]
        sign = ""
        if const.is_negative:
            sign, const = "-", -const
        if const != 1:
            parts.insert(0, self._p(const))
        if den:
            d = " * ".join(self._factor(f) for f in den)
            d = f"({d})" if len(den) > 1 else d
            if inner:
                parts.append(f"({' * '.join(inner)} / {d})")
            else:
                body = " * ".join(parts) if parts else "1"
                return f"{sign}({body} / {d})"
        body = " * ".join(parts) if parts else "1"
        return f"{sign}({body})" if (sign or len(parts) > 1) else body

    def _factor(self, f: sp.Expr) -> str:
        s = self._p(f)
        return f"({s})" if isinstance(f, sp.Add) and not s.startswith("(") else s

    def _pow(self, e: sp.Pow) -> str:
        b, k = e.base, e.exp
        if not k.is_Rational:
            if k.has(self.x):
                raise EmitError(f"power with x in the exponent: {e} (write exp(k*log(b)))")
            return f"np.power({self._p(b)}, {self._p(k)})"
        bs = self._factor(b)
        if b.is_Atom or isinstance(b, sp.Function):
            bs = self._p(b)
        if k.is_Integer:
            n = int(k)
            if n == -1:
                return f"(1 / {bs})"
            if n <= -3:
                return f"_ipow((1 / {bs}), {-n})"
            if n < 0:
                return f"(1 / {bs})**{-n}"
            if n >= 3:
                return f"_ipow({self._p(b)}, {n})"
            return f"{bs}**{n}"
        if k.q == 2:
            p = int(k.p)
            root = f"np.sqrt({self._p(b)})"
            if p == 1:
                return root
            if p == -1:
                return f"(1 / {root})"
            if p >= 3:
                return f"_ipow({root}, {p})"
            if p > 0:
                return f"({root}**{p})"
            if p <= -3:
                return f"_ipow((1 / {root}), {-p})"
            return f"(1 / {root})**{-p}"
        if k.q == 3:
            root = f"np.cbrt({self._p(b)})"
            return root if k.p == 1 else f"{root}**{int(k.p)}"
        return f"np.power({self._p(b)}, {float_literal(k)})"

    def _horner(self, poly: sp.Expr, var: sp.Symbol, value: sp.Expr) -> str:
        """Horner form in ``value`` (x or x/p); in value² when the polynomial is even or odd."""
        p = sp.Poly(poly, var)
        coeffs = {m[0]: c for m, c in zip(p.monoms(), p.coeffs(), strict=True)}
        low = min(coeffs)
        parities = {k % 2 for k in coeffs}
        xs = self._p(value)
        if not (value.is_Symbol or value.is_Atom):
            xs = f"({xs})"
        if len(parities) == 1:
            var, step = self.squares.get(value, f"({xs} * {xs})"), 2
        else:
            var, step = xs, 1
        degs = range(low, max(coeffs) + 1, step)
        acc = ""
        for k in reversed(list(degs)):
            c = coeffs.get(k, sp.S.Zero)
            cs = float_literal(c)
            if not acc:
                acc = cs
            elif cs.startswith("-"):
                acc = f"({acc}) * {var} - {cs[1:]}"
            else:
                acc = f"({acc}) * {var} + {cs}"
        lead = ("" if low == 0 else f"{xs} * " if low == 1 else f"{xs}**2 * " if low == 2
                else f"_ipow({xs}, {low}) * ")
        return f"({lead}({acc}))"
