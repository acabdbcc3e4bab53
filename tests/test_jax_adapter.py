"""symacts.jax: custom_jvp functions whose derivatives (of any order) are the engine's closed
forms; equal to jax.nn where JAX has the activation, except at the kinks where the catalog
takes PyTorch's convention; jit, vmap, grad, grad-of-grad; user activations; clear errors."""

import math

import mpmath
import numpy as np
import pytest

jax = pytest.importorskip("jax", reason="needs JAX: pip install symacts[jax]")
jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
from _framework_checks import assert_close, assert_equal_or_closer  # noqa: E402

import symacts  # noqa: E402
import symacts.jax as sj  # noqa: E402
from symacts.errors import ParameterError, UnknownActivationError  # noqa: E402
from symacts.verify.ulps import kink_floats  # noqa: E402

N = jax.nn

#: symacts name -> (jax.nn's function of x, symacts parameters)
JAXNN = {
    "relu": (N.relu, {}),
    "relu6": (N.relu6, {}),
    "leaky_relu": (lambda x: N.leaky_relu(x, 0.2), {"negative_slope": 0.2}),
    "elu": (lambda x: N.elu(x, 1.5), {"alpha": 1.5}),
    "selu": (N.selu, {}),
    "celu": (lambda x: N.celu(x, 2.0), {"alpha": 2.0}),
    "gelu": (lambda x: N.gelu(x, approximate=False), {}),
    "gelu_tanh": (lambda x: N.gelu(x, approximate=True), {}),
    "sigmoid": (N.sigmoid, {}),
    "tanh": (N.tanh, {}),
    "silu": (N.silu, {}),
    "mish": (N.mish, {}),
    "softplus": (N.softplus, {}),
    "softsign": (N.soft_sign, {}),
    "hardtanh": (N.hard_tanh, {}),
    "hardsigmoid": (N.hard_sigmoid, {}),
    "hardswish": (N.hard_silu, {}),
    "logsigmoid": (N.log_sigmoid, {}),
    "squareplus": (N.squareplus, {}),
    "sparse_plus": (N.sparse_plus, {}),
    "sparse_sigmoid": (N.sparse_sigmoid, {}),
    "identity": (N.identity, {}),
}

#: f'(kink) where the catalog (PyTorch's backward) and jax.nn differ: name -> {x: (ours, jax)}
KINK_DIFFERENCES = {
    "leaky_relu": {0.0: (0.2, 1.0)},
    "hardtanh": {-1.0: (0.0, 1.0), 1.0: (0.0, 1.0)},
}


def _points(name, params, dt):
    kinks = kink_floats(symacts.get(name), params)
    rng = np.random.default_rng(2)
    xs = [*kinks, *[np.nextafter(dt(k), dt(s * np.inf)) for k in kinks for s in (1, -1)],
          0.0, 1.0, -1.0, 20.0, 30.0, -30.0, 100.0, -100.0, 1e4, -1e4, 1e30, -1e30,
          *rng.uniform(-8, 8, 200)]
    xs = np.array(xs, dtype=dt)
    # XLA on CPU flushes subnormal numbers to zero: a subnormal input acts as ±0
    return xs[~((xs != 0) & (np.abs(xs) < np.finfo(dt).tiny))]


def _value_and_grad(fn, x):
    f = jax.jit(fn)(x)
    g = jax.jit(jax.vmap(jax.grad(fn)))(x)
    return np.asarray(f), np.asarray(g)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(JAXNN))
def test_equal_to_jax_nn_except_documented_kinks(name, dt):
    ref, params = JAXNN[name]
    x = _points(name, params, dt)
    f, g = _value_and_grad(lambda v: getattr(sj, name)(v, **params), jnp.asarray(x))
    f_ref, g_ref = _value_and_grad(ref, jnp.asarray(x))
    diffs = KINK_DIFFERENCES.get(name, {})
    keep = ~np.isin(x, np.array(list(diffs), dtype=dt))
    act = symacts.get(name)
    assert_equal_or_closer(f, f_ref, x, act, 0, params, 16, f"{name} f")
    assert_equal_or_closer(g[keep], g_ref[keep], x[keep], act, 1, params, 16, f"{name} f'")
    for k, (ours, theirs) in diffs.items():
        i = np.flatnonzero(x == dt(k))[0]
        assert g[i] == dt(ours) and g_ref[i] == dt(theirs), (name, k, g[i], g_ref[i])


