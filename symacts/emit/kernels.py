"""Print NumPy kernel source (f, f', fused f and f', parameter gradients) for activations.

Pipeline per output: ``act.expr`` / ``act.derivative(wrt=...)`` (kink conventions applied)
→ :func:`symacts.stabilise.stabilise` → :class:`~symacts.emit.printer.NumpyPrinter`.
Branches are evaluated masked: a costly branch sees only the elements it owns.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import sympy as sp
from sympy.codegen.cfunctions import hypot

from ..stabilise import Horner, stabilise
from .minmax import Guarded, minmax_form, upper_form
from .printer import (
    EmitError,
    NumpyPrinter,
    float_literal,
    share_exponentials,
    unshare_exponentials,
)
from .runtime import PRELUDE

__all__ = ["KernelSpec", "kernel_source", "kernel_spec", "module_source"]

_CHEAP = (sp.Add, sp.Mul, sp.Symbol, sp.Number, sp.Abs, sp.NumberSymbol)


@dataclass
class KernelSpec:
    """The stabilised outputs of one activation: ``outputs['f'|'df'|'d_<param>']``."""

    name: str
    aliases: tuple[str, ...]
    params: list[tuple[str, float, str]]  # (name, default, domain)
    outputs: dict[str, sp.Expr] = field(default_factory=dict)
    #: output key -> (limit at +inf or None, limit at -inf or None), where the form alone
    #: would give NaN (∞/∞, sin(∞)/∞)
    limits: dict[str, tuple] = field(default_factory=dict)
    summary: str = ""
    #: rules between parameters as Python comparisons ("lower <= upper")
    rules: list[str] = field(default_factory=list)
    formula: str = ""
    derivative: str = ""
    #: the forms of (f, f') printed together in NAME_value_and_grad
    pair: tuple = ()


def kernel_spec(act, params: bool = True) -> KernelSpec:
    """Stabilise f, f' and (if ``params``) ∂f/∂p for every parameter of ``act``."""
    x = act.x
    spec = KernelSpec(
        name=act.name, aliases=tuple(act.aliases),
        params=[(p.name, p.default_float, p.domain) for p in act.param_specs],
        summary=act.summary, formula=str(act.expr), derivative=str(act.derivative()),
        rules=[c.rule for c in getattr(act, "constraints", ()) if _is_rule(c.rule, act)],
    )
    spec.outputs["f"] = stabilise(act.expr, x)
    spec.outputs["df"] = stabilise(act.derivative(), x)
    if params:
        for p in act.param_specs:
            spec.outputs["d_" + p.name] = stabilise(act.derivative(wrt=p.name), x)
    psyms = {p.name: p.symbol for p in act.param_specs}
    pnames = [p.name for p in act.param_specs]

    def compile_core(e):
        ns = dict(_prelude_namespace())
        exec(_core("_c", [e], x, pnames, psyms), ns)
        return ns["_c"]

    plain = (spec.outputs["f"], spec.outputs["df"])
    for k, e in spec.outputs.items():
        spec.outputs[k] = minmax_form(e, act, compile_core)
    fast = (spec.outputs["f"], spec.outputs["df"])
    # f and f' together: one mask per branch serves both when their branches share conditions;
    # keep that unless a fast form got rid of the Piecewise altogether
    spec.pair = fast
    if (all(isinstance(e, sp.Piecewise) for e in plain + fast)
            and [c for _, c in plain[0].args] == [c for _, c in plain[1].args]):
        spec.pair = plain
    return spec


_PRELUDE_NS: dict = {}


def _prelude_namespace() -> dict:
    """The helpers every kernel module defines (executed once, for checking printed forms)."""
    if not _PRELUDE_NS:
        exec(PRELUDE, _PRELUDE_NS)
    return _PRELUDE_NS


def _is_rule(rule: str, act) -> bool:
    """A constraint printable as a Python comparison of parameter names only."""
    import ast

    try:
        tree = ast.parse(rule, mode="eval")
    except SyntaxError:
        return False
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    ok_nodes = (ast.Expression, ast.Compare, ast.Name, ast.Load, ast.Lt, ast.LtE, ast.Gt,
                ast.GtE, ast.Constant, ast.UnaryOp, ast.USub)
    return (isinstance(tree.body, ast.Compare) and names <= {p.name for p in act.param_specs}
            and all(isinstance(n, ok_nodes) for n in ast.walk(tree)))


