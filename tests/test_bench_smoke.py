"""Smoke run of the benchmark harness at N = 1000: structure only, no timing assertions."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from bench import baselines, report, runner
from bench.targets import Table, evaluate

import symacts
import symacts.kernels as K  # noqa: N812


@pytest.fixture(scope="module")
def result():
    cfg = runner.Config(sizes=[1000], dtypes=["float32", "float64"], threads=[1],
                        repeats={}, default_repeats=1, min_sample=1e-5, mem_n=1000)
    return runner.run(cfg, log=lambda s: None)


def test_every_kernel_and_baseline_gets_a_time(result):
    keys = {(r["dtype"], r["act"], r["impl"], r["op"]) for r in result["records"]}
    for d in ("float32", "float64"):
        for name in K.names():
            for op in ("f", "f_out", "df", "vg"):
                assert (d, name, "symacts", op) in keys
            assert (d, name, "memcpy", "copyto") in keys
            assert ((d, name, "lambdify", "f") in keys) != (name == "identity")
        for name, (_, df) in baselines.TUTORIAL.items():
            assert (d, name, "tutorial", "f") in keys
            assert ((d, name, "tutorial", "df") in keys) == (df is not None)
    assert not result["errors"]
    assert all(r["t"] > 0 and math.isfinite(r["t"]) for r in result["records"])


def test_ratios_positive_and_report_complete(result):
    tab = Table(result["records"])
    for name in K.names():
        for other, ours in ((("lambdify", "f"), "f"), (("memcpy", "copyto"), "f")):
            s = tab.speedup("float64", 1000, 1, name, other, ours)
            if name == "identity" and other[0] == "lambdify":  # lambdify returns x itself
                assert s is None
                continue
            assert s is not None and s > 0
    verdicts = evaluate(result)
    assert {v.target for v in verdicts} == {"1", "2", "3", "4", "5"}
    env = report.environment(_root(), None, False)
    md = report.markdown(result, env, "python scripts/bench_kernels.py", runner.Config(
        sizes=[1000], mem_n=1000))
    for section in ("## Machine and software", "## Targets", "## Peak memory"):
        assert section in md
    for name in K.names():
        assert f"| {name} |" in md or f"| {name} † |" in md
    mem = {(m["act"], m["impl"], m["op"], m["n"]) for m in result["memory"]}
    for name in K.names():
        for op in ("f", "df", "vg"):
            assert (name, "symacts", op, 1000) in mem
            assert (name, "symacts", op, 100) in mem


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


def test_torch_rows(result):
    torch = pytest.importorskip("torch", reason="PyTorch is an optional benchmark extra")
    from bench.torch_ops import torch_ops

    keys = {(r["act"], r["impl"], r["op"]) for r in result["records"]}
    for name, op in torch_ops(torch, torch.float64).items():
        assert (name, "torch", "f") in keys
        assert (name, "torch", "vg") in keys
        assert ((name, "torch", "df") in keys) == (op.bwd is not None)


def test_torch_ops_compute_the_same_functions():
    torch = pytest.importorskip("torch", reason="PyTorch is an optional benchmark extra")
    from bench.torch_ops import torch_ops

    x = np.random.default_rng(1).uniform(-7, 7, 200)
    xt = torch.from_numpy(x)
    g = torch.ones_like(xt)
    for name, op in torch_ops(torch, torch.float64).items():
        act = symacts.get(name)
        ref = sp.lambdify(act.x, act.expr.subs(act.defaults()), "mpmath")
        dref = sp.lambdify(act.x, act.derivative().subs(act.defaults()), "mpmath")
        with mpmath.workdps(30):
            want = np.array([float(ref(mpmath.mpf(v))) for v in x])
            dwant = np.array([float(dref(mpmath.mpf(v))) for v in x])
        np.testing.assert_allclose(op.fwd(xt).numpy(), want, rtol=1e-6, atol=1e-12,
                                   err_msg=name)
        if op.bwd is not None:
            np.testing.assert_allclose(op.backward(g, xt)().numpy(), dwant, rtol=1e-6,
                                       atol=1e-12, err_msg=name)


def test_tutorial_baselines_are_the_tutorial_functions():
    # The tutorial's softplus is log10(1 + e^x), and its Mish uses that softplus.
    def sp10(v):
        return mpmath.log10(1 + mpmath.exp(v))

    as_written = {"softplus": sp10, "mish": lambda v: v * mpmath.tanh(sp10(v))}
    x = np.random.default_rng(2).uniform(-5, 5, 50)
    with mpmath.workdps(30):
        for name, (f, _) in baselines.TUTORIAL.items():
            act = symacts.get(name)
            ref = as_written.get(name) or sp.lambdify(act.x, act.expr.subs(act.defaults()),
                                                      "mpmath")
            want = np.array([float(ref(mpmath.mpf(v))) for v in x])
            np.testing.assert_allclose(f(x), want, rtol=1e-9, atol=1e-12, err_msg=name)


def test_piecewise_linear_set():
    pl = set(baselines.piecewise_linear_names())
    assert {"relu", "leaky_relu", "relu6", "hardtanh", "hardsigmoid", "identity"} <= pl
    assert not pl & {"elu", "hardswish", "sparse_plus", "gelu", "softsign"}
