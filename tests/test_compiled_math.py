"""The compiled kernels' own tanh, expm1 and log1p (symacts_simd.h, symacts_fitted.h): the
fitted header is what scripts/fit_math.py derives, and each function, as the compiled kernels
run it, is within 2 ULP of mpmath over the float range with IEEE specials kept."""

import mpmath
import numpy as np
import pytest

import symacts
from symacts.verify.ulps import sweep_points

pytest.importorskip("symacts.kernels._compiled",
                    reason="the compiled kernels are not built (no compiler or SLEEF)")
from symacts.kernels import ufuncs as U  # noqa: N812

DTYPES = (np.float32, np.float64)


def test_fitted_header_is_what_the_fit_gives():
    import fit_math

    text, _ = fit_math.build(measure=False)
    assert fit_math.HEADER.read_text(encoding="utf-8") == text


def _max_ulp(got, x, fn, dt):
    with mpmath.workdps(40):
        want = np.array([float(fn(mpmath.mpf(float(v)))) for v in x])
    fin = np.isfinite(want) & (np.abs(want) <= float(np.finfo(dt).max))
    assert np.isfinite(got[fin]).all()
    ulp = np.spacing(np.abs(want[fin]).astype(dt)).astype(np.float64)
    return float(np.max(np.abs(got[fin].astype(np.float64) - want[fin]) / ulp))


def _points(dt, lo, hi):
    x = sweep_points(dt, grid=1201, per_sign_log=120)
    x = x[np.isfinite(x) & (x >= lo) & (x <= hi)]
    rng = np.random.default_rng(5)
    return np.concatenate([x, rng.uniform(lo, hi, 3000).astype(dt)])


@pytest.mark.parametrize("dt", DTYPES)
def test_tanh(dt):
    x = _points(dt, -30, 30)
    assert _max_ulp(U.tanh(x), x, mpmath.tanh, dt) <= 2.0
    sp = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, -1e-30], dt)
    got = U.tanh(sp)
    np.testing.assert_array_equal(np.signbit(got[:2]), [False, True])
    np.testing.assert_array_equal(got[2:4], [1.0, -1.0])
    assert np.isnan(got[4]) and got[5] == sp[5] and got[6] == sp[6]


@pytest.mark.parametrize("dt", DTYPES)
def test_expm1_over_its_whole_range(dt, tmp_path, monkeypatch):
    """e^x − 1 made with define is printed as expm1: both signs, overflow, underflow to −1."""
    from symacts.kernels import runtime

    monkeypatch.setenv("SYMACTS_CACHE", str(tmp_path))
    monkeypatch.setattr(runtime, "_LOADED", {})
    k = symacts.define("exp_minus_one", "exp(x) - 1", replace=True).kernel()
    assert "v_expm1(x)" in k.source
    top = 88.0 if dt == np.float32 else 709.0
    x = _points(dt, -120.0 if dt == np.float32 else -760.0, top)
    assert _max_ulp(k.f(x), x, mpmath.expm1, dt) <= 2.0
    sp = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, top + 2], dt)
    with np.errstate(over="ignore"):
        got = k.f(sp)
    np.testing.assert_array_equal(np.signbit(got[:2]), [False, True])
    assert got[2] == np.inf and got[3] == -1.0 and np.isnan(got[4])
    assert got[5] == sp[5] and got[6] == np.inf


@pytest.mark.parametrize("dt", DTYPES)
def test_log1p_of_a_decaying_exponential(dt):
    """softplus(x) = log1p(e^{−|x|}) + max(x, 0): log1p on (0, 1], ln 2 exact at x = 0."""
    x = _points(dt, -200, 200)
    got = U.softplus(x, dt(1.0))
    assert _max_ulp(got, x, lambda v: mpmath.log1p(mpmath.exp(v)), dt) <= 2.5
    assert U.softplus(np.array([0.0], dt), dt(1.0))[0] == dt(np.log1p(1.0))


def test_taylor_branch_is_shorter_in_float32_and_as_accurate():
    """tanhshrink near 0 is a Taylor polynomial cut for float64 (2⁻⁵⁸ at |x| = 0.85); the
    float32 loop keeps only the terms float32 can see, and stays within 2.5 ULP there (the
    rounding of the float32 Horner steps)."""
    from symacts.emit.c_printer import _float32_degrees

    coeffs = {k: (-1) ** k / 2.0**k for k in range(1, 40)}
    degs = list(range(39, 0, -1))
    short = _float32_degrees(coeffs, degs, 0.5)
    assert short == list(range(15, 0, -1))  # 4^-k of the value 0.2 below 2^-28 from k = 16
    assert _float32_degrees(coeffs, degs, None) == degs
    x = np.linspace(-0.849, 0.849, 4001).astype(np.float32)  # the Taylor branch, |x| < 0.85
    x = x[x != 0]
    assert _max_ulp(U.tanhshrink(x), x, lambda v: v - mpmath.tanh(v), np.float32) <= 2.5
