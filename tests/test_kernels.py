"""The generated kernels: API, semantics, no-SymPy use, and accuracy on a seeded subsample."""

import math
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy as sp
from steps.accuracy_report import EXCEPTIONS

import symacts
import symacts.kernels as K  # noqa: N812
from symacts.verify.ulps import check_implementation, kink_floats, subsample, sweep_points

ROOT = Path(__file__).resolve().parent.parent
ACTS = [a for a in symacts.all_activations() if not a.user_defined]
NAMES = [a.name for a in ACTS]
EXTREMES = np.array([-np.inf, -1e308, -1e300, -1000.0, -745.2, -709.8, -88.8, -40.0, -20.0,
                     -1.0, -1e-300, -5e-324, -0.0, 0.0, 5e-324, 1e-300, 1.0, 20.0, 40.0, 88.8,
                     709.8, 745.2, 1000.0, 1e300, 1e308, np.inf, np.nan])


def test_every_name_and_alias_has_three_kernels():
    for a in ACTS:
        for n in (a.name, *[al for al in a.aliases if al.isidentifier()]):
            for suffix in ("", "_grad", "_value_and_grad"):
                assert callable(getattr(K, n + suffix)), n + suffix


def test_import_needs_no_sympy():
    code = "import sys, symacts.kernels as K; K.mish(1.0); assert 'sympy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_generated_module_alone_without_sympy(tmp_path):
    shutil.copy(ROOT / "generated" / "symacts_kernels.py", tmp_path)
    code = ("import sys; sys.modules['sympy'] = None\n"
            "import numpy as np, symacts_kernels as k\n"
            "f, d = k.gelu_value_and_grad(np.linspace(-5, 5, 11, dtype=np.float32))\n"
            "assert f.dtype == np.float32 and abs(float(k.silu_grad(np.inf)) - 1) == 0\n"
            "print('ok')")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                       env={"PYTHONPATH": str(tmp_path), "PATH": ""})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"


@pytest.mark.parametrize("name", NAMES)
def test_no_warnings_nan_and_dtypes(name):
    f, g, vg = K.kernel_for(name).f, K.kernel_for(name).grad, K.kernel_for(name).value_and_grad
    for dt in (np.float64, np.float32, np.float16):
        with np.errstate(over="ignore"):
            x = EXTREMES.astype(dt)
        before = x.copy()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with np.errstate(all="raise"):
                rf, rg = f(x), g(x)
                vf, vd = vg(x)
        assert np.array_equal(x, before, equal_nan=True)  # input untouched
        for r in (rf, rg, vf, vd):
            assert r.dtype == dt and r.shape == x.shape
            assert np.isnan(r[-1])  # NaN in → NaN out
        np.testing.assert_array_equal(rf, vf)
        np.testing.assert_allclose(rg.astype(np.float64), vd.astype(np.float64), rtol=4e-16 if
                                   dt == np.float64 else 1e-6, atol=0)


@pytest.mark.parametrize("name", ["relu", "gelu", "hardtanh", "swish"])
def test_shapes_scalars_lists(name):
    f = getattr(K, name)
    assert np.ndim(f(1.5)) == 0
    assert f(np.float32(1.5)).dtype == np.float32
    assert f([]).shape == (0,) and f(np.zeros((0, 3))).shape == (0, 3)
    assert f([[1, 2], [3, 4]]).dtype == np.float64
    assert f(np.array([True, False])).dtype == np.float64
    out = np.empty(3)
    assert f(np.array([1.0, -2.0, 3.0]), out=out) is out
    f_vg, d_vg = getattr(K, name + "_value_and_grad")(np.ones((2, 3), np.float32))
    assert f_vg.shape == d_vg.shape == (2, 3)
    with pytest.raises(TypeError, match="complex"):
        f(np.array([1 + 2j]))


def test_limits_at_infinity():
    inf = np.inf
    assert K.silu_grad(inf) == 1 and K.silu_grad(-inf) == 0
    assert K.mish_grad(-inf) == 0 and K.mish_grad(inf) == 1
    assert K.softsign_grad(inf) == 0 and K.softsign_grad(-inf) == 0
    assert K.gelu_grad(-inf) == 0 and K.gelu_grad(inf) == 1
    assert K.softplus(1000.0) == 1000.0 and K.logsigmoid(-1000.0) == -1000.0
    assert K.tanh(inf) == 1 and K.isru(-inf) == -1 and K.sinc(inf) == 0
    assert K.exponential(1000.0) == inf  # a true overflow stays inf


