"""The same input gives the same bits, whichever way a kernel is called: fused or alone, as a
0-d array, a NumPy scalar or inside an array."""

import numpy as np
import pytest

import symacts
import symacts.kernels as K  # noqa: N812
from symacts.verify.ulps import kink_floats, subsample, sweep_points

NAMES = [a.name for a in symacts.all_activations() if not a.user_defined]


def _differ(a, b):
    """Positions where a and b differ in their bits (NaN against NaN and ±0 count as same)."""
    a, b = np.asarray(a), np.asarray(b)
    it = np.int32 if a.dtype == np.float32 else np.int64
    return (a.view(it) != b.view(it)) & ~(np.isnan(a) & np.isnan(b)) & ~((a == 0) & (b == 0))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_value_and_grad_equals_f_and_grad(name, dt):
    f, g, vg = K.KERNELS[name]
    x = sweep_points(dt, kinks=kink_floats(symacts.get(name)))
    fv, gv = vg(x)
    for fused, alone, what in ((fv, f(x), "f"), (gv, g(x), "f'")):
        bad = _differ(fused, alone)
        assert not bad.any(), f"{name} {what}: {x[bad][:3]} fused {fused[bad][:3]} " \
                              f"alone {alone[bad][:3]}"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_scalars_and_arrays_agree(name, dt):
    f, g, _ = K.KERNELS[name]
    x = subsample(sweep_points(dt, kinks=kink_floats(symacts.get(name))), 300, seed=3)
    for fn in (f, g):
        whole = fn(x)
        for v, want in zip(x, whole, strict=True):
            for form in (v, np.asarray(v)):  # a NumPy scalar and a 0-d array
                got = fn(form)
                assert np.asarray(got).dtype == dt, (name, v, np.asarray(got).dtype)
                assert not _differ(got, want), (name, fn.__name__, v, got, want)
