"""The C printer: kernel plans → C over the vector API of ``symacts/kernels/csrc/symacts_simd.h``.

Each kernel prints as one ``static inline`` function of a vector of x (and of the parameters)
that writes its outputs; ``SY_DEFINE_LOOP`` (csrc/symacts_loop.h) wraps it in the NumPy ufunc
loop over an array. The same text is compiled once per instruction set and dtype (AVX-512,
AVX2, one-lane portable C; float32 and float64): arithmetic is written with C operators on
GCC/Clang vector types, constants as ``C(<double literal>)`` (rounded once to the dtype, as
NumPy rounds a Python float), transcendentals as SLEEF calls, selects as bit blends.

The printer follows the IR's reference semantics (:mod:`symacts.emit.interpret`) operation for
operation, in the evaluation order of :mod:`symacts.emit.algebra`: wherever no transcendental
is involved the printed C returns the NumPy kernels' bits (−0, kinks, limits at ±∞). NaN in
gives x's own NaN out for every kernel (the NumPy kernels do so for branch selects; a NaN
computed in C depends on compiler and lane, x's does not). Dispatch is on the class name
(``_print_<Class>``); a node it does not know is an
:class:`~symacts.emit.ir.EmitError` naming it.
"""

from __future__ import annotations

import keyword
import math
import re

import numpy as np
import sympy as sp

from ..stabilise import Horner
from .algebra import abs_condition, exact_threshold, product_layout, sum_terms
from .cost import GATHER_COST
from .ir import (
    Block,
    ByDtype,
    ByParams,
    EmitError,
    KernelPlan,
    Limits,
    Select,
    Separate,
    Straight,
)
from .numpy_printer import float_literal

__all__ = ["CPrinter", "c_name", "print_kernel"]

#: one-argument functions → vector API
FUNCTIONS: dict[str, str] = {
    "exp": "v_exp", "log": "v_log", "log1p": "v_log1p", "expm1": "v_expm1", "tanh": "v_tanh",
    "sinh": "v_sinh", "cosh": "v_cosh", "sin": "v_sin", "cos": "v_cos", "tan": "v_tan",
    "atan": "v_atan", "asinh": "v_asinh", "Abs": "v_abs", "erf": "v_erf", "erfc": "v_erfc",
    "Phi": "v_phi", "sigmoid": "v_sigmoid", "softplus": "v_softplus", "sech2": "v_sech2",
    "dsigmoid": "v_dsigmoid", "ExpNegAbs": "v_expnegabs",
}

def _unit_interval(t: sp.Expr) -> bool:
    """Whether t is e^a with a ≤ 0 (or e^{−|u|}): 0 ≤ t ≤ 1, where log1p has a cheaper form."""
    if type(t).__name__ == "ExpNegAbs":
        return True
    return isinstance(t, sp.exp) and bool(t.args[0].is_nonpositive)


def _keeps_nan_of_x(e: sp.Basic, x: sp.Symbol) -> bool:
    """Whether the printed e already is x where x is NaN (x clipped, a step or a two-way select
    of x): v_keepnan around it would change nothing."""
    name = type(e).__name__
    if name == "Clip":
        return e.args[0] == x
    return name in ("Step", "Select2") and e.args[-1] == x


#: nodes printed as a call on all their (value) arguments in order
CALLS: dict[str, str] = {
    "Maximum": "v_maximum", "Minimum": "v_minimum", "Clip": "v_clip", "dmul": "v_dmul",
    "hypot": "v_hypot", "SigmoidT": "v_sigmoid_t", "DsigmoidT": "v_dsigmoid_t",
    "SoftplusT": "v_softplus_t", "TanhSoftplusT": "v_tanh_softplus_t",
    "Sech2SoftplusT": "v_sech2_softplus_t",
}

RELATIONS = {
    "StrictGreaterThan": ">", "GreaterThan": ">=", "StrictLessThan": "<", "LessThan": "<=",
    "Equality": "==", "Unequality": "!=",
}

