"""symacts.torch: custom ops with closed-form gradients, equal to torch.nn.functional where
PyTorch has the activation (kinks included), gradcheck for every entry and parameter,
torch.compile, modules, user-defined activations and clear errors."""

import math
import os
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="needs PyTorch: pip install symacts[torch]")

from _framework_checks import assert_close, assert_equal_or_closer  # noqa: E402

import symacts  # noqa: E402
import symacts.kernels as K  # noqa: E402, N812
import symacts.torch as st  # noqa: E402
from symacts.errors import ParameterError, SymactsError, UnknownActivationError  # noqa: E402
from symacts.verify.ulps import kink_floats  # noqa: E402

F = torch.nn.functional
W = torch.tensor([0.25])

#: symacts name -> (PyTorch's function of x, symacts parameters)
TORCH = {
    "relu": (F.relu, {}),
    "relu6": (F.relu6, {}),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), {"negative_slope": 0.2}),
    "prelu": (lambda x: F.prelu(x, W.to(x.dtype)), {"a": 0.25}),
    "rrelu": (lambda x: F.rrelu(x, 1 / 8, 1 / 3, training=False), {}),
    "elu": (lambda x: F.elu(x, 1.5), {"alpha": 1.5}),
    "selu": (F.selu, {}),
    "celu": (lambda x: F.celu(x, 2.0), {"alpha": 2.0}),
    "gelu": (F.gelu, {}),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), {}),
    "sigmoid": (torch.sigmoid, {}),
    "tanh": (torch.tanh, {}),
    "silu": (F.silu, {}),
    "mish": (F.mish, {}),
    "softplus": (lambda x: F.softplus(x, 2.0), {"beta": 2.0}),
    "softsign": (F.softsign, {}),
    "hardtanh": (lambda x: F.hardtanh(x, -2.0, 0.5), {"min_val": -2.0, "max_val": 0.5}),
    "hardsigmoid": (F.hardsigmoid, {}),
    "hardswish": (F.hardswish, {}),
    "hardshrink": (lambda x: F.hardshrink(x, 0.75), {"lambd": 0.75}),
    "softshrink": (lambda x: F.softshrink(x, 0.75), {"lambd": 0.75}),
    "tanhshrink": (F.tanhshrink, {}),
    "threshold": (lambda x: F.threshold(x, 1.0, -2.0), {"threshold": 1.0, "value": -2.0}),
    "logsigmoid": (F.logsigmoid, {}),
}


def _kinks(name, params):
    return kink_floats(symacts.get(name), params)


def _points(name, params, dt):
    kinks = _kinks(name, params)
    rng = np.random.default_rng(1)
    xs = [*kinks, *[np.nextafter(dt(k), dt(s * np.inf)) for k in kinks for s in (1, -1)],
          0.0, -0.0, 1.0, -1.0, 19.99, 20.01, 30.0, -30.0, 100.0, -100.0, 1e4, -1e4, 1e30,
          -1e30, *rng.uniform(-8, 8, 200)]
    return torch.tensor(np.array(xs, dtype=dt))


def _value_and_grad(fn, x):
    x = x.clone().requires_grad_()
    y = fn(x)
    (g,) = torch.autograd.grad(y.sum(), x)
    return y.detach().numpy(), g.numpy()


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(TORCH))
def test_equal_to_torch_nn_functional_kinks_included(name, dt):
    ref, params = TORCH[name]
    x = _points(name, params, dt)
    ours = getattr(st, name)
    f, g = _value_and_grad(lambda v: ours(v, **params), x)
    f_ref, g_ref = _value_and_grad(ref, x)
    xs = x.numpy()
    keep = np.ones(xs.shape, bool)
    if name == "softplus":  # PyTorch returns x where βx > 20 (a shortcut; the truth differs)
        keep = xs * params["beta"] <= 20
    act = symacts.get(name)
    assert_equal_or_closer(f[keep], f_ref[keep], xs[keep], act, 0, params, 16, f"{name} f")
    assert_equal_or_closer(g[keep], g_ref[keep], xs[keep], act, 1, params, 16, f"{name} f'")
    kinks = np.isin(xs, np.array(_kinks(name, params), dtype=dt))
    # the same convention at each kink (selu: λα correctly rounded, PyTorch's α·λ 1 ULP off)
    assert_close(g[kinks], g_ref[kinks], 2, f"{name} f' at the kinks", xs[kinks])


