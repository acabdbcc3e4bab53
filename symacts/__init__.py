"""symacts: activation functions defined once in SymPy; derivatives, properties, kernels,
formula sheets and verification derived from that single source."""

from __future__ import annotations

from . import catalog as _catalog
from .activation import Activation
from .errors import (
    DerivationError,
    FormulaError,
    ParameterError,
    SymactsError,
    UnknownActivationError,
)
from .registry import all_activations, get, names, register
from .userdef import define

for _act in _catalog.ENTRIES:
    register(_act)
del _act

__version__ = "0.1.0"

__all__ = [
    "Activation",
    "DerivationError",
    "FormulaError",
    "ParameterError",
    "SymactsError",
    "UnknownActivationError",
    "all_activations",
    "define",
    "get",
    "names",
]
