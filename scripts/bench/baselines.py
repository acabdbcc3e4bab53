"""Baselines a NumPy user would write instead of symacts: the tutorial's code and naive lambdify.

The tutorial functions are copied from the audited tutorial (re-indented; the Mish derivative with
its lost ``*`` restored), with the parameter values its main blocks use (leaky slope 0.01, ELU
α = 1, Swish b = 1). Its ``softplus`` uses ``log10`` as written: it is timed as the code the
tutorial gives for softplus, not as a correct softplus.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Fn = Callable[[np.ndarray], np.ndarray]


# ---- the tutorial's code ------------------------------------------------------------------------

def relu(x):
    temp = np.zeros_like(x)
    if_bigger_zero = (x > temp)
    return x * if_bigger_zero


def dx_relu(x):
    temp = np.zeros_like(x)
    if_bigger_equal_zero = (x >= temp)
    return if_bigger_equal_zero * np.ones_like(x)


def leaky_relu(x):
    return np.where(x < 0, 0.01 * x, x)


def dx_leaky_relu(x):
    return np.where(x < 0, 0.01, 1)


def ELU(x):
    return np.where(x < 0, np.exp(x) - 1, x)


def dx_ELU(x):
    return np.where(x < 0, np.exp(x), 1)


def sech(x):
    return 2 / (np.exp(x) + np.exp(-x))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softplus(x):
    return np.log10(1 + np.exp(x))


def tanh(x):
    return ((np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)))


def mish(x):
    return x * tanh(softplus(x))


def dx_mish(x):
    fx = x * tanh(softplus(x))
    return sech(softplus(x)) * sech(softplus(x)) * x * sigmoid(x) + fx / x


b = 1


def s(x):
    return 1 / (1 + np.exp(-b * x))


def swish(x):
    return x / (1 + np.exp(-b * x))


def dx_swish(x):
    fx = x / (1 + np.exp(-b * x))
    return b * fx + s(x) * (1 - b * fx)


def silu(x):
    return x * sigmoid(x)


def dx_silu(x):
    return silu(x) + sigmoid(x) * (1 - silu(x))


#: symacts name -> (tutorial f, tutorial f' or None)
TUTORIAL: dict[str, tuple[Fn, Fn | None]] = {
    "relu": (relu, dx_relu),
    "leaky_relu": (leaky_relu, dx_leaky_relu),
    "elu": (ELU, dx_ELU),
    "sigmoid": (sigmoid, None),
    "tanh": (tanh, None),
    "softplus": (softplus, None),
    "mish": (mish, dx_mish),
    "swish": (swish, dx_swish),
    "silu": (silu, dx_silu),
}


# ---- naive lambdify -----------------------------------------------------------------------------

def lambdify_pair(name: str) -> tuple[Fn, Fn]:
    """``sympy.lambdify(x, expr, "numpy")`` of the catalog definition and derivative.

    Parameters take the catalog defaults; building blocks (σ, softplus, Φ, φ) are expanded to
    elementary functions; ``scipy`` is added to the modules only when erf/erfc appear (plain
    ``"numpy"`` would bind ``math.erf``, which rejects arrays).
    """
    import sympy as sp

    import symacts
    from symacts.functions import expand_blocks

    act = symacts.get(name)
    d = act.defaults()
    f = expand_blocks(act.expr.subs(d))
    df = expand_blocks(act.derivative().subs(d))
    special = any(e.has(sp.erf, sp.erfc) for e in (f, df))
    modules = ["scipy", "numpy"] if special else "numpy"
    return sp.lambdify(act.x, f, modules), sp.lambdify(act.x, df, modules)


def piecewise_linear_names() -> list[str]:
    """Catalog activations whose every branch (at the default parameters) is linear in x."""
    import sympy as sp

    import symacts

    out = []
    for name in symacts.names():
        act = symacts.get(name)
        e = act.expr.subs(act.defaults())
        pieces = [p.expr for p in e.args] if isinstance(e, sp.Piecewise) else [e]
        if all(p.is_polynomial(act.x) and sp.degree(p, act.x) <= 1 for p in pieces):
            out.append(name)
    return out
