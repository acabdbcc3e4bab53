"""Runtime helpers of the generated PyTorch kernels (``generated/symacts_torch.py``).

A normal module (linted, and tested where PyTorch is installed); the generator copies its
source, from the imports on, into the generated module. Each helper is the PyTorch spelling of
an IR node or prelude helper of :mod:`symacts.emit.prelude`, with the same semantics: σ and
softplus on t = e^{−|u|}, the decaying product, NaN in → x's own NaN for selects and steps.
Everything is a pure function of tensors (x and the parameters, 0-d for numbers).
"""

import math

import torch


def _t(v, like):
    """v as a tensor of like's dtype and device (tensors pass)."""
    if isinstance(v, torch.Tensor):
        return v
    return torch.full((), v, dtype=like.dtype, device=like.device)


def _like(a, b):
    return a if isinstance(a, torch.Tensor) else b


def _bcast(x, *ps):
    """x expanded to the broadcast shape of x and the parameters (a view)."""
    shape = torch.broadcast_shapes(x.shape, *[p.shape for p in ps])
    return x if shape == x.shape else x.expand(shape)


def _true(x):
    return torch.ones_like(x, dtype=torch.bool)


def _copy(x):
    return x.clone()


def _where(m, a, b):
    ref = _like(a, b)
    return torch.where(m, _t(a, ref), _t(b, ref))


def _nan_in(x, r):
    """r with x's own NaN where x is NaN."""
    return torch.where(torch.isnan(x), x, r)


def _full(x, c):
    """A constant (or a function of the parameters) at x's shape, NaN where x is NaN."""
    return torch.where(torch.isnan(x), x, _t(c, x))


def _step(m, x):
    """[m] as 0/1 in x's dtype, x's own NaN where x is NaN."""
    return torch.where(torch.isnan(x), x, m.to(x.dtype))


def _select2(m, a, b, x):
    """[m] ? a : b (a, b free of x), x's own NaN where x is NaN."""
    return torch.where(torch.isnan(x), x, torch.where(m, _t(a, x), _t(b, x)))


def _masked(v, m, x):
    """v·[m] in x's dtype."""
    return v * m.to(x.dtype)


def _max(a, b):
    ref = _like(a, b)
    return torch.maximum(_t(a, ref), _t(b, ref))


def _min(a, b):
    ref = _like(a, b)
    return torch.minimum(_t(a, ref), _t(b, ref))


def _clip(a, lo, hi):
    """min(max(a, lo), hi)."""
    if isinstance(lo, torch.Tensor) or isinstance(hi, torch.Tensor):
        return torch.minimum(torch.maximum(a, _t(lo, a)), _t(hi, a))
    return torch.clamp(a, lo, hi)


def _k(x, c64, c32):
    """A kink's threshold in x's dtype: the float on the right side of the exact value."""
    return c32 if x.dtype == torch.float32 else c64


def _sq(v):
    """v² as v·v."""
    return v * v


def _ipow(v, n):
    """vⁿ for an integer n ≥ 3 by multiplication."""
    r = v * v
    for _ in range(n - 2):
        r = r * v
    return r


def _pow(b, k):
    return torch.pow(b, k)


def _cbrt(v):
    return torch.sign(v) * torch.pow(torch.abs(v), 1.0 / 3.0)


def _ndtr(u):
    """Φ(u) = erfc(−u/√2)/2 (torch.special.ndtr loses the lower tail: 0 at u = −7 in
    float32); float32 in float64 where the device has it, so u/√2 rounds no error into the
    tail."""
    if u.dtype == torch.float32 and u.device.type in ("cpu", "cuda"):
        return (0.5 * torch.special.erfc(u.double() * -0.7071067811865476)).float()
    return 0.5 * torch.special.erfc(u * -0.7071067811865476)


def _hypot(a, b):
    ref = _like(a, b)
    return torch.hypot(_t(a, ref), _t(b, ref))


def _sigmoid_t(u, t):
    """σ(u) from t = e^{−|u|}: 1/(1 + t) for u ≥ 0, t/(1 + t) for u < 0."""
    return torch.where(u >= 0, torch.ones_like(t), t) / (1 + t)


def _dsigmoid_t(u, t):
    """σ'(u) = t/(1 + t)² from t = e^{−|u|}."""
    d = 1 + t
    return t / (d * d)


def _softplus_t(u, t):
    """softplus(u) = max(u, 0) + log1p(t) from t = e^{−|u|}."""
    return torch.clamp_min(u, 0) + torch.log1p(t)


def _sigmoid(u):
    return _sigmoid_t(u, torch.exp(-torch.abs(u)))


def _softplus(u):
    return _softplus_t(u, torch.exp(-torch.abs(u)))


def _dsigmoid(u):
    return _dsigmoid_t(u, torch.exp(-torch.abs(u)))


def _sech2(u):
    """sech²(u) = 4t/(1 + t)² with t = e^{−2|u|}."""
    t = torch.exp(-2 * torch.abs(u))
    d = 1 + t
    return 4 * t / (d * d)


def _dmul(a, b):
    """a·b where a decays exponentially: 0 where a underflowed, even if b is ±inf."""
    a = _t(a, _like(b, a))
    return torch.where(a == 0, a, a * b)


def _atinf(r, x, at_pos, at_neg):
    """The limits at x = ±inf where the stable form alone gives ∞/∞ or ∞·0."""
    if at_pos is not None:
        r = torch.where(x == math.inf, _t(at_pos, r), r)
    if at_neg is not None:
        r = torch.where(x == -math.inf, _t(at_neg, r), r)
    return r
