"""The NumPy printer: kernel plans → Python source that needs NumPy and SciPy only.

Strict, unlike ``lambdify``'s printers: ``erf`` prints as ``_sc.erf`` (never ``math.erf``),
constants print as Python floats (weak scalars, so float32 stays float32), functions of the
parameters alone are wrapped in ``_w`` (a NumPy scalar would promote a float32 block to
float64), and a node it does not know is an :class:`EmitError` naming it. Expressions dispatch
on their class name (``_print_<Class>``); bodies print as masked or gathered branch selects
(:func:`print_core`). The helpers the printed code calls live in :mod:`symacts.emit.prelude`.
"""

from __future__ import annotations

import keyword
import math
from dataclasses import dataclass

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import hypot

from ..stabilise import Horner, dmul
from .algebra import abs_condition, exact_threshold, product_layout, sum_terms
from .blocks import make_body
from .cost import GATHER_COST
from .ir import (
    Block,
    ByDtype,
    ByParams,
    Clip,
    DsigmoidT,
    EmitError,
    ExpNegAbs,
    Limits,
    Masked,
    Maximum,
    Minimum,
    Ratio,
    Select,
    Select2,
    Separate,
    SigmoidT,
    SoftplusT,
    Step,
    Straight,
)

__all__ = ["Core", "NumpyPrinter", "compile_expression", "float_literal", "print_core"]


#: one-argument functions: class name -> NumPy ufunc, SciPy function or prelude helper
FUNCTIONS: dict[str, str] = {
    "exp": "np.exp", "log": "np.log", "log1p": "np.log1p", "expm1": "np.expm1",
    "tanh": "np.tanh", "sinh": "np.sinh", "cosh": "np.cosh", "sin": "np.sin", "cos": "np.cos",
    "tan": "np.tan", "atan": "np.arctan", "asinh": "np.arcsinh", "Abs": "np.abs",
    "erf": "_sc.erf", "erfc": "_sc.erfc", "Phi": "_sc.ndtr",
    "sigmoid": "_sigmoid", "softplus": "_softplus", "sech2": "_sech2", "dsigmoid": "_dsigmoid",
}

#: nodes printed as a call of a NumPy ufunc or prelude helper on all their arguments in order
CALLS: dict[str, str] = {
    "Maximum": "np.maximum", "Minimum": "np.minimum", "Clip": "_clip", "dmul": "_dmul",
    "hypot": "_hypot", "SigmoidT": "_sigmoid_t", "DsigmoidT": "_dsigmoid_t",
    "SoftplusT": "_softplus_t",
}

#: prelude helpers that take ``out=`` like a ufunc
OUT_HELPERS = {"_sigmoid", "_dsigmoid", "_softplus", "_sech2", "_dmul", "_hypot", "_clip",
               "_sigmoid_t", "_dsigmoid_t", "_softplus_t"}

RELATIONS = {
    "StrictGreaterThan": ">", "GreaterThan": ">=", "StrictLessThan": "<", "LessThan": "<=",
    "Equality": "==", "Unequality": "!=",
}

#: nodes printed by their own rule even when their arguments are all numbers
_KEEP = (ByDtype, Step, ExpNegAbs, Masked, Select2, Maximum, Minimum, Clip, SigmoidT, DsigmoidT,
         SoftplusT, dmul, hypot, sp.Piecewise)


def float_literal(value: sp.Expr) -> str:
    """A constant as a Python float literal (exact to double rounding), checked finite."""
    v = float(sp.N(value, 40))
    if not math.isfinite(v):
        raise EmitError(f"constant {value} is not finite")
    if v == int(v) and abs(v) < 2**53:
        return f"{int(v)}.0"
    return repr(v)


def _float_text(v: float) -> str:
    """A float as Python source (infinities as np.inf)."""
    return ("np.inf" if v > 0 else "-np.inf") if math.isinf(v) else repr(v)


def _is_ufunc_name(name: str) -> bool:
    return name in OUT_HELPERS or (
        name.startswith("np.") and isinstance(getattr(np, name[3:], None), np.ufunc))


