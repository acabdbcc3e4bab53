"""The public API, loaded on first use (so ``import symacts.kernels`` needs no SymPy)."""

from __future__ import annotations

from .activation import Activation
from .errors import (
    DerivationError,
    FormulaError,
    ParameterError,
    SymactsError,
    UnknownActivationError,
)
from .registry import all_activations, get, names
from .userdef import define

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
