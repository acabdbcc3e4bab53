"""Each stabilisation rule: the structure before/after, and a value where the naive form fails."""

import warnings

import numpy as np
import pytest
import sympy as sp
from sympy.codegen.cfunctions import expm1, hypot, log1p

from symacts.emit import EmitError, NumpyPrinter, compile_expression
from symacts.functions import Phi, sigmoid, softplus
from symacts.stabilise import RULES_BY_NAME, apply_rule, dmul, dsigmoid, erfc, sech2, stabilise

x = sp.Symbol("x", real=True)


def run(rule, e):
    return apply_rule(e, RULES_BY_NAME[rule], x)


def numeric(e, value, dtype=np.float64):
    """Evaluate a stabilised expression through the kernel printer (no SymPy at run time)."""
    with np.errstate(all="ignore"):
        return compile_expression(e, x)(np.asarray(value, dtype=dtype))


def naive(e, value):
    f = sp.lambdify(x, e, "numpy")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(np.float64(value))


def test_exp_ratio_to_sigmoid():
    e = 1 / (1 + sp.exp(-x))
    assert run("exp_ratio_to_sigmoid", e) == sigmoid(x)
    assert run("exp_ratio_to_sigmoid", sp.exp(x) / (1 + sp.exp(x))) == sigmoid(x)
    assert np.isnan(naive(sp.exp(x) / (1 + sp.exp(x)), 1000.0))
    assert numeric(run("exp_ratio_to_sigmoid", sp.exp(x) / (1 + sp.exp(x))), 1000.0) == 1.0


def test_log1p_exp_to_softplus():
    e = sp.log(1 + sp.exp(x))
    assert run("log1p_exp_to_softplus", e) == softplus(x)
    assert np.isinf(naive(e, 1000.0))
    assert numeric(softplus(x), 1000.0) == 1000.0


def test_log_sigmoid_to_softplus():
    e = sp.log(sigmoid(x))
    assert run("log_sigmoid_to_softplus", e) == -softplus(-x)
    assert np.isinf(naive(sp.log(1 / (1 + sp.exp(-x))), -1000.0))
    assert numeric(-softplus(-x), -1000.0) == -1000.0


def test_sigmoid_complement():
    e = 1 - sigmoid(x)
    assert run("sigmoid_complement", e) == sigmoid(-x)
    assert naive(1 - 1 / (1 + sp.exp(-x)), 40.0) == 0.0
    assert numeric(sigmoid(-x), 40.0) == pytest.approx(4.248354255291589e-18, rel=1e-15)


def test_tanh_complement():
    e = 1 - sp.tanh(x) ** 2
    assert run("tanh_complement", e) == sech2(x)
    assert naive(e, 20.0) == 0.0  # truth 1.7e-17
    assert numeric(sech2(x), 20.0) == pytest.approx(1.6993417021166355e-17, rel=1e-15)
    assert run("tanh_complement", 1 + sp.tanh(x)) == 2 * sigmoid(2 * x)
    assert numeric(2 * sigmoid(2 * x), -30.0) == pytest.approx(1.7487566229654002e-26, rel=1e-14)


def test_one_plus_erf_to_erfc():
    e = 1 + sp.erf(x)
    assert run("one_plus_erf_to_erfc", e) == erfc(-x)
    assert naive(e, -10.0) == 0.0  # truth 2.1e-45
    assert numeric(erfc(-x), -10.0) == pytest.approx(2.088487583762545e-45, rel=1e-14)


def test_log1p():
    e = sp.log(1 + x**2)
    assert run("log1p", e) == log1p(x**2)
    assert naive(e, 1e-10) == 0.0
    assert numeric(log1p(x**2), 1e-10) == pytest.approx(1e-20, rel=1e-15)


def test_expm1():
    a = sp.Symbol("alpha", positive=True)
    assert run("expm1", a * (sp.exp(x) - 1)) == a * expm1(x)
    assert run("expm1", sp.exp(x) - 1) == expm1(x)
    assert naive(sp.exp(x) - 1, -1e-146) == 0.0
    assert numeric(expm1(x), -1e-146) == -1e-146


def test_together_quotients():
    a = sp.Symbol("alpha", positive=True)
    e = -a * x**2 / (a * x**2 + 1) ** sp.Rational(3, 2) + 1 / sp.sqrt(a * x**2 + 1)
    assert run("together_quotients", e) == (a * x**2 + 1) ** sp.Rational(-3, 2)
    e1 = e.subs(a, 1)
    assert abs(naive(e1, 1e10) - 1e-30) > 1e-31  # the two terms cancel
    assert numeric(stabilise(e1, x), 1e10) == pytest.approx(1e-30, rel=1e-15)


def test_foreign_branch_values_are_never_selected():
    from pathlib import Path

    import symacts.kernels as kernels

    text = (Path(__file__).resolve().parent.parent / "generated" / "symacts_kernels.py").read_text()
    body = text.split("def _f_elu(", 1)[1].split("\n\n\n", 1)[0]
    # split sum: expm1 sees only min(x, 0), never the inf of x = 1000
    assert "np.expm1(_clip(x, -np.inf, 0))" in body and "_clip(x, 0, np.inf)" in body
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v = kernels.elu(np.array([1000.0, -1000.0, 800.0, np.inf, -np.inf]))
        assert v.tolist() == [1000.0, -1.0, 800.0, np.inf, -1.0]
        d = kernels.elu_grad(np.array([1000.0, 800.0, np.inf], dtype=np.float32))
        assert d.tolist() == [1.0, 1.0, 1.0]


