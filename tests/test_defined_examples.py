"""A dozen and more activations made with ``define`` (scripts/steps/defined_examples.py) pass
the catalog's accuracy gate: their compiled kernels leave the self-check with no finding, and
agree with the formula evaluated by mpmath at 400 digits at a few points."""

import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp
from steps.defined_examples import DEFINED, define

from symacts.errors import KernelAccuracyWarning
from symacts.functions import expand_blocks

POINTS = (-30.0, -1.5, -1e-3, 0.5, 7.0, 300.0)


@pytest.mark.parametrize("name", sorted(DEFINED))
def test_defined_activation_meets_the_gate(name):
    act = define(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", KernelAccuracyWarning)
        k = act.kernel()
    assert k.findings == ()
    for fn, order in ((k.f, 0), (k.grad, 1)):
        g, dg = (expand_blocks((act.expr if o == 0 else act.derivative(o)).subs(act.defaults()))
                 for o in (order, order + 1))
        truth, slope = (sp.lambdify(act.x, e, "mpmath") for e in (g, dg))
        for v in POINTS:
            with mpmath.workdps(400):  # far more than any cancellation at these points
                want = truth(mpmath.mpf(v))
                # the condition number |x g'/g|: the error the gate allows grows with it
                cond = max(1.0, float(abs(v * slope(mpmath.mpf(v)) / want))) if want else 1.0
                want = float(want)
            for dt in (np.float64, np.float32):
                got = float(fn(np.array([v], dt))[0])
                eps = float(np.finfo(dt).eps)
                assert got == pytest.approx(want, rel=16 * eps * cond,
                                            abs=float(np.finfo(dt).tiny)), (name, v, dt)
