"""verify judges the claim as written: factors SymPy cancels while parsing still count."""

from __future__ import annotations

import json

import mpmath
import pytest
import sympy as sp

from symacts.cli import main
from symacts.parse import parse_written
from symacts.verify import EQUAL_EXCEPT, PROVED, REFUTED, verify

x = sp.Symbol("x", real=True)
MISH_CANCELLED = "sech(softplus(x))^2*x*sigmoid(x) + x*tanh(softplus(x))/x"


def mish(t):
    return t * mpmath.tanh(mpmath.log(1 + mpmath.exp(t)))


def test_cancelled_division_is_seen_and_named():
    r = verify("mish", derivative=MISH_CANCELLED)
    assert r.verdict == EQUAL_EXCEPT and r.exit_code == 1
    assert r.claim == MISH_CANCELLED  # printed as written, x/x included
    (e,) = r.exceptions
    assert e.x == "0" and e.claimed is None
    assert e.reason.startswith("`x*tanh(softplus(x))/x` is undefined here (division by zero)")
    assert "removable" in e.reason
    with mpmath.workdps(40):
        truth = mpmath.diff(mish, 0)
    assert abs(mpmath.mpf(e.true) - truth) < 1e-15
    limit = e.reason.split("its limit there is ")[1].split(",")[0]
    assert abs(mpmath.mpf(limit) - truth) < 1e-12  # tanh(ln 2) = 3/5
    text = r.summary()
    assert f"mish'(x) = {MISH_CANCELLED}" in text
    assert "at x = 0: `x*tanh(softplus(x))/x` is undefined" in text


def test_cli_prints_the_claim_as_written(capsys):
    assert main(["verify", "mish", "--derivative", MISH_CANCELLED, "--json"]) == 1
    d = json.loads(capsys.readouterr().out)
    assert d["claim"] == MISH_CANCELLED and d["verdict"] == EQUAL_EXCEPT


@pytest.mark.parametrize(("lhs", "rhs", "verdict", "where"), [
    ("x^2/x", "x", EQUAL_EXCEPT, "0"),          # SymPy: x
    ("x*x^-1", "1", EQUAL_EXCEPT, "0"),          # SymPy: 1
    ("(x - 1)*tanh(x)/(x - 1)", "tanh(x)", EQUAL_EXCEPT, "1"),
])
def test_cancelled_factors_in_identities(lhs, rhs, verdict, where):
    r = verify(lhs=lhs, rhs=rhs)
    assert r.verdict == verdict
    assert [e.x for e in r.exceptions] == [where]
    assert "division by zero" in r.exceptions[0].reason


def test_cancelled_logarithm_and_root_refute_where_they_are_not_real():
    # exp(log(x)) and sqrt(x)^2 are x only for x > 0 (SymPy evaluates both to x)
    for lhs in ("exp(log(x))", "sqrt(x)^2"):
        r = verify(lhs=lhs, rhs="x")
        assert r.verdict == REFUTED, lhs
        c = r.counterexample
        assert mpmath.mpf(c.x) < 0 and c.claimed is None
        with pytest.raises((ValueError, TypeError)):  # not real at that x
            float(mpmath.sqrt(mpmath.mpf(c.x)))
        assert "is undefined here" in c.reason


def test_guard_follows_its_branch():
    # the division is only evaluated where x != 0: no exception at 0
    r = verify("sinc", function="sin(x)/x if x != 0 else 1")
    assert r.verdict == PROVED, r.summary()
    r = verify("sinc", function="1 if x == 0 else x*sin(x)/x^2")
    assert r.verdict == PROVED, r.summary()


def test_written_text_keeps_the_users_notation():
    p = parse_written("σ(βx)/x + 2x", x, {"beta": sp.Symbol("beta", real=True)})
    assert [g.written for g in p.guards] == ["σ(βx)/x"]
    p = parse_written("e^{-x} / (x - 1)", x)
    assert [g.written for g in p.guards] == ["e^{-x} / (x - 1)"]
    assert sp.simplify(p.expr - sp.exp(-x) / (x - 1)) == 0
