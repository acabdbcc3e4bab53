"""Reference semantics of the kernel IR: a plan body evaluated directly on NumPy arrays.

Every node means what :mod:`symacts.emit.prelude` and NumPy compute for it, in the order the
printers lay sums and products out (:mod:`symacts.emit.algebra`). The planner uses it to find
where a form misses its limits at ±∞; tests use it to check each printer against the IR. It
prints nothing and runs no printed code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import sympy as sp
from scipy import special

from . import prelude
from .algebra import abs_condition, exact_threshold, product_layout, sum_terms
from .ir import Block, ByDtype, ByParams, EmitError, Select, Separate, Straight

__all__ = ["evaluate", "evaluate_expr"]

_F: dict[str, Callable] = {
    "exp": np.exp, "log": np.log, "log1p": np.log1p, "expm1": np.expm1, "tanh": np.tanh,
    "sinh": np.sinh, "cosh": np.cosh, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "atan": np.arctan, "asinh": np.arcsinh, "Abs": np.abs, "erf": special.erf,
    "erfc": special.erfc, "Phi": special.ndtr, "sigmoid": prelude._sigmoid,
    "softplus": prelude._softplus, "sech2": prelude._sech2, "dsigmoid": prelude._dsigmoid,
    "Maximum": np.maximum, "Minimum": np.minimum, "Clip": prelude._clip,
    "dmul": prelude._dmul, "hypot": prelude._hypot, "SigmoidT": prelude._sigmoid_t,
    "DsigmoidT": prelude._dsigmoid_t, "SoftplusT": prelude._softplus_t,
}

_REL: dict[str, Callable] = {
    "StrictGreaterThan": np.greater, "GreaterThan": np.greater_equal,
    "StrictLessThan": np.less, "LessThan": np.less_equal, "Equality": np.equal,
    "Unequality": np.not_equal,
}


class _Eval:
    def __init__(self, x: sp.Symbol, xv: np.ndarray, env: dict, scalars: set):
        self.x = x
        self.xv = xv
        self.env = env
        #: symbols holding parameter values: functions of these alone give Python floats
        #: (weak scalars that keep float32 float32, as the printed kernels do)
        self.scalars = scalars

    def __call__(self, e: sp.Basic):
        if e in self.env:
            return self.env[e]
        v = self._value(e)
        if ((isinstance(e, sp.Function) or (isinstance(e, sp.Pow) and not e.exp.is_Integer))
                and e.free_symbols and e.free_symbols <= self.scalars and np.ndim(v) == 0):
            return float(v)
        return v

    def _value(self, e: sp.Basic):
        if isinstance(e, sp.logic.boolalg.BooleanTrue):
            return np.ones(self.xv.shape, bool)
        if (e.is_number and not isinstance(e, (sp.Function, sp.logic.boolalg.Boolean))
                and not e.has(ByDtype)):
            return float(sp.N(e, 40)) if e.is_finite is not False else float(e)
        name = type(e).__name__.lstrip("_")  # (Horner's class is _Horner)
        method = getattr(self, "_" + name, None)
        if method is not None:
            return method(e)
        if name in _REL:
            c = exact_threshold(e, self.x, self.xv.dtype) if self.xv.dtype.kind == "f" else None
            return _REL[name](self(e.lhs), self(e.rhs) if c is None else c)
        if name in _F:
            return _F[name](*[self(a) for a in e.args])
        if isinstance(e, (sp.Max, sp.Min)):
            fn = np.maximum if isinstance(e, sp.Max) else np.minimum
            out = self(e.args[0])
            for a in e.args[1:]:
                out = fn(out, self(a))
            return out
        raise EmitError(f"no semantics for {name}: {e}")

    def _Symbol(self, e):
        raise EmitError(f"unknown symbol {e}")

    def _Add(self, e):
        out = None
        for t in sum_terms(e):
            v = self(t)
            out = v if out is None else out + v
        return out

    def _Mul(self, e):
        lay = product_layout(e, self.x, self.scalars)
        parts = [self(f) for f in lay.num]
        if lay.const != 1:
            parts.insert(0, self(lay.const))
        if lay.den:
            dens = [self(f) for f in lay.den]
            if lay.inner is not None:
                q = self(lay.inner)
                for d in dens:
                    q = q / d
                parts.append(q)
            else:
                v = _product(parts) if parts else 1.0
                for d in dens:
                    v = v / d
                return -v if lay.negative else v
        v = _product(parts) if parts else 1.0
        return -v if lay.negative else v

    def _Pow(self, e):
        b, k = e.base, e.exp
        bv = self(b)
        if not k.is_Rational:
            return np.power(bv, self(k))
        if k.is_Integer:
            n = int(k)
            if n < 0:
                bv, n = 1 / bv, -n
            return prelude._ipow(bv, n) if n >= 3 else prelude._sq(bv) if n == 2 else bv
        if k.q in (2, 3):
            root = np.sqrt(bv) if k.q == 2 else np.cbrt(bv)
            n = int(k.p)
            if n < 0:
                root, n = 1 / root, -n
            return prelude._ipow(root, n) if n >= 3 else prelude._sq(root) if n == 2 else root
        return np.power(bv, float(k))

    def _ByDtype(self, e):
        return float(e.args[1] if self.xv.dtype == np.float32 else e.args[0])

    def _Ratio(self, e):
        return self(e.args[0]) / self(e.args[1])

    def _ExpNegAbs(self, e):
        return np.exp(-np.abs(self(e.args[0])))

    def _Step(self, e):
        return prelude._step(np.asarray(self(e.args[0])), np.asarray(self(e.args[1])))

    def _Masked(self, e):
        return np.multiply(self(e.args[0]), self(e.args[1]), dtype=self.xv.dtype)

    def _Select2(self, e):
        cond, a, b, xv = e.args
        return prelude._select2(np.asarray(self(cond)), self(a), self(b),
                                np.asarray(self(xv)))

    def _Or(self, e):
        folded = abs_condition(e, self.x)
        if folded is not None:
            return self(folded)
        out = self(e.args[0])
        for a in e.args[1:]:
            out = out | self(a)
        return out

    def _And(self, e):
        out = self(e.args[0])
        for a in e.args[1:]:
            out = out & self(a)
        return out

    def _Not(self, e):
        return ~self(e.args[0])

    def _Horner(self, e):
        """As printed: in value² when the polynomial is even or odd, coefficients from the
        highest degree down, then the lowest power of value."""
        var = e.args[1]
        value = self(e.args[2]) if len(e.args) == 3 else self(var)
        p = sp.Poly(e.args[0], var)
        coeffs = {m[0]: c for m, c in zip(p.monoms(), p.coeffs(), strict=True)}
        low = min(coeffs)
        if len({k % 2 for k in coeffs}) == 1:
            v, step = value * value, 2
        else:
            v, step = value, 1
        acc = None
        for k in reversed(range(low, max(coeffs) + 1, step)):
            c = float(sp.N(coeffs.get(k, sp.S.Zero), 40))
            acc = c if acc is None else acc * v + c
        if low == 0:
            return acc
        lead = (value if low == 1 else prelude._sq(value) if low == 2
                else prelude._ipow(value, low))
        return lead * acc


def _product(parts):
    out = parts[0]
    for p in parts[1:]:
        out = out * p
    return out


def _block(block: Block, x, xv, env, scalars) -> list:
    env = dict(env)
    scalars = set(scalars)
    ev = _Eval(x, xv, env, scalars)
    for s, v in block.steps:
        env[s] = ev(v)
        if v.free_symbols <= scalars:
            scalars.add(s)
    return [np.broadcast_to(np.asarray(ev(v), dtype=xv.dtype), xv.shape).copy()
            for v in block.values]


def evaluate(body, x: sp.Symbol, xv: np.ndarray, params: Mapping[sp.Symbol, float]) -> list:
    """Every output of ``body`` at the points ``xv`` (parameters: symbol → value)."""
    xv = np.asarray(xv)
    env = {x: xv, **params}
    with np.errstate(all="ignore"):
        return _evaluate(body, x, xv, env, set(params))


def _evaluate(body, x, xv, env, scalars) -> list:
    if isinstance(body, Straight):
        return _block(body.block, x, xv, env, scalars)
    if isinstance(body, Separate):
        return [_evaluate(part, x, xv, env, scalars)[0] for part in body.parts]
    if isinstance(body, ByParams):
        for cond, alt in body.alternatives:
            if cond is None or bool(np.all(_Eval(x, xv, env, scalars)(cond))):
                return _evaluate(alt, x, xv, env, scalars)
        raise EmitError("no alternative holds")
    if not isinstance(body, Select):
        raise EmitError(f"unknown body {type(body).__name__}")
    n = len(body.branches[0][1].values)
    out = [np.full(xv.shape, np.nan, xv.dtype) for _ in range(n)]
    taken = np.zeros(xv.shape, bool)
    for cond, blk in body.branches:
        m = np.broadcast_to(np.asarray(_Eval(x, xv, env, scalars)(cond), bool),
                            xv.shape) & ~taken
        if m.any():
            for o, v in zip(out, _block(blk, x, xv, env, scalars), strict=True):
                o[m] = v[m]
        taken |= m
    nan = np.isnan(xv)
    for o in out:
        o[nan] = xv[nan]
    return out


def evaluate_expr(e: sp.Expr, x: sp.Symbol, xv, params: Mapping[sp.Symbol, float]):
    """One expression of the IR at the points ``xv``."""
    xv = np.asarray(xv)
    with np.errstate(all="ignore"):
        return _Eval(x, xv, {x: xv, **params}, set(params))(e)
