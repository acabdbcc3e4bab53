"""The jax.numpy code printed from the kernel plans (generated/symacts_jax.py) computes what
the plans say: the same values as the NumPy kernels (which test_plan checks bit for bit
against the IR's reference semantics) and as the IR evaluated directly, for every catalog
activation, every output and the forms chosen on other parameter values."""

import numpy as np
import pytest

jax = pytest.importorskip("jax", reason="needs JAX: pip install symacts[jax]")

from _framework_checks import OTHER_PARAMS, assert_close, points  # noqa: E402

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402

import symacts  # noqa: E402
import symacts.kernels as K  # noqa: E402, N812
from symacts.emit.frameworks import load_generated  # noqa: E402

GEN = load_generated("symacts_jax.py")

#: XLA on CPU flushes subnormal numbers to zero (inputs and results): a subnormal x acts as
#: ±0, so subnormal inputs are left out here.
#: libm differences between XLA and NumPy (exp, log1p, tanh, erf): a few ULP, and a few
#: machine epsilons absolute where terms of size ~1 cancel (gelu' near its zero)
ULPS = 8


def _atol(dt):
    return 4 * float(np.finfo(dt).eps)


def normal(x):
    """x without subnormal numbers, and without magnitudes beyond 2^60 (float32) or 2^500
    (float64), where forms like x/h³ pass through subnormal intermediates that XLA flushes."""
    big = 2.0**60 if x.dtype == np.float32 else 2.0**500
    keep = ~((x != 0) & (np.abs(x) < np.finfo(x.dtype).tiny)) & ~(np.isfinite(x) & (abs(x) > big))
    return x[keep]


def _cases():
    for name in sorted(GEN.KERNELS):
        yield name, None
        for ps in OTHER_PARAMS.get(name, []):
            yield name, ps


def _run(entry, key, x, ps, dt):
    t = jnp.asarray(x)
    args = [jnp.asarray(ps[n], dtype=t.dtype) for n, _, _ in entry["params"]]
    fn = entry[key] if key in ("f", "df", "vg") else entry["dp"][key[2:]]
    out = fn(t, *args)  # eager: the adapter tests run the kernels under jit
    return [np.asarray(o) for o in (out if key == "vg" else [out])]


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize(("name", "params"), list(_cases()))
def test_printed_jax_equals_numpy_kernels(name, params, dt):
    entry = GEN.KERNELS[name]
    ps = {n: d for n, d, _ in entry["params"]}
    ps.update(params or {})
    x = normal(points(name, dt, params=params))
    f, g, vg = K.KERNELS[name]
    want = {"f": [f(x, **ps)], "df": [g(x, **ps)], "vg": list(vg(x, **ps))}
    for p in ps:
        want["d_" + p] = [g(x, **ps, wrt=p)]
    for key, refs in want.items():
        for got, ref in zip(_run(entry, key, x, ps, dt), refs, strict=True):
            ref = np.asarray(ref)
            # where the form overflows (NaN against ±inf), neither is the truth: left out
            both = ~np.isfinite(got) & ~np.isfinite(ref) & np.isfinite(x)
            assert_close(got[~both], ref[~both], ULPS, f"{name} {key} {params or ''}",
                         x[~both], _atol(dt))


def test_printed_jax_follows_the_ir_semantics():
    """Against the plan itself (the IR's reference semantics), finite points."""
    from symacts.emit import plan_activation
    from symacts.emit.interpret import evaluate
    from symacts.emit.jax_printer import compile_plan

    for name in ["leaky_relu", "hardswish", "sinc"]:
        plan = plan_activation(symacts.get(name))
        entry = compile_plan(plan)
        for dt in (np.float32, np.float64):
            x = normal(points(name, dt, 300))
            x = x[np.isfinite(x)]
            ps = {p.symbol: p.default for p in plan.params}
            for key, k in plan.kernels.items():
                want = evaluate(k.body, k.x, x, ps)
                got = _run(entry, key, x, {p.name: p.default for p in plan.params}, dt)
                for a, b in zip(got, want, strict=True):
                    assert_close(a, b, ULPS, f"{name} {key}", x, _atol(dt))


def test_printed_code_is_pure_array_code():
    """No NumPy calls in the printed module (it traces under jit on any backend)."""
    import inspect
    import re

    src = inspect.getsource(GEN)
    assert not re.search(r"\bnp\.", src) and "out=" not in src


def test_sigmoid_takes_its_own_logistic_where_no_other_value_shares_the_exponential():
    """In jnp code σ(u), σ'(u) of a shared t = e^{−|u|} become sigmoid(u), dsigmoid(u) (XLA's
    logistic, fused into each consumer) only where t serves nothing else."""
    import sympy as sp

    from symacts.emit.array_printer import _own_logistic
    from symacts.emit.ir import Block, DsigmoidT, ExpNegAbs, SigmoidT, SoftplusT
    from symacts.primitives import dsigmoid, sigmoid

    x, t, s = sp.symbols("x t1 t2")
    alone = Block(((t, ExpNegAbs(x)),), (SigmoidT(x, t) * x, DsigmoidT(x, t) + 1))
    steps, values = _own_logistic(alone)
    assert steps == [] and values == [sigmoid(x) * x, dsigmoid(x) + 1]
    shared = Block(((t, ExpNegAbs(x)), (s, SoftplusT(x, t))), (SigmoidT(x, t) * s,))
    steps, values = _own_logistic(shared)
    assert steps == list(shared.steps) and values == list(shared.values)
    other = Block(((t, ExpNegAbs(x)),), (SigmoidT(2 * x, t),))  # t of another argument
    assert _own_logistic(other) == (list(other.steps), list(other.values))