def test_issue_examples():
    assert K.sigmoid_grad(-1000.0) == 0.0 and not math.isnan(K.sigmoid_grad(-1000.0))
    assert K.elu(-1e-146) == -1e-146
    assert K.celu_grad(-1e-61) == 1.0
    assert K.tanh_grad(20.0) == pytest.approx(1.6993417021166355e-17, rel=1e-15)
    assert K.gelu(-8.38) < 0
    assert K.sigmoid_grad(40.0) > 0
    assert K.hardsigmoid_grad(0.0) == 1 / 6
    assert K.gelu(np.float32(1.0)).dtype == np.float32


@pytest.mark.parametrize("act", ACTS, ids=NAMES)
def test_kinks_follow_the_catalog(act):
    g = K.kernel_for(act.name).grad
    for p, want in act.kink_values().items():
        xp = float(p.subs(act.defaults()))
        want = float(sp.sympify(want).subs(act.defaults()))
        assert float(g(xp)) == pytest.approx(want, abs=1e-15), (act.name, xp)


def test_parameter_gradients_against_mpmath():
    for name, p, x0, params in [("swish", "beta", 1.3, {"beta": 0.7}),
                                ("elu", "alpha", -0.8, {"alpha": 1.5}),
                                ("softplus", "beta", 0.4, {"beta": 2.0}),
                                ("squareplus", "b", -2.0, {"b": 3.0}),
                                ("celu", "alpha", -1e-6, {"alpha": 2.0}),
                                ("softplus", "beta", 30.0, {"beta": 1.5}),
                                ("isru", "alpha", 1e120, {"alpha": 1.0})]:
        act = symacts.get(name)
        from symacts.functions import expand_blocks

        sym = act.symbol(p)
        e = expand_blocks(act.expr).subs({act.symbol(k): v for k, v in params.items() if k != p})
        fn = sp.lambdify((act.x, sym), e, "mpmath")
        with mpmath.workdps(40):
            want = float(mpmath.diff(lambda b, fn=fn, x0=x0: fn(mpmath.mpf(x0), b),
                                     mpmath.mpf(params[p])))
        got = getattr(K, name + "_grad")(x0, wrt=p, **params)
        assert got == pytest.approx(want, rel=1e-13), name
    with pytest.raises(ValueError, match="wrt"):
        K.swish_grad(1.0, wrt="gamma")
    with pytest.raises(ValueError, match="beta"):
        K.softplus(1.0, beta=-1.0)
    with pytest.raises(ValueError, match="lower <= upper"):
        K.rrelu(1.0, lower=0.5, upper=0.1)
    with pytest.raises(ValueError, match="min_val < max_val"):
        K.hardtanh_grad(1.0, min_val=1.0, max_val=-1.0)


def test_array_parameters_broadcast():
    x = np.array([[-1.0, 2.0], [-3.0, 4.0]])
    slopes = np.array([0.1, 0.2])
    np.testing.assert_array_equal(K.prelu(x, a=slopes), np.where(x > 0, x, x * slopes))


def test_array_parameters_mixing_fast_form_regimes(monkeypatch):
    """Per-element slopes ≤ 1, ≥ 1 and 0 (max form, min form and the general select, chosen
    per block) give the Piecewise's values, blocked or not."""
    mod = sys.modules["symacts_kernels"]
    rng = np.random.default_rng(3)
    x = rng.standard_normal((300, 6)) * 4
    x[::7, 0], x[3, :] = np.inf, -np.inf
    slopes = np.array([0.25, 2.0, 0.0, -0.5, 1.0, 3.0])
    with np.errstate(invalid="ignore"):
        want_f = np.where(x > 0, x, x * slopes)
    want_d = np.where(x > 0, 1.0, np.broadcast_to(slopes, x.shape))
    for block in (None, 50, 64):
        if block:
            monkeypatch.setattr(mod, "BLOCK", block)
        f, d = K.prelu_value_and_grad(x, a=slopes)
        assert _same_values(K.prelu(x, a=slopes), want_f) and _same_values(f, want_f)
        assert _same_values(K.prelu_grad(x, a=slopes), want_d) and _same_values(d, want_d)
        for s in (slopes[:1], slopes[1:2], slopes[2:3]):  # one regime for the whole array
            with np.errstate(invalid="ignore"):
                assert _same_values(K.leaky_relu(x, negative_slope=s[0]), np.where(x > 0, x, x * s))
        monkeypatch.undo()


