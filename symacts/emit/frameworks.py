"""What ``symacts.torch`` and ``symacts.jax`` share: the printed modules, names, parameters.

Imports neither SymPy nor a framework: the catalog's printed code is read from
``generated/symacts_torch.py`` / ``generated/symacts_jax.py``; user activations are planned
and printed at run time (:func:`entry_for_activation`, which needs SymPy).
"""

from __future__ import annotations

import ast
import difflib
import importlib.util
import math
import operator
import re
import sys
import sysconfig
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import ParameterError, SymactsError, UnknownActivationError

__all__ = ["InputTypeError", "Param", "Partials", "Spec", "check_number", "check_rules",
           "load_generated", "resolve", "spec_from_entry"]


class InputTypeError(SymactsError, TypeError):
    """The input is not a real floating-point tensor or array."""


class UnknownNameError(UnknownActivationError, AttributeError):
    """``symacts.torch.NAME`` / ``symacts.jax.NAME`` for a name that is no activation."""


#: domain -> (rule in words, as in symacts.params)
DOMAINS = {
    "real": "a real number",
    "positive": "greater than 0",
    "nonnegative": "at least 0",
    "nonzero": "different from 0",
}


def in_domain(domain: str, v: Any) -> Any:
    """v (a number or an array) lies in the domain: a bool or an array of bools."""
    if domain == "positive":
        return v > 0
    if domain == "nonnegative":
        return v >= 0
    if domain == "nonzero":
        return v != 0
    return v == v  # real: anything but NaN


def load_generated(filename: str) -> ModuleType:
    """Import a generated module (source tree or installed copy) once."""
    mod_name = filename.removesuffix(".py")
    if mod_name in sys.modules:
        return sys.modules[mod_name]
    here = Path(__file__).resolve().parent
    candidates = [here.parent.parent / "generated" / filename,
                  Path(sysconfig.get_path("data")) / "share" / "symacts" / filename,
                  Path(sys.prefix) / "share" / "symacts" / filename]
    for path in candidates:
        if path.is_file():
            spec = importlib.util.spec_from_file_location(mod_name, path)
            mod = importlib.util.module_from_spec(spec)
            sys.modules[mod_name] = mod
            spec.loader.exec_module(mod)
            return mod
    tried = ", ".join(str(p) for p in candidates)
    raise ImportError(f"generated module {filename} not found (tried {tried}); "
                      "run `python scripts/regenerate.py`")


def _normalise(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip()).lower()


def resolve(name: Any, kernels: dict, aliases: dict) -> str:
    """The canonical catalog name for a name or alias (spellings like 'Leaky-ReLU' resolve)."""
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a string, got {type(name).__name__}")
    key = _normalise(name)
    spellings = {**{n: n for n in kernels}, **aliases}
    for k in (key, key.replace("_", "")):
        if k in spellings:
            return spellings[k]
        for s, canonical in spellings.items():
            if s.replace("_", "") == k:
                return canonical
    shown = name if len(name) <= 60 else name[:57] + "..."
    found = difflib.get_close_matches(key, list(spellings), n=6, cutoff=0.6) \
        if len(name) <= 100 else []
    matches = list(dict.fromkeys(spellings[f] for f in found))[:3]
    hint = f"; did you mean {', '.join(matches)}?" if matches else ""
    raise UnknownActivationError(
        f"unknown activation {shown!r}{hint} (symacts.define makes new ones; "
        "`symacts list` shows the catalog)")


@dataclass(frozen=True)
class Param:
    name: str
    default: float
    domain: str


@dataclass
class Spec:
    """One activation as an adapter sees it: its parameters, rules and printed kernels.

    ``fixed``: parameters bound to a value (``act.bind``), not accepted from the caller.
    """

    name: str
    params: tuple[Param, ...]
    rules: tuple[str, ...]
    entry: dict
    summary: str = ""
    formula: str = ""
    fixed: dict[str, float] = field(default_factory=dict)
    #: the Activation (None: the catalog entry of that name, looked up when needed)
    act: Any = None

    def activation(self) -> Any:
        """The :class:`~symacts.Activation` (imports SymPy)."""
        if self.act is None:
            from ..registry import get

            self.act = get(self.name)
        return self.act

    @property
    def free(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.name not in self.fixed)

    def named(self, args: tuple, params: dict) -> dict:
        """Positional parameters (in the order of ``free``) merged into the keyword ones."""
        if not args:
            return params
        free = [p.name for p in self.free]
        if len(args) > len(free):
            raise ParameterError(
                f"{self.name} takes {len(free)} parameter(s) ({', '.join(free) or 'none'}), "
                f"got {len(args)} positional")
        out = dict(params)
        for n, v in zip(free, args, strict=False):
            if n in out:
                raise ParameterError(f"{self.name}: parameter {n!r} given twice")
            out[n] = v
        return out

    def unknown(self, names) -> None:
        """Raise ParameterError for names that are not free parameters."""
        known = {p.name for p in self.free}
        bad = [n for n in names if n not in known]
        if bad:
            shown = ", ".join(p.name for p in self.free) or "none"
            extra = (f"; {', '.join(sorted(self.fixed))} bound to "
                     f"{', '.join(f'{v:g}' for v in self.fixed.values())}"
                     if self.fixed and any(b in self.fixed for b in bad) else "")
            raise ParameterError(
                f"{self.name} has no parameter {bad[0]!r} (its parameters: {shown}{extra})")


