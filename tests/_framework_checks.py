"""Helpers shared by the PyTorch and JAX tests (no framework imported here)."""

from __future__ import annotations

import numpy as np

import symacts
from symacts.verify.ulps import kink_floats, sweep_points

#: parameter values beside the defaults that take the other forms chosen on the parameters
#: (leaky slope above 1, negative, zero; other clamp bounds; ...)
OTHER_PARAMS = {
    "leaky_relu": [{"negative_slope": 2.0}, {"negative_slope": -0.5}, {"negative_slope": 0.0}],
    "prelu": [{"a": 1.5}, {"a": -0.25}],
    "elu": [{"alpha": 0.5}, {"alpha": -1.0}],
    "celu": [{"alpha": 2.0}, {"alpha": -0.5}],
    "swish": [{"beta": 2.5}, {"beta": -1.0}],
    "softplus": [{"beta": 3.0}],
    "hardtanh": [{"min_val": -2.0, "max_val": 0.5}],
    "hardshrink": [{"lambd": 1.5}],
    "softshrink": [{"lambd": 0.0}],
    "threshold": [{"threshold": 1.0, "value": -2.0}],
    "rrelu": [{"lower": 0.5, "upper": 0.5}],
    "squareplus": [{"b": 0.25}],
    "isru": [{"alpha": 3.0}],
    "isrlu": [{"alpha": 0.5}],
}


def points(name: str, dt, n: int = 600, params: dict | None = None) -> np.ndarray:
    """A seeded subsample of the accuracy sweep's points (kinks ± 3 ULP, ±0, ±inf, NaN)."""
    act = symacts.get(name)
    pts = sweep_points(dt, kinks=kink_floats(act, params) if params else kink_floats(act))
    rng = np.random.default_rng(0)
    special = pts[~np.isfinite(pts) | (pts == 0) | (np.abs(pts) < 25)]
    special = special[rng.permutation(special.size)[:n]]
    wide = pts[np.isfinite(pts) & (np.abs(pts) >= 25)]
    wide = wide[rng.permutation(wide.size)[: n // 3]]
    return np.concatenate([special, wide, np.array([np.inf, -np.inf, np.nan, 0.0], dt)])


def mismatches(got: np.ndarray, want: np.ndarray, ulps: float, atol: float = 0.0) -> np.ndarray:
    """Where got and want differ by more than ``ulps`` ULP of the larger magnitude (or in
    NaN-ness, or in an infinity; the sign of a zero may differ)."""
    got = np.asarray(got)
    want = np.asarray(want)
    nan_g, nan_w = np.isnan(got), np.isnan(want)
    bad = nan_g != nan_w
    both = ~nan_g & ~nan_w
    inf = both & (np.isinf(got) | np.isinf(want))
    bad |= inf & (got != want)
    fin = both & ~inf
    scale = np.maximum(np.abs(got), np.abs(want)).astype(want.dtype)
    tol = ulps * np.spacing(scale) + max(np.finfo(want.dtype).tiny, atol)
    with np.errstate(invalid="ignore"):
        bad |= fin & (np.abs(got.astype(np.float64) - want.astype(np.float64)) > tol)
    return bad


def assert_equal_or_closer(ours, theirs, x, act, order, params, ulps, what) -> int:
    """ours equals theirs within ``ulps`` ULP, or, where not, is within ``ulps`` ULP of the
    mpmath truth (scaled by the condition number where that exceeds 1). Returns how many
    points differ."""
    from symacts.verify.ulps import reference_values

    ours, theirs = np.asarray(ours), np.asarray(theirs)
    bad = mismatches(ours, theirs, ulps)
    if not bad.any():
        return 0
    ref = reference_values(act, np.asarray(x)[bad], order=order, params=params)
    truth = ref.hi
    o = ours[bad].astype(np.float64)
    t = theirs[bad].astype(np.float64)
    tiny = np.finfo(ours.dtype).tiny
    with np.errstate(invalid="ignore"):
        err_o = np.where(np.isnan(truth) & np.isnan(o), 0.0, np.abs(o - truth))
        err_o = np.where(np.isinf(truth) & (o == truth), 0.0, err_o)
        tol = ulps * np.spacing(np.abs(truth).astype(ours.dtype)) * np.maximum(ref.cond, 1)
        ok = err_o <= tol + 8 * tiny
    if not ok.all():
        i = np.flatnonzero(~ok)[:5]
        raise AssertionError(f"{what}: x={np.asarray(x)[bad][i]}, ours={o[i]}, "
                             f"theirs={t[i]}, truth={truth[i]}")
    return int(bad.sum())


def assert_close(got: np.ndarray, want: np.ndarray, ulps: float, what: str, x=None,
                 atol: float = 0.0) -> None:
    """Equal up to ``ulps`` ULP of the larger magnitude (NaN where NaN, the same infinities;
    the sign of a zero may differ)."""
    got = np.asarray(got)
    want = np.asarray(want)
    assert got.shape == want.shape, (what, got.shape, want.shape)
    assert got.dtype == want.dtype, (what, got.dtype, want.dtype)
    bad = mismatches(got, want, ulps, atol)
    if bad.any():
        i = np.flatnonzero(bad)[:5]
        xs = None if x is None else np.broadcast_to(x, want.shape)[np.unravel_index(i, want.shape)]
        raise AssertionError(f"{what}: {bad.sum()} of {bad.size} differ; x={xs}, "
                             f"got={got.ravel()[i]}, want={want.ravel()[i]}")
