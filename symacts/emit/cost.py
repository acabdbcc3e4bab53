"""The cost model: how expensive an expression is, in passes of a multiply over a block.

One place for every choice that depends on cost: which branches of a select are evaluated on
their own elements only (gathered), and which Piecewise outputs are cheap enough for a max/min
or clip form.
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import hypot

from ..stabilise import Horner

__all__ = ["GATHER_COST", "cost", "is_cheap", "is_rational"]

#: branch cost from which gathering its elements pays off (a boolean x[m] / r[m] = v costs
#: ~5 ns per element, take/put by index ~1 ns, a multiply over a cached block ~0.3 ns)
GATHER_COST = 16

#: rough cost of one call, in passes of a multiply over the block (other functions: 4)
CALL_COST: dict[type, int] = {sp.exp: 3, sp.log: 3, sp.tanh: 3, sp.erf: 15, sp.erfc: 15,
                              hypot: 6}

#: nodes that cost about one pass each and never raise or branch
_CHEAP = (sp.Add, sp.Mul, sp.Symbol, sp.Number, sp.Abs, sp.NumberSymbol)


def cost(e: sp.Basic) -> int:
    """Rough number of passes over a block to evaluate ``e``."""
    c = 0
    for n in sp.preorder_traversal(e):
        if isinstance(n, (sp.Add, sp.Mul)):
            c += len(n.args) - 1
        elif isinstance(n, Horner):
            c += 2 * sp.Poly(n.args[0], n.args[1]).degree()
        elif isinstance(n, sp.Pow):
            c += 1 if n.exp.is_Integer else 3
        elif isinstance(n, sp.Function):
            c += CALL_COST.get(type(n), 4)
    return c


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
