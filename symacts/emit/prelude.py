"""Runtime helpers of the generated NumPy kernel modules (NumPy and SciPy only).

This is a normal module (linted and unit-tested as code); the generator copies its source,
from the imports on, into every generated module, which therefore stays standalone. The helpers
implement the stable primitives the printer emits (σ, softplus and sech² on e^{−|u|}, the
decaying product, hypot, exact bit selects), the dtype and shape conventions (``_arg``,
``_par``, ``_ret``), and the blocked, threaded driver ``_run``.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import special as _sc  # noqa: F401 - the printed kernels call _sc.erf, _sc.ndtr

#: float64 elements per block (256 KiB): the temporaries of a block stay in the L2 cache;
#: a block of float32 holds as many bytes (twice the elements)
BLOCK = 32768

try:  # NumPy's floating-point error state, set directly (np.errstate costs ~0.8 µs a call)
    from numpy._core._ufunc_config import _extobj_contextvar as _ERRSTATE  # noqa: N812
    from numpy._core._ufunc_config import _make_extobj
    _QUIET = _make_extobj(all="ignore")
except ImportError:  # another NumPy layout: the public context manager
    _ERRSTATE = None


try:  # the clip ufunc itself: np.clip adds ~1 µs of Python per call
    from numpy._core.umath import clip as _clip
except ImportError:
    def _clip(a, lo, hi, out=None):
        return np.minimum(np.maximum(a, lo), hi, out=out)


def _quiet():
    """Silence floating-point warnings; returns the token for _loud."""
    if _ERRSTATE is None:
        e = np.errstate(all="ignore")
        e.__enter__()
        return e
    return _ERRSTATE.set(_QUIET)


def _loud(token):
    """Restore the floating-point error state saved by _quiet."""
    if _ERRSTATE is None:
        token.__exit__(None, None, None)
    else:
        _ERRSTATE.reset(token)


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
    if v.__class__ is float:
        return v
    a = np.asarray(v)
    if a.dtype.kind == "c":
        raise TypeError(f"parameter {name} must be real, got complex")
    if a.dtype.kind not in "biuf":
        raise TypeError(f"parameter {name} must be a real number, got {v!r}")
    if a.ndim == 0:
        return float(a)
    return a.astype(dt)


def _w(v):
    """A 0-d result as a Python float (weak: keeps float32 blocks float32), arrays as they are."""
    return float(v) if np.ndim(v) == 0 else v


def _all(v):
    """np.all for comparisons of arrays; Python bools (float parameters) pass straight."""
    return v if v.__class__ is bool else bool(np.all(v))


def _check(v, ok, name, rule):
    if not ok:
        raise ValueError(f"parameter {name} must be {rule}, got {v!r}")


def _check_rule(ok, message):
    if not ok:
        raise ValueError(message)


def _bcast(x, *ps):
    """Broadcast x against array parameters (scalars leave x as it is)."""
    if all(p.__class__ is float for p in ps):
        return x
    shapes = [np.shape(p) for p in ps if np.ndim(p)]
    if not shapes:
        return x
    return np.broadcast_to(x, np.broadcast_shapes(x.shape, *shapes))


def _sel(p, m):
    """Parameter restricted to a branch mask."""
    return p if np.ndim(p) == 0 else np.broadcast_to(p, m.shape)[m]


_IT = {_F32: np.dtype(np.int32), _F64: np.dtype(np.int64)}


def _mask(m, r):
    """A boolean mask as integers of r's width: −1 (all bits set) where True, 0 elsewhere."""
    mk = np.empty(np.shape(m), _IT[r.dtype])
    np.copyto(mk, m)
    np.negative(mk, out=mk)
    return mk


def _pick(r, v, mk):
    """r[m] = v as an exact bit select, r ^= (r ^ v) & mk with mk = _mask(m, r): no
    per-element branches (a random mask makes copyto(where=)/where ~20× slower), any value
    (NaN, ±inf, −0) kept bit for bit."""
    it = mk.dtype
    ri = r.view(it)
    vi = np.asarray(v, r.dtype).view(it)
    t = np.empty(ri.shape, it)
    if vi.ndim == 0 and vi == 0:
        np.invert(mk, out=t)
        np.bitwise_and(ri, t, out=ri)
        return
    np.bitwise_xor(ri, vi, out=t)
    np.bitwise_and(t, mk, out=t)
    np.bitwise_xor(ri, t, out=ri)


def _keep_nan(r, x):
    """r with x's own NaN (bits kept) wherever x is NaN; only blocks with a NaN pay the copy."""
    nan = np.isnan(x)
    if nan.any():
        np.copyto(r, x, where=nan)
    return r


def _select2(m, a, b, x):
    """[m] ? a : b for a, b free of x, exact bits: b ^ ((a ^ b)·[m]) on the integer views
    (three passes, no per-element branch); x's own NaN where x is NaN."""
    dt = x.dtype
    it = _IT[dt]
    ai = np.asarray(a, dt).view(it)
    bi = np.asarray(b, dt).view(it)
    r = np.asarray(np.multiply(m, ai ^ bi, dtype=it))
    np.bitwise_xor(r, bi, out=r)
    return _keep_nan(r.view(dt), x)


