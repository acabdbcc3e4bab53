"""PyTorch's version of each activation it has: forward, forward + autograd, ``aten`` backward.

Parameters are the catalog defaults. ``bwd(g, x, y)`` calls PyTorch's own backward kernel with
the upstream gradient ``g`` (ones), the input ``x`` and, where the kernel takes it, the forward
output ``y`` or ``log_sigmoid``'s buffer (computed once by :meth:`TorchOp.backward`, outside the
timing) — exactly what autograd runs after the forward.
``softsign`` and ``tanhshrink`` are composite in PyTorch (no backward kernel of their own).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from symacts.functions import SELU_ALPHA, SELU_SCALE


@dataclass(frozen=True)
class TorchOp:
    """One PyTorch activation: ``fwd(x)`` and, if it has one, ``bwd(grad, x, y)``."""

    name: str
    fwd: Callable[[Any], Any]
    bwd: Callable[[Any, Any, Any], Any] | None
    call: str
    extra: Callable[[Any], Any] | None = None

    def backward(self, g: Any, x: Any) -> Callable[[], Any]:
        """A no-argument call of the backward kernel, its extra input computed now."""
        if self.bwd is None:
            raise ValueError(f"{self.name} has no PyTorch backward kernel")
        bwd = self.bwd
        y = (self.extra or self.fwd)(x)
        return lambda: bwd(g, x, y)


def torch_ops(torch: Any, dtype: Any) -> dict[str, TorchOp]:
    """symacts name -> :class:`TorchOp` for every activation ``torch.nn.functional`` has."""
    F = torch.nn.functional
    A = torch.ops.aten
    alpha, scale = float(SELU_ALPHA), float(SELU_SCALE)
    w = torch.tensor([0.25], dtype=dtype)
    lo, hi = 1 / 8, 1 / 3
    noise = torch.empty(0, dtype=dtype)

    ops = [
        TorchOp("relu", F.relu, lambda g, x, y: A.threshold_backward(g, y, 0),
                "F.relu / threshold_backward(g, y, 0)"),
        TorchOp("relu6", F.relu6, lambda g, x, y: A.hardtanh_backward(g, x, 0.0, 6.0),
                "F.relu6 / hardtanh_backward(g, x, 0, 6)"),
        TorchOp("leaky_relu", lambda x: F.leaky_relu(x, 0.01),
                lambda g, x, y: A.leaky_relu_backward(g, x, 0.01, False),
                "F.leaky_relu(x, 0.01) / leaky_relu_backward"),
        TorchOp("prelu", lambda x: F.prelu(x, w),
                lambda g, x, y: A._prelu_kernel_backward(g, x, w)[0],
                "F.prelu(x, [0.25]) / _prelu_kernel_backward"),
        TorchOp("rrelu", lambda x: F.rrelu(x, lo, hi, training=False),
                lambda g, x, y: A.rrelu_with_noise_backward(g, x, noise, lo, hi, False, False),
                "F.rrelu(x, 1/8, 1/3, training=False) / rrelu_with_noise_backward"),
        TorchOp("elu", lambda x: F.elu(x, 1.0),
                lambda g, x, y: A.elu_backward(g, 1.0, 1, 1, False, x),
                "F.elu / elu_backward"),
        TorchOp("selu", F.selu,
                lambda g, x, y: A.elu_backward(g, alpha, scale, 1, False, x),
                "F.selu / elu_backward(g, α, λ, 1, False, x)"),
        TorchOp("celu", lambda x: F.celu(x, 1.0),
                lambda g, x, y: A.elu_backward(g, 1.0, 1, 1.0, False, x),
                "F.celu / elu_backward(g, α, 1, 1/α, False, x)"),
        TorchOp("gelu", F.gelu, lambda g, x, y: A.gelu_backward(g, x),
                "F.gelu / gelu_backward"),
        TorchOp("gelu_tanh", lambda x: F.gelu(x, approximate="tanh"),
                lambda g, x, y: A.gelu_backward(g, x, approximate="tanh"),
                "F.gelu(approximate='tanh') / gelu_backward"),
        TorchOp("sigmoid", torch.sigmoid, lambda g, x, y: A.sigmoid_backward(g, y),
                "torch.sigmoid / sigmoid_backward(g, y)"),
        TorchOp("tanh", torch.tanh, lambda g, x, y: A.tanh_backward(g, y),
                "torch.tanh / tanh_backward(g, y)"),
        TorchOp("silu", F.silu, lambda g, x, y: A.silu_backward(g, x),
                "F.silu / silu_backward"),
        TorchOp("mish", F.mish, lambda g, x, y: A.mish_backward(g, x),
                "F.mish / mish_backward"),
        TorchOp("softplus", lambda x: F.softplus(x, 1.0, 20.0),
                lambda g, x, y: A.softplus_backward(g, x, 1.0, 20.0),
                "F.softplus(x, 1, 20) / softplus_backward"),
        TorchOp("logsigmoid", F.logsigmoid, lambda g, x, buf: A.log_sigmoid_backward(g, x, buf),
                "F.logsigmoid / log_sigmoid_backward (buffer precomputed)",
                extra=lambda x: A.log_sigmoid_forward(x)[1]),
        TorchOp("hardtanh", lambda x: F.hardtanh(x, -1.0, 1.0),
                lambda g, x, y: A.hardtanh_backward(g, x, -1.0, 1.0),
                "F.hardtanh / hardtanh_backward"),
        TorchOp("hardsigmoid", F.hardsigmoid, lambda g, x, y: A.hardsigmoid_backward(g, x),
                "F.hardsigmoid / hardsigmoid_backward"),
        TorchOp("hardswish", F.hardswish, lambda g, x, y: A.hardswish_backward(g, x),
                "F.hardswish / hardswish_backward"),
        TorchOp("hardshrink", lambda x: F.hardshrink(x, 0.5),
                lambda g, x, y: A.hardshrink_backward(g, x, 0.5),
                "F.hardshrink / hardshrink_backward"),
        TorchOp("softshrink", lambda x: F.softshrink(x, 0.5),
                lambda g, x, y: A.softshrink_backward(g, x, 0.5),
                "F.softshrink / softshrink_backward"),
        TorchOp("softsign", F.softsign, None, "F.softsign (composite, no backward kernel)"),
        TorchOp("tanhshrink", F.tanhshrink, None, "F.tanhshrink (composite, no backward kernel)"),
        TorchOp("threshold", lambda x: F.threshold(x, 0.0, 0.0),
                lambda g, x, y: A.threshold_backward(g, x, 0.0),
                "F.threshold(x, 0, 0) / threshold_backward"),
    ]
    return {op.name: op for op in ops}


def load_torch() -> Any | None:
    """``torch`` if importable, else None."""
    try:
        import torch
    except ImportError:
        return None
    return torch