#: names the printed code or the vector API use: parameters so named get a ``p_`` prefix
_RESERVED = {"T", "V", "M", "C", "SI", "x", "p", "out", "uniform", "taken", "m", "inline",
             "static", "const", "void", "int", "float", "double", "return", "if", "else",
             "auto", "char", "long", "short", "signed", "unsigned", "struct", "union", "enum",
             "for", "while", "do", "switch", "case", "default", "break", "continue", "goto",
             "sizeof", "typedef", "extern", "register", "volatile", "restrict", "NAN",
             "INFINITY"}

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def c_name(name: str) -> str:
    """``name`` as a C identifier, checked."""
    if not _IDENT.match(name) or keyword.iskeyword(name) or name in _RESERVED:
        raise EmitError(f"{name!r} cannot be a C kernel name")
    return name


def param_c_name(name: str) -> str:
    """A parameter's C variable (its own name unless the printed code uses that name)."""
    if (not _IDENT.match(name) or name in _RESERVED or re.fullmatch(r"[tr]\d+(_v)?", name)
            or name.startswith(("v_", "m_", "SY_", "sy_", "Sleef"))):
        if not _IDENT.match(name):
            raise EmitError(f"parameter {name!r} cannot be a C name")
        return "p_" + name
    return name


def c_literal(value: sp.Expr) -> str:
    """A constant as ``C(<double literal>)``, ``SY_INF`` or ``-SY_INF``."""
    if value is sp.oo:
        return "SY_INF"
    if value is sp.S.NegativeInfinity:
        return "(-SY_INF)"
    if not value.is_real and value.is_real is not None:
        raise EmitError(f"non-real constant {value}")
    return f"C({float_literal(value)})"


def _c_float(v: float) -> str:
    """A float as a C double literal (infinities as SY_INF)."""
    if math.isinf(v):
        return "SY_INF" if v > 0 else "(-SY_INF)"
    return repr(v)


def comment_text(s: str) -> str:
    """Text safe inside a C comment."""
    return s.replace("*/", "* /").replace("/*", "/ *")


