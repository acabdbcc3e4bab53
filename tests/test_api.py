"""The Python API: catalog contents, lookup, parameters, bind, define, errors."""

from __future__ import annotations

import itertools
import re

import mpmath
import pytest
import sympy as sp

import symacts
from symacts.functions import SELU_ALPHA, SELU_SCALE, expand_blocks

_counter = itertools.count()


def unique(prefix: str = "user_act") -> str:
    return f"{prefix}_{next(_counter)}_{id(object())}"


REQUIRED = """binary_step sigmoid tanh relu leaky_relu prelu rrelu elu mish swish silu softplus
relu6 selu celu gelu gelu_tanh softsign hardtanh hardsigmoid hardswish hardshrink softshrink
tanhshrink threshold logsigmoid identity arctan gaussian isru isrlu bent_identity sinusoid sinc
squareplus sparse_plus sparse_sigmoid""".split()


def test_catalog_has_every_required_entry_and_at_least_35():
    names = symacts.names()
    assert names == sorted(names)
    assert len(names) >= 35
    missing = set(REQUIRED) - set(names)
    assert not missing
    for n in names:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", n), n


@pytest.mark.parametrize(("alias", "name"), [
    ("logistic", "sigmoid"), ("log_sigmoid", "logsigmoid"), ("hard_swish", "hardswish"),
    ("hard_silu", "hardswish"), ("soft_sign", "softsign"), ("Leaky-ReLU", "leaky_relu"),
    ("LeakyReLU", "leaky_relu"), ("GELU", "gelu"), ("gelu_new", "gelu_tanh"),
    ("hard_tanh", "hardtanh"), ("tanh_shrink", "tanhshrink"), ("hard_shrink", "hardshrink"),
    ("soft_shrink", "softshrink"), ("hard_sigmoid", "hardsigmoid"), ("linear", "identity"),
])
def test_aliases_resolve(alias, name):
    assert symacts.get(alias).name == name


def test_gelu_exact_and_tanh_are_distinct():
    a, b = symacts.get("gelu"), symacts.get("gelu_tanh")
    va = a.expr.subs(a.x, 1).evalf(30)
    vb = b.expr.subs(b.x, 1).evalf(30)
    assert abs(va - vb) > 1e-4


@pytest.mark.parametrize(("name", "params"), [
    ("leaky_relu", {"negative_slope": 0.01}),
    ("prelu", {"a": 0.25}),
    ("rrelu", {"lower": 0.125, "upper": 1 / 3}),
    ("elu", {"alpha": 1.0}),
    ("celu", {"alpha": 1.0}),
    ("hardtanh", {"min_val": -1.0, "max_val": 1.0}),
    ("hardshrink", {"lambd": 0.5}),
    ("softshrink", {"lambd": 0.5}),
    ("swish", {"beta": 1.0}),
    ("softplus", {"beta": 1.0}),
    ("squareplus", {"b": 4.0}),
    ("relu", {}),
    ("selu", {}),
    ("gelu", {}),
])
def test_parameter_names_and_defaults(name, params):
    assert symacts.get(name).params == params


def test_rrelu_default_slope_is_exact_eleven_48ths():
    act = symacts.get("rrelu").with_defaults()
    assert act.expr.subs(act.x, -48) == -11


def test_selu_constants_match_closed_forms_to_45_digits():
    with mpmath.workdps(60):
        e = mpmath.e
        ec = mpmath.erfc(1 / mpmath.sqrt(2))
        alpha = -mpmath.sqrt(2 / mpmath.pi) / (ec * mpmath.sqrt(e) - 1)
        lam = (1 - mpmath.sqrt(e) * ec) * mpmath.sqrt(
            2 * mpmath.pi / (2 + mpmath.pi - 2 * mpmath.sqrt(e) * (2 + mpmath.pi) * ec
                             + e * mpmath.pi * ec**2 + 2 * e**2 * mpmath.erfc(mpmath.sqrt(2))))
        assert abs(mpmath.mpf(str(SELU_ALPHA.evalf(55))) - alpha) < mpmath.mpf("1e-45")
        assert abs(mpmath.mpf(str(SELU_SCALE.evalf(55))) - lam) < mpmath.mpf("1e-45")
    # the framework strings (32 digits) agree
    assert str(SELU_ALPHA.evalf(32)).startswith("1.673263242354377284817042991671")
    assert str(SELU_SCALE.evalf(32)).startswith("1.050700987355480493419334985294")


def test_building_blocks_evaluate_exactly_at_special_points():
    from symacts.functions import Phi, phi, sigmoid, softplus

    assert sigmoid(0) == sp.S.Half and sigmoid(sp.oo) == 1 and sigmoid(-sp.oo) == 0
    assert softplus(0) == sp.log(2) and softplus(-sp.oo) == 0
    assert Phi(0) == sp.S.Half and Phi(sp.oo) == 1
    assert phi(0) == 1 / sp.sqrt(2 * sp.pi) and phi(-sp.oo) == 0
    assert isinstance(sigmoid(sp.Symbol("u")), sigmoid)  # symbolic arguments stay unevaluated


def test_softplus_has_no_threshold_parameter():
    assert "threshold" not in symacts.get("softplus").params


def test_every_entry_has_summary_and_kink_values_where_piecewise():
    for act in symacts.all_activations():
        assert act.summary, act.name
        if act.expr.has(sp.Piecewise) and not act.removable:
            assert act.kinks, f"{act.name} is piecewise but declares no kink convention"


