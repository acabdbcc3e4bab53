"""Printers of kernel plans for array libraries with NumPy-like functions (PyTorch, jax.numpy).

The expression printer is :class:`~symacts.emit.numpy_printer.NumpyPrinter` with the names of
another library (a :class:`Dialect`); sums and products keep the order of
:mod:`symacts.emit.algebra`. Bodies print as pure functions (no ``out=``, no in-place
writes, so they trace under ``torch.compile`` and ``jax.jit``): every branch of a select is
computed on the whole input and chosen with ``where``, last branch first, so the first branch
whose condition holds wins; NaN in gives the input's own NaN out; forms chosen on the
parameters are chosen element by element with ``where`` (parameters may be traced arrays).
The runtime helpers (``_sigmoid_t``, ``_dmul``, ``_step``, ...) live in each library's prelude
module, whose source is copied into the generated module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sympy as sp

from ..primitives import dsigmoid, sigmoid
from .algebra import exact_threshold
from .ir import Block, ByParams, EmitError, Select, Separate, Straight
from .numpy_printer import FUNCTIONS, RELATIONS, NumpyPrinter, float_literal

__all__ = ["ArrayPrinter", "Dialect", "prelude_text", "print_function"]


@dataclass(frozen=True)
class Dialect:
    """How one array library spells the functions of the IR."""

    name: str
    #: the array module's name in printed code ("torch", "jnp")
    ns: str
    #: one-argument functions: class name -> printed callable
    functions: dict[str, str] = field(default_factory=dict)
    #: print a·x + b (a, b rational, b/a a binary fraction) as (x + b/a)·a: a compiler that
    #: contracts a·x + b into one fused multiply-add (XLA on CPU) would otherwise turn
    #: x/6 + 1/2 at x = −3 into 2.8e−17 instead of 0 (the rounding of 1/6 no longer cancels)
    factor_linear: bool = False
    #: σ(u) and σ'(u) from their own exponentials where e^{−|u|} serves nothing else (XLA fuses
    #: its logistic into each consumer; a shared e^{−|u|} is written out and read back)
    own_logistic: bool = False


def _functions(ns: str, special: dict[str, str]) -> dict[str, str]:
    out = {}
    for k, v in FUNCTIONS.items():
        if v.startswith("np."):
            out[k] = f"{ns}.{v[3:]}"
        else:
            out[k] = v  # prelude helpers keep their names
    out.update(special)
    return out


TORCH = Dialect("torch", "torch", _functions("torch", {
    "atan": "torch.atan", "asinh": "torch.asinh", "erf": "torch.special.erf",
    "erfc": "torch.special.erfc", "Phi": "_ndtr",
}))

JAX = Dialect("jax", "jnp", _functions("jnp", {
    "atan": "jnp.arctan", "asinh": "jnp.arcsinh", "erf": "_jsp.erf", "erfc": "_jsp.erfc",
    "Phi": "_Phi",
}), factor_linear=True, own_logistic=True)

#: nodes printed as a prelude helper called on all their arguments in order
CALLS: dict[str, str] = {
    "Maximum": "_max", "Minimum": "_min", "Clip": "_clip", "dmul": "_dmul", "hypot": "_hypot",
    "SigmoidT": "_sigmoid_t", "DsigmoidT": "_dsigmoid_t", "SoftplusT": "_softplus_t",
}


class ArrayPrinter(NumpyPrinter):
    """A stabilised SymPy expression (or condition) as an expression of ``dialect``'s library.

    Parameters are arrays (0-d for numbers) of x's dtype, so functions of parameters alone
    need no weak-scalar wrapper.
    """

    def __init__(self, dialect: Dialect, x, names, squares=None, scalars=None):
        super().__init__(x, names, squares, scalars)
        self.dialect = dialect

    def _p(self, e: sp.Basic) -> str:
        if e in self.names:
            return self.names[e]
        return self._node(e)

    def into(self, e):  # pragma: no cover - array printers never write into out=
        raise EmitError("array printers print pure expressions")

    def _print_number(self, e: sp.Expr) -> str:
        if e is sp.oo or e is sp.S.NegativeInfinity:
            return "math.inf" if e is sp.oo else "-math.inf"
        return super()._print_number(e)

    def _print_BooleanTrue(self, e) -> str:
        return f"_true({self._p(self.x)})"

    def _print_ByDtype(self, e) -> str:
        c64, c32 = (float(v) for v in e.args)
        return f"_k({self._p(self.x)}, {_float_text(c64)}, {_float_text(c32)})"

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

    def _print_ExpNegAbs(self, e) -> str:
        ns = self.dialect.ns
        return f"{ns}.exp(-{ns}.abs({self._p(e.args[0])}))"

    def _print_Masked(self, e) -> str:
        return f"_masked({self._p(e.args[0])}, {self._p(e.args[1])}, {self._p(self.x)})"

    def _print_Add(self, e: sp.Add) -> str:
        if self.dialect.factor_linear:
            lin = _linear(e, self.x)
            if lin is not None:
                a, shift = lin
                return f"(({self._p(self.x)} + {float_literal(shift)}) * {float_literal(a)})"
        return super()._print_Add(e)

    def _print_MinMaxBase(self, e) -> str:
        fn = "_max" if isinstance(e, sp.Max) else "_min"
        out = self._p(e.args[0])
        for a in e.args[1:]:
            out = f"{fn}({out}, {self._p(a)})"
        return out

    def _print_Function(self, e: sp.Function) -> str:
        name = type(e).__name__
        if name in CALLS:
            return f"{CALLS[name]}({', '.join(self._p(a) for a in e.args)})"
        fns = self.dialect.functions
        if name in fns:
            if len(e.args) != 1:
                raise EmitError(f"{name} with {len(e.args)} arguments")
            return f"{fns[name]}({self._p(e.args[0])})"
        raise EmitError(f"cannot print {name} for {self.dialect.name}: {e}")

    def _print_Pow(self, e: sp.Pow) -> str:
        b, k = e.base, e.exp
        ns = self.dialect.ns
        if not k.is_Rational:
            if k.has(self.x):
                raise EmitError(f"power with x in the exponent: {e} (write exp(k*log(b)))")
            return f"_pow({self._p(b)}, {self._p(k)})"
        bs = self._base(b)
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
        if k.q in (2, 3):
            root = (f"{ns}.sqrt({self._p(b)})" if k.q == 2 else f"_cbrt({self._p(b)})")
            p = int(k.p)
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
        return f"_pow({self._p(b)}, {float_literal(k)})"


def _float_text(v: float) -> str:
    """A float as Python source (infinities as math.inf)."""
    return ("math.inf" if v > 0 else "-math.inf") if math.isinf(v) else repr(v)


def _linear(e: sp.Expr, x: sp.Symbol):
    """(a, b/a) for e = a·x + b with rational a, b, a no power of 2 and b/a a binary fraction
    (so x + b/a is exact at the zero), else None."""
    if len(e.args) != 2:
        return None
    c, t = e.as_coeff_Add()
    if not (isinstance(c, sp.Rational) and c != 0):
        return None
    a, rest = t.as_coeff_Mul()
    if rest != x or not isinstance(a, sp.Rational) or (a.q & (a.q - 1) == 0 and a.p in (1, -1)):
        return None
    shift = c / a
    if shift.q & (shift.q - 1) or abs(shift) >= 2**24:
        return None
    return a, shift


def _own_logistic(block: Block) -> tuple[list, list]:
    """The block's steps and values with σ(u), σ'(u) of a shared t = e^{−|u|} as sigmoid(u),
    dsigmoid(u) where t serves nothing else (t's step is then dropped)."""
    from .ir import DsigmoidT, ExpNegAbs, SigmoidT

    def count(exprs, nodes) -> int:
        return sum(1 for w in exprs for n in sp.preorder_traversal(w) if n in nodes)

    steps, values = list(block.steps), list(block.values)
    for s, v in list(steps):
        if not isinstance(v, ExpNegAbs):
            continue
        u = v.args[0]
        later = [w for t, w in steps if t != s] + values
        own = {n for w in later for n in sp.preorder_traversal(w)
               if isinstance(n, (SigmoidT, DsigmoidT)) and n.args == (u, s)}
        if not own or count(later, {s}) != count(later, own):
            continue
        swap = {n: (sigmoid(u) if isinstance(n, SigmoidT) else dsigmoid(u)) for n in own}
        steps = [(t, w.xreplace(swap)) for t, w in steps if t != s]
        values = [w.xreplace(swap) for w in values]
    return steps, values


# ---- bodies --------------------------------------------------------------------------------
class _Writer:
    def __init__(self, dialect: Dialect, x, params):
        self.d = dialect
        self.x = x
        self.params = params
        self.names = {x: "x", **{p.symbol: p.name for p in params}}
        #: symbols holding parameter values (and steps computed from them alone)
        self.scalars = {p.symbol for p in params}
        self.lines: list[str] = []
        self.n = 0

    def printer(self, names=None, squares=None, scalars=None) -> ArrayPrinter:
        return ArrayPrinter(self.d, self.x, names or self.names, squares,
                            self.scalars if scalars is None else scalars)

    def fresh(self, stem: str) -> str:
        self.n += 1
        return f"_{stem}{self.n}"

    def block(self, block: Block, ind: str, fresh: bool = False) -> list[str]:
        """Print the steps of a block; return its values, printed (constants as full arrays;
        ``fresh``: x itself as a copy, for a value returned as it is)."""
        names = dict(self.names)
        scalars = set(self.scalars)
        steps, values = (_own_logistic(block) if self.d.own_logistic
                         else (block.steps, block.values))
        for s, v in steps:
            pr = self.printer(names, scalars=scalars)
            if type(v).__name__ == "_Horner":
                value = v.args[2] if len(v.args) == 3 else v.args[1]
                poly = sp.Poly(v.args[0], v.args[1])
                if len({m[0] % 2 for m in poly.monoms()}) == 1 and poly.degree() > 2:
                    sq = f"{s}_sq"
                    pv = pr(value)
                    self.lines.append(f"{ind}{sq} = {pv} * {pv}")
                    pr = self.printer(names, {value: sq}, scalars)
            self.lines.append(f"{ind}{s} = {pr(v)}")
            names[s] = str(s)
            if v.free_symbols <= scalars:
                scalars.add(s)
        pr = self.printer(names, scalars=scalars)
        out = []
        for e in values:
            v = pr(e)
            if not block.depends_on(e, self.x):
                v = f"_full(x, {v})"
            elif v == "x" and fresh:
                v = "_copy(x)"
            out.append(v)
        return out

    def limits(self, outs: list[str], limits, ind: str) -> list[str]:
        pr = self.printer()
        res = []
        for r, lim in zip(outs, limits, strict=True):
            if lim.needs_fix:
                args = ", ".join("None" if v is None else pr(v) for v in lim.fix)
                res.append(f"_atinf({r}, x, {args})")
            else:
                res.append(r)
        return res

    def body(self, body, limits, ind: str) -> list[str]:
        """Lines computing the body; returns the printed outputs."""
        if isinstance(body, Straight):
            return self.limits(self.block(body.block, ind, fresh=True), limits, ind)
        if isinstance(body, Select):
            return self._select(body, limits, ind)
        if isinstance(body, Separate):
            outs = []
            for part, lim in zip(body.parts, limits, strict=True):
                (v,) = self.body(part, [lim], ind)
                r = self.fresh("s")
                self.lines.append(f"{ind}{r} = {v}")
                outs.append(r)
            return outs
        if isinstance(body, ByParams):
            return self._by_params(body, limits, ind)
        raise EmitError(f"unknown body {type(body).__name__}")

    def _select(self, body: Select, limits, ind: str) -> list[str]:
        n_out = len(body.branches[0][1].values)
        rs = [self.fresh("r") for _ in range(n_out)]
        branches = list(body.branches)
        pr0 = self.printer()
        if branches[-1][0] == sp.true:
            _, last = branches.pop()
            for r, v in zip(rs, self.block(last, ind, fresh=True), strict=True):
                self.lines.append(f"{ind}{r} = {v}")
        else:
            for r in rs:
                self.lines.append(f"{ind}{r} = _full(x, math.nan)")
        for cond, blk in reversed(branches):
            m = self.fresh("m")
            self.lines.append(f"{ind}{m} = {pr0(cond)}")
            for r, v in zip(rs, self.block(blk, ind), strict=True):
                self.lines.append(f"{ind}{r} = _where({m}, {v}, {r})")
        # NaN in → the input's own NaN out, whatever branch it fell in
        return self.limits([f"_nan_in(x, {r})" for r in rs], limits, ind)

    def _by_params(self, body: ByParams, limits, ind: str) -> list[str]:
        alts = []
        for cond, alt in body.alternatives:
            if cond == sp.false:
                continue
            alts.append((cond, alt))
            if cond is None or cond == sp.true:
                break
        pr0 = self.printer()
        n_out = len(limits)
        rs = [self.fresh("b") for _ in range(n_out)]
        last_cond, last = alts.pop()
        if last_cond is not None and last_cond != sp.true:
            raise EmitError("forms chosen on the parameters need a fallback")
        for r, v in zip(rs, self.body(last, limits, ind), strict=True):
            self.lines.append(f"{ind}{r} = {v}")
        for cond, alt in reversed(alts):
            m = self.fresh("c")
            self.lines.append(f"{ind}{m} = {pr0(cond)}")
            for r, v in zip(rs, self.body(alt, limits, ind), strict=True):
                self.lines.append(f"{ind}{r} = _where({m}, {v}, {r})")
        return rs


def print_function(dialect: Dialect, name: str, body, x, params, limits, doc: str = "") -> str:
    """Source of ``name(x, *params)``: one output, or a tuple for several (x and parameters
    already arrays of the working dtype)."""
    w = _Writer(dialect, x, params)
    sig = ", ".join(["x", *[p.name for p in params]])
    head = [f"def {name}({sig}):"]
    if doc:
        head.append(f'    """{doc}"""')
    if params:
        w.lines.append(f"    x = _bcast(x, {', '.join(p.name for p in params)})")
    outs = w.body(body, list(limits), "    ")
    ret = outs[0] if len(outs) == 1 else "(" + ", ".join(outs) + ")"
    return "\n".join([*head, *w.lines, f"    return {ret}"])


def prelude_text(module_file: str) -> str:
    """A prelude module's code after its docstring, read as text (the array library need not
    be installed to generate code)."""
    import ast

    src = Path(module_file).read_text(encoding="utf-8")
    doc_end = ast.parse(src).body[0].end_lineno
    return "\n".join(src.splitlines()[doc_end:]).strip()


# ---- modules -------------------------------------------------------------------------------
def core_names(plan) -> dict[str, str]:
    """Kernel key ("f", "df", "vg", "d_<param>") → name of its printed function."""
    n = plan.name
    out = {"f": f"_f_{n}", "df": f"_df_{n}", "vg": f"_vg_{n}"}
    for p in plan.params:
        out["d_" + p.name] = f"_dp_{n}_{p.name}"
    return out


def activation_source(dialect: Dialect, plan) -> str:
    """The printed functions of one activation and its table entry (``_ENTRY_<name>``)."""
    n = plan.name
    names = core_names(plan)
    parts = [f"# ---- {n} " + "-" * max(0, 92 - len(n))]
    for key, k in plan.kernels.items():
        what = {"f": "f(x)", "df": "f'(x)", "vg": "(f(x), f'(x))"}.get(key, f"∂f/∂{key[2:]}")
        doc = f"{what} of {n}, from the kernel plan ({', '.join(k.forms)})."
        parts.append(print_function(dialect, names[key], k.body, k.x, k.params, k.limits,
                                    doc))
    params = "".join(f"({p.name!r}, {float_literal(sp.Float(p.default))}, {p.domain!r}), "
                     for p in plan.params)
    dp = ", ".join(f"{p.name!r}: {names['d_' + p.name]}" for p in plan.params)
    entry = (f"_ENTRY_{n} = {{\n"
             f"    'name': {n!r}, 'params': ({params}), 'rules': {tuple(plan.rules)!r},\n"
             f"    'f': {names['f']}, 'df': {names['df']}, 'vg': {names['vg']},\n"
             f"    'dp': {{{dp}}},\n"
             f"    'formula': {plan.formula!r},\n"
             f"    'summary': {plan.summary!r},\n}}")
    parts.append(entry)
    return "\n\n\n".join(parts)


def module_source(dialect: Dialect, plans, header: str, prelude_file: str) -> str:
    """A whole generated module: the prelude, every activation's functions, the tables
    ``KERNELS`` (name → entry) and ``ALIASES`` (alias → name)."""
    parts = [header.rstrip(), prelude_text(prelude_file)]
    for plan in plans:
        parts.append(activation_source(dialect, plan))
    table = "".join(f"    {p.name!r}: _ENTRY_{p.name},\n" for p in plans)
    parts.append("#: canonical name -> its functions and parameters\nKERNELS = {\n" + table + "}")
    alias_map = ", ".join(f"{a!r}: {p.name!r}" for p in plans for a in p.aliases)
    parts.append(f"#: alias -> canonical name\nALIASES = {{{alias_map}}}")
    src = "\n\n\n".join(parts) + "\n"
    compile(src, f"symacts_{dialect.name}.py", "exec")
    return src


def compile_source(dialect: Dialect, source: str, prelude_file: str, name: str) -> dict:
    """Execute printed functions after the prelude; the resulting namespace."""
    ns: dict = {"__name__": f"symacts_{dialect.name}_{name}"}
    src = prelude_text(prelude_file) + "\n\n\n" + source + "\n"
    exec(compile(src, f"<symacts {dialect.name} kernels of {name}>", "exec"), ns)
    return ns


def compile_derivative(dialect: Dialect, prelude_file: str, act, alpha: tuple[int, ...]):
    """``fn(x, *params)`` computing one partial derivative of ``act`` (α: orders in x and in
    each parameter) as code of the dialect, planned now by
    :func:`symacts.emit.derivatives.plan_derivative`."""
    from .derivatives import plan_derivative

    plan = plan_derivative(act, alpha)
    name = "_d_" + "_".join(str(a) for a in alpha)
    src = print_function(dialect, name, plan.body, plan.x, plan.params, plan.limits)
    return compile_source(dialect, src, prelude_file, f"{act.name}{name}")[name]