class CPrinter:
    """Print an IR expression (or condition) as a C expression over the vector API.

    ``names``: symbol → C name (x, parameters, step names). Values are vectors ``V``, conditions
    lane masks ``M``; numbers print as scalars ``C(...)`` where C's vector-scalar operators take
    them and as ``v_set1(C(...))`` where a vector is needed.
    """

    def __init__(self, x: sp.Symbol, names: dict[sp.Symbol, str], scalars=()):
        self.x = x
        self.names = dict(names)
        #: symbols that hold parameter values (for the product layout, as the NumPy printer)
        self.scalars = set(scalars)

    def __call__(self, e: sp.Basic) -> str:
        return self._p(e)

    def vec(self, e: sp.Basic) -> str:
        """``e`` as a vector (numbers broadcast)."""
        s = self._p(e)
        if e not in self.names and self._is_number(e):
            return f"v_set1({s})"
        return s

    @staticmethod
    def _is_number(e: sp.Basic) -> bool:
        return bool(getattr(e, "is_number", False)) and not isinstance(
            e, sp.logic.boolalg.Boolean) and not e.has(sp.Piecewise, ByDtype) and not any(
            type(n).__name__ in CALLS or type(n).__name__ in ("Step", "Masked", "Select2",
                                                           "ExpNegAbs")
            for n in sp.preorder_traversal(e))

    # ---- dispatch ------------------------------------------------------------------------
    def _p(self, e: sp.Basic) -> str:
        if e in self.names:
            return self.names[e]
        if self._is_number(e):
            return self._print_number(e)
        for cls in type(e).__mro__:
            method = getattr(self, f"_print_{cls.__name__}", None)
            if method is not None:
                return method(e)
        raise EmitError(f"cannot print {type(e).__name__} as C: {e}")

    def _print_number(self, e: sp.Expr) -> str:
        if e is sp.oo or e is sp.S.NegativeInfinity:
            return c_literal(e)
        if e.is_finite is False or e is sp.nan or e is sp.zoo:
            raise EmitError(f"constant {e} is not finite")
        return c_literal(e)

    def _print_Symbol(self, e: sp.Symbol) -> str:
        raise EmitError(f"unknown symbol {e} (not x, a parameter or a step)")

    # ---- conditions ----------------------------------------------------------------------
    def _print_BooleanTrue(self, e) -> str:
        return "m_true()"

    def _print_BooleanFalse(self, e) -> str:
        return "m_false()"

    def _print_Or(self, e: sp.Or) -> str:
        folded = abs_condition(e, self.x)
        if folded is not None:
            return self._p(folded)
        return "(" + " | ".join(self._p(a) for a in e.args) + ")"

    def _print_And(self, e: sp.And) -> str:
        return "(" + " & ".join(self._p(a) for a in e.args) + ")"

    def _print_Not(self, e: sp.Not) -> str:
        return f"~{self._p(e.args[0])}"

    def _print_Relational(self, e) -> str:
        op = RELATIONS.get(type(e).__name__)
        if op is None:
            raise EmitError(f"cannot print condition {e}")
        lhs, rhs = e.lhs, e.rhs
        if self._is_number(lhs) and self._is_number(rhs):
            raise EmitError(f"condition between constants: {e}")
        c32, c64 = (exact_threshold(e, self.x, dt) for dt in (np.float32, np.float64))
        if c64 is not None and not (c32 == c64 == float(sp.N(rhs, 40))):
            # the kink is not a float: the float on its right side, in each dtype
            return f"({self._operand(lhs)} {op} CK({_c_float(c64)}, {_c_float(c32)}))"
        return f"({self._operand(lhs)} {op} {self._operand(rhs)})"

    def _print_ByDtype(self, e) -> str:
        c64, c32 = (float(v) for v in e.args)
        return f"CK({_c_float(c64)}, {_c_float(c32)})"

    def _operand(self, e: sp.Expr) -> str:
        s = self._p(e)
        return f"({s})" if isinstance(e, sp.Add) and not s.startswith("(") else s

    # ---- IR nodes ------------------------------------------------------------------------
    def _print_Step(self, e) -> str:
        return f"v_step({self._p(e.args[0])}, {self.vec(e.args[1])})"

    def _print_Masked(self, e) -> str:
        return f"v_masked({self.vec(e.args[0])}, {self._p(e.args[1])})"

    def _print_Select2(self, e) -> str:
        cond, a, b, xv = e.args
        return f"v_select2({self._p(cond)}, {self.vec(a)}, {self.vec(b)}, {self.vec(xv)})"

    def _print_Ratio(self, e) -> str:
        return f"({self._p(e.args[0])} / {self._factor(e.args[1])})"

    def _print_MinMaxBase(self, e) -> str:
        fn = "v_maximum" if isinstance(e, sp.Max) else "v_minimum"
        out = self.vec(e.args[0])
        for a in e.args[1:]:
            out = f"{fn}({out}, {self.vec(a)})"
        return out

    def _print_Horner(self, e) -> str:
        raise EmitError("a Horner polynomial inside an expression (plans name it as a step)")

    _print__Horner = _print_Horner  # noqa: N815 - the class is named _Horner

    def _print_Piecewise(self, e) -> str:
        raise EmitError("a Piecewise inside an expression (lift branches to the top first)")

    def _print_Function(self, e: sp.Function) -> str:
        name = type(e).__name__
        if name == "Clip":  # one bound infinite: one compare, one select (v_clip's bits)
            a, lo, hi = e.args
            if hi == sp.oo and lo != -sp.oo:
                return f"v_clip_lo({self.vec(a)}, {self.vec(lo)})"
            if lo == -sp.oo and hi != sp.oo:
                return f"v_clip_hi({self.vec(a)}, {self.vec(hi)})"
        if name in CALLS:
            return f"{CALLS[name]}({', '.join(self.vec(a) for a in e.args)})"
        if name in FUNCTIONS:
            if len(e.args) != 1:
                raise EmitError(f"{name} with {len(e.args)} arguments")
            if name == "log1p" and _unit_interval(e.args[0]):
                return f"v_log1p_unit({self.vec(e.args[0])})"
            return f"{FUNCTIONS[name]}({self.vec(e.args[0])})"
        raise EmitError(f"cannot print {name} as C: {e}")

    # ---- arithmetic (the layout of symacts.emit.algebra, as the NumPy printer) --------------
    def _print_Add(self, e: sp.Add) -> str:
        out = ""
        for t in sum_terms(e):
            c, _ = t.as_coeff_Mul()
            if c.is_negative:
                s = self._p(-t)
                s = f"({s})" if isinstance(-t, sp.Add) and not s.startswith("(") else s
                out += f" - {s}" if out else f"-{s}"
            else:
                s = self._p(t)
                out += f" + {s}" if out else s
        return f"({out})"

    def _print_Mul(self, e: sp.Mul) -> str:
        lay = product_layout(e, self.x, self.scalars)
        parts = [self._factor(f) for f in lay.num]
        sign = "-" if lay.negative else ""
        if lay.const != 1:
            parts.insert(0, self._p(lay.const))
        if lay.den:
            # one division per factor of the denominator, as the NumPy printer
            dens = [self._factor(f) for f in lay.den]
            if lay.inner is not None:
                q = self._p(lay.inner)
                for d in dens:
                    q = f"({q} / {d})"
                parts.append(q)
            else:
                body = " * ".join(parts) if parts else "C(1.0)"
                for d in dens[:-1]:
                    body = f"({body} / {d})"
                return f"{sign}({body} / {dens[-1]})"
        body = " * ".join(parts) if parts else "C(1.0)"
        return f"{sign}({body})" if (sign or len(parts) > 1) else body

    def _factor(self, f: sp.Expr) -> str:
        s = self._p(f)
        return f"({s})" if isinstance(f, sp.Add) and not s.startswith("(") else s

    def _print_Pow(self, e: sp.Pow) -> str:
        b, k = e.base, e.exp
        if not k.is_Rational:
            if k.has(self.x):
                raise EmitError(f"power with x in the exponent: {e} (write exp(k*log(b)))")
            return f"v_pow({self.vec(b)}, {self.vec(k)})"
        bs = self.vec(b)
        if k.is_Integer:
            return self._int_power(bs, int(k))
        if k.q == 2:
            return self._int_power(f"v_sqrt({bs})", int(k.p))
        if k.q == 3:
            return self._int_power(f"v_cbrt({bs})", int(k.p))
        return f"v_pow({bs}, v_set1({c_literal(k)}))"

    @staticmethod
    def _int_power(base: str, n: int) -> str:
        """base**n as the interpreter evaluates it: 1/base first for n < 0, then base·base…"""
        if n < 0:
            base, n = f"(C(1.0) / {base})", -n
        if n == 1:
            return base
        if n == 2:
            return f"({base} * {base})" if _simple(base) else f"v_ipow({base}, 2)"
        return f"v_ipow({base}, {n})"