def _branches(e):
    if isinstance(e, sp.Piecewise):
        return list(e.args)
    return [(e, sp.true)]


def _is_cheap(e) -> bool:
    for n in sp.preorder_traversal(e):
        if isinstance(n, sp.Pow):
            if not (n.exp.is_Integer and n.exp >= 0):
                return False
        elif not isinstance(n, _CHEAP) and not n.is_number:
            return False
    return True


class _Body:
    """Lines of one kernel function."""

    def __init__(self, x, pnames: list[str], psyms: dict):
        self.x = x
        self.pnames = pnames
        self.psyms = psyms
        self.lines: list[str] = []
        self.n = 0

    def tmp(self) -> str:
        self.n += 1
        return f"t{self.n}"

    def values(self, exprs: list[sp.Expr], xname: str, pmap: dict[str, str],
               indent: str) -> list[str]:
        """Emit common subexpressions; return printed expressions."""
        exprs = [share_exponentials(e) for e in exprs]
        names = {self.x: xname, **{self.psyms[p]: pmap[p] for p in self.pnames}}
        pscalars = {self.psyms[p] for p in self.pnames}
        # Horner polynomials are printed whole, before CSE can split them
        hreps = {}
        for e in exprs:
            for h in e.atoms(Horner):
                if h not in hreps:
                    pr = NumpyPrinter(self.x, names, scalars=pscalars)
                    if len(h.args) == 3 and not h.args[2].is_Symbol:
                        v = sp.Symbol(self.tmp())
                        self.lines.append(f"{indent}{v} = {pr(h.args[2])}")
                        names[v] = str(v)
                        pr = NumpyPrinter(self.x, names, scalars=pscalars)
                        h_print = Horner(h.args[0], h.args[1], v)
                    else:
                        h_print = h
                    value = h_print.args[2] if len(h_print.args) == 3 else h_print.args[1]
                    poly = sp.Poly(h_print.args[0], h_print.args[1])
                    if len({m[0] % 2 for m in poly.monoms()}) == 1 and poly.degree() > 2:
                        sq = self.tmp()
                        v = pr(value)
                        self.lines.append(f"{indent}{sq} = {v} * {v}")
                        pr = NumpyPrinter(self.x, names, {value: sq}, scalars=pscalars)
                    s = sp.Symbol(self.tmp())
                    hreps[h] = s
                    self.lines.append(f"{indent}{s} = {pr(h_print)}")
                    names[s] = str(s)
        exprs = [e.xreplace(hreps) for e in exprs]
        reps, reduced = sp.cse(exprs, symbols=_Tmp(self), order="none")
        # an e^{−|u|} that CSE left inline has one user: that user computes it itself
        reps = [(s, unshare_exponentials(v)) for s, v in reps]
        reduced = [unshare_exponentials(e) for e in reduced]
        scalars = set(pscalars)
        for s, v in reps:
            names[s] = str(s)
            if v.free_symbols <= scalars:
                scalars.add(s)
        pr = NumpyPrinter(self.x, names, scalars=scalars)
        for s, v in reps:
            self.lines.append(f"{indent}{s} = {pr(v)}")
        return [pr(e) for e in reduced]


class _Tmp:
    def __init__(self, body: _Body):
        self.body = body

    def __iter__(self):
        return self

    def __next__(self):
        return sp.Symbol(self.body.tmp())


def _limit_fix(pr, lim) -> str:
    if not lim or all(v is None for v in lim):
        return ""
    return ", ".join("None" if v is None else pr(v) for v in lim)


def _plain_printer(x, pnames: list[str], psyms: dict) -> NumpyPrinter:
    """A printer that knows x and the parameters by their own names."""
    return NumpyPrinter(x, {x: "x", **{psyms[p]: p for p in pnames}}, scalars=set(psyms.values()))


