"""symacts.verify: verdicts on claims beyond the tutorial, checked against independent mpmath."""

from __future__ import annotations

import json

import mpmath
import pytest

import symacts
from symacts.cli import main
from symacts.errors import FormulaError, ParameterError, UnknownActivationError
from symacts.verify import (
    EQUAL_EXCEPT,
    NUMERICALLY_EQUAL,
    PROVED,
    REFUTED,
    UNKNOWN,
    VERDICTS,
    VerifyUsageError,
    verify,
)

mpmath.mp.dps = 40


def sig(t):
    return 1 / (1 + mpmath.exp(-t))


def close(text: str, value, rel: float = 1e-12) -> bool:
    got = mpmath.mpf(text)
    return abs(got - value) <= rel * max(1, abs(value))


# ---- refuted claims: the counterexample is real -------------------------------------------
def test_softsign_derivative_one_minus_f_squared_is_refuted():
    r = verify("softsign", derivative="1 - f^2")
    assert r.verdict == REFUTED and r.exit_code == 1
    c = r.counterexample
    x = mpmath.mpf(c.x)
    f = x / (1 + abs(x))
    assert close(c.claimed, 1 - f**2)
    assert close(c.true, mpmath.diff(lambda t: t / (1 + abs(t)), x))
    assert abs(mpmath.mpf(c.claimed) - mpmath.mpf(c.true)) > 1e-3
    assert "Abs(x) + 1" in r.correct_formula
    assert "counterexample" in r.summary()


def test_common_swish_derivative_misstatement_is_refuted_for_beta_not_1():
    claim = "f + sigmoid(beta x)(beta - beta f)"
    r = verify("swish", derivative=claim)
    assert r.verdict == REFUTED
    c = r.counterexample
    beta = mpmath.mpf(c.params["beta"])
    assert beta != 1
    x = mpmath.mpf(c.x)
    true = mpmath.diff(lambda t: t * sig(beta * t), x)
    assert close(c.true, true)
    f = x * sig(beta * x)
    assert close(c.claimed, f + sig(beta * x) * (beta - beta * f))
    outcomes = {o["params"]["beta"]: o["holds"] for o in r.parameter_outcomes}
    assert outcomes["1"] is True and outcomes["2"] is False
    assert any("default parameters" in n for n in r.notes)
    # with beta fixed at 1 the same formula is right
    assert verify("swish", derivative=claim, params={"beta": 1}).verdict == PROVED


def test_softplus_with_log10_is_refuted():
    r = verify("softplus", function="log10(1 + exp(x))")
    assert r.verdict == REFUTED
    x = mpmath.mpf(r.counterexample.x)
    assert close(r.counterexample.claimed, mpmath.log10(1 + mpmath.exp(x)))
    assert close(r.counterexample.true, mpmath.log(1 + mpmath.exp(x)))


def test_prelu_max_form_holds_only_for_slopes_up_to_one():
    r = verify("prelu", function="max(a x, x)")
    assert r.verdict == REFUTED
    for o in r.parameter_outcomes:
        assert o["holds"] is (mpmath.mpf(eval_fraction(o["params"]["a"])) <= 1)
    x, a = mpmath.mpf(r.counterexample.x), mpmath.mpf(eval_fraction(r.counterexample.params["a"]))
    assert close(r.counterexample.claimed, max(a * x, x))
    assert close(r.counterexample.true, x if x > 0 else a * x)


def eval_fraction(text: str):
    num, _, den = text.partition("/")
    return mpmath.mpf(num) / (mpmath.mpf(den) if den else 1)


def test_wrong_second_derivative_is_refuted():
    r = verify("sigmoid", derivative="sigmoid(x)(1 - sigmoid(x))(1 + 2 sigmoid(x))", order=2)
    assert r.verdict == REFUTED
    x = mpmath.mpf(r.counterexample.x)
    assert close(r.counterexample.true, mpmath.diff(sig, x, 2), 1e-10)


# ---- proved claims --------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "claim", "params"), [
    ("swish", "beta f + sigmoid(beta x)(1 - beta f)", None),
    ("silu", "f(x)+sigmoid (x)(1-f(x))", None),  # exactly as the tutorial writes it
    ("gelu", "Phi(x) + x phi(x)", None),
    ("mish", "e^x (4(x+1) + 4e^{2x} + e^{3x} + e^x(4x+6)) / (2e^x + e^{2x} + 2)^2", None),
    ("mish", "tanh(softplus(x)) + x sigmoid(x) (1 - tanh(softplus(x))^2)", None),
    ("tanh", "1 - f^2", None),
    ("sigmoid", "f*(1 - f)", None),
    ("elu", "1 if x > 0 else f + alpha", None),
    ("leaky_relu", "1 if x > 0 else 0.01", {"negative_slope": "0.01"}),
    ("softplus", "sigmoid(beta x)", None),
])
def test_correct_derivatives_are_proved(name, claim, params):
    r = verify(name, derivative=claim, params=params)
    assert r.verdict == PROVED, r.summary()
    assert r.exit_code == 0 and r.proof
    assert r.points_checked + r.points_unresolved >= 500 and r.points_checked >= 400


