"""Display forms: equal to the truth, and no longer than the textbook form.

Length is ``sympy.count_ops`` with each building-block application counting as one.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

import symacts
from symacts.functions import Phi, expand_blocks, phi, sigmoid, softplus

x = sp.Symbol("x", real=True)


def _textbook(name):
    act = symacts.get(name)
    f = act.f(x)
    s = sigmoid(x)
    sp_ = softplus(x)
    beta = act.symbol("beta") if "beta" in act.params else None
    return {
        "sigmoid": s * (1 - s),
        "tanh": 1 - sp.tanh(x) ** 2,
        "silu": s * (1 + x * (1 - s)),
        "mish": sp.tanh(sp_) + x * s * sp.sech(sp_) ** 2,
        "gelu": Phi(x) + x * phi(x),
        "logsigmoid": 1 - s,
        "tanhshrink": sp.tanh(x) ** 2,
        "softsign": 1 / (1 + sp.Abs(x)) ** 2,
        "swish": (beta * f + sigmoid(beta * x) * (1 - beta * f)) if beta is not None else None,
    }[name]


TEXTBOOK_OPS = {
    "sigmoid": 4, "tanh": 3, "silu": 6, "mish": 9, "gelu": 4, "logsigmoid": 2,
    "tanhshrink": 2, "softsign": 4,
}


def _equal_numerically(a, b, act) -> None:
    for p in ("-7.5", "-1.25", "-0.3", "0.2", "1.7", "6.25"):
        subs = {**act.defaults(), x: sp.Rational(p)}
        with mpmath.workdps(40):
            va = expand_blocks(a).evalf(35, subs=subs)
            vb = expand_blocks(b).evalf(35, subs=subs)
        assert abs(va - vb) < 1e-28 * max(1, abs(vb)), (p, va, vb)


@pytest.mark.parametrize("name", [*TEXTBOOK_OPS, "swish"])
def test_display_derivative_is_true_and_short(name):
    act = symacts.get(name)
    shown = act.display_derivative()
    book = _textbook(name)
    _equal_numerically(shown, act.derivative(), act)
    _equal_numerically(shown, book, act)
    assert sp.count_ops(shown) <= sp.count_ops(book), (shown, book)
    if name in TEXTBOOK_OPS:
        assert sp.count_ops(book) == TEXTBOOK_OPS[name]  # our measure matches the stated counts


def test_piecewise_display_branches():
    elu = symacts.get("elu")
    a = elu.symbol("alpha")
    neg = elu.display_derivative().args[-1][0]
    assert sp.count_ops(neg) <= sp.count_ops(elu.f(x) + a)
    assert sp.simplify(neg - a * sp.exp(x)) == 0

    selu = symacts.get("selu")
    neg = selu.display_derivative().args[-1][0]
    from symacts.functions import SELU_ALPHA, SELU_SCALE

    assert neg == SELU_SCALE * SELU_ALPHA * sp.exp(x)

    celu = symacts.get("celu")
    neg = celu.display_derivative().args[-1][0]
    assert neg == sp.exp(x / celu.symbol("alpha"))


@pytest.mark.parametrize("name", symacts.names())
def test_every_display_form_equals_the_derivative(name):
    act = symacts.get(name)
    shown = act.display_derivative()
    assert sp.count_ops(shown) <= sp.count_ops(act.derivative())
    for p in ("-3.3", "-0.7", "0.45", "2.9"):
        subs = {**act.defaults(), x: sp.Rational(p)}
        a = expand_blocks(shown).evalf(30, subs=subs)
        b = expand_blocks(act.derivative()).evalf(30, subs=subs)
        assert abs(a - b) < 1e-25 * max(1, abs(b))


def test_display_never_contains_implementation_forms():
    for name in symacts.names():
        act = symacts.get(name)
        text = act.derivative_latex() + act.latex()
        for word in ("log1p", "expm1", "logaddexp", "Heaviside", "operatorname{sign}"):
            assert word not in text, (name, word)
