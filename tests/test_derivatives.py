"""Derivatives of every catalog entry against an independent reference.

The reference is ``mpmath.diff`` (numerical differentiation at 40 digits) applied to the
definition, written out in elementary functions and evaluated by mpmath. Points avoid the kinks
themselves (a finite difference across a kink means nothing) but sit right next to them.
"""

from __future__ import annotations

import random

import mpmath
import pytest
import sympy as sp

import symacts
from symacts.functions import expand_blocks

DPS = 40
TOL = mpmath.mpf(10) ** -22


def _points(act, count: int = 100) -> list:
    rng = random.Random(f"points-{act.name}")
    pts = [mpmath.mpf(rng.uniform(-20, 20)) for _ in range(count)]
    pts += [mpmath.mpf(k) / 7 for k in range(-20, 21)]
    defaults = act.defaults()
    kinks = [float(sp.sympify(k).subs(defaults)) for k in act.kink_points()]
    kinks += [float(sp.sympify(k).subs(defaults)) for k in act.removable]
    for k in kinks:
        for off in ("1e-3", "0.0123", "0.5"):
            pts += [mpmath.mpf(k) - mpmath.mpf(off), mpmath.mpf(k) + mpmath.mpf(off)]
    far = [p for p in pts if all(abs(p - k) > mpmath.mpf("1e-4") for k in kinks)]
    assert len(far) >= 100
    return far


def _mp_function(act, expr):
    symbols = [p.symbol for p in act.param_specs]
    return sp.lambdify([act.x, *symbols], expand_blocks(expr), "mpmath")


def _close(a, b) -> bool:
    return abs(a - b) <= TOL * max(1, abs(b))


ALL = symacts.names()


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("order", [1, 2])
def test_x_derivative_matches_mpmath_diff(name, order):
    act = symacts.get(name)
    f = _mp_function(act, act.expr)
    d = _mp_function(act, act.derivative(order))
    defaults = [p.default for p in act.param_specs]
    with mpmath.workdps(DPS):
        args = [mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q for v in defaults]
        for p in _points(act):
            want = mpmath.diff(lambda t: f(t, *args), p, order)
            got = d(p, *args)
            assert _close(got, want), f"{name}^({order}) at x={p}: {got} vs {want}"


PARAM_CASES = [(n, p.name) for n in ALL for p in symacts.get(n).param_specs]


@pytest.mark.parametrize(("name", "param"), PARAM_CASES)
def test_parameter_gradient_matches_mpmath_diff(name, param):
    act = symacts.get(name)
    f = _mp_function(act, act.expr)
    d = _mp_function(act, act.derivative(1, wrt=param))
    names = [p.name for p in act.param_specs]
    i = names.index(param)
    with mpmath.workdps(DPS):
        base = [mpmath.mpf(sp.Rational(p.default).p) / sp.Rational(p.default).q
                for p in act.param_specs]

        def along(value, x):
            args = list(base)
            args[i] = value
            return f(x, *args)

        for p in _points(act, 60):
            want = mpmath.diff(lambda v, p=p: along(v, p), base[i])
            got = d(p, *base)
            assert _close(got, want), f"d{name}/d{param} at x={p}: {got} vs {want}"


@pytest.mark.parametrize("name", ALL)
def test_no_heaviside_sign_dirac_or_derivative(name):
    act = symacts.get(name)
    exprs = [act.derivative(n) for n in (1, 2, 3)]
    exprs += [act.derivative(1, wrt=p.name) for p in act.param_specs]
    exprs += [act.display_derivative(1)]
    for e in exprs:
        for bad in (sp.Heaviside, sp.DiracDelta, sp.sign, sp.Derivative):
            assert not e.has(bad), f"{name}: {bad.__name__} in {e}"


@pytest.mark.parametrize("name", ALL)
def test_every_returned_expression_evaluates_with_evalf_and_mpmath(name):
    act = symacts.get(name)
    subs = {**act.defaults(), act.x: sp.Rational(-3, 7)}
    symbols = [p.symbol for p in act.param_specs]
    for e in (act.expr, act.derivative(1), act.display_derivative(1)):
        v = e.subs(subs).evalf(30)
        assert v.is_number and v.is_finite, f"{name}: {e} -> {v}"
        direct = sp.lambdify([act.x, *symbols], e, "mpmath")  # building blocks print themselves
        with mpmath.workdps(30):
            got = direct(mpmath.mpf(-3) / 7, *[mpmath.mpf(sp.Rational(p.default).p)
                                              / sp.Rational(p.default).q
                                              for p in act.param_specs])
            assert abs(got - mpmath.mpf(str(v))) < mpmath.mpf("1e-25") * max(1, abs(got))


