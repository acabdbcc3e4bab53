"""The cost model: how expensive an expression is, in passes of a multiply over a block.

One place for every choice that depends on cost: which branches of a select are evaluated on
their own elements only (gathered), and which Piecewise outputs are cheap enough for a max/min
or clip form.
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import hypot

from ..stabilise import Horner

__all__ = ["GATHER_COST", "body_cost", "cost", "is_cheap", "is_rational", "keeps_x"]

#: branch cost from which gathering its elements pays off (a boolean x[m] / r[m] = v costs
#: ~5 ns per element, take/put by index ~1 ns, a multiply over a cached block ~0.3 ns)
GATHER_COST = 16

#: rough cost of one call, in passes of a multiply over the block (other functions: 4)
CALL_COST: dict[type, int] = {sp.exp: 3, sp.log: 3, sp.tanh: 3, sp.erf: 15, sp.erfc: 15,
                              hypot: 6}

#: nodes that cost about one pass each and never raise or branch
_CHEAP = (sp.Add, sp.Mul, sp.Symbol, sp.Number, sp.Abs, sp.NumberSymbol)


#: the stabilised primitives a printed body calls, in the same units (an exp is 3: σ_t and
#: σ'_t are a division or two on a shared t = e^{−|u|}; selects and |·| one pass)
_PRIMITIVE_COST = {"ExpNegAbs": 3, "SigmoidT": 1, "DsigmoidT": 2, "SoftplusT": 4,
                   "sigmoid": 4, "dsigmoid": 5, "softplus": 7, "sech2": 4, "Abs": 1,
                   "Maximum": 1, "Minimum": 1, "Clip": 2, "Step": 1, "Select2": 1,
                   "Masked": 1, "dmul": 2}


def cost(e: sp.Basic, printed: bool = False) -> int:
    """Rough number of passes over a block to evaluate ``e`` (``printed``: an expression of a
    printed body, whose primitives have their own costs)."""
    c = 0
    for n in sp.preorder_traversal(e):
        if isinstance(n, (sp.Add, sp.Mul)):
            c += len(n.args) - 1
        elif isinstance(n, Horner):
            c += 2 * sp.Poly(n.args[0], n.args[1]).degree()
        elif isinstance(n, sp.Pow):
            c += 1 if n.exp.is_Integer else 3
        elif isinstance(n, sp.Function):
            call = CALL_COST.get(type(n), 4)
            c += _PRIMITIVE_COST.get(type(n).__name__, call) if printed else call
    return c


def body_cost(body) -> int:
    """Rough passes of a printed kernel body (:mod:`symacts.emit.ir`), each shared step once
    and every branch of a select counted (vector code evaluates each branch some lane takes)."""
    from .ir import ByParams, Select, Straight

    if isinstance(body, Straight):
        blocks = [body.block]
    elif isinstance(body, Select):
        blocks = [b for _, b in body.branches]
    elif isinstance(body, ByParams):  # the fallback: what arbitrary parameters run
        return body_cost(body.alternatives[-1][1])
    else:
        return sum(body_cost(p) for p in body.parts)
    return sum(sum(cost(v, True) for _, v in b.steps) + sum(cost(v, True) for v in b.values)
               for b in blocks)


def keeps_x(f, df, vg, df_textbook) -> bool:
    """Whether a backward pass should keep x and recompute f' in a fused g·f'(x) (True) rather
    than store f' in the forward (False), from the bodies of the f, f' and (f, f') kernels.

    Storing f' costs one array written and read back; it pays only where f and f' share work
    (σ's t = e^{−|u|} in sigmoid, silu, mish; Φ in gelu). A piecewise-rational f', or a pair
    whose joint kernel costs as much as the two apart (elu's expm1 and exp, tanh and sech²),
    is cheaper recomputed."""
    if all(is_rational(e) for e in df_textbook):
        return True
    if f is None or vg is None:
        return False
    return body_cost(vg) >= body_cost(f) + body_cost(df)


def is_cheap(e: sp.Basic) -> bool:
    """Only additions, multiplications, |·| and nonnegative integer powers."""
    for n in sp.preorder_traversal(e):
        if isinstance(n, sp.Pow):
            if not (n.exp.is_Integer and n.exp >= 0):
                return False
        elif not isinstance(n, _CHEAP) and not n.is_number:
            return False
    return True


def is_rational(e: sp.Basic) -> bool:
    """Piecewise rational in x and the parameters (|·|, min/max and integer powers, no calls):
    a derivative backward can recompute from x for less than storing and reloading it."""
    for n in sp.preorder_traversal(e):
        if isinstance(n, sp.Pow):
            if not n.exp.is_Integer:
                return False
        elif isinstance(n, sp.Function) and not isinstance(
                n, (sp.Piecewise, sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min)):
            return False
    return True
