"""Each stabilisation rule (test_<rule name>): the structure after the rewrite, and a value where
the naive form fails, against the textbook formula evaluated by mpmath at high precision."""

import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp
from sympy.codegen.cfunctions import expm1, hypot, log1p

from symacts import stabilise as stabilise_module
from symacts.emit import EmitError, NumpyPrinter, compile_expression
from symacts.functions import Phi, phi, sigmoid, softplus
from symacts.stabilise import (
    PHASES,
    RULES,
    RULES_BY_NAME,
    apply_rule,
    dmul,
    dsigmoid,
    erfc,
    rule,
    sech2,
    stabilise,
)

x = sp.Symbol("x", real=True)
EPS = 2.0**-52


def run(rule_name, e):
    return apply_rule(e, RULES_BY_NAME[rule_name], x)


def numeric(e, value, dtype=np.float64):
    """Evaluate a stabilised expression through the kernel printer (no SymPy at run time)."""
    with np.errstate(all="ignore"):
        return compile_expression(e, x)(np.asarray(value, dtype=dtype))


def naive(e, value):
    """The formula as written, in float64 NumPy."""
    f = sp.lambdify(x, e, "numpy")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(np.float64(value))


def reference(e, value) -> float:
    """The formula as written, by mpmath at rising precision until two levels agree (a 0 that
    may be all digits cancelled counts only at the highest levels)."""
    f = sp.lambdify(x, e, "mpmath")
    prev = None
    levels = (30, 60, 120, 240, 480)
    for dps in levels:
        with mpmath.workdps(dps):
            v = f(mpmath.mpf(value))
            agree = prev is not None and abs(v - prev) <= abs(v) * mpmath.mpf(10) ** -25
            if agree and (v != 0 or dps == levels[-1]):
                return float(v)
            prev = v
    raise AssertionError(f"no two precisions agree for {e} at {value}")


def close(got, want, ulps=4):
    return float(got) == pytest.approx(want, rel=ulps * EPS, abs=0)


# ---- the registry -------------------------------------------------------------------------------
def test_every_rule_has_a_test_named_after_it():
    missing = [r.name for r in RULES if not callable(globals().get(f"test_{r.name}"))]
    assert not missing


def test_rules_run_phase_by_phase_in_their_order():
    phases = [PHASES.index(r.phase) for r in RULES]
    assert phases == sorted(phases) and set(phases) == {0, 1, 2}
    # the order within a phase decides what each rule sees, and so the generated kernels
    assert [r.name for r in RULES] == [
        "normal_cdf_to_erfc", "exp_ratio_to_sigmoid", "log1p_exp_to_softplus",
        "log_sigmoid_to_softplus", "together_quotients",
        "sigmoid_complement", "tanh_complement", "one_plus_erf_to_erfc", "softplus_reflect",
        "log1p", "expm1", "rationalise_sqrt", "scale_rational", "sqrt_to_hypot",
        "series_near_zero", "sigmoid_product", "scaled_softplus", "halved_denominator",
        "decaying_product",
    ]
    assert RULES_BY_NAME == {r.name: r for r in RULES}


def test_rules_carry_their_docstring_and_the_module_lists_them():
    for r in RULES:
        assert r.doc and r.doc == r.doc.strip() and r.summary in " ".join(r.doc.split())
        assert f"{r.name}: {r.summary}" in stabilise_module.__doc__
    assert {RULES_BY_NAME[n].passes for n in ("softplus_reflect", "rationalise_sqrt",
                                              "scale_rational")} == {1}
    assert [r.name for r in RULES if r.scope == "branch"] == ["series_near_zero"]


def test_rule_registration_errors_are_clear_and_register_nothing():
    before = list(RULES)

    def _no_doc(n, x):
        return None

    def _tanh_complement(n, x):
        """A second rule of an existing name."""

    with pytest.raises(ValueError, match="unknown phase 'simplify'"):
        rule("simplify")
    with pytest.raises(ValueError, match="unknown scope"):
        rule("stabilise", scope="tree")
    with pytest.raises(ValueError, match="needs a docstring"):
        rule("stabilise")(_no_doc)
    with pytest.raises(ValueError, match="'tanh_complement' is already registered"):
        rule("stabilise")(_tanh_complement)
    assert RULES == before


