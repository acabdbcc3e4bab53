"""Cost of NumPy/SciPy primitives on one cache-sized block, in ns per element.

Explains the kernel timings: what a select with a random mask, an integer power, ``hypot`` or
SciPy's scalar-loop special functions cost next to a copy, and what fresh full-block temporaries
cost against reused ``out=`` buffers.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

BLOCK = 65536


def _ops(x: np.ndarray) -> list[tuple[str, Callable[[], Any]]]:
    from scipy import special as sc

    r, s = np.empty_like(x), np.empty_like(x)
    m = x > 0
    ms = np.sort(x) > 0
    a, b = x * 2, x * 3
    return [
        ("copy `np.copyto(r, x)`", lambda: np.copyto(r, x)),
        ("`np.maximum(x, 0, out=r)`", lambda: np.maximum(x, 0, out=r)),
        ("`np.clip(x, -1, 1, out=r)`", lambda: np.clip(x, -1, 1, out=r)),
        ("`(x > 0).astype(dtype)`", lambda: (x > 0).astype(x.dtype)),
        ("`np.copyto(r, x, where=isnan(x))` (no NaN)", lambda: np.copyto(r, x, where=np.isnan(x))),
        ("`np.where(m, a, b)`, random m", lambda: np.where(m, a, b)),
        ("`np.copyto(r, a, where=m)`, random m", lambda: np.copyto(r, a, where=m)),
        ("`np.copyto(r, a, where=m)`, sorted m", lambda: np.copyto(r, a, where=ms)),
        ("`r[m] = 0`, random m", lambda: r.__setitem__(m, 0)),
        ("`x[m]`, random m", lambda: x[m]),
        ("`x**3` (np.power)", lambda: x**3),
        ("`x*x*x`", lambda: x * x * x),
        ("`np.hypot(x, 2)`", lambda: np.hypot(x, 2)),
        ("`np.sqrt(x*x + 4)`", lambda: np.sqrt(x * x + 4)),
        ("`np.exp(x, out=r)`", lambda: np.exp(x, out=r)),
        ("`np.tanh(x, out=r)`", lambda: np.tanh(x, out=r)),
        ("`np.sin(x, out=r)`", lambda: np.sin(x, out=r)),
        ("`scipy.special.ndtr(x, out=r)`", lambda: sc.ndtr(x, out=r)),
        ("`scipy.special.erf(x, out=r)`", lambda: sc.erf(x, out=r)),
        ("`scipy.special.expit(x, out=r)`", lambda: sc.expit(x, out=r)),
        ("leaky form, fresh temporaries `max(x,0) + 0.01*min(x,0)`",
         lambda: np.maximum(x, 0) + 0.01 * np.minimum(x, 0)),
        ("leaky form, reused `out=` buffers",
         lambda: np.add(np.maximum(x, 0, out=r), np.multiply(0.01, np.minimum(x, 0, out=s),
                                                             out=s), out=r)),
    ]


def measure(dtypes: tuple[str, ...] = ("float32", "float64"), rounds: int = 9,
            number: int = 10) -> dict[str, dict[str, float]]:
    """{operation: {dtype: median ns per element}} on a block of ``BLOCK`` elements."""
    out: dict[str, dict[str, float]] = {}
    for d in dtypes:
        x = (np.random.default_rng(0).standard_normal(BLOCK) * 3).astype(d)
        with np.errstate(all="ignore"):
            for name, fn in _ops(x):
                fn()
                ts = []
                for _ in range(rounds):
                    t0 = time.perf_counter()
                    for _ in range(number):
                        fn()
                    ts.append((time.perf_counter() - t0) / number)
                out.setdefault(name, {})[d] = statistics.median(ts) / BLOCK * 1e9
    return out


def call_overhead(torch: Any | None = None, number: int = 2000) -> dict[str, float]:
    """Median µs per call on a 1-element float64 array (fixed cost of a call)."""
    import symacts.kernels as K  # noqa: N812

    x = np.zeros(1)
    calls: list[tuple[str, Callable[[], Any]]] = [
        ("`K.relu(x)`", lambda: K.relu(x)),
        ("`K.relu(x, threads=1)`", lambda: K.relu(x, threads=1)),
        ("`K.mish(x)`", lambda: K.mish(x)),
        ("`K.mish_value_and_grad(x)`", lambda: K.mish_value_and_grad(x)),
        ("`np.maximum(x, 0)`", lambda: np.maximum(x, 0)),
        ("`with np.errstate(all='ignore')`", _errstate),
    ]
    if torch is not None:
        xt = torch.from_numpy(x)
        calls += [("`torch.relu(x)`", lambda: torch.relu(xt)),
                  ("`F.mish(x)`", lambda: torch.nn.functional.mish(xt))]
    out = {}
    for name, fn in calls:
        try:
            fn()
        except TypeError:  # kernels without threads=
            continue
        ts = []
        for _ in range(7):
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            ts.append((time.perf_counter() - t0) / number)
        out[name] = statistics.median(ts) * 1e6
    return out


def _errstate() -> None:
    with np.errstate(all="ignore"):
        pass
