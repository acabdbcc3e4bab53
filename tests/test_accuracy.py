"""The accuracy metric itself: point set, reference, and that it catches known failures."""

import numpy as np

import symacts
from symacts.verify.ulps import check_implementation, reference_values, subsample, sweep_points


def test_points_cover_the_issue_set():
    for dt in (np.float64, np.float32):
        p = sweep_points(dt, kinks=(6.0,))
        assert p.dtype == dt
        assert np.isnan(p).sum() == 1 and np.isposinf(p).sum() == 1 and np.isneginf(p).sum() == 1
        assert (p == 0).sum() == 2 and np.signbit(p[p == 0]).sum() == 1
        fi = np.finfo(dt)
        assert fi.smallest_subnormal in p and fi.max in p
        assert np.nextafter(dt(6), dt(7)) in p
        lim = 709.782712893384 if dt == np.float64 else 88.72283935546875
        assert np.any(np.abs(p - dt(lim)) == 0)
        assert ((p >= -20) & (p <= 20)).sum() > 4000
        s = subsample(p, 50, seed=1)
        assert np.isnan(s).sum() == 1 and np.isinf(s).sum() == 2 and len(s) < 70


def test_reference_is_adaptive_where_the_definition_cancels():
    act = symacts.get("sigmoid")
    ref = reference_values(act, np.array([100.0, 40.0]), order=1)
    # σ'(x) = σ(1 − σ): at 50 digits alone 1 − σ(100) keeps only 6 digits
    np.testing.assert_allclose(ref.hi, [3.720075976020836e-44, 4.248354255291589e-18],
                               rtol=1e-15)


def test_metric_flags_naive_code_and_passes_exact_code():
    act = symacts.get("sigmoid")
    pts = subsample(sweep_points(np.float64), 300, seed=0)
    bad = check_implementation(lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2, act, "grad",
                               np.float64, points=pts)
    assert bad.warnings and not bad.ok() and (bad.nonfinite or bad.wrong_special)

    def good(x):
        from scipy.special import expit
        return expit(x)

    rep = check_implementation(good, act, "f", np.float64, points=pts)
    assert rep.max_ulp <= 2 and rep.ok(), rep
    promoted = check_implementation(lambda x: np.asarray(x, np.float64) * 1.0,
                                    symacts.get("identity"), "f", np.float32,
                                    points=sweep_points(np.float32)[:50])
    assert not promoted.dtype_preserved


def test_condition_number_scales_error():
    act = symacts.get("exponential")
    x = np.array([700.0])
    ref = reference_values(act, x)
    assert ref.cond[0] == 700.0
