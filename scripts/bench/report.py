"""Machine description, console tables and ``generated/BENCHMARKS.md`` for one run."""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from .targets import LARGE, Table, Verdict, evaluate, geomean

ENV_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
            "MKL_NUM_THREADS", "SYMACTS_KERNELS")


# ---- environment --------------------------------------------------------------------------------

def _cpuinfo() -> tuple[str, str]:
    model, flags = "unknown", ""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or model, flags
    for line in text.splitlines():
        if line.startswith("model name") and model == "unknown":
            model = line.split(":", 1)[1].strip()
        if line.startswith("flags") and not flags:
            have = set(line.split(":", 1)[1].split())
            flags = " ".join(f for f in ("sse4_2", "avx", "avx2", "fma", "avx512f") if f in have)
    return model, flags


def _meminfo() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _git(root: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def environment(root: Path, torch: Any | None, threads_kw: bool) -> dict[str, Any]:
    """What the numbers depend on: machine, versions, thread counts, kernel module version."""
    import numpy as np
    import scipy
    import sympy

    import symacts.kernels as K  # noqa: N812

    model, flags = _cpuinfo()
    try:
        ext = np.show_config(mode="dicts").get("SIMD Extensions", {})
        simd = (f"baseline {','.join(ext.get('baseline', []))}; "
                f"found {','.join(ext.get('found', []))}")
    except Exception:  # old NumPy without mode="dicts"
        simd = "?"
    src = Path(K._mod.__file__)
    rel = src.relative_to(root) if src.is_relative_to(root) else src
    env = {
        "cpu": model, "cpu_flags": flags, "cores": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory": _meminfo(), "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(), "numpy": np.__version__, "numpy_simd": simd,
        "scipy": scipy.__version__, "sympy": sympy.__version__,
        "torch": torch.__version__ if torch is not None else "not installed",
        "torch_default_threads": torch.get_num_threads() if torch is not None else None,
        "env": {v: os.environ.get(v, "unset") for v in ENV_VARS},
        "kernels_file": str(rel),
        "kernels_sha256": hashlib.sha256(src.read_bytes()).hexdigest()[:12],
        "kernels_commit": _git(root, "log", "-1", "--format=%h %cI %s", "--",
                               "generated/symacts_kernels.py"),
        "kernels_dirty": _git(root, "hash-object", str(src)) != _git(
            root, "rev-parse", "HEAD:generated/symacts_kernels.py"),
        "head": _git(root, "log", "-1", "--format=%h"),
        "threads_kw": threads_kw,
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    return env


# ---- formatting ---------------------------------------------------------------------------------

def _r(x: float | None) -> str:
    """A ratio: 2 significant figures, at least 2 decimals below 1."""
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def _ms(t: float | None) -> str:
    if t is None:
        return "–"
    ms = t * 1e3
    if ms >= 100:
        return f"{ms:.0f}"
    if ms >= 1:
        return f"{ms:.2f}"
    return f"{ms:.4f}"


def _n(n: int) -> str:
    return f"1e{len(str(n)) - 1}" if str(n).strip("0") == "1" else str(n)


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


CONFIG_HEAD = ["activation", "memcpy ms", "f ms", "f ×mc", "f ×copy", "f(out=) ×mc", "f' ×mc",
               "f,f' ×mc",
               "torch f / f", "torch f+autograd / f,f'", "aten bwd / f,f'", "aten bwd / f'",
               "tutorial f / f", "tutorial f' / f'", "lambdify f / f", "lambdify f' / f'"]


def config_rows(tab: Table, dtype: str, n: int, threads: int, acts: list[str]
                ) -> list[list[str]]:
    """One row per activation for one (dtype, N, threads), plus a geometric-mean row."""
    rows, cols = [], [[] for _ in CONFIG_HEAD[1:]]
    for act in acts:
        g = tab.get
        vals = [
            g(dtype, n, threads, act, "memcpy", "copyto"),
            g(dtype, n, threads, act, "symacts", "f"),
            tab.memcpy_multiple(dtype, n, threads, act, "f"),
            tab.memcpy_multiple(dtype, n, threads, act, "f", "copy"),
            tab.memcpy_multiple(dtype, n, threads, act, "f_out"),
            tab.memcpy_multiple(dtype, n, threads, act, "df"),
            tab.memcpy_multiple(dtype, n, threads, act, "vg"),
            tab.speedup(dtype, n, threads, act, ("torch", "f"), "f"),
            tab.speedup(dtype, n, threads, act, ("torch", "vg"), "vg"),
            tab.speedup(dtype, n, threads, act, ("torch", "df"), "vg"),
            tab.speedup(dtype, n, threads, act, ("torch", "df"), "df"),
            tab.speedup(dtype, n, threads, act, ("tutorial", "f"), "f"),
            tab.speedup(dtype, n, threads, act, ("tutorial", "df"), "df"),
            tab.speedup(dtype, n, threads, act, ("lambdify", "f"), "f"),
            tab.speedup(dtype, n, threads, act, ("lambdify", "df"), "df"),
        ]
        if vals[1] is None:
            continue
        for c, v in zip(cols, vals, strict=True):
            if v is not None:
                c.append(v)
        mark = ""
        if dtype == "float32" and tab.out_dtype.get(
                (dtype, n, tab.threads[0], act, "lambdify", "f")) == "float64":
            mark = " †"
        row = [_ms(vals[0]), _ms(vals[1])] + [_r(v) for v in vals[2:]]
        rows.append([act + mark, *row])
    geo = ["**geo-mean**", "", ""] + [f"**{_r(geomean(c))}**" if c else "–" for c in cols[2:]]
    rows.append(geo)
    return rows


def memory_rows(memory: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Peak additional memory / size of the outputs, per activation and contender (largest N),
    and symacts' scratch beyond the outputs in MiB at N/10 and N."""
    cols = [("symacts", "f"), ("symacts", "df"), ("symacts", "vg"), ("tutorial", "f"),
            ("tutorial", "df"), ("lambdify", "f"), ("lambdify", "df"), ("torch", "f"),
            ("torch", "vg"), ("torch", "df")]
    big = max(m["n"] for m in memory)
    head = ["activation", "ours f", "ours f'", "ours f,f'", "tutorial f", "tutorial f'",
            "lambdify f", "lambdify f'", "torch f", "torch f+autograd", "aten bwd",
            f"ours scratch MiB f / f' / f,f' at N={_n(big // 10)} → {_n(big)}"]
    by = {(m["act"], m["impl"], m["op"], m["n"]): m for m in memory}
    rows = []
    for act in sorted({m["act"] for m in memory}):
        row = [act]
        for impl, op in cols:
            m = by.get((act, impl, op, big))
            if m is None or not m["outputs"]:
                row.append("–")
                continue
            peak = m["rss"] if impl == "torch" else m["traced"]
            row.append("–" if peak is None else _r(max(peak, 0) / m["outputs"]))
        parts = []
        for op in ("f", "df", "vg"):
            a, b = by.get((act, "symacts", op, big // 10)), by.get((act, "symacts", op, big))
            parts.append("–" if a is None or b is None else
                         f"{(a['traced'] - a['outputs']) / 2**20:.1f}→"
                         f"{(b['traced'] - b['outputs']) / 2**20:.1f}")
        rows.append([*row, " / ".join(parts)])
    return head, rows


def geo_rows(tab: Table) -> tuple[list[str], list[list[str]]]:
    """Geometric means per (dtype, N, threads)."""
    head = ["dtype", "N", "threads", "torch f / f", "torch f+autograd / f,f'",
            "aten bwd / f,f'", "tutorial f / f", "tutorial f' / f'", "lambdify f / f",
            "lambdify f' / f'", "f ×memcpy", "f,f' ×memcpy"]
    spec = [(("torch", "f"), "f"), (("torch", "vg"), "vg"), (("torch", "df"), "vg"),
            (("tutorial", "f"), "f"), (("tutorial", "df"), "df"), (("lambdify", "f"), "f"),
            (("lambdify", "df"), "df")]
    rows = []
    for d in tab.dtypes:
        for n in tab.sizes:
            for t in tab.threads:
                row = [d, _n(n), str(t)]
                for other, ours in spec:
                    v = [tab.speedup(d, n, t, a, other, ours) for a in tab.acts]
                    v = [x for x in v if x is not None]
                    row.append(_r(geomean(v)) if v else "–")
                for op in ("f", "vg"):
                    v = [tab.memcpy_multiple(d, n, t, a, op) for a in tab.acts]
                    row.append(_r(geomean([x for x in v if x is not None])))
                rows.append(row)
    return head, rows


def verdict_rows(verdicts: list[Verdict]) -> list[list[str]]:
    names = {"1": "1. value_and_grad vs PyTorch", "2": "2. forward vs PyTorch and tutorial",
             "3": "3. piecewise-linear forward ≤ 1.5× memcpy",
             "4": "4. peak memory ≤ outputs + O(block)", "5": "5. N = 1e4, 1e5 within 2× PyTorch"}
    rows = []
    for v in sorted(verdicts, key=lambda v: (v.target, v.threads)):
        met = {True: "**met**", False: "**not met**", None: "n/a"}[v.met]
        th = "–" if v.target == "4" else str(v.threads)
        rows.append([names[v.target], th, met, v.summary])
    return rows


# ---- documents ----------------------------------------------------------------------------------

def markdown(result: dict[str, Any], env: dict[str, Any], command: str, cfg: Any) -> str:
    tab = Table(result["records"])
    verdicts = evaluate(result)
    setup = result["setup"]
    L: list[str] = []
    L += ["# Kernel benchmarks", "",
          f"Written by `{command}` on {env['date']} (run took {setup['seconds']:.0f} s). "
          "Timings are not reproducible, so this file is **not** rebuilt by "
          "`scripts/regenerate.py`; rerun the command to refresh it.", ""]
    L += ["## Machine and software", ""]
    th = ", ".join(str(t) for t in tab.threads)
    L += [f"- CPU: {env['cpu']} ({env['cpu_flags']}); {env['cores']} logical cores "
          f"({env['affinity']} usable); memory {env['memory']}; {env['os']}",
          f"- Python {env['python']}, NumPy {env['numpy']} (SIMD {env['numpy_simd']}), "
          f"SciPy {env['scipy']}, SymPy {env['sympy']}, PyTorch {env['torch']}",
          f"- Thread settings: {th}. PyTorch: `torch.set_num_threads(T)` (default "
          f"{env['torch_default_threads']}). symacts: "
          + ("`threads=T`" if env["threads_kw"] else
             "**n/a** — the kernels take no `threads=` argument (they run in one thread); "
             "the same single-threaded kernel is timed under every setting")
          + ". NumPy baselines (tutorial, lambdify) are single-threaded and timed once.",
          "- Environment: " + ", ".join(f"`{k}={v}`" for k, v in env["env"].items()),
          f"- Kernels: `{env['kernels_file']}` sha256 {env['kernels_sha256']}, "
          + ("**differs from** " if env["kernels_dirty"] else "identical to ")
          + "the committed `generated/symacts_kernels.py` of HEAD, last changed in "
          f"`{env['kernels_commit'] or '?'}`",
          f"- Repository HEAD {env['head']}. Load average (1 min) at start / end: "
          f"{setup.get('load_start', '?')} / {setup.get('load_end', '?')} on "
          f"{env['cores']} cores" + (" — **the machine was shared during the run; absolute "
                                     "times are inflated and noisy, and the multi-thread "
                                     "figures (PyTorch's OpenMP regions and symacts' thread "
                                     "pool wait for every thread) stall for a scheduler time "
                                     "slice whenever another process holds a core: trust the "
                                     "1-thread columns most**"
                                     if max(setup.get("load_start", 0),
                                            setup.get("load_end", 0)) > 1.0 else ""),
          ""]
    L += ["## Method", "",
          f"- Input: `{cfg.scale}·N(0,1)` samples (seed {cfg.seed}) in the dtype; all branches "
          "of the piecewise activations occur in random order.",
          "- Per activation, all contenders run in interleaved rounds (one call each per round, "
          "small arrays looped to ≥ " f"{cfg.min_sample * 1e3:.0f} ms per sample) after a "
          "warm-up; the table gives the **median** per call. Rounds: "
          + ", ".join(f"N={_n(n)}: {cfg.repeats_for(n)}" for n in tab.sizes) + ".",
          "- memcpy = `np.copyto(buf, x)` into a preallocated array (reads N, writes N; "
          "single-threaded). `×mc` = time / memcpy time of the same group. `×copy` = time / "
          "`x.copy()` (a new array: the page faults of fresh memory included, as in `f`); "
          "target 3 compares `f` with `x.copy()` and `f(out=)` with `copyto`.",
          "- Ratios are **speed-ups of symacts**: time of the other / time of symacts "
          "(> 1: symacts faster). `f` = `NAME(x)`, `f(out=)` = `NAME(x, out=buf)`, "
          "`f'` = `NAME_grad(x)`, `f,f'` = `NAME_value_and_grad(x)`.",
          "- PyTorch: `torch f` = the `torch.nn.functional` call on `torch.from_numpy(x)`; "
          "`torch f+autograd` = forward on a leaf with `requires_grad` then "
          "`torch.autograd.grad(y, x, ones)` (what a PyTorch user runs for f and f'); "
          "`aten bwd` = PyTorch's own backward kernel (`torch.ops.aten.*_backward`, grad = "
          "ones, forward output precomputed).",
          "- Tutorial: the tutorial's NumPy functions as written (its softplus uses log10). "
          "lambdify: `sympy.lambdify(x, expr, \"numpy\")` of the catalog definition and "
          "derivative at default parameters (`scipy` added for erf); † = returns float64 for "
          "float32 input; constant derivatives (lambdify returns a scalar) are left out.",
          "- Memory (N = " + _n(cfg.mem_n) + f" and N/10, {cfg.mem_dtype}, "
          f"{max(tab.threads)} threads): "
          "peak additional memory of one call / size of its outputs (1.00 = the outputs and "
          "nothing else). NumPy contenders: `tracemalloc` (NumPy reports every array buffer "
          "to it; exact). PyTorch: RSS high-water mark (`/proc/self/clear_refs` ← 5, then "
          "`VmHWM` − `VmRSS` before the call).",
          ""]
    L += ["## Targets of the NumPy backend", "",
          "The first kernel targets (the NumPy kernels against PyTorch, per thread setting), "
          "evaluated on whatever backend served this run; the compiled backend's own targets, "
          "on best-of-threads ratios, are in the last section. Evaluated on N = 1e6 and 1e7, "
          "float32 and float64 (targets 1–3), N = 1e4 and 1e5 (target 5).", ""]
    L += _table(["target", "threads", "verdict", "measured"], verdict_rows(verdicts))
    L += [""]
    for v in sorted(verdicts, key=lambda v: (v.target, v.threads)):
        if v.failures:
            th = "" if v.target == "4" else f", {v.threads} thread(s)"
            shown = v.failures if len(v.failures) <= 40 else [
                *v.failures[:40], f"… and {len(v.failures) - 40} more"]
            L += [f"<details><summary>Target {v.target}{th}: {len(v.failures)} failing "
                  "case(s)</summary>", "", *[f"- {f}" for f in shown], "", "</details>", ""]
    head, rows = geo_rows(tab)
    L += ["## Geometric means per configuration", "", *_table(head, rows), ""]
    acts = tab.acts
    big = max(tab.sizes)
    L += [f"## Per activation at N = {_n(big)}", ""]
    for d in tab.dtypes:
        for t in tab.threads:
            L += [f"### {d}, N = {_n(big)}, {t} thread(s)", "",
                  *_table(CONFIG_HEAD, config_rows(tab, d, big, t, acts)), ""]
    if result["memory"]:
        head, rows = memory_rows(result["memory"])
        L += ["## Peak memory", "",
              "Peak additional memory of one call ÷ size of its outputs (one array for f and "
              "f', two for value_and_grad), at N = " + _n(cfg.mem_n) + ". ≥ 2 for f means at "
              "least one full-size temporary. Last column: symacts' scratch beyond its outputs "
              "in MiB at N/10 and N (O(block) scratch does not grow with N).",
              "", *_table(head, rows), ""]
    if result.get("primitives"):
        prim = result["primitives"]
        dts = sorted({d for v in prim.values() for d in v})
        L += ["## Where the time goes: NumPy primitives", "",
              "Median ns per element on one block of 65536 elements (in cache), same run. A "
              "select with a random mask costs ~20× a copy; `x**3` goes through `np.power`; "
              "`hypot`, `sin` (float64) and SciPy's `ndtr`/`erf`/`expit` are scalar loops.", "",
              *_table(["operation", *[f"{d} ns/elem" for d in dts]],
                      [[k, *[f"{v.get(d, float('nan')):.2f}" for d in dts]]
                       for k, v in prim.items()]), ""]
    if result.get("overhead"):
        L += ["Fixed cost per call (1-element float64 array, µs): " + ", ".join(
            f"{k} {v:.1f}" for k, v in result["overhead"].items()) + ".", ""]
    rest = [n for n in tab.sizes if n != big]
    if rest:
        L += ["## Other sizes", ""]
        for n in sorted(rest, reverse=True):
            for d in tab.dtypes:
                for t in tab.threads:
                    L += [f"### {d}, N = {_n(n)}, {t} thread(s)", "",
                          *_table(CONFIG_HEAD, config_rows(tab, d, n, t, acts)), ""]
    if result["errors"]:
        L += ["## Errors", ""]
        L += [f"- {e['act']} {e['impl']} {e['op']} ({e['dtype']}, N={_n(e['n'])}): {e['error']}"
              for e in result["errors"]]
        L += [""]
    if result["setup"].get("torch_calls"):
        L += ["## PyTorch calls", "",
              *[f"- {k}: `{v}`" for k, v in sorted(result["setup"]["torch_calls"].items())], ""]
    return "\n".join(L) + "\n"


def console(result: dict[str, Any]) -> str:
    """Short console summary: verdicts, geo-means and the largest-N tables."""
    tab = Table(result["records"])
    L = []
    for v in sorted(evaluate(result), key=lambda v: (v.target, v.threads)):
        met = {True: "MET", False: "NOT MET", None: "n/a"}[v.met]
        L.append(f"target {v.target} (threads {v.threads}): {met}: {v.summary}")
        for f in v.failures[:8]:
            L.append(f"    {f}")
        if len(v.failures) > 8:
            L.append(f"    … {len(v.failures) - 8} more")
    head, rows = geo_rows(tab)
    L += ["", *_table(head, rows), ""]
    big = max(n for n in tab.sizes if n in LARGE) if any(n in LARGE for n in tab.sizes) \
        else max(tab.sizes)
    for d in tab.dtypes:
        for t in tab.threads:
            L += [f"{d}, N = {_n(big)}, {t} thread(s)",
                  *_table(CONFIG_HEAD, config_rows(tab, d, big, t, tab.acts)), ""]
    return "\n".join(L)
