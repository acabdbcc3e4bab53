"""Runtime access to the generated NumPy kernels (imports NumPy and SciPy only, never SymPy).

    import symacts.kernels as K
    K.mish(x); K.mish_grad(x); f, df = K.mish_value_and_grad(x)
    K.swish(x, beta=2.0); K.swish_grad(x, beta=2.0, wrt="beta")
    K.kernel_for(symacts.get("gelu"))          # the same functions, as a Kernel
    K.kernel_for(symacts.define("my", "x*tanh(x)"))   # compiled at run time (uses SymPy)

Every catalog name and alias NAME gives ``NAME``, ``NAME_grad`` and ``NAME_value_and_grad``.

Two backends serve them with the same signatures and semantics: ``"compiled"`` (fused SIMD loops
printed as C, built by ``pip install`` with SLEEF; also as NumPy ufuncs in
:mod:`symacts.kernels.ufuncs`) and ``"numpy"`` (the generated NumPy module). ``BACKEND`` says
which one serves, ``BACKEND_REASON`` why; ``SYMACTS_BACKEND=numpy`` forces the NumPy kernels,
``SYMACTS_BACKEND=compiled`` makes the import fail unless the compiled ones serve.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ._load import load_compiled, load_generated

__all__ = ["BACKEND", "BACKEND_REASON", "NUMPY", "Kernel", "kernel_for", "names"]

#: the generated NumPy module (always there: the reference backend)
NUMPY = load_generated()
_compiled, BACKEND_REASON = load_compiled(NUMPY)
#: "compiled" or "numpy": which kernels NAME, NAME_grad, NAME_value_and_grad are
BACKEND = "compiled" if _compiled is not None else "numpy"
if _compiled is not None:
    from .compiled import build_namespace

    _front = build_namespace(_compiled, NUMPY)
else:
    _front = {"KERNELS": NUMPY.KERNELS, "ALIASES": NUMPY.ALIASES}
_mod = NUMPY
KERNELS = _front["KERNELS"]
ALIASES = _front["ALIASES"]


@dataclass(frozen=True)
class Kernel:
    """The three kernels of one activation: ``f``, ``grad`` (f' or ∂f/∂p), ``value_and_grad``."""

    name: str
    f: Any
    grad: Any
    value_and_grad: Any
    source: str = ""
    #: where the self-check found the kernels off target (compiled at run time only)
    findings: tuple = ()

    def __call__(self, x, **params):
        return self.f(x, **params)


def names() -> list[str]:
    """Canonical names with generated kernels."""
    return sorted(KERNELS)


def kernel_for(act: Any) -> Kernel:
    """Kernels for an :class:`~symacts.Activation` or a catalog name.

    Catalog activations (also with bound parameters) use the generated module; user-defined
    or modified ones are compiled at run time by the same pipeline (needs SymPy).
    """
    if isinstance(act, str):
        name = ALIASES.get(act, act)
        if name not in KERNELS:
            raise KeyError(f"no kernel named {act!r}")
        return Kernel(name, *KERNELS[name])
    name = getattr(act, "name", None)
    if name in KERNELS and getattr(act, "catalog", False):
        f, g, vg = KERNELS[name]
        bound = {k: float(v) for k, v in dict(getattr(act, "bound", {})).items()}
        if bound:
            return Kernel(name, functools.partial(f, **bound), functools.partial(g, **bound),
                          functools.partial(vg, **bound))
        return Kernel(name, f, g, vg)
    return _compile(act)


def _compile(act: Any) -> Kernel:
    if BACKEND == "compiled":
        kern = _compile_c(act)
        if kern is not None:
            return kern
    from ..emit import compile_activation

    mod = compile_activation(act)
    name = next(iter(mod.KERNELS))
    return Kernel(act.name, *mod.KERNELS[name], source=mod.__source__,
                  findings=mod.__findings__)


class _NoCompilerError(Exception):
    """The C kernels of a plan cannot be built here (no compiler or SLEEF)."""


def _compile_c(act: Any) -> Kernel | None:
    """The activation's kernels compiled as C at run time (cached on disk) through the same
    self-check as the NumPy ones, or None without a compiler or SLEEF (then the NumPy
    pipeline compiles them)."""
    from types import SimpleNamespace

    from ..emit import EmitError
    from ..emit.trusted import report_findings, trusted_kernels
    from .compiled import build_namespace
    from .runtime import compile_kernels

    def compile_plan(plan):
        plan.aliases = ()
        if not plan.name.isidentifier():
            plan.name = "user_kernel"
        mod, _ = compile_kernels(plan)
        if mod is None:
            raise _NoCompilerError
        f, g, vg = build_namespace(mod, NUMPY)["KERNELS"][plan.name]
        return SimpleNamespace(f=f, grad=g, value_and_grad=vg, source=mod.__source__)

    from ..emit.numpy_module import compile_plan as numpy_plan

    try:
        _, kern, findings = trusted_kernels(act, compile_plan, draft=numpy_plan)
    except (EmitError, _NoCompilerError):
        return None
    report_findings(act, findings, stacklevel=4)
    return Kernel(act.name, kern.f, kern.grad, kern.value_and_grad, source=kern.source,
                  findings=tuple(findings))


def __getattr__(name: str) -> Any:
    if name in _front:
        return _front[name]
    if name == "ufuncs":
        import importlib

        return importlib.import_module(__name__ + ".ufuncs")
    try:
        return getattr(_mod, name)
    except AttributeError:
        raise AttributeError(f"symacts.kernels has no kernel {name!r}") from None


def __dir__() -> list[str]:
    public = [n for n in vars(_mod) if not n.startswith("_") and n not in ("np",)]
    return sorted(set(__all__) | set(public) | set(_front) | {"ufuncs"})