def test_unknown_rule_names_are_a_clear_error():
    with pytest.raises(ValueError, match=r"unknown stabilisation rule 'log1pp'.*log1p"):
        stabilise(sp.log(1 + x), x, rules=["log1pp"])
    with pytest.raises(TypeError, match="list of rule names"):
        stabilise(sp.log(1 + x), x, rules="log1p")


def test_stabilise_runs_only_the_named_rules_in_the_order_given():
    e = sp.log(1 + sp.exp(x))
    assert stabilise(e, x, rules=["log1p"]) == log1p(sp.exp(x))
    assert stabilise(e, x, rules=["log1p_exp_to_softplus", "log1p"]) == softplus(x)
    assert stabilise(e, x) == softplus(x)


# ---- canonicalise -----------------------------------------------------------------------------
def test_normal_cdf_to_erfc():
    e = x * phi(x)
    out = run("normal_cdf_to_erfc", e)
    assert out == x * sp.exp(-(x**2) / 2) / sp.sqrt(2 * sp.pi) and not out.has(phi)
    assert run("normal_cdf_to_erfc", x * Phi(x)) == x * Phi(x)  # Φ stays a primitive
    with pytest.raises(EmitError, match="cannot print phi"):
        numeric(e, 1.0)  # without the rewrite φ has no kernel at all
    plain = x * sp.exp(-(x**2) / 2) / sp.sqrt(2 * sp.pi)
    for v in (-30.0, 0.5, 30.0):
        assert close(numeric(out, v), reference(plain, v))
    # x·Φ(x) with Φ written with erf cancels to 0 at −10; the primitive Φ does not
    gelu = x * (1 + sp.erf(x / sp.sqrt(2))) / 2
    want = reference(gelu, -10.0)
    assert naive(gelu, -10.0) == 0.0 and want < -1e-23
    assert float(numeric(stabilise(x * Phi(x), x), -10.0)) == pytest.approx(want, rel=1e-13)


def test_exp_ratio_to_sigmoid():
    e = sp.exp(x) / (1 + sp.exp(x))
    assert run("exp_ratio_to_sigmoid", 1 / (1 + sp.exp(-x))) == sigmoid(x)
    assert run("exp_ratio_to_sigmoid", e) == sigmoid(x)
    assert np.isnan(naive(e, 1000.0))  # ∞/∞
    assert close(numeric(run("exp_ratio_to_sigmoid", e), 1000.0), reference(e, 1000.0))
    # powers, as in d/dx of x/(1 + e^{−x})
    e2 = x * sp.exp(-x) / (1 + sp.exp(-x)) ** 2
    assert run("exp_ratio_to_sigmoid", e2) == x * sigmoid(x) * sigmoid(-x)
    want = reference(e2, -700.0)
    assert naive(e2, -700.0) == 0.0 and want < -1e-302  # (1 + e^{700})² overflows
    assert close(numeric(stabilise(e2, x), -700.0), want)


def test_log1p_exp_to_softplus():
    e = sp.log(1 + sp.exp(x))
    assert run("log1p_exp_to_softplus", e) == softplus(x)
    assert np.isinf(naive(e, 1000.0))
    assert naive(e, -40.0) == 0.0  # 1 + e^{−40} rounds to 1
    for v in (1000.0, -40.0):
        assert close(numeric(softplus(x), v), reference(e, v))


def test_log_sigmoid_to_softplus():
    e = sp.log(sigmoid(x))
    assert run("log_sigmoid_to_softplus", e) == -softplus(-x)
    plain = sp.log(1 / (1 + sp.exp(-x)))
    assert np.isinf(naive(plain, -1000.0))
    assert close(numeric(-softplus(-x), -1000.0), reference(plain, -1000.0))


