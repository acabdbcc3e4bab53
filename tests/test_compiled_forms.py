"""Cost-aware forms of the C printer (symacts/emit/c_forms.py): each identity proved by SymPy,
each form right (against mpmath) where the naive form of the same idea fails, and used by the
printed kernels."""

import re
from pathlib import Path

import mpmath
import numpy as np
import pytest

from symacts.emit.c_forms import RULES, evaluate, prove

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("rule", sorted(RULES))
def test_identity_is_proved(rule):
    assert prove(rule)


def _ulps(got, want, dt):
    return abs(float(got) - want) / float(np.spacing(dt(abs(want))))


def _tsp(u):
    with mpmath.workdps(60):
        return float(mpmath.tanh(mpmath.log1p(mpmath.exp(mpmath.mpf(u)))))


def _s2sp(u):
    with mpmath.workdps(60):
        return float(mpmath.sech(mpmath.log1p(mpmath.exp(mpmath.mpf(u)))) ** 2)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_tanh_softplus_one_exp_where_the_naive_ratio_overflows(dt):
    big = dt(400.0 if dt == np.float64 else 60.0)
    with np.errstate(all="ignore"):
        e = np.exp(big)
        naive = (e * (e + 2)) / (e * (e + 2) + 2)  # n/(n + 2), n = eᵘ(eᵘ + 2)
    assert np.isnan(naive)
    for u in (big, dt(-30.0), dt(-1.5), dt(-1e-3), dt(0.0), dt(0.7), dt(5.0), dt(25.0)):
        assert _ulps(evaluate("TanhSoftplusT", u), _tsp(float(u)), dt) <= 3, u


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_sech2_softplus_one_exp_where_one_minus_tanh_squared_cancels(dt):
    u = dt(30.0 if dt == np.float64 else 12.0)
    with np.errstate(all="ignore"):
        naive = dt(1) - np.tanh(np.log1p(np.exp(u))) ** 2
    want = _s2sp(float(u))
    assert naive == 0 and want > 0
    for v in (u, dt(-40.0), dt(-2.0), dt(-0.0), dt(0.3), dt(3.0), dt(9.0)):
        assert _ulps(evaluate("Sech2SoftplusT", v), _s2sp(float(v)), dt) <= 4, v


def test_mish_kernels_compute_one_exponential():
    text = (ROOT / "generated" / "c" / "symacts_kernels.inc").read_text()
    for key in ("f", "df", "vg"):
        body = text.split(f"SFX(mish_{key})(", 1)[1].split("SY_INLINE M SFX", 1)[0]
        calls = re.findall(r"\bv_(exp|expnegabs|tanh|log1p|sech2|softplus|sigmoid)\(", body)
        assert calls == ["expnegabs"], (key, calls)


def test_compiled_mish_at_the_far_ends():
    import symacts.kernels as K  # noqa: N812

    for dt in (np.float32, np.float64):
        x = np.array([1e30, 400.0, 40.0, -40.0, -100.0], dt)
        f, d = K.mish_value_and_grad(x)
        with mpmath.workdps(60):
            for xi, fi, di in zip(x, f, d, strict=True):
                xm = mpmath.mpf(float(xi))
                tsp = mpmath.tanh(mpmath.log1p(mpmath.exp(xm)))
                want_f = xm * tsp
                want_d = tsp + xm * mpmath.sech(mpmath.log1p(mpmath.exp(xm))) ** 2 / (
                    1 + mpmath.exp(-xm))
                for got, want in ((fi, want_f), (di, want_d)):
                    want = float(want)
                    if abs(want) >= np.finfo(dt).tiny:
                        assert _ulps(got, want, dt) <= 4, (xi, got, want)


def test_float32_phi_of_its_own_derivation():
    """gelu float32 through Φ computed in float64 (erf Taylor series below |x| = 1/√2, a fitted
    erfcx times the exact e^{−x²/2} above): within 1.5 ULP of mpmath wherever Φ(x) is a normal
    float32 (x > −12.9; below, Φ's subnormal rounding shows in x·Φ), with the right limits."""
    from symacts.kernels import ufuncs as U  # noqa: N812

    x = np.concatenate([np.linspace(-12.9, 6, 3001), [-0.7071, -0.7072, 0.7071, 0.7072]])
    x = x.astype(np.float32)
    got = U.gelu(x)
    worst = 0.0
    with mpmath.workdps(40):
        for xi, gi in zip(x, got, strict=True):
            xm = mpmath.mpf(float(xi))
            want = float(xm * mpmath.ncdf(xm))
            if abs(want) >= np.finfo(np.float32).tiny:
                worst = max(worst, _ulps(gi, want, np.float32))
    assert worst <= 1.5
    inf = np.float32(np.inf)
    assert U.gelu(inf) == inf and U.gelu(-inf) == 0 and np.isnan(U.gelu(np.float32(np.nan)))
    assert U.gelu(np.float32(-20.0)) == 0 and U.gelu(np.float32(-0.0)) == 0