class NumpyPrinter:
    """Print a stabilised SymPy expression (or branch condition) as a NumPy expression."""

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

    def __call__(self, e: sp.Basic) -> str:
        return self._p(e)

    # ---- dispatch ------------------------------------------------------------------------
    def _p(self, e: sp.Basic) -> str:
        if e in self.names:
            return self.names[e]
        s = self._node(e)
        if (isinstance(e, sp.Function) or (isinstance(e, sp.Pow) and not e.exp.is_Integer)) \
                and e.free_symbols and e.free_symbols <= self.scalars:
            # a function of parameters only: a NumPy scalar result (np.sqrt(alpha)) would
            # promote float32 blocks to float64; _w keeps it a weak Python float
            return f"_w({s})"
        return s

    def _node(self, e: sp.Basic) -> str:
        if (e.is_number and not isinstance(e, _KEEP) and not e.has(ByDtype)
                and not isinstance(e, sp.logic.boolalg.Boolean)):
            return self._print_number(e)
        for cls in type(e).__mro__:
            method = getattr(self, f"_print_{cls.__name__}", None)
            if method is not None:
                return method(e)
        raise EmitError(f"cannot print {type(e).__name__}: {e}")

    def into(self, e: sp.Basic) -> str | None:
        """``e`` printed as one ufunc (or helper) call that writes into ``out``, or None."""
        if e == self.x:
            return f"np.positive({self._p(e)}, out=out)"  # a copy (NaN bits kept)
        if e in self.names:
            return None
        name = type(e).__name__
        if isinstance(e, sp.Add):
            terms = self._add_terms(e)
            left = self._join_terms(terms[:-1])
            sign, s = terms[-1]
            ufunc = "np.subtract" if sign == "-" else "np.add"
            return f"{ufunc}({left}, {s}, out=out)"
        if isinstance(e, sp.Mul):
            return self._mul(e, into=True)
        if isinstance(e, Ratio):
            return f"np.divide({self._p(e.args[0])}, {self._factor(e.args[1])}, out=out)"
        if isinstance(e, sp.Pow) and e.exp == -1:
            return f"np.divide(1, {self._base(e.base)}, out=out)"
        if isinstance(e, sp.Pow) and e.exp.is_Rational and e.exp.q == 2 and e.exp.p == -1:
            return f"np.divide(1, np.sqrt({self._p(e.base)}), out=out)"
        call = None
        if isinstance(e, (sp.Max, sp.Min, ExpNegAbs, Masked)) or name in CALLS:
            call = self._p(e)
        elif isinstance(e, sp.Function) and name in FUNCTIONS:
            call = self._p(e)
        elif isinstance(e, sp.Pow) and (not e.exp.is_Rational or e.exp.q not in (1, 2, 3)
                                        or (e.exp.q in (2, 3) and e.exp.p == 1)):
            call = self._p(e)  # np.power, np.sqrt, np.cbrt
        if call is None or call.startswith("_w(") or not _is_ufunc_name(call.split("(", 1)[0]):
            return None
        return call[:-1] + ", out=out)"

    # ---- atoms ---------------------------------------------------------------------------
    def _print_number(self, e: sp.Expr) -> str:
        if e is sp.oo or e is sp.S.NegativeInfinity:
            return "np.inf" if e is sp.oo else "-np.inf"
        if e.is_Integer:
            return str(int(e))
        if not e.is_real and e.is_real is not None:
            raise EmitError(f"non-real constant {e}")
        return float_literal(e)

    def _print_Symbol(self, e: sp.Symbol) -> str:
        raise EmitError(f"unknown symbol {e} (not x and not a parameter)")

    # ---- conditions ----------------------------------------------------------------------
    def _print_BooleanTrue(self, e) -> str:
        return "np.ones(x.shape, bool)"

    def _print_Or(self, e: sp.Or) -> str:
        folded = abs_condition(e, self.x)
        if folded is not None:
            return self._p(folded)
        return "(" + " | ".join(f"({self._p(a)})" for a in e.args) + ")"

    def _print_And(self, e: sp.And) -> str:
        return "(" + " & ".join(f"({self._p(a)})" for a in e.args) + ")"

    def _print_Not(self, e: sp.Not) -> str:
        return f"~({self._p(e.args[0])})"

    def _print_Relational(self, e) -> str:
        op = RELATIONS.get(type(e).__name__)
        if op is None:
            raise EmitError(f"cannot print condition {e}")
        c32, c64 = (exact_threshold(e, self.x, dt) for dt in (np.float32, np.float64))
        if c64 is not None and not (c32 == c64 == float(sp.N(e.rhs, 40))):
            # the kink is not a float: the float on its right side, in each dtype
            xs = self._p(e.lhs)
            return f"({xs} {op} _k({xs}, {_float_text(c64)}, {_float_text(c32)}))"
        return f"({self._p(e.lhs)} {op} {self._p(e.rhs)})"

    # ---- IR nodes ------------------------------------------------------------------------
    def _print_ByDtype(self, e) -> str:
        c64, c32 = (float(v) for v in e.args)
        return f"_k({self._p(self.x)}, {_float_text(c64)}, {_float_text(c32)})"

    def _print_Step(self, e: Step) -> str:
        return f"_step({self._p(e.args[0])}, {self._p(e.args[1])})"

    def _print_ExpNegAbs(self, e: ExpNegAbs) -> str:
        return f"np.exp(-np.abs({self._p(e.args[0])}))"

    def _print_Masked(self, e: Masked) -> str:
        return (f"np.multiply({self._p(e.args[0])}, {self._p(e.args[1])}, "
                f"dtype={self._p(self.x)}.dtype)")

    def _print_Select2(self, e: Select2) -> str:
        cond, a, b, xv = e.args
        return f"_select2({self._p(cond)}, {self._p(a)}, {self._p(b)}, {self._p(xv)})"

    def _print_Ratio(self, e: Ratio) -> str:
        return f"({self._p(e.args[0])} / {self._factor(e.args[1])})"

    def _print_MinMaxBase(self, e) -> str:
        fn = "np.maximum" if isinstance(e, sp.Max) else "np.minimum"
        out = self._p(e.args[0])
        for a in e.args[1:]:
            out = f"{fn}({out}, {self._p(a)})"
        return out

    def _print_Horner(self, e) -> str:
        var = e.args[1]
        value = e.args[2] if len(e.args) == 3 else var
        return self._horner(e.args[0], var, value)

    _print__Horner = _print_Horner  # noqa: N815 - the class is named _Horner

    def _print_Function(self, e: sp.Function) -> str:
        name = type(e).__name__
        if name in CALLS:
            return f"{CALLS[name]}({', '.join(self._p(a) for a in e.args)})"
        if name in FUNCTIONS:
            if len(e.args) != 1:
                raise EmitError(f"{name} with {len(e.args)} arguments")
            return f"{FUNCTIONS[name]}({self._p(e.args[0])})"
        raise EmitError(f"cannot print {name}: {e}")

    def _print_Piecewise(self, e) -> str:
        raise EmitError("a Piecewise inside an expression (lift branches to the top first)")

    # ---- arithmetic ----------------------------------------------------------------------
    def _add_terms(self, e: sp.Add) -> list[tuple[str, str]]:
        out = []
        for t in sum_terms(e):
            c, _ = t.as_coeff_Mul()
            if c.is_negative:
                s = self._p(-t)
                out.append(("-", f"({s})" if isinstance(-t, sp.Add) else s))
            else:
                out.append(("+", self._p(t)))
        return out

    @staticmethod
    def _join_terms(terms: list[tuple[str, str]]) -> str:
        out = ""
        for sign, s in terms:
            if sign == "-":
                out += f" - {s}" if out else f"-{s}"
            else:
                out += f" + {s}" if out else s
        return out

    def _print_Add(self, e: sp.Add) -> str:
        out = self._join_terms(self._add_terms(e))
        return f"({out})" if len(e.args) > 1 else out

    def _print_Mul(self, e: sp.Mul) -> str:
        return self._mul(e)

    def _mul(self, e: sp.Mul, into: bool = False) -> str | None:
        lay = product_layout(e, self.x, self.scalars)
        parts = [self._factor(f) for f in lay.num]
        sign = "-" if lay.negative else ""
        if lay.const != 1:
            parts.insert(0, self._p(lay.const))
        if lay.den:
            # one division per factor of the denominator: (x / D1) / D2 stays in range where
            # D1·D2 overflows (x/(2·(√(x² + 1) − x)·√(x² + 1)) at x = −1e200)
            dens = [self._factor(f) for f in lay.den]
            if lay.inner is not None:
                q = self._p(lay.inner)
                for d in dens:
                    q = f"({q} / {d})"
                parts.append(q)
            else:
                body = " * ".join(parts) if parts else "1"
                for d in dens[:-1]:
                    body = f"({body} / {d})"
                if into:
                    return None if sign else f"np.divide({body}, {dens[-1]}, out=out)"
                return f"{sign}({body} / {dens[-1]})"
        if into:
            if sign or len(parts) < 2:
                return None
            return f"np.multiply({' * '.join(parts[:-1])}, {parts[-1]}, out=out)"
        body = " * ".join(parts) if parts else "1"
        return f"{sign}({body})" if (sign or len(parts) > 1) else body

    def _factor(self, f: sp.Expr) -> str:
        s = self._p(f)
        return f"({s})" if isinstance(f, sp.Add) and not s.startswith("(") else s

    def _base(self, b: sp.Expr) -> str:
        return self._p(b) if (b.is_Atom or isinstance(b, sp.Function)) else self._factor(b)

    def _print_Pow(self, e: sp.Pow) -> str:
        b, k = e.base, e.exp
        if not k.is_Rational:
            if k.has(self.x):
                raise EmitError(f"power with x in the exponent: {e} (write exp(k*log(b)))")
            return f"np.power({self._p(b)}, {self._p(k)})"
        bs = self._base(b)
        if k.is_Integer:
            n = int(k)
            if n == -1:
                return f"(1 / {bs})"
            if n <= -3:
                return f"_ipow((1 / {bs}), {-n})"
            if n < 0:
                return f"_sq((1 / {bs}))"
            if n >= 3:
                return f"_ipow({self._p(b)}, {n})"
            return f"_sq({self._p(b)})"
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
                return f"_sq({root})"
            if p <= -3:
                return f"_ipow((1 / {root}), {-p})"
            return f"_sq((1 / {root}))"
        if k.q == 3:
            root = f"np.cbrt({self._p(b)})"
            p = int(k.p)
            if p < 0:
                root, p = f"(1 / {root})", -p
            return root if p == 1 else f"_sq({root})" if p == 2 else f"_ipow({root}, {p})"
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
        lead = ("" if low == 0 else f"{xs} * " if low == 1 else f"_sq({xs}) * " if low == 2
                else f"_ipow({xs}, {low}) * ")
        return f"({lead}({acc}))"


