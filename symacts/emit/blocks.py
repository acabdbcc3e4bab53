"""Straight-line blocks: the outputs of one branch with their shared subexpressions named.

σ, σ' and softplus of ±u are first written on one e^{−|u|} (so that common-subexpression
elimination computes the exponential once: σ and σ' in a fused f, f'); polynomials in Horner
form are named whole before elimination can split them.
"""

from __future__ import annotations

from collections.abc import Iterator

import sympy as sp

from ..functions import sigmoid, softplus
from ..stabilise import Horner, dsigmoid
from .cost import cost
from .ir import (
    Block,
    Body,
    ByParams,
    DsigmoidT,
    ExpNegAbs,
    Guarded,
    Select,
    Separate,
    SigmoidT,
    SoftplusT,
    Straight,
)

__all__ = ["Names", "make_block", "make_body", "share_exponentials", "unshare_exponentials"]

_SHARED_T = {sigmoid: SigmoidT, dsigmoid: DsigmoidT, softplus: SoftplusT}


def share_exponentials(e: sp.Expr) -> sp.Expr:
    """σ(u), σ'(u), softplus(u) as functions of u and t = e^{−|u|} (one t per |u|)."""
    def t_of(u):
        return ExpNegAbs(-u if u.could_extract_minus_sign() else u)

    reps = {f: _SHARED_T[type(f)](f.args[0], t_of(f.args[0])) for f in e.atoms(*_SHARED_T)}
    return e.xreplace(reps) if reps else e


def unshare_exponentials(e: sp.Expr) -> sp.Expr:
    """Back to σ, σ', softplus where e^{−|u|} is still written out (it has one user)."""
    back = {v: k for k, v in _SHARED_T.items()}
    reps = {f: back[type(f)](f.args[0]) for f in e.atoms(*back)
            if isinstance(f.args[1], ExpNegAbs)}
    return e.xreplace(reps) if reps else e


class Names:
    """Fresh step names t1, t2, … for one kernel (unique across its branches)."""

    def __init__(self) -> None:
        self.n = 0

    def __iter__(self) -> Iterator[sp.Symbol]:
        return self

    def __next__(self) -> sp.Symbol:
        self.n += 1
        return sp.Symbol(f"t{self.n}")


def make_block(exprs: list[sp.Expr], names: Names) -> Block:
    """One block computing ``exprs``: Horner polynomials first, then the subexpressions that
    occur more than once, then the values."""
    block_cost = sum(cost(e) for e in exprs)
    exprs = [share_exponentials(e) for e in exprs]
    steps: list[tuple[sp.Symbol, sp.Expr]] = []
    hreps: dict = {}
    horners = sorted(set().union(*[e.atoms(Horner) for e in exprs]), key=sp.default_sort_key)
    for h in horners:
        printed = h
        if len(h.args) == 3 and not h.args[2].is_Symbol:  # Horner in x/p: name x/p first
            v = next(names)
            steps.append((v, h.args[2]))
            printed = Horner(h.args[0], h.args[1], v)
        s = next(names)
        steps.append((s, printed))
        hreps[h] = s
    exprs = [e.xreplace(hreps) for e in exprs]
    reps, reduced = common_subexpressions(exprs, names)
    steps += [(s, unshare_exponentials(v)) for s, v in reps]
    return Block(tuple(steps), tuple(unshare_exponentials(e) for e in reduced), block_cost)


def _nameable(e: sp.Basic) -> bool:
    """Whole subtrees worth a name: not atoms or constants, not conditions, not integer powers
    (a named x² or 1/D would hide from the product layout that evaluates x²/D as x·(x/D))."""
    if e.is_Atom or isinstance(e, sp.logic.boolalg.Boolean) or not isinstance(e, sp.Expr):
        return False
    if e.is_number:
        return False
    return not (e.is_Pow and e.exp.is_Integer)


def common_subexpressions(exprs: list[sp.Expr], names: Names):
    """Name every whole subtree that occurs more than once: (steps, reduced expressions).

    Unlike SymPy's ``cse`` this never regroups the terms of a sum or the factors of a
    product, so a value computed with its subexpressions named has the same bits as the
    value computed alone (f from NAME_value_and_grad equals f from NAME).
    """
    counts: dict = {}
    order: list = []

    def visit(e):
        if not _nameable(e):
            for a in e.args:
                visit(a)
            return
        if e in counts:
            counts[e] += 1
            return
        counts[e] = 1
        for a in e.args:
            visit(a)
        order.append(e)  # children first

    for e in exprs:
        visit(e)
    repeated = [e for e in order if counts[e] > 1]
    reps: dict = {}
    steps = []
    for e in repeated:
        s = next(names)
        steps.append((s, e.xreplace(reps)))
        reps[e] = s
    return steps, [e.xreplace(reps) for e in exprs]


def _branches(e: sp.Expr) -> list[tuple[sp.Expr, sp.Basic]]:
    return list(e.args) if isinstance(e, sp.Piecewise) else [(e, sp.true)]


def make_body(exprs: list[sp.Expr], names: Names | None = None) -> Body:
    """The body computing ``exprs`` (the chosen forms of one kernel's outputs).

    A :class:`~symacts.emit.ir.Guarded` form becomes a :class:`ByParams`; Piecewise outputs
    with the same conditions share one :class:`Select` (one mask per branch serves all);
    others are computed one by one.
    """
    names = names or Names()
    if len(exprs) == 1 and isinstance(exprs[0], Guarded):
        return ByParams(tuple((cond, make_body([form], names))
                              for cond, form in exprs[0].alternatives))
    if not any(isinstance(e, (sp.Piecewise, Guarded)) for e in exprs):
        return Straight(make_block(list(exprs), names))
    conds = [[c for _, c in _branches(e)] for e in exprs]
    if any(isinstance(e, Guarded) for e in exprs) or any(c != conds[0] for c in conds):
        return Separate(tuple(make_body([e], names) for e in exprs))
    per_branch = zip(*[[v for v, _ in _branches(e)] for e in exprs], strict=True)
    return Select(tuple((cond, make_block(list(vals), names))
                        for cond, vals in zip(conds[0], per_branch, strict=True)))
