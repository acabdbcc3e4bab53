"""The numeric layer of ``verify``: sample points compared at high precision, under time limits.

Each point is compared by :func:`compare_at` (mpmath at 40 digits, then 100 and 300 where the
running error bound leaves the answer open); the points of every parameter set are evaluated
under :func:`~.worker.run_bounded` (each cut off after :data:`POINT_TIME_LIMIT` seconds, all at
the layer's deadline). A counterexample is chosen among the differing points by
:func:`confirmed`: readable points first, each re-checked at the decimal that will be printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mpmath
import sympy as sp

from . import sampling
from .evaluate import OutOfRange, Undefined, Unresolved, compile_written
from .worker import run_bounded

#: relative difference below which two resolved values count as equal
RTOL = mpmath.mpf("1e-25")
#: working precisions tried in turn at a point the error bound leaves undecided
PRECISIONS = (40, 100, 300)
#: seconds allowed to the numeric layer
NUMERIC_TIME_BOX = 30.0
#: seconds allowed to one sample point (all precisions) and to each later evaluation, with
#: the default numeric time box (a longer box allows proportionally more)
POINT_TIME_LIMIT = 2.0
#: seconds allowed to locating the breakpoints of one parameter set numerically
BREAKPOINT_TIME_LIMIT = 5.0


def number_text(v: mpmath.mpf | None, digits: int = 17) -> str | None:
    """Decimal text of a value; astronomically large or small ones as 10^(...)."""
    if v is None:
        return None
    if not mpmath.isfinite(v) or v == 0:
        return str(v) if v != 0 else "0"
    if abs(mpmath.mag(v)) > 3000:  # decimal conversion of such numbers is slow
        with mpmath.workdps(30):
            lg = mpmath.log10(abs(v))
            sign = "-" if v < 0 else ""
            if abs(lg) < 10**9:
                e = int(mpmath.floor(lg))
                return f"{sign}{mpmath.nstr(mpmath.power(10, lg - e), 8)}e{e}"
            return f"{sign}10^({mpmath.nstr(lg, 8)})"
    if abs(v) < 10**15 and v == int(v):
        return str(int(v))
    return mpmath.nstr(v, digits, min_fixed=-6, max_fixed=12)


def point_text(X) -> str:
    """A point as text: its exact value where it is a special point that 17 digits do not
    write exactly (``-10/7``), else 17 significant digits."""
    text = number_text(X, 17)
    exact = getattr(X, "exact", None)
    if exact is None:
        return text
    try:
        if sp.Rational(text) == exact:
            return text
    except (TypeError, ValueError):
        pass
    return sp.sstr(exact)


AGREE, DIFFER, LEFT_UNDEF, RIGHT_UNDEF, BOTH_UNDEF, UNRESOLVED = range(6)


def _side(g, X):
    try:
        v, e = g(X)
        return v, e, None
    except Undefined as exc:
        return None, None, str(exc)
    except ZeroDivisionError as exc:
        return None, None, f"division by zero ({exc})"
    except OutOfRange as exc:
        return None, None, f"out of range: {exc}"
    except Unresolved:
        return None, None, "unresolved"
    except (ValueError, OverflowError, TypeError) as exc:
        return None, None, f"unresolved ({type(exc).__name__})"


def compare_at(gl, gr, X, precisions=PRECISIONS) -> tuple[int, Any, Any, float, str]:
    """(status, left, right, relative difference, reason) at the point X."""
    left = right = None
    for dps in precisions:
        with mpmath.workdps(dps):
            a, ea, ra = _side(gl, X)
            b, eb, rb = _side(gr, X)
            for r in (ra, rb):  # no precision resolves a value too large to evaluate
                if r and r.startswith("out of range: "):
                    return UNRESOLVED, None, None, 0.0, r.removeprefix("out of range: ")
            if ra == "unresolved" or (rb == "unresolved"):
                continue
            if ra and rb:
                return BOTH_UNDEF, None, None, 0.0, ra
            if ra:
                return LEFT_UNDEF, None, b, 0.0, ra
            if rb:
                return RIGHT_UNDEF, a, None, 0.0, rb
            left, right = a, b
            diff = abs(a - b)
            scale = max(abs(a), abs(b))
            bound = ea + eb
            if diff > 4 * bound + RTOL * scale:
                return DIFFER, a, b, float(diff / scale) if scale else 0.0, ""
            if bound <= mpmath.mpf("1e-20") * scale or (bound == 0 and scale == 0):
                return AGREE, a, b, float(diff / scale) if scale else 0.0, ""
    return UNRESOLVED, left, right, 0.0, f"not resolved at {precisions[-1]} digits"


@dataclass
class Sample:
    x: Any
    status: int
    left: Any
    right: Any
    rel: float
    reason: str
    params: dict


def to_mpf(v) -> Any:
    try:
        return mpmath.mpf(sp.Float(sp.N(v, 50), 50)._mpf_)
    except (TypeError, ValueError, AttributeError):
        return None


def special_points(exprs, x, kinks, numeric: bool = True) -> list:
    """0, the kinks, every breakpoint and singular point of ``exprs``: exact ones as
    :class:`~.sampling.SpecialPoint` (mpf with the exact value), numeric ones as mpf."""
    pts = [sp.Integer(0), *kinks]
    pts += sampling.breakpoints(exprs, x, numeric)
    for e in exprs:
        pts += sampling.singular_candidates(e, x)
    out, keys = [], set()
    with mpmath.workdps(50):
        for p in pts:
            if getattr(p, "free_symbols", None):
                continue
            m = p if isinstance(p, mpmath.mpf) else to_mpf(p)
            if m is None or not mpmath.isfinite(m):
                continue
            key = mpmath.nstr(m, 40)
            if key not in keys:
                keys.add(key)
                out.append(m if isinstance(p, mpmath.mpf) else sampling.special_point(p, m))
    return out


def point_limit(numeric_time_box: float) -> float:
    return POINT_TIME_LIMIT * max(1.0, numeric_time_box / NUMERIC_TIME_BOX)


def run_numeric(left, right, x, param_sets, symbols, kinks, n_points, seed, deadline,
                 domain=None, guards=((), ()), limit=None):
    """Every sample compared, in a worker killed at ``deadline`` (see :mod:`.worker`)."""
    specials: dict = {}
    tasks: list = []
    functions: dict = {}
    for i, values in enumerate(param_sets):
        subs = {symbols[k]: v for k, v in values.items() if k in symbols}
        lft = left.xreplace(subs) if subs else left
        rgt = right.xreplace(subs) if subs else right
        gl = compile_written(left, guards[0], x, subs)
        gr = compile_written(right, guards[1], x, subs)
        ks = [sp.sympify(k).xreplace(subs) for k in kinks]
        written = [g.expr.xreplace(subs) for side in guards for g in side]
        found, _ = run_bounded([([lft, rgt, *written], ks)],
                               lambda task: special_points(task[0], x, task[1]),
                               deadline, BREAKPOINT_TIME_LIMIT, lambda task, why: None)
        special = (found[0] if found and found[0] is not None
                   else special_points([lft, rgt, *written], x, ks, numeric=False))
        shown = {k: str(v) for k, v in values.items()}
        key = tuple(sorted(shown.items()))
        specials[key] = special
        n = n_points if i == 0 else n_points // 3
        with mpmath.workdps(50):
            pts = sampling.sample_points(special, n if domain is None else 2 * n, seed + i)
        if domain is not None:
            inside = compile_domain(domain, x)
            pts = [p for p in pts if inside(p)]
        functions[key] = (gl, gr)
        tasks += [(key, X) for X in pts]

    def work(task):
        key, X = task
        return compare_at(*functions[key], X)

    def timeout(task, why):
        return UNRESOLVED, None, None, 0.0, f"not resolved: {why}"

    limit = POINT_TIME_LIMIT if limit is None else limit
    results, finished = run_bounded(tasks, work, deadline, limit, timeout)
    samples = [Sample(X, *r, dict(key)) for (key, X), r in zip(tasks, results, strict=False)]
    return samples, specials, functions, not finished


def compile_domain(cond, x):
    from .evaluate import _compile_condition

    test = _compile_condition(cond, x)

    def inside(X) -> bool:
        try:
            with mpmath.workdps(50):
                return bool(test(X))
        except ArithmeticError:
            return False

    return inside


def is_special(X, specials) -> bool:
    return any(X == s for s in specials)


_EXACT_TOL = mpmath.mpf(10) ** -48


def exact_text(X) -> str:
    """The shortest decimal (at most 50 digits) that is the point ``X`` (to the 50 digits at
    which points are made: 0.5 + 10⁻¹ is 0.6)."""
    with mpmath.workdps(60):
        for digits in (3, 6, 10, 17, 25, 35):
            text = mpmath.nstr(X, digits)
            if abs(mpmath.mpf(text) - X) <= abs(X) * _EXACT_TOL:
                return text
        return mpmath.nstr(X, 50)


def _significant_digits(text: str) -> int:
    mantissa = text.lstrip("-").split("e")[0].replace(".", "")
    return max(len(mantissa.strip("0")), 1)


def rank(s: Sample) -> tuple:
    """Counterexamples people can read first: a visible difference, a short round x, x in
    [0.1, 20], then fewer digits and smaller |x|."""
    x = abs(s.x)
    visible = s.status != DIFFER or s.rel >= 1e-6
    round_pt = any(s.x == r for r in sampling.ROUND_POINTS)
    digits = _significant_digits(exact_text(s.x))
    return (0 if visible else 1, 0 if round_pt else 1, 0 if digits <= 3 else 1,
            0 if mpmath.mpf("0.1") <= x <= 20 else 1, digits, float(x))


#: candidates re-checked before a counterexample is reported
MAX_RECHECK = 8
#: precisions of the re-check
RECHECK_PRECISIONS = (100, 300)


def recheck(s: Sample, functions) -> tuple[str, tuple] | None:
    """The point's shortest decimal text (17 to 50 digits) at which the sides still differ,
    re-evaluated exactly there (the decimal as an exact point) at 100 and 300 digits, with
    that outcome; None if none does."""
    gl, gr = functions[tuple(sorted(s.params.items()))]
    exact = getattr(s.x, "exact", None)
    texts = [(point_text(s.x), s.x)] if exact is not None else []
    with mpmath.workdps(60):
        for digits in (17, 25, 35, 50):
            value = sp.Rational(number_text(s.x, digits))
            X = sampling.special_point(value, mpmath.mpf(value.p) / value.q)
            text = number_text(X, digits)
            if all(text != t for t, _ in texts):
                texts.append((text, X))
    for text, X in texts:
        outcome = compare_at(gl, gr, X, RECHECK_PRECISIONS)
        if outcome[0] in (DIFFER, LEFT_UNDEF, RIGHT_UNDEF):
            return text, (X, *outcome)
    return None


def confirmed(pool, functions, deadline) -> tuple[str, Sample] | None:
    """The best-ranked point of ``pool`` that survives :func:`recheck` (candidates in rank
    order, in one worker that stops at the first confirmed one)."""
    ranked = sorted(pool, key=rank)[:MAX_RECHECK]
    found, _ = run_bounded(ranked, lambda c: recheck(c, functions), deadline,
                           POINT_TIME_LIMIT, lambda c, why: None,
                           stop=lambda result: result is not None)
    for s, result in zip(ranked, found, strict=False):
        if result is not None:
            text, (X, status, a, b, rel, reason) = result
            return text, Sample(X, status, a, b, rel, reason, s.params)
    return None