def test_limits_where_pytorch_gives_nan():
    """f' at ±inf: the limits (PyTorch's own silu, mish and gelu give NaN there)."""
    x = torch.tensor([math.inf, -math.inf], dtype=torch.float64)
    for name, want in [("silu", [1.0, 0.0]), ("mish", [1.0, 0.0]), ("gelu", [1.0, 0.0]),
                       ("swish", [1.0, 0.0]), ("softplus", [1.0, 0.0]), ("elu", [1.0, 0.0])]:
        _, g = _value_and_grad(getattr(st, name), x)
        assert g.tolist() == want, name
    big = torch.tensor([89.0, 100.0, 1e30], dtype=torch.float32)  # x·tanh(eˣ) overflows
    _, g = _value_and_grad(st.mish, big)
    assert g.tolist() == [1.0, 1.0, 1.0]


def test_cpu_float_runs_the_numpy_kernels_bit_for_bit():
    x = torch.linspace(-30, 30, 1001, dtype=torch.float32)
    b = 1.7
    assert torch.equal(st.swish(x, beta=b), torch.from_numpy(K.swish(x.numpy(), beta=b)))
    xr = x.clone().requires_grad_()
    st.swish(xr, beta=b).backward(torch.ones_like(x))
    assert torch.equal(xr.grad, torch.from_numpy(K.swish_grad(x.numpy(), beta=b)))


def _gradcheck_params(name):
    act = symacts.get(name)
    out = {}
    for p in act.param_specs:
        v = p.default_float
        out[p.name] = v + 0.1 if p.domain == "real" or v + 0.1 > 0 else v
    if name == "rrelu":
        out = {"lower": 0.15, "upper": 0.3}
    return out


@pytest.mark.parametrize("name", st.names())
def test_gradcheck_every_entry_and_parameter(name):
    """float64 gradcheck of x and of every parameter (a 0-d tensor and a broadcast one)."""
    fn = getattr(st, name)
    x = torch.tensor([-2.7, -1.3, -0.45, 0.37, 1.7, 3.3], dtype=torch.float64,
                     requires_grad=True)
    assert torch.autograd.gradcheck(fn, (x,))
    params = _gradcheck_params(name)
    for p in params:
        t = torch.tensor(params[p], dtype=torch.float64, requires_grad=True)
        others = {k: v for k, v in params.items() if k != p}
        assert torch.autograd.gradcheck(lambda x, t, p=p, o=others: fn(x, **{p: t}, **o),
                                        (x, t)), (name, p)
    if params:
        p = next(iter(params))
        t = torch.full((2, 1), params[p], dtype=torch.float64) + torch.tensor([[0.0], [0.05]],
                                                                             dtype=torch.float64)
        t.requires_grad_()
        others = {k: v for k, v in params.items() if k != p}
        assert torch.autograd.gradcheck(lambda x, t: fn(x, **{p: t}, **others), (x, t))


