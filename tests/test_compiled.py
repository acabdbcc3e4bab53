"""The compiled kernels: the printed C against the NumPy kernels (which compute the IR's
semantics bit for bit), the ufunc protocol, threads, dask, backend choice, the optional build."""

import json
import os
import re
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest

import symacts
import symacts.kernels as K  # noqa: N812
from symacts.emit.c_printer import CPrinter, c_name
from symacts.emit.ir import EmitError
from symacts.verify.ulps import kink_floats, sweep_points

ROOT = Path(__file__).resolve().parent.parent
GENERATED_C = ROOT / "generated" / "c" / "symacts_kernels.inc"
ext = pytest.importorskip("symacts.kernels._compiled",
                          reason="the compiled kernels are not built (no compiler or SLEEF)")
U = ext.UFUNCS
META = json.loads(ext.METADATA)
ACTS = [a for a in symacts.all_activations() if not a.user_defined]
NAMES = [a.name for a in ACTS]
ISAS = [i for i in ("scalar", "avx2", "avx512") if ext.supported(i)]
#: the ufuncs of every instruction set this CPU runs
BY_ISA = {i: (U if i == ext.ISA else ext.build_ufuncs(i)) for i in ISAS}

#: vector API calls that are not exactly rounded IEEE operations (SLEEF, or built on SLEEF)
_TRANSCENDENTAL = re.compile(
    r"\bv_(exp|expm1|log|log1p|tanh|sinh|cosh|sin|cos|tan|atan|asinh|erf|erfc|cbrt|pow|hypot"
    r"|phi|sigmoid|dsigmoid|softplus|sech2|expnegabs|sigmoid_t|softplus_t)\(")


def _kernel_bodies() -> dict[str, str]:
    text = GENERATED_C.read_text()
    parts = re.split(r"SY_INLINE void SFX\((\w+)\)", text)
    return {parts[i]: parts[i + 1].split("SY_INLINE M SFX", 1)[0]
            for i in range(1, len(parts), 2)}


BODIES = _kernel_bodies()


def _exact(name: str, key: str) -> bool:
    """The kernel uses only exactly rounded operations (so it must give NumPy's bits)."""
    return not _TRANSCENDENTAL.search(BODIES[f"{name}_{key}"])


def _bits(a):
    a = np.ascontiguousarray(a)
    return a.view(np.int32 if a.dtype == np.float32 else np.int64)


def _moved(p) -> float:
    d = p.default_float
    return d * 1.5 + 0.25 if p.domain in ("positive", "nonnegative") or d > 0 else d - 0.5


def _param_sets(act):
    sets = [{p.name: p.default_float for p in act.param_specs}]
    if act.param_specs:
        moved = {p.name: _moved(p) for p in act.param_specs}
        try:
            act.check_params(moved)
            sets.append(moved)
        except Exception:
            pass
    return sets


def _numpy_outputs(name, key, x, params):
    f, g, vg = K.NUMPY.KERNELS[name]
    if key == "f":
        return [f(x, **params)]
    if key == "df":
        return [g(x, **params)]
    if key == "vg":
        return list(vg(x, **params))
    return [g(x, wrt=key[2:], **params)]


