"""The performance targets, evaluated on one run's records.

Speed-up = time of the other implementation / time of symacts (> 1: symacts is faster).
NumPy baselines (tutorial, lambdify) run single-threaded; they are timed in the first thread
setting and compared with symacts at every thread setting.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

LARGE = (10**6, 10**7)
SMALL = (10**4, 10**5)
FWD_SLOWDOWN = 1.5      # target 2: no forward slower than 1.5x torch
PL_MEMCPY = 1.5         # target 3: piecewise-linear forward within 1.5x memcpy
MEM_EXTRA = 0.25        # target 4: extra beyond outputs < 0.25 array and N-independent
SMALL_SLOWDOWN = 2.0    # target 5


def geomean(xs: Iterable[float]) -> float:
    xs = [x for x in xs if x > 0 and math.isfinite(x)]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


class Table:
    """Median times indexed by (dtype, n, threads, act, impl, op)."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.t = {(r["dtype"], r["n"], r["threads"], r["act"], r["impl"], r["op"]): r["t"]
                  for r in records}
        self.out_dtype = {(r["dtype"], r["n"], r["threads"], r["act"], r["impl"], r["op"]):
                          r.get("out_dtype", "") for r in records}
        self.dtypes = sorted({r["dtype"] for r in records})
        self.sizes = sorted({r["n"] for r in records})
        self.threads = sorted({r["threads"] for r in records})
        self.acts = sorted({r["act"] for r in records})

    def get(self, dtype: str, n: int, threads: int, act: str, impl: str, op: str) -> float | None:
        if impl in ("tutorial", "lambdify"):
            threads = self.threads[0]
        return self.t.get((dtype, n, threads, act, impl, op))

    def speedup(self, dtype: str, n: int, threads: int, act: str,
                other: tuple[str, str], ours: str) -> float | None:
        """t(other) / t(symacts op); None when either is missing."""
        a = self.get(dtype, n, threads, act, *other)
        b = self.get(dtype, n, threads, act, "symacts", ours)
        return a / b if a and b else None

    def memcpy_multiple(self, dtype: str, n: int, threads: int, act: str, op: str,
                        copy: str = "copyto") -> float | None:
        """t(symacts op) / t(memcpy): ``copy`` = "copyto" (into a preallocated array) or
        "copy" (``x.copy()``: a new array, page faults included)."""
        a = self.get(dtype, n, threads, act, "symacts", op)
        m = self.get(dtype, n, threads, act, "memcpy", copy)
        return a / m if a and m else None


@dataclass
class Verdict:
    """One target at one thread setting."""

    target: str
    threads: int
    met: bool | None
    summary: str
    failures: list[str] = field(default_factory=list)


def _pts(tab: Table, sizes: tuple[int, ...]) -> list[tuple[str, int]]:
    return [(d, n) for d in tab.dtypes for n in sizes if n in tab.sizes]


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def _label(act: str, d: str, n: int) -> str:
    return f"{act} {d.replace('float', 'f')} N={n:.0e}".replace("e+0", "e")


def target1(tab: Table, threads: int) -> Verdict:
    ag, aten, fails = [], [], []
    for d, n in _pts(tab, LARGE):
        for act in tab.acts:
            s = tab.speedup(d, n, threads, act, ("torch", "vg"), "vg")
            if s is None:
                continue
            ag.append(s)
            if s <= 1:
                fails.append(f"{_label(act, d, n)}: {_fmt(s)}x")
            a = tab.speedup(d, n, threads, act, ("torch", "df"), "vg")
            if a is not None:
                aten.append(a)
    if not ag:
        return Verdict("1", threads, None, "no PyTorch timings")
    g, ga = geomean(ag), geomean(aten)
    met = not fails and g >= 3 and ga >= 1
    summary = (f"vs fwd+autograd: geo-mean {_fmt(g)}x (need ≥ 3), {len(ag) - len(fails)}/{len(ag)}"
               f" faster (need all); vs aten backward: geo-mean {_fmt(ga)}x (need ≥ 1)")
    return Verdict("1", threads, met, summary, fails)


def target2(tab: Table, threads: int) -> Verdict:
    tf, tut, fails = [], [], []
    for d, n in _pts(tab, LARGE):
        for act in tab.acts:
            s = tab.speedup(d, n, threads, act, ("torch", "f"), "f")
            if s is not None:
                tf.append(s)
                if s < 1 / FWD_SLOWDOWN:
                    fails.append(f"{_label(act, d, n)}: {_fmt(1 / s)}x slower")
            u = tab.speedup(d, n, threads, act, ("tutorial", "f"), "f")
            if u is not None:
                tut.append(u)
    g, gt = geomean(tf), geomean(tut)
    if not tf:
        return Verdict("2", threads, None, f"no PyTorch timings; vs tutorial geo-mean {_fmt(gt)}x")
    met = g >= 1 and not fails and gt >= 2
    summary = (f"vs torch.nn.functional: geo-mean {_fmt(g)}x (need ≥ 1), {len(fails)} slower "
               f"than 1.5x (need 0); vs tutorial: geo-mean {_fmt(gt)}x (need ≥ 2)")
    return Verdict("2", threads, met, summary, fails)


