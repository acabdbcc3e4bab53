"""What a sheet says about one activation, rendered once and shared by the TeX and Markdown
writers: names, definition, parameters, constants, f', parameter gradients, the values at the
kinks, properties and the paper. Every formula comes from the engine (display forms)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy as sp

from ..activation import Activation
from ..functions import NamedConstant
from ..latex import number_latex, to_latex
from ..params import DOMAINS
from . import property_table as props_mod


@dataclass(frozen=True)
class Param:
    name: str
    tex: str  # the symbol, LaTeX
    default_tex: str
    default_text: str
    domain: str  # in words
    doc: str


@dataclass(frozen=True)
class Entry:
    """One activation as the sheets show it (LaTeX strings without math delimiters)."""

    name: str
    aliases: tuple[str, ...]
    summary: str
    definition: str
    params: tuple[Param, ...]
    constants: tuple[tuple[str, str], ...]  # (symbol LaTeX, decimal digits)
    derivative: str
    gradients: tuple[tuple[str, str], ...]  # (parameter LaTeX, ∂f/∂p LaTeX)
    kinks: tuple[tuple[str, str, str], ...]  # (point LaTeX, f'(point) LaTeX, float text)
    properties: tuple[props_mod.Row, ...]
    cells: dict  # short LaTeX for the comparison table, by property key
    paper: str | None
    families: tuple[str, ...] = field(default=())


def _constants(act: Activation) -> tuple[tuple[str, str], ...]:
    found = {a for a in act.expr.atoms(sp.NumberSymbol) if isinstance(a, NamedConstant)}
    return tuple(
        (c.latex_symbol, c.digits) for c in sorted(found, key=lambda c: type(c).__name__)
    )


def _kinks(act: Activation) -> tuple[tuple[str, str, str], ...]:
    out = []
    values = act.kink_values()
    points = sorted(values, key=lambda p: float(sp.sympify(p).subs(act.defaults())))
    for p in points:
        v = values[p]
        try:
            num = float(sp.sympify(v).subs(act.defaults()))
            shown = f"{num:.10g}"
        except (TypeError, ValueError):
            shown = ""
        out.append((to_latex(p, act), to_latex(v, act), shown))
    return tuple(out)


def entry(act: Activation) -> Entry:
    """The sheet content of ``act``."""
    params = tuple(
        Param(
            name=p.name,
            tex=p.latex,
            default_tex=number_latex(p.default),
            default_text=str(p.default),
            domain=DOMAINS[p.domain][1],
            doc=p.doc,
        )
        for p in act.param_specs
    )
    props = props_mod.get_properties(act)
    gradients = tuple((p.latex, act.derivative_latex(1, p.name)) for p in act.param_specs)
    return Entry(
        name=act.name,
        aliases=tuple(act.aliases),
        summary=act.summary,
        definition=act.latex(),
        params=params,
        constants=_constants(act),
        derivative=act.derivative_latex(1),
        gradients=gradients,
        kinks=_kinks(act),
        properties=tuple(props_mod.rows(act, props)),
        cells=props_mod.summary_rows(act, props),
        paper=str(act.paper) if act.paper else None,
        families=tuple(act.families),
    )


def entries(acts: Sequence[Activation]) -> list[Entry]:
    return [entry(a) for a in acts]
