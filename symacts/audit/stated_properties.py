"""Stated properties checked numerically (mpmath, 30 digits) from the definition.

Each check returns (verdict, evidence): verdict ``"true"``, ``"false"`` or ``"unknown"``.
Values on a grid over [−50, 50] and at ±10^k (k ≤ 6) stand in for the real line; limits at
±∞ are read from 10³ and 10⁶.
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath
import sympy as sp

from ..verify.evaluate import compile_expr

GRID = [mpmath.mpf(i) / 20 for i in range(-1000, 1001)]
FAR = [mpmath.mpf(10) ** k for k in range(-6, 7)]


def _fn(expr: sp.Expr, x: sp.Symbol) -> Callable:
    g = compile_expr(expr, x)

    def value(X):
        with mpmath.workdps(30):
            return g(mpmath.mpf(X))[0]

    return value


def _n(v) -> str:
    if abs(v) < 10**15 and v == int(v):
        return str(int(v))
    return mpmath.nstr(v, 6)


def check(act, prop: str, claim: dict) -> tuple[str, str]:
    """Verdict and evidence for ``prop``: sampled here, cross-checked with ``act.properties()``.

    When the property analysis decides the same question differently the verdict is
    ``"unknown"`` and both answers are shown.
    """
    verdict, evidence = _sampled(act, prop, claim)
    other = _analysed(act, prop, claim)
    if other is None:
        return verdict, evidence
    says, text = other
    if says == (verdict == "true"):
        return verdict, f"{evidence}; symacts.analyse agrees"
    return "unknown", f"{evidence}; but symacts.analyse finds {text}"


def _analysed(act, prop: str, claim: dict) -> tuple[bool, str] | None:
    """(holds, evidence) from the property analysis, or None when it does not decide."""
    try:
        p = act.properties()
    except Exception:  # the analysis is optional here; the sampled check stands alone
        return None
    if prop == "unbounded_above" and p.bounded_above is not None:
        return (not p.bounded_above, f"range {p.range_text()}")
    if prop == "bounded_below" and p.bounded_below is not None:
        return (p.bounded_below, f"range {p.range_text()}")
    if prop == "smooth" and p.smoothness is not None:
        return (p.smoothness == float("inf"), f"smoothness {p.smoothness_text()}")
    if prop == "non_monotonic" and p.monotonic is not None:
        return (not p.monotonic, "monotonic: " + ("yes" if p.monotonic else "no"))
    if prop == "not_zero_centred" and p.zero_centered is not None:
        return (not p.zero_centered, "zero-centred: " + ("yes" if p.zero_centered else "no"))
    if prop == "saturates_left_not_right" and None not in (p.saturates_left, p.saturates_right):
        return (bool(p.saturates_left and not p.saturates_right),
                f"saturates left: {p.saturates_left}, right: {p.saturates_right}")
    if prop == "range" and p.range_min is not None and p.range_max is not None:
        lo = float(claim["low"])
        hi = float(claim["high"])
        same = p.range_min == lo and p.range_max == hi
        return (same, f"range {p.range_text()}")
    return None


def _sampled(act, prop: str, claim: dict) -> tuple[str, str]:
    bound = act.with_defaults() if act.param_specs else act
    x = act.x
    f = _fn(bound.expr, x)
    df = _fn(bound.derivative(1), x)
    pts = sorted(set(GRID + FAR + [-p for p in FAR]))
    fixed = ", ".join(f"{k} = {v:g}" for k, v in act.params.items())
    at = f" (at {fixed})" if fixed else ""
    if prop == "unbounded_above":
        a, b = f(10**3), f(10**6)
        ok = b > 10**5 and b > a
        return ("true" if ok else "false",
                f"f(10³) = {_n(a)}, f(10⁶) = {_n(b)}: grows without bound{at}" if ok
                else f"f(10⁶) = {_n(b)}{at}")
    if prop == "bounded_below":
        vals = [(f(p), p) for p in pts]
        m, where = min(vals)
        left = f(-(10**6))
        ok = left > -(10**5) and left >= m - mpmath.mpf(10) ** -20
        ties = [p for v, p in vals if v == m]
        if ok and len(ties) > 1:
            text = (f"minimum {_n(m)}, reached on the whole sampled stretch "
                    f"{_n(min(ties))} ≤ x ≤ {_n(max(ties))}{at}")
            return ("true", text)
        if ok and -50 < where < 50:
            where = mpmath.findroot(lambda t: df(t), where)
            m = f(where)
        text = (f"minimum {_n(m)} at x ≈ {_n(where)}; f(−10⁶) = {_n(left)}{at}" if ok
                else f"f(−10⁶) = {_n(left)}{at}")
        return ("true" if ok else "false", text)
    if prop == "smooth":
        e = bound.expr
        kinks = bound.kink_points()
        rough = e.has(sp.Piecewise, sp.Abs, sp.Max, sp.Min) or kinks
        return ("false", f"kinks at {', '.join(map(str, kinks))}") if rough else (
            "true", "built from analytic functions (no piecewise parts, no |x|): C^∞")
    if prop == "non_monotonic":
        vals = [(df(p), p) for p in GRID]
        neg = [p for v, p in vals if v < 0]
        pos = [p for v, p in vals if v > 0]
        if neg and pos:
            return ("true", f"f' < 0 at x = {_n(neg[0])}, f' > 0 at x = {_n(pos[-1])}{at}")
        return ("false", f"f' keeps one sign on [−50, 50]{at}")
    if prop == "range":
        return _range(f, pts, claim, at)
    if prop == "derivative_undefined_at":
        p = mpmath.mpf(claim.get("at", "0"))
        left, right = df(p - mpmath.mpf(10) ** -20), df(p + mpmath.mpf(10) ** -20)
        ok = abs(left - right) > mpmath.mpf(10) ** -10
        return ("true" if ok else "false",
                f"one-sided derivatives at x = {_n(p)}: {_n(left)} (left), {_n(right)} (right)"
                + ("; frameworks pick a value by convention (PyTorch: f'(0) = "
                   f"{_n(df(p))})" if ok else ""))
    if prop in ("derivative_nonzero_positive", "derivative_zero_negative",
                "derivative_nonzero_negative"):
        side = [p for p in pts if (p > 0) == prop.endswith("positive") and p != 0]
        vals = [df(p) for p in side]
        want_zero = prop == "derivative_zero_negative"
        ok = all((v == 0) == want_zero for v in vals)
        lo, hi = min(vals), max(vals)
        sign = "x > 0" if prop.endswith("positive") else "x < 0"
        return ("true" if ok else "false", f"f' on {sign} takes values in [{_n(lo)}, {_n(hi)}]"
                + at)
    if prop == "not_zero_centred":
        m = min(f(p) for p in pts)
        ok = m >= 0
        return ("true" if ok else "false",
                f"f(x) ≥ {_n(m)} everywhere, so outputs are never centred on 0" if ok
                else f"f takes negative values (minimum {_n(m)})")
    if prop == "saturates_left_not_right":
        l3, l6 = f(-(10**3)), f(-(10**6))
        r6 = f(10**6)
        ok = abs(l3 - l6) < mpmath.mpf(10) ** -20 and r6 > 10**5
        return ("true" if ok else "false",
                f"f(−10³) = {_n(l3)}, f(−10⁶) = {_n(l6)} (a finite limit); f(10⁶) = {_n(r6)}"
                + at)
    return ("unknown", f"no check for {prop!r}")


def _range(f, pts, claim, at) -> tuple[str, str]:
    vals = [(f(p), p) for p in pts]
    lo, lo_at = min(vals)
    hi, _hi_at = max(vals)
    far_lo, far_hi = f(-(10**6)), f(10**6)
    inf_hi = far_hi > 10**5
    inf_lo = far_lo < -(10**5)
    low = claim.get("low")
    high = claim.get("high")
    ok = True
    notes = []
    if low == "-inf":
        ok &= inf_lo
    else:
        ok &= abs(lo - mpmath.mpf(low)) < mpmath.mpf(10) ** -20
        if claim.get("low_closed") and lo_at is not None:
            notes.append(f"{low} is attained (f({_n(lo_at)}) = {_n(lo)})")
    if high == "inf":
        ok &= inf_hi
        if claim.get("high_closed"):
            notes.append("but +∞ is not a value: the range is [" + str(low)
                         + ", +∞), the closing bracket should be open")
    else:
        ok &= abs(hi - mpmath.mpf(high)) < mpmath.mpf(10) ** -20
    text = f"min over the samples {_n(lo)}, f(10⁶) = {_n(far_hi)}{at}; " + "; ".join(notes)
    return ("true" if ok else "false", text)
