"""Piecewise-linear outputs as np.maximum / np.minimum compositions, when provably the same bits.

A first-match ``Piecewise`` of cheap branches costs a comparison and a select per branch; the
same function written as max/min of its branches is one ufunc per branch. Whether a candidate
such as ``Max(Min(x, 6), 0)`` equals relu6's Piecewise is decided numerically, on the kernels
as printed: both are compiled and compared bit for bit (signed zeros and NaN payloads
included) in float32 and float64, on a dense set of points around every branch boundary, on
special values and on random inputs, for the default parameters and a spread of parameter
values allowed by the catalog's domains and rules. Any difference keeps the Piecewise.
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

__all__ = ["Maximum", "Minimum", "Step", "minmax_form"]


class Maximum(sp.Function):
    """np.maximum(a, b) with the argument order kept (it decides which zero and NaN come out)."""

    nargs = 2


class Minimum(sp.Function):
    """np.minimum(a, b) with the argument order kept."""

    nargs = 2

_PARAM_TRIES = (-10.0, -2.0, -0.5, -1e-3, 0.0, 1e-3, 0.25, 0.5, 1.0, 2.0, 10.0, 1e3)


class Step(sp.Function):
    """[cond] as 0/1 in x's dtype, NaN where x is NaN (args: the condition, x)."""

    nargs = 2


def _candidates(branches, x):
    vals = [b for b, _ in branches]
    out = []
    if len(vals) == 2 and all(v.is_number for v in vals):
        # two constants: c0 + (c1 − c0)·[cond]; only kept where it is exact
        c1, c0 = vals
        if branches[0][1].has(x):
            step = Step(branches[0][1], x)
            out.append(step if (c1, c0) == (1, 0) else c0 + (c1 - c0) * step)
    if len(vals) == 2:
        p, q = vals
        for f in (Maximum, Minimum):
            out += [f(p, q), f(q, p)]
    elif len(vals) == 3:
        p, q, r = vals
        for lo, hi in ((p, q), (q, p)):
            for a, b in itertools.permutations([r, lo]):
                inner = Maximum(a, b)
                out += [Minimum(inner, hi), Minimum(hi, inner)]
            for a, b in itertools.permutations([r, hi]):
                inner = Minimum(a, b)
                out += [Maximum(inner, lo), Maximum(lo, inner)]
    return out


def _points(dt, kinks):
    rng = np.random.default_rng(12345)
    f = np.finfo(dt)
    special = [0.0, -0.0, np.inf, -np.inf, f.tiny, -f.tiny, f.max, -f.max, f.smallest_subnormal,
               -f.smallest_subnormal, 1.0, -1.0]
    pts = [np.array(special, dt), (rng.standard_normal(4000) * 4).astype(dt),
           (rng.standard_normal(500) * 1e3).astype(dt)]
    for k in kinks:
        if not np.isfinite(k):
            continue
        k = dt(k)
        up = np.nextafter(k, dt(np.inf))
        seq_u, seq_d = [k], [k]
        for _ in range(64):
            seq_u.append(np.nextafter(seq_u[-1], dt(np.inf)))
            seq_d.append(np.nextafter(seq_d[-1], dt(-np.inf)))
        pts.append(np.array(seq_u + seq_d + [up * dt(1.0001), k * dt(0.9999)], dt))
    x = np.concatenate(pts)
    nan = np.array([np.nan, -np.nan], dt)
    payload = np.array([0x7FC00123 if dt == np.float32 else 0x7FF8000000000123],
                       np.int32 if dt == np.float32 else np.int64).view(dt)
    return np.concatenate([x, nan, payload, -payload])


def _kinks(pw, x, env):
    out = []
    for _, c in pw.args:
        for rel in c.atoms(sp.core.relational.Relational):
            for side in (rel.lhs, rel.rhs):
                if not side.has(x):
                    try:
                        out.append(float(side.subs(env)))
                    except (TypeError, ValueError):
                        pass
            try:
                sol = sp.solve(sp.Eq(rel.lhs, rel.rhs), x)
                out += [float(s.subs(env)) for s in sol if s.subs(env).is_real]
            except (NotImplementedError, TypeError, ValueError):
                pass
    return out


def _param_sets(act):
    base = {p.name: p.default_float for p in act.param_specs}
    sets = [dict(base)]
    for p in act.param_specs:
        for v in _PARAM_TRIES:
            sets.append({**base, p.name: v})
    rng = np.random.default_rng(7)
    for _ in range(40):
        sets.append({p.name: float(rng.choice(_PARAM_TRIES)) for p in act.param_specs})
    ok = []
    for s in sets:
        try:
            act.check_params(s)
        except Exception:
            continue
        ok.append(s)
    return ok


def minmax_form(expr, act, compile_core):
    """``expr`` rewritten as a Max/Min composition of its branches if bit-identical, else expr.

    ``compile_core(e)`` returns a callable ``core(x, *params)`` printed from ``e`` exactly as the
    kernel module will print it.
    """
    if not isinstance(expr, sp.Piecewise) or len(expr.args) not in (2, 3):
        return expr
    if expr.args[-1][1] != sp.true:
        return expr
    from .kernels import _is_cheap

    if not all(_is_cheap(b) for b, _ in expr.args):
        return expr
    names = [p.name for p in act.param_specs]
    psets = _param_sets(act)
    if not psets:
        return expr
    ref = compile_core(expr)
    inputs = []
    for s in psets:
        env = {act.symbol(n): v for n, v in s.items()}
        kinks = _kinks(expr, act.x, env)
        for dt in (np.float32, np.float64):
            xs = _points(dt, kinks)
            ps = [float(s[n]) for n in names]
            cases = [xs, xs[:3], *[xs[i].reshape(()) for i in range(12)],
                     *[xs[i].reshape(()) for i in range(len(xs) - 4, len(xs))]]
            for xc in cases:
                with np.errstate(all="ignore"):
                    inputs.append((xc, ps, np.asarray(ref(xc, *ps))))
    for cand in _candidates(expr.args, act.x):
        fn = compile_core(cand)
        good = True
        for xs, ps, want in inputs:
            with np.errstate(all="ignore"):
                got = np.asarray(fn(xs, *ps))
            if got.dtype != want.dtype or got.shape != want.shape:
                good = False
                break
            it = np.int32 if got.dtype == np.float32 else np.int64
            if not np.array_equal(got.view(it), want.view(it)):
                good = False
                break
        if good:
            return cand
    return expr