def _core(fname: str, exprs: list[sp.Expr], x, pnames: list[str], psyms: dict,
          limits: list | None = None) -> str:
    """Source of ``fname(x, *params) -> value or tuple``, x already in the working dtype."""
    limits = limits or [None] * len(exprs)
    if len(exprs) == 1 and isinstance(exprs[0], Guarded):
        return _guarded_core(fname, exprs[0], x, pnames, psyms, limits)
    b = _Body(x, pnames, psyms)
    pr0 = _plain_printer(x, pnames, psyms)
    fixes = [_limit_fix(pr0, lim) for lim in limits]
    sig = ", ".join(["x", *pnames])
    head = f"def {fname}({sig}):"
    ident = {p: p for p in pnames}
    piecewise = any(isinstance(e, (sp.Piecewise, Guarded)) for e in exprs)
    if not piecewise:
        vals = b.values(exprs, "x", ident, "    ")
        outs = []
        for e, v, fx in zip(exprs, vals, fixes, strict=True):
            # np.positive: a copy (NaN bits kept) that can write into out=
            v = f"_full(x, {v})" if not e.has(x) else ("np.positive(x)" if v == "x" else v)
            outs.append(f"_atinf({v}, x, {fx})" if fx else v)
        if len(outs) == 1:
            outs[0] = _as_ufunc_call(outs[0])
        if len(outs) == 1 and _is_ufunc_call(outs[0]):
            # the last ufunc writes straight into the caller's block of the output
            head = f"def {fname}({sig}, out=None):"
            outs = [outs[0][:-1] + ", out=out)"]
        return "\n".join([head, *b.lines, f"    return {', '.join(outs)}"])
    conds = [[c for _, c in _branches(e)] for e in exprs]
    shared = all(c == conds[0] for c in conds) and not any(isinstance(e, Guarded) for e in exprs)
    if not shared:
        lines = [head]
        outs = []
        for i, e in enumerate(exprs):
            inner = _core(f"_{fname}_{i}", [e], x, pnames, psyms, [limits[i]])
            lines.append("    " + inner.replace("\n", "\n    "))
            outs.append(f"_{fname}_{i}({sig})")
        lines.append(f"    return {', '.join(outs)}")
        return "\n".join(lines)
    rs = [f"r{i}" for i in range(len(exprs))]
    branch_lists = [_branches(e) for e in exprs]
    pr_full = _plain_printer(x, pnames, psyms)
    n_br = len(conds[0])
    # First match wins: fill with the last branch, then overwrite with branches n-2 … 0 where
    # their own condition holds. Every branch is evaluated on the whole block (floating-point
    # warnings are off; a value computed from foreign input is never selected) and selected
    # with an exact bit select: gathering x[m] / scattering r[m] costs more than the branch.
    ks = list(range(n_br))
    if conds[0][-1] == sp.true:
        first = ks.pop()
        vals = b.values([bl[first][0] for bl in branch_lists], "x", ident, "    ")
        for r, e, v in zip(rs, [bl[first][0] for bl in branch_lists], vals, strict=True):
            if e.has(x) and v != "x":  # a fresh array of x's shape and dtype
                b.lines.append(f"    {r} = np.asarray({v})")
            else:
                b.lines.append(f"    {r} = np.empty(x.shape, x.dtype)")
                b.lines.append(f"    np.copyto({r}, {v})")
    else:
        for r in rs:
            b.lines.append(f"    {r} = np.full(x.shape, np.nan, x.dtype)")
    for k in reversed(ks):
        branch = [bl[k][0] for bl in branch_lists]
        if sum(_cost(e) for e in branch) >= _GATHER_COST:
            # a long branch runs only on its own elements (gathered by index: a boolean
            # x[m] / r[m] = v costs ~5 ns per element, take/put by index ~1 ns)
            b.lines.append(f"    i = np.flatnonzero({pr_cond(pr_full, conds[0][k])})")
            b.lines.append("    xm = np.take(x, i)")
            used = [p for p in pnames if any(e.has(psyms[p]) for e in branch)]
            for p in used:
                b.lines.append(f"    {p}_m = _take({p}, x, i)")
            vals = b.values(branch, "xm", {p: f"{p}_m" for p in pnames}, "    ")
            for r, v in zip(rs, vals, strict=True):
                b.lines.append(f"    _put({r}, i, {v})")
            continue
        b.lines.append(f"    m = _mask({pr_cond(pr_full, conds[0][k])}, {rs[0]})")
        vals = b.values(branch, "x", ident, "    ")
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
    return "\n".join([head, *b.lines, f"    return {', '.join(rs)}"])