@pytest.mark.parametrize("act", ACTS, ids=NAMES)
def test_printed_c_gives_the_numpy_kernels_bits(act):
    """Every kernel without a transcendental call returns the NumPy kernels' bits (−0, kinks,
    limits at ±∞ included; NaN in gives x's own NaN) on the accuracy sweep's points, on every
    instruction set this CPU runs; with transcendentals, the same NaN and ±inf places and the
    same bits at the special points (±0, ±inf, NaN, kinks; within 4 ULP with parameters off
    their defaults, whose expressions NumPy rounds in float64)."""
    entry = META[act.name]
    kinks = kink_floats(act)
    for dt in (np.float32, np.float64):
        x = sweep_points(dt, kinks=kinks)
        special = ~np.isfinite(x) | (x == 0) | np.isin(x, np.asarray(kinks, dt))
        sets = _param_sets(act)
        for params in sets:
            pv = [dt(params[p[0]]) for p in entry["params"]]
            for key, uname in entry["kernels"].items():
                want = _numpy_outputs(act.name, key, x, params)
                for isa in ISAS:
                    with np.errstate(all="ignore"):
                        got = BY_ISA[isa][uname](x, *pv)
                    got = got if isinstance(got, tuple) else (got,)
                    for g, w in zip(got, want, strict=True):
                        assert g.dtype == w.dtype == dt
                        # NaN in: x's own NaN (bits) from every compiled kernel
                        own = np.isnan(x) & (_bits(g) == _bits(x)) & np.isnan(w)
                        if _exact(act.name, key):
                            same = (_bits(g) == _bits(w)) | own
                            same |= ~np.isnan(x) & np.isnan(g) & np.isnan(w)
                        else:
                            same = (np.isnan(g) == np.isnan(w)) & (np.isinf(g) == np.isinf(w))
                            same &= ~np.isinf(w) | (g == w)
                            same &= ~np.isnan(x) | own
                            at = (_bits(g) == _bits(w)) | (np.isnan(g) & np.isnan(w))
                            if params is not sets[0]:  # parameter expressions: NumPy rounds
                                eps = np.finfo(dt).eps  # them in float64, C in the dtype
                                with np.errstate(invalid="ignore"):
                                    at |= np.abs(g - w) <= 4 * eps * np.abs(w)
                            same &= ~special | at
                        assert same.all(), (uname, isa, params, x[~same][:4], g[~same][:4],
                                            w[~same][:4])


def test_ufunc_protocol():
    uf = U["swish"]
    assert isinstance(uf, np.ufunc) and uf.nin == 2 and uf.nout == 1
    assert uf.types == ["ff->f", "dd->d"]
    assert U["gelu_value_and_grad"].nout == 2
    x32 = np.linspace(-4, 4, 33, dtype=np.float32)
    assert uf(x32, 1.5).dtype == np.float32 and uf(x32.astype(np.float64), 1.5).dtype == np.float64
    # parameters broadcast per element: a column of betas against a row of x
    betas = np.array([[0.5], [1.0], [2.0]])
    r = uf(x32[None, :].astype(np.float64), betas)
    for i, b in enumerate(betas[:, 0]):
        assert r[i].tobytes() == uf(x32.astype(np.float64), b).tobytes()
        np.testing.assert_allclose(r[i], K.NUMPY.swish(x32.astype(np.float64), beta=b),
                                   rtol=1e-15, atol=1e-300)
    # out= and where=
    out = np.full(33, -7.0, np.float32)
    U["mish"](x32, out=out, where=x32 > 0)
    np.testing.assert_array_equal(out[x32 > 0], U["mish"](x32)[x32 > 0])
    assert (out[x32 <= 0] == -7).all()
    f, d = np.empty_like(x32), np.empty_like(x32)
    r1, r2 = U["silu_value_and_grad"](x32, out=(f, d))
    assert r1 is f and r2 is d
    np.testing.assert_array_equal(f, U["silu"](x32))
    np.testing.assert_array_equal(d, U["silu_grad"](x32))
    # the ufuncs module: every name and alias
    from symacts.kernels import ufuncs

    assert ufuncs.mish is U["mish"] and ufuncs.swish_grad_beta is U["swish_grad_beta"]
    for name, e in META.items():
        for a in e["aliases"]:
            assert getattr(ufuncs, a) is U[name]
    with pytest.raises(AttributeError, match="no ufunc"):
        ufuncs.not_an_activation  # noqa: B018


