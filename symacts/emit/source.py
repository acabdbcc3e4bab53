"""Assemble and check kernel modules: the catalog's (written to generated/) and one-offs."""

from __future__ import annotations

import math
import types

import numpy as np
import sympy as sp

from .kernels import kernel_spec, module_source
from .printer import EmitError

__all__ = ["catalog_module_source", "check_limits", "compile_activation"]


def _psyms(act) -> dict:
    return {p.name: p.symbol for p in act.param_specs}


def _exec(src: str, name: str) -> types.ModuleType:
    mod = types.ModuleType(name)
    exec(compile(src, f"<{name}>", "exec"), mod.__dict__)
    return mod


def check_limits(act, mod: types.ModuleType) -> None:
    """Fail unless the kernels give f and f' limits at ±inf and NaN at NaN (defaults)."""
    from ..verify.ulps import reference_values

    pts = np.array([np.inf, -np.inf, np.nan])
    for order, fn in ((0, getattr(mod, act.name)), (1, getattr(mod, act.name + "_grad"))):
        ref = reference_values(act, pts, order=order)
        got = np.asarray(fn(pts), dtype=np.float64)
        for x, want, have in zip(pts, ref.hi, got, strict=True):
            if math.isnan(want) and math.isnan(have):
                continue
            if want == have or (math.isfinite(want) and abs(want - have) <= 1e-15 * abs(want)):
                continue
            which = "f" if order == 0 else "f'"
            raise EmitError(f"{act.name}: kernel {which}({x}) = {have}, limit is {want}")


def symbolic_limit(expr, x, sign: int):
    """lim expr as x → sign·∞ (params symbolic), or None when SymPy cannot give a clean value."""
    from ..functions import expand_blocks

    target = sp.oo if sign > 0 else -sp.oo
    e = expand_blocks(expr)
    if isinstance(e, sp.Piecewise):
        for branch, cond in e.args:
            c = cond.subs(x, target)
            if c == sp.true:
                e = branch
                break
        else:
            return None
    try:
        v = sp.limit(e, x, target)
    except (NotImplementedError, ValueError, TypeError):
        return None
    if v.has(x) or v.has(sp.Limit) or v.has(sp.AccumBounds) or v is sp.nan or v.has(sp.zoo):
        return None
    return v


def numeric_limits(expr, act) -> list[float]:
    """[lim at +inf, lim at -inf] of ``expr`` with parameters at their defaults (mpmath)."""
    import mpmath

    from ..functions import expand_blocks
    from ..verify.ulps import _limit

    fn = sp.lambdify(act.x, expand_blocks(sp.sympify(expr).subs(act.defaults())), "mpmath")
    with mpmath.workdps(60):
        return [_limit(fn, 1, mpmath), _limit(fn, -1, mpmath)]


def _fix_limits(spec, act, mod) -> bool:
    """Record limits where the kernel at ±inf disagrees with the truth; True if any."""
    pts = np.array([np.inf, -np.inf])
    changed = False
    grad = getattr(mod, spec.name + "_grad")
    outputs = [("f", act.expr, getattr(mod, spec.name)), ("df", act.derivative(), grad)]
    for p in act.param_specs:
        outputs.append(("d_" + p.name, act.derivative(wrt=p.name),
                        lambda v, p=p: grad(v, wrt=p.name)))
    for key, expr, fn in outputs:
        want_both = numeric_limits(expr, act)
        got = np.asarray(fn(pts), dtype=np.float64)
        lim = list(spec.limits.get(key, (None, None)))
        for i, (want, have) in enumerate(zip(want_both, got, strict=True)):
            if want == have or (math.isnan(want) and math.isnan(have)):
                continue
            lim[i] = symbolic_limit(expr, act.x, 1 if i == 0 else -1)
            changed = changed or lim[i] is not None
        spec.limits[key] = tuple(lim)
    return changed


def catalog_module_source(acts) -> str:
    """Source of the generated module for the given catalog activations (checked)."""
    specs = [kernel_spec(a) for a in acts]
    src = module_source(specs, acts[0].x, {a.name: _psyms(a) for a in acts})
    mod = _exec(src, "symacts_kernels_check")
    if any([_fix_limits(s, a, mod) for s, a in zip(specs, acts, strict=True)]):
        src = module_source(specs, acts[0].x, {a.name: _psyms(a) for a in acts})
        mod = _exec(src, "symacts_kernels_check")
    errors = []
    for a in acts:
        try:
            check_limits(a, mod)
        except EmitError as exc:
            errors.append(str(exc))
    if errors:
        raise EmitError("\n".join(errors))
    return src


def compile_activation(act) -> types.ModuleType:
    """Compile kernels for one activation (e.g. from ``symacts.define``) at run time."""
    spec = kernel_spec(act)
    spec.aliases = ()
    if not spec.name.isidentifier():
        spec.name = "user_kernel"
    src = module_source([spec], act.x, {spec.name: _psyms(act)})
    mod = _exec(src, f"symacts_kernel_{spec.name}")
    if _fix_limits(spec, act, mod):
        src = module_source([spec], act.x, {spec.name: _psyms(act)})
        mod = _exec(src, f"symacts_kernel_{spec.name}")
    mod.__source__ = src
    return mod