def test_bind_fixes_parameters_and_keeps_others():
    hardtanh = symacts.get("hardtanh")
    bound = hardtanh.bind(max_val=2)
    assert bound.params == {"min_val": -1.0}
    assert bound.expr.subs({bound.x: 5, bound.symbol("min_val"): -1}) == 2
    assert hardtanh.params == {"min_val": -1.0, "max_val": 1.0}  # original untouched
    swish2 = symacts.get("swish").bind(beta=2.0)
    assert swish2.params == {}
    want = sp.Rational(3) * 1 / (1 + sp.exp(-6))
    assert abs(expand_blocks(swish2.expr.subs(swish2.x, 3)).evalf(30) - want.evalf(30)) < 1e-25


@pytest.mark.parametrize(("name", "values", "words"), [
    ("rrelu", {"lower": 0.5, "upper": 0.2}, ["lower", "upper"]),
    ("celu", {"alpha": 0}, ["alpha", "different from 0"]),
    ("softshrink", {"lambd": -1}, ["lambd", "at least 0"]),
    ("hardtanh", {"min_val": 2, "max_val": 1}, ["min_val", "max_val"]),
    ("elu", {"alhpa": 1}, ["alhpa", "alpha"]),
    ("softplus", {"beta": 0}, ["beta", "greater than 0"]),
    ("elu", {"alpha": float("nan")}, ["alpha", "finite"]),
    ("elu", {"alpha": "abc"}, ["alpha"]),
])
def test_parameter_errors_name_the_parameter_and_rule(name, values, words):
    with pytest.raises(symacts.ParameterError) as info:
        symacts.get(name).bind(**values)
    for w in words:
        assert w in str(info.value)
    assert isinstance(info.value, ValueError)


def test_unknown_activation_suggests_close_matches():
    with pytest.raises(symacts.UnknownActivationError) as info:
        symacts.get("relu7")
    msg = str(info.value)
    assert "relu6" in msg and "relu" in msg
    assert isinstance(info.value, KeyError)
    with pytest.raises(KeyError):
        symacts.get("qqqqqqq")


@pytest.mark.parametrize("order", [0, -1, 1.5, "2", True, None])
def test_bad_order_is_a_clear_error(order):
    with pytest.raises(symacts.DerivationError, match="order"):
        symacts.get("mish").derivative(order=order)


def test_unknown_wrt_parameter():
    with pytest.raises(symacts.ParameterError, match="beta"):
        symacts.get("elu").derivative(wrt="beta")


def test_derivatives_are_cached():
    act = symacts.get("mish")
    assert act.derivative(2) is act.derivative(2)
    assert act.display_derivative() is act.display_derivative()


# -- define ---------------------------------------------------------------------------------------
def test_define_from_string_behaves_like_catalog():
    name = unique()
    act = symacts.define(name, "x*tanh(softplus(b*x))", params={"b": 1.0})
    assert symacts.get(name) is act
    assert act.params == {"b": 1.0}
    mish = symacts.get("mish")
    d_user = act.derivative().subs({act.x: sp.Rational(1, 3), act.symbol("b"): 1})
    d_mish = mish.derivative().subs(mish.x, sp.Rational(1, 3))
    assert abs(expand_blocks(d_user - d_mish).evalf(30)) < 1e-28
    assert act.derivative(wrt="b").has(act.x)
    assert act.display_derivative() is not None


def test_define_from_sympy_expression_and_catalog_calls():
    xs = sp.Symbol("x")
    name = unique()
    act = symacts.define(name, xs * sp.exp(-xs**2))
    assert act.expr.free_symbols == {act.x}
    name2 = unique()
    act2 = symacts.define(name2, "relu(x) + 0.5*gelu(x)")
    v = act2.expr.subs(act2.x, 2).evalf(30)
    with mpmath.workdps(30):
        want = 2 + (1 + mpmath.erf(2 / mpmath.sqrt(2))) / 2
        assert abs(mpmath.mpf(str(v)) - want) < mpmath.mpf("1e-25")


def test_define_piecewise_user_activation_gets_branchwise_derivative():
    name = unique()
    act = symacts.define(name, "max(x, 0) + 0.1*min(x, 0)")
    d = act.derivative()
    assert d.subs(act.x, 2) == 1
    assert d.subs(act.x, -2) == sp.Rational(1, 10)
    assert not d.has(sp.Heaviside)


def test_define_never_overwrites_silently():
    name = unique()
    symacts.define(name, "x**2")
    with pytest.raises(ValueError, match="replace=True"):
        symacts.define(name, "x**3")
    act = symacts.define(name, "x**3", replace=True)
    assert act.expr == symacts.get(name).expr == symacts.get(name).x ** 3
    with pytest.raises(ValueError, match="catalog"):
        symacts.define("relu", "x", replace=True)
    with pytest.raises(ValueError):
        symacts.define(unique(), "x", aliases=("logistic",))


@pytest.mark.parametrize(("args", "kwargs", "exc"), [
    (("Bad Name", "x"), {}, ValueError),
    (("9lives", "x"), {}, ValueError),
    ((unique(), "y*x"), {}, symacts.FormulaError),
    ((unique(), "2"), {}, symacts.FormulaError),
    ((unique(), "x*b"), {"params": {"__class__": 1}}, symacts.ParameterError),
    ((unique(), "x*b"), {"params": {"b": "nope"}}, symacts.ParameterError),
    ((unique(), 42), {}, symacts.FormulaError),
])
def test_define_rejects_bad_input(args, kwargs, exc):
    with pytest.raises(exc):
        symacts.define(*args, **kwargs)


def test_import_symacts_is_lazy():
    import subprocess
    import sys

    code = "import sys, symacts; assert 'sympy' not in sys.modules; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