def test_parameter_gradient_is_summed_over_broadcast_dimensions():
    x = torch.randn(4, 3, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    beta = torch.tensor([[0.5], [1.0], [2.0]], dtype=torch.float64, requires_grad=True)
    y = st.swish(x, beta=beta)
    assert y.shape == (4, 3, 5)
    (gb,) = torch.autograd.grad(y.sum(), beta)
    b2 = beta.detach().clone().requires_grad_()
    (want,) = torch.autograd.grad((x * torch.sigmoid(b2 * x)).sum(), b2)
    assert gb.shape == beta.shape
    torch.testing.assert_close(gb, want, rtol=1e-13, atol=0)
    # x smaller than the output: its gradient is reduced too
    xs = torch.randn(5, dtype=torch.float64, requires_grad=True)
    (gx,) = torch.autograd.grad(st.swish(xs, beta=beta).sum(), xs)
    xs2 = xs.detach().clone().requires_grad_()
    (want,) = torch.autograd.grad((xs2 * torch.sigmoid(beta.detach() * xs2)).sum(), xs2)
    torch.testing.assert_close(gx, want, rtol=1e-13, atol=0)


def test_forward_saves_one_tensor_the_size_of_the_input():
    saved = []

    def pack(t):
        saved.append(t.numel())
        return t

    x = torch.randn(1000, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        y = st.mish(x)
    assert saved == [1000]
    y.sum().backward()
    saved.clear()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        st.mish(x.detach())
    assert saved == []
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        F.mish(x)
    assert saved[-1] == 1000


def test_half_precision_parameter_of_a_float32_call():
    """A float16 or bfloat16 β (learned) with float32 x: computed at x's precision, β's
    gradient in β's dtype, equal to the float32 β's rounded."""
    x = torch.linspace(-6, 6, 301, dtype=torch.float32)
    b32 = torch.tensor(1.25, requires_grad=True)
    (g32,) = torch.autograd.grad(st.swish(x, beta=b32).sum(), b32)
    for dt in (torch.float16, torch.bfloat16):
        b = torch.tensor(1.25, dtype=dt, requires_grad=True)
        y = st.swish(x, beta=b)
        (gb,) = torch.autograd.grad(y.sum(), b)
        assert y.dtype == torch.float32 and gb.dtype == dt
        assert torch.equal(y, st.swish(x, beta=1.25)) and gb == g32.to(dt)


def test_half_precision_runs_the_printed_code():
    x = torch.linspace(-10, 10, 201, dtype=torch.float32)
    for dt in (torch.float16, torch.bfloat16):
        xh = x.to(dt).requires_grad_()
        y = st.gelu(xh)
        y.backward(torch.ones_like(y))
        assert y.dtype == xh.grad.dtype == dt
        want_f = st.gelu(xh.detach().float())
        xf = xh.detach().float().requires_grad_()
        st.gelu(xf).backward(torch.ones_like(xf))
        # computed in float32 by the printed code (PyTorch's libm) and rounded: within an
        # ULP of the NumPy kernels' float32 result rounded the same way
        torch.testing.assert_close(y, want_f.to(dt))
        torch.testing.assert_close(xh.grad, xf.grad.to(dt))


def test_torch_compile_fullgraph_traces_the_ops():
    beta = torch.tensor(1.3, dtype=torch.float64, requires_grad=True)

    def net(x, beta):
        return (st.swish(x, beta=beta) * st.mish(x)).sum()

    compiled = torch.compile(net, fullgraph=True, backend="aot_eager")
    x = torch.randn(64, dtype=torch.float64, requires_grad=True)
    got = torch.autograd.grad(compiled(x, beta), (x, beta))
    want = torch.autograd.grad(net(x, beta), (x, beta))
    for a, b in zip(got, want, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-14, atol=0)


def test_module_learns_its_parameters():
    torch.manual_seed(0)
    layer = st.module("swish", learn=("beta",), beta=0.5)
    assert [n for n, _ in layer.named_parameters()] == ["beta"]
    assert "swish" in repr(layer) and "beta=learned" in repr(layer)
    x = torch.randn(256)
    target = x * torch.sigmoid(2.0 * x)
    opt = torch.optim.SGD(layer.parameters(), lr=2.0)
    for _ in range(200):
        opt.zero_grad()
        loss = ((layer(x) - target) ** 2).mean()
        loss.backward()
        opt.step()
    assert abs(layer.beta.item() - 2.0) < 1e-2
    prelu = st.module("prelu", learn="a", a=torch.full((3, 1), 0.25))
    assert prelu.a.shape == (3, 1)
    y = prelu(torch.randn(2, 3, 4))
    y.sum().backward()
    assert prelu.a.grad.shape == (3, 1)
    with pytest.raises(ParameterError, match="gamma"):
        st.module("swish", learn=("gamma",))


def test_function_of_a_defined_activation():
    act = symacts.define("torch_test_act", "x*tanh(softplus(b*x))", params={"b": 1.0},
                         replace=True)
    fn = st.function(act)
    x = torch.linspace(-6, 6, 25, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(1.4, dtype=torch.float64, requires_grad=True)
    y = fn(x, b=b)
    want = x * torch.tanh(F.softplus(b * x))
    torch.testing.assert_close(y, want, rtol=1e-14, atol=1e-300)
    g = torch.autograd.grad(y.sum(), (x, b))
    w = torch.autograd.grad(want.sum(), (x, b))
    for a, c in zip(g, w, strict=True):
        torch.testing.assert_close(a, c, rtol=1e-12, atol=1e-300)
    assert torch.autograd.gradcheck(lambda x, b: fn(x, b=b), (x, b))
    # a bound catalog activation: the bound parameter is fixed
    fixed = st.function(symacts.get("swish").bind(beta=2.0))
    torch.testing.assert_close(fixed(x), st.swish(x, beta=2.0), rtol=0, atol=0)
    with pytest.raises(ParameterError, match="beta"):
        fixed(x, beta=1.0)


def test_bad_input_gives_clear_errors():
    x = torch.ones(3)
    with pytest.raises(UnknownActivationError, match="did you mean mish"):
        st.function("mishh")
    with pytest.raises(AttributeError, match="unknown activation"):
        st.mishh  # noqa: B018
    with pytest.raises(ParameterError, match=r"no parameter 'gamma'.*beta"):
        st.swish(x, gamma=1.0)
    with pytest.raises(ParameterError, match=r"takes 1 parameter\(s\) \(beta\), got 2"):
        st.swish(x, 1.0, 2.0)
    with pytest.raises(ParameterError, match="given twice"):
        st.swish(x, 1.0, beta=2.0)
    assert torch.equal(st.leaky_relu(-x, 0.2), st.leaky_relu(-x, negative_slope=0.2))
    with pytest.raises(ParameterError, match="'beta' must be greater than 0"):
        st.softplus(x, beta=0.0)
    with pytest.raises(ParameterError, match="'beta' must be finite"):
        st.swish(x, beta=math.nan)
    with pytest.raises(ParameterError, match="real number"):
        st.swish(x, beta=True)
    with pytest.raises(ParameterError, match="min_val < max_val"):
        st.hardtanh(x, min_val=1.0, max_val=-1.0)
    with pytest.raises(ParameterError, match=r"'beta'.*some of its values"):
        st.softplus(x, beta=torch.tensor([1.0, -1.0, 2.0]))
    with pytest.raises(ParameterError, match="min_val < max_val"):
        st.hardtanh(x, min_val=torch.tensor(2.0))
    with pytest.raises(st.InputTypeError, match="int64"):
        st.mish(torch.arange(3))
    with pytest.raises(st.InputTypeError, match="complex64"):
        st.mish(torch.ones(3, dtype=torch.complex64))
    with pytest.raises(st.InputTypeError, match=r"torch.Tensor"):
        st.mish(np.ones(3))
    with pytest.raises(st.InputTypeError, match=r"'beta'.*int64"):
        st.swish(x, beta=torch.tensor([1, 2, 3]))
    xr = torch.ones(3, requires_grad=True)
    with pytest.raises(SymactsError, match=r"create_graph=True.*torch\.func"):
        torch.autograd.grad(st.mish(xr).sum(), xr, create_graph=True)


def test_every_alias_resolves():
    from symacts.emit.frameworks import load_generated

    gen = load_generated("symacts_torch.py")
    for alias, name in gen.ALIASES.items():
        if alias.isidentifier():
            assert getattr(st, alias) is getattr(st, name)
    assert st.function("Leaky-ReLU") is st.leaky_relu


def test_torch_vmap_batches_x_and_parameters():
    x = torch.randn(5, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    b = torch.tensor([0.5, 1.0, 2.0, 3.0, 4.0], dtype=torch.float64)
    got = torch.vmap(lambda v, bb: st.swish(v, beta=bb))(x, b)
    torch.testing.assert_close(got, st.swish(x, beta=b[:, None]), rtol=0, atol=0)
    got = torch.vmap(lambda bb: st.swish(x, beta=bb))(b)
    assert got.shape == (5, 5, 3)
    torch.testing.assert_close(got, st.swish(x[None], beta=b[:, None, None]), rtol=0, atol=0)
    xr = x.clone().requires_grad_()
    torch.vmap(st.mish)(xr).sum().backward()
    x2 = x.clone().requires_grad_()
    F.mish(x2).sum().backward()
    torch.testing.assert_close(xr.grad, x2.grad, rtol=1e-14, atol=0)


_SHARED_THREADS = """
import os, torch
torch.set_num_threads(2)
import symacts.kernels as K
import symacts.torch as st
x = torch.randn(400_000, generator=torch.Generator().manual_seed(0)) * 8
torch.sin(x)  # PyTorch's OpenMP threads are running
def tasks():
    return len(os.listdir("/proc/self/task"))
before = tasks()
serial = K.mish(x.numpy(), threads=1).tobytes()
y = st.mish(x)
shared = tasks() == before
same = y.numpy().tobytes() == serial
pid = os.fork()
if pid == 0:  # a forked child: no OpenMP there (it would hang), the kernels' own threads
    os._exit(0 if K.mish(x.numpy(), threads=2).tobytes() == serial else 3)
child = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
K._compiled.set_runner(None)  # the kernels' own pool: one more thread
before = tasks()
own = K.mish(x.numpy(), threads=2).tobytes() == serial and tasks() == before + 1
print(shared, same, child, own)
"""


_NUMPY_CALLS_SHARE = """
import os, torch
torch.set_num_threads(2)
import numpy as np
import symacts.kernels as K
x = np.random.default_rng(0).standard_normal(400_000) * 8
torch.sin(torch.from_numpy(x))  # PyTorch's OpenMP threads are running
before = len(os.listdir("/proc/self/task"))
serial = K.mish(x, threads=1).tobytes()
same = K.mish(x, threads=2).tobytes() == serial
print(same, len(os.listdir("/proc/self/task")) == before)
"""


@pytest.mark.skipif(K.BACKEND != "compiled", reason="needs the compiled kernels")
@pytest.mark.skipif(not os.path.isdir("/proc/self/task") or (os.cpu_count() or 1) < 2,
                    reason="counts threads in /proc/self/task, on at least 2 cores")
def test_numpy_calls_share_pytorchs_threads_once_torch_is_loaded():
    """symacts.kernels called on NumPy arrays in a process that has imported torch (and not
    symacts.torch) split their loops over PyTorch's OpenMP threads too: no thread of their
    own, the serial bits."""
    pytest.importorskip("symacts.kernels._openmp", reason="the OpenMP runner was not built")
    run = subprocess.run([sys.executable, "-c", _NUMPY_CALLS_SHARE], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "True"], run.stdout


@pytest.mark.skipif(K.BACKEND != "compiled", reason="needs the compiled kernels")
@pytest.mark.skipif(not os.path.isdir("/proc/self/task") or (os.cpu_count() or 1) < 2,
                    reason="counts threads in /proc/self/task, on at least 2 cores")
def test_kernels_run_on_pytorchs_threads_and_after_fork():
    """Under symacts.torch the kernels split their loops over PyTorch's OpenMP threads (no
    thread of their own is started) with the serial bits; a forked child, where OpenMP
    regions hang, splits on the kernels' own threads."""
    pytest.importorskip("symacts.kernels._openmp", reason="the OpenMP runner was not built")
    run = subprocess.run([sys.executable, "-c", _SHARED_THREADS], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "True", "0", "True"], run.stdout


@pytest.mark.parametrize("name", st.names())
def test_eager_backward_is_g_times_the_kernels_derivative(name):
    """Whichever the eager path keeps for backward (x for piecewise-rational f', else f'), the
    gradient is g·f'(x) with the kernels' f', for a dense g, the broadcast g of .sum() and a
    strided x."""
    rng = np.random.default_rng(8)
    for dt in (torch.float32, torch.float64):
        base = torch.from_numpy(rng.standard_normal(3000) * 5).to(dt)
        for x0 in (base, base[::3]):
            d = torch.from_numpy(np.asarray(K.kernel_for(name).grad(x0.numpy())))
            g = torch.from_numpy(rng.standard_normal(x0.shape[0])).to(dt)
            x = x0.clone().requires_grad_() if x0.is_contiguous() else x0.requires_grad_()
            (gx,) = torch.autograd.grad(getattr(st, name)(x), x, g)
            assert torch.equal(gx, g * d), name
            (gx,) = torch.autograd.grad(getattr(st, name)(x).sum(), x)
            assert torch.equal(gx, d), name
            x0.requires_grad_(False)


def test_outputs_keep_the_layout_of_x_as_torch_ops_do():
    """A transposed or channels-last x gives an output (and a gradient) laid out like x, as
    PyTorch's own elementwise ops do, with the values of the contiguous call."""
    x = torch.randn(2, 3, 5, 7, dtype=torch.float64) * 3
    for xt in (x.transpose(1, 3), x.contiguous(memory_format=torch.channels_last)):
        for name in ("relu", "mish", "elu"):
            ref = getattr(F, name)(xt)
            xg = xt.detach().clone(memory_format=torch.preserve_format).requires_grad_()
            y = getattr(st, name)(xg)
            assert y.stride() == ref.stride() and torch.equal(y, getattr(st, name)(
                xt.contiguous())), name
            (gx,) = torch.autograd.grad(y, xg, torch.ones_like(y))
            want = getattr(st, name)  # the gradient of the contiguous call, re-laid
            xc = xt.contiguous().requires_grad_()
            (gc,) = torch.autograd.grad(want(xc), xc, torch.ones_like(xc))
            assert torch.equal(gx, gc), name


def _mp_functions():
    """The activations written by hand for mpmath (an independent reference)."""
    import mpmath as m

    return {
        "mish": lambda x: x * m.tanh(m.log1p(m.exp(x))),
        "gelu": lambda x: x * m.ncdf(x),
        "softplus": lambda x: m.log1p(m.exp(x)),
        "silu": lambda x: x / (1 + m.exp(-x)),
        "tanh": m.tanh,
        "gelu_tanh": lambda x: x / 2 * (1 + m.tanh(m.sqrt(2 / m.pi) * (x + 0.044715 * x**3))),
    }


def _mp_diff(fn, at, order):
    import mpmath

    with mpmath.workdps(40):
        return float(mpmath.diff(fn, mpmath.mpf(at), order))


@pytest.mark.parametrize("name", ["mish", "gelu", "softplus", "silu", "tanh", "gelu_tanh"])
def test_torch_func_derivatives_to_any_order_are_closed_form(name):
    """torch.func.grad of grad of grad: the engine's 2nd and 3rd derivatives (x = 0 included,
    where autograd through the stable forms' |x| would be wrong), against mpmath.diff."""
    ref = _mp_functions()[name]
    xs = [-6.0, -1.5, -0.3, 0.0, 0.4, 2.0, 7.0]
    x = torch.tensor(xs, dtype=torch.float64)
    fn = getattr(st, name)
    d1 = torch.func.grad(lambda v: fn(v).sum())
    d2 = torch.func.grad(lambda v: d1(v).sum())
    d3 = torch.func.grad(lambda v: d2(v).sum())
    for order, d in ((1, d1), (2, d2), (3, d3)):
        got = d(x)
        want = torch.tensor([_mp_diff(ref, v, order) for v in xs], dtype=torch.float64)
        torch.testing.assert_close(got, want, rtol=1e-11, atol=1e-14, msg=f"{name} order {order}")
    h = torch.func.hessian(lambda v: fn(v).sum())(x)
    torch.testing.assert_close(h.diagonal(), d2(x), rtol=1e-14, atol=0)
    assert torch.count_nonzero(h - torch.diag(h.diagonal())) == 0


def test_torch_func_parameter_derivatives_jvp_and_vmap():
    import mpmath

    xs = [-4.0, -0.5, 0.0, 1.5, 6.0]
    x = torch.tensor(xs, dtype=torch.float64)
    b = torch.tensor(1.5, dtype=torch.float64)
    db = torch.func.grad(lambda bb: st.swish(x, beta=bb).sum())(b)
    def swish_of_beta(v):
        return lambda bb: v / (1 + mpmath.exp(-bb * v))

    want = sum(_mp_diff(swish_of_beta(v), 1.5, 1) for v in xs)
    assert abs(float(db) - want) < 1e-12 * abs(want)
    dbb = torch.func.grad(torch.func.grad(lambda bb: st.swish(x, beta=bb).sum()))(b)
    want2 = sum(_mp_diff(swish_of_beta(v), 1.5, 2) for v in xs)
    assert abs(float(dbb) - want2) < 1e-11 * abs(want2)
    _, tan = torch.func.jvp(st.mish, (x,), (torch.ones_like(x),))
    xr = x.clone().requires_grad_()
    (g,) = torch.autograd.grad(st.mish(xr).sum(), xr)
    torch.testing.assert_close(tan, g, rtol=1e-14, atol=0)
    grad_mish = torch.func.grad(lambda v: st.mish(v).sum())
    batch = torch.stack([x, -x])
    torch.testing.assert_close(torch.vmap(grad_mish)(batch)[1], grad_mish(-x), rtol=0, atol=0)
    gv = torch.func.grad(lambda v: torch.vmap(st.mish)(v).sum())(batch)
    torch.testing.assert_close(gv[0], g, rtol=1e-14, atol=0)
