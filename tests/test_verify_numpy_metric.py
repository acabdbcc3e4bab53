"""``verify --numpy`` scores with the one ULP metric of symacts.verify.ulps."""

from __future__ import annotations

import numpy as np
import pytest

import symacts
from symacts.verify import ulps
from symacts.verify.numpy_check import check_function


def tanh_3ulp(x):
    y = np.tanh(x)
    for _ in range(3):
        y = np.nextafter(y, np.inf)
    return y


@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_three_ulps_off_reads_as_three_ulps(dt):
    act = symacts.get("tanh")
    pts = ulps.subsample(ulps.sweep_points(dt), 400, seed=3)
    rep = check_function(tanh_3ulp, act, "f", dt, points=pts)
    # three steps up from np.tanh (itself within 1 ULP); a step is half an ULP of the truth
    # just below a power of two, so 1.5 to 7 ULPs
    assert 1.5 <= rep.max_ulp <= 7
    if dt == np.float32:  # float64 tanh is a truth independent of symacts to 1e-16
        finite = np.isfinite(pts)
        got = tanh_3ulp(pts[finite]).astype(np.float64)
        truth = np.tanh(pts[finite].astype(np.float64))
        normal = np.abs(truth) >= np.finfo(np.float32).tiny
        spacing = np.spacing(np.abs(truth[normal]).astype(np.float32)).astype(np.float64)
        independent = np.max(np.abs(got[normal] - truth[normal]) / spacing)
        assert rep.max_ulp == pytest.approx(independent, abs=0.01)
    # the same metric as the catalog's accuracy gate, on the same points
    gate = ulps.check_implementation(tanh_3ulp, act, "f", dt, points=pts)
    assert rep.max_ulp == gate.max_ulp and rep.worst_x == gate.worst_x


def test_point_errors_without_exclusions_is_score():
    act = symacts.get("softplus")
    pts = ulps.subsample(ulps.sweep_points(np.float64), 300, seed=4)
    ref = ulps.reference_values(act, pts)
    with np.errstate(all="ignore"):
        values = np.log(1 + np.exp(pts))
    s = ulps.score(values, ref, np.float64)
    pe = ulps.point_errors(values, ref, np.float64)
    assert pe.max_ulp == s["max_ulp"] and pe.worst_x == s["worst_x"]
    assert pe.max_ulp_subnormal == s["max_ulp_subnormal"]
    assert int(pe.nonfinite.sum()) == s["nonfinite"]
    assert int(pe.wrong_special.sum()) == s["wrong_special"]
    assert np.array_equal(pe.err, s["err"])
    # ln(1 + e^x) overflows from x > ln(max float) = 709.78 on, where softplus is x
    overflow = np.log(np.finfo(np.float64).max)
    assert pe.first_nonfinite_x == pts[np.isfinite(pts) & (pts > overflow)].min()


def test_kinks_are_judged_by_their_convention_not_by_ulps():
    act = symacts.get("relu")

    def grad(x):
        return (x >= 0).astype(x.dtype)

    rep = check_function(grad, act, "grad", np.float64)
    assert rep.max_ulp == 0.0 and rep.max_ulp_subnormal == 0.0  # right but at the kink ...
    assert any("kink x = 0" in d for d in rep.defects)  # ... which is reported as such
    gate = ulps.check_implementation(grad, act, "grad", np.float64)
    # the plain metric counts the kink: 1 where the truth is 0, in units of 5e-324
    assert gate.max_ulp_subnormal == np.inf  # 1 / 5e-324 overflows
