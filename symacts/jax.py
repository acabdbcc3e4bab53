"""symacts activations for JAX: ``jax.numpy`` code with closed-form, stable derivatives.

    import symacts.jax as sj
    y = sj.mish(x)                                   # every catalog name and alias
    g = jax.grad(lambda b: sj.swish(x, beta=b).sum())(1.5)
    fn = sj.function(symacts.define("my", "x*tanh(softplus(b*x))", params={"b": 1}))

Each activation is a ``jax.custom_jvp`` whose tangent is the engine's f' (and ∂f/∂p for
parameters) printed from the kernel plans (``generated/symacts_jax.py``). Those derivatives
are ``custom_jvp`` functions too, whose own derivatives are the engine's second derivatives,
planned and printed when first traced (SymPy, about a second each), and so on to any order:
``jit``, ``vmap``, ``grad`` and grad-of-grad all see closed forms, finite wherever the truth is
finite, with the limits at ±∞. Where f and f' are both needed, one fused kernel computes them.
float16 and bfloat16 are computed in float32.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

try:
    import jax
    import jax.numpy as jnp
    from jax.custom_derivatives import SymbolicZero
except ImportError as exc:  # pragma: no cover - exercised only without jax
    raise ImportError("symacts.jax needs JAX: pip install 'symacts[jax]'") from exc

import numpy as np

from .emit import frameworks as _fw

__all__ = ["InputTypeError", "function", "names"]

InputTypeError = _fw.InputTypeError

_GEN = _fw.load_generated("symacts_jax.py")
_LOCK = threading.Lock()
_BY_NAME: dict[str, Callable] = {}
_FAST = (np.dtype(np.float32), np.dtype(np.float64))


def names() -> list[str]:
    """Canonical names of the catalog activations (every alias works too)."""
    return sorted(_GEN.KERNELS)


def _compile_derivative(act, alpha: tuple):
    from .emit.jax_printer import compile_derivative

    return compile_derivative(act, alpha)


class _Tower(_fw.Partials):
    """The partial derivatives F_α (α = orders in x and in each parameter) of one activation,
    each a ``custom_jvp`` whose tangent is Σ_j F_{α+e_j}·t_j."""

    def __init__(self, spec: _fw.Spec):
        super().__init__(spec, _compile_derivative)
        self.fused = spec.entry["vg"]
        self.fns: dict[tuple, Callable] = {}

    def evaluate(self, alphas: tuple, x, ps) -> tuple:
        out = {}
        zero, dx = (0,) * self.n, self.unit(0)
        if zero in alphas and dx in alphas:
            out[zero], out[dx] = self.fused(x, *ps)
        for a in alphas:
            if a not in out:
                out[a] = self.core(a)(x, *ps)
        return tuple(out[a] for a in alphas)

    def fn(self, alphas: tuple) -> Callable:
        """``F(x, *params) -> (F_α for α in alphas)`` as one custom_jvp function."""
        with self.lock:
            f = self.fns.get(alphas)
        if f is not None:
            return f

        @jax.custom_jvp
        def F(x, *ps):
            return self.evaluate(alphas, x, ps)

        def jvp(primals, tangents):
            live = [j for j, t in enumerate(tangents) if not isinstance(t, SymbolicZero)]
            more = []
            for a in alphas:
                for j in live:
                    b = tuple(v + (i == j) for i, v in enumerate(a))
                    if b not in alphas and b not in more:
                        more.append(b)
            every = alphas + tuple(more)
            vals = self.fn(every)(*primals)
            at = dict(zip(every, vals, strict=True))
            outs = vals[:len(alphas)]
            tans = []
            for a, o in zip(alphas, outs, strict=True):
                t = None
                for j in live:
                    b = tuple(v + (i == j) for i, v in enumerate(a))
                    term = at[b] * tangents[j]
                    t = term if t is None else t + term
                tans.append(jnp.zeros_like(o) if t is None
                            else jnp.broadcast_to(t, o.shape).astype(o.dtype))
            return outs, tuple(tans)

        F.defjvp(jvp, symbolic_zeros=True)
        with self.lock:
            f = self.fns.setdefault(alphas, F)
        return f


def _is_tracer(v: Any) -> bool:
    return isinstance(v, jax.core.Tracer)


def _make(spec: _fw.Spec) -> Callable:
    tower = _Tower(spec)
    free = spec.free
    base = ((0,) * tower.n,)

    def activation(x: Any, *args: Any, **params: Any) -> jax.Array:
        params = spec.named(args, params)
        if isinstance(x, (int, float)) and not isinstance(x, bool):
            x = jnp.asarray(float(x))
        elif not isinstance(x, jax.Array):
            x = jnp.asarray(x)
        if not jnp.issubdtype(x.dtype, jnp.floating):
            raise InputTypeError(f"symacts.jax.{spec.name}: x must be a real floating-point "
                                 f"array, got {x.dtype}")
        if params:
            spec.unknown(params)
        ct = x.dtype if x.dtype in _FAST else jnp.dtype(jnp.float32)
        numbers = dict(spec.fixed)
        values: dict[str, Any] = {}
        traced = []
        arrays = False
        for p in free:
            v = params.get(p.name, p.default)
            if isinstance(v, bool) or not (isinstance(v, (int, float, np.number))
                                           or hasattr(v, "dtype")):
                raise _fw.ParameterError(
                    f"{spec.name}: parameter {p.name!r} must be a real number or an array, "
                    f"got {v!r}")
            if isinstance(v, (int, float, np.number)) and not isinstance(v, np.ndarray):
                numbers[p.name] = _fw.check_number(spec, p, v)
                values[p.name] = jnp.asarray(numbers[p.name], ct)
                continue
            arrays = True
            a = jnp.asarray(v)
            if not (jnp.issubdtype(a.dtype, jnp.floating) or jnp.issubdtype(a.dtype, jnp.integer)):
                raise InputTypeError(f"symacts.jax.{spec.name}: parameter {p.name!r} must be a "
                                     f"real array, got {a.dtype}")
            if _is_tracer(a):
                traced.append(p)
            else:
                ok = bool(np.all(np.isfinite(np.asarray(a)) & _fw.in_domain(p.domain,
                                                                            np.asarray(a))))
                _fw.check_values(spec, p, ok)
            values[p.name] = a.astype(ct)
        if spec.rules:
            if not arrays:
                _fw.check_rules(spec, numbers)
            elif not any(_is_tracer(values[n]) for n in values):
                named = {**numbers, **{k: np.asarray(v) for k, v in values.items()}}
                _fw.check_rules(spec, named, all_of=lambda b: bool(np.all(b)))
        ps = [values[p.name] if p.name in values else jnp.asarray(spec.fixed[p.name], ct)
              for p in spec.params]
        (out,) = tower.fn(base)(x.astype(ct), *ps)
        if traced:  # values unknown while tracing: NaN wherever a parameter is out of domain
            ok = None
            for p in traced:
                v = values[p.name]
                good = jnp.isfinite(v) & _fw.in_domain(p.domain, v)
                ok = good if ok is None else ok & good
            out = jnp.where(ok, out, jnp.nan)
        return out.astype(x.dtype)

    return _fw.named_activation(activation, spec, "symacts.jax",
                                "numbers or arrays (broadcast, differentiable)")


def _catalog(name: str) -> Callable:
    canonical = _fw.resolve(name, _GEN.KERNELS, _GEN.ALIASES)
    with _LOCK:
        fn = _BY_NAME.get(canonical)
        if fn is None:
            fn = _BY_NAME[canonical] = _make(_fw.spec_from_entry(_GEN.KERNELS[canonical]))
    return fn


def function(act: Any) -> Callable:
    """``fn(x, **params)`` for any activation: a catalog name or alias, or an
    :class:`~symacts.Activation` (``symacts.get(...)``, ``.bind(...)``, ``symacts.define``).

    Catalog activations use the printed module; others are planned and printed now (SymPy,
    about a second per activation).
    """
    if isinstance(act, str):
        return _catalog(act)
    if not hasattr(act, "expr") or not hasattr(act, "param_specs"):
        raise TypeError(f"function() takes an activation name or a symacts.Activation, "
                        f"got {type(act).__name__}")
    spec = _fw.spec_for(act, _GEN, _compile_plan)
    if not spec.fixed and not act.user_defined:
        return _catalog(act.name)
    return _make(spec)


def _compile_plan(plan):
    from .emit.jax_printer import compile_plan

    return compile_plan(plan)


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        return _catalog(name)
    except _fw.UnknownActivationError as exc:
        raise _fw.UnknownNameError(str(exc)) from None


def __dir__() -> list[str]:
    return sorted({*globals(), *_GEN.KERNELS, *_GEN.ALIASES})
