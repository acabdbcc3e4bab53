"""The kernel IR: the node classes printers know, and the plan of one kernel.

Between stabilisation and every printer sits one target-neutral description of each kernel
(f, f', fused f and f', ∂f/∂p), a :class:`KernelPlan`:

* ``body``: how the outputs are computed, a tree of :class:`Straight` (shared subexpressions,
  then values), :class:`Select` (first-match branches, one :class:`Block` per branch),
  :class:`ByParams` (a form chosen at run time on the parameter values) and
  :class:`Separate` (outputs with different branch structure, computed one by one);
* ``limits``: per output, the true limits at ±∞ and where the form alone misses them;
* ``forms``: per output, which form of a Piecewise was chosen, and why.

Expressions inside a plan are SymPy trees over the stable primitives of
:mod:`symacts.functions` / :mod:`symacts.stabilise` and the nodes below. Each printer dispatches
on the class name (``_print_<Class>``) and raises on anything it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

__all__ = [
    "Block", "Body", "ByDtype", "ByParams", "Clip", "DsigmoidT", "EmitError", "ExpNegAbs",
    "Guarded", "KernelPlan", "Limits", "Masked", "Maximum", "Minimum", "ParamInfo", "Ratio",
    "Select", "Select2", "Separate", "SigmoidT", "SoftplusT", "Step", "Straight",
    "body_outputs",
]


class EmitError(ValueError):
    """An expression holds something a kernel printer cannot print exactly."""


# ---- nodes ---------------------------------------------------------------------------------
class Maximum(sp.Function):
    """max(a, b) with the argument order kept (it decides which zero and which NaN come out:
    NaN in either argument gives NaN)."""

    nargs = 2


class Minimum(sp.Function):
    """min(a, b) with the argument order kept (NaN in either argument gives NaN)."""

    nargs = 2


class Clip(sp.Function):
    """min(max(a, lo), hi) in one pass (args: a, lo, hi; lo, hi free of x)."""

    nargs = 3


class Step(sp.Function):
    """[cond] as 0/1 in x's dtype, x's own NaN where x is NaN (args: the condition, x)."""

    nargs = 2


class Select2(sp.Function):
    """[cond] ? a : b for a, b free of x, as an exact bit select (args: cond, a, b, x); x's own
    NaN where x is NaN."""

    nargs = 4


class Masked(sp.Function):
    """value·[cond] (args: value, cond): the value where cond holds, 0 elsewhere (exact when
    the value is finite wherever cond fails)."""

    nargs = 2


class Guarded(sp.Function):
    """Forms chosen at run time by conditions on the parameters, before they become a
    :class:`ByParams` body.

    args: (cond₁, form₁, cond₂, form₂, …, fallback); the first form whose condition holds for
    every parameter value is evaluated.
    """

    @property
    def alternatives(self) -> list[tuple]:
        a = self.args
        return [(a[i], a[i + 1]) for i in range(0, len(a) - 1, 2)] + [(None, a[-1])]


class ByDtype(sp.Function):
    """A constant that depends on the dtype (args: its float64 value, its float32 value): the
    point from which a fallback form holds, which comes sooner in the coarser dtype."""

    nargs = 2
    is_real = True


class Ratio(sp.Function):
    """a/b kept as one quotient (never evaluated): x·(x/D) instead of x²/D, no overflow of x²
    where D grows like x."""

    nargs = 2


class ExpNegAbs(sp.Function):
    """e^{−|u|}: the exponential that σ(u), σ(−u), σ'(u) and softplus(u) share."""

    nargs = 1


class SigmoidT(sp.Function):
    """σ(u) from t = e^{−|u|} (args: u, t): 1/(1 + t) for u ≥ 0, t/(1 + t) for u < 0."""

    nargs = 2


class DsigmoidT(sp.Function):
    """σ'(u) = t/(1 + t)² from t = e^{−|u|} (args: u, t)."""

    nargs = 2


