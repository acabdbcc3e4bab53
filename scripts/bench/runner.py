"""One benchmark run: every contender for every activation, size, dtype and thread count.

Records are plain dicts (JSON-ready): ``{"dtype", "n", "threads", "act", "impl", "op", "t",
"low", "high", "calls", "out_dtype"}`` with ``impl`` one of symacts / tutorial / lambdify /
torch / memcpy and ``op`` one of f / f_out / df / vg / copyto (torch: f = forward, vg = forward +
autograd backward, df = the ``aten`` backward kernel).
"""

from __future__ import annotations

import gc
import inspect
import os
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import baselines, memory
from .timing import Case, time_group
from .torch_ops import load_torch, torch_ops

DTYPES = {"float32": np.float32, "float64": np.float64}


@dataclass
class Config:
    """What to run (see ``scripts/bench_kernels.py --help``)."""

    sizes: list[int] = field(default_factory=lambda: [10**4, 10**5, 10**6, 10**7])
    dtypes: list[str] = field(default_factory=lambda: ["float32", "float64"])
    threads: list[int] = field(default_factory=lambda: [1, available_cores()])
    only: list[str] | None = None
    repeats: dict[int, int] = field(default_factory=lambda: {10**7: 3, 10**6: 5})
    default_repeats: int = 7
    min_sample: float = 2e-3
    use_torch: bool = True
    use_lambdify: bool = True
    memory: bool = True
    mem_n: int = 10**7
    mem_dtype: str = "float64"
    seed: int = 0
    scale: float = 3.0

    def repeats_for(self, n: int) -> int:
        return self.repeats.get(n, self.default_repeats)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def kernel_threads_supported(K: Any) -> bool:
    """Whether the generated kernels take ``threads=`` (looked up in the signature)."""
    try:
        return "threads" in inspect.signature(K.relu).parameters
    except (TypeError, ValueError):
        return False


