"""The runtime helpers of the generated kernel modules, as code (symacts/emit/prelude.py)."""

import math

import mpmath
import numpy as np
import pytest

from symacts.emit import prelude as P  # noqa: N812
from symacts.emit.numpy_module import prelude_source

DTYPES = (np.float32, np.float64)


def bits(a):
    a = np.asarray(a)
    return a.view(np.int32 if a.dtype == np.float32 else np.int64)


def test_generated_module_carries_the_prelude_verbatim():
    from pathlib import Path

    gen = (Path(__file__).resolve().parent.parent / "generated" / "symacts_kernels.py").read_text()
    assert prelude_source() in gen
    assert '"""' not in prelude_source().split("\n", 1)[0]  # the docstring stays behind


@pytest.mark.parametrize("dt", DTYPES)
def test_pick_is_an_exact_bit_select(dt):
    r = np.array([1.0, -0.0, np.inf, 2.0], dt)
    payload = np.array([0x7FC00123 if dt == np.float32 else 0x7FF8000000000123],
                       np.int32 if dt == np.float32 else np.int64).view(dt)[0]
    v = np.array([payload, 5.0, -0.0, -np.inf], dt)
    m = np.array([True, False, True, False])
    P._pick(r, v, P._mask(m, r))
    want = np.array([payload, -0.0, -0.0, 2.0], dt)
    assert np.array_equal(bits(r), bits(want))
    r2 = np.array([1.0, 2.0], dt)
    P._pick(r2, 0, P._mask(np.array([False, True]), r2))  # scalar zero: the and-not path
    assert np.array_equal(bits(r2), bits(np.array([1.0, 0.0], dt)))


@pytest.mark.parametrize("dt", DTYPES)
def test_select2_and_step_keep_the_inputs_nan(dt):
    x = np.array([-1.0, 0.0, 2.0, np.nan], dt)
    payload = bits(x)[3]
    s = P._select2(x > 0, 0.25, -3.0, x)
    assert s.dtype == dt and list(s[:3]) == [-3.0, -3.0, 0.25] and bits(s)[3] == payload
    st = P._step(x >= 0, x)
    assert st.dtype == dt and list(st[:3]) == [0.0, 1.0, 1.0] and bits(st)[3] == payload


@pytest.mark.parametrize("dt", DTYPES)
def test_sigmoid_family_never_overflows(dt):
    u = np.array([-1e30, -800.0, -20.0, -1.0, 0.0, 1.0, 20.0, 800.0, 1e30, np.inf, -np.inf], dt)
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        s, ds, sp_ = P._sigmoid(u), P._dsigmoid(u), P._softplus(u)
    with mpmath.workdps(50):
        for i, v in enumerate(u.astype(float)):
            if math.isinf(v):
                continue
            want_s = float(1 / (1 + mpmath.exp(-mpmath.mpf(v))))
            want_ds = float(mpmath.exp(-mpmath.mpf(v)) / (1 + mpmath.exp(-mpmath.mpf(v))) ** 2)
            want_sp = float(mpmath.log1p(mpmath.exp(mpmath.mpf(v))))
            eps = float(np.finfo(dt).eps)
            assert s[i] == pytest.approx(want_s, rel=4 * eps, abs=float(np.finfo(dt).tiny))
            assert ds[i] == pytest.approx(want_ds, rel=8 * eps, abs=float(np.finfo(dt).tiny))
            assert sp_[i] == pytest.approx(want_sp, rel=4 * eps, abs=float(np.finfo(dt).tiny))
    assert s[-2] == 1 and s[-1] == 0 and ds[-2] == 0 and sp_[-2] == np.inf and sp_[-1] == 0
    assert s.dtype == ds.dtype == sp_.dtype == dt


def test_sech2_has_no_cancellation():
    u = np.array([0.0, 1e-8, 20.0, 300.0, -300.0])
    with mpmath.workdps(50):
        want = [float(mpmath.sech(mpmath.mpf(v)) ** 2) for v in u]
    got = P._sech2(u)
    assert got == pytest.approx(want, rel=4e-16)
    assert got[3] > 0 and got[4] > 0  # 1 − tanh² is 0 from |u| > 19


def test_dmul_is_zero_where_the_decaying_factor_underflowed():
    a = np.array([0.0, 0.5, 0.0])
    b = np.array([np.inf, 4.0, -np.inf])
    with np.errstate(all="ignore"):  # the kernels call it with warnings off
        assert list(P._dmul(a, b)) == [0.0, 2.0, 0.0]
        assert float(P._dmul(np.float64(0.0), np.float64(np.inf))) == 0.0


@pytest.mark.parametrize("dt", DTYPES)
def test_hypot_safe_range_and_fallback(dt):
    a = np.array([3.0, 1e200 if dt == np.float64 else 1e30, 1e-200 if dt == np.float64
                  else 1e-30, np.inf, np.nan], dt)
    b = np.ones_like(a)
    with np.errstate(all="ignore"):
        got = P._hypot(a, b)
    assert got.dtype == dt
    want = np.hypot(a, b)
    assert np.array_equal(got[:4], want[:4]) or np.allclose(got[:4], want[:4], rtol=2e-7)
    assert got[3] == np.inf and np.isnan(got[4])


def test_ipow_multiplies():
    v = np.array([1.5, -2.0, 1e100])
    assert list(P._ipow(v, 3)) == [1.5 * 1.5 * 1.5, -8.0, 1e100 * 1e100 * 1e100]


def test_par_and_arg_conventions():
    x, dt = P._arg(np.arange(3))
    assert x.dtype == np.float64 and dt == np.float64
    x, dt = P._arg(np.float16(1.0))
    assert x.dtype == np.float32 and dt == np.float16
    with pytest.raises(TypeError, match="complex"):
        P._arg(1j)
    assert P._par(2, "beta", np.dtype(np.float32)) == 2.0
    with pytest.raises(TypeError, match="beta must be real"):
        P._par(1j, "beta", np.dtype(np.float32))
    assert P._par(np.array([1, 2]), "beta", np.dtype(np.float32)).dtype == np.float32


def test_run_blocks_and_threads_give_the_same_bits():
    x = np.random.default_rng(0).standard_normal(P.BLOCK * 20)

    def core(v):
        return P._sigmoid(v) * v

    one = P._run(core, x, (), 1, 1, None, x.dtype)
    two = P._run(core, x, (), 2, 1, None, x.dtype)
    assert np.array_equal(one, two)
    assert np.array_equal(one, core(x))


def test_nthreads_rejects_bad_counts():
    with pytest.raises(ValueError, match="threads must be a positive integer"):
        P._nthreads(0, 10)
    with pytest.raises(ValueError, match="threads must be a positive integer"):
        P._nthreads(True, 10)
    assert P._nthreads(None, 1) == 1


def test_atinf_puts_the_limits():
    x = np.array([np.inf, -np.inf, 1.0])
    r = np.array([np.nan, np.nan, 5.0])
    P._atinf(r, x, 1.0, None)
    assert r[0] == 1.0 and np.isnan(r[1]) and r[2] == 5.0
