"""Breakpoints of any relational form, sampled exactly and on both sides; real counterexamples."""

from __future__ import annotations

import re

import mpmath
import pytest
import sympy as sp

import symacts
from symacts.verify import EQUAL_EXCEPT, PROVED, REFUTED, verify
from symacts.verify.evaluate import Unresolved, compile_expr
from symacts.verify.sampling import breakpoints, sample_points, special_point

x = sp.Symbol("x", real=True)
R = sp.Rational


def pw(cond):
    return sp.Piecewise((1, cond), (0, True))


@pytest.mark.parametrize(("cond", "want"), [
    (sp.Abs(x) < 2 * 10**6, {-2 * 10**6, 0, 2 * 10**6}),  # 0: the kink of |x|
    (x**2 < 4 * 10**12, {-2 * 10**6, 2 * 10**6}),
    (x > R(-10, 7), {R(-10, 7)}),
    (sp.Abs(x - 1) + sp.Abs(x + 1) < 3, {R(-3, 2), -1, 1, R(3, 2)}),
    (sp.And(x > -1, 1 / x < 4), {-1, R(1, 4)}),
])
def test_polynomial_breakpoints_are_exact(cond, want):
    assert set(breakpoints([pw(cond)], x)) == want


def test_max_min_breakpoints():
    f = sp.Max(x, R(3, 10) * x - 1)
    assert breakpoints([f], x) == [R(-10, 7)]
    assert breakpoints([f.rewrite(sp.Piecewise)], x) == [R(-10, 7)]
    assert set(breakpoints([sp.Min(sp.Max(0, x), 10**7)], x)) == {0, 10**7}


def test_other_breakpoints_are_located_to_50_digits():
    (r,) = breakpoints([pw(sp.exp(x) > 2)], x)
    with mpmath.workdps(60):
        assert abs(r - mpmath.log(2)) < mpmath.mpf(10) ** -45
    roots = breakpoints([pw(sp.tanh(x) ** 2 < R(1, 4))], x)
    with mpmath.workdps(60):
        assert sorted(roots) == pytest.approx([-mpmath.atanh(0.5), mpmath.atanh(0.5)])
        assert all(abs(abs(r) - mpmath.atanh(mpmath.mpf(1) / 2)) < mpmath.mpf(10) ** -45
                   for r in roots)


def test_exact_point_decides_its_own_boundary():
    g = compile_expr(pw(x >= R(-10, 7)), x)
    with mpmath.workdps(50):
        approx = mpmath.mpf(-10) / 7
        exact = special_point(R(-10, 7), approx)
        pts = sample_points([exact], 100)
    with mpmath.workdps(40):
        assert g(exact)[0] == 1
        with pytest.raises(Unresolved):  # the 50-digit approximation alone cannot tell
            g(approx)
    assert pts[0] is exact
    with mpmath.workdps(50):
        for d in (mpmath.mpf(10) ** -30, mpmath.mpf("0.1")):  # sampled on both sides
            assert any(abs(p - (exact - d)) < d / 1000 for p in pts)
            assert any(abs(p - (exact + d)) < d / 1000 for p in pts)


def relu(t):
    return max(mpmath.mpf(0), t)


def assert_real_counterexample(r, claim, truth):
    """The reported point is one where the sides differ, checked by mpmath directly."""
    c = r.counterexample
    assert r.verdict == REFUTED and c is not None
    t = mpmath.mpf(c.x)
    with mpmath.workdps(50):
        a, b = claim(t), truth(t)
        assert abs(a - b) > 1e-6 * max(abs(a), abs(b))
        assert abs(mpmath.mpf(c.claimed) - a) <= 1e-15 * max(1, abs(a))
        assert abs(mpmath.mpf(c.true) - b) <= 1e-15 * max(1, abs(b))
    return t


@pytest.mark.parametrize("region", ["abs(x) < 2e6", "x^2 < 4e12"])
def test_a_claim_that_differs_only_beyond_2e6_is_refuted(region):
    claim = f"x if {region} and x > 0 else 0 if x < 0 else 2x"
    r = verify("relu", function=claim)
    t = assert_real_counterexample(
        r, lambda t: t if (abs(t) < 2e6 and t > 0) else (0 if t < 0 else 2 * t), relu)
    assert t >= 2e6
    r = verify("relu", function=f"x if x > 0 else 0 if {region} else x")
    t = assert_real_counterexample(r, lambda t: t if t > 0 else (0 if abs(t) < 2e6 else t),
                                   relu)
    assert t <= -2e6


def test_min_max_relu_counterexample_is_where_the_sides_differ():
    r = verify("relu", function="min(max(0,x),1e7)")
    t = assert_real_counterexample(r, lambda t: min(max(mpmath.mpf(0), t), 10**7), relu)
    assert t > 1e7


def test_a_tiny_difference_is_shown_with_enough_digits():
    r = verify("relu", function="1.00000000000000000001 x if x > 0 else 0")
    c = r.counterexample
    assert r.verdict == REFUTED
    assert c.claimed != c.true
    with mpmath.workdps(50):
        t = mpmath.mpf(c.x)
        assert mpmath.mpf(c.true) == relu(t)
        rel = (mpmath.mpf(c.claimed) - mpmath.mpf(c.true)) / mpmath.mpf(c.true)
        assert rel == pytest.approx(1e-20, rel=1e-3)
    assert any("tiny" in n for n in r.notes)


def test_kink_away_from_zero_written_as_a_condition():
    act = symacts.define("kink_at_minus_ten_sevenths", "max(x, 0.3*x - 1)", replace=True)
    assert verify(act, function="x if x > -10/7 else 0.3x - 1").verdict == PROVED
    assert verify(act, derivative="1 if x >= -10/7 else 0.3").verdict == PROVED
    r = verify(act, derivative="1 if x > -10/7 else 0.3")
    assert r.verdict == EQUAL_EXCEPT
    (e,) = r.exceptions
    assert (e.x, e.claimed, e.true) == ("-10/7", "0.3", "1")
    f = lambda t: max(t, mpmath.mpf(3) / 10 * t - 1)  # noqa: E731
    with mpmath.workdps(50):
        k = mpmath.mpf(-10) / 7
        h = mpmath.mpf(10) ** -20
        left = mpmath.diff(f, k, direction=-1, h=h)
        right = mpmath.diff(f, k, direction=1, h=h)
    m = re.search(r"one-sided derivatives (\S+) \(left\) and (\S+) \(right\)", e.reason)
    assert m is not None, e.reason
    assert abs(float(m.group(1)) - float(left)) < 1e-9
    assert abs(float(m.group(2)) - float(right)) < 1e-9