def test_together_quotients():
    a = sp.Symbol("alpha", positive=True)
    e = -a * x**2 / (a * x**2 + 1) ** sp.Rational(3, 2) + 1 / sp.sqrt(a * x**2 + 1)
    assert run("together_quotients", e) == (a * x**2 + 1) ** sp.Rational(-3, 2)
    e1 = e.subs(a, 1)
    want = reference(e1, 1e10)
    assert abs(naive(e1, 1e10) - want) > 0.1 * want  # the two terms cancel
    assert close(numeric(stabilise(e1, x), 1e10), want)


# ---- stabilise -------------------------------------------------------------------------------
def test_sigmoid_complement():
    assert run("sigmoid_complement", 1 - sigmoid(x)) == sigmoid(-x)
    assert run("sigmoid_complement", 3 - 3 * sigmoid(2 * x)) == 3 * sigmoid(-2 * x)
    assert run("sigmoid_complement", x + 2 - 2 * sigmoid(x)) == x + 2 * sigmoid(-x)
    assert run("sigmoid_complement", 2 - sigmoid(x)) == 2 - sigmoid(x)  # no matching constant
    # a cofactor instead of a number: x − x·σ(x) = x·σ(−x)
    assert run("sigmoid_complement", x - x * sigmoid(x)) == x * sigmoid(-x)
    plain = 1 - 1 / (1 + sp.exp(-x))
    want = reference(plain, 40.0)
    assert naive(plain, 40.0) == 0.0 and want > 4e-18
    assert close(numeric(sigmoid(-x), 40.0), want)


def test_tanh_complement():
    e = 1 - sp.tanh(x) ** 2
    assert run("tanh_complement", e) == sech2(x)
    assert run("tanh_complement", 2 - 2 * sp.tanh(x) ** 2) == 2 * sech2(x)
    assert run("tanh_complement", 1 + sp.tanh(x) ** 2) == 1 + sp.tanh(x) ** 2
    assert run("tanh_complement", 1 + sp.tanh(x)) == 2 * sigmoid(2 * x)
    assert run("tanh_complement", 1 - sp.tanh(x)) == 2 * sigmoid(-2 * x)
    assert run("tanh_complement", x - x * sp.tanh(x) ** 2) == x * sech2(x)
    want = reference(e, 20.0)
    assert naive(e, 20.0) == 0.0 and want > 1e-17
    assert close(numeric(sech2(x), 20.0), want)
    e2 = 1 + sp.tanh(x)
    want2 = reference(e2, -30.0)
    assert naive(e2, -30.0) == 0.0 and want2 > 1e-26
    assert close(numeric(run("tanh_complement", e2), -30.0), want2)


def test_one_plus_erf_to_erfc():
    e = 1 + sp.erf(x)
    assert run("one_plus_erf_to_erfc", e) == erfc(-x)
    assert run("one_plus_erf_to_erfc", (1 - sp.erf(x)) / 2) == erfc(x) / 2
    want = reference(e, -10.0)
    assert naive(e, -10.0) == 0.0 and want > 2e-45
    assert float(numeric(erfc(-x), -10.0)) == pytest.approx(want, rel=1e-14)
    e2 = 1 - sp.erf(x)
    assert float(numeric(run("one_plus_erf_to_erfc", e2), 10.0)) == pytest.approx(
        reference(e2, 10.0), rel=1e-14)
    # the sum as a user may write it, a cofactor of x: x·erf(ax)/2 + x/2 = x·erfc(−ax)/2
    a = sp.Symbol("a", positive=True)
    e3 = x * sp.erf(a * x) / 2 + x / 2
    got = run("one_plus_erf_to_erfc", e3)
    assert got == x * erfc(-a * x) / 2
    at = {a: sp.Rational(7, 10)}
    want = reference(e3.subs(at), -12.0)
    assert want < -1e-32 and abs(naive(e3.subs(at), -12.0) - want) > 0.5 * abs(want)
    assert float(numeric(got.subs(at), -12.0)) == pytest.approx(want, rel=1e-14)


