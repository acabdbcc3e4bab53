"""Notation in claims and definitions: 2f, λ and the activation's constants, piecewise
definitions, and claims about ∂f/∂param (--wrt)."""

from __future__ import annotations

import json

import mpmath
import pytest
import sympy as sp

import symacts
from symacts.cli import main
from symacts.errors import FormulaError, ParameterError
from symacts.verify import NUMERICALLY_EQUAL, PROVED, REFUTED, VerifyUsageError, verify
from symacts.verify.core import _parse_claim

# SELU's constants as published (Klambauer et al. 2017), independent of symacts
SELU_LAMBDA = mpmath.mpf("1.0507009873554804934193349852946")
SELU_ALPHA = mpmath.mpf("1.6732632423543772848170429916717")


def sig(t):
    return 1 / (1 + mpmath.exp(-t))


def test_2f_is_a_product_like_2x():
    tanh = symacts.get("tanh")
    f = tanh.f(tanh.x)
    assert _parse_claim("2f", tanh, {}, "claim") == 2 * f
    assert _parse_claim("1 - f f", tanh, {}, "claim") == 1 - f**2
    assert _parse_claim("f sigmoid(x)", tanh, {}, "claim") == f * symacts.functions.sigmoid(
        tanh.x)
    assert _parse_claim("f(2x)", tanh, {}, "claim") == tanh.f(2 * tanh.x)  # still a call
    r = verify("tanh", derivative="2f^3 - 2f", order=2, points=200)
    assert r.verdict == PROVED
    with mpmath.workdps(30):  # the claim itself, against mpmath's second derivative
        for t in (mpmath.mpf("0.3"), mpmath.mpf(-2)):
            th = mpmath.tanh(t)
            assert abs(2 * th**3 - 2 * th - mpmath.diff(mpmath.tanh, t, 2)) < 1e-20
    assert verify("tanh", derivative="2f", order=2, points=200).verdict == REFUTED


@pytest.mark.parametrize("claim", [
    "λ if x > 0 else λ α e^x",
    "lambda if x > 0 else lambda*alpha*exp(x)",
    "lambd if x > 0 else lambd alpha exp(x)",
    "scale if x > 0 else scale*alpha*exp(x)",
])
def test_selu_claims_name_its_constants(claim):
    assert verify("selu", derivative=claim).verdict == PROVED


def test_selu_claim_without_lambda_is_refuted_with_the_published_constants():
    r = verify("selu", derivative="λ if x > 0 else α e^x")
    assert r.verdict == REFUTED
    c = r.counterexample
    with mpmath.workdps(30):
        t = mpmath.mpf(c.x)
        assert t <= 0
        assert abs(mpmath.mpf(c.claimed) - SELU_ALPHA * mpmath.exp(t)) < 1e-15
        assert abs(mpmath.mpf(c.true) - SELU_LAMBDA * SELU_ALPHA * mpmath.exp(t)) < 1e-15


def test_lambda_names_a_parameter_called_lambd():
    for claim in ("x if abs(x) > λ else 0", "x if abs(x) > lambda else 0",
                  "x if abs(x) > lambd else 0"):
        assert verify("hardshrink", function=claim, points=200).verdict in (
            PROVED, NUMERICALLY_EQUAL)
    r = verify("hardshrink", function="x if abs(x) > 2λ else 0", points=200)
    assert r.verdict == REFUTED
    lam = mpmath.mpf(eval_fraction(r.counterexample.params["lambd"]))
    t = mpmath.mpf(r.counterexample.x)
    assert lam < abs(t) <= 2 * lam  # where the two differ
    with pytest.raises(FormulaError, match=r"unknown name λ \(lambd\)"):  # nothing is called λ
        verify("relu", function="λ x")


def eval_fraction(text: str):
    num, _, den = text.partition("/")
    return mpmath.mpf(num) / (mpmath.mpf(den) if den else 1)


def test_define_accepts_piecewise_strings():
    leaky = symacts.define("pw_leaky_names_test", "x if x > 0 else 0.1x", replace=True)
    assert leaky.expr.subs(leaky.x, -2) == sp.Rational(-1, 5)
    assert leaky.expr.subs(leaky.x, 3) == 3
    assert leaky.derivative().subs(leaky.x, -1) == sp.Rational(1, 10)
    assert verify(leaky, function="max(x, 0.1x)").verdict == PROVED
    clip = symacts.define("pw_clip_names_test", "0 if x < 0 else x if x < 6 else 6",
                          replace=True)
    for t, want in ((-1, 0), (3, 3), (7, 6)):
        assert clip.expr.subs(clip.x, t) == want
    assert verify("relu6", function="pw_clip_names_test(x)").verdict == PROVED
    gated = symacts.define("pw_where_names_test", "where(x < 0, a x, x)", params={"a": 0.2},
                           replace=True)
    assert gated.derivative().subs(gated.x, -1) == gated.symbol("a")
    with pytest.raises(FormulaError, match="condition"):
        symacts.define("pw_bad_names_test", "x if x else 0")


def test_claim_about_a_parameter_derivative():
    claim = "x^2 sigmoid(beta x)(1 - sigmoid(beta x))"
    r = verify("swish", derivative=claim, wrt="beta", points=200)
    assert r.verdict == PROVED and r.wrt == "beta"
    assert "∂swish/∂beta(x) = " + claim in r.summary()
    r = verify("swish", derivative="x^2 sigmoid(beta x)", wrt="beta", points=200)
    assert r.verdict == REFUTED
    c = r.counterexample
    beta, t = mpmath.mpf(eval_fraction(c.params["beta"])), mpmath.mpf(c.x)
    with mpmath.workdps(30):
        truth = mpmath.diff(lambda b: t * sig(b * t), beta)
        assert abs(mpmath.mpf(c.true) - truth) < 1e-15
        assert abs(mpmath.mpf(c.claimed) - t**2 * sig(beta * t)) < 1e-15
    assert r.correct_formula == "x*f(x) - f(x)**2"
    assert verify("elu", derivative="0 if x > 0 else exp(x) - 1", wrt="alpha",
                  points=200).verdict == PROVED
    assert verify("swish", derivative="x^2 f*(1 - sigmoid(beta x))*(1 - 2 sigmoid(beta x))",
                  wrt="beta", order=2, points=200).verdict == PROVED


def test_wrt_errors():
    with pytest.raises(ParameterError, match="its parameters: beta"):
        verify("swish", derivative="x", wrt="gamma")
    with pytest.raises(VerifyUsageError, match="fixed"):
        verify("swish", derivative="x", wrt="beta", params={"beta": 2})
    with pytest.raises(VerifyUsageError):
        verify("swish", function="x", wrt="beta")
    with pytest.raises(VerifyUsageError):
        verify(lhs="x", rhs="x", wrt="beta")


def test_cli_wrt(capsys):
    claim = "x^2 sigmoid(beta x)(1 - sigmoid(beta x))"
    assert main(["verify", "swish", "--derivative", claim, "--wrt", "beta", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["verdict"] == PROVED and d["wrt"] == "beta"
    assert main(["verify", "swish", "--derivative", "x", "--wrt", "gamma"]) == 2
    assert "its parameters: beta" in capsys.readouterr().err