# -- the values at kinks: PyTorch's backward (JAX's where PyTorch has none) ----------------------
KINKS = [
    ("relu", {}, 0, 0),
    ("leaky_relu", {}, 0, sp.Rational(1, 100)),
    ("leaky_relu", {"negative_slope": 0.2}, 0, sp.Rational(1, 5)),
    ("prelu", {}, 0, sp.Rational(1, 4)),
    ("rrelu", {}, 0, sp.Rational(11, 48)),
    ("relu6", {}, 0, 0),
    ("relu6", {}, 6, 0),
    ("hardtanh", {}, -1, 0),
    ("hardtanh", {}, 1, 0),
    ("hardtanh", {"min_val": -2, "max_val": 3}, 3, 0),
    ("hardsigmoid", {}, -3, 0),
    ("hardsigmoid", {}, 3, 0),
    ("hardswish", {}, -3, 0),
    ("hardswish", {}, 3, 1),
    ("hardshrink", {}, sp.Rational(1, 2), 0),
    ("hardshrink", {}, -sp.Rational(1, 2), 0),
    ("softshrink", {}, sp.Rational(1, 2), 0),
    ("softshrink", {}, -sp.Rational(1, 2), 0),
    ("softshrink", {"lambd": 2}, -2, 0),
    ("elu", {}, 0, 1),
    ("elu", {"alpha": 2}, 0, 2),
    ("celu", {}, 0, 1),
    ("celu", {"alpha": 2}, 0, 1),
    ("threshold", {"threshold": 1, "value": 0}, 1, 0),
    ("softsign", {}, 0, 1),
    ("sparse_plus", {}, -1, 0),
    ("sparse_plus", {}, 1, 1),
    ("sparse_sigmoid", {}, -1, sp.Rational(1, 4)),
    ("sparse_sigmoid", {}, 1, sp.Rational(1, 4)),
    ("binary_step", {}, 0, 0),
]


@pytest.mark.parametrize(("name", "params", "point", "value"), KINKS)
def test_derivative_at_kink_is_the_convention(name, params, point, value):
    act = symacts.get(name).bind(**params).with_defaults()
    got = act.derivative(1).subs(act.x, point)
    assert sp.simplify(got - value) == 0, f"{name}'({point}) = {got}, want {value}"


def test_selu_derivative_at_zero_is_lambda_alpha():
    act = symacts.get("selu")
    v = act.derivative(1).subs(act.x, 0)
    # PyTorch's 1.7580993408473766 is fl(α)·fl(λ); the exact λα rounds to the next double up
    assert abs(float(v) - 1.7580993408473766) <= 2.3e-16
    assert float(v) == 1.7580993408473768
    with mpmath.workdps(50):
        assert abs(mpmath.mpf(str(v.evalf(45))) - mpmath.mpf(
            "1.758099340847376859940217520812")) < mpmath.mpf("1e-29")


def test_sinc_removable_singularity_all_orders():
    act = symacts.get("sinc")
    assert act.derivative(1).subs(act.x, 0) == 0
    assert act.derivative(2).subs(act.x, 0) == sp.Rational(-1, 3)
    assert act.derivative(4).subs(act.x, 0) == sp.Rational(1, 5)


def test_higher_derivative_follows_branch_at_kink():
    relu = symacts.get("relu")
    assert relu.derivative(2).subs(relu.x, 0) == 0
    elu = symacts.get("elu").with_defaults()
    assert elu.derivative(2).subs(elu.x, 0) == 1  # α·e⁰ from the x <= 0 branch


# -- known values -------------------------------------------------------------------------------
KNOWN = [
    ("mish", 0, 1, sp.Rational(3, 5)),
    ("gelu", 1, 1, 1.0833154705876864),
    ("gelu_tanh", 1, 1, 1.0829640838457826),
    ("silu", 1, 1, 0.9276705118714867),
    ("mish", 1, 1, 1.0490362200997922),
    ("tanhshrink", 1, 1, 0.5800256583859739),
    ("sigmoid", 0, 1, 0.25),
    ("logsigmoid", 0, 1, 0.5),
    ("softplus", 0, 1, 0.5),
    ("squareplus", 0, 1, 0.5),
    ("softplus", 20, 0, 20.000000002061153),
    ("softplus", 0, 0, 0.6931471805599453),
    ("logsigmoid", 0, 0, -0.6931471805599453),
    ("gelu", 1, 0, 0.8413447460685429),
    ("gelu_tanh", 1, 0, 0.8411919906082768),
    ("silu", 1, 0, 0.7310585786300049),
    ("mish", 1, 0, 0.8650983882673103),
    ("tanhshrink", 1, 0, 0.23840584404423515),
    ("selu", 1, 0, 1.0507009873554805),
    ("selu", -1000, 0, -1.7580993408473766),
    ("squareplus", 0, 0, 1.0),
]


@pytest.mark.parametrize(("name", "x", "order", "value"), KNOWN)
def test_known_values(name, x, order, value):
    act = symacts.get(name)
    e = act.expr if order == 0 else act.derivative(order)
    got = e.subs({**act.defaults(), act.x: x})
    if isinstance(value, sp.Rational):
        assert sp.nsimplify(sp.simplify(expand_blocks(got))) == value
    else:
        assert abs(float(got.evalf(30)) - value) <= 2e-16 * max(1, abs(value))


def test_mish_derivative_at_zero_is_exactly_three_fifths():
    act = symacts.get("mish")
    v = act.derivative(1).subs(act.x, 0)
    assert sp.simplify(expand_blocks(v).rewrite(sp.exp)) == sp.Rational(3, 5)


def test_swish_beta_gradient_closed_form():
    act = symacts.get("swish")
    beta = act.symbol("beta")
    x = act.x
    want = x**2 * symacts_sigmoid(beta * x) * (1 - symacts_sigmoid(beta * x))
    assert sp.simplify(act.derivative(1, wrt="beta") - want) == 0


def symacts_sigmoid(u):
    from symacts.functions import sigmoid

    return sigmoid(u)


def test_prelu_gradient_wrt_slope_is_zero_at_kink():
    act = symacts.get("prelu")
    d = act.derivative(1, wrt="a")
    assert d.subs(act.x, 0) == 0
    assert d.subs(act.x, -2) == -2
    assert d.subs(act.x, 3) == 0
