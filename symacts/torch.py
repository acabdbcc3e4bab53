"""symacts activations as PyTorch operators: closed-form, stable f' and ∂f/∂p in autograd.

    import symacts.torch as st
    y = st.mish(x)                                  # every catalog name and alias
    y = st.swish(x, beta=torch.tensor(1.5, requires_grad=True))
    layer = st.module("swish", learn=("beta",))     # beta is an nn.Parameter
    fn = st.function(symacts.define("my", "x*tanh(softplus(b*x))", params={"b": 1}))

Each activation is a ``torch.library.custom_op`` with ``register_autograd`` and
``register_fake`` (``torch.compile(fullgraph=True)`` traces it). Inside torch.func's grad, vjp,
jvp, jacrev or hessian it is an ``autograd.Function`` over the printed torch code whose
derivatives are the engine's next partial derivatives, closed form to any order (printed
when first needed: SymPy, about a second each). Plain CPU tensors with number
parameters, outside torch.compile and torch.func, take a plain ``autograd.Function`` over the
same kernels (the custom op's dispatch costs as much as a kernel on 1e6 elements). When a
gradient with respect to x will be needed, the forward computes f and f' together and saves f'
alone; backward is grad·f'. ∂f/∂p is computed in backward (x is then saved too) and summed over
the dimensions the parameter was broadcast along. CPU float32/float64 tensors run the kernels
of :mod:`symacts.kernels` on the tensors' memory (no copies), on PyTorch's own threads;
other devices and dtypes run the
PyTorch code printed from the same kernel plans (``generated/symacts_torch.py``; float16 and
bfloat16 are computed in float32). Kinks take PyTorch's backward values.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable
from typing import Any

try:
    import torch
except ImportError as exc:  # pragma: no cover - exercised only without torch
    raise ImportError("symacts.torch needs PyTorch: pip install 'symacts[torch]'") from exc

import numpy as np

from . import kernels as _kernels
from .emit import frameworks as _fw
from .errors import SymactsError
from .kernels import compiled as _compiled
from .kernels.compiled import raw_ufunc, use_openmp_threads

# the kernels split their loops over PyTorch's OpenMP threads (a pool of their own would wait
# for cores that PyTorch's spinning threads hold)
use_openmp_threads()

__all__ = ["InputTypeError", "function", "module", "names"]

InputTypeError = _fw.InputTypeError

_GEN = _fw.load_generated("symacts_torch.py")

_FAST = (torch.float32, torch.float64)
_LOCK = threading.Lock()
_BY_NAME: dict[str, Callable] = {}
_COUNTER = itertools.count()


def names() -> list[str]:
    """Canonical names of the catalog activations (every alias works too)."""
    return sorted(_GEN.KERNELS)


# ---- evaluation ----------------------------------------------------------------------------
def _sum_to(t: torch.Tensor, shape: torch.Size) -> torch.Tensor:
    """t summed over the dimensions broadcast to reach its shape from ``shape``."""
    if t.shape == shape:
        return t
    if len(shape) == 0:
        return t.sum()
    return t.sum_to_size(shape)


class _Direct:
    """The compiled ufuncs of one activation (number parameters) called on tensor memory:
    outputs from torch's allocator, loops split over PyTorch's threads."""

    __slots__ = ("derivs", "f", "keeps_x", "name", "order", "set_threads", "vg", "vjp")

    def __init__(self, name: str, raw, vg, free: list[str]):
        self.name = name
        self.f, self.vg, self.vjp, self.set_threads = raw.ufunc, vg, raw.vjp, raw.set_threads
        self.derivs = raw.derivs  # "x" or a parameter -> the ufunc of that derivative
        self.order = [free.index(n) for n in raw.params]
        #: backward keeps x and computes g·f'(x) in one pass (f' piecewise rational), else f'
        self.keeps_x = raw.backward == "x"

    def params(self, vals) -> tuple:
        """The parameter values (in the order of the free parameters) in the ufuncs' order."""
        return tuple(float(vals[i]) for i in self.order)

    def _run(self, uf, x: torch.Tensor, args: tuple, out) -> None:
        """uf(*args, out=out), its loop split over PyTorch's thread count."""
        nt = torch.get_num_threads()
        nt = 1 if nt < 2 else max(1, min(nt, x.numel() // _compiled.GRAIN))
        if nt == 1:
            uf(*args, out=out)
            return
        prev = self.set_threads(nt)
        try:
            uf(*args, out=out)
        finally:
            self.set_threads(prev)

    # (empty_like and numpy(force=True): a quarter of the time of empty(shape, dtype=) and
    # detach().numpy(), ~6 µs a call on this VM)
    def call(self, uf, x: torch.Tensor, ps: tuple, *more: torch.Tensor) -> torch.Tensor:
        """uf(x, *ps, *more) into a new tensor (x's layout)."""
        out = torch.empty_like(x)
        self._run(uf, x, (x.numpy(force=True), *ps, *[m.numpy() for m in more]), out.numpy())
        return out

    def call2(self, uf, x: torch.Tensor, ps: tuple) -> tuple[torch.Tensor, torch.Tensor]:
        """(f, f') = uf(x, *ps) into two new tensors (x's layout)."""
        f, d = torch.empty_like(x), torch.empty_like(x)
        self._run(uf, x, (x.numpy(force=True), *ps), (f.numpy(), d.numpy()))
        return f, d

    def grad_times(self, x: torch.Tensor, ps: tuple, g: torch.Tensor) -> torch.Tensor:
        """g·f'(x): one fused pass for a plain g of x's dtype and shape."""
        if g.dtype == x.dtype and g.shape == x.shape and type(g) is torch.Tensor and g.is_cpu:
            return self.call(self.vjp, x, ps, g)
        return g * self.call2(self.vg, x, ps)[1]


class _Kernels:
    """How one activation is evaluated: NumPy kernels (CPU float32/float64) or printed torch."""

    def __init__(self, spec: _fw.Spec, numpy_kernel: Callable[[], Any]):
        self.spec = spec
        self._numpy_kernel = numpy_kernel
        self._np = None
        self._raw: Any = None

    def direct(self) -> _Direct | None:
        """The compiled ufuncs to call on tensor memory, or None (NumPy backend, bound
        parameters, kernels with fallbacks): then the Python front serves."""
        if self._raw is None:
            k = self.numpy()
            f, vg = raw_ufunc(k.f), raw_ufunc(k.value_and_grad)
            free = [p.name for p in self.spec.free]
            ok = (f is not None and vg is not None and not self.spec.fixed
                  and sorted(f.params) == sorted(free))
            self._raw = _Direct(self.spec.name, f, vg.ufunc, free) if ok else False
        return self._raw or None

    def numpy(self):
        if self._np is None:
            self._np = self._numpy_kernel()
        return self._np

    def check(self, vals: list) -> None:
        """Parameters given as tensors: domain and rules, checked on their values."""
        spec = self.spec
        named = dict(spec.fixed)
        tensors = False
        for p, v in zip(spec.free, vals, strict=True):
            if isinstance(v, torch.Tensor):
                tensors = True
                if v.device.type == "cpu" and v.dtype in _FAST:  # (NumPy: ~1 µs, not ~30)
                    v = v.detach().numpy(force=True)
                    ok = bool((np.isfinite(v) & _fw.in_domain(p.domain, v)).all())
                else:
                    ok = bool((torch.isfinite(v) & _fw.in_domain(p.domain, v)).all())
                _fw.check_values(spec, p, ok)
            named[p.name] = v
        if tensors:
            _fw.check_rules(spec, named, all_of=lambda b: bool(torch.as_tensor(b).all()))

    def run(self, kind: str, x: torch.Tensor, vals: list, which: str | None = None,
            checked: bool = False):
        """kind: "f", "vg" (f, f') or "d" (f' for which="x", else ∂f/∂which); ``checked``:
        the parameters' values were checked by the forward this call belongs to."""
        if not checked:
            self.check(vals)
        spec = self.spec
        if x.device.type == "cpu" and x.dtype in _FAST:
            return self._run_numpy(kind, x, vals, which)
        ct = x.dtype if x.dtype in _FAST else torch.float32
        xc = x.to(ct)
        ps = {n: torch.full((), v, dtype=ct, device=x.device) for n, v in spec.fixed.items()}
        for p, v in zip(spec.free, vals, strict=True):
            ps[p.name] = (v.to(device=x.device, dtype=ct) if isinstance(v, torch.Tensor)
                          else torch.full((), v, dtype=ct, device=x.device))
        args = [ps[p.name] for p in spec.params]
        e = spec.entry
        if kind == "f":
            outs = (e["f"](xc, *args),)
        elif kind == "vg":
            outs = e["vg"](xc, *args)
        else:
            outs = ((e["df"] if which == "x" else e["dp"][which])(xc, *args),)
        outs = tuple(o.to(x.dtype).contiguous() for o in outs)
        return outs[0] if kind != "vg" else outs

    def _run_numpy(self, kind, x, vals, which):
        # a 0-d parameter (a learned scalar) is a number to the kernels: the same bits as its
        # value in x's dtype, and the direct ufunc call
        vals = [float(v) if isinstance(v, torch.Tensor) and v.dim() == 0 else v for v in vals]
        d = self.direct()
        uf = None if d is None else (d.vg if kind == "vg" else d.f if kind == "f"
                                     else d.derivs.get(which))
        if uf is not None and not any(isinstance(v, torch.Tensor) for v in vals):
            ps = d.params(vals)
            return d.call2(uf, x, ps) if kind == "vg" else d.call(uf, x, ps)
        k = self.numpy()
        kw = dict(self.spec.fixed)
        for p, v in zip(self.spec.free, vals, strict=True):
            kw[p.name] = (v.detach().to(device="cpu", dtype=x.dtype).numpy()
                          if isinstance(v, torch.Tensor) else v)
        xn = x.detach().numpy()
        threads = torch.get_num_threads()
        # outputs allocated by torch (they are returned as tensors), written in place by the
        # kernels
        shape = np.broadcast_shapes(xn.shape, *[np.shape(v) for v in kw.values()])
        if kind == "vg":
            f, d = torch.empty(shape, dtype=x.dtype), torch.empty(shape, dtype=x.dtype)
            k.value_and_grad(xn, **kw, threads=threads, out=(f.numpy(), d.numpy()))
            return f, d
        out = torch.empty(shape, dtype=x.dtype)
        if kind == "f":
            k.f(xn, **kw, threads=threads, out=out.numpy())
        else:
            k.grad(xn, **kw, wrt=which, threads=threads, out=out.numpy())
        return out


# ---- operators -----------------------------------------------------------------------------
class _Operator:
    """The custom ops of one activation (f; f with f'; one derivative) and their autograd."""

    def __init__(self, spec: _fw.Spec, kernels: _Kernels, qualname: str):
        self.spec = spec
        self.kernels = kernels
        self.tower = _Tower(spec)
        self.n = len(spec.free)
        args = "".join(f", Tensor? t{i}, float f{i}" for i in range(self.n))
        pn = self.n

        def vals(args):
            return [args[2 * i] if args[2 * i] is not None else args[2 * i + 1]
                    for i in range(pn)]

        self.vals = vals

        def shape(x, args):
            return torch.broadcast_shapes(
                x.shape, *[a.shape for a in args[0::2] if a is not None])

        lib = torch.library
        self.f = lib.custom_op(f"{qualname}", lambda x, *a: kernels.run("f", x, vals(a)),
                               mutates_args=(), schema=f"(Tensor x{args}) -> Tensor")
        self.vg = lib.custom_op(f"{qualname}_vg",
                                lambda x, *a: kernels.run("vg", x, vals(a)), mutates_args=(),
                                schema=f"(Tensor x{args}) -> (Tensor, Tensor)")
        wrt = ["x", *[p.name for p in spec.free]]
        self.wrt = wrt
        self.d = lib.custom_op(f"{qualname}_d",
                               lambda x, k, *a: kernels.run("d", x, vals(a), wrt[k]),
                               mutates_args=(), schema=f"(Tensor x, int k{args}) -> Tensor")
        self.f.register_fake(lambda x, *a: x.new_empty(shape(x, a)))
        self.vg.register_fake(lambda x, *a: (x.new_empty(shape(x, a)),
                                             x.new_empty(shape(x, a))))
        self.d.register_fake(lambda x, k, *a: x.new_empty(shape(x, a)))
        self.vg.register_autograd(self._backward_vg, setup_context=self._setup_vg)
        self.f.register_autograd(self._backward_f, setup_context=self._setup_f)
        self.f.register_vmap(lambda info, dims, x, *a: (self.f(*_batched(x, a, dims)), 0))
        self.vg.register_vmap(lambda info, dims, x, *a: (self.vg(*_batched(x, a, dims)),
                                                         (0, 0)))
        self.d.register_vmap(lambda info, dims, x, k, *a: (
            self.d(*_batched(x, a, (dims[0], *dims[2:]), k)), 0))

    # f and f' together: f' saved (x too only when a parameter needs its gradient)
    def _setup_vg(self, ctx, inputs, output):
        x, *args = inputs
        ctx.mark_non_differentiable(output[1])
        ctx.set_materialize_grads(False)  # (no zeros made for f' whose gradient is never used)
        self._setup(ctx, x, args, output[1])

    def _setup_f(self, ctx, inputs, output):
        x, *args = inputs
        self._setup(ctx, x, args, None)

    def _setup(self, ctx, x, args, df):
        tp = args[0::2]
        ctx.args = [None if a is not None and i % 2 == 0 else a for i, a in enumerate(args)]
        ctx.pmask = [t is not None and t.requires_grad for t in tp]
        ctx.tmask = [t is not None for t in tp]
        ctx.x_shape = x.shape
        ctx.has_df = df is not None
        keep = ([df] if df is not None else [])
        if any(ctx.pmask) or df is None:
            keep += [x, *[t for t in tp if t is not None]]
        ctx.save_for_backward(*keep)

    def _backward_vg(self, ctx, gf, gdf):
        return self._backward(ctx, gf)

    def _backward_f(self, ctx, gf):
        return self._backward(ctx, gf)

    def eager_d(self, x, k, *args):
        """The derivative op's kernel, called without the op (eager CPU calls)."""
        return self.kernels.run("d", x, self.vals(args), self.wrt[k], checked=True)

    def _backward(self, ctx, gf, d=None):
        """The gradients of (x, t0, f0, t1, f1, …); d(x, k, *args): the derivative's op."""
        d = d or self.d
        if torch.is_grad_enabled():
            raise _no_second_derivative(self.spec.name)
        if gf is None:  # (f' only, whose gradient is not taken: nothing flows back)
            return (None,) * (1 + 2 * self.n)
        saved = list(ctx.saved_tensors)
        df = saved.pop(0) if ctx.has_df else None
        args = list(ctx.args)
        if saved:
            x = saved.pop(0)
            for i, has in enumerate(ctx.tmask):
                if has:
                    args[2 * i] = saved.pop(0)
        grads: list = [None] * (1 + 2 * self.n)
        if ctx.needs_input_grad[0]:
            if df is None:
                df = d(x, 0, *args)
            grads[0] = _sum_to(gf * df, ctx.x_shape)
        for i, need in enumerate(ctx.pmask):
            if need:
                t = args[2 * i]
                dp = d(x, i + 1, *args)
                grads[1 + 2 * i] = _sum_to(gf * dp, t.shape).to(device=t.device,
                                                                   dtype=t.dtype)
        return tuple(grads)


def _batched(x, args, dims, k=None) -> list:
    """Arguments of an elementwise op under torch.vmap: every batched tensor with its batch
    dimension first, all aligned so that broadcasting keeps the batch dimension in front."""
    tensors = [(x, dims[0])] + [(a, d) for a, d in zip(args[0::2], dims[1::2], strict=True)]
    rank = max(t.dim() - (d is not None) for t, d in tensors if t is not None)
    out = []
    for t, d in tensors:
        if t is None:
            out.append(None)
            continue
        t = t.movedim(d, 0) if d is not None else t.unsqueeze(0)
        out.append(t.reshape(t.shape[0], *([1] * (rank + 1 - t.dim())), *t.shape[1:]))
    res = [out[0]] if k is None else [out[0], k]
    for t, f in zip(out[1:], args[1::2], strict=True):
        res += [t, f]
    return res


# ---- eager CPU calls -----------------------------------------------------------------------
def _eager(x: torch.Tensor) -> bool:
    """A plain CPU float32/float64 tensor outside torch.compile and torch.func transforms:
    the kernels run through a plain autograd.Function (a custom op's dispatch costs ~0.3 ms
    a call, as much as the kernel on 1e6 elements); everything else takes the custom ops."""
    return type(x) is torch.Tensor and x.is_cpu and x.dtype in _FAST and _plain()


_is_compiling = torch.compiler.is_compiling
_peek = torch._C._functorch.peek_interpreter_stack


def _plain() -> bool:
    """Outside torch.compile and torch.func transforms."""
    return not _is_compiling() and _peek() is None


def _no_second_derivative(name: str):
    return SymactsError(
        f"symacts.torch.{name}: backward with create_graph=True is not available from the "
        "fused kernels; torch.func (grad, jacrev, hessian, jvp) differentiates symacts.torch "
        "functions to any order with closed-form derivatives, and "
        "symacts.get(name).derivative(order=2) gives the formula")


class _DirectX(torch.autograd.Function):
    """f alone, x saved; backward g·f'(x) in one fused pass (for derivatives that cost less to
    recompute than to store and reload: piecewise rational ones)."""

    @staticmethod
    def forward(ctx, x, d, ps):
        ctx.save_for_backward(x)
        ctx.d, ctx.ps = d, ps
        return d.call(d.f, x, ps)

    @staticmethod
    def backward(ctx, gf):
        if torch.is_grad_enabled():
            raise _no_second_derivative(ctx.d.name)
        (x,) = ctx.saved_tensors
        return ctx.d.grad_times(x, ctx.ps, gf), None, None


class _EagerParams(torch.autograd.Function):
    """f with tensor parameters on CPU float tensors: the custom ops' autograd (f' saved, x
    and the parameters too when one needs its gradient) without their dispatch (~0.3 ms a
    call)."""

    @staticmethod
    def forward(ctx, x, op, *args):
        if ctx.needs_input_grad[0]:
            f, df = op.kernels.run("vg", x, op.vals(args))
        else:  # (a parameter's gradient alone: x and the parameters saved)
            f, df = op.kernels.run("f", x, op.vals(args)), None
        op._setup(ctx, x, list(args), df)
        ctx.op = op
        return f

    @staticmethod
    def backward(ctx, gf):
        gx, *rest = ctx.op._backward(ctx, gf, ctx.op.eager_d)
        return (gx, None, *rest)


class _SavedDerivative(torch.autograd.Function):
    """f with f' computed in the same pass by ``vg(x)`` and saved alone; backward g·f'."""

    @staticmethod
    def forward(ctx, x, vg, name):
        f, df = vg(x)
        ctx.save_for_backward(df)
        ctx.name = name
        return f

    @staticmethod
    def backward(ctx, gf):
        if torch.is_grad_enabled():
            raise _no_second_derivative(ctx.name)
        (df,) = ctx.saved_tensors
        return gf * df, None, None


def _compile_derivative(act, alpha: tuple):
    from .emit.torch_printer import compile_derivative

    return compile_derivative(act, alpha)


class _Tower(_fw.Partials):
    """The partial derivatives F_α of one activation as printed torch code, each with its
    autograd.Function (:func:`_partial_function`)."""

    def __init__(self, spec: _fw.Spec):
        super().__init__(spec, _compile_derivative)
        self.names = tuple(p.name for p in spec.params)
        self.functions: dict[tuple, type] = {}

    def apply(self, x: torch.Tensor, vals: list) -> torch.Tensor:
        """f(x) through the Function of F_0 (numbers or tensors as the free parameters)."""
        spec = self.spec
        ct = x.dtype if x.dtype in _FAST else torch.float32
        named = dict(spec.fixed)
        named.update({p.name: v for p, v in zip(spec.free, vals, strict=True)})
        ps = [v.to(dtype=ct) if isinstance(v, torch.Tensor)
              else torch.full((), float(v), dtype=ct, device=x.device)
              for v in (named[n] for n in self.names)]
        return self.partial(self.unit(None)).apply(x.to(ct), *ps).to(x.dtype)

    def partial(self, alpha: tuple) -> type:
        """The autograd.Function of F_α (made once)."""
        with self.lock:
            fn = self.functions.get(alpha)
        if fn is None:
            fn = _partial_function(self, alpha)
            with self.lock:
                fn = self.functions.setdefault(alpha, fn)
        return fn


def _partial_function(tower: _Tower, alpha: tuple) -> type:
    """F_α(x, *params) of a :class:`_Tower` as an autograd.Function for torch.func's grad,
    vjp, jvp, jacrev and hessian: its derivatives are the next partials F_{α+e_j}, each closed
    form and itself such a Function, so every order sees the engine's derivatives (kinks and
    limits included)."""

    def forward(x, *ps):
        return tower.core(alpha)(x, *ps)

    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(*inputs)
        ctx.save_for_forward(*inputs)

    def following(j: int, x, ps) -> torch.Tensor:
        beta = tuple(a + (i == j) for i, a in enumerate(alpha))
        return tower.partial(beta).apply(x, *ps)

    def backward(ctx, g):
        x, *ps = ctx.saved_tensors
        return tuple(_sum_to(g * following(j, x, ps), t.shape) if ctx.needs_input_grad[j]
                     else None for j, t in enumerate((x, *ps)))

    def jvp(ctx, *tangents):
        x, *ps = ctx.saved_tensors
        out = None
        for j, t in enumerate(tangents):
            if t is not None:
                term = following(j, x, ps) * t
                out = term if out is None else out + term
        return torch.zeros_like(x) if out is None else out

    name = f"{tower.spec.name}_d{''.join(map(str, alpha))}"
    return type(name, (torch.autograd.Function,), {
        "generate_vmap_rule": True, "forward": staticmethod(forward),
        "setup_context": staticmethod(setup_context), "backward": staticmethod(backward),
        "jvp": staticmethod(jvp), "__doc__": f"F_{alpha} of {tower.spec.name}"})


def _in_grad_transform() -> bool:
    """Inside torch.func.grad, vjp, jvp, jacrev, hessian (a transform other than vmap; not
    while torch.compile traces, which takes the custom ops)."""
    if _is_compiling() or _peek() is None:
        return False
    return any(i.key() != _VMAP for i in torch._C._functorch.get_interpreter_stack())


_VMAP = torch._C._functorch.TransformType.Vmap


def _eager_grad(op: _Operator, x: torch.Tensor, vals: list) -> torch.Tensor:
    """f of an eager call that needs f' (number parameters), with its autograd node."""
    d = op.kernels.direct()
    if d is None:  # the Python front (NumPy backend, bound parameters, fallbacks)
        return _SavedDerivative.apply(
            x, lambda v: op.kernels._run_numpy("vg", v, list(vals), None), op.spec.name)
    ps = d.params(vals)
    if d.keeps_x:
        return _DirectX.apply(x, d, ps)
    return _SavedDerivative.apply(x, lambda v: d.call2(d.vg, v, ps), d.name)


# ---- public functions ----------------------------------------------------------------------
def _checked_defaults(spec: _fw.Spec) -> list | None:
    """The default parameter values, checked once, or None if a call must check its own."""
    if spec.fixed:
        return None
    try:
        vals = [_fw.check_number(spec, p, p.default) for p in spec.free]
        if spec.rules:
            _fw.check_rules(spec, {p.name: v for p, v in zip(spec.free, vals, strict=True)})
    except (SymactsError, TypeError, ValueError):
        return None
    return vals


def _make(spec: _fw.Spec, numpy_kernel: Callable[[], Any], qualname: str) -> Callable:
    o = _Operator(spec, _Kernels(spec, numpy_kernel), qualname)
    free = spec.free
    defaults = _checked_defaults(spec)

    def activation(x: torch.Tensor, *args: Any, **params: Any) -> torch.Tensor:
        if defaults is not None and not args and not params and _eager(x):
            # the common call: a plain CPU tensor, the default parameters (checked once)
            if x.requires_grad and torch.is_grad_enabled():
                return _eager_grad(o, x, defaults)
            return o.kernels._run_numpy("f", x, defaults, None)
        params = spec.named(args, params)
        if not isinstance(x, torch.Tensor):
            raise InputTypeError(f"symacts.torch.{spec.name}: x must be a torch.Tensor, "
                                 f"got {type(x).__name__}")
        if not x.is_floating_point():
            raise InputTypeError(f"symacts.torch.{spec.name}: x must be a real floating-point "
                                 f"tensor, got {x.dtype}")
        if params:
            spec.unknown(params)
        args: list = []
        numbers = dict(spec.fixed)
        need = x.requires_grad
        tensors = False
        for p in free:
            v = params.get(p.name, p.default)
            if isinstance(v, torch.Tensor):
                if not v.is_floating_point():
                    raise InputTypeError(
                        f"symacts.torch.{spec.name}: parameter {p.name!r} must be a real "
                        f"floating-point tensor, got {v.dtype}")
                args += [v, 0.0]
                need = need or v.requires_grad
                tensors = True
            else:
                v = _fw.check_number(spec, p, v)
                numbers[p.name] = v
                args += [None, v]
        if not tensors and spec.rules:
            _fw.check_rules(spec, numbers)
        grad = need and torch.is_grad_enabled() and x.requires_grad
        if not tensors and _eager(x):
            vals = args[1::2]
            if grad:
                return _eager_grad(o, x, vals)
            return o.kernels._run_numpy("f", x, vals, None)
        if tensors and _eager(x) and all(type(t) is torch.Tensor and t.is_cpu
                                         for t in args[0::2] if t is not None):
            if need and torch.is_grad_enabled():
                return _EagerParams.apply(x, o, *args)
            return o.kernels.run("f", x, o.vals(args))
        if _in_grad_transform():
            return o.tower.apply(x, [a if a is not None else f
                                     for a, f in zip(args[0::2], args[1::2], strict=True)])
        if grad:
            return o.vg(x, *args)[0]
        return o.f(x, *args)

    return _fw.named_activation(activation, spec, "symacts.torch",
                                "numbers or tensors (broadcast, with gradients)")


def _catalog(name: str) -> Callable:
    canonical = _fw.resolve(name, _GEN.KERNELS, _GEN.ALIASES)
    with _LOCK:
        fn = _BY_NAME.get(canonical)
    if fn is None:
        spec = _fw.spec_from_entry(_GEN.KERNELS[canonical])
        fn = _make(spec, lambda: _kernels.kernel_for(canonical), f"symacts::{canonical}")
        with _LOCK:
            fn = _BY_NAME.setdefault(canonical, fn)
    return fn


def function(act: Any) -> Callable:
    """``fn(x, **params)`` for any activation: a catalog name or alias, or an
    :class:`~symacts.Activation` (``symacts.get(...)``, ``.bind(...)``, ``symacts.define``).

    Catalog activations use the printed module; others are planned and printed now (SymPy,
    about a second per activation, as ``act.kernel()``).
    """
    if isinstance(act, str):
        return _catalog(act)
    if not hasattr(act, "expr") or not hasattr(act, "param_specs"):
        raise TypeError(f"function() takes an activation name or a symacts.Activation, "
                        f"got {type(act).__name__}")
    spec = _fw.spec_for(act, _GEN, _compile_plan)
    if not spec.fixed and not act.user_defined:
        return _catalog(act.name)
    tag = "".join(c if c.isalnum() else "_" for c in act.name)
    qual = f"symacts::{'b' if spec.fixed else 'u'}{next(_COUNTER)}_{tag}"
    return _make(spec, lambda: _kernels.kernel_for(act), qual)


def _compile_plan(plan):
    from .emit.torch_printer import compile_plan

    return compile_plan(plan)


class Activation(torch.nn.Module):
    """An activation as a module; the parameters listed in ``learn`` are ``nn.Parameter``s."""

    def __init__(self, fn: Callable, learn: Iterable[str], params: dict[str, Any]):
        super().__init__()
        spec = fn.spec
        self._fn = fn
        learn = tuple(learn)
        spec.unknown([*learn, *params])
        self._learn = learn
        self._fixed = {}
        for p in spec.free:
            v = params.get(p.name, p.default)
            if p.name in learn:
                t = (v.detach().clone() if isinstance(v, torch.Tensor)
                     else torch.tensor(_fw.check_number(spec, p, v),
                                       dtype=torch.get_default_dtype()))
                if not t.is_floating_point():
                    raise InputTypeError(f"{spec.name}: parameter {p.name!r} must be a real "
                                         f"floating-point tensor, got {t.dtype}")
                self.register_parameter(p.name, torch.nn.Parameter(t))
            else:
                self._fixed[p.name] = v
        self.name = spec.name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._fn(x, **self._fixed, **{n: getattr(self, n) for n in self._learn})

    def extra_repr(self) -> str:
        parts = [self.name]
        parts += [f"{k}={v:g}" if not isinstance(v, torch.Tensor) else f"{k}=tensor"
                  for k, v in self._fixed.items()]
        parts += [f"{n}=learned" for n in self._learn]
        return ", ".join(parts)


def module(act: Any, learn: Iterable[str] = (), **params: Any) -> Activation:
    """``torch.nn.Module`` applying the activation; parameters in ``learn`` are learned,
    initialised to the given or default values (a tensor value gives the parameter's shape)."""
    if isinstance(learn, str):
        learn = (learn,)
    return Activation(function(act), learn, params)


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        fn = _catalog(name)
    except _fw.UnknownActivationError as exc:
        raise _fw.UnknownNameError(str(exc)) from None
    globals()[name] = fn  # (the next lookup is a plain attribute)
    return fn


def __dir__() -> list[str]:
    return sorted({*globals(), *_GEN.KERNELS, *_GEN.ALIASES})

