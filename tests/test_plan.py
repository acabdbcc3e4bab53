"""Kernel plans (the IR): structure, limits decided before printing, and the printed NumPy code
computing exactly what the IR's reference semantics say."""

import numpy as np
import pytest

import symacts
import symacts.kernels as K  # noqa: N812
from symacts.emit import plan_activation
from symacts.emit.interpret import evaluate
from symacts.emit.ir import ByParams, Select, Separate, Straight
from symacts.verify.ulps import kink_floats, sweep_points

#: one of each kind of body and form: straight (mish), by parameters (leaky_relu), separate
#: with a Horner series (celu), a select with clips (hardswish), hypot and a rationalised
#: difference (squareplus), limits put in at ±∞ (softsign, sinc)
NAMES = ["mish", "leaky_relu", "celu", "hardswish", "squareplus", "softsign", "sinc", "silu"]


@pytest.fixture(scope="module")
def plans():
    return {n: plan_activation(symacts.get(n)) for n in NAMES}


def test_every_output_has_a_kernel_plan(plans):
    for name, plan in plans.items():
        act = symacts.get(name)
        want = {"f", "df", "vg", *["d_" + p.name for p in act.param_specs]}
        assert set(plan.kernels) == want
        assert plan.kernels["vg"].outputs == ("f", "df")
        for k in plan.kernels.values():
            assert len(k.limits) == len(k.outputs) == len(k.forms) == len(k.textbook)


def test_forms_say_what_was_chosen(plans):
    assert plans["leaky_relu"].kernels["f"].forms == (
        "max or min of the linear branches, chosen on the parameters",)
    assert isinstance(plans["leaky_relu"].kernels["f"].body, ByParams)
    assert plans["hardswish"].kernels["f"].forms[0].startswith("select") or \
        "clip" in plans["hardswish"].kernels["f"].forms[0]
    assert isinstance(plans["mish"].kernels["f"].body, Straight)
    assert isinstance(plans["sinc"].kernels["f"].body, Select)


def test_vg_shares_work_between_f_and_df(plans):
    body = plans["silu"].kernels["vg"].body
    assert isinstance(body, Straight)
    # σ(x) (through e^{−|x|}) computed once for both outputs
    steps = [v for _, v in body.block.steps]
    assert any(type(v).__name__ == "ExpNegAbs" for v in steps)
    assert isinstance(plans["celu"].kernels["vg"].body, Separate)


def test_limits_are_decided_from_the_ir(plans):
    # √(x² + b) − x at −∞ is ∞ − (−∞) = ∞ (right); softsign x/(1 + |x|) at ±∞ is ∞/∞
    soft = plans["softsign"].kernels["f"].limits[0]
    assert soft.true == (1, -1) and soft.fix == (1, -1)
    mish = plans["mish"].kernels["f"].limits[0]
    assert mish.true == (np.inf, 0.0) and not mish.needs_fix
    assert plans["sinc"].kernels["f"].limits[0].fix == (0, 0)


def _bits(a):
    a = np.asarray(a)
    return a.view(np.int32 if a.dtype == np.float32 else np.int64)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_printed_kernels_compute_the_ir_semantics(plans, name, dt):
    """The printed NumPy kernels give the same bits as the plan evaluated directly, except at
    ±∞ where the printer puts the limits the plan records."""
    act = symacts.get(name)
    plan = plans[name]
    x = sweep_points(dt, kinks=kink_floats(act))
    x = x[np.isfinite(x)]
    params = {p.symbol: p.default for p in plan.params}
    f, g, vg = K.NUMPY.KERNELS[name]  # the NumPy kernels, whichever backend serves
    printed = {"f": [f(x)], "df": [g(x)], "vg": list(vg(x))}
    for p in plan.params:
        printed["d_" + p.name] = [g(x, wrt=p.name)]
    for key, k in plan.kernels.items():
        want = evaluate(k.body, k.x, x, params)
        for got, ref in zip(printed[key], want, strict=True):
            got = np.asarray(got)
            assert got.dtype == ref.dtype == dt
            same = (_bits(got) == _bits(ref)) | (np.isnan(got) & np.isnan(ref))
            assert same.all(), (key, x[~same][:5], got[~same][:5], ref[~same][:5])


def test_docstrings_show_the_textbook_and_the_computed_form():
    mish = K.NUMPY.mish.__doc__  # the docstrings of the generated NumPy module
    assert "f(x) = x*tanh(softplus(x))" in mish
    assert "computed as: dmul(tanh(softplus(x)), x)" in mish
    assert "softplus: ln(1 + eᵘ) = max(u, 0) + log1p(e^{−|u|})" in mish
    relu = K.NUMPY.relu.__doc__
    assert "f(x) = Piecewise((x, x > 0), (0, True))" in relu and "Clip(x, 0, oo)" in relu
    assert "(computed as written)" in K.NUMPY.softplus_grad.__doc__