def test_softplus_reflect():
    b = sp.Symbol("beta", positive=True)
    e = x * sigmoid(b * x) / b - softplus(b * x) / b**2  # softplus' ∂f/∂β
    out = run("softplus_reflect", e)
    assert isinstance(out, sp.Piecewise) and out.args[0][1] == (b * x > 0)
    assert not out.args[0][0].has(softplus(b * x))
    e1 = e.subs(b, 1)
    want = reference(e1, 40.0)
    assert naive(e1.rewrite(sp.exp), 40.0) == 0.0 and want < -1e-16
    assert close(numeric(stabilise(e1, x), 40.0), want, ulps=16)


def test_log1p():
    e = sp.log(1 + x**2)
    assert run("log1p", e) == log1p(x**2)
    want = reference(e, 1e-10)
    assert naive(e, 1e-10) == 0.0 and want > 9e-21
    assert close(numeric(log1p(x**2), 1e-10), want)


def test_expm1():
    a = sp.Symbol("alpha", positive=True)
    assert run("expm1", sp.exp(x) - 1) == expm1(x)
    assert run("expm1", 2 * sp.exp(x) - 2) == 2 * expm1(x)
    assert run("expm1", a * (sp.exp(x) - 1)) == a * expm1(x)
    assert run("expm1", a * sp.exp(x) - a + x) == a * expm1(x) + x  # symbolic coefficient
    assert run("expm1", sp.exp(x) + 1) == sp.exp(x) + 1
    e = sp.exp(x) - 1
    want = reference(e, -1e-146)
    assert naive(e, -1e-146) == 0.0 and want < 0
    assert close(numeric(expm1(x), -1e-146), want)


def test_rationalise_sqrt():
    e = (x + sp.sqrt(x**2 + 4)) / 2
    out = run("rationalise_sqrt", e)
    assert isinstance(out, sp.Piecewise)
    want = reference(e, -1e9)
    assert naive(e, -1e9) == 0.0 and want > 9e-10
    stable = stabilise(e, x, rules=["rationalise_sqrt", "sqrt_to_hypot"])
    assert close(numeric(stable, -1e9), want)
    e2 = x + (sp.sqrt(x**2 + 1) - 1) / 2  # bent identity: cancellation at 0
    out2 = run("rationalise_sqrt", e2)
    assert not out2.has(sp.Piecewise)
    stable2 = stabilise(e2, x, rules=["rationalise_sqrt", "sqrt_to_hypot"])
    part = (sp.sqrt(x**2 + 1) - 1) / 2
    assert abs(naive(part, 1e-9) - reference(part, 1e-9)) > 0.1 * reference(part, 1e-9)
    assert close(numeric(stable2, 1e-3), reference(e2, 1e-3))
    assert close(numeric(stable2 - x, 1e-9), reference(part, 1e-9))


def test_scale_rational():
    e = x**3 / (1 + x**2)
    out = run("scale_rational", e)
    assert isinstance(out, sp.Piecewise) and out.args[0][1] == (sp.Abs(x) <= 1)
    assert np.isnan(naive(e, 1e300))
    for v in (1e300, 0.5, -3.0):
        assert close(numeric(stabilise(e, x), v), reference(e, v))


def test_sqrt_to_hypot():
    e = x / sp.sqrt(x**2 + 1)
    assert run("sqrt_to_hypot", e) == x / hypot(x, 1)
    assert np.isnan(naive(e, 1e200)) or naive(e, 1e200) == 0.0
    assert close(numeric(x / hypot(x, 1), 1e200), reference(e, 1e200))
    e2 = 1 / (1 + x**2)
    want = reference(e2, 1e160)
    assert naive(e2, 1e160) == 0.0 and want > 9e-321
    assert float(numeric(run("sqrt_to_hypot", e2), 1e160)) == pytest.approx(want, rel=1e-3)


# ---- specialise ------------------------------------------------------------------------------
def test_series_near_zero():
    e = x - sp.tanh(x)
    out = stabilise(e, x, rules=["series_near_zero"])
    assert isinstance(out, sp.Piecewise) and out.args[0][1] == (sp.Abs(x) < out.args[0][1].rhs)
    assert run("series_near_zero", e) == out  # one pass over the branches
    assert run("series_near_zero", x + sp.tanh(x)) == x + sp.tanh(x)  # nothing cancels
    want = reference(e, 1e-4)
    assert abs(naive(e, 1e-4) - want) > 1e-9 * want  # cancellation
    assert close(numeric(out, 1e-4), want, ulps=2)


