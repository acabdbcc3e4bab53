"""``symacts.define``: user activations that behave like catalog ones."""

from __future__ import annotations

import keyword
from collections.abc import Mapping
from typing import Any

import sympy as sp

from . import registry
from .activation import Activation, Paper, X
from .errors import FormulaError, ParameterError
from .params import ParamSpec
from .parse import CONSTANTS, FUNCTIONS, parse_formula


def _param_specs(params: Mapping[str, Any] | None) -> tuple[ParamSpec, ...]:
    specs = []
    for name, default in (params or {}).items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise ParameterError(f"parameter name {name!r} is not a valid identifier")
        if name.startswith("_") or name == "x" or name in CONSTANTS or name in FUNCTIONS:
            raise ParameterError(f"parameter name {name!r} is reserved")
        specs.append(ParamSpec(name, default, "real"))
    return tuple(specs)


def _adopt(expr: sp.Expr, specs: tuple[ParamSpec, ...]) -> sp.Expr:
    """Map a user's SymPy symbols onto ours (x real, parameters by name)."""
    by_name = {"x": X, **{p.name: p.symbol for p in specs}}
    reps = {}
    for s in expr.free_symbols:
        if s.name not in by_name:
            allowed = ", ".join(by_name)
            raise FormulaError(f"unknown symbol {s.name!r} in expression; allowed: {allowed}")
        reps[s] = by_name[s.name]
    return expr.xreplace(reps)


def define(
    name: str,
    expr: str | sp.Expr,
    params: Mapping[str, Any] | None = None,
    *,
    aliases: tuple[str, ...] = (),
    kinks: Mapping | None = None,
    paper: tuple | None = None,
    summary: str = "",
    plot_range: tuple[float, float] = (-10.0, 10.0),
    replace: bool = False,
) -> Activation:
    """Register a user activation, e.g. ``define("my_act", "x*tanh(softplus(x))")``.

    A string is read like a claim in ``verify``: implicit products (``2x``), Greek letters
    (``β`` for a parameter named ``beta``), and piecewise formulas ``x if x > 0 else 0.1x`` or
    ``where(x < 0, 0.1x, x)``. ``params`` maps parameter names to defaults. ``kinks`` maps
    kink points to the value of f' there (default: the branch whose condition holds).
    Redefining a name needs ``replace=True``; catalog names cannot be replaced.
    """
    if not isinstance(name, str) or not registry.NAME_RE.match(name):
        raise ValueError(
            f"activation name {name!r} must be lowercase snake_case "
            "(letters, digits, underscores; starting with a letter)"
        )
    specs = _param_specs(params)
    if isinstance(expr, str):
        sym = {p.name: p.symbol for p in specs}
        parsed = parse_formula(expr, X, sym, conditions=True)
    elif isinstance(expr, sp.Basic):
        parsed = _adopt(expr, specs)
    else:
        raise FormulaError(
            f"expr must be a string or a SymPy expression, got {type(expr).__name__}"
        )
    if not parsed.has(X):
        raise FormulaError("the definition does not depend on x")
    act = Activation(
        name=name,
        expr=parsed,
        param_specs=specs,
        aliases=tuple(aliases),
        kinks=dict(kinks or {}),
        paper=Paper(*paper) if paper else None,
        summary=summary or "user-defined activation",
        plot_range=plot_range,
        user_defined=True,
    )
    return registry.register(act, replace=replace)
