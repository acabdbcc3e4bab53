#!/usr/bin/env python3
"""Benchmark the generated kernels against the tutorial's NumPy code, naive lambdify, PyTorch
and memcpy; print the tables and write generated/BENCHMARKS.md.

``symacts`` is the backend that serves (``symacts.kernels.BACKEND``: the compiled kernels when
built). With the compiled backend the run also times the NumPy backend beside it and swish as
``x·torch.sigmoid(βx)``, measures PyTorch's float32 GELU against mpmath, and reports the compiled
targets on best-of-threads ratios (scripts/bench/compiled.py).

    python scripts/bench_kernels.py                    # full run (~8 min on 2 cores)
    python scripts/bench_kernels.py --quick            # N = 1e4 and 1e6, 3 rounds, no file
    python scripts/bench_kernels.py --only mish,gelu   # some activations (no file unless --md)
    python scripts/bench_kernels.py --json run.json    # also keep the raw records

PyTorch is optional (`pip install torch==2.13.0`, a CPU wheel); without it the PyTorch columns
are skipped. BENCHMARKS.md is not part of scripts/regenerate.py: timings are not reproducible.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import compiled, primitives, report, runner  # noqa: E402

DEFAULT_MD = ROOT / "generated" / "BENCHMARKS.md"


def _ints(text: str) -> list[int]:
    return [int(float(t)) for t in text.split(",") if t.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="N = 1e4 and 1e6, 3 rounds, memory at 1e6; writes no file unless --md")
    ap.add_argument("--only", help="comma-separated activation names (aliases accepted)")
    ap.add_argument("--sizes", type=_ints, help="comma-separated N (default 1e4,1e5,1e6,1e7)")
    ap.add_argument("--dtypes", help="comma-separated, default float32,float64")
    ap.add_argument("--threads", type=_ints, help="comma-separated thread counts "
                    "(default 1 and all usable cores)")
    ap.add_argument("--repeats", type=int,
                    help="rounds for every N (default 7; 5 at 1e6, 3 at 1e7)")
    ap.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    ap.add_argument("--no-lambdify", action="store_true", help="skip naive lambdify")
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory pass")
    ap.add_argument("--mem-n", type=lambda s: int(float(s)), help="N for memory (default 1e7)")
    ap.add_argument("--md", help=f"write the report here ('-': nowhere; default "
                    f"{DEFAULT_MD.relative_to(ROOT)} for a full run)")
    ap.add_argument("--json", help="also write the raw records as JSON")
    ap.add_argument("--from-json", help="write the report (--md, default "
                    f"{DEFAULT_MD.relative_to(ROOT)}) from the records of an earlier --json run "
                    "instead of measuring")
    return ap.parse_args(argv)


def config(args: argparse.Namespace) -> runner.Config:
    cfg = runner.Config()
    if args.quick:
        cfg.sizes = [10**4, 10**6]
        cfg.repeats, cfg.default_repeats = {}, 3
        cfg.mem_n = 10**6
    if args.sizes:
        cfg.sizes = args.sizes
    if args.dtypes:
        cfg.dtypes = [d.strip() for d in args.dtypes.split(",")]
        bad = [d for d in cfg.dtypes if d not in runner.DTYPES]
        if bad:
            raise SystemExit(f"unknown dtype(s) {bad}; choose from {sorted(runner.DTYPES)}")
    if args.threads:
        cfg.threads = args.threads
    cfg.threads = sorted(set(cfg.threads))
    if args.repeats:
        cfg.repeats, cfg.default_repeats = {}, args.repeats
    if args.only:
        cfg.only = [n.strip() for n in args.only.split(",") if n.strip()]
    cfg.use_torch = not args.no_torch
    cfg.use_lambdify = not args.no_lambdify
    cfg.memory = not args.no_memory
    if args.mem_n:
        cfg.mem_n = args.mem_n
    return cfg


def from_json(path: str, md: str) -> int:
    """The report of a measured run, from its ``--json`` records (nothing is timed)."""
    saved = json.loads(Path(path).read_text())
    env = saved.pop("env")
    result = saved
    command = result["setup"]["command"]
    cfg = config(parse_args(shlex.split(command)[2:]))
    text = report.markdown(result, env, command, cfg)
    if "load_end_extra" in result:
        ulps = result.get("gelu_ulps")
        if ulps is None and result["setup"].get("torch"):  # (records of an older run)
            torch = runner.load_torch()
            ulps = compiled.torch_gelu_ulps(torch) if torch is not None else None
        if "backend_reason" not in result:
            import symacts.kernels as K  # noqa: N812

            result["backend_reason"] = K.BACKEND_REASON
        lines = [f"## Compiled backend ({result['backend_reason']}; load "
                 f"{result['setup']['load_start']:.2f} at the start, "
                 f"{result['load_end_extra']:.2f} at the end)", "",
                 *compiled.evaluate(result["records"], result["setup"]["piecewise_linear"],
                                    ulps), ""]
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    Path(md).write_text(text, encoding="utf-8")
    print(f"wrote {md}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_json:
        return from_json(args.from_json, args.md or str(DEFAULT_MD))
    cfg = config(args)
    command = "python scripts/bench_kernels.py" + (
        " " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
        if (argv if argv is not None else sys.argv[1:]) else "")
    partial = args.quick or args.only or args.sizes or args.dtypes or args.threads \
        or args.repeats or args.no_torch or args.no_lambdify or args.no_memory
    md = args.md or ("-" if partial else str(DEFAULT_MD))
    print(f"sizes {cfg.sizes}, dtypes {cfg.dtypes}, threads {cfg.threads}", flush=True)
    import symacts.kernels as K  # noqa: N812

    torch = runner.load_torch() if cfg.use_torch else None
    env = report.environment(ROOT, torch, runner.kernel_threads_supported(K))  # as loaded
    load0 = os.getloadavg()[0]
    result = runner.run(cfg, log=lambda s: print(s, flush=True))
    result["setup"]["load_start"] = round(load0, 2)
    result["setup"]["load_end"] = round(os.getloadavg()[0], 2)
    result["setup"]["command"] = command
    result["primitives"] = primitives.measure(tuple(cfg.dtypes))
    result["overhead"] = primitives.call_overhead(torch)
    lines = []
    if K.BACKEND == "compiled":
        extra = compiled.extra(cfg, torch, log=lambda s: print(s, flush=True))
        ulps = compiled.torch_gelu_ulps(torch) if torch is not None else None
        result["load_end_extra"] = round(os.getloadavg()[0], 2)
        result["gelu_ulps"], result["backend_reason"] = ulps, K.BACKEND_REASON
        lines = [f"## Compiled backend ({K.BACKEND_REASON}; load {load0:.2f} at the start, "
                 f"{result['load_end_extra']:.2f} at the end)", "",
                 *compiled.evaluate(result["records"] + extra,
                                    result["setup"]["piecewise_linear"], ulps), ""]
        result["records"] += extra
    print(report.console(result), flush=True)
    if lines:
        print("\n".join(lines), flush=True)
    if md != "-":
        path = Path(md)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = report.markdown(result, env, command, cfg)
        if lines:
            text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    if args.json:
        Path(args.json).write_text(json.dumps({"env": env, **result}, indent=1, default=str))
        print(f"wrote {args.json}")
    print("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
