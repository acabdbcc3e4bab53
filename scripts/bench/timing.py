"""Interleaved median timing: every contender of a group runs once per round.

On a shared machine the background load drifts; running all contenders of one activation in the
same rounds (rather than one after another) keeps their ratios comparable.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Case:
    """One contender: ``fn()`` runs it once (its result is discarded)."""

    key: Hashable
    fn: Callable[[], Any]


@dataclass
class Timing:
    """Median seconds per call over the rounds, with the spread."""

    median: float
    low: float
    high: float
    calls: int
    samples: list[float] = field(default_factory=list)
    out_dtype: str = ""


def _dtype_of(r: Any) -> str:
    r = r[0] if isinstance(r, tuple) else r
    return str(getattr(r, "dtype", type(r).__name__)).replace("torch.", "")


def time_group(cases: list[Case], repeats: int, min_sample: float = 2e-3,
               settle: float = 1e-3) -> tuple[dict[Hashable, Timing], dict[Hashable, str]]:
    """Warm up each case, then ``repeats`` rounds over all cases; median seconds per call.

    A sample loops a case enough times to last ``min_sample`` seconds (small arrays). Before each
    sample the harness sleeps ``settle`` seconds, so that worker threads another contender left
    spinning (OpenMP) go idle and do not steal the next contender's CPU. Cases that raise are
    left out and their error returned in the second dict.
    """
    errors: dict[Hashable, str] = {}
    number: dict[Hashable, int] = {}
    dtypes: dict[Hashable, str] = {}
    live: list[Case] = []
    for c in cases:
        try:
            t0 = time.perf_counter()
            r = c.fn()
            dt = time.perf_counter() - t0
            dtypes[c.key] = _dtype_of(r)
            del r
            if dt < min_sample:
                t0 = time.perf_counter()
                c.fn()
                dt = time.perf_counter() - t0
        except Exception as e:  # reported in the table; the run goes on
            errors[c.key] = f"{type(e).__name__}: {e}"
            continue
        number[c.key] = max(1, math.ceil(min_sample / max(dt, 1e-9)))
        live.append(c)
    samples: dict[Hashable, list[float]] = {c.key: [] for c in live}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            for c in live:
                n, fn = number[c.key], c.fn
                time.sleep(settle)
                t0 = time.perf_counter()
                for _ in range(n):
                    fn()
                samples[c.key].append((time.perf_counter() - t0) / n)
    finally:
        if enabled:
            gc.enable()
    out = {k: Timing(statistics.median(v), min(v), max(v), number[k], v, dtypes[k])
           for k, v in samples.items()}
    return out, errors