class SoftplusT(sp.Function):
    """softplus(u) = max(u, 0) + log1p(t) from t = e^{−|u|} (args: u, t)."""

    nargs = 2


# ---- bodies --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Block:
    """Straight-line code: ``steps`` (name, value) in order, then one value per output.

    Step names are SymPy symbols; later steps and the values may use them.
    """

    steps: tuple[tuple[sp.Symbol, sp.Expr], ...]
    values: tuple[sp.Expr, ...]
    #: estimated passes over a block of input (:func:`symacts.emit.cost.cost` of the values
    #: as derived, before shared subexpressions were taken out)
    cost: int = 0

    def depends_on(self, e: sp.Expr, x: sp.Symbol) -> bool:
        """Whether ``e`` (a value or step of the block) depends on x, directly or through
        the steps it uses."""
        steps = dict(self.steps)
        seen: set = set()
        todo = [e]
        while todo:
            v = todo.pop()
            if v.has(x):
                return True
            for s in v.free_symbols:
                if s in steps and s not in seen:
                    seen.add(s)
                    todo.append(steps[s])
        return False


@dataclass(frozen=True)
class Straight:
    """Every output computed on the whole input by one block."""

    block: Block


@dataclass(frozen=True)
class Select:
    """First match wins: branch k gives the outputs where its condition holds and no earlier
    one does (the last condition is ``True`` or nothing is left: NaN). Where x is NaN every
    output is x's own NaN, whatever branch it fell in."""

    branches: tuple[tuple[sp.Basic, Block], ...]


@dataclass(frozen=True)
class ByParams:
    """The first body whose condition on the parameters holds for all their values
    (condition ``None``: the fallback)."""

    alternatives: tuple[tuple[sp.Basic | None, Straight | Select | Separate], ...]


@dataclass(frozen=True)
class Separate:
    """Outputs whose branches differ, each computed by its own body."""

    parts: tuple[Straight | Select | ByParams, ...]


Body = Straight | Select | ByParams | Separate


def body_outputs(body: Body) -> int:
    """Number of outputs a body computes."""
    if isinstance(body, Straight):
        return len(body.block.values)
    if isinstance(body, Select):
        return len(body.branches[0][1].values)
    if isinstance(body, ByParams):
        return body_outputs(body.alternatives[0][1])
    return len(body.parts)


# ---- plans ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParamInfo:
    """A parameter as kernels see it: name, SymPy symbol, default, domain."""

    name: str
    symbol: sp.Symbol
    default: float
    domain: str


@dataclass(frozen=True)
class Limits:
    """Behaviour of one output at x = +∞ and x = −∞ (parameters at their defaults).

    ``true``: the limits as floats (±inf included), None where there is none;
    ``fix``: the exact limits (SymPy, in the parameters) a printer must put in because the
    form alone gives something else (∞/∞, ∞·0, sin(∞)/∞), None where the form is right.
    """

    true: tuple[float | None, float | None] = (None, None)
    fix: tuple[sp.Expr | None, sp.Expr | None] = (None, None)

    @property
    def needs_fix(self) -> bool:
        return any(v is not None for v in self.fix)


@dataclass
class KernelPlan:
    """One kernel of one activation, ready for any printer.

    ``kind``: ``"f"``, ``"df"``, ``"vg"`` (f and f' together) or ``"d_<param>"``;
    ``outputs``: the output keys it computes (``("f", "df")`` for ``"vg"``);
    ``textbook``: each output as derived (before stabilisation), for documentation.
    """

    activation: str
    kind: str
    outputs: tuple[str, ...]
    x: sp.Symbol
    params: tuple[ParamInfo, ...]
    body: Body
    limits: tuple[Limits, ...]
    forms: tuple[str, ...]
    textbook: tuple[sp.Expr, ...] = field(default_factory=tuple)

    @property
    def param_names(self) -> list[str]:
        return [p.name for p in self.params]

    @property
    def nan_from_input(self) -> bool:
        """NaN in gives the input's own NaN out (branch selects); else NaN propagates."""
        return not isinstance(self.body, Straight)