def test_rationalise_sqrt():
    e = (x + sp.sqrt(x**2 + 4)) / 2
    out = run("rationalise_sqrt", e)
    assert isinstance(out, sp.Piecewise)
    assert naive(e, -1e9) == 0.0  # truth 1e-9
    stable = stabilise(e, x, rules=["rationalise_sqrt", "sqrt_to_hypot"])
    assert numeric(stable, -1e9) == pytest.approx(1e-9, rel=1e-15)
    e2 = x + (sp.sqrt(x**2 + 1) - 1) / 2  # bent identity: cancellation at 0
    out2 = run("rationalise_sqrt", e2)
    assert not out2.has(sp.Piecewise)
    stable2 = stabilise(e2, x, rules=["rationalise_sqrt", "sqrt_to_hypot"])
    assert numeric(stable2, 1e-3) == pytest.approx(1e-3 + 2.4999993750003e-07, rel=1e-15)


def test_sqrt_to_hypot():
    e = x / sp.sqrt(x**2 + 1)
    assert run("sqrt_to_hypot", e) == x / hypot(x, 1)
    assert np.isnan(naive(e, 1e200)) or naive(e, 1e200) == 0.0
    assert numeric(x / hypot(x, 1), 1e200) == 1.0


def test_sigmoid_product():
    import mpmath

    e = x * sigmoid(x) * sigmoid(-x)
    out = run("sigmoid_product", e)
    assert out == x * dsigmoid(x) and not out.has(sigmoid)
    assert run("sigmoid_product", sigmoid(x) * sigmoid(2 * x)) == sigmoid(x) * sigmoid(2 * x)
    for v in (-800.0, -40.0, -1e-3, 0.0, 0.5, 30.0, 745.0):
        want = float(mpmath.mpf(1) / (4 * mpmath.cosh(mpmath.mpf(v) / 2) ** 2))
        got = float(numeric(dsigmoid(x), v))
        assert got == pytest.approx(want, rel=4e-16, abs=0)  # down to the subnormal range
    assert numeric(dsigmoid(x), np.inf) == 0 and numeric(dsigmoid(x), -np.inf) == 0
    assert float(dsigmoid(sp.Float(3)).evalf()) == pytest.approx(
        float(sigmoid(3).evalf() * sigmoid(-3).evalf()), rel=1e-15)


def test_decaying_product():
    e = x * sigmoid(-x)
    assert run("decaying_product", e) == dmul(sigmoid(-x), x)
    assert np.isnan(numeric(e, np.inf))
    assert numeric(dmul(sigmoid(-x), x), np.inf) == 0.0


def test_series_near_zero():
    e = x - sp.tanh(x)
    out = stabilise(e, x, rules=["series_near_zero"])
    assert isinstance(out, sp.Piecewise) and out.args[0][1] == (sp.Abs(x) < out.args[0][1].rhs)
    truth = float(sp.Float("1e-4", 50) - sp.tanh(sp.Float("1e-4", 50)))
    assert abs(naive(e, 1e-4) - truth) > 1e-9 * truth  # cancellation
    assert compile_expression(out, x)(np.array([1e-4]))[0] == pytest.approx(truth, rel=4e-16)


def test_normal_cdf_primitive_has_no_cancellation():
    assert numeric(x * Phi(x), -10.0) == pytest.approx(-7.619853024160526e-23, rel=1e-13)


def test_printer_is_strict():
    with pytest.raises(EmitError, match="cannot print"):
        NumpyPrinter(x, {x: "x"})(sp.besselj(0, x))
    with pytest.raises(EmitError, match="unknown symbol"):
        NumpyPrinter(x, {x: "x"})(x + sp.Symbol("y"))


def test_printer_keeps_float32():
    e = stabilise(sp.sqrt(2) * x * sigmoid(sp.pi * x), x)
    out = numeric(e, np.float32(1.5), np.float32)
    assert np.asarray(out).dtype == np.float32


def test_softplus_reflect():
    b = sp.Symbol("beta", positive=True)
    e = x * sigmoid(b * x) / b - softplus(b * x) / b**2  # softplus' ∂f/∂β
    out = run("softplus_reflect", e)
    assert isinstance(out, sp.Piecewise) and out.args[0][1] == (b * x > 0)
    assert not out.args[0][0].has(softplus(b * x))
    e1 = e.subs(b, 1)
    naive_e = sp.lambdify(x, e1.rewrite(sp.exp), "numpy")
    with np.errstate(all="ignore"):
        assert naive_e(40.0) == 0.0  # truth −41·e^{−40}
    val = numeric(stabilise(e1, x), 40.0)
    assert val == pytest.approx(-41 * np.exp(-40.0), rel=1e-14)


def test_scale_rational():
    e = x**3 / (1 + x**2)
    out = run("scale_rational", e)
    assert isinstance(out, sp.Piecewise) and out.args[0][1] == (sp.Abs(x) <= 1)
    assert np.isnan(naive(e, 1e300))
    assert numeric(stabilise(e, x), 1e300) == pytest.approx(1e300, rel=1e-15)
    assert numeric(stabilise(e, x), 0.5) == pytest.approx(0.1, rel=1e-15)


def test_exp_ratio_powers():
    e = x * sp.exp(-x) / (1 + sp.exp(-x)) ** 2  # from d/dx of x/(1 + e^{−x})
    out = run("exp_ratio_to_sigmoid", e)
    assert out == x * sigmoid(x) * sigmoid(-x)
    assert np.isnan(naive(e, -1000.0))
    assert numeric(stabilise(e, x), -1000.0) == 0.0
