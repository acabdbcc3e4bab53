"""Accuracy of an elementwise implementation against mpmath, measured in ULPs.

Public API (stable; reused by ``symacts verify --numpy FILE.py:FUNC``)::

    pts = sweep_points(np.float64, kinks=(0.0,))          # the issue's point set, sorted
    ref = reference_values(act, pts, order=0)              # mpmath truth at >= 40 digits
    rep = check_implementation(fn, act, which="f", dtype=np.float32)   # -> Report
    rep.max_ulp, rep.p99_ulp, rep.worst_x, rep.nonfinite, rep.warnings, rep.dtype_out
    pe = point_errors(values, ref, np.float32, exclude=at_kinks)    # the same metric per point

Metric: ``|computed - truth| / ulp(truth)`` in the target dtype, divided by the condition
number ``|x g'(x) / g(x)|`` of the function ``g`` (f or f') where that exceeds 1. Results whose
truth lies below the normal range (``|truth| < tiny``, zero included) are scored separately
(``max_ulp_subnormal``, in units of the smallest subnormal). ``nonfinite`` counts non-finite
outputs where the truth is finite; ``wrong_special`` counts mismatches at ±inf/NaN inputs and
wrong infinities.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..analyse.numeric import settled_far_limit

__all__ = [
    "PointErrors",
    "Reference",
    "Report",
    "check_implementation",
    "evaluate",
    "guarded_lambdify",
    "kink_floats",
    "point_errors",
    "reference_values",
    "score",
    "subsample",
    "sweep_points",
    "truth_at",
]

#: exp overflow thresholds ln(max) per dtype
EXP_LIMITS = {np.dtype(np.float64): 709.782712893384, np.dtype(np.float32): 88.72283935546875}


def _float_dtype(dtype: Any) -> np.dtype:
    dt = np.dtype(dtype)
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"accuracy sweeps are for float32 or float64, got {dt}")
    return dt


def _neighbours(values: Sequence[float], dt: np.dtype, k: int) -> list[float]:
    out: list[float] = []
    for v in values:
        v = dt.type(v)
        if not np.isfinite(v):
            continue
        lo = hi = v
        out.append(float(v))
        for _ in range(k):
            lo = np.nextafter(lo, dt.type(-np.inf))
            hi = np.nextafter(hi, dt.type(np.inf))
            out += [float(lo), float(hi)]
    return out


def sweep_points(
    dtype: Any = np.float64,
    kinks: Sequence[float] = (),
    *,
    grid: int = 4001,
    per_sign_log: int = 400,
    ulps: int = 3,
) -> np.ndarray:
    """The sweep's points in ``dtype`` (sorted, unique, NaN last).

    A dense grid on [−20, 20]; log-spaced magnitudes from 1e−300 (float32: 1e−45) to the
    largest finite of both signs; the exp overflow thresholds ±ln(max) and, for float64, the
    float32 ones, with ``ulps`` neighbours; each kink ± ``ulps`` ULP; ±0; subnormals; ±inf; NaN.
    """
    dt = _float_dtype(dtype)
    fi = np.finfo(dt)
    pts: list[float] = list(np.linspace(-20.0, 20.0, grid))
    lo = math.log10(float(fi.smallest_subnormal)) if dt == np.float32 else -300.0
    mags = np.logspace(lo, math.log10(float(fi.max)) - 1e-12, per_sign_log)
    pts += list(mags) + list(-mags)
    specials = [0.0, 1.0, 2.0, 0.5, 20.0, 30.0, 40.0, 100.0, 1e4, 1e8, 1e16, 1e30]
    thresholds = [EXP_LIMITS[dt], EXP_LIMITS[np.dtype(np.float32)], 745.1332191019411,
                  103.97207708, 36.7368005696771, 17.0, 15.9423851528787]
    edges = [t for t in thresholds if t < float(fi.max)]
    pts += _neighbours([s for e in specials + edges for s in (e, -e)], dt, ulps)
    pts += _neighbours([float(k) for k in kinks], dt, ulps)
    sub = float(fi.smallest_subnormal)
    tiny = float(fi.tiny)
    pts += [sub, -sub, 2 * sub, -2 * sub, tiny / 2, -tiny / 2, tiny, -tiny, float(fi.max),
            -float(fi.max)]
    arr = np.asarray(pts, dtype=np.float64).astype(dt)
    arr = np.unique(arr[np.isfinite(arr)])
    arr = arr[arr != 0]
    return np.concatenate([arr, np.array([0.0, -0.0, np.inf, -np.inf, np.nan], dtype=dt)])


def subsample(points: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """A seeded subsample of ``n`` points that always keeps ±0, ±inf, NaN and the extremes."""
    points = np.asarray(points)
    keep = ~np.isfinite(points) | (points == 0)
    keep |= (points == points[np.isfinite(points)].min()) | (points == points[np.isfinite(
        points)].max())
    rest = np.flatnonzero(~keep)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(rest, size=min(n, rest.size), replace=False)
    return points[np.sort(np.concatenate([np.flatnonzero(keep), chosen]))]


@dataclass
class Reference:
    """Truth at ``points`` as a double-double (``hi + lo``) and the condition number."""

    points: np.ndarray
    hi: np.ndarray
    lo: np.ndarray
    cond: np.ndarray
    order: int
    #: points where the truth could not be evaluated (an argument beyond any precision, such
    #: as tanh(e^(10^300))); they are left out of the scores
    unresolved: np.ndarray | None = None


class _Unresolvable(ArithmeticError):  # noqa: N818 - a state, not a failure
    """The truth at this point is beyond what mpmath can evaluate."""


#: |argument| (in bits of its exponent) beyond which a function is taken at its limit or the
#: point is left unresolved: mpmath's hyperbolic functions shift by the argument's magnitude
_HUGE_BITS = 10000


def _guarded():
    """mpmath functions that take their exact limit at arguments too large to evaluate
    (tanh(u) = ±1 to 10⁻¹⁰⁰⁰⁰ digits beyond |u| = 2¹⁰⁰⁰⁰) or give up on the point."""
    import mpmath

    def huge(u):
        return mpmath.isfinite(u) and u != 0 and mpmath.mag(u) > _HUGE_BITS

    def sat(fn, at_pos, at_neg):
        def guarded(u):
            if huge(u):
                v = at_pos if u > 0 else at_neg
                if v is None:
                    raise _Unresolvable(f"{fn.__name__} of an argument beyond 2^{_HUGE_BITS}")
                return mpmath.mpf(v)
            return fn(u)
        guarded.__name__ = fn.__name__
        return guarded

    return {"tanh": sat(mpmath.tanh, 1, -1), "sech": sat(mpmath.sech, 0, 0),
            "exp": sat(mpmath.exp, None, 0), "cosh": sat(mpmath.cosh, None, None),
            "sinh": sat(mpmath.sinh, None, None), "erf": sat(mpmath.erf, 1, -1),
            "erfc": sat(mpmath.erfc, 0, 2), "coth": sat(mpmath.coth, 1, -1),
            "csch": sat(mpmath.csch, 0, 0), "sin": sat(mpmath.sin, None, None),
            "cos": sat(mpmath.cos, None, None), "tan": sat(mpmath.tan, None, None)}


def _bound_exprs(act: Any, params: Mapping[str, float] | None, orders: Sequence[int]):
    import sympy as sp

    from ..functions import expand_blocks

    values = dict(params or {})
    subs = {p.symbol: sp.nsimplify(values[p.name]) if p.name in values else p.default
            for p in act.param_specs}
    out = []
    for k in orders:
        e = act.expr if k == 0 else act.derivative(k)
        out.append(expand_blocks(sp.sympify(e).subs(subs)))
    return out


def reference_values(
    act: Any,
    points: np.ndarray,
    order: int = 0,
    params: Mapping[str, float] | None = None,
    dps: int = 40,
    condition: bool = True,
    settle: bool = True,
) -> Reference:
    """mpmath truth of f (``order=0``) or f' (``order=1``) at ``points``, at ``dps`` digits.

    Evaluates the definition ``act.expr`` (building blocks expanded to elementary functions)
    and ``act.derivative()`` — not any kernel — via ``lambdify(..., "mpmath")``. ±inf get the
    limits, NaN gives NaN. ``cond`` = |x g'(x)/g(x)| of g = f^(order) (1 everywhere without
    ``condition``, which halves the work). Without ``settle`` each point is evaluated once, at
    ``dps`` plus guard digits, instead of at rising precision until two levels agree (a quick
    first look, to be settled where it matters).
    """
    import mpmath
    import sympy as sp

    g, dg = _bound_exprs(act, params, (order, order + 1) if condition else (order, order))
    modules = [_guarded(), "mpmath"]
    fg = sp.lambdify(act.x, g, modules)
    fdg = sp.lambdify(act.x, dg, modules) if condition else None
    pts = np.asarray(points, dtype=np.float64)
    hi = np.empty(pts.shape)
    lo = np.zeros(pts.shape)
    cond = np.ones(pts.shape)
    unresolved = np.zeros(pts.shape, bool)
    try:
        lim = {1: settled_far_limit(fg, 1, dps + 10), -1: settled_far_limit(fg, -1, dps + 10)}
    except _Unresolvable:
        lim = None
    for i, p in enumerate(pts.ravel()):
        if math.isnan(p):
            hi.flat[i] = math.nan
            continue
        if math.isinf(p):
            if lim is None:
                unresolved.flat[i] = True
                hi.flat[i] = math.nan
            else:
                hi.flat[i] = lim[1 if p > 0 else -1]
            continue
        try:
            if settle:
                v, c = _adaptive(fg, fdg, float(p), dps, mpmath)
            else:
                v, c = _eval_at(fg, fdg, float(p), dps + guard_digits(float(p)) + 10, mpmath)
        except _Unresolvable:
            unresolved.flat[i] = True
            hi.flat[i] = math.nan
            continue
        h = float(v)
        hi.flat[i] = h
        if mpmath.isfinite(v) and math.isfinite(h):
            with mpmath.workdps(dps + 10):
                lo.flat[i] = float(v - h)
            cond.flat[i] = c
    return Reference(points=pts, hi=hi, lo=lo, cond=cond, order=order,
                     unresolved=unresolved if unresolved.any() else None)


def truth_at(fn: Callable, p: float, dps: int = 40):
    """``fn`` (an mpmath function, e.g. from :func:`guarded_lambdify`) at the float ``p``, to
    ``dps`` digits by rising precision; raises ArithmeticError where it cannot be resolved."""
    import mpmath

    v, _ = _adaptive(fn, fn, float(p), dps, mpmath)
    return v


def guarded_lambdify(x, expr):
    """``expr`` as an mpmath function of x whose hyperbolic, error and exponential functions
    take their limits at arguments beyond 2^10000 (or give up on the point)."""
    import sympy as sp

    return sp.lambdify(x, expr, [_guarded(), "mpmath"])


def _eval_at(fg, fdg, p: float, dps: int, mpmath):
    with mpmath.workdps(dps):
        xm = mpmath.mpf(p)
        try:
            v = mpmath.mpf(fg(xm))
        except (ZeroDivisionError, ValueError):
            return mpmath.mpf("nan"), math.inf
        c = 1.0
        if fdg is not None and mpmath.isfinite(v) and v != 0:
            try:
                cm = abs(xm * mpmath.mpf(fdg(xm)) / v)
                c = float(cm) if mpmath.isfinite(cm) else math.inf
            except (ZeroDivisionError, ValueError):
                c = math.inf
        return v, c


def guard_digits(p: float) -> int:
    """Extra digits so that 1 ± e^{−2|x|} and 1 ± e^{−x²/2} keep ``dps`` significant digits
    (definitions such as ln(1 + eˣ), 1 − tanh², 1 + erf cancel exactly at fixed precision)."""
    a = abs(p)
    if not 1 < a <= 800:  # beyond, every such term is below the float range anyway
        return 0
    square = a * a / 2 if a <= 40 else 0.0
    return int(min(max(2 * a, square) / 2.302585, 800))


def _adaptive(fg, fdg, p: float, dps: int, mpmath):
    """Evaluate at dps + guard digits, then doubling, until two precisions agree to dps − 10
    digits (at most 1600 digits). An exact 0 at x ≠ 0 is re-checked with 3·|log10|x|| more
    digits (αx² against 1 + αx² for large x, x against tanh x for tiny x cancel exactly at any
    fixed precision)."""
    base = dps + guard_digits(p)
    v, c = _converge(fg, fdg, p, base, dps, mpmath)
    if v == 0 and p != 0:
        extra = int(min(3 * abs(math.log10(abs(p))) + 10, 1000))
        v, c = _converge(fg, fdg, p, base + extra, dps, mpmath)
    return v, c


def _converge(fg, fdg, p: float, start: int, dps: int, mpmath):
    prev, _ = _eval_at(fg, fdg, p, start + 10, mpmath)
    d = 2 * start
    while True:
        v, c = _eval_at(fg, fdg, p, d + 10, mpmath)
        if not mpmath.isfinite(v) or v == prev:
            return v, c
        with mpmath.workdps(d + 10):
            if abs(v - prev) <= abs(v) * mpmath.mpf(10) ** (-(dps - 10)):
                return v, c
        if d >= 1600:
            return v, c
        prev, d = v, 2 * d


@dataclass
class Report:
    """Accuracy of one implementation of f or f' in one dtype (ULPs, see module doc)."""

    name: str
    which: str
    dtype: str
    n_points: int = 0
    max_ulp: float = 0.0
    p99_ulp: float = 0.0
    worst_x: float = math.nan
    max_ulp_subnormal: float = 0.0
    nonfinite: int = 0
    wrong_special: int = 0
    warnings: list[str] = field(default_factory=list)
    dtype_out: str = ""
    error: str = ""

    @property
    def dtype_preserved(self) -> bool:
        return self.dtype_out == self.dtype

    def ok(self, max_f: float = 4.0, max_grad: float = 8.0) -> bool:
        limit = max_f if self.which == "f" else max_grad
        return (not self.error and self.max_ulp <= limit and self.nonfinite == 0
                and self.wrong_special == 0 and not self.warnings and self.dtype_preserved)