def test_parameters_outside_their_domain_give_nan_and_warn():
    x = np.linspace(-2, 2, 9)
    with pytest.warns(RuntimeWarning, match="invalid value"):
        r = U["softplus"](x, np.array([1.0, -1.0, 2.0, 1.0, 0.0, 1.0, 1.0, 3.0, -2.0]))
    bad = np.array([0, 1, 0, 0, 1, 0, 0, 0, 1], bool)
    assert np.isnan(r[bad]).all() and np.isfinite(r[~bad]).all()
    with pytest.warns(RuntimeWarning, match="invalid value"):
        assert np.isnan(U["hardtanh"](0.5, 1.0, -1.0))  # min_val < max_val broken
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # valid parameters: no warning, whatever x is
        U["softplus"](np.array([np.nan, np.inf, -np.inf, 1e308]), 2.0)
    with pytest.raises(ValueError, match="beta"):
        K.softplus(x, beta=-1.0)  # the functions check before calling


@pytest.mark.parametrize("name", ["mish", "leaky_relu", "sinc", "hardswish", "celu"])
def test_any_length_stride_and_split_gives_the_same_bits(name):
    """Main loop, padded tail, gathered strided input and the element alone agree bit for bit
    (so no split of an array over threads can change a result)."""
    entry = META[name]
    rng = np.random.default_rng(5)
    for dt in (np.float32, np.float64):
        x = (rng.standard_normal(203) * 6).astype(dt)
        x[::17], x[3::29] = np.nan, -np.inf
        x[5] = -0.0
        ps = [dt(p[1]) for p in entry["params"]]
        for uname in entry["kernels"].values():
            uf = U[uname]
            whole = uf(x, *ps)
            whole = whole if isinstance(whole, tuple) else (whole,)
            single = [uf(x[i:i + 1], *ps) for i in range(len(x))]
            single = [np.concatenate([s[k] if isinstance(s, tuple) else s for s in single])
                      for k in range(uf.nout)]
            strided = uf(np.repeat(x, 3)[::3], *ps)
            strided = strided if isinstance(strided, tuple) else (strided,)
            for n in (1, 7, 8, 9, 33, 203):
                part = uf(x[:n], *ps)
                part = part if isinstance(part, tuple) else (part,)
                for a, b in zip(part, whole, strict=True):
                    assert a.tobytes() == b[:n].tobytes(), (uname, n)
            for a, b, c in zip(whole, single, strided, strict=True):
                assert a.tobytes() == b.tobytes() == c.tobytes(), uname
            # input and output at every offset from a vector boundary (the loop aligns its
            # stores with a head of lone lanes)
            big = np.tile(x, 4)
            want = uf(big, *ps)
            want = want if isinstance(want, tuple) else (want,)
            for off_x, off_o in ((1, 1), (3, 3), (1, 5), (0, 7), (6, 0)):
                xs = np.concatenate([np.zeros(off_x, dt), big])[off_x:]
                outs = tuple(np.empty(len(big) + off_o, dt)[off_o:] for _ in range(uf.nout))
                uf(xs, *ps, out=outs if uf.nout > 1 else outs[0])
                for a, b in zip(outs, want, strict=True):
                    assert a.tobytes() == b.tobytes(), (uname, off_x, off_o)


def _grouped_kernels() -> set[str]:
    """C names of the kernels whose loops say SY_GROUPED (lanes not computed alone)."""
    return set(re.findall(r"^SY_DEFINE_LOOP\((\w+), .*SY_GROUPED", GENERATED_C.read_text(),
                          re.MULTILINE))


