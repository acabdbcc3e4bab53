"""Activations a researcher might define, none of them in the catalog: the accuracy sweep and
the tests hold their kernels (compiled at run time from ``symacts.define``) to the catalog's
gate. Each is written the way a paper or a first attempt would write it, not tuned."""

from __future__ import annotations

import symacts

#: name → (definition as written, parameters with defaults)
DEFINED: dict[str, tuple[str, dict[str, float] | None]] = {
    "tanh_exp": ("x*tanh(exp(x))", None),
    "sqrt_step": ("x*(1 + x/sqrt(1 + x**2))/2", None),
    "sigmoid_power": ("x*sigmoid(b*x)**c", {"b": 1.0, "c": 2.0}),
    "kink_max": ("max(x, 0.3*x - 1)", None),
    "swish_by_hand": ("x/(1 + exp(-b*x))", {"b": 1.0}),
    "mish_by_hand": ("x*tanh(log(1 + exp(x)))", None),
    "gelu_by_hand": ("x*(1 + erf(x/sqrt(2)))/2", None),
    "softsign_by_hand": ("x/(1 + abs(x))", None),
    "serf": ("x*erf(log(1 + exp(x)))", None),
    "softplus_by_hand": ("log(1 + exp(b*x))/b", {"b": 2.0}),
    "asinh_unit": ("asinh(x)", None),
    "gaussian_bump": ("exp(-x**2/2)/(1 + x**2)", None),
    "x_tanh": ("x*tanh(x)", None),
    "logsigmoid_by_hand": ("log(1/(1 + exp(-x)))", None),
    "rational_unit": ("x*(1 + x)/(1 + x**2)", None),
}


def define(name: str):
    """The activation ``name`` of :data:`DEFINED`, registered (again) with ``symacts.define``."""
    expr, params = DEFINED[name]
    return symacts.define(name, expr, params=params, replace=True,
                          summary=f"defined as {expr}")
