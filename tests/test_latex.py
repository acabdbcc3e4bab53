"""The LaTeX printer: proper function names, mathematical (not implementation) forms,
conditions with x on the left, parameter names from ParamSpec.latex."""

from __future__ import annotations

import re

import pytest
import sympy as sp

import symacts
from symacts.functions import Phi, phi, sigmoid, softplus
from symacts.latex import condition_latex, number_latex, to_latex

x = sp.Symbol("x", real=True)
lam = sp.Symbol("lambda", real=True, nonnegative=True)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (softplus(x), r"\operatorname{softplus}\left(x\right)"),
        (sigmoid(x), r"\sigma\left(x\right)"),
        (Phi(x), r"\Phi\left(x\right)"),
        (phi(x), r"\phi\left(x\right)"),
        (sp.sech(x), r"\operatorname{sech}"),
        (sp.tanh(x), r"\tanh"),
        (sp.log(x), r"\ln"),
        (sp.atan(x), r"\arctan"),
    ],
)
def test_function_names(expr, expected):
    assert expected in to_latex(expr)


def test_names_with_underscores_and_digits_are_one_operator():
    f = sp.Function("log_sigmoid")(x)
    g = sp.Function("relu6")(x)
    assert to_latex(f) == r"\operatorname{log\_sigmoid}\left(x\right)"
    assert to_latex(g) == r"\operatorname{relu6}\left(x\right)"
    # SymPy's default printer gets both wrong (subscripts)
    assert "_{sigmoid}" in sp.latex(f)


def test_implementation_forms_print_as_mathematics():
    from sympy.codegen.cfunctions import expm1, log1p
    from sympy.codegen.numpy_nodes import logaddexp

    assert to_latex(log1p(x)) == to_latex(sp.log(1 + x))
    assert to_latex(expm1(x)) == to_latex(sp.exp(x) - 1)
    assert to_latex(logaddexp(x, 0)) == to_latex(sp.log(sp.exp(x) + 1))
    for e in (log1p(x), expm1(x), logaddexp(x, 0)):
        out = to_latex(e)
        assert not re.search(r"log1p|expm|logaddexp", out), out


def test_catalog_never_shows_implementation_forms_or_sympy_quirks():
    bad = re.compile(r"log1p|expm1|logaddexp|\\operatorname\{log\}|\\text\{for\}|"
                     r"Heaviside|_\{[a-z]{2,}\}|\\operatorname\{atan\}")
    for act in symacts.all_activations():
        texts = [act.latex(), act.derivative_latex()]
        texts += [act.derivative_latex(1, p.name) for p in act.param_specs]
        for t in texts:
            assert not bad.search(t), (act.name, t)


def test_piecewise_uses_cases_with_if_and_otherwise():
    out = symacts.get("relu").latex()
    assert out.startswith(r"\begin{cases}") and out.endswith(r"\end{cases}")
    assert r"x & \text{if } x > 0" in out
    assert r"0 & \text{otherwise}" in out


def test_conditions_put_x_on_the_left_and_use_abs_for_symmetric_pairs():
    assert condition_latex(sp.Lt(lam, x)) == r"x > \lambda"
    assert condition_latex(sp.Lt(lam, -x)) == r"x < - \lambda"
    assert condition_latex(sp.Or(sp.Lt(lam, x), sp.Lt(lam, -x))) == r"\left|x\right| > \lambda"
    assert condition_latex(sp.Or(x >= 3, x <= -3)) == r"\left|x\right| \geq 3"
    assert condition_latex(sp.Or(sp.Eq(x, 1), sp.Eq(x, -1))) == r"x = \pm 1"
    assert condition_latex(sp.And(x > -1, x < 1)) == r"-1 < x < 1"
    # not symmetric: listed in order of the bound
    assert condition_latex(sp.Or(x >= 6, x <= 0)) == r"x \leq 0 \text{ or } x \geq 6"


def test_catalog_conditions_read_naturally():
    assert r"\left|x\right| > \lambda" in symacts.get("hardshrink").latex()
    soft = symacts.get("softshrink").latex()
    assert r"x - \lambda & \text{if } x > \lambda" in soft
    assert r"x + \lambda & \text{if } x < - \lambda" in soft
    assert r"x \leq \mathrm{min\_val}" in symacts.get("hardtanh").latex()


def test_parameter_names_come_from_paramspec_latex():
    leaky = symacts.get("leaky_relu")
    spec = leaky.param("negative_slope")
    assert spec.latex in leaky.latex()
    assert r"\beta" in symacts.get("swish").latex()
    assert "beta" not in symacts.get("swish").latex().replace(r"\beta", "")


def test_sums_do_not_start_with_a_minus_sign_when_avoidable():
    assert to_latex(lam * -1 + x) == r"x - \lambda"
    assert to_latex(-x - 1) == "- x - 1"


def test_numbers():
    assert number_latex(sp.Rational(1, 100)) == r"\frac{1}{100}"
    assert number_latex(0.25) == "0.25"
    assert number_latex(float("inf")) == r"\infty"
    assert number_latex(1.5e-20) == r"1.5 \times 10^{-20}"