def evaluate(fn: Callable, x: np.ndarray) -> tuple[np.ndarray | None, list[str], str, str]:
    """Call ``fn`` on the array (elementwise fallback if it rejects arrays).

    Returns (values as float64 or None, warning messages, output dtype, error text).
    """
    msgs: list[str] = []
    err = ""
    out = None
    dtype_out = ""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            r = np.asarray(fn(x.copy()))
            dtype_out = str(r.dtype)
            out = np.broadcast_to(r, x.shape).astype(np.float64)
        except Exception as exc:
            err = f"{type(exc).__name__}: {exc}"
            vals = []
            for v in x:
                try:
                    r = np.asarray(fn(v))
                    dtype_out = dtype_out or str(r.dtype)
                    vals.append(float(r))
                except Exception:
                    vals.append(math.nan)
            out = np.asarray(vals, dtype=np.float64)
            err += " (evaluated point by point)"
    for w in caught:
        text = f"{w.category.__name__}: {w.message}"
        if text not in msgs:
            msgs.append(text)
    return out, msgs, dtype_out, err


def _point_arrays(values: np.ndarray, ref: Reference, dt: np.dtype) -> dict[str, np.ndarray]:
    """The per-point quantities behind :func:`score` (one metric for every caller)."""
    fi = np.finfo(dt)
    tiny = float(fi.tiny)
    sub = float(fi.smallest_subnormal)
    truth = ref.hi
    x = ref.points
    special_in = ~np.isfinite(x)
    # truth as representable in dt (overflowing truths become inf)
    with np.errstate(all="ignore"):
        truth_dt = truth.astype(dt).astype(np.float64)
    finite_truth = np.isfinite(truth_dt)
    both_nan = np.isnan(truth) & np.isnan(values)
    if ref.unresolved is not None:  # no truth there: nothing to hold against the values
        both_nan |= ref.unresolved
    same_inf = np.isinf(truth_dt) & (values == truth_dt)
    wrong_special = ~(both_nan | same_inf) & ~finite_truth
    # at ±inf/NaN inputs with a finite limit, compare the value too (must be within 1 ULP)
    nonfinite = finite_truth & ~np.isfinite(values)
    normal = finite_truth & np.isfinite(values) & (np.abs(truth) >= tiny)
    subn = finite_truth & np.isfinite(values) & (np.abs(truth) < tiny)
    err = np.zeros(x.shape)
    err_sub = np.zeros(x.shape)
    with np.errstate(all="ignore"):
        diff = np.abs((values - truth) - ref.lo)
        ulp = np.spacing(np.abs(truth).astype(dt)).astype(np.float64)
        err[normal] = diff[normal] / ulp[normal] / np.maximum(ref.cond[normal], 1.0)
        err_sub[subn] = diff[subn] / sub
    wrong_special |= special_in & finite_truth & (~np.isfinite(values) | (err > 1))
    return {"err": err, "err_sub": err_sub, "normal": normal, "subn": subn,
            "nonfinite": nonfinite, "wrong_special": wrong_special, "truth_dt": truth_dt}