def _abs_bounds(cond) -> dict[sp.Expr, float]:
    """v → r for each |v| < r (or ≤) in a branch condition (alone or in a conjunction)."""
    out: dict[sp.Expr, float] = {}
    parts = cond.args if isinstance(cond, sp.And) else (cond,)
    for c in parts:
        if (isinstance(c, (sp.StrictLessThan, sp.LessThan)) and isinstance(c.lhs, sp.Abs)
                and c.rhs.is_number):
            out[c.lhs.args[0]] = float(c.rhs)
    return out


def _float32_degrees(coeffs: dict, degs: list[int], radius: float | None) -> list[int]:
    """The degrees (highest first) a Taylor polynomial needs in float32 for |v| ≤ radius: the
    highest terms dropped while together they stay below 2⁻²⁸ of the value at the radius
    (the series was cut for float64: 2⁻⁵⁸); all of them without a known radius."""
    if radius is None or radius <= 0:
        return degs
    term = {k: abs(float(coeffs.get(k, 0))) * radius**k for k in degs}
    total = abs(sum(float(coeffs.get(k, 0)) * radius**k for k in degs))
    if total == 0:
        return degs
    tail, keep = 0.0, len(degs)
    for i, k in enumerate(degs[:-1]):  # highest first; the lowest term always stays
        tail += term[k]
        if tail > total * 2.0**-28:
            break
        keep = len(degs) - i - 1
    return degs[len(degs) - keep:]


def _simple(s: str) -> bool:
    return bool(_IDENT.match(s))


