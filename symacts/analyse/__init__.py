"""Derived properties of an activation: range and extrema, limits at ±∞, monotonicity of f
and f', smoothness class, f(0), f'(0), zero-centring, saturation.

Everything is computed from the definition (parameters at their defaults): exact SymPy values
where a closed form exists, otherwise high-precision numerics (mpmath root finding on f').
A property the analysis cannot decide is ``None``.

How: the definition is split at its breakpoints into elementary branches
(:mod:`.structure`); on each piece the signs of f' and f'' come from dense float sampling,
re-checked with mpmath where floats cannot be trusted, with every sign change certified at
higher precision and located by bracketing (:mod:`.numeric`); limits at ±∞ come from SymPy
under a deadline, cross-checked by evaluation at |x| up to 10³²; one-sided limits of the
branch derivatives at each breakpoint give the smoothness class (:mod:`.analysis`).
Results are cached on the activation (``act.properties()``).
"""

from __future__ import annotations

from .analysis import compute, properties
from .model import LIMIT_KEYS, Properties

__all__ = ["LIMIT_KEYS", "Properties", "compute", "properties"]
