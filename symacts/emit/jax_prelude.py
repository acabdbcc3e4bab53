"""Runtime helpers of the generated JAX kernels (``generated/symacts_jax.py``).

A normal module (linted, and tested where JAX is installed); the generator copies its source,
from the imports on, into the generated module. Each helper is the ``jax.numpy`` spelling of an
IR node or prelude helper of :mod:`symacts.emit.prelude`, with the same semantics: σ and
softplus on t = e^{−|u|}, the decaying product, NaN in → x's own NaN for selects and steps.
Everything is a pure function of arrays (x and the parameters, 0-d for numbers), so it traces
under ``jit``, ``vmap`` and ``grad``.
"""

import math

import jax.numpy as jnp
from jax import lax as _lax
from jax.scipy import special as _jsp  # noqa: F401 - the printed kernels call _jsp.erf, ...


def _t(v, like):
    """v as an array of like's dtype."""
    return jnp.asarray(v, dtype=like.dtype)


def _bcast(x, *ps):
    """x broadcast to the shape of x and the parameters together."""
    shape = jnp.broadcast_shapes(jnp.shape(x), *[jnp.shape(p) for p in ps])
    return x if shape == jnp.shape(x) else jnp.broadcast_to(x, shape)


def _true(x):
    return jnp.ones(jnp.shape(x), dtype=bool)


def _copy(x):
    return x


def _where(m, a, b):
    return jnp.where(m, a, b)


def _nan_in(x, r):
    """r with x's own NaN where x is NaN."""
    return jnp.where(jnp.isnan(x), x, r)


def _full(x, c):
    """A constant (or a function of the parameters) at x's shape, NaN where x is NaN."""
    return jnp.where(jnp.isnan(x), x, _t(c, x))


def _step(m, x):
    """[m] as 0/1 in x's dtype, x's own NaN where x is NaN."""
    return jnp.where(jnp.isnan(x), x, m.astype(x.dtype))


def _select2(m, a, b, x):
    """[m] ? a : b (a, b free of x), x's own NaN where x is NaN."""
    return jnp.where(jnp.isnan(x), x, jnp.where(m, _t(a, x), _t(b, x)))


def _masked(v, m, x):
    """v·[m] in x's dtype, NaN kept (XLA simplifies v·0 to 0 under jit)."""
    return jnp.where(m | jnp.isnan(v), v, jnp.zeros_like(v))


def _max(a, b):
    return jnp.maximum(a, b)


def _min(a, b):
    return jnp.minimum(a, b)


def _clip(a, lo, hi):
    """min(max(a, lo), hi)."""
    return jnp.minimum(jnp.maximum(a, lo), hi)


def _k(x, c64, c32):
    """A kink's threshold in x's dtype: the float on the right side of the exact value."""
    return c32 if x.dtype == jnp.float32 else c64


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
    return jnp.power(b, k)


def _cbrt(v):
    return jnp.cbrt(v)


def _hypot(a, b):
    return jnp.hypot(a, b)


def _Phi(u):
    """Φ(u) = erfc(−u/√2)/2: one erfc (jax.scipy's ndtr takes erf and erfc and selects; the
    same z = u/√2, the same tails)."""
    return 0.5 * _lax.erfc(-u * 0.7071067811865476)


def _sigmoid_t(u, t):
    """σ(u) from t = e^{−|u|}: 1/(1 + t) for u ≥ 0, t/(1 + t) for u < 0."""
    return jnp.where(u >= 0, jnp.ones_like(t), t) / (1 + t)


def _dsigmoid_t(u, t):
    """σ'(u) = t/(1 + t)² from t = e^{−|u|}."""
    d = 1 + t
    return t / (d * d)


def _softplus_t(u, t):
    """softplus(u) = max(u, 0) + log1p(t) from t = e^{−|u|}."""
    return jnp.maximum(u, 0) + jnp.log1p(t)


def _sigmoid(u):
    """σ(u) as XLA's logistic 1/(1 + e^{−u}) (accurate for either sign; the printer uses it
    where no other value shares e^{−|u|}: XLA fuses it into each consumer)."""
    return _lax.logistic(u)


def _softplus(u):
    return _softplus_t(u, jnp.exp(-jnp.abs(u)))


def _dsigmoid(u):
    """σ'(u) = σ(u)·σ(−u): both factors accurate, no cancellation for any u."""
    return _lax.logistic(u) * _lax.logistic(-u)


def _sech2(u):
    """sech²(u) = 4t/(1 + t)² with t = e^{−2|u|}."""
    t = jnp.exp(-2 * jnp.abs(u))
    d = 1 + t
    return 4 * t / (d * d)


def _dmul(a, b):
    """a·b where a decays exponentially: 0 where a underflowed, even if b is ±inf."""
    return jnp.where(a == 0, a, a * b)


def _atinf(r, x, at_pos, at_neg):
    """The limits at x = ±inf where the stable form alone gives ∞/∞ or ∞·0."""
    if at_pos is not None:
        r = jnp.where(x == math.inf, _t(at_pos, r), r)
    if at_neg is not None:
        r = jnp.where(x == -math.inf, _t(at_neg, r), r)
    return r
