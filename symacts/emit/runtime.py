"""The helper functions every generated kernel module starts with (printed verbatim).

They implement the stable primitives the printer emits: exponentials split on the sign of
their argument (σ, softplus, sech²), the decaying product, and the dtype/shape conventions.
"""

PRELUDE = r'''
import numpy as np
from scipy import special as _sc

_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)


def _arg(x):
    """Input → (array in the working dtype, dtype to return)."""
    a = np.asarray(x)
    dt = a.dtype
    if dt == _F64 or dt == _F32:
        return a, dt
    if dt.kind == "c":
        raise TypeError(f"symacts kernels take real input, got complex ({dt})")
    if dt == _F16:
        return a.astype(_F32), _F16
    if dt.kind in "biu":
        return a.astype(_F64), _F64
    if dt.kind == "f":
        return a.astype(_F64), _F64
    try:
        return a.astype(_F64), _F64
    except (TypeError, ValueError):
        raise TypeError(f"symacts kernels take real numbers, got {dt}") from None


def _par(v, name, dt):
    """A parameter as a Python float (weak: keeps float32) or an array in the working dtype."""
    a = np.asarray(v)
    if a.dtype.kind == "c":
        raise TypeError(f"parameter {name} must be real, got complex")
    if a.dtype.kind not in "biuf":
        raise TypeError(f"parameter {name} must be a real number, got {v!r}")
    if a.ndim == 0:
        return float(a)
    return a.astype(dt)


def _check(v, ok, name, rule):
    if not ok:
        raise ValueError(f"parameter {name} must be {rule}, got {v!r}")


def _bcast(x, *ps):
    """Broadcast x against array parameters (scalars leave x as it is)."""
    shapes = [np.shape(p) for p in ps if np.ndim(p)]
    if not shapes:
        return x
    return np.broadcast_to(x, np.broadcast_shapes(x.shape, *shapes))


def _sel(p, m):
    """Parameter restricted to a branch mask."""
    return p if np.ndim(p) == 0 else np.broadcast_to(p, m.shape)[m]


def _full(x, c):
    """Constant output of x's shape (NaN where x is NaN)."""
    r = np.full(np.shape(x), c, dtype=x.dtype)
    np.copyto(r, x, where=np.isnan(x))
    return r


def _ret(r, dt, out):
    r = np.asarray(r)
    if r.dtype != dt:
        with np.errstate(all="ignore"):
            r = r.astype(dt)
    if out is not None:
        with np.errstate(all="ignore"):
            out[...] = r
        return out
    return r[()] if r.ndim == 0 else r


def _ret2(rs, dt, out):
    if out is None:
        return _ret(rs[0], dt, None), _ret(rs[1], dt, None)
    return _ret(rs[0], dt, out[0]), _ret(rs[1], dt, out[1])


def _sigmoid(u):
    """σ(u) with e^{−|u|}: 1/(1 + t) for u ≥ 0, t/(1 + t) for u < 0 (never overflows)."""
    t = np.exp(-np.abs(u))
    d = 1 + t
    return np.where(u >= 0, 1 / d, t / d)


def _softplus(u):
    """ln(1 + eᵘ) = max(u, 0) + log1p(e^{−|u|})."""
    return np.maximum(u, 0) + np.log1p(np.exp(-np.abs(u)))


def _sech2(u):
    """sech²(u) = 4t/(1 + t)² with t = e^{−2|u|} (no 1 − tanh² cancellation)."""
    t = np.exp(-2 * np.abs(u))
    d = 1 + t
    return 4 * t / (d * d)


def _dmul(a, b):
    """a·b where a decays exponentially: 0 where a underflowed, even if b is ±inf."""
    return np.where(a == 0, a, a * b)


def _atinf(r, x, at_pos, at_neg):
    """Put the limits at x = ±inf where the stable form alone gives ∞/∞ or ∞·0."""
    r = np.asarray(r)
    if at_pos is not None:
        np.copyto(r, at_pos, where=x == np.inf)
    if at_neg is not None:
        np.copyto(r, at_neg, where=x == -np.inf)
    return r


def _rrelu_train(x, lower, upper, rng):
    """RReLU in training mode (PyTorch): slope ~ U(lower, upper) per element where x ≤ 0."""
    if rng is None:
        rng = np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rrelu: rng must be a numpy.random.Generator")
    slope = rng.uniform(lower, upper, size=np.shape(x)).astype(x.dtype)
    pos = x > 0
    f = np.where(pos, x, slope * x)
    d = np.where(pos, np.ones((), x.dtype), slope)
    np.copyto(d, x, where=np.isnan(x))
    return f, d
'''