def test_every_lane_is_computed_alone_unless_the_loop_says_grouped():
    """Each element alone gives the bits it gets among any neighbours (huge, tiny, inf and NaN
    ones included), for every kernel not marked SY_GROUPED: so a loop may start its vectors
    wherever its stores align. The grouped ones are those calling SLEEF's sin and cos."""
    grouped = _grouped_kernels()
    assert grouped == {f"{n}_{k}" for n in ("sinc", "sinusoid") for k in ("f", "df", "vg")}
    rng = np.random.default_rng(0)
    for dt in (np.float32, np.float64):
        x = np.concatenate([rng.standard_normal(300) * 3, rng.standard_normal(100) * 200,
                            rng.standard_normal(60) * 1e6,
                            [np.inf, -np.inf, np.nan, 0.0, -0.0, 1e-40, 1e30, -1e30,
                             np.finfo(dt).max, np.finfo(dt).tiny / 4]]).astype(dt)
        rng.shuffle(x)
        g = (rng.standard_normal(len(x)) * 2).astype(dt)
        for name, entry in META.items():
            ps = [dt(p[1]) for p in entry["params"]]
            kernels = [(c_name(name) + "_" + k, u, False) for k, u in entry["kernels"].items()]
            kernels.append((c_name(name) + "_df", entry["vjp"], True))
            for cname, uname, with_g in kernels:
                if cname in grouped:
                    continue
                uf = U[uname]
                with np.errstate(all="ignore"):
                    whole = uf(x, *ps, *([g] if with_g else []))
                    alone = [uf(x[i:i + 1], *ps, *([g[i:i + 1]] if with_g else []))
                             for i in range(len(x))]
                whole = whole if isinstance(whole, tuple) else (whole,)
                for k, w in enumerate(whole):
                    a = np.concatenate([r[k] if isinstance(r, tuple) else r for r in alone])
                    assert a.tobytes() == w.tobytes(), (uname, dt)


def test_threads_give_bit_identical_results(monkeypatch):
    from symacts.kernels import compiled

    monkeypatch.setattr(compiled, "GRAIN", 1000)
    rng = np.random.default_rng(2)
    for dt in (np.float32, np.float64):
        x = (rng.standard_normal(50_001) * 10).astype(dt)
        x[::101] = np.nan
        for name in ("mish", "gelu", "prelu", "rrelu"):
            k = K.kernel_for(name)
            want = [k.f(x, threads=1), k.grad(x, threads=1), *k.value_and_grad(x, threads=1)]
            for t in (2, 3):
                got = [k.f(x, threads=t), k.grad(x, threads=t), *k.value_and_grad(x, threads=t)]
                assert [g.tobytes() for g in got] == [w.tobytes() for w in want]
            out = np.empty_like(x)
            assert k.f(x, threads=2, out=out) is out and out.tobytes() == want[0].tobytes()


def test_thread_pool_from_several_threads_and_after_fork():
    """Python threads splitting at once (one region at a time: the others run serially) and
    a forked child (which starts with no workers) give the serial bits."""
    import multiprocessing

    x = (np.random.default_rng(4).standard_normal(300_000) * 8).astype(np.float32)
    want = K.mish(x, threads=1).tobytes()
    got: list[bytes] = []

    def work():
        for _ in range(5):
            got.append(K.mish(x, threads=2).tobytes())

    ts = [threading.Thread(target=work) for _ in range(3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert len(got) == 15 and all(g == want for g in got)
    assert U["mish"](x).tobytes() == want  # a ufunc called directly: serial
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        assert pool.apply(_mish_bytes, (x,)) == want


def _mish_bytes(x):
    return K.mish(x, threads=2).tobytes()


def test_the_gil_is_released():
    """Python in another thread runs while a long ufunc call computes."""
    x = np.linspace(-5, 5, 8_000_000)
    started = threading.Event()
    done = threading.Event()

    def work():
        started.set()
        for _ in range(3):
            U["gelu_value_and_grad"](x)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    started.wait()
    ticks = 0
    while not done.is_set():
        ticks += 1
    t.join()
    assert ticks > 1000


def test_dask_arrays_stay_lazy():
    da = pytest.importorskip("dask.array")
    x = np.linspace(-6, 6, 10_000)
    d = da.from_array(x, chunks=2_500)
    r = K.mish(d)
    assert isinstance(r, da.Array) and r.chunks == d.chunks
    np.testing.assert_array_equal(r.compute(), K.mish(x))
    f, g = K.swish_value_and_grad(d, beta=2.0)
    assert isinstance(f, da.Array) and isinstance(g, da.Array)
    np.testing.assert_array_equal(g.compute(), K.swish_grad(x, beta=2.0))
    with pytest.raises(ValueError, match="beta"):
        K.softplus(d, beta=-1.0)


def test_backend_choice():
    assert K.BACKEND == "compiled" or os.environ.get("SYMACTS_BACKEND") == "numpy"
    code = ("import symacts.kernels as K, json; print(json.dumps([K.BACKEND, "
            "K.mish is K.NUMPY.mish]))")
    env = {**os.environ, "SYMACTS_BACKEND": "numpy"}
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                       text=True, check=True)
    assert json.loads(r.stdout) == ["numpy", True]
    env = {**os.environ, "SYMACTS_BACKEND": "fortran"}
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                       text=True)
    assert r.returncode != 0 and "SYMACTS_BACKEND must be" in r.stderr
    env = {**os.environ, "SYMACTS_SIMD": "scalar", "SYMACTS_BACKEND": "compiled"}
    code = "import symacts.kernels as K; print(K.BACKEND_REASON)"
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                       text=True, check=True)
    assert "scalar" in r.stdout


