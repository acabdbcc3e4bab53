"""The pipeline checks its own work: a compiled kernel is swept against mpmath before it is
trusted.

A few hundred points per dtype across the float range (both signs, log-spaced magnitudes to the
largest float, the exp overflow thresholds, every kink ± 3 ULP, ±0, subnormals, ±∞, NaN), for
f, f' and every ∂f/∂p, in float32 and float64, with the gate of the catalog's accuracy sweep:
f within 4 ULP and derivatives within 8 ULP (condition-scaled), no non-finite value where the
truth is finite, the limits at ±∞, NaN at NaN. Failures are reported as regions of x.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

__all__ = ["TARGET", "Finding", "check_kernels", "probe_points"]

#: ULP targets (condition-scaled) of f and of its derivatives
TARGET = {"f": 4.0, "grad": 8.0}

DTYPES = (np.float32, np.float64)


@dataclass(frozen=True)
class Finding:
    """One output, in one dtype, wrong on a region of x."""

    output: str  # "f", "f'", "∂f/∂beta"
    key: str  # plan output key: "f", "df", "d_beta"
    dtype: str
    lo: float  # the region: lo ≤ x ≤ hi (points of the sweep)
    hi: float
    problem: str

    @property
    def region(self) -> str:
        if self.lo == self.hi:
            return f"x = {self.lo:.6g}"
        if math.isinf(self.hi) or self.hi >= 1e300:
            return f"x ≥ {self.lo:.6g}"
        if math.isinf(self.lo) or self.lo <= -1e300:
            return f"x ≤ {self.hi:.6g}"
        return f"{self.lo:.6g} ≤ x ≤ {self.hi:.6g}"

    def __str__(self) -> str:
        return f"{self.output} in {self.dtype} for {self.region}: {self.problem}"


def probe_points(dt, kinks=(), n: int = 300) -> np.ndarray:
    """The self-check's points: the accuracy sweep's edges and specials, and a seeded choice
    of ``n`` of its other points."""
    from ..verify.ulps import sweep_points

    full = sweep_points(dt, kinks=kinks, grid=801, per_sign_log=120)
    fi = np.finfo(dt)
    a = np.abs(full)
    must = ~np.isfinite(full) | (full == 0) | (a >= float(fi.max) / 2) | (a <= float(fi.tiny))
    for k in kinks:
        must |= np.abs(full - np.asarray(k, dt)) <= 4 * np.spacing(np.asarray(abs(k) + 1, dt))
    for t in (88.72283935546875, 709.782712893384, 745.1332191019411, 103.97207708):
        must |= np.abs(a - t) <= 1e-4 * t
    rest = np.flatnonzero(~must)
    rng = np.random.default_rng(20261201)
    chosen = rng.choice(rest, size=min(n, rest.size), replace=False)
    return full[np.sort(np.concatenate([np.flatnonzero(must), chosen]))]


class _Output:
    """An output of an activation as the ULP reference sees an activation."""

    def __init__(self, act, expr: sp.Expr):
        self.name = act.name
        self.expr = expr
        self.param_specs = act.param_specs
        self.x = act.x

    def derivative(self, order: int = 1) -> sp.Expr:
        return sp.diff(self.expr, self.x, order)


def _regions(x: np.ndarray, bad: np.ndarray) -> list[tuple[float, float]]:
    """Runs of consecutive failing points (in sorted order) as (lo, hi)."""
    order = np.argsort(x, kind="stable")
    xs, bs = x[order], bad[order]
    out = []
    i = 0
    while i < xs.size:
        if not bs[i]:
            i += 1
            continue
        j = i
        while j + 1 < xs.size and bs[j + 1]:
            j += 1
        out.append((float(xs[i]), float(xs[j])))
        i = j + 1
    return out


def _problem(x, values, truth, err, limit, idx) -> str:
    v, t = values[idx], truth[idx]
    if math.isnan(x[idx]):
        return f"gives {v:g} at NaN"
    if not math.isfinite(v) and math.isfinite(t):
        return f"gives {v:g} where the truth is {t:.6g} (at x = {x[idx]:.6g})"
    if math.isinf(x[idx]):
        return f"gives {v:g} at x = {x[idx]:g}, the limit is {t:.6g}"
    return (f"{err[idx]:.3g} ULP from the truth (at x = {x[idx]:.6g}: {v:.17g} against "
            f"{t:.17g}; target {limit:g})")


def _subset(ref, idx):
    from ..verify.ulps import Reference

    unres = None if ref.unresolved is None else ref.unresolved[idx]
    return Reference(points=ref.points[idx], hi=ref.hi[idx].copy(), lo=ref.lo[idx].copy(),
                     cond=ref.cond[idx].copy(), order=ref.order, unresolved=unres)


def _reference(act, key: str, x: np.ndarray, settled: bool):
    """The truth of one output at x: a quick look (one precision, no condition numbers), or
    settled (rising precision, with condition numbers)."""
    from ..verify.ulps import reference_values

    opts = {"condition": settled, "settle": settled}
    if key == "f":
        return reference_values(act, x, order=0, **opts)
    if key == "df":
        return reference_values(act, x, order=1, **opts)
    return reference_values(_Output(act, act.derivative(wrt=key[2:])), x, order=0, **opts)


def check_kernels(act, outputs: dict[str, tuple[str, Callable]], n: int = 200) -> list[Finding]:
    """Sweep each compiled output against mpmath at the default parameters.

    ``outputs``: plan key ("f", "df", "d_<param>") → (label, array function in the dtype).
    The truth is computed once on the union of both dtypes' points at one precision, and
    settled (rising precision, condition numbers) only where a kernel seems to miss.
    """

    kinks = _kinks(act)
    points = {dt: probe_points(dt, kinks, n) for dt in DTYPES}
    union = np.unique(np.concatenate([p.astype(np.float64) for p in points.values()]))
    finite = union[~np.isnan(union)]
    union = np.concatenate([finite, [np.nan]])
    findings = []
    for key, (label, fn) in outputs.items():
        ref_all = _reference(act, key, union, settled=False)
        limit = TARGET["f" if key == "f" else "grad"]
        for dt in DTYPES:
            x = points[dt]
            x64 = x.astype(np.float64)
            idx = np.where(np.isnan(x64), union.size - 1,
                           np.searchsorted(finite, np.where(np.isnan(x64), 0.0, x64)))
            ref = _subset(ref_all, idx)
            with np.errstate(all="ignore"):
                values = np.asarray(fn(x.copy()), dtype=np.float64)
            bad, err = _failures(values, ref, dt, limit, x, kinks)
            if bad.any():  # settle the truth there, with the condition numbers
                sub = _reference(act, key, x64[bad], settled=True)
                for name in ("hi", "lo", "cond"):
                    getattr(ref, name)[bad] = getattr(sub, name)
                if sub.unresolved is not None:
                    ref.unresolved = np.zeros(x.shape, bool) if ref.unresolved is None \
                        else ref.unresolved.copy()
                    ref.unresolved[bad] = sub.unresolved
                bad, err = _failures(values, ref, dt, limit, x, kinks)
            for lo, hi in _regions(x, bad):
                inside = np.flatnonzero(bad & (x >= lo) & (x <= hi)) if not math.isnan(lo) \
                    else np.flatnonzero(bad & np.isnan(x))
                worst = inside[np.argmax(np.where(np.isfinite(err[inside]), err[inside],
                                                  np.inf))]
                findings.append(Finding(label, key, np.dtype(dt).name, lo, hi,
                                        _problem(x, values, ref.hi, err, limit, worst)))
    return findings


def _failures(values, ref, dt, limit, x, kinks):
    """Points where ``values`` miss the gate, and the error in ULP at each."""
    from ..verify.ulps import score

    s = score(values, ref, dt)
    err = s["err"]
    with np.errstate(all="ignore"):
        truth_dt = ref.hi.astype(dt).astype(np.float64)
    bad = err > limit
    bad |= np.isfinite(truth_dt) & ~np.isfinite(values)
    special = ~np.isfinite(x) | ~np.isfinite(truth_dt)
    same = (values == truth_dt) | (np.isnan(values) & np.isnan(truth_dt))
    bad |= special & ~same & ~(np.isfinite(truth_dt) & (err <= 1))
    bad &= ~np.isin(x, np.asarray(kinks, dt))  # kinks take the convention, tested apart
    if ref.unresolved is not None:
        bad &= ~ref.unresolved
    return bad, err


def _kinks(act) -> list[float]:
    from ..verify.ulps import kink_floats

    return kink_floats(act)