def _into(r, out):
    """r written into out (if given)."""
    if out is None:
        return r
    np.copyto(out, r)
    return out


def _take(p, x, i):
    """Parameter at the flat indices i of x's shape (scalars pass)."""
    return p if np.ndim(p) == 0 else np.take(np.broadcast_to(p, x.shape), i)


def _put(r, i, v):
    """r.flat[i] = v (i from flatnonzero: C order, whatever r's layout)."""
    if r.flags.c_contiguous:
        r.reshape(-1)[i] = v
    else:
        np.put(r, i, v)


def _step(m, x):
    """[m] as 0.0/1.0 in x's dtype, x's own NaN where x is NaN."""
    return _keep_nan(np.asarray(m.astype(x.dtype)), x)


def _full(x, c):
    """Constant output of x's shape (NaN where x is NaN)."""
    r = np.full(np.shape(x), c, dtype=x.dtype)
    np.copyto(r, x, where=np.isnan(x))
    return r


_POOL = None
_POOL_LOCK = threading.Lock()


def _pool():
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(_NCPU,
                                       thread_name_prefix="symacts-kernels")
        return _POOL


_NCPU = max(os.cpu_count() or 1, 1)


#: blocks per thread below which another thread costs more (pool hand-off, GIL) than it saves
_GRAIN = 8