def test_limits_where_jax_nn_gives_nan():
    x = jnp.array([jnp.inf, -jnp.inf])
    for name in ["silu", "mish", "gelu", "swish", "elu", "softplus", "gelu_tanh"]:
        g = jax.vmap(jax.grad(getattr(sj, name)))(x)
        assert np.asarray(g).tolist() == [1.0, 0.0], name
    gg = jax.vmap(jax.grad(jax.grad(sj.silu)))(x)
    assert np.asarray(gg).tolist() == [0.0, 0.0]


def _mp(fn_text, order, at, **params):
    """mpmath derivative of a formula (x and parameters), at 50 digits."""
    with mpmath.workdps(50):
        env = {"exp": mpmath.exp, "tanh": mpmath.tanh, "log": mpmath.log, "erf": mpmath.erf,
               "sqrt": mpmath.sqrt, **{k: mpmath.mpf(v) for k, v in params.items()}}
        f = eval(f"lambda x: {fn_text}", env)
        return float(mpmath.diff(f, mpmath.mpf(at), order))


XS = [-7.3, -2.1, -0.6, 0.45, 1.9, 6.2]


@pytest.mark.parametrize(("name", "text", "order"), [
    ("silu", "x/(1 + exp(-x))", 2),
    ("silu", "x/(1 + exp(-x))", 3),
    ("mish", "x*tanh(log(1 + exp(x)))", 2),
    ("gelu", "x*(1 + erf(x/sqrt(2)))/2", 2),
    ("elu", "x if x > 0 else exp(x) - 1", 2),
])
def test_higher_derivatives_are_the_closed_forms(name, text, order):
    fn = getattr(sj, name)
    d = fn
    for _ in range(order):
        d = jax.grad(d)
    got = np.asarray(jax.jit(jax.vmap(d))(jnp.array(XS)))
    want = [_mp(text, order, x) for x in XS]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)


def test_mixed_derivatives_in_a_traced_parameter():
    beta = 1.3

    def dfdx(x, b):
        return jax.grad(lambda v: sj.swish(v, beta=b))(x)

    got = jax.jit(jax.vmap(jax.grad(dfdx, argnums=1), in_axes=(0, None)))(jnp.array(XS), beta)
    with mpmath.workdps(50):
        def f(x, b):
            return x / (1 + mpmath.exp(-b * x))
        want = [float(mpmath.diff(f, (mpmath.mpf(x), mpmath.mpf(beta)), (1, 1))) for x in XS]
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)
    gb = jax.grad(lambda b: sj.softplus(jnp.array(XS), beta=b).sum())(2.0)
    want = sum(_mp_dbeta_softplus(x, 2.0) for x in XS)
    assert abs(float(gb) - want) <= 1e-12 * abs(want)


def _mp_dbeta_softplus(x, b):
    with mpmath.workdps(50):
        return float(mpmath.diff(lambda bb: mpmath.log(1 + mpmath.exp(bb * x)) / bb,
                                 mpmath.mpf(b)))


def test_vmap_over_parameters_and_broadcasting():
    x = jnp.linspace(-3, 3, 7)
    betas = jnp.array([0.5, 1.0, 2.0])
    batched = jax.vmap(lambda b: sj.swish(x, beta=b))(betas)
    broadcast = sj.swish(x, beta=betas[:, None])
    assert batched.shape == broadcast.shape == (3, 7)
    np.testing.assert_allclose(np.asarray(batched), np.asarray(broadcast), rtol=1e-15)
    g = jax.grad(lambda b: sj.swish(x, beta=b).sum())(betas[:, None])
    want = jax.grad(lambda b: (x * jax.nn.sigmoid(b * x)).sum())(betas[:, None])
    assert g.shape == (3, 1)
    np.testing.assert_allclose(np.asarray(g), np.asarray(want), rtol=1e-13)


