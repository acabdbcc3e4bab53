"""Notations accepted in claims (implicit products, braces, Greek letters, piecewise)."""

from __future__ import annotations

import pytest
import sympy as sp

from symacts.errors import FormulaError
from symacts.functions import Phi, sigmoid, softplus
from symacts.parse import parse_formula
from symacts.verify import PROVED, verify

x = sp.Symbol("x", real=True)
beta = sp.Symbol("beta", real=True)


def parse(text: str, **options) -> sp.Expr:
    return parse_formula(text, x, {"beta": beta}, **options)


@pytest.mark.parametrize(("text", "want"), [
    ("2x", 2 * x),
    ("2 x", 2 * x),
    ("x sigmoid(x)", x * sigmoid(x)),
    ("2(x + 1)", 2 * x + 2),
    ("(x + 1)(x - 1)", (x + 1) * (x - 1)),
    ("x(1 - x)", x * (1 - x)),
    ("e^{-x}", sp.exp(-x)),
    ("2e^x", 2 * sp.exp(x)),
    ("1e-3x", x / 1000),
    ("σ(βx)", sigmoid(beta * x)),
    ("x·Φ(x)", x * Phi(x)),
    ("x²", x**2),
    ("ln(1 + e^x)", sp.log(1 + sp.exp(x))),
    ("log10(x)", sp.log(x) / sp.log(10)),
    ("sech(x)^2", sp.sech(x) ** 2),
    ("softplus(x)", softplus(x)),
    ("  x  ", x),
])
def test_notations(text, want):
    assert sp.simplify(parse(text) - want) == 0


def test_piecewise_only_when_asked():
    with pytest.raises(FormulaError):
        parse("1 if x > 0 else 0")
    pw = parse("1 if x > 0 else 0.01", conditions=True)
    assert pw.subs(x, 1) == 1 and pw.subs(x, -1) == sp.Rational(1, 100)
    assert parse("where(x < 0, 0.01 x, x)", conditions=True).subs(x, -2) == sp.Rational(-1, 50)
    chained = parse("1 if -1 < x < 1 else 0", conditions=True)
    assert chained.subs(x, 0) == 1 and chained.subs(x, 2) == 0
    with pytest.raises(FormulaError, match="condition"):
        parse("1 if x else 0", conditions=True)
    with pytest.raises(FormulaError):
        parse("x > 0", conditions=True)


@pytest.mark.parametrize("text", [
    "xsigmoid(x)", "x __import__", "x (lambda: 1)", "2 __class__", "x sigmoid", "sigmoid x",
])
def test_implicit_products_do_not_open_doors(text):
    with pytest.raises(FormulaError):
        parse(text, conditions=True)


def test_split_name_hint():
    with pytest.raises(FormulaError, match=r"did you mean x\*sigmoid"):
        parse("sech(x)xsigmoid(x)")


def test_tutorial_silu_derivative_as_written():
    assert verify("silu", derivative="f(x)+sigmoid (x)(1-f(x))").verdict == PROVED
