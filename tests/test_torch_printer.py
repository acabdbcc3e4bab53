"""The PyTorch code printed from the kernel plans (generated/symacts_torch.py) computes what
the plans say: the same values as the NumPy kernels (which test_plan checks bit for bit
against the IR's reference semantics) and as the IR evaluated directly, for every catalog
activation, every output and the forms chosen on other parameter values."""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="needs PyTorch: pip install symacts[torch]")

from _framework_checks import OTHER_PARAMS, assert_close, points  # noqa: E402

import symacts  # noqa: E402
import symacts.kernels as K  # noqa: E402, N812
from symacts.emit.frameworks import load_generated  # noqa: E402

GEN = load_generated("symacts_torch.py")

#: libm differences between PyTorch and NumPy (exp, log1p, tanh, erf): a few ULP, and a few
#: machine epsilons absolute where terms of size ~1 cancel (gelu' near its zero)
ULPS = 8


def _atol(dt):
    return 4 * float(np.finfo(dt).eps)


def _cases():
    for name in sorted(GEN.KERNELS):
        yield name, None
        for ps in OTHER_PARAMS.get(name, []):
            yield name, ps


def _run(entry, key, x, ps, dt):
    t = torch.from_numpy(x)
    args = [torch.tensor(ps[n], dtype=t.dtype) for n, _, _ in entry["params"]]
    if key == "vg":
        return [o.numpy() for o in entry["vg"](t, *args)]
    fn = entry[key] if key in ("f", "df") else entry["dp"][key[2:]]
    return [fn(t, *args).numpy()]


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize(("name", "params"), list(_cases()))
def test_printed_torch_equals_numpy_kernels(name, params, dt):
    entry = GEN.KERNELS[name]
    ps = {n: d for n, d, _ in entry["params"]}
    ps.update(params or {})
    x = points(name, dt, params=params)
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


def test_printed_torch_follows_the_ir_semantics():
    """Against the plan itself (the IR's reference semantics), finite points."""
    from symacts.emit import plan_activation
    from symacts.emit.interpret import evaluate
    from symacts.emit.torch_printer import compile_plan

    for name in ["leaky_relu", "hardswish", "sinc"]:
        plan = plan_activation(symacts.get(name))
        entry = compile_plan(plan)
        for dt in (np.float32, np.float64):
            x = points(name, dt, 300)
            x = x[np.isfinite(x)]
            ps = {p.symbol: p.default for p in plan.params}
            for key, k in plan.kernels.items():
                want = evaluate(k.body, k.x, x, ps)
                got = _run(entry, key, x, {p.name: p.default for p in plan.params}, dt)
                for a, b in zip(got, want, strict=True):
                    assert_close(a, b, ULPS, f"{name} {key}", x, _atol(dt))


def test_printed_code_is_pure_tensor_code():
    """No NumPy and no in-place writes in the printed module (it runs on any device)."""
    import inspect

    src = inspect.getsource(GEN)
    assert "np." not in src and "numpy" not in src.split('"""', 2)[2]
    assert "out=" not in src and "_(" not in src.replace("__(", "")