def test_function_of_a_defined_activation():
    act = symacts.define("jax_test_act", "x*tanh(softplus(b*x))", params={"b": 1.0},
                         replace=True)
    fn = sj.function(act)
    x = jnp.linspace(-6, 6, 25)
    want = x * jnp.tanh(jax.nn.softplus(1.4 * x))
    np.testing.assert_allclose(np.asarray(fn(x, b=1.4)), np.asarray(want), rtol=1e-14)
    g = jax.vmap(jax.grad(lambda v: fn(v, b=1.4)))(x)
    w = jax.vmap(jax.grad(lambda v: v * jnp.tanh(jax.nn.softplus(1.4 * v))))(x)
    np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-12)
    assert float(jax.grad(fn)(jnp.inf)) == 1.0  # the limit, where autograd of it gives NaN
    fixed = sj.function(symacts.get("swish").bind(beta=2.0))
    assert_close(np.asarray(fixed(x)), np.asarray(sj.swish(x, beta=2.0)), 0, "bound")


def test_dtypes():
    x32 = jnp.linspace(-3, 3, 5, dtype=jnp.float32)
    assert sj.mish(x32).dtype == jnp.float32
    assert jax.grad(lambda v: sj.mish(v).sum())(x32).dtype == jnp.float32
    for dt in (jnp.float16, jnp.bfloat16):
        y = sj.mish(x32.astype(dt))
        assert y.dtype == dt
        np.testing.assert_allclose(np.asarray(y, np.float32),
                                   np.asarray(sj.mish(x32).astype(dt), np.float32))
    assert float(sj.silu(2.0)) == float(sj.silu(jnp.array(2.0)))


def test_bad_input_gives_clear_errors():
    x = jnp.ones(3)
    with pytest.raises(UnknownActivationError, match="did you mean mish"):
        sj.function("mishh")
    with pytest.raises(AttributeError, match="unknown activation"):
        sj.mishh  # noqa: B018
    with pytest.raises(ParameterError, match=r"no parameter 'gamma'.*beta"):
        sj.swish(x, gamma=1.0)
    with pytest.raises(ParameterError, match="'beta' must be greater than 0"):
        sj.softplus(x, beta=-1.0)
    with pytest.raises(ParameterError, match=r"'beta'.*some of its values"):
        sj.softplus(x, beta=jnp.array([1.0, -1.0, 2.0]))
    with pytest.raises(ParameterError, match="min_val < max_val"):
        sj.hardtanh(x, min_val=2.0)
    with pytest.raises(sj.InputTypeError, match="int"):
        sj.mish(jnp.arange(3))
    with pytest.raises(sj.InputTypeError, match="complex"):
        sj.mish(jnp.ones(3, jnp.complex64))
    with pytest.raises(ParameterError, match="real number"):
        sj.swish(x, beta="2")
    # a traced parameter cannot be checked while tracing: NaN wherever it is out of domain
    y = jax.jit(lambda b: sj.softplus(x, beta=b))(-1.0)
    assert np.isnan(np.asarray(y)).all()
    assert math.isfinite(float(jax.jit(lambda b: sj.softplus(1.0, beta=b))(2.0)))


def test_every_alias_resolves():
    from symacts.emit.frameworks import load_generated

    gen = load_generated("symacts_jax.py")
    for alias, name in gen.ALIASES.items():
        if alias.isidentifier():
            assert getattr(sj, alias) is getattr(sj, name)


def _check_params(name):
    act = symacts.get(name)
    out = {}
    for p in act.param_specs:
        v = p.default_float
        out[p.name] = v + 0.1 if p.domain == "real" or v + 0.1 > 0 else v
    if name == "rrelu":
        out = {"lower": 0.15, "upper": 0.3}
    return out


@pytest.mark.parametrize("name", sj.names())
def test_check_grads_every_entry_and_parameter(name):
    """Forward and reverse mode against finite differences (float64), in x and in every
    parameter, away from the kinks."""
    from jax.test_util import check_grads

    fn = getattr(sj, name)
    x = jnp.array([-2.7, -1.3, -0.45, 0.37, 1.7, 3.3])
    params = _check_params(name)
    check_grads(lambda v: fn(v, **params), (x,), order=1, modes=("fwd", "rev"), eps=1e-6)
    for p in params:
        others = {k: v for k, v in params.items() if k != p}
        check_grads(lambda v, t, p=p, o=others: fn(v, **{p: t}, **o),
                    (x, jnp.asarray(params[p])), order=1, modes=("fwd", "rev"), eps=1e-6)