def _guarded_core(fname: str, g: Guarded, x, pnames: list[str], psyms: dict,
                  limits: list) -> str:
    """A core that picks the first form whose parameter condition holds (per block)."""
    sig = ", ".join(["x", *pnames])
    pr = _plain_printer(x, pnames, psyms)
    lines = [f"def {fname}({sig}, out=None):"]
    for i, (cond, e) in enumerate(g.alternatives):
        if cond == sp.false:
            continue
        name = f"_{fname}_{i}"
        inner = _core(name, [e], x, pnames, psyms, limits)
        lines.append("    " + inner.replace("\n", "\n    "))
        direct = inner.split("\n", 1)[0].endswith(", out=None):")
        call = f"{name}({sig}, out=out)" if direct else f"_into({name}({sig}), out)"
        if cond is None or cond == sp.true:
            lines.append(f"    return {call}")
            break
        lines.append(f"    if _all({pr_cond(pr, cond)}):")
        lines.append(f"        return {call}")
    return "\n".join(lines)


#: branch cost (≈ passes over a block) from which gathering its elements pays off
_GATHER_COST = 16

#: rough cost of one call, in passes of a multiply over the block
_CALL_COST = {sp.exp: 3, sp.log: 3, sp.tanh: 3, sp.erf: 15, sp.erfc: 15, hypot: 6}


def _cost(e) -> int:
    """Rough number of passes over a block to evaluate ``e`` (for choosing masking)."""
    c = 0
    for n in sp.preorder_traversal(e):
        if isinstance(n, (sp.Add, sp.Mul)):
            c += len(n.args) - 1
        elif isinstance(n, Horner):
            c += 2 * sp.Poly(n.args[0], n.args[1]).degree()
        elif isinstance(n, sp.Pow):
            c += 1 if n.exp.is_Integer else 3
        elif isinstance(n, sp.Function):
            c += _CALL_COST.get(type(n), 4)
    return c


#: runtime helpers that take ``out=`` like a ufunc
_OUT_HELPERS = {"_sigmoid", "_dsigmoid", "_softplus", "_sech2", "_dmul", "_hypot", "_clip",
                "_sigmoid_t", "_dsigmoid_t", "_softplus_t"}

_BINOP_UFUNC = {"Add": "np.add", "Sub": "np.subtract", "Mult": "np.multiply",
                "Div": "np.divide"}


def _as_ufunc_call(v: str) -> str:
    """A printed ``a op b`` as ``np.<ufunc>(a, b)`` (so that it can take ``out=``)."""
    import ast

    node = ast.parse(v, mode="eval").body
    if isinstance(node, ast.BinOp) and type(node.op).__name__ in _BINOP_UFUNC:
        return (f"{_BINOP_UFUNC[type(node.op).__name__]}({ast.unparse(node.left)}, "
                f"{ast.unparse(node.right)})")
    return v


def _is_ufunc_call(v: str) -> bool:
    """``v`` is one call ``np.<ufunc>(...)`` (its result can go to ``out=``)."""
    import numpy as np

    name = v.split("(", 1)[0]
    if name not in _OUT_HELPERS and not (
            name.startswith("np.") and isinstance(getattr(np, name[3:], None), np.ufunc)):
        return False
    depth = 0
    for i, ch in enumerate(v):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and ch == ")":
            return i == len(v) - 1
    return False


