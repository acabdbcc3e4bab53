"""Catalog kernels at the ends of the float range, where a growing intermediate used to
overflow although the result is representable (checked against mpmath)."""

import mpmath
import numpy as np
import pytest

import symacts.kernels as K  # noqa: N812


@pytest.mark.parametrize("dt,x", [(np.float64, 1e308), (np.float32, 3e38)])
def test_softplus_with_a_sharp_beta_is_x_far_out(dt, x):
    # ln(1 + e^{βx})/β with βx beyond the largest float: the truth is x
    got = K.softplus(np.array([x], dt), beta=3.0)
    assert got.dtype == dt and got[0] == dt(x)
    assert K.softplus(dt(x), beta=3.0) == dt(x)


@pytest.mark.parametrize("dt,x", [(np.float64, -1e308), (np.float32, -3e38)])
def test_squareplus_far_left_is_b_over_4x(dt, x):
    v = dt(x)
    with mpmath.workdps(1300):
        xv = mpmath.mpf(float(v))
        truth = float((xv + mpmath.sqrt(xv * xv + 4)) / 2)
    got = K.squareplus(np.array([v], dt))
    assert got[0] > 0
    sub = float(np.finfo(dt).smallest_subnormal)
    assert abs(float(got[0]) - truth) <= max(4 * float(np.spacing(dt(truth))), 2 * sub)
