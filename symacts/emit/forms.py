"""Faster forms of Piecewise outputs, used only when they give the same values.

A first-match ``Piecewise`` costs a comparison and a bit select per branch. Cheaper forms: a
max/min composition of the branches (relu6 as ``Min(Max(x, 0), 6)``, printed as one clip
where the bounds are free of x), a max or min of linear branches chosen at run time on the
parameters (leaky ReLU), the split sum p(max(x, c)) + q(min(x, c)) of branches that vanish at
the kink (ELU), an exact bit select of two constants, and p·[cond] when the other branch is
zero. A candidate is accepted only if it matches the Piecewise as printed: both are compiled
and compared bit for bit (NaN payloads included; +0 and −0 count as the same value) in
float32 and float64, on a dense set of points around every branch boundary, on special
values and on random inputs, for the default parameters and a spread of parameter values
allowed by the catalog's domains and rules. Any difference keeps the Piecewise.
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from .algebra import upper_form
from .cost import is_cheap
from .ir import Clip, Guarded, Masked, Maximum, Minimum, ParamInfo, Select2, Step
from .numpy_printer import compile_expression

__all__ = ["choose_form"]

_PARAM_TRIES = (-10.0, -2.0, -0.5, -1e-3, 0.0, 1e-3, 0.25, 0.5, 1.0, 2.0, 10.0, 1e3)


def _is_zero(e: sp.Expr) -> bool:
    """Whether ``e`` is identically 0 for every value of its parameters. A numeric look at a few
    parameter values first: a clear nonzero there settles it without ``simplify``, which can
    take seconds on roots."""
    from . import ir

    # the IR's own nodes count as opaque values, as they are to simplify
    opaque = {n: sp.Dummy() for n in e.atoms(sp.Function) if type(n).__module__ == ir.__name__}
    look = e.xreplace(opaque)
    free = sorted(look.free_symbols, key=str)
    for v in (0.7182818, 1.4142136, 3.1415927):
        try:
            val = complex(look.subs({s: v + 0.577 * i for i, s in enumerate(free)}).evalf(30))
        except (TypeError, ValueError, ZeroDivisionError):
            break
        if 1e-12 < abs(val) < float("inf"):
            return False
    return sp.simplify(e) == 0


def _clipped(e, x):
    """Max/Min against bounds free of x rewritten as Clip (one pass instead of one per bound)."""
    def bound(n, cls):
        """(argument, bound) of a Maximum/Minimum n with one side free of x, else None."""
        if isinstance(n, cls):
            for a, c in (n.args, n.args[::-1]):
                if a.has(x) and not c.has(x):
                    return a, c
        return None

    def rw(n):
        mn = bound(n, Minimum)
        if mn:
            inner, hi = mn
            mx = bound(inner, Maximum)
            if mx:
                return Clip(rw(mx[0]), mx[1], hi)
            return Clip(rw(inner), sp.S.NegativeInfinity, hi)
        mx = bound(n, Maximum)
        if mx:
            inner, lo = mx
            mn = bound(inner, Minimum)
            if mn:
                return Clip(rw(mn[0]), lo, mn[1])
            return Clip(rw(inner), lo, sp.oo)
        if isinstance(n, Guarded) or not n.args:
            return n
        return n.func(*[rw(a) for a in n.args])

    return rw(e)








def _threshold(cond, x):
    """(c, above) for a condition x > c, x ≥ c (above) or x < c, x ≤ c; else None."""
    form = upper_form(cond, x)
    if form is None:
        return None
    u, a, _ = form
    if u == x:
        return a, True
    if u == -x:
        return -a, False
    return None


def _linear(e, x):
    """(slope, intercept) of e = slope·x + intercept, or None."""
    if not e.has(x):
        return sp.S.Zero, e
    try:
        poly = sp.Poly(e, x)
    except sp.PolynomialError:
        return None
    if poly.degree() != 1:
        return None
    return poly.coeff_monomial(x), poly.coeff_monomial(1)


def _structural_candidates(expr, x):
    """Faster forms of a two-branch Piecewise split at x = c, exact by construction.

    * linear branches p, q continuous at c, slopes a (above c) and b: max(p, q) when a ≥ b and
      min(p, q) when a ≤ b, chosen at run time on the parameters (leaky ReLU for any slope);
    * branches p (above c) and q vanishing at c: p(max(x, c)) + q(min(x, c)) — each branch
      sees only its own side, and adding the other's exact zero changes nothing (ELU);
    * two constants: an exact bit select;
    * a branch that is zero: the other branch times [its condition] (hardshrink).

    (A general blend p(max(x, c))·[x > c] + q(min(x, c))·[x ≤ c] was measured no faster than
    the bit select, and slower for ELU's ∂f/∂α.)
    """
    if len(expr.args) != 2 or expr.args[-1][1] != sp.true:
        return []
    (p, cond), (q, _) = expr.args
    out = []
    if not p.has(x) and not q.has(x) and cond.has(x):
        out.append(Select2(cond, p, q, x))
    if q == 0 and p.has(x):
        out.append(Masked(p, cond))
    if p == 0 and q.has(x):
        out.append(Masked(q, sp.Not(cond)))
    th = _threshold(cond, x)
    if th is None:
        return out
    c, above = th
    if not above:
        p, q = q, p  # p: the branch above c
    lin_p, lin_q = _linear(p, x), _linear(q, x)
    if lin_p and lin_q and _is_zero(p.subs(x, c) - q.subs(x, c)):
        a, b = lin_p[0], lin_q[0]
        # a zero slope gives 0·(±inf) = NaN in the branch not taken: such slopes fall back
        nonzero = sp.And(*[sp.Ne(k, 0) for k in (a, b) if not k.is_nonzero])
        for first, second in ((q, p), (p, q)):
            alts = [sp.And(sp.Ge(a, b), nonzero), Maximum(first, second),
                    sp.And(sp.Le(a, b), nonzero), Minimum(first, second)]
            out.append(Guarded(*alts, expr))
    if p.has(x) and q.has(x) and _is_zero(p.subs(x, c)) and _is_zero(q.subs(x, c)):
        hi, lo = Maximum(x, c), Minimum(x, c)
        out.append(p.xreplace({x: hi}) + q.xreplace({x: lo}))
    return out


def _absorb_candidates(expr, x):
    """A constant branch k on x ≤ a (or x ≥ a) dropped into the last branch m when m(a) = k:
    m(max(x, a)) (or m(min(x, a))) gives k on that side, one select fewer (hardswish)."""
    args = expr.args
    if len(args) < 3 or args[-1][1] != sp.true:
        return []
    m = args[-1][0]
    out = []
    for j, (k, cond) in enumerate(args[:-1]):
        th = _threshold(cond, x)
        if k.has(x) or th is None:
            continue
        a, above = th
        if not _is_zero(m.subs(x, a) - k):
            continue
        clip = Clip(x, -sp.oo, a) if above else Clip(x, a, sp.oo)
        rest = [b for i, b in enumerate(args[:-1]) if i != j]
        out.append(sp.Piecewise(*rest, (m.xreplace({x: clip}), True)))
    return out


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
            except (NotImplementedError, TypeError, ValueError, AttributeError):
                pass  # (SymPy's solve raises AttributeError on some Or conditions)
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
    ok: list[dict] = []
    for s in sets:
        try:
            act.check_params(s)
        except Exception:
            continue
        if s not in ok:  # (without parameters every set is the same empty one)
            ok.append(s)
    return ok


def _same(got, want) -> bool:
    """Bit for bit (NaN payloads included), except that +0 and −0 count as the same value."""
    it = np.int32 if got.dtype == np.float32 else np.int64
    same = got.view(it) == want.view(it)
    same |= (got == 0) & (want == 0)
    return bool(np.all(same))




def choose_form(expr: sp.Expr, act, params: tuple[ParamInfo, ...]) -> tuple[sp.Expr, str]:
    """The first faster form of the Piecewise ``expr`` that gives its values, else ``expr``;
    with the name of the form."""
    if not isinstance(expr, sp.Piecewise) or len(expr.args) not in (2, 3):
        return expr, _describe(expr)
    if expr.args[-1][1] != sp.true:
        return expr, _describe(expr)
    candidates = []
    if all(is_cheap(b) for b, _ in expr.args):
        candidates += _candidates(expr.args, act.x)
    candidates += _structural_candidates(expr, act.x)
    candidates += _absorb_candidates(expr, act.x)
    if not candidates:
        return expr, _describe(expr)
    names = [p.name for p in act.param_specs]
    psets = _param_sets(act)
    if not psets:
        return expr, _describe(expr)
    ref = compile_expression(expr, act.x, params)
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

    def passes(cand) -> bool:
        fn = compile_expression(cand, act.x, params)
        for xs, ps, want in inputs:
            with np.errstate(all="ignore"):
                got = np.asarray(fn(xs, *ps))
            if got.dtype != want.dtype or got.shape != want.shape or not _same(got, want):
                return False
        return True

    for cand in candidates:
        if passes(cand):
            clipped = _clipped(cand, act.x)
            chosen = clipped if clipped != cand and passes(clipped) else cand
            return chosen, _describe(chosen)
    return expr, _describe(expr) + " (no faster form gives the same bits)"


def _describe(e: sp.Expr) -> str:
    """What form an output takes, in words."""
    if isinstance(e, Guarded):
        return "max or min of the linear branches, chosen on the parameters"
    if isinstance(e, sp.Piecewise):
        return f"select of {len(e.args)} branches"
    kinds = [(Clip, "clip"), (Select2, "bit select of two constants"),
             (Step, "step of the condition"), (Masked, "value times its condition"),
             (Maximum, "maximum"), (Minimum, "minimum")]
    found = [word for cls, word in kinds if e.atoms(cls)]
    return ", ".join(found) if found else "straight-line"