def score(values: np.ndarray, ref: Reference, dtype: Any) -> dict[str, Any]:
    """ULP errors of ``values`` (float64 array of computed results) against ``ref``."""
    dt = _float_dtype(dtype)
    a = _point_arrays(values, ref, dt)
    x = ref.points
    err, normal = a["err"], a["normal"]
    err_sub = a["err_sub"][a["subn"]]
    res: dict[str, Any] = {}
    res["err"] = err
    res["max_ulp"] = float(err.max()) if err.size else 0.0
    res["p99_ulp"] = float(np.percentile(err[normal], 99)) if normal.any() else 0.0
    res["worst_x"] = float(x[int(np.argmax(err))]) if err.size else math.nan
    res["max_ulp_subnormal"] = float(err_sub.max()) if err_sub.size else 0.0
    res["nonfinite"] = int(a["nonfinite"].sum())
    res["wrong_special"] = int(a["wrong_special"].sum())
    return res


@dataclass
class PointErrors:
    """:func:`score`'s metric point by point, with some points left out of the maxima.

    ``err``: condition-scaled ULP error where the truth is in the normal range (else 0);
    ``err_subnormal``: error in units of the smallest subnormal where it is below (else 0);
    ``nonfinite``: inf/NaN returned where the truth is finite in the dtype; ``truth``: the truth
    as the dtype represents it; ``scored``: the points the maxima are taken over.
    """

    points: np.ndarray
    err: np.ndarray
    err_subnormal: np.ndarray
    nonfinite: np.ndarray
    wrong_special: np.ndarray
    truth: np.ndarray
    scored: np.ndarray

    @property
    def max_ulp(self) -> float:
        e = np.where(self.scored, self.err, 0.0)
        return float(e.max()) if e.size else 0.0

    @property
    def worst_x(self) -> float:
        e = np.where(self.scored, self.err, 0.0)
        return float(self.points[int(np.argmax(e))]) if e.size else math.nan

    @property
    def max_ulp_subnormal(self) -> float:
        e = np.where(self.scored, self.err_subnormal, 0.0)
        return float(e.max()) if e.size else 0.0

    def subnormal_from(self, limit: float = 2.0) -> float | None:
        """Smallest |x| among scored points off by more than ``limit`` subnormal units."""
        bad = self.scored & (self.err_subnormal > limit)
        return float(np.min(np.abs(self.points[bad]))) if bad.any() else None

    @property
    def nonfinite_finite_inputs(self) -> np.ndarray:
        """Non-finite outputs at finite inputs (limits at ±inf are judged separately)."""
        return self.nonfinite & np.isfinite(self.points)

    @property
    def first_nonfinite_x(self) -> float | None:
        bad = self.nonfinite_finite_inputs
        return float(np.min(np.abs(self.points[bad]))) if bad.any() else None


