"""Kernels of activations made with ``define``: as robust as the catalog's, by rule."""

import mpmath
import numpy as np
import pytest
import sympy as sp

import symacts

DTYPES = (np.float32, np.float64)


def _define(name, expr, **kw):
    return symacts.define(name, expr, replace=True, **kw)


@pytest.fixture(scope="module")
def kinkmax():
    return _define("kink_away_from_zero", "max(x, 0.3*x - 1)")


def test_kink_conditions_are_solved_for_x(kinkmax):
    x = kinkmax.x
    assert kinkmax.expr.args[0][1] == (x >= sp.Rational(-10, 7))
    assert kinkmax.kink_points() == (sp.Rational(-10, 7),)


@pytest.mark.parametrize("dt", DTYPES)
def test_kink_away_from_zero_on_both_sides_and_at_infinity(kinkmax, dt):
    k = kinkmax.kernel()
    c = dt(-10 / 7)
    below = [np.nextafter(c, dt(-np.inf)), c]
    above = [np.nextafter(c, dt(np.inf))]
    for v in (*below, *above):
        v = dt(v)
        with mpmath.workdps(50):
            truth = 1.0 if mpmath.mpf(float(v)) >= mpmath.mpf(-10) / 7 else 0.3
        assert float(k.grad(np.array([v], dt))[0]) == pytest.approx(truth, rel=1e-6), v
        assert float(k.grad(v)) == pytest.approx(truth, rel=1e-6), v
    g = k.grad(np.array([-np.inf, np.inf], dt))
    assert g[0] == pytest.approx(0.3, rel=1e-6) and g[1] == 1.0
    assert g.dtype == dt


def test_provenance_decides_which_kernels_serve():
    import symacts.kernels as K  # noqa: N812
    from symacts.activation import Activation

    mish = symacts.get("mish")
    assert mish.catalog and mish.kernel().grad is K.mish_grad
    bound = symacts.get("swish").bind(beta=2.0)
    assert bound.catalog and bound.kernel().f(1.0) == K.swish(1.0, beta=2.0)
    impostor = Activation(name="mish", expr=mish.x * sp.tanh(mish.x))  # same name, not mish
    k = impostor.kernel()
    assert k.f is not K.mish and float(k.f(1.0)) == pytest.approx(np.tanh(1.0), rel=1e-15)


@pytest.mark.parametrize("dt", DTYPES)
def test_vanishing_times_exploding_factor_takes_its_limit(dt):
    """x·tanh(eˣ): f' = tanh(eˣ) + x·sech²(eˣ)·eˣ is ∞·0 = NaN once eˣ overflows (x ≥ 710;
    float32: 89); the decaying factor that only decays goes outside: f' = 1 there."""
    act = _define("tanh_exp", "x*tanh(exp(x))")
    k = act.kernel()
    x = np.array([20.0, 88.0, 89.0, 710.0, 1e3, 1e30, np.inf, -1e3, -np.inf], dt)
    g = k.grad(x)
    assert g.dtype == dt
    with mpmath.workdps(60):
        for v, got in zip(x[:-1], g[:-1], strict=True):
            xv = mpmath.mpf(float(v))
            want = mpmath.tanh(mpmath.exp(xv)) + xv * mpmath.sech(mpmath.exp(xv)) ** 2 * \
                mpmath.exp(xv) if abs(xv) < 1e6 else (1 if xv > 0 else 0)
            assert float(got) == pytest.approx(float(want), rel=4 * float(np.finfo(dt).eps),
                                               abs=float(np.finfo(dt).tiny)), v
    assert g[-1] == 0.0


@pytest.mark.parametrize("dt", DTYPES)
def test_parameter_in_an_exponent(dt):
    """x·σ(bx)^c: σ(bx)^c vanishes at −∞ whatever c > 0 is; f, f' and ∂f/∂b are 0 there, not
    0·∞ = NaN, and ∂f/∂b = c·x²·σ^c·σ(−bx) stays finite where x² overflows."""
    act = _define("sig_pow", "x*sigmoid(b*x)**c", params={"b": 1.0, "c": 2.0})
    k = act.kernel()
    x = np.array([-np.inf, -1e300 if dt == np.float64 else -1e38, -1e160 if dt == np.float64
                  else -1e20], dt)
    for fn in (k.f, k.grad, lambda v: k.grad(v, wrt="b"), lambda v: k.grad(v, wrt="c")):
        got = fn(x)
        assert got.dtype == dt and np.all(got == 0), got


@pytest.mark.parametrize("dt", DTYPES)
def test_difference_of_square_roots_far_out(dt):
    """x(1 + x/√(1 + x²))/2 cancels for x → −∞ (truth ≈ 1/(4x)) and its f' overflows in x⁴
    and √(1 + x²)³: rationalised, divided one factor at a time, and 0 beyond the point where
    the truth underflows."""
    act = _define("sqrt_step", "x*(1 + x/sqrt(1 + x**2))/2")
    k = act.kernel()
    assert not k.findings
    big = 1e200 if dt == np.float64 else 1e30
    x = np.array([-big, -1e16, -1e8, -np.finfo(dt).max], dt)
    f, g = k.f(x), k.grad(x)
    with mpmath.workdps(1400):  # 1 + x/√(1 + x²) cancels 2·log10|x| digits
        for v, fv, gv in zip(x, f, g, strict=True):
            xv = mpmath.mpf(float(v))
            h = mpmath.sqrt(1 + xv * xv)
            want_f = xv * (1 + xv / h) / 2
            want_g = (1 + xv / h) / 2 + xv * (1 / h - xv * xv / h**3) / 2
            tiny = float(np.finfo(dt).tiny)
            assert float(fv) == pytest.approx(float(want_f), rel=8 * float(np.finfo(dt).eps),
                                              abs=tiny), v
            assert float(gv) == pytest.approx(float(want_g), rel=16 * float(np.finfo(dt).eps),
                                              abs=tiny), v


def test_what_no_rule_fixes_is_named():
    """A definition whose kernel cannot meet the target somewhere says where, and why."""
    from symacts.errors import KernelAccuracyWarning

    act = _define("cancels_everywhere", "(exp(x) - 1 - x)/x**2")  # 0/0 cancellation near 0
    with pytest.warns(KernelAccuracyWarning, match=r"cancels_everywhere.*ULP from the truth"):
        k = act.kernel()
    assert k.findings and all(f.region for f in k.findings)