def pr_cond(pr: NumpyPrinter, c) -> str:
    """Print a branch condition as a boolean array expression."""
    from .printer import RELATIONS

    if c == sp.true:
        return "np.ones(x.shape, bool)"
    if isinstance(c, sp.Symbol) and c in pr.names:  # a condition named by CSE
        return pr.names[c]
    if isinstance(c, sp.Or):
        folded = _abs_condition(c, pr.x)
        if folded is not None:
            return pr_cond(pr, folded)
        return "(" + " | ".join(f"({pr_cond(pr, a)})" for a in c.args) + ")"
    if isinstance(c, sp.And):
        return "(" + " & ".join(f"({pr_cond(pr, a)})" for a in c.args) + ")"
    if isinstance(c, sp.Not):
        return f"~({pr_cond(pr, c.args[0])})"
    if type(c) in RELATIONS:
        return f"({pr(c.lhs)} {RELATIONS[type(c)]} {pr(c.rhs)})"
    raise EmitError(f"cannot print condition {c}")


def _abs_condition(c, x):
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


_DOMAIN_CHECK = {
    "positive": ("> 0", "greater than 0"),
    "nonnegative": (">= 0", "at least 0"),
    "nonzero": ("!= 0", "different from 0"),
}


def kernel_source(spec: KernelSpec, x: sp.Symbol, psyms: dict) -> str:
    """Core functions and public wrappers NAME, NAME_grad, NAME_value_and_grad."""
    n = spec.name
    pnames = [p for p, _, _ in spec.params]
    out = [f"# ---- {n} " + "-" * max(0, 92 - len(n))]
    lim = spec.limits
    out.append(_core(f"_f_{n}", [spec.outputs["f"]], x, pnames, psyms, [lim.get("f")]))
    out.append(_core(f"_df_{n}", [spec.outputs["df"]], x, pnames, psyms, [lim.get("df")]))
    out.append(_core(f"_vg_{n}", list(spec.pair), x, pnames, psyms,
                     [lim.get("f"), lim.get("df")]))
    for p in pnames:
        k = "d_" + p
        out.append(_core(f"_dp_{n}_{p}", [spec.outputs[k]], x, pnames, psyms, [lim.get(k)]))
    kw = "".join(f", {p}={float_literal(sp.Float(d))}" for p, d, _ in spec.params)
    ptup = "(" + "".join(f"{p}, " for p in pnames) + ")"
    prep = ["    x, dt = _arg(x)"]
    for p, _, dom in spec.params:
        prep.append(f"    {p} = _par({p}, {p!r}, x.dtype)")
        if dom in _DOMAIN_CHECK:
            op, words = _DOMAIN_CHECK[dom]
            prep.append(f"    _check({p}, _all({p} {op}), {p!r}, {words!r})")
    for rule in spec.rules:
        prep.append(f"    _check_rule(_all({rule}), {n + ': ' + rule + ' is required'!r})")
    if pnames:
        prep.append(f"    x = _bcast(x, {', '.join(pnames)})")
    doc_f = f'    """{spec.summary}\n\n    f(x) = {spec.formula}\n    """'
    doc_g = (f'    """f\'(x) of {n} (``wrt="x"``) or ∂f/∂p (``wrt=<parameter>``).\n\n'
             f'    f\'(x) = {spec.derivative}\n    """')
    doc_vg = f'    """(f(x), f\'(x)) of {n} in one pass."""'
    train = n == "rrelu"
    extra_kw = ", training=False, rng=None" if train else ""
    extra_kw += ", threads=None"
    out.append(f"def {n}(x, *{kw}{extra_kw}, out=None):\n{doc_f}\n" + "\n".join(prep)
               + ("\n    if training:\n        return _ret(_rrelu_train(x, lower, upper, rng)[0],"
                  " dt, out)" if train else "")
               + f"\n    r = _run(_f_{n}, x, {ptup}, threads, 1, out, dt)"
               + "\n    return _ret(r, dt, out)")
    wrt_lines = ["    if wrt == 'x':", f"        core = _df_{n}"]
    for p in pnames:
        wrt_lines += [f"    elif wrt == {p!r}:", f"        core = _dp_{n}_{p}"]
    names = ", ".join(["x", *pnames])
    wrt_lines += ["    else:", f"        raise ValueError(f\"{n}_grad: wrt must be one of {names}; "
                  "got {wrt!r}\")"]
    out.append(f"def {n}_grad(x, *{kw}{extra_kw}, wrt='x', out=None):\n{doc_g}\n"
               + "\n".join(wrt_lines) + "\n" + "\n".join(prep)
               + ("\n    if training:\n        return _ret(_rrelu_train(x, lower, upper, rng)[1],"
                  " dt, out)" if train else "")
               + f"\n    r = _run(core, x, {ptup}, threads, 1, out, dt)"
               + "\n    return _ret(r, dt, out)")
    out.append(f"def {n}_value_and_grad(x, *{kw}{extra_kw}, out=None):\n{doc_vg}\n"
               + "\n".join(prep)
               + ("\n    if training:\n        return _ret2(_rrelu_train(x, lower, upper, rng),"
                  " dt, out)" if train else "")
               + f"\n    r = _run(_vg_{n}, x, {ptup}, threads, 2, out, dt)"
               + "\n    return _ret2(r, dt, out)")
    return "\n\n\n".join(out)