def test_gelu_derivative_numbers_against_mpmath():
    # the sampled values of the truth agree with mpmath.diff of the definition
    r = verify("gelu", derivative="Phi(x) + x phi(x) + 1e-3")
    assert r.verdict == REFUTED
    x = mpmath.mpf(r.counterexample.x)
    gelu = lambda t: t * (1 + mpmath.erf(t / mpmath.sqrt(2))) / 2  # noqa: E731
    assert close(r.counterexample.true, mpmath.diff(gelu, x))


def test_identities():
    assert verify(lhs="1 - tanh(x)^2", rhs="sech(x)^2").verdict == PROVED
    assert verify(lhs="(e^x - e^-x)/(e^x + e^-x)", rhs="tanh(x)").verdict == PROVED
    assert verify(lhs="sigmoid(x)", rhs="exp(x)/(1 + exp(x))").verdict == PROVED
    assert verify(lhs="2 sigmoid(2x) - 1", rhs="tanh(x)").verdict == PROVED


def test_without_symbolic_layer_a_true_identity_is_numerically_equal():
    r = verify(lhs="sigmoid(x)", rhs="1 - sigmoid(-x)", time_box=0)
    assert r.verdict == NUMERICALLY_EQUAL and r.exit_code == 0
    assert r.points_checked >= 500 and r.max_rel_diff < 1e-20


def test_ill_conditioned_everywhere_is_unknown_not_equal():
    r = verify(lhs="1 - tanh(10^6 + x^2)^2", rhs="sech(10^6 + x^2)^2", time_box=0)
    assert r.verdict == UNKNOWN and r.exit_code == 3


def test_cancellation_is_not_a_counterexample():
    # 1 - tanh(x)^2 rounds to 0 for large |x| at 40 digits; that must not refute it
    r = verify(lhs="1 - tanh(x)^2", rhs="sech(x)^2", time_box=0)
    assert r.verdict == NUMERICALLY_EQUAL
    assert r.points_unresolved > 0


# ---- equal except at points ------------------------------------------------------------------
def test_mish_paper_first_form_is_undefined_at_zero_only():
    r = verify("mish", derivative="sech(softplus(x))^2 x sigmoid(x) + f/x")
    assert r.verdict == EQUAL_EXCEPT and r.exit_code == 1
    assert [e.x for e in r.exceptions] == ["0"]
    mish = lambda t: t * mpmath.tanh(mpmath.log(1 + mpmath.exp(t)))  # noqa: E731
    assert close(r.exceptions[0].true, mpmath.diff(mish, 0))  # 3/5
    assert "removable" in r.exceptions[0].reason
    assert "0" in r.singular_points


def test_relu_derivative_with_one_at_zero():
    r = verify("relu", derivative="1 if x >= 0 else 0")
    assert r.verdict == EQUAL_EXCEPT
    (e,) = r.exceptions
    assert e.x == "0" and e.claimed == "1" and e.true == "0"
    assert "one-sided derivatives 0 (left) and 1 (right)" in e.reason
    assert r.correct_formula == "1 if x > 0; 0 otherwise"


def test_elu_text_derivative_differs_only_at_the_kink_for_alpha_not_1():
    r = verify("elu", derivative="1 if x >= 0 else f(x) + alpha")
    assert r.verdict == EQUAL_EXCEPT
    assert {e.x for e in r.exceptions} == {"0"}
    assert all(e.params["alpha"] != "1" for e in r.exceptions)
    assert verify("elu", derivative="f + alpha", where="x < 0").verdict == PROVED


# ---- bad input -------------------------------------------------------------------------------
def test_bad_requests_raise_clear_errors():
    with pytest.raises(UnknownActivationError, match=r"did you mean|no activation"):
        verify("mihs", derivative="x")
    with pytest.raises(VerifyUsageError):
        verify("mish", derivative="x", function="x")
    with pytest.raises(VerifyUsageError):
        verify(lhs="x")
    with pytest.raises(FormulaError, match="unknown name 'a'"):
        verify("elu", derivative="f + a")
    with pytest.raises(ParameterError):
        verify("softplus", derivative="sigmoid(x)", params={"beta": -1})
    with pytest.raises(FormulaError, match="region"):
        verify("relu", derivative="0", where="x + 1")


