"""symacts: activation functions defined once in SymPy; derivatives, properties, kernels,
formula sheets and verification derived from that single source.

The API (``get``, ``names``, ``define``, ``verify``, ...) loads on first use, so that
``import symacts.kernels`` needs only NumPy and SciPy.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    "Activation", "DerivationError", "FormulaError", "ParameterError", "SymactsError",
    "UnknownActivationError", "all_activations", "define", "get", "names",
}
_LAZY_MODULES = {"verify": ("symacts.verify", "verify")}
_SUBPACKAGES = {"analyse", "kernels", "plots", "sheets"}

__all__ = sorted(_API | set(_LAZY_MODULES) | _SUBPACKAGES)


def __getattr__(name: str) -> Any:
    if name in _API:
        api = importlib.import_module("symacts.api")
        return getattr(api, name)
    if name in _LAZY_MODULES:
        importlib.import_module("symacts.api")
        module, attr = _LAZY_MODULES[name]
        return getattr(importlib.import_module(module), attr)
    if name in _SUBPACKAGES:
        return importlib.import_module(f"symacts.{name}")
    raise AttributeError(f"module 'symacts' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _API | set(_LAZY_MODULES) | _SUBPACKAGES)