def test_rrelu_training():
    x = np.linspace(-5, 5, 1001)
    f1, d1 = K.rrelu_value_and_grad(x, training=True, rng=np.random.default_rng(7))
    f2 = K.rrelu(x, training=True, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(f1, f2)
    neg = x <= 0
    slope = f1[neg & (x < 0)] / x[neg & (x < 0)]
    assert slope.min() >= 1 / 8 and slope.max() <= 1 / 3 and slope.std() > 0.01
    np.testing.assert_allclose(d1[x < 0], slope)
    assert np.all(d1[x > 0] == 1)
    assert K.rrelu(-2.0) == pytest.approx(-2 * (1 / 8 + 1 / 3) / 2)


def test_kernel_for_catalog_bound_and_user():
    k = symacts.get("mish").kernel()
    assert k.f is K.mish and k.grad is K.mish_grad
    kb = symacts.get("swish").bind(beta=2.0).kernel()
    assert kb.f(1.0) == K.swish(1.0, beta=2.0)
    my = symacts.define("my_softish", "x*tanh(log(1 + exp(b*x)))", params={"b": 1.0})
    ku = K.kernel_for(my)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ku.f(1000.0) == 1000.0 and ku.grad(np.inf) == 1.0
        np.testing.assert_allclose(ku.f(np.linspace(-3, 3, 7)), K.mish(np.linspace(-3, 3, 7)),
                                   rtol=1e-15)
    assert "import sympy" not in ku.source


@pytest.mark.parametrize("act", ACTS, ids=NAMES)
def test_accuracy_subsample(act):
    for dt in (np.float64, np.float32):
        pts = subsample(sweep_points(dt, kinks=kink_floats(act)), 300, seed=3)
        k = K.kernel_for(act.name)
        for which, fn in (("f", k.f), ("grad", k.grad)):
            if (act.name, np.dtype(dt).name, which) in EXCEPTIONS:
                continue
            rep = check_implementation(fn, act, which, dt, points=pts)
            assert rep.ok(), rep


@pytest.mark.parametrize("name", NAMES)
def test_blocked_and_threaded_results_are_bit_identical(name, monkeypatch):
    mod = sys.modules["symacts_kernels"]
    rng = np.random.default_rng(11)
    kern = K.kernel_for(name)
    for dt in (np.float64, np.float32):
        x = (rng.standard_normal(5003) * 25).astype(dt)
        x[::97] = np.nan
        x[5::89] = np.inf
        whole_f, whole_g = kern.f(x), kern.grad(x)
        whole_vg = kern.value_and_grad(x)
        monkeypatch.setattr(mod, "BLOCK", 256)
        monkeypatch.setattr(mod, "_GRAIN", 1)  # a thread for as little as one block
        for threads in (1, 2, 3):
            assert kern.f(x, threads=threads).tobytes() == whole_f.tobytes()
            assert kern.grad(x, threads=threads).tobytes() == whole_g.tobytes()
            f, g = kern.value_and_grad(x, threads=threads)
            assert f.tobytes() == whole_vg[0].tobytes() and g.tobytes() == whole_vg[1].tobytes()
        out = np.empty_like(x)
        assert kern.f(x, out=out) is out and out.tobytes() == whole_f.tobytes()
        monkeypatch.undo()


@pytest.mark.parametrize("name", NAMES)
def test_out_argument_for_any_shape(name, monkeypatch):
    """out= receives the same bits as a fresh result, for 0-d, 2-d, small and blocked input."""
    mod = sys.modules["symacts_kernels"]
    kern = K.kernel_for(name)
    x = np.linspace(-9.0, 9.0, 600).reshape(20, 30)
    x[3, 4], x[5, 6] = np.nan, -0.0
    for block in (None, 64):
        if block:
            monkeypatch.setattr(mod, "BLOCK", block)
        for xin in (x, x[2, 2].reshape(()), x.astype(np.float32)):
            want_f, want_g = kern.f(xin), kern.grad(xin)
            o, g = np.empty_like(xin), np.empty_like(xin)
            assert kern.f(xin, out=o) is o and o.tobytes() == want_f.tobytes()
            assert kern.grad(xin, out=g) is g and g.tobytes() == want_g.tobytes()
            want_vf, want_vg = kern.value_and_grad(xin)
            o1, o2 = np.empty_like(xin), np.empty_like(xin)
            r1, r2 = kern.value_and_grad(xin, out=(o1, o2))
            assert r1 is o1 and r2 is o2
            assert o1.tobytes() == want_vf.tobytes() and o2.tobytes() == want_vg.tobytes()
        monkeypatch.undo()


def test_fused_value_and_grad_computes_one_exponential():
    """σ and σ' (and softplus) of the same argument share e^{−|u|} in NAME_value_and_grad."""
    text = (ROOT / "generated" / "symacts_kernels.py").read_text()
    for name in ("sigmoid", "silu", "softplus", "logsigmoid"):
        body = text.split(f"def _vg_{name}(", 1)[1].split("\n\n\n", 1)[0]
        assert body.count("np.exp(") == 1, name
    x = np.array([-800.0, -30.0, -1.0, -0.0, 0.0, 2.0, 40.0, 800.0, np.inf, -np.inf, np.nan])
    f, d = K.sigmoid_value_and_grad(x)
    assert _same_values(f, K.sigmoid(x)) and _same_values(d, K.sigmoid_grad(x))


def test_threads_argument_checked():
    with pytest.raises(ValueError, match="threads"):
        K.relu(np.ones(3), threads=0)
    x = np.ones((300, 300))
    o1, o2 = np.empty_like(x), np.empty_like(x)
    f, g = K.gelu_value_and_grad(x, out=(o1, o2), threads=2)
    assert f is o1 and g is o2


@pytest.mark.parametrize("name", NAMES)
def test_any_memory_layout_gives_the_same_bits(name):
    kern = K.kernel_for(name)
    x = np.linspace(-30.0, 30.0, 60).reshape(6, 10)
    x[1, 3], x[4, 4], x[2, 2] = np.nan, np.inf, -0.0
    want = [a.T.tobytes() for a in kern.value_and_grad(x)]
    for view in (x.T, np.asfortranarray(x).T.T.T, x.T.copy()):
        f, g = kern.value_and_grad(view)
        assert [f.tobytes(), g.tobytes()] == want


def _same_values(got, want) -> bool:
    """Bit for bit (NaN payloads included), except that +0 and −0 are the same value."""
    got, want = np.ravel(got), np.ravel(want)
    it = np.int32 if got.dtype == np.float32 else np.int64
    return bool(((got.view(it) == want.view(it)) | ((got == 0) & (want == 0))).all())


def test_piecewise_linear_fast_forms_keep_zeros_and_nans():
    """relu/relu6/hardtanh printed as clip: the Piecewise's values, NaN bits included."""
    x = np.array([-np.inf, -7.0, -3.0, -1.0, -1e-300, -0.0, 0.0, 5e-324, 1.0, 3.0, 6.0, 7.0,
                  np.inf, np.nan, -np.nan])
    for dt in (np.float64, np.float32):
        v = x.astype(dt)
        with np.errstate(invalid="ignore"):
            refs = {
                "relu": np.where(v > 0, v, 0.0),
                "relu6": np.where(v <= 0, 0.0, np.where(v >= 6, 6.0, v)),
                "hardtanh": np.where(v <= -1, -1.0, np.where(v >= 1, 1.0, v)),
            }
        for name, ref in refs.items():
            ref = ref.astype(dt)
            np.copyto(ref, v, where=np.isnan(v))
            got = K.kernel_for(name).f(v)
            assert got.dtype == dt
            assert _same_values(got, ref), name
            for i in (5, 6, 13):  # 0-d input takes NumPy's scalar path
                assert _same_values(np.asarray(K.kernel_for(name).f(v[i])), ref[i:i + 1])