HEADER = '''"""NumPy kernels for every symacts activation: NAME, NAME_grad, NAME_value_and_grad.

GENERATED FILE - do not edit. Generated by `python scripts/regenerate.py` (step "kernels",
scripts/steps/kernel_module.py) from the catalog (symacts/catalog.py) through the stabilisation
rules (symacts/stabilise.py) and the strict printer (symacts/emit/). Needs numpy and scipy only.

Semantics: any shape (0-d and empty included), Python scalars and lists; float32 and float64 are
computed and returned in their own precision, float16 is computed in float32 and cast back,
integers and bools give float64, complex input raises TypeError. Parameters are keyword
arguments; ``out=`` writes into a given array; inputs are never modified; no floating-point
warnings are raised. ``NAME_grad(x, wrt="p")`` gives the derivative with respect to parameter p.
Large arrays are evaluated in blocks of 256 KiB (BLOCK float64 elements, twice as many float32;
scratch memory O(block)), on up to ``threads`` threads (default: the cores), each given at
least 8 blocks; the results do not depend on the thread count (every operation is elementwise).
"""
'''


def module_source(specs: list[KernelSpec], x: sp.Symbol, psyms: dict[str, dict]) -> str:
    """The whole generated module."""
    parts = [HEADER.rstrip(), PRELUDE.strip()]
    table = []
    aliases = []
    for s in specs:
        parts.append(kernel_source(s, x, psyms[s.name]))
        table.append(f"    {s.name!r}: ({s.name}, {s.name}_grad, {s.name}_value_and_grad),")
        for a in s.aliases:
            if not a.isidentifier():
                continue
            aliases.append(f"{a} = {s.name}\n{a}_grad = {s.name}_grad\n"
                           f"{a}_value_and_grad = {s.name}_value_and_grad")
    parts.append("# ---- aliases " + "-" * 86 + "\n" + "\n".join(aliases))
    direct = sorted(set(re.findall(r"^def (_\w+)\(.*, out=None\):$", "\n".join(parts), re.M)))
    parts.append("#: cores whose last ufunc writes into out=\n_DIRECT.update({\n"
                 + "".join(f"    {d},\n" for d in direct) + "})")
    stream = sorted(set(re.findall(
        r"^def (_\w+)\(x[\w, ]*, out=None\):\n    return (?:np\.\w+|_clip)\(x(?:, [\w.\-]+)*, "
        r"out=out\)$", "\n".join(parts), re.M)))
    parts.append("#: cores that are one ufunc of x and parameters (no temporaries): evaluated in\n"
                 "#: one chunk per thread instead of cache-sized blocks\n_STREAM.update({\n"
                 + "".join(f"    {d},\n" for d in stream) + "})")
    parts.append("#: canonical name -> (f, f', (f, f'))\nKERNELS = {\n" + "\n".join(table) + "\n}")
    alias_map = ", ".join(f"{a!r}: {s.name!r}" for s in specs for a in s.aliases)
    parts.append(f"#: alias -> canonical name\nALIASES = {{{alias_map}}}")
    src = "\n\n\n".join(parts) + "\n"
    compile(src, "symacts_kernels.py", "exec")
    return src


def _finite(v: float) -> bool:
    return math.isfinite(v)
