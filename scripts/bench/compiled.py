"""The compiled backend's targets, on best-of-threads ratios from one run.

Speed-up = time of the other / time of symacts, each side at its best thread count (each
thread count is reported too). Records come from :func:`bench.runner.run` (``symacts`` is the
backend that serves: compiled when built) plus :func:`extra`: the NumPy backend beside it
(``numpy``), swish against ``x·torch.sigmoid(βx)``, and PyTorch's float32 GELU accuracy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .targets import geomean
from .timing import Case, time_group

LARGE = (10**6, 10**7)
TARGETS = {"vg_autograd": 3.0, "vg_autograd_min": 1.5, "vg_aten": 1.2, "fwd": 1.5,
           "fwd_min": 0.7, "fwd_named": 2.0, "pl_memcpy": 1.2, "small": 1.5}
NAMED = ("mish", "softplus", "logsigmoid", "elu", "selu", "celu", "swish")


def extra(cfg, torch, log) -> list[dict[str, Any]]:
    """Timings the main run lacks: the NumPy backend's f and vg, and swish in PyTorch."""
    import symacts.kernels as K  # noqa: N812

    from .runner import make_input

    out = []
    names = cfg.only or sorted(K.names())
    for dtype in cfg.dtypes:
        for n in cfg.sizes:
            x = make_input(n, dtype, cfg.seed, cfg.scale)
            for threads in cfg.threads:
                if torch is not None:
                    torch.set_num_threads(threads)
                for name in names:
                    f, _, vg = K.NUMPY.KERNELS[K.ALIASES.get(name, name)]
                    cases = [Case(("numpy", "f"), lambda f=f, x=x, th=threads: f(x, threads=th)),
                             Case(("numpy", "vg"),
                                  lambda vg=vg, x=x, th=threads: vg(x, threads=th))]
                    if name == "swish" and torch is not None:
                        xt = torch.from_numpy(x)
                        xg = xt.detach().requires_grad_(True)
                        g = torch.ones_like(xt)

                        def swish_vg(xg=xg, g=g):
                            y = xg * torch.sigmoid(1.0 * xg)
                            return y, torch.autograd.grad(y, xg, g)[0]

                        cases += [Case(("torch", "f"), lambda xt=xt: xt * torch.sigmoid(1.0 * xt)),
                                  Case(("torch", "vg"), swish_vg)]
                    timings, _ = time_group(cases, cfg.repeats_for(n), cfg.min_sample)
                    for (impl, op), tm in timings.items():
                        out.append({"dtype": dtype, "n": n, "threads": threads, "act": name,
                                    "impl": impl, "op": op, "t": tm.median, "low": tm.low,
                                    "high": tm.high, "calls": tm.calls,
                                    "out_dtype": tm.out_dtype})
            log(f"  extra (NumPy backend, swish in PyTorch) {dtype} N={n:.0e}")
    return out


def torch_gelu_ulps(torch) -> list[tuple[str, float]]:
    """PyTorch's float32 F.gelu against mpmath: max ULP on a few ranges of x."""
    import mpmath

    out = []
    for lo, hi in ((-1.0, 1.0), (-3.0, -1.0), (-9.0, -3.0)):
        x = np.linspace(lo, hi, 2001, dtype=np.float32)
        got = torch.nn.functional.gelu(torch.from_numpy(x)).numpy().astype(np.float64)
        worst = 0.0
        with mpmath.workdps(40):
            for xi, gi in zip(x, got, strict=True):
                xm = mpmath.mpf(float(xi))
                want = float(xm * mpmath.ncdf(xm))
                if want == 0:
                    continue
                ulp = float(np.spacing(np.float32(abs(want))))
                worst = max(worst, abs(gi - want) / ulp)
        out.append((f"[{lo:g}, {hi:g}]", worst))
    return out


def _best(t: dict, key_wo_threads: tuple) -> tuple[float | None, int | None]:
    best, at = None, None
    for (d, n, th, act, impl, op), v in t.items():
        if (d, n, act, impl, op) == key_wo_threads and (best is None or v < best):
            best, at = v, th
    return best, at


