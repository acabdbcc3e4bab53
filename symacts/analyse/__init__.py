"""Derived properties of an activation: range and extrema, limits at ±∞, monotonicity of f
and f', smoothness class, f(0), f'(0), zero-centring, saturation.

Everything is computed from the definition (parameters at their defaults): exact SymPy values
where a closed form exists, otherwise high-precision numerics (mpmath root finding on f').
A property the analysis cannot decide is ``None``.
"""

from __future__ import annotations

from .core import compute, properties
from .model import LIMIT_KEYS, Properties

__all__ = ["LIMIT_KEYS", "Properties", "compute", "properties"]