# ---- bodies --------------------------------------------------------------------------------
@dataclass
class Core:
    """The printed source of one core function ``name(x, *params[, out])``.

    ``direct``: it takes ``out=`` (its last ufunc writes the result); ``stream``: it is one
    ufunc of x and parameters (no temporaries), so a caller may run it in large chunks.
    """

    name: str
    source: str
    direct: bool = False
    stream: bool = False


def _plain_printer(x, params) -> NumpyPrinter:
    """A printer that knows x and the parameters by their own names."""
    return NumpyPrinter(x, {x: "x", **{p.symbol: p.name for p in params}},
                        scalars={p.symbol for p in params})


class _Lines:
    """Lines of one core function and the printer state of its names."""

    def __init__(self, x, params):
        self.x = x
        self.params = params
        self.lines: list[str] = []

    def block(self, block: Block, xname: str, pmap: dict[str, str],
              indent: str) -> tuple[list[str], NumpyPrinter]:
        """Print the steps of a block; return its printed values and the printer that
        knows the step names."""
        names = {self.x: xname, **{p.symbol: pmap[p.name] for p in self.params}}
        scalars = {p.symbol for p in self.params}
        for s, v in block.steps:
            if isinstance(v, Horner):
                pr = NumpyPrinter(self.x, names, scalars=scalars)
                value = v.args[2] if len(v.args) == 3 else v.args[1]
                poly = sp.Poly(v.args[0], v.args[1])
                if len({m[0] % 2 for m in poly.monoms()}) == 1 and poly.degree() > 2:
                    sq = f"{s}_sq"
                    pv = pr(value)
                    self.lines.append(f"{indent}{sq} = {pv} * {pv}")
                    pr = NumpyPrinter(self.x, names, {value: sq}, scalars=scalars)
                self.lines.append(f"{indent}{s} = {pr(v)}")
            else:
                pr = NumpyPrinter(self.x, names, scalars=scalars)
                self.lines.append(f"{indent}{s} = {pr(v)}")
            names[s] = str(s)
            if v.free_symbols <= scalars:
                scalars.add(s)
        pr = NumpyPrinter(self.x, names, scalars=scalars)
        return [pr(v) for v in block.values], pr


