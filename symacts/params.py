"""Named parameters of an activation: default, domain, symbol and checks."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Real

import sympy as sp

from .errors import ParameterError

#: domain name -> (predicate on a float, rule in words, SymPy assumptions)
DOMAINS: dict[str, tuple] = {
    "real": (lambda v: True, "a real number", {"real": True}),
    "positive": (lambda v: v > 0, "greater than 0", {"real": True, "positive": True}),
    "nonnegative": (lambda v: v >= 0, "at least 0", {"real": True, "nonnegative": True}),
    "nonzero": (lambda v: v != 0, "different from 0", {"real": True, "nonzero": True}),
}

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "kappa", "mu", "nu", "rho", "tau", "theta",
}


@dataclass(frozen=True)
class ParamSpec:
    """One parameter: ``name``, exact ``default``, ``domain`` (a key of :data:`DOMAINS`)."""

    name: str
    default: sp.Expr
    domain: str = "real"
    doc: str = ""
    latex: str = ""
    symbol: sp.Symbol = field(init=False, compare=False)

    def __post_init__(self):
        if self.domain not in DOMAINS:
            raise ValueError(f"unknown domain {self.domain!r} for parameter {self.name!r}")
        object.__setattr__(self, "default", to_exact(self.default, self.name))
        assumptions = DOMAINS[self.domain][2]
        object.__setattr__(self, "symbol", sp.Symbol(self.name, **assumptions))
        if not self.latex:
            object.__setattr__(self, "latex", default_latex_name(self.name))

    @property
    def default_float(self) -> float:
        return float(self.default)

    def check(self, value: sp.Expr) -> None:
        """Raise :class:`ParameterError` unless ``value`` lies in the domain."""
        ok, rule, _ = DOMAINS[self.domain]
        if not value.is_number or not value.is_real:
            raise ParameterError(f"parameter {self.name!r} must be a real number, got {value}")
        if not ok(float(value)):
            raise ParameterError(f"parameter {self.name!r} must be {rule}, got {value}")


@dataclass(frozen=True)
class Param:
    """A parameter as a catalog entry declares it, under its name:
    ``params=dict(negative_slope=Param("0.01", doc="slope for x < 0"))``.

    ``default`` is exact (``"1/8"``, ``"0.01"``, an int or a SymPy number); ``domain`` is a key
    of :data:`DOMAINS`.
    """

    default: object
    domain: str = field(default="real", kw_only=True)
    doc: str = field(default="", kw_only=True)
    latex: str = field(default="", kw_only=True)

    def __post_init__(self):
        if self.domain not in DOMAINS:
            known = ", ".join(DOMAINS)
            raise ValueError(f"unknown domain {self.domain!r} (the domains are {known})")

    def spec(self, name: str) -> ParamSpec:
        """The :class:`ParamSpec` of this declaration under ``name``."""
        return ParamSpec(name, self.default, self.domain, self.doc, self.latex)


def default_latex_name(name: str) -> str:
    if name in _GREEK:
        return "\\" + name
    if name == "lambd":
        return r"\lambda"
    if len(name) == 1:
        return name
    return r"\mathrm{" + name.replace("_", r"\_") + "}"


def to_exact(value, name: str = "value") -> sp.Expr:
    """A user value as an exact SymPy number: ``0.01`` → 1/100, ``"1/8"`` → 1/8.

    Floats are read through their shortest repr, so ``0.1`` becomes 1/10, not the binary double.
    """
    if isinstance(value, bool):
        raise ParameterError(f"parameter {name!r} must be a real number, got {value!r}")
    if isinstance(value, sp.Basic):
        expr = value
    elif isinstance(value, Real):
        f = float(value)
        if not math.isfinite(f):
            raise ParameterError(f"parameter {name!r} must be finite, got {value!r}")
        expr = sp.Integer(int(value)) if isinstance(value, int) else sp.Rational(repr(f))
    elif isinstance(value, str):
        try:
            expr = sp.Rational(value.strip())
        except (TypeError, ValueError, SyntaxError):
            raise ParameterError(
                f"parameter {name!r} must be a number like 0.25 or 1/8, got {value!r}"
            ) from None
    else:
        raise ParameterError(f"parameter {name!r} must be a real number, got {value!r}")
    if not expr.is_number or not expr.is_real or not expr.is_finite:
        raise ParameterError(f"parameter {name!r} must be a finite real number, got {value!r}")
    return expr
