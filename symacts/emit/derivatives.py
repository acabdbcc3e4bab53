"""Plans of any partial derivative ∂^{n₀+n₁+…} f / ∂x^{n₀} ∂p₁^{n₁} … of an activation.

For derivatives beyond those :func:`~symacts.emit.planner.plan_activation` plans (second and
higher orders, mixed ones): derived by the engine (x first, with the kink conventions of
f', then each parameter), stabilised, given the cheapest checked form, and planned like any
kernel.
"""

from __future__ import annotations

import sympy as sp

from ..derive import differentiate
from ..stabilise import RULES, stabilise
from .blocks import make_body
from .forms import choose_form
from .ir import KernelPlan, ParamInfo
from .limits import limits_of

__all__ = ["HIGHER_ORDER_RULES", "derivative_expr", "plan_derivative"]

#: every stabilisation rule but the Taylor series near 0, whose search (SymPy series of
#: each term) takes minutes on second derivatives; first derivatives are planned with all
HIGHER_ORDER_RULES = [r.name for r in RULES if r.name != "series_near_zero"]


def derivative_expr(act, alpha: tuple[int, ...]) -> sp.Expr:
    """The derivative of ``act`` of multi-index ``alpha`` = (order in x, order in each
    parameter, in ``act.param_specs`` order)."""
    if len(alpha) != 1 + len(act.param_specs) or any(a < 0 for a in alpha):
        raise ValueError(f"multi-index {alpha} does not fit {act.name}")
    e = act.derivative(order=alpha[0]) if alpha[0] else act.expr
    for spec, n in zip(act.param_specs, alpha[1:], strict=True):
        if n:
            e = differentiate(e, act.x, spec.symbol, n, removable=act.removable,
                              defaults=act.defaults())
    return e


def plan_derivative(act, alpha: tuple[int, ...]) -> KernelPlan:
    """The kernel plan of one partial derivative (see :func:`derivative_expr`)."""
    infos = tuple(ParamInfo(p.name, p.symbol, p.default_float, p.domain)
                  for p in act.param_specs)
    e = derivative_expr(act, alpha)
    rules = None if sum(alpha) <= 1 else HIGHER_ORDER_RULES
    form, why = choose_form(stabilise(e, act.x, rules), act, infos)
    body = make_body([form])
    kind = "d_" + "_".join(str(a) for a in alpha)
    return KernelPlan(activation=act.name, kind=kind, outputs=(kind,), x=act.x, params=infos,
                      body=body, limits=tuple(limits_of([e], body, act.x, act.defaults())),
                      forms=(why,), textbook=(e,))