def _nthreads(threads, nblocks):
    """Threads for nblocks blocks: at most ``threads`` (None: the cores), at most the cores, and
    at least _GRAIN blocks each."""
    if threads is None:
        threads = _NCPU
    elif not isinstance(threads, (int, np.integer)) or isinstance(threads, bool) or threads < 1:
        raise ValueError(f"threads must be a positive integer or None, got {threads!r}")
    return max(1, min(int(threads), _NCPU, nblocks // _GRAIN))


def _dest(out, x, k):
    """A flat view of out (or out[k]) to write into directly, if it fits exactly."""
    if out is None:
        return None
    o = out if k is None else out[k]
    if (isinstance(o, np.ndarray) and o.dtype == x.dtype and o.shape == x.shape
            and o.flags.c_contiguous and o.flags.writeable
            and not np.shares_memory(o, x)):
        return o.reshape(-1)
    return None


#: cores that take ``out=`` (one ufunc writes the result): filled in at the end of the module
_DIRECT = set()
#: cores that are a single ufunc of x (no temporaries to keep in cache)
_STREAM = set()


def _run(core, x, ps, threads, n_out, out, dt):
    """core(x, *ps) evaluated in blocks of BLOCK·8/itemsize elements, spread over threads."""
    n = x.size
    block = BLOCK * (8 // x.dtype.itemsize)
    if n <= block:
        if threads is not None:
            _nthreads(threads, 1)
        token = _quiet()
        try:
            if out is not None and core in _DIRECT and dt == x.dtype:
                d = _dest(out, x, None)
                return core(x, *ps, out=None if d is None else d.reshape(x.shape))
            return core(x, *ps)
        finally:
            _loud(token)
    direct = core in _DIRECT
    xf = np.ascontiguousarray(x).reshape(-1)
    pf = [p if np.ndim(p) == 0 else np.ascontiguousarray(np.broadcast_to(p, x.shape)).reshape(-1)
          for p in ps]
    if n_out == 1:
        d = _dest(out, x, None) if dt == x.dtype else None
        outs = [d if d is not None else np.empty(n, x.dtype)]
    else:
        ds = [_dest(out, x, k) if dt == x.dtype else None for k in range(n_out)]
        outs = [d if d is not None else np.empty(n, x.dtype) for d in ds]
    spans = [(s, min(s + block, n)) for s in range(0, n, block)]
    nt = _nthreads(threads, len(spans))
    if direct and core in _STREAM:  # no temporaries: one chunk per thread
        spans = [(n * k // nt, n * (k + 1) // nt) for k in range(nt)]

    def work(first):
        token = _quiet()
        try:
            for s, e in spans[first::nt]:
                args = [p if np.ndim(p) == 0 else p[s:e] for p in pf]
                if direct:
                    core(xf[s:e], *args, out=outs[0][s:e])
                    continue
                r = core(xf[s:e], *args)
                if n_out == 1:
                    outs[0][s:e] = r
                else:
                    for o, v in zip(outs, r, strict=True):
                        o[s:e] = v
        finally:
            _loud(token)

    if nt == 1:
        work(0)
    else:  # the calling thread takes the first share itself
        futures = [_pool().submit(work, k) for k in range(1, nt)]
        work(0)
        for f in futures:
            f.result()
    res = [o.reshape(x.shape) for o in outs]
    return res[0] if n_out == 1 else tuple(res)


def _ret(r, dt, out):
    r = np.asarray(r)
    if r.dtype != dt:
        with np.errstate(all="ignore"):
            r = r.astype(dt)
    if out is not None:
        if not np.may_share_memory(r, out):  # else it was written in place by _run
            with np.errstate(all="ignore"):
                out[...] = r
        return out
    return r[()] if r.ndim == 0 else r


def _ret2(rs, dt, out):
    if out is None:
        return _ret(rs[0], dt, None), _ret(rs[1], dt, None)
    return _ret(rs[0], dt, out[0]), _ret(rs[1], dt, out[1])


#: |results| of _hypot inside which a² + b² can neither overflow nor lose bits to underflow
_HYPOT_SAFE = {_F32: (2.0 ** -60, 2.0 ** 60), _F64: (2.0 ** -500, 2.0 ** 500)}


def _hypot(a, b, out=None):
    """√(a² + b²) as multiply, add, sqrt (np.hypot is a scalar libm loop, ~15 ns per
    element); elements outside the range where the squares are safe (huge, tiny, inf, NaN)
    are redone with np.hypot. The same arithmetic for every shape, 0-d included; a Python
    number squares to a Python number (weak: float32 stays float32)."""
    if np.ndim(a) == 0 and np.ndim(b) == 0:
        a0 = a if a.__class__ in (int, float) else np.reshape(a, 1)
        b0 = b if b.__class__ in (int, float) else np.reshape(b, 1)
        if a0 is a and b0 is b:  # two Python numbers
            return _into(np.hypot(a, b), out)
        return _into(_hypot(a0, b0).reshape(()), out)
    r = np.add(a * a, b * b, out=out)
    np.sqrt(r, out=r)
    if r.dtype not in _HYPOT_SAFE:
        return _into(np.hypot(a, b), out)
    lo, hi = _HYPOT_SAFE[r.dtype]
    ok = r >= lo
    ok &= r <= hi
    if not ok.all():
        i = np.flatnonzero(~ok)
        _put(r, i, np.hypot(_take(a, r, i), _take(b, r, i)))
    return r


def _k(x, c64, c32):
    """A kink's threshold in x's dtype: the float on the right side of the exact value."""
    return c32 if x.dtype == _F32 else c64


def _sq(v):
    """v² as v·v: one rounding, the same for every shape (NumPy's 0-d power goes through the
    C pow, which can differ by an ULP), and a Python float stays a Python float."""
    return v * v


def _ipow(v, n):
    """vⁿ for an integer n ≥ 3 by multiplication (np.power with an integer exponent runs a
    scalar libm pow, ~100× slower than a multiply)."""
    r = v * v
    for _ in range(n - 2):
        r = r * v
    return r


def _sigmoid(u, out=None):
    """σ(u) with e^{−|u|}: 1/(1 + t) for u ≥ 0, t/(1 + t) for u < 0 (never overflows)."""
    return _sigmoid_t(u, np.exp(-np.abs(u)), out, True)


def _softplus(u, out=None):
    """ln(1 + eᵘ) = max(u, 0) + log1p(e^{−|u|})."""
    return _softplus_t(u, np.exp(-np.abs(u)), out)


def _sech2(u, out=None):
    """sech²(u) = 4t/(1 + t)² with t = e^{−2|u|} (no 1 − tanh² cancellation)."""
    t = np.exp(-2 * np.abs(u))
    d = 1 + t
    return np.divide(4 * t, d * d, out=out)


def _dsigmoid(u, out=None):
    """σ'(u) = σ(u)·σ(−u) = t/(1 + t)² with t = e^{−|u|} (never overflows)."""
    return _dsigmoid_t(u, np.exp(-np.abs(u)), out)


def _sigmoid_t(u, t, out=None, own=False):
    """σ(u) from t = e^{−|u|}: 1/(1 + t) for u ≥ 0, t/(1 + t) for u < 0; the numerator is
    max(t, [u ≥ 0]) (t ≤ 1), one pass and no select."""
    d = 1 + t
    if np.ndim(t) == 0:
        return _into(np.where(u >= 0, 1 / d, t / d), out)
    n = np.maximum(t, u >= 0, out=t if own else None)  # own: t is ours to overwrite
    return np.divide(n, d, out=n if out is None else out)


def _dsigmoid_t(u, t, out=None):
    """σ'(u) = σ(u)·σ(−u) = t/(1 + t)² from t = e^{−|u|}."""
    d = 1 + t
    d *= d
    return np.divide(t, d, out=out)


def _softplus_t(u, t, out=None):
    """softplus(u) = ln(1 + eᵘ) = max(u, 0) + log1p(t) from t = e^{−|u|}."""
    return np.add(np.maximum(u, 0), np.log1p(t), out=out)


def _dmul(a, b, out=None):
    """a·b where a decays exponentially: 0 where a underflowed, even if b is ±inf."""
    r = np.multiply(a, b, out=out)
    if r.ndim == 0 or np.shape(a) != r.shape:
        return _into(np.where(a == 0, a, r), out)
    z = a == 0
    if z.any():  # only blocks where a underflowed pay for the select
        _pick(r, a, _mask(z, r))
    return r


def _atinf(r, x, at_pos, at_neg):
    """Put the limits at x = ±inf where the stable form alone gives ∞/∞ or ∞·0."""
    r = np.asarray(r)
    if not np.isinf(x).any():
        return r
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
