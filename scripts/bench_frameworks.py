#!/usr/bin/env python3
"""Forward + backward time and saved-tensor bytes of symacts.torch and symacts.jax.

    python scripts/bench_frameworks.py                  # N = 1e6, float32, 7 rounds (~3 min)
    python scripts/bench_frameworks.py --sizes 1e5,1e6 --dtype float64 --rounds 9
    python scripts/bench_frameworks.py --only mish,gelu --out bench.md

Contenders of one activation run in interleaved rounds (scripts/bench/timing.py) and the tables
give medians, so ratios stay comparable on a busy machine; the thread counts and the load
average before and after are printed with the results. Speed-up = other's time / symacts'.

* PyTorch: ``symacts.torch.NAME`` against ``torch.nn.functional`` (forward, then
  ``backward`` of the output with ones), and against autograd of the same formula written
  in torch ops, for activations PyTorch lacks and ones made with ``define``; bytes of the
  tensors autograd saved in the forward (``saved_tensors_hooks``).
* JAX: ``jax.jit(jax.value_and_grad(lambda x: fn(x).sum()))`` of ``symacts.jax.NAME`` against
  ``jax.nn``'s.

Targets (CPU): ≥ 1.5× PyTorch's built-ins in geometric mean; ≥ 2× autograd of the composed
formula for user-defined activations, with at most one saved array the size of the input;
JAX ≥ 1× ``jax.nn`` under ``jit``.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench.timing import Case, time_group  # noqa: E402


def _torch_builtins(torch):
    F = torch.nn.functional
    w = torch.tensor([0.25])
    return {
        "relu": (F.relu, {}), "relu6": (F.relu6, {}),
        "leaky_relu": (F.leaky_relu, {}),
        "prelu": (lambda x: F.prelu(x, w.to(x.dtype)), {}),
        "elu": (F.elu, {}), "selu": (F.selu, {}), "celu": (F.celu, {}),
        "gelu": (F.gelu, {}), "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), {}),
        "sigmoid": (torch.sigmoid, {}), "tanh": (torch.tanh, {}), "silu": (F.silu, {}),
        "mish": (F.mish, {}), "softplus": (F.softplus, {}), "softsign": (F.softsign, {}),
        "hardtanh": (F.hardtanh, {}), "hardsigmoid": (F.hardsigmoid, {}),
        "hardswish": (F.hardswish, {}), "hardshrink": (F.hardshrink, {}),
        "softshrink": (F.softshrink, {}), "tanhshrink": (F.tanhshrink, {}),
        "logsigmoid": (F.logsigmoid, {}),
    }


def _torch_composed(torch, symacts, st):
    """name -> (symacts function, the formula in torch ops, description); activations
    PyTorch lacks, a learnable parameter, and activations made with ``define``."""
    F = torch.nn.functional
    gate = symacts.define("bench_tanh_gate", "x*tanh(softplus(b*x))", params={"b": 1.0},
                          replace=True)
    erfgate = symacts.define("bench_erf_gate", "x*erf(a*x)/2 + x/2", params={"a": 0.7},
                             replace=True)
    bent = symacts.define("bench_sigmoid_mix", "x*sigmoid(x) + tanh(x)/4", replace=True)
    return {
        "squareplus": (st.squareplus, lambda x: (x + torch.sqrt(x * x + 4)) / 2, "catalog"),
        "isru": (st.isru, lambda x: x / torch.sqrt(1 + x * x), "catalog"),
        "bent_identity": (st.bent_identity, lambda x: (torch.sqrt(x * x + 1) - 1) / 2 + x,
                          "catalog"),
        "gaussian": (st.gaussian, lambda x: torch.exp(-x * x), "catalog"),
        "gelu_sigmoid": (st.gelu_sigmoid, lambda x: x * torch.sigmoid(1.702 * x), "catalog"),
        "swish(β learned)": ("swish", lambda x, b: x * torch.sigmoid(b * x), "β tensor"),
        "define x·tanh(softplus(b·x))": (st.function(gate),
                                         lambda x: x * torch.tanh(F.softplus(x)), "define"),
        "define x·erf(a·x)/2 + x/2": (st.function(erfgate),
                                      lambda x: x * torch.erf(0.7 * x) / 2 + x / 2, "define"),
        "define x·σ(x) + tanh(x)/4": (st.function(bent),
                                      lambda x: x * torch.sigmoid(x) + torch.tanh(x) / 4,
                                      "define"),
    }


def _saved_bytes(torch, fn) -> int:
    total = [0]

    def pack(t):
        total[0] += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn()
    return total[0]


def _geo(xs):
    xs = [v for v in xs if v and math.isfinite(v)]
    return math.exp(sum(math.log(v) for v in xs) / len(xs)) if xs else float("nan")


def bench_torch(n, dtype, rounds, only):
    import torch

    import symacts
    import symacts.torch as st

    dt = getattr(torch, dtype)
    gen = torch.Generator().manual_seed(0)
    x = (torch.randn(n, generator=gen) * 4).to(dt).requires_grad_()
    g = torch.ones(n, dtype=dt)

    def step(fn):
        def run():
            x.grad = None
            fn(x).backward(g)
        return run

    rows, ratios = [], []
    for name, (ref, _) in _torch_builtins(torch).items():
        if only and name not in only:
            continue
        ours = getattr(st, name)
        t, _ = time_group([Case("ours", step(ours)), Case("torch", step(ref))], rounds)
        sb_o = _saved_bytes(torch, lambda ours=ours: ours(x))
        sb_t = _saved_bytes(torch, lambda ref=ref: ref(x))
        r = t["torch"].median / t["ours"].median
        ratios.append(r)
        rows.append([name, f"{t['ours'].median * 1e3:.2f}", f"{t['torch'].median * 1e3:.2f}",
                     f"{r:.2f}×", f"{sb_o / x.numel() / x.element_size():.0f}",
                     f"{sb_t / x.numel() / x.element_size():.0f}"])
    comp_rows, comp_ratios = [], []
    beta = torch.tensor(1.3, dtype=dt, requires_grad=True)
    for name, (ours, ref, kind) in _torch_composed(torch, symacts, st).items():
        if only and not any(o in name for o in only):
            continue
        if ours == "swish":
            def o_fn(v):
                return st.swish(v, beta=beta)

            def r_fn(v, ref=ref):
                return ref(v, beta)
        else:
            o_fn, r_fn = ours, ref

        def step2(fn):
            def run():
                x.grad = None
                beta.grad = None
                fn(x).backward(g)
            return run

        t, _ = time_group([Case("ours", step2(o_fn)), Case("ops", step2(r_fn))], rounds)
        sb_o = _saved_bytes(torch, lambda o_fn=o_fn: o_fn(x))
        sb_t = _saved_bytes(torch, lambda r_fn=r_fn: r_fn(x))
        r = t["ops"].median / t["ours"].median
        if kind == "define":
            comp_ratios.append(r)
        unit = x.numel() * x.element_size()
        comp_rows.append([name, kind, f"{t['ours'].median * 1e3:.2f}",
                          f"{t['ops'].median * 1e3:.2f}", f"{r:.2f}×", f"{sb_o / unit:.2f}",
                          f"{sb_t / unit:.2f}"])
    return rows, ratios, comp_rows, comp_ratios, torch.get_num_threads()


def bench_jax(n, dtype, rounds, only):
    import jax

    if dtype == "float64":
        jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    import symacts.jax as sj

    N = jax.nn
    pairs = {
        "relu": N.relu, "relu6": N.relu6, "leaky_relu": N.leaky_relu, "elu": N.elu,
        "selu": N.selu, "celu": N.celu, "gelu": lambda x: N.gelu(x, approximate=False),
        "gelu_tanh": lambda x: N.gelu(x, approximate=True), "sigmoid": N.sigmoid,
        "tanh": N.tanh, "silu": N.silu, "mish": N.mish, "softplus": N.softplus,
        "softsign": N.soft_sign, "hardtanh": N.hard_tanh, "hardsigmoid": N.hard_sigmoid,
        "hardswish": N.hard_silu, "logsigmoid": N.log_sigmoid, "squareplus": N.squareplus,
        "sparse_plus": N.sparse_plus, "sparse_sigmoid": N.sparse_sigmoid,
    }
    x = jax.random.normal(jax.random.PRNGKey(0), (n,), dtype=getattr(jnp, dtype)) * 4
    rows, ratios = [], []
    for name, ref in pairs.items():
        if only and name not in only:
            continue
        ours = getattr(sj, name)
        vo = jax.jit(jax.value_and_grad(lambda v, f=ours: jnp.sum(f(v))))
        vr = jax.jit(jax.value_and_grad(lambda v, f=ref: jnp.sum(f(v))))
        t, _ = time_group([Case("ours", lambda vo=vo: jax.block_until_ready(vo(x))),
                           Case("jax", lambda vr=vr: jax.block_until_ready(vr(x)))], rounds)
        r = t["jax"].median / t["ours"].median
        ratios.append(r)
        rows.append([name, f"{t['ours'].median * 1e3:.2f}", f"{t['jax'].median * 1e3:.2f}",
                     f"{r:.2f}×"])
    return rows, ratios


def _table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="1e6", help="comma-separated N (default 1e6)")
    ap.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads(N)")
    ap.add_argument("--only", default="", help="comma-separated names")
    ap.add_argument("--skip", default="", help="torch and/or jax")
    ap.add_argument("--out", type=Path, help="also write the Markdown here")
    args = ap.parse_args()
    only = {s for s in args.only.split(",") if s}
    lines = ["# symacts.torch and symacts.jax: forward + backward", ""]
    load0 = os.getloadavg()
    t0 = time.perf_counter()
    head = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
            f"{args.dtype}; median of {args.rounds} interleaved rounds; load average before "
            f"{load0[0]:.1f}")
    for size in [int(float(s)) for s in args.sizes.split(",")]:
        if "torch" not in args.skip:
            import torch

            if args.threads:
                torch.set_num_threads(args.threads)
            rows, ratios, comp, comp_ratios, threads = bench_torch(size, args.dtype,
                                                                   args.rounds, only)
            lines += [f"## PyTorch {torch.__version__}, N = {size:.0e}, {threads} intra-op "
                      f"threads (symacts' kernels get the same count)", ""]
            lines += _table(["activation", "symacts ms", "F ms", "speed-up",
                             "saved (×N)", "F saved (×N)"], rows)
            lines += ["", f"Geometric mean vs torch.nn.functional: **{_geo(ratios):.2f}×** "
                      f"({sum(r >= 1 for r in ratios)}/{len(ratios)} at ≥ 1×; target ≥ 1.5×)",
                      ""]
            lines += _table(["activation", "kind", "symacts ms", "torch ops ms", "speed-up",
                             "saved (×N)", "torch ops saved (×N)"], comp)
            lines += ["", f"Geometric mean over the `define` rows: **{_geo(comp_ratios):.2f}×** "
                      "(target ≥ 2×, at most one saved array of the input's size)", ""]
        if "jax" not in args.skip:
            import jax

            rows, ratios = bench_jax(size, args.dtype, args.rounds, only)
            lines += [f"## JAX {jax.__version__} under jit, N = {size:.0e}, "
                      f"{jax.devices()[0].platform} ({os.cpu_count()} cores for XLA)", ""]
            lines += _table(["activation", "symacts ms", "jax.nn ms", "speed-up"], rows)
            lines += ["", f"Geometric mean vs jax.nn: **{_geo(ratios):.2f}×** "
                      f"({sum(r >= 1 for r in ratios)}/{len(ratios)} at ≥ 1×; target ≥ 1×)", ""]
    load1 = os.getloadavg()
    lines.insert(2, head + f", after {load1[0]:.1f}; {time.perf_counter() - t0:.0f} s")
    lines.insert(3, "")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
