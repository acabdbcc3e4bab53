"""From an activation to its kernel plans: stabilise, choose forms, name shared work, limits.

Per activation, :func:`plan_activation` makes one :class:`~symacts.emit.ir.KernelPlan` for f,
f', f and f' together, and ∂f/∂p for each parameter::

    act.expr, act.derivative(wrt=...)          (kink conventions applied)
      → stabilise                              (named rewrite rules, symacts.stabilise)
      → choose_form                            (cheaper Piecewise forms, checked bit for bit)
      → make_body                              (branches, shared subexpressions)
      → limits_of                              (behaviour at ±∞, from the IR's semantics)
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import sympy as sp

from ..stabilise import stabilise
from .blocks import make_body
from .forms import choose_form
from .ir import KernelPlan, ParamInfo
from .limits import limits_of

__all__ = ["ActivationPlan", "plan_activation"]


@dataclass
class ActivationPlan:
    """Everything a printer needs for one activation: its kernels and how to call them."""

    name: str
    aliases: tuple[str, ...]
    params: tuple[ParamInfo, ...]
    summary: str
    #: f and f' as derived (text), for docstrings
    formula: str
    derivative: str
    #: rules between parameters as Python comparisons of their names ("lower <= upper")
    rules: list[str]
    #: kernel key ("f", "df", "vg", "d_<param>") → plan
    kernels: dict[str, KernelPlan] = field(default_factory=dict)
    #: output key ("f", "df", "d_<param>") → stabilised form, before a faster form was chosen
    stabilised: dict[str, sp.Expr] = field(default_factory=dict)
    #: output key → the form the kernels compute (a faster equivalent where one was found)
    chosen: dict[str, sp.Expr] = field(default_factory=dict)

    @property
    def param_names(self) -> list[str]:
        return [p.name for p in self.params]


def _is_rule(rule: str, names: set[str]) -> bool:
    """A constraint printable as a Python comparison of parameter names and numbers only."""
    try:
        tree = ast.parse(rule, mode="eval")
    except SyntaxError:
        return False
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    ok_nodes = (ast.Expression, ast.Compare, ast.Name, ast.Load, ast.Lt, ast.LtE, ast.Gt,
                ast.GtE, ast.Constant, ast.UnaryOp, ast.USub)
    return (isinstance(tree.body, ast.Compare) and used <= names
            and all(isinstance(n, ok_nodes) for n in ast.walk(tree)))


def _conditions(e: sp.Expr) -> list:
    return [c for _, c in e.args] if isinstance(e, sp.Piecewise) else [sp.true]


def plan_activation(act, params: bool = True, *,
                    stabilised: dict[str, sp.Expr] | None = None) -> ActivationPlan:
    """Plans of f, f', (f, f') and (if ``params``) ∂f/∂p for every parameter of ``act``;
    ``stabilised`` gives the stabilised form of outputs (a fallback), instead of the rules."""
    x = act.x
    infos = tuple(ParamInfo(p.name, p.symbol, p.default_float, p.domain)
                  for p in act.param_specs)
    names = {p.name for p in act.param_specs}
    plan = ActivationPlan(
        name=act.name, aliases=tuple(act.aliases), params=infos, summary=act.summary,
        formula=str(act.expr), derivative=str(act.derivative()),
        rules=[c.rule for c in getattr(act, "constraints", ()) if _is_rule(c.rule, names)],
    )
    derived = {"f": act.expr, "df": act.derivative()}
    if params:
        for p in act.param_specs:
            derived["d_" + p.name] = act.derivative(wrt=p.name)
    forms, why = {}, {}
    for key, e in derived.items():
        given = (stabilised or {}).get(key)
        plan.stabilised[key] = stabilise(e, x) if given is None else given
        forms[key], why[key] = choose_form(plan.stabilised[key], act, infos)
    plan.chosen = dict(forms)
    defaults = act.defaults()
    # f and f' together: one mask per branch serves both when their branches share their
    # conditions; keep that unless a faster form got rid of the Piecewise altogether
    plain = (plan.stabilised["f"], plan.stabilised["df"])
    pair, pair_why = (forms["f"], forms["df"]), (why["f"], why["df"])
    if (all(isinstance(e, sp.Piecewise) for e in (*plain, *pair))
            and _conditions(plain[0]) == _conditions(plain[1])):
        pair = plain
        pair_why = ("select sharing its masks with f'", "select sharing its masks with f")
    for key in derived:
        plan.kernels[key] = _kernel(act.name, key, (key,), [forms[key]], [why[key]],
                                    [derived[key]], x, infos, defaults)
        if key == "df":
            plan.kernels["vg"] = _kernel(act.name, "vg", ("f", "df"), list(pair),
                                         list(pair_why), [derived["f"], derived["df"]], x,
                                         infos, defaults)
    return plan


def _kernel(name, kind, outputs, forms, why, textbook, x, params, defaults) -> KernelPlan:
    body = make_body(forms)
    return KernelPlan(activation=name, kind=kind, outputs=tuple(outputs), x=x, params=params,
                      body=body, limits=tuple(limits_of(textbook, body, x, defaults)),
                      forms=tuple(why), textbook=tuple(textbook))
