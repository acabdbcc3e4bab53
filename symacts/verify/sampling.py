"""Seeded sample points and parameter sets for the numeric layer."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

import mpmath
import sympy as sp

from ..errors import ParameterError

#: round points tried first, so that a counterexample is easy to read
ROUND_POINTS = (1, -1, 2, -2, 0.5, -0.5, 3, -3, 5, -5, 10, -10)
#: offsets placed on both sides of every special point
SIDE_OFFSETS = tuple(mpmath.mpf(10) ** -k for k in (1, 3, 6, 12, 20, 30))
#: alternative parameter values tried besides the defaults
ALTERNATIVES = ("2", "1/2", "-1/2", "3", "3/2", "-2")


def sample_points(special: Sequence, n_random: int = 500, seed: int = 0) -> list:
    """At least ``n_random`` + extras points (mpf): round points, the special points exactly
    and on both sides, ±10^−k near 0, uniform on [−1, 1] and [−20, 20], log-spaced magnitudes
    10^−8 … 10^6 of both signs. Deterministic for a given ``seed``."""
    rng = random.Random(seed)
    pts: list = [mpmath.mpf(0)]
    pts += [mpmath.mpf(p) for p in ROUND_POINTS]
    for s in special:
        pts.append(s)
        for d in SIDE_OFFSETS:
            pts += [s - d, s + d]
    for k in range(1, 31, 2):
        pts += [mpmath.mpf(10) ** -k, -(mpmath.mpf(10) ** -k)]
    n_dense = n_random // 4
    n_wide = n_random // 4
    n_log = n_random - n_dense - n_wide
    pts += [mpmath.mpf(rng.uniform(-1, 1)) for _ in range(n_dense)]
    pts += [mpmath.mpf(rng.uniform(-20, 20)) for _ in range(n_wide)]
    for _ in range(n_log):
        mag = mpmath.mpf(10) ** mpmath.mpf(rng.uniform(-8, 6))
        pts.append(mag if rng.random() < 0.5 else -mag)
    pts += [mpmath.mpf(10) ** 6, -(mpmath.mpf(10) ** 6)]
    out, seen = [], set()
    for p in pts:
        key = mpmath.nstr(p, 40)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def parameter_sets(act, fixed: dict, limit: int = 3) -> list[dict]:
    """Parameter assignments to sample: the defaults (with ``fixed`` applied) first, then up to
    ``limit`` sets of alternative values inside each parameter's domain and constraints."""
    free = [p for p in act.param_specs if p.name not in fixed]
    base = {p.name: fixed.get(p.name, p.default) for p in act.param_specs}
    sets = [base]
    if not free:
        return sets
    tried = 0
    for j in range(len(ALTERNATIVES)):
        if len(sets) > limit:
            break
        cand = dict(base)
        for i, p in enumerate(free):
            cand[p.name] = sp.Rational(ALTERNATIVES[(j + i) % len(ALTERNATIVES)])
        tried += 1
        try:
            act.check_params({k: v for k, v in cand.items() if k not in fixed})
        except ParameterError:
            continue
        if cand not in sets:
            sets.append(cand)
    return sets


def real_roots(exprs: Iterable[sp.Expr], x: sp.Symbol, max_degree: int = 6) -> list:
    """Real roots of the polynomial factors of ``exprs`` (low degree only), as SymPy numbers."""
    roots: list = []
    for e in exprs:
        factors = e.args if isinstance(e, sp.Mul) else (e,)
        for f in factors:
            if isinstance(f, sp.Pow) and f.exp.is_positive:
                f = f.base
            if not f.has(x) or not f.is_polynomial(x):
                continue
            try:
                poly = sp.Poly(f, x)
            except sp.PolynomialError:
                continue
            if poly.degree() > max_degree or not poly.free_symbols <= {x}:
                continue
            try:
                for r in poly.real_roots():
                    if r not in roots:
                        roots.append(r)
            except (NotImplementedError, sp.PolynomialError):
                continue
    return roots


def singular_candidates(expr: sp.Expr, x: sp.Symbol) -> list:
    """Points where ``expr`` may be undefined: zeros of denominators and of log/root arguments."""
    bases = []
    for p in expr.atoms(sp.Pow):
        if p.exp.is_negative or (p.exp.is_Rational and not p.exp.is_Integer):
            bases.append(p.base)
    for f in expr.atoms(sp.log):
        bases.append(f.args[0])
    for f in expr.atoms(sp.coth, sp.csch, sp.cot, sp.csc):
        bases.append(f.args[0])
    return real_roots(bases, x)