def _limit_args(pr: NumpyPrinter, fix) -> str:
    return ", ".join("None" if v is None else pr(v) for v in fix)


def print_core(name: str, body, x: sp.Symbol, params, limits) -> Core:
    """Source of ``name(x, *params) -> value or tuple`` (x already in the working dtype);
    ``limits``: one :class:`~symacts.emit.ir.Limits` per output."""
    sig = ", ".join(["x", *[p.name for p in params]])
    pr0 = _plain_printer(x, params)
    fixes = [_limit_args(pr0, lim.fix) if lim.needs_fix else "" for lim in limits]
    if isinstance(body, ByParams):
        return _by_params_core(name, body, x, params, limits, sig, pr0)
    if isinstance(body, Separate):
        lines = [f"def {name}({sig}):"]
        outs = []
        for i, part in enumerate(body.parts):
            inner = print_core(f"_{name}_{i}", part, x, params, [limits[i]])
            lines.append("    " + inner.source.replace("\n", "\n    "))
            outs.append(f"_{name}_{i}({sig})")
        lines.append(f"    return {', '.join(outs)}")
        return Core(name, "\n".join(lines))
    b = _Lines(x, params)
    ident = {p.name: p.name for p in params}
    if isinstance(body, Straight):
        vals, pr = b.block(body.block, "x", ident, "    ")
        outs = []
        for e, v, fx in zip(body.block.values, vals, fixes, strict=True):
            if not body.block.depends_on(e, x):
                v = f"_full(x, {v})"
            elif v == "x":
                v = "np.positive(x)"
            outs.append(f"_atinf({v}, x, {fx})" if fx else v)
        if len(outs) == 1 and not fixes[0] and body.block.depends_on(body.block.values[0], x):
            into = pr.into(body.block.values[0])
            if into is not None:
                head = f"def {name}({sig}, out=None):"
                stream = not body.block.steps and _is_stream(body.block.values[0], x, params)
                return Core(name, "\n".join([head, *b.lines, f"    return {into}"]),
                            direct=True, stream=stream)
        return Core(name, "\n".join([f"def {name}({sig}):", *b.lines,
                                     f"    return {', '.join(outs)}"]))
    if not isinstance(body, Select):
        raise EmitError(f"unknown body {type(body).__name__}")
    n_out = len(body.branches[0][1].values)
    rs = [f"r{i}" for i in range(n_out)]
    branches = list(body.branches)
    # First match wins: fill with the last branch, then overwrite with branches n-2 … 0 where
    # their own condition holds. Every branch is evaluated on the whole block (floating-point
    # warnings are off; a value computed from foreign input is never selected) and selected
    # with an exact bit select; a long branch runs on its own elements only (gathered).
    if branches[-1][0] == sp.true:
        _, last = branches.pop()
        vals, _ = b.block(last, "x", ident, "    ")
        for r, e, v in zip(rs, last.values, vals, strict=True):
            if last.depends_on(e, x) and v != "x":  # a fresh array of x's shape and dtype
                b.lines.append(f"    {r} = np.asarray({v})")
            else:
                b.lines.append(f"    {r} = np.empty(x.shape, x.dtype)")
                b.lines.append(f"    np.copyto({r}, {v})")
    else:
        for r in rs:
            b.lines.append(f"    {r} = np.full(x.shape, np.nan, x.dtype)")
    for cond, blk in reversed(branches):
        if blk.cost >= GATHER_COST:
            b.lines.append(f"    i = np.flatnonzero({pr0(cond)})")
            b.lines.append("    xm = np.take(x, i)")
            free = set().union(*[v.free_symbols for _, v in blk.steps],
                               *[v.free_symbols for v in blk.values])
            for p in params:
                if p.symbol in free:
                    b.lines.append(f"    {p.name}_m = _take({p.name}, x, i)")
            vals, _ = b.block(blk, "xm", {p.name: f"{p.name}_m" for p in params}, "    ")
            for r, v in zip(rs, vals, strict=True):
                b.lines.append(f"    _put({r}, i, {v})")
            continue
        b.lines.append(f"    m = _mask({pr0(cond)}, {rs[0]})")
        vals, _ = b.block(blk, "x", ident, "    ")
        for r, v in zip(rs, vals, strict=True):
            b.lines.append(f"    _pick({r}, {v}, m)")
    # NaN in → the input's NaN out, whatever branch it fell in: deterministic bits for any
    # blocking (a computed NaN's sign can depend on the SIMD lane it went through)
    b.lines.append("    nan = np.isnan(x)")
    b.lines.append("    if nan.any():")
    for r in rs:
        b.lines.append(f"        np.copyto({r}, x, where=nan)")
    for r, fx in zip(rs, fixes, strict=True):
        if fx:
            b.lines.append(f"    _atinf({r}, x, {fx})")
    return Core(name, "\n".join([f"def {name}({sig}):", *b.lines,
                                 f"    return {', '.join(rs)}"]))