# ---- bodies --------------------------------------------------------------------------------
class _Writer:
    """Lines of one kernel function; the printer state of its names."""

    def __init__(self, plan: KernelPlan, pnames: dict[sp.Symbol, str]):
        self.plan = plan
        self.x = plan.x
        self.pnames = pnames
        self.lines: list[str] = []
        #: |v| < r of the branch being printed: v → r (how far a Taylor polynomial reaches)
        self.bounds: dict[sp.Expr, float] = {}

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def printer(self, names: dict, scalars=None) -> CPrinter:
        return CPrinter(self.x, {self.x: "x", **self.pnames, **names},
                        set(self.pnames) if scalars is None else scalars)

    def block(self, block: Block, indent: int, names: dict) -> tuple[list[str], CPrinter]:
        """Print a block's steps; its values as C vectors and the printer knowing the steps."""
        names = dict(names)
        scalars = set(self.pnames)
        for s, v in block.steps:
            pr = self.printer(names, scalars)
            name = str(s)
            if not _IDENT.match(name):
                raise EmitError(f"step name {name!r}")
            if isinstance(v, Horner):
                self._horner(name, v, pr, indent)
            elif isinstance(v, sp.logic.boolalg.Boolean):
                self.emit(indent, f"const M {name} = {pr(v)};")
            else:
                self.emit(indent, f"const V {name} = {pr.vec(v)};")
            names[s] = name
            if v.free_symbols <= scalars:
                scalars.add(s)
        pr = self.printer(names, scalars)
        return [pr.vec(v) for v in block.values], pr

    def _horner(self, name: str, h, pr: CPrinter, indent: int) -> None:
        """Horner form as the interpreter evaluates it: in value² when the polynomial is even
        or odd, every coefficient from the highest degree down (zeros included), then the
        lowest power of value."""
        var = h.args[1]
        value = h.args[2] if len(h.args) == 3 else var
        poly = sp.Poly(h.args[0], var)
        coeffs = {m[0]: c for m, c in zip(poly.monoms(), poly.coeffs(), strict=True)}
        low = min(coeffs)
        vs = pr.vec(value)
        if not _simple(vs):
            self.emit(indent, f"const V {name}_x = {vs};")
            vs = f"{name}_x"
        if len({k % 2 for k in coeffs}) == 1:
            self.emit(indent, f"const V {name}_v = {vs} * {vs};")
            v, step = f"{name}_v", 2
        else:
            v, step = vs, 1
        degs = list(reversed(range(low, max(coeffs) + 1, step)))
        short = _float32_degrees(coeffs, degs, self.bounds.get(value))
        if short != degs:  # float32 needs fewer terms on the branch's interval
            self.emit(indent, "#if SY_F32")
            self._horner_steps(name, v, coeffs, short, indent)
            self.emit(indent, "#else")
            self._horner_steps(name, v, coeffs, degs, indent)
            self.emit(indent, "#endif")
        else:
            self._horner_steps(name, v, coeffs, degs, indent)
        if low == 1:
            self.emit(indent, f"{name} = {vs} * {name};")
        elif low == 2:
            self.emit(indent, f"{name} = ({vs} * {vs}) * {name};")
        elif low > 2:
            self.emit(indent, f"{name} = v_ipow({vs}, {low}) * {name};")

    def _horner_steps(self, name: str, v: str, coeffs: dict, degs: list[int],
                      indent: int) -> None:
        top = c_literal(coeffs.get(degs[0], sp.S.Zero))
        self.emit(indent, f"V {name} = v_set1({top});")
        for k in degs[1:]:
            c = c_literal(coeffs.get(k, sp.S.Zero))
            self.emit(indent, f"{name} = {name} * {v} + {c};")

    def body(self, body, targets: list[str], limits: list[Limits], indent: int) -> None:
        """Statements computing ``body`` into the C lvalues ``targets``."""
        if isinstance(body, Straight):
            self._straight(body, targets, limits, indent)
        elif isinstance(body, Select):
            self._select(body, targets, limits, indent)
        elif isinstance(body, Separate):
            for i, part in enumerate(body.parts):
                self.emit(indent, f"/* output {i + 1} of {len(body.parts)} */")
                self.emit(indent, "{")
                self.body(part, [targets[i]], [limits[i]], indent + 1)
                self.emit(indent, "}")
        elif isinstance(body, ByParams):
            self._by_params(body, targets, limits, indent)
        else:
            raise EmitError(f"unknown body {type(body).__name__}")

    def _straight(self, body: Straight, targets, limits, indent) -> None:
        vals, _ = self.block(body.block, indent, {})
        for t, v, e in zip(targets, vals, body.block.values, strict=True):
            # x's own NaN where x is NaN: the NaN a computation makes depends on the compiler
            # and on SLEEF's paths for the other lanes, x's does not
            keeps = v == "x" or _keeps_nan_of_x(e, self.plan.x)
            self.emit(indent, f"{t} = {v};" if keeps else f"{t} = v_keepnan({v}, x);")
        self._limits(targets, limits, indent)

    def _select(self, body: Select, targets, limits, indent) -> None:
        rs = [f"r{i}" for i in range(len(targets))]
        self.emit(indent, "V " + ", ".join(f"{r} = v_nan()" for r in rs) + ";")
        self.emit(indent, "M taken = m_false(), m;")
        pr0 = self.printer({})
        n = len(body.branches)
        for k, (cond, blk) in enumerate(body.branches):
            last = k == n - 1
            self.emit(indent, f"/* branch {k + 1} of {n}: {comment_text(str(cond))} */")
            if cond == sp.true:
                self.emit(indent, "m = ~taken;" if k else "m = m_true();")
            else:
                c = pr0(cond)
                self.emit(indent, f"m = {c} & ~taken;" if k else f"m = {c};")
            costly = blk.cost >= GATHER_COST // 2 or any(
                not _cheap(v) for v in [*[v for _, v in blk.steps], *blk.values])
            inner = indent
            if costly:
                self.emit(indent, "if (m_any(m)) {")
                inner = indent + 1
            else:
                self.emit(indent, "{")
                inner = indent + 1
            outer, self.bounds = self.bounds, {**self.bounds, **_abs_bounds(cond)}
            vals, _ = self.block(blk, inner, {})
            self.bounds = outer
            for r, v in zip(rs, vals, strict=True):
                self.emit(inner, f"{r} = v_sel(m, {v}, {r});")
            self.emit(indent, "}")
            if not last:
                self.emit(indent, "taken = taken | m;")
        for t, r in zip(targets, rs, strict=True):
            self.emit(indent, f"{t} = v_keepnan({r}, x);")
        self._limits(targets, limits, indent)

    def _by_params(self, body: ByParams, targets, limits, indent) -> None:
        pr0 = self.printer({})
        first = True
        for cond, alt in body.alternatives:
            if cond == sp.false:
                continue
            if cond is None or cond == sp.true:
                self.emit(indent, "{" if first else "else {")
                self.body(alt, targets, limits, indent + 1)
                self.emit(indent, "}")
                return
            kw = "if" if first else "else if"
            self.emit(indent, f"/* parameters: {comment_text(str(cond))} */")
            self.emit(indent, f"{kw} (uniform && m_all({pr0(cond)})) {{")
            self.body(alt, targets, limits, indent + 1)
            self.emit(indent, "}")
            first = False
        raise EmitError("parameter-chosen forms without a fallback")

    def _limits(self, targets, limits, indent) -> None:
        pr0 = self.printer({})
        for t, lim in zip(targets, limits, strict=True):
            if not lim.needs_fix:
                continue
            at_pos, at_neg = lim.fix
            if at_pos is not None:
                self.emit(indent, f"{t} = v_sel(x == SY_INF, {pr0.vec(sp.sympify(at_pos))}, {t});")
            if at_neg is not None:
                self.emit(indent, f"{t} = v_sel(x == -SY_INF, {pr0.vec(sp.sympify(at_neg))}, {t});")