def target3(tab: Table, threads: int, piecewise_linear: Iterable[str]) -> Verdict:
    """Like with like: f(x) (a new array) against x.copy(), f(x, out=) against copyto."""
    parts, fails, met = [], [], True
    for op, copy, what in (("f", "copy", "f(x) / x.copy()"),
                           ("f_out", "copyto", "f(x, out=) / copyto")):
        ms = []
        for d, n in _pts(tab, LARGE):
            for act in piecewise_linear:
                m = tab.memcpy_multiple(d, n, threads, act, op, copy)
                if m is None:
                    continue
                ms.append(m)
                if m > PL_MEMCPY:
                    fails.append(f"{_label(act, d, n)}: {what} = {_fmt(m)}")
        if not ms:
            continue
        bad = sum(m > PL_MEMCPY for m in ms)
        met = met and not bad
        parts.append(f"{what}: median {_fmt(sorted(ms)[len(ms) // 2])}, worst {_fmt(max(ms))}, "
                     f"{len(ms) - bad}/{len(ms)} within")
    if not parts:
        return Verdict("3", threads, None, "no piecewise-linear activation timed")
    return Verdict("3", threads, met, f"{'; '.join(parts)} (need ≤ {PL_MEMCPY})", fails)


def target4(memory: list[dict[str, Any]]) -> Verdict:
    """No full-size temporaries: scratch beyond the outputs independent of N (O(block)).

    Met when, for every kernel, the extra memory at the largest N is below ``MEM_EXTRA`` of an
    array and at most 1.25·T times (+ 1 MiB) the extra at a tenth of that N, T = the thread
    setting: each thread holds the scratch of one block, and a smaller N may run on fewer
    threads.
    """
    ours = [m for m in memory if m["impl"] == "symacts"]
    if not ours:
        return Verdict("4", 0, None, "memory not measured")
    big = max(m["n"] for m in ours)
    small = {(m["act"], m["op"]): m["traced"] - m["outputs"] for m in ours if m["n"] < big}
    fails, extras, mib = [], [], []
    for m in (m for m in ours if m["n"] == big):
        extra = m["traced"] - m["outputs"]
        extras.append(extra / m["array"])
        mib.append(extra / 2**20)
        lo = small.get((m["act"], m["op"]))
        grows = lo is not None and extra > 1.25 * max(m["threads"], 1) * lo + 2**20
        if extra > MEM_EXTRA * m["array"] or grows:
            was = f" (N/10: {lo / 2**20:.1f} MiB)" if lo is not None else ""
            fails.append(f"{m['act']} {m['op']}: outputs + {extra / 2**20:.1f} MiB = "
                         f"{_fmt(extra / m['array'])} arrays{was}")
    summary = (f"N={big:.0e}: scratch beyond the outputs median {sorted(mib)[len(mib) // 2]:.1f}"
               f" MiB, worst {max(mib):.1f} MiB = {_fmt(max(extras))} of an array (need < "
               f"{MEM_EXTRA} and not growing with N beyond a block per thread); "
               f"{len(extras) - len(fails)}/{len(extras)} "
               "kernels within")
    return Verdict("4", ours[0]["threads"], not fails, summary, fails)


def target5(tab: Table, threads: int) -> Verdict:
    pairs = {"f": ("torch", "f"), "df": ("torch", "df"), "vg": ("torch", "vg")}
    fails, n_cmp, worst = [], 0, 0.0
    for d, n in _pts(tab, SMALL):
        for act in tab.acts:
            for ours, other in pairs.items():
                s = tab.speedup(d, n, threads, act, other, ours)
                if s is None:
                    continue
                n_cmp += 1
                worst = max(worst, 1 / s)
                if 1 / s > SMALL_SLOWDOWN:
                    fails.append(f"{_label(act, d, n)} {ours}: {_fmt(1 / s)}x slower")
    if not n_cmp:
        return Verdict("5", threads, None, "no PyTorch timings at N=1e4/1e5")
    summary = (f"{n_cmp - len(fails)}/{n_cmp} comparisons within 2x of PyTorch "
               f"(f vs forward, f' vs aten backward, value_and_grad vs fwd+autograd); "
               f"worst {_fmt(worst)}x slower")
    return Verdict("5", threads, not fails, summary, fails)


def evaluate(result: dict[str, Any]) -> list[Verdict]:
    """All verdicts, per thread setting (target 4 once)."""
    tab = Table(result["records"])
    pl = result["setup"]["piecewise_linear"]
    out = []
    for t in tab.threads:
        out += [target1(tab, t), target2(tab, t), target3(tab, t, pl), target5(tab, t)]
    out.append(target4(result["memory"]))
    return out