def evaluate(records: list[dict[str, Any]], piecewise_linear, gelu_ulps=None) -> list[str]:
    """Lines of the targets report (markdown bullet list and tables)."""
    t = {(r["dtype"], r["n"], r["threads"], r["act"], r["impl"], r["op"]): r["t"]
         for r in records}
    dtypes = sorted({r["dtype"] for r in records})
    sizes = sorted({r["n"] for r in records})
    acts = sorted({r["act"] for r in records})
    threads = sorted({r["threads"] for r in records})
    torch_acts = sorted({r["act"] for r in records if r["impl"] == "torch"})

    def ratio(d, n, act, other, ours):
        a, _ = _best(t, (d, n, act, *other))
        b, _ = _best(t, (d, n, act, "symacts", ours))
        return a / b if a and b else None

    def ratio_at(d, n, th, act, other, ours):
        a = t.get((d, n, th, act, *other))
        b = t.get((d, n, th, act, "symacts", ours))
        return a / b if a and b else None

    lines = []
    large = [(d, n) for d in dtypes for n in LARGE if n in sizes]

    def summary(label, other, ours, need, need_min=None, skip=()):
        vals, low = [], []
        per_th = {th: [] for th in threads}
        for d, n in large:
            for act in torch_acts:
                s = ratio(d, n, act, other, ours)
                if s is None:
                    continue
                vals.append(s)
                for th in threads:
                    v = ratio_at(d, n, th, act, other, ours)
                    if v:
                        per_th[th].append(v)
                if need_min is not None and s < need_min and (act, d) not in skip:
                    low.append(f"{act} {d} N={n:.0e} {s:.2f}×")
        if not vals:
            return
        g = geomean(vals)
        met = g >= need and not low
        ths = ", ".join(f"{th} thread{'s' if th > 1 else ''} {geomean(v):.2f}×"
                        for th, v in per_th.items() if v)
        lines.append(f"- {label}: geo-mean {g:.2f}× best-of-threads (need ≥ {need:g}"
                     + (f", none < {need_min:g}" if need_min else "") + f"; {ths}); "
                     + ("**met**" if met else "not met")
                     + (f"; below: {', '.join(low[:12])}" if low else ""))

    summary("value_and_grad vs PyTorch forward + autograd", ("torch", "vg"), "vg",
            TARGETS["vg_autograd"], TARGETS["vg_autograd_min"])
    summary("value_and_grad vs PyTorch `aten` backward", ("torch", "df"), "vg",
            TARGETS["vg_aten"])
    summary("forward vs torch.nn.functional", ("torch", "f"), "f", TARGETS["fwd"],
            TARGETS["fwd_min"], skip={("gelu", "float32")})
    named = []
    for d, n in large:
        for act in NAMED:
            s = ratio(d, n, act, ("torch", "f"), "f")
            if s is not None:
                named.append((act, d, n, s))
    if named:
        bad = [f"{a} {d} N={n:.0e} {s:.2f}×" for a, d, n, s in named if s < TARGETS["fwd_named"]]
        lines.append(f"- forward of {', '.join(NAMED)} ≥ {TARGETS['fwd_named']:g}× "
                     f"(swish vs x·torch.sigmoid(βx)): "
                     f"{len(named) - len(bad)}/{len(named)}; "
                     + ("**met**" if not bad else "not met: " + ", ".join(bad[:12])))
    pl = []
    for d, n in large:
        for act in sorted(set(piecewise_linear) & set(acts)):
            a, _ = _best(t, (d, n, act, "symacts", "f_out"))
            m, _ = _best(t, (d, n, act, "memcpy", "copyto"))
            if a and m:
                pl.append((act, d, n, a / m))
    if pl:
        bad = [f"{a} {d} N={n:.0e} {r:.2f}" for a, d, n, r in pl if r > TARGETS["pl_memcpy"]]
        lines.append(f"- piecewise-linear forward with out= within {TARGETS['pl_memcpy']:g}× "
                     f"memcpy: {len(pl) - len(bad)}/{len(pl)}, median "
                     f"{sorted(r for *_, r in pl)[len(pl) // 2]:.2f}×; "
                     + ("**met**" if not bad else "not met: " + ", ".join(bad[:12])))
    small = []
    for d in dtypes:
        if 10**4 not in sizes:
            break
        for act in torch_acts:
            for op in ("f", "vg"):
                s = ratio(d, 10**4, act, ("torch", op), op)
                if s is not None:
                    small.append((act, d, op, s))
    if small:
        bad = [f"{a} {d} {op} {s:.2f}×" for a, d, op, s in small if s < 1 / TARGETS["small"]]
        gm = geomean(s for *_, s in small)
        lines.append(f"- N = 1e4: each call within {TARGETS['small']:g}× of PyTorch's: "
                     f"{len(small) - len(bad)}/{len(small)} (geo-mean {gm:.2f}×); "
                     + ("**met**" if not bad else "not met: " + ", ".join(bad[:12])))
    numpy_vs = [ratio(d, n, act, ("numpy", "vg"), "vg") for d, n in large for act in acts]
    numpy_vs = [v for v in numpy_vs if v]
    if numpy_vs:
        lines.append(f"- compiled vs NumPy backend (value_and_grad, best-of-threads): geo-mean "
                     f"{geomean(numpy_vs):.2f}×")
    if gelu_ulps:
        lines.append("- PyTorch float32 F.gelu against mpmath (max ULP): "
                     + ", ".join(f"{r}: {u:.3g}" for r, u in gelu_ulps))
    lines += ["", "Per activation, N = 1e6 and 1e7, best-of-threads speed-up over PyTorch "
              "(threads: symacts / PyTorch), and symacts' time as a multiple of memcpy:", "",
              "| activation | dtype | N | f vs F | vg vs fwd+autograd | vg vs aten | "
              "f ÷ memcpy | vg ÷ memcpy |", "|---|---|---|---|---|---|---|---|"]
    for act in acts:
        for d, n in large:
            cells = []
            for other, ours in ((("torch", "f"), "f"), (("torch", "vg"), "vg"),
                                (("torch", "df"), "vg")):
                a, ta = _best(t, (d, n, act, *other))
                b, tb = _best(t, (d, n, act, "symacts", ours))
                cells.append(f"{a / b:.2f}× ({tb}/{ta})" if a and b else "–")
            m, _ = _best(t, (d, n, act, "memcpy", "copyto"))
            for ours in ("f", "vg"):
                b, _ = _best(t, (d, n, act, "symacts", ours))
                cells.append(f"{b / m:.2f}" if b and m else "–")
            lines.append(f"| {act} | {d} | {n:.0e} | " + " | ".join(cells) + " |")
    return lines