def test_printer_is_strict():
    import sympy as sp

    x = sp.Symbol("x")
    pr = CPrinter(x, {x: "x"})
    assert pr(x * 2 + 1) == "((C(2.0) * x) + C(1.0))"
    with pytest.raises(EmitError, match="besselj"):
        pr(sp.besselj(0, x))
    with pytest.raises(EmitError, match="unknown symbol"):
        pr(sp.Symbol("y") + x)
    with pytest.raises(EmitError, match="C kernel name"):
        c_name("my-act")


def test_install_without_a_compiler_still_succeeds(tmp_path):
    """The extension is optional: a failing compiler gives one line and a zero exit, and no
    extension of an earlier build stays behind."""
    env = {**os.environ, "CC": "/bin/false", "LDSHARED": "/bin/false"}
    stale = tmp_path / "lib" / "symacts" / "kernels" / Path(ext.__file__).name
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"left by an earlier build")
    r = subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--build-lib",
                        str(tmp_path / "lib"), "--build-temp", str(tmp_path / "tmp")],
                       cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("symacts:")]
    assert len(lines) == 1 and "NumPy kernels serve" in lines[0]
    assert not list((tmp_path / "lib").rglob("*.so"))


def test_defined_activations_compile_at_run_time(tmp_path, monkeypatch):
    """symacts.define → the same C printer, compiled once and cached on disk by a hash."""
    from symacts.kernels import runtime

    monkeypatch.setenv("SYMACTS_CACHE", str(tmp_path))
    monkeypatch.setattr(runtime, "_LOADED", {})
    my = symacts.define("my_softish_c", "x*tanh(log(1 + exp(b*x)))", params={"b": 1.0})
    k = K.kernel_for(my)
    assert "SY_INLINE void SFX(my_softish_c_f)" in k.source
    cached = list(tmp_path.glob("symacts_user_*"))
    assert len(cached) == 1
    x = np.linspace(-30, 30, 601)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert k.f(1000.0) == 1000.0 and k.grad(np.inf) == 1.0
        np.testing.assert_allclose(k.f(x), K.mish(x), rtol=4e-16, atol=1e-300)
        numpy_grad = symacts.emit.compile_activation(my).KERNELS["my_softish_c"][1]
        np.testing.assert_allclose(k.grad(x, b=2.0), numpy_grad(x, b=2.0), rtol=1e-13,
                                   atol=1e-300)
    with pytest.raises(ValueError, match="wrt"):
        k.grad(x, wrt="c")
    monkeypatch.setattr(runtime, "_LOADED", {})
    mtime = cached[0].stat().st_mtime_ns
    k2 = K.kernel_for(my)  # a new session: loaded from the cache, not compiled again
    assert cached[0].stat().st_mtime_ns == mtime
    assert k2.f(2.5) == k.f(2.5)


