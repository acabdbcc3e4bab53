"""The :class:`Activation`: one definition, everything else derived from it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from . import derive, display
from .errors import DerivationError, ParameterError
from .functions import BuildingBlock, self_reference
from .params import ParamSpec, to_exact

#: the input symbol shared by every activation
X = sp.Symbol("x", real=True)


@dataclass(frozen=True)
class Constraint:
    """A rule between parameters, e.g. ``lower <= upper``."""

    names: tuple[str, ...]
    test: Any  # callable(*values) -> bool
    rule: str


@dataclass(frozen=True)
class Paper:
    authors: str
    year: int
    title: str = ""

    def __str__(self) -> str:
        head = f"{self.authors} ({self.year})"
        return f"{head}, “{self.title}”" if self.title else head


@dataclass(eq=False)
class Activation:
    """An activation function defined once as a SymPy expression in ``x``.

    ``kinks`` maps each kink point to the value of f' exactly there (the convention);
    ``removable`` lists removable singularities (sinc at 0).
    """

    name: str
    expr: sp.Expr
    param_specs: tuple[ParamSpec, ...] = ()
    aliases: tuple[str, ...] = ()
    kinks: Mapping = field(default_factory=dict)
    removable: tuple = ()
    constraints: tuple[Constraint, ...] = ()
    paper: Paper | None = None
    summary: str = ""
    plot_range: tuple[float, float] = (-10.0, 10.0)
    families: tuple[str, ...] = ()
    user_defined: bool = False
    #: made by a catalog entry (or bound from one): its kernels are the generated module's
    catalog: bool = False
    bound: Mapping = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False)

    x = X

    def __post_init__(self):
        self.expr = derive.normalise(sp.sympify(self.expr))
        self.aliases = tuple(self.aliases)
        self.kinks = {sp.sympify(k): sp.sympify(v) for k, v in dict(self.kinks).items()}
        self.removable = tuple(sp.sympify(p) for p in self.removable)

    # -- parameters ---------------------------------------------------------------------
    @property
    def params(self) -> dict[str, float]:
        """Parameter name → default value (float)."""
        return {p.name: p.default_float for p in self.param_specs}

    def param(self, name: str) -> ParamSpec:
        for p in self.param_specs:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.param_specs) or "none"
        raise ParameterError(
            f"{self.name} has no parameter {name!r} (its parameters: {known})"
        )

    def symbol(self, name: str) -> sp.Symbol:
        """The SymPy symbol of parameter ``name``."""
        return self.param(name).symbol

    @property
    def symbols(self) -> dict[str, sp.Symbol]:
        return {p.name: p.symbol for p in self.param_specs}

    def defaults(self) -> dict[sp.Symbol, sp.Expr]:
        """Symbol → exact default, for substitution."""
        return {p.symbol: p.default for p in self.param_specs}

    def check_params(self, values: Mapping[str, Any]) -> dict[str, sp.Expr]:
        """Validate ``values`` (name → number); return name → exact value."""
        exact = {}
        for name, value in values.items():
            spec = self.param(name)
            v = to_exact(value, name)
            spec.check(v)
            exact[name] = v
        full = {p.name: exact.get(p.name, p.default) for p in self.param_specs}
        for c in self.constraints:
            if any(n in exact for n in c.names) or not exact:
                args = [float(full[n]) for n in c.names]
                if not c.test(*args):
                    shown = ", ".join(f"{n}={full[n]}" for n in c.names)
                    raise ParameterError(f"{self.name}: {c.rule} is required, got {shown}")
        return exact

    def bind(self, **values: Any) -> Activation:
        """A new activation with the given parameters fixed (``act.bind(beta=2.0)``)."""
        exact = self.check_params(values)
        subs = {self.symbol(n): v for n, v in exact.items()}
        return Activation(
            name=self.name,
            expr=self.expr.subs(subs),
            param_specs=tuple(p for p in self.param_specs if p.name not in exact),
            aliases=self.aliases,
            kinks={sp.sympify(k).subs(subs): sp.sympify(v).subs(subs)
                   for k, v in self.kinks.items()},
            removable=tuple(sp.sympify(p).subs(subs) for p in self.removable),
            constraints=tuple(c for c in self.constraints
                              if not any(n in exact for n in c.names)),
            paper=self.paper,
            summary=self.summary,
            plot_range=self.plot_range,
            families=self.families,
            user_defined=self.user_defined,
            catalog=self.catalog,
            bound={**self.bound, **exact},
        )

    def with_defaults(self) -> Activation:
        """Every parameter fixed at its default."""
        return self.bind(**{p.name: p.default for p in self.param_specs})

    # -- derivation -------------------------------------------------------------------------
    def _variable(self, wrt: str | None) -> sp.Symbol:
        if wrt is None or wrt == "x":
            return X
        if not isinstance(wrt, str):
            raise DerivationError(f"wrt must be a parameter name or None, got {wrt!r}")
        return self.symbol(wrt)

    @staticmethod
    def _check_order(order: Any) -> int:
        if isinstance(order, bool) or not isinstance(order, int | sp.Integer):
            raise DerivationError(f"order must be an integer >= 1, got {order!r}")
        if int(order) < 1:
            raise DerivationError(f"order must be an integer >= 1, got {order}")
        if int(order) > 20:
            raise DerivationError(f"order must be at most 20, got {order}")
        return int(order)

    def derivative(self, order: int = 1, wrt: str | None = None) -> sp.Expr:
        """d^n f / d wrt^n (wrt=None: the input x), with the kink conventions applied."""
        order = self._check_order(order)
        var = self._variable(wrt)
        key = ("d", order, str(var))
        if key not in self._cache:
            self._cache[key] = derive.differentiate(
                self.expr, X, var, order,
                kinks=self.kinks, removable=self.removable, defaults=self.defaults(),
            )
        return self._cache[key]

    @property
    def f(self) -> type:
        """The self-reference function class, printed ``f``: f(u) = definition at u."""
        if "f" not in self._cache:
            self._cache["f"] = self_reference(self.name, X, self.expr)
        return self._cache["f"]

    def display_derivative(self, order: int = 1, wrt: str | None = None) -> sp.Expr:
        """The derivative in compact textbook form (building blocks, f(x) where shorter)."""
        order = self._check_order(order)
        key = ("display", order, str(self._variable(wrt)))
        if key not in self._cache:
            d = self.derivative(order, wrt)
            f_def = self.expr if not isinstance(self.expr, sp.Piecewise) else None
            self._cache[key] = display.compact(
                d, X, self.defaults(), f_def=f_def, f_ref=self.f(X) if f_def is not None else None
            )
        return self._cache[key]

    def display_definition(self) -> sp.Expr:
        """The definition as printed: a block named after the activation is written out."""
        names = {self.name, *self.aliases}
        reps = {
            a: a.closed_form(a.args[0])
            for a in self.expr.atoms(sp.Function)
            if isinstance(a, BuildingBlock) and type(a).__name__ in names
        }
        return self.expr.xreplace(reps) if reps else self.expr

    def kink_values(self) -> dict:
        """Kink point → value of f' exactly there (evaluated from the derivative)."""
        d = self.derivative(1)
        return {p: sp.piecewise_fold(d.subs(X, p)) for p in self.kink_points()}

    def kink_points(self) -> tuple:
        """Declared kinks, else the boundaries found in the definition."""
        if self.kinks:
            return tuple(self.kinks)
        return derive.detect_kinks(self.expr, X)

    # -- products derived elsewhere -------------------------------------------------------
    def properties(self):
        """Derived properties: range, limits, monotonicity, smoothness, extrema, f(0), f'(0)."""
        from .analyse import properties

        return properties(self)

    def kernel(self):
        """NumPy kernels (forward, grad, value_and_grad) for this activation."""
        from .kernels import kernel_for

        return kernel_for(self)

    # -- printing -----------------------------------------------------------------------------
    def latex(self) -> str:
        from .latex import to_latex

        return to_latex(self.display_definition(), self)

    def derivative_latex(self, order: int = 1, wrt: str | None = None) -> str:
        from .latex import to_latex

        return to_latex(self.display_derivative(order, wrt), self)

    def formula(self) -> str:
        """One-line plain-text formula."""
        from .text import to_text

        return to_text(self.display_definition())

    def __call__(self, value: Any, **params: Any) -> sp.Expr:
        """f at a value (exact when possible), parameters at defaults unless given."""
        exact = self.check_params(params)
        subs = {p.symbol: exact.get(p.name, p.default) for p in self.param_specs}
        subs[X] = sp.sympify(value)
        return sp.piecewise_fold(self.expr.subs(subs))

    def __repr__(self) -> str:
        ps = ", ".join(f"{k}={v:g}" for k, v in self.params.items())
        return f"Activation({self.name}{'; ' + ps if ps else ''})"