def test_sigmoid_product():
    e = x * sigmoid(x) * sigmoid(-x)
    out = run("sigmoid_product", e)
    assert out == x * dsigmoid(x) and not out.has(sigmoid)
    assert run("sigmoid_product", sigmoid(x) * sigmoid(2 * x)) == sigmoid(x) * sigmoid(2 * x)
    plain = sp.exp(-x) / (1 + sp.exp(-x)) ** 2
    assert naive(plain, -800.0) != naive(plain, -800.0)  # ∞/∞ = NaN
    for v in (-800.0, -40.0, -1e-3, 0.0, 0.5, 30.0, 745.0):
        assert close(numeric(dsigmoid(x), v), reference(plain, v), ulps=2)
    assert numeric(dsigmoid(x), np.inf) == 0 and numeric(dsigmoid(x), -np.inf) == 0
    assert float(dsigmoid(sp.Float(3)).evalf()) == pytest.approx(
        float(sigmoid(3).evalf() * sigmoid(-3).evalf()), rel=1e-15)


def test_decaying_product():
    e = x**2 * sigmoid(-x)
    out = run("decaying_product", e)
    assert out == dmul(sigmoid(-x), x**2)
    assert run("decaying_product", 3 * x * sigmoid(-x)) == 3 * dmul(sigmoid(-x), x)
    assert np.isnan(numeric(e, 1e155))  # x² = ∞ times σ(−x) = 0
    assert numeric(out, 1e155) == reference(e, 1e155) == 0.0
    assert np.isnan(numeric(x * sigmoid(-x), np.inf))
    assert sp.limit(x * sigmoid(-x).rewrite(sp.exp), x, sp.oo) == 0
    assert numeric(dmul(sigmoid(-x), x), np.inf) == 0.0


def test_scaled_softplus():
    b = sp.Symbol("beta", positive=True)
    e = softplus(b * x) / b
    out = run("scaled_softplus", e)
    assert out == sp.Max(x, 0) + log1p(sp.exp(-b * sp.Abs(x))) / b and not out.has(softplus)
    c = sp.Symbol("c", real=True)  # of unknown sign: left alone
    assert run("scaled_softplus", softplus(c * x) / c) == softplus(c * x) / c
    e3, out3 = e.subs(b, 3), out.subs(b, 3)
    assert np.isinf(numeric(stabilise(e3, x, rules=[]), 1e308))  # βx = ∞ first
    assert numeric(out3, 1e308) == 1e308 == reference(e3, 1e308)
    for v in (-30.0, -1.0, 0.0, 0.25, 5.0, 40.0):
        assert numeric(out3, v) == pytest.approx(reference(e3, v), rel=4 * EPS)


def test_halved_denominator():
    b = sp.Integer(4)
    h = hypot(x, 2)
    e = b / (2 * (h - x))  # squareplus for x < 0, rationalised
    out = stabilise(e, x, rules=["halved_denominator"])
    assert out != e and out.equals(e)
    assert numeric(e, -1e308) == 0.0  # h − x = ∞
    truth = reference(4 / (2 * (sp.sqrt(x**2 + 4) - x)), -1e308)
    assert numeric(out, -1e308) == pytest.approx(truth, rel=4 * EPS) and truth > 0
    assert run("halved_denominator", 1 / (x + 1)) == 1 / (x + 1)  # one growing term only


# ---- the printer of stabilised forms ---------------------------------------------------------
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


def test_printer_is_strict():
    with pytest.raises(EmitError, match="cannot print"):
        NumpyPrinter(x, {x: "x"})(sp.besselj(0, x))
    with pytest.raises(EmitError, match="unknown symbol"):
        NumpyPrinter(x, {x: "x"})(x + sp.Symbol("y"))


def test_printer_keeps_float32():
    e = stabilise(sp.sqrt(2) * x * sigmoid(sp.pi * x), x)
    out = numeric(e, np.float32(1.5), np.float32)
    assert np.asarray(out).dtype == np.float32