def test_result_is_json_serialisable():
    r = verify("softsign", derivative="1 - f^2")
    d = json.loads(json.dumps(r.to_dict()))
    assert d["verdict"] == REFUTED and d["exit_code"] == 1 and d["counterexample"]["x"]
    assert set(VERDICTS) >= {d["verdict"]}


def test_symacts_verify_is_callable_even_after_importing_the_module():
    import symacts.verify as module

    assert callable(symacts.verify)
    assert module.verify is verify
    assert symacts.verify("relu", function="max(0, x)").verdict == PROVED


# ---- CLI --------------------------------------------------------------------------------------
def test_cli_exit_codes(capsys):
    assert main(["verify", "softsign", "--derivative", "1 - f^2"]) == 1
    out = capsys.readouterr().out
    assert "REFUTED" in out and "counterexample: x =" in out and "correct:" in out
    assert main(["verify", "swish", "--derivative", "beta f + sigmoid(beta x)(1 - beta f)"]) == 0
    assert main(["verify", "--lhs", "1 - tanh(10^6 + x^2)^2", "--rhs", "sech(10^6 + x^2)^2",
                 "--time-box", "0"]) == 3
    assert main(["verify", "mish", "--derivative", "__import__('os')"]) == 2
    assert main(["verify", "swish", "--derivative", "x", "--param", "beta=abc"]) == 2
    assert main(["verify", "elu", "--derivative", "f + alpha", "--where", "x < 0"]) == 0
    capsys.readouterr()
    assert main(["verify", "mish", "--derivative", "sech(softplus(x))^2 x sigmoid(x) + f/x",
                 "--json"]) == 1
    d = json.loads(capsys.readouterr().out)
    assert d["verdict"] == EQUAL_EXCEPT and d["exceptions"][0]["x"] == "0"


def test_cli_numpy_runs_the_file_and_says_so(tmp_path, capsys):
    src = tmp_path / "impl.py"
    src.write_text(
        "import numpy as np\n"
        "def tanh(x):\n"
        "    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))\n"
        "def good(x):\n"
        "    return np.tanh(x)\n"
    )
    assert main(["verify", "tanh", "--numpy", f"{src}:tanh"]) == 1
    cap = capsys.readouterr()
    assert "runs" in cap.err and str(src) in cap.err
    assert "inf/NaN" in cap.out and "709.78" in cap.out
    assert main(["verify", "tanh", "--numpy", f"{src}:good"]) == 0
    assert main(["verify", "tanh", "--numpy", f"{src}:missing"]) == 2
    assert main(["verify", "tanh", "--numpy", f"{tmp_path}/nope.py:f"]) == 2


# ---- more claims beyond the tutorial ---------------------------------------------------------
def test_hardtanh_kink_conventions():
    claim = "1 if min_val < x < max_val else 0"
    assert verify("hardtanh", derivative=claim).verdict in (PROVED, NUMERICALLY_EQUAL)
    r = verify("hardtanh", derivative="1 if min_val <= x <= max_val else 0")
    assert r.verdict == EQUAL_EXCEPT
    default = {"min_val": "-1", "max_val": "1"}
    assert {e.x for e in r.exceptions if e.params == default} == {"-1", "1"}
    # a claim with the default bounds written in is wrong for other bounds
    assert verify("hardtanh", derivative="1 if -1 < x < 1 else 0").verdict == REFUTED


def test_sinc_as_sin_over_x_is_undefined_only_at_zero():
    r = verify("sinc", function="sin(x)/x")
    assert r.verdict == EQUAL_EXCEPT
    (e,) = r.exceptions
    assert e.x == "0" and "removable" in e.reason and e.true == "1"


def test_gelu_tanh_approximation_is_not_gelu():
    r = verify("gelu", function="x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))")
    assert r.verdict == REFUTED
    x = mpmath.mpf(r.counterexample.x)
    exact = x * (1 + mpmath.erf(x / mpmath.sqrt(2))) / 2
    approx = x / 2 * (1 + mpmath.tanh(mpmath.sqrt(2 / mpmath.pi) * (x + 0.044715 * x**3)))
    assert close(r.counterexample.true, exact)
    assert abs(mpmath.mpf(r.counterexample.claimed) - approx) < 1e-12
    assert abs(approx - exact) < 1e-3  # close, but not equal
    # and against its own catalog entry it is exact
    assert verify("gelu_tanh", function="x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))"
                  ).verdict in (PROVED, NUMERICALLY_EQUAL)