def make_input(n: int, dtype: str, seed: int, scale: float) -> np.ndarray:
    """``scale``·N(0, 1) samples in the dtype (mixes every branch of the piecewise kernels)."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(n) * scale).astype(DTYPES[dtype])


class Contenders:
    """Callables per activation, built once (lambdify is slow to build)."""

    def __init__(self, cfg: Config, log: Callable[[str], None]) -> None:
        import symacts.kernels as K  # noqa: N812

        self.K = K
        self.cfg = cfg
        self.names = sorted(K.names()) if not cfg.only else [
            K.ALIASES.get(n, n) for n in cfg.only]
        unknown = [n for n in self.names if n not in K.KERNELS]
        if unknown:
            raise SystemExit(f"unknown activation(s): {', '.join(unknown)}")
        self.threads_kw = kernel_threads_supported(K)
        self.torch = load_torch() if cfg.use_torch else None
        if cfg.use_torch and self.torch is None:
            log("PyTorch is not installed: PyTorch columns skipped "
                "(pip install torch==2.13.0 for the CPU wheel)")
        self.lambdified: dict[str, tuple[Any, Any]] = {}
        self.notes: dict[str, list[str]] = {}
        if cfg.use_lambdify:
            t0 = time.perf_counter()
            probe = np.linspace(-3, 3, 7)
            for n in self.names:
                f, df = baselines.lambdify_pair(n)
                pair = []
                for g in (f, df):
                    with np.errstate(all="ignore"):
                        r = g(probe)
                    trivial = np.ndim(r) == 0 or r is probe
                    pair.append(None if trivial else g)
                    if trivial:
                        self.notes.setdefault(n, []).append(
                            "lambdify returns a scalar or its input (nothing to time)")
                self.lambdified[n] = (pair[0], pair[1])
            log(f"lambdify built for {len(self.names)} activations "
                f"in {time.perf_counter() - t0:.1f} s")
        self.piecewise_linear = set(baselines.piecewise_linear_names())

    def torch_table(self, dtype: str) -> dict[str, Any]:
        if self.torch is None:
            return {}
        return torch_ops(self.torch, getattr(self.torch, dtype))

    def cases(self, name: str, x: np.ndarray, threads: int, numpy_baselines: bool,
              tops: dict[str, Any]) -> list[Case]:
        """Every contender for one activation on input ``x``."""
        k = self.K.kernel_for(name)
        kw = {"threads": threads} if self.threads_kw else {}
        buf = np.empty_like(x)
        cases = [
            Case(("memcpy", "copyto"), lambda: np.copyto(buf, x)),
            Case(("memcpy", "copy"), lambda: x.copy()),
            Case(("symacts", "f"), lambda: k.f(x, **kw)),
            Case(("symacts", "f_out"), lambda: k.f(x, out=buf, **kw)),
            Case(("symacts", "df"), lambda: k.grad(x, **kw)),
            Case(("symacts", "vg"), lambda: k.value_and_grad(x, **kw)),
        ]
        if numpy_baselines:
            tut = baselines.TUTORIAL.get(name)
            if tut:
                cases.append(Case(("tutorial", "f"), _quiet(tut[0], x)))
                if tut[1]:
                    cases.append(Case(("tutorial", "df"), _quiet(tut[1], x)))
            f, df = self.lambdified.get(name, (None, None))
            if f:
                cases.append(Case(("lambdify", "f"), _quiet(f, x)))
            if df:
                cases.append(Case(("lambdify", "df"), _quiet(df, x)))
        op = tops.get(name)
        if op is not None:
            torch = self.torch
            xt = torch.from_numpy(x)
            g = torch.ones_like(xt)
            xg = xt.detach().requires_grad_(True)

            def fwd_autograd(op=op, xg=xg, g=g):
                y = op.fwd(xg)
                (gx,) = torch.autograd.grad(y, xg, g)
                return y, gx

            cases.append(Case(("torch", "f"), lambda: op.fwd(xt)))
            cases.append(Case(("torch", "vg"), fwd_autograd))
            if op.bwd is not None:
                cases.append(Case(("torch", "df"), op.backward(g, xt)))
        return cases


def _quiet(fn: Callable[[np.ndarray], Any], x: np.ndarray) -> Callable[[], Any]:
    def call():
        with np.errstate(all="ignore"):
            return fn(x)
    return call


def run(cfg: Config, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Time everything; return ``{"records", "errors", "memory", "notes", "setup"}``."""
    con = Contenders(cfg, log)
    gc.collect()
    gc.freeze()  # long-lived objects (SymPy, PyTorch) out of the collector's way
    records: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    torch = con.torch
    t_start = time.perf_counter()
    for dtype in cfg.dtypes:
        tops = con.torch_table(dtype)
        for n in cfg.sizes:
            x = make_input(n, dtype, cfg.seed, cfg.scale)
            for ti, threads in enumerate(cfg.threads):
                if torch is not None:
                    torch.set_num_threads(threads)
                t0 = time.perf_counter()
                for name in con.names:
                    cases = con.cases(name, x, threads, numpy_baselines=ti == 0, tops=tops)
                    timings, errs = time_group(cases, cfg.repeats_for(n), cfg.min_sample)
                    for (impl, op), tm in timings.items():
                        records.append({"dtype": dtype, "n": n, "threads": threads, "act": name,
                                        "impl": impl, "op": op, "t": tm.median, "low": tm.low,
                                        "high": tm.high, "calls": tm.calls,
                                        "out_dtype": tm.out_dtype})
                    for (impl, op), msg in errs.items():
                        errors.append({"dtype": dtype, "n": n, "threads": threads, "act": name,
                                       "impl": impl, "op": op, "error": msg})
                log(f"  {dtype} N={n:.0e} threads={threads}: {len(con.names)} activations "
                    f"in {time.perf_counter() - t0:.1f} s "
                    f"(total {time.perf_counter() - t_start:.0f} s)")
    mem = run_memory(cfg, con, log) if cfg.memory else []
    setup = {"threads_kw": con.threads_kw, "torch": torch is not None,
             "piecewise_linear": sorted(con.piecewise_linear),
             "torch_calls": {k: v.call for k, v in con.torch_table("float64").items()},
             "names": con.names, "seconds": time.perf_counter() - t_start}
    return {"records": records, "errors": errors, "memory": mem, "notes": con.notes,
            "setup": setup}


def run_memory(cfg: Config, con: Contenders, log: Callable[[str], None]) -> list[dict[str, Any]]:
    """Peak additional memory of each contender at ``cfg.mem_n`` (one call each).

    symacts' kernels are also measured at ``cfg.mem_n // 10``: scratch that does not grow with N
    is O(block); a full-size temporary grows tenfold.
    """
    t0 = time.perf_counter()
    threads = max(cfg.threads)
    if con.torch is not None:
        con.torch.set_num_threads(threads)
    tops = con.torch_table(cfg.mem_dtype)
    out = []
    memory.force_mmap()
    tracemalloc.start()
    try:
        for n in (cfg.mem_n // 10, cfg.mem_n):
            x = make_input(n, cfg.mem_dtype, cfg.seed, cfg.scale)
            for name in con.names:
                for case in con.cases(name, x, threads, numpy_baselines=n == cfg.mem_n,
                                      tops=tops if n == cfg.mem_n else {}):
                    impl, op = case.key
                    if impl == "memcpy" or op == "f_out":
                        continue
                    try:
                        m = memory.measure(case.fn)
                    except Exception:  # the timing pass reports the error
                        continue
                    out.append({"act": name, "impl": impl, "op": op, "traced": m.traced,
                                "rss": m.rss, "outputs": m.outputs, "array": x.nbytes,
                                "n": n, "dtype": cfg.mem_dtype, "threads": threads})
    finally:
        tracemalloc.stop()
    log(f"  memory at N={cfg.mem_n:.0e} {cfg.mem_dtype}: {time.perf_counter() - t0:.1f} s")
    return out