def spec_from_entry(entry: dict, fixed: dict | None = None) -> Spec:
    params = tuple(Param(n, float(d), dom) for n, d, dom in entry["params"])
    return Spec(entry["name"], params, tuple(entry["rules"]), entry,
                entry.get("summary", ""), entry.get("formula", ""), dict(fixed or {}))


def named_activation(fn: Callable, spec: Spec, module: str, params_are: str) -> Callable:
    """``fn`` named, documented and tagged as ``module.<name>`` of ``spec`` (its formula and
    its parameters' defaults in the docstring; ``params_are``: what parameters may be)."""
    fn.__name__ = fn.__qualname__ = spec.name
    ps = ", ".join(f"{p.name}={p.default:g}" for p in spec.free)
    fn.__doc__ = (f"{spec.summary}\n\n    f(x) = {spec.formula}\n\n"
                  f"    {module}.{spec.name}(x{', ' + ps if ps else ''}); parameters "
                  f"are {params_are}.")
    fn.spec = spec
    return fn


def check_number(spec: Spec, p: Param, value: Any) -> float:
    """A parameter given as a number, checked: real, finite, in its domain."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterError(
            f"{spec.name}: parameter {p.name!r} must be a real number or a tensor, "
            f"got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ParameterError(f"{spec.name}: parameter {p.name!r} must be finite, got {value!r}")
    if not in_domain(p.domain, v):
        raise ParameterError(
            f"{spec.name}: parameter {p.name!r} must be {DOMAINS[p.domain]}, got {value!r}")
    return v


def check_values(spec: Spec, p: Param, ok_all: bool) -> None:
    """Raise for an array parameter with a value outside its domain (ok_all: all fine)."""
    if not ok_all:
        raise ParameterError(
            f"{spec.name}: parameter {p.name!r} must be finite and {DOMAINS[p.domain]} "
            "everywhere; some of its values are not")


_OPS = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}


def _compare(rule: str, values: dict[str, Any]) -> Any:
    """A rule such as ``lower <= upper`` (the planner's comparisons of parameter names and
    numbers) evaluated on numbers or arrays."""
    tree = ast.parse(rule, mode="eval").body

    def value(node):
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -value(node.operand)
        raise ValueError(f"cannot evaluate rule {rule!r}")

    out = None
    left = value(tree.left)
    for op, comp in zip(tree.ops, tree.comparators, strict=True):
        right = value(comp)
        r = _OPS[type(op)](left, right)
        out = r if out is None else out & r
        left = right
    return out


def check_rules(spec: Spec, values: dict[str, Any], all_of=bool) -> None:
    """Raise ParameterError when a rule between parameters fails (``all_of`` reduces an
    array comparison to one bool)."""
    for rule in spec.rules:
        if not all_of(_compare(rule, values)):
            shown = ", ".join(f"{n}={values[n]}" for n in re.findall(r"[A-Za-z_]\w*", rule)
                              if n in values)
            raise ParameterError(f"{spec.name}: {rule} is required, got {shown}")


def is_catalog(act: Any, kernels: dict) -> bool:
    """A catalog activation (possibly with bound parameters), served by the printed module
    (``Activation.catalog``, as for ``symacts.kernels``)."""
    return bool(getattr(act, "catalog", False)) and act.name in kernels


def spec_for(act: Any, module: ModuleType, compile_plan) -> Spec:
    """The spec of any :class:`~symacts.Activation`: the catalog's printed kernels (bound
    parameters fixed) or kernels planned and printed now (``compile_plan(plan)``)."""
    if isinstance(act, str):
        return spec_from_entry(module.KERNELS[resolve(act, module.KERNELS, module.ALIASES)])
    if is_catalog(act, module.KERNELS):
        fixed = {k: float(v) for k, v in dict(getattr(act, "bound", {})).items()}
        spec = spec_from_entry(module.KERNELS[act.name], fixed)
        spec.act = act if not fixed else None  # derivatives are planned on the full entry
        return spec
    from .planner import plan_activation

    plan = plan_activation(act)
    plan.aliases = ()
    if not plan.name.isidentifier():
        plan.name = "user_kernel"
    spec = spec_from_entry(compile_plan(plan))
    spec.name = act.name
    spec.act = act
    return spec


class Partials:
    """The partial derivatives F_α of one activation (α: orders in x and in each parameter) as
    printed functions: f, f' and ∂f/∂p from the generated module, the others planned and
    printed by ``compile_derivative(act, α)`` when first asked for (SymPy, about a second
    each)."""

    def __init__(self, spec: Spec, compile_derivative: Callable[[Any, tuple], Callable]):
        self.spec = spec
        self.n = 1 + len(spec.params)
        e = spec.entry
        self.cores: dict[tuple, Callable] = {self.unit(None): e["f"], self.unit(0): e["df"]}
        for i, p in enumerate(spec.params):
            self.cores[self.unit(i + 1)] = e["dp"][p.name]
        self._compile = compile_derivative
        self.lock = threading.Lock()

    def unit(self, j: int | None) -> tuple:
        """α of ∂/∂(argument j) (0: x, i + 1: parameter i); None: f itself."""
        return tuple(int(i == j) for i in range(self.n))

    def core(self, alpha: tuple) -> Callable:
        """The printed function of F_α."""
        with self.lock:
            fn = self.cores.get(alpha)
        if fn is None:
            fn = self._compile(self.spec.activation(), alpha)
            with self.lock:
                fn = self.cores.setdefault(alpha, fn)
        return fn