def point_errors(values: np.ndarray, ref: Reference, dtype: Any,
                 exclude: np.ndarray | None = None) -> PointErrors:
    """The metric of :func:`score` at each point; ``exclude`` (bool array) leaves points out
    of the maxima (kinks judged by their convention, ±inf/NaN inputs judged by their limit)."""
    dt = _float_dtype(dtype)
    a = _point_arrays(values, ref, dt)
    scored = np.ones(ref.points.shape, bool) if exclude is None else ~np.asarray(exclude, bool)
    return PointErrors(points=ref.points, err=a["err"], err_subnormal=a["err_sub"],
                       nonfinite=a["nonfinite"], wrong_special=a["wrong_special"],
                       truth=a["truth_dt"], scored=scored)


def check_implementation(
    fn: Callable,
    act: Any,
    which: str = "f",
    dtype: Any = np.float64,
    *,
    points: np.ndarray | None = None,
    params: Mapping[str, float] | None = None,
    ref: Reference | None = None,
) -> Report:
    """Score ``fn`` (array → array) as f (``which="f"``) or f' (``"grad"``) of ``act``."""
    if which not in ("f", "grad"):
        raise ValueError(f"which must be 'f' or 'grad', got {which!r}")
    dt = _float_dtype(dtype)
    if points is None:
        points = sweep_points(dt, kinks=_kink_floats(act, params))
    x = np.asarray(points, dtype=dt)
    if ref is None:
        ref = reference_values(act, x, order=0 if which == "f" else 1, params=params)
    rep = Report(name=act.name, which=which, dtype=str(dt), n_points=int(x.size))
    values, msgs, dtype_out, err = evaluate(fn, x)
    rep.warnings, rep.dtype_out, rep.error = msgs, dtype_out, err
    s = score(values, ref, dt)
    for k in ("max_ulp", "p99_ulp", "worst_x", "max_ulp_subnormal", "nonfinite",
              "wrong_special"):
        setattr(rep, k, s[k])
    return rep


def _kink_floats(act: Any, params: Mapping[str, float] | None = None) -> list[float]:
    import sympy as sp

    values = dict(params or {})
    subs = {p.symbol: values.get(p.name, p.default) for p in act.param_specs}
    out = []
    for k in list(act.kink_points()) + list(act.removable):
        try:
            out.append(float(sp.sympify(k).subs(subs)))
        except (TypeError, ValueError):
            continue
    return out


kink_floats = _kink_floats