def _is_stream(e: sp.Expr, x: sp.Symbol, params) -> bool:
    """One NumPy ufunc (or the clip ufunc) of x itself and parameters or constants."""
    if e == x:
        return True
    name = type(e).__name__
    call = CALLS.get(name) or FUNCTIONS.get(name, "")
    if not (isinstance(e, sp.Function) and (call.startswith("np.") or call == "_clip")):
        return False
    if not e.args or e.args[0] != x:
        return False
    psyms = {p.symbol for p in params}
    return all(a in psyms or a.is_number for a in e.args[1:])


def _by_params_core(name, body: ByParams, x, params, limits, sig, pr0) -> Core:
    """A core that runs the first form whose parameter condition holds (per block)."""
    lines = [f"def {name}({sig}, out=None):"]
    for i, (cond, alt) in enumerate(body.alternatives):
        if cond == sp.false:
            continue
        inner = print_core(f"_{name}_{i}", alt, x, params, limits)
        lines.append("    " + inner.source.replace("\n", "\n    "))
        call = (f"_{name}_{i}({sig}, out=out)" if inner.direct
                else f"_into(_{name}_{i}({sig}), out)")
        if cond is None or cond == sp.true:
            lines.append(f"    return {call}")
            break
        lines.append(f"    if _all({pr0(cond)}):")
        lines.append(f"        return {call}")
    return Core(name, "\n".join(lines), direct=True)


def compile_expression(expr: sp.Expr, x: sp.Symbol, params=()):
    """``core(x, *params)`` computing ``expr`` exactly as a kernel module prints it (x an
    array in the working dtype; ``params``: :class:`~symacts.emit.ir.ParamInfo`)."""
    from . import prelude

    core = print_core("_expr", make_body([expr]), x, tuple(params), [Limits()])
    ns = dict(vars(prelude))
    exec(compile(core.source, "<symacts expression>", "exec"), ns)
    return ns["_expr"]