def test_run_time_build_gives_the_extensions_bits(tmp_path, monkeypatch):
    """A definition equal to a catalog entry, compiled at run time (one instruction set, no
    SLEEF header), gives the installed extension's bits: same printer, same math."""
    from symacts.kernels import runtime
    from symacts.kernels import ufuncs as U  # noqa: N812

    monkeypatch.setenv("SYMACTS_CACHE", str(tmp_path))
    monkeypatch.setattr(runtime, "_LOADED", {})
    rng = np.random.default_rng(3)
    for name in ("mish", "gelu"):
        again = symacts.define(name + "_again", str(symacts.get(name).expr)).kernel()
        for dt in (np.float32, np.float64):
            x = np.concatenate([(rng.standard_normal(20000) * 30).astype(dt),
                                sweep_points(dt, grid=101, per_sign_log=40)])
            np.testing.assert_array_equal(_bits(again.f(x)), _bits(getattr(U, name)(x)))
            np.testing.assert_array_equal(_bits(again.grad(x)),
                                          _bits(getattr(U, name + "_grad")(x)))


def test_raw_ufunc_only_behind_plain_front_functions():
    """raw_ufunc gives the ufunc of NAME and NAME_value_and_grad (parameters in the ufunc's
    order), and nothing for functions that add to it (bound parameters, wrappers)."""
    import functools

    from symacts.kernels.compiled import raw_ufunc

    f, _, vg = K.KERNELS["elu"]
    raw = raw_ufunc(f)
    x = np.linspace(-4, 4, 1001)
    assert raw.params == ("alpha",) and raw.backward == "x"  # (expm1 and exp share nothing)
    assert raw.ufunc(x, 1.5).tobytes() == K.elu(x, alpha=1.5).tobytes()
    uvg = raw_ufunc(vg).ufunc
    assert [a.tobytes() for a in uvg(x, 1.5)] == [
        a.tobytes() for a in K.elu_value_and_grad(x, alpha=1.5)]
    assert raw_ufunc(functools.partial(f, alpha=2.0)) is None
    assert raw_ufunc(lambda x: f(x)) is None
    assert raw_ufunc(K.KERNELS["elu"][1]) is None  # (grad: wrt= picks the ufunc)
    assert raw_ufunc([]) is None


def test_backward_keeps_x_unless_storing_the_derivative_saves_work():
    """A backward pass keeps x (f' recomputed in the fused vjp) when f' is piecewise rational
    or f and f' share no work; f' is stored where they share an exp or Φ."""
    keeps = {name for name, e in META.items() if e["backward"] == "x"}
    assert {"relu", "hardswish", "softsign", "elu", "selu", "celu", "tanh", "softplus"} <= keeps
    assert not {"sigmoid", "silu", "swish", "mish", "gelu", "gelu_tanh", "logsigmoid"} & keeps


@pytest.mark.parametrize("name", sorted(META))
def test_vjp_is_g_times_the_derivative_bit_for_bit(name):
    """NAME_vjp(x, params…, g) = g·f'(x) with one rounding of the product: the same bits as
    the derivative's ufunc times g, for contiguous, broadcast and strided g."""
    entry = META[name]
    vjp, df = U[entry["vjp"]], U[entry["kernels"]["df"]]
    rng = np.random.default_rng(6)
    for dt in (np.float32, np.float64):
        x = np.concatenate([(rng.standard_normal(5000) * 6), kink_floats(symacts.get(name)),
                            [0.0, -0.0, np.inf, -np.inf, np.nan, 1e30, -1e30]]).astype(dt)
        g = (rng.standard_normal(x.size) * 3).astype(dt)
        g[::7] = 0
        g[3::11] = np.inf
        ps = [dt(p[1]) for p in entry["params"]]
        d = df(x, *ps)
        with np.errstate(all="ignore"):
            for gg in (g, dt(-2.5), np.repeat(g, 2)[::2]):
                assert vjp(x, *ps, gg).tobytes() == (gg * d).astype(dt).tobytes(), name