def _cheap(e: sp.Basic) -> bool:
    """No transcendental call inside."""
    return not any((type(n).__name__ in FUNCTIONS and type(n).__name__ != "Abs")
                   or type(n).__name__ in ("hypot", "SoftplusT", "SigmoidT", "DsigmoidT")
                   or (isinstance(n, sp.Pow) and not n.exp.is_Integer)
                   for n in sp.preorder_traversal(e))


def _describe_limits(lim: Limits) -> str:
    def f(v):
        return "none" if v is None else repr(float(v))
    return f"+inf -> {f(lim.true[0])}, -inf -> {f(lim.true[1])}"


#: calls whose lanes are not computed alone (symacts_loop.h: SY_GROUPED): SLEEF's sin and
#: cos choose one argument reduction for the whole vector (measured); tan shares their code
_GROUPED_CALLS = ("v_sin(", "v_cos(", "v_tan(")


def print_kernel(plan: KernelPlan, cname: str, rules: list[str] | None = None,
                 times: bool = False) -> str:
    """C source of one kernel: its comment, ``SFX(cname)`` on one vector, the parameter check
    ``SFX(cname_valid)`` and the ufunc loop; with ``times`` also the loop of g·out
    (``cname_times``, one more input g: the vector-Jacobian product of f')."""
    pnames = {p.symbol: param_c_name(p.name) for p in plan.params}
    w = _Writer(plan, pnames)
    head = [f"/* {plan.activation}, {plan.kind} ({', '.join(plan.outputs)})"]
    for key, tb, form, lim in zip(plan.outputs, plan.textbook, plan.forms, plan.limits,
                                  strict=True):
        head.append(f" *   {key}(x) = {comment_text(str(tb))}")
        head.append(f" *     form: {comment_text(form)}; limits: {_describe_limits(lim)}")
    head.append(" */")
    np_ = len(plan.params)
    no = len(plan.outputs)
    lines = [*head, f"SY_INLINE void SFX({cname})(V x, const V *p, int uniform, V *out)", "{"]
    for i, p in enumerate(plan.params):
        lines.append(f"    const V {pnames[p.symbol]} SY_UNUSED = p[{i}];")
    if not plan.params:
        lines.append("    (void)p;")
    lines.append("    (void)uniform;")
    w.body(plan.body, [f"out[{i}]" for i in range(no)], list(plan.limits), 1)
    lines += w.lines
    lines.append("}")
    checks = _param_checks(plan, pnames, rules or [])
    lines.append(f"SY_INLINE M SFX({cname}_valid)(const V *p)")
    lines.append("{")
    if checks:
        for i, p in enumerate(plan.params):
            lines.append(f"    const V {pnames[p.symbol]} SY_UNUSED = p[{i}];")
        lines.append(f"    return {' & '.join(checks)};")
    else:
        lines.append("    (void)p;")
        lines.append("    return m_true();")
    lines.append("}")
    grouped = any(call in line for line in w.lines for call in _GROUPED_CALLS)
    flags = " | ".join([*(["SY_CHECKED"] if checks else []), *(["SY_GROUPED"] if grouped else [])])
    flags = flags or "0"
    lines.append(f"SY_DEFINE_LOOP({cname}, {np_}, {no}, {flags})")
    if times:
        lines.append(f"SY_DEFINE_TIMES_LOOP({cname}, {np_}, {flags})")
    return "\n".join(lines)


_DOMAIN = {"positive": "> C(0.0)", "nonnegative": ">= C(0.0)", "nonzero": "!= C(0.0)"}


def _param_checks(plan: KernelPlan, pnames: dict, rules: list[str]) -> list[str]:
    """Lane masks of valid parameters: their domains and the activation's rules."""
    import ast

    out = []
    for p in plan.params:
        if p.domain in _DOMAIN:
            out.append(f"({pnames[p.symbol]} {_DOMAIN[p.domain]})")
    by_name = {p.name: pnames[p.symbol] for p in plan.params}
    ops = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}

    def operand(n) -> str:
        if isinstance(n, ast.Name):
            return by_name[n.id]
        if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)):
            return f"v_set1({c_literal(sp.Float(n.value))})"
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            return f"(-{operand(n.operand)})"
        raise EmitError(f"cannot print rule operand {ast.dump(n)}")

    for rule in rules:
        tree = ast.parse(rule, mode="eval").body
        if not isinstance(tree, ast.Compare):
            raise EmitError(f"rule {rule!r} is not a comparison")
        left = tree.left
        for op, right in zip(tree.ops, tree.comparators, strict=True):
            out.append(f"({operand(left)} {ops[type(op)]} {operand(right)})")
            left = right
    return out
