"""Derived properties, each checked by an independent numeric method on the definition.

The reference evaluates ``act.expr`` (defaults substituted, blocks expanded) with mpmath:
dense sampling, ``mpmath.diff`` (two-sided, and one-sided at kinks) and ``mpmath.findroot``
on f'. None of it goes through ``symacts.analyse``.
"""

from __future__ import annotations

import functools
import itertools
import math

import mpmath
import pytest
import sympy as sp

import symacts
from symacts.functions import expand_blocks

NAMES = sorted(symacts.names())
DPS = 40
#: parameter variants checked like catalog entries (id → bind arguments)
VARIANTS = {
    "elu[alpha=2]": ("elu", {"alpha": 2}),
    "swish[beta=-1]": ("swish", {"beta": -1}),
    "leaky_relu[negative_slope=-1/2]": ("leaky_relu", {"negative_slope": sp.Rational(-1, 2)}),
    "threshold[threshold=-1,value=5]": ("threshold", {"threshold": -1, "value": 5}),
    "celu[alpha=-1]": ("celu", {"alpha": -1}),
    "hardshrink[lambd=0]": ("hardshrink", {"lambd": 0}),
    "squareplus[b=0]": ("squareplus", {"b": 0}),
    "isru[alpha=4]": ("isru", {"alpha": 4}),
}
CASES = NAMES + sorted(VARIANTS)


@functools.cache
def act_of(case: str):
    """The activation of a case: a catalog name, or a variant id with parameters bound."""
    if case in VARIANTS:
        name, values = VARIANTS[case]
        return symacts.get(name).bind(**values)
    return symacts.get(case)


def _bound(act):
    return act.with_defaults() if act.param_specs else act


# ---- independent reference -------------------------------------------------------------
def ref_of(act):
    """f as an mpmath function of the definition, parameters at their defaults."""
    bound = _bound(act)
    return sp.lambdify(bound.x, expand_blocks(bound.expr), "mpmath")


@functools.cache
def ref(case: str):
    return ref_of(act_of(case))


def grid() -> list:
    inner = [mpmath.mpf(k) / 40 for k in range(-1200, 1201)]  # [-30, 30], step 0.025
    far = [mpmath.mpf(s) * v for s in (-1, 1) for v in (50, 100, 1e3, 1e4, 1e6)]
    return sorted(inner + far)


GRID = grid()


@functools.cache
def samples(case: str) -> tuple:
    f = ref(case)
    with mpmath.workdps(DPS):
        return tuple((t, f(t)) for t in GRID)


@functools.cache
def kinks(case: str) -> tuple:
    """Kink points as the catalog declares or the engine detects them (not the analysis)."""
    with mpmath.workdps(DPS):
        return tuple(mpmath.mpf(sp.N(c, 50)) for c in _bound(act_of(case)).kink_points())


def dref(case: str, t, n: int = 1, direction: int = 0):
    with mpmath.workdps(DPS):
        return mpmath.diff(ref(case), t, n, direction=direction)


def near_kink(case: str, t, eps: float = 1e-3) -> bool:
    return any(abs(t - c) < eps for c in kinks(case))


def props(case: str):
    return act_of(case).properties()


# ---- every catalog activation and the variants -----------------------------------------
@pytest.mark.parametrize("name", CASES)
def test_range_contains_every_sample(name):
    p = props(name)
    assert p.range_min is not None and p.range_max is not None, p.notes
    assert p.range_min <= p.range_max
    for t, v in samples(name):
        assert v >= p.range_min - 1e-12 * (1 + abs(p.range_min)), (t, v)
        assert v <= p.range_max + 1e-12 * (1 + abs(p.range_max)), (t, v)


@pytest.mark.parametrize("name", CASES)
def test_range_is_tight_and_attainment_is_right(name):
    p = props(name)
    values = [v for _, v in samples(name)]
    with mpmath.workdps(DPS):  # one-sided approach to the kinks
        h = mpmath.mpf(10) ** -20
        values += [ref(name)(c + s * h) for c in kinks(name) for s in (-1, 1)]
    for bound, attained, arg, pick, sign in (
        (p.range_min, p.min_attained, p.argmin, min, 1),
        (p.range_max, p.max_attained, p.argmax, max, -1),
    ):
        best = pick(values)
        if math.isinf(bound):
            assert sign * best < -1e3  # unbounded: the far samples run away
            assert attained is False and arg is None
            continue
        if arg is None:  # a plateau is sampled, a limit approached
            assert abs(best - bound) < 1e-4 * (1 + abs(bound)), (best, bound)
        else:
            assert attained
            with mpmath.workdps(DPS):
                assert abs(ref(name)(mpmath.mpf(arg)) - bound) < 1e-12 * (1 + abs(bound))
        if not attained:  # strictly inside wherever 40 digits can tell
            inner = [v for t, v in samples(name) if abs(t) <= 1]
            assert all(sign * (v - bound) > 0 for v in inner)


@pytest.mark.parametrize("name", CASES)
def test_extremum_points_are_roots_of_the_derivative(name):
    p = props(name)
    f = ref(name)
    for arg in (p.argmin, p.argmax):
        if arg is None or near_kink(name, arg, 1e-6):
            continue
        with mpmath.workdps(DPS):
            d = mpmath.mpf(1e-4) * (1 + abs(arg))
            root = mpmath.findroot(lambda t: mpmath.diff(f, t), (arg - d, arg + d),
                                   solver="illinois", tol=1e-24)
        assert abs(root - arg) < 1e-11 * (1 + abs(arg)), (root, arg)


@pytest.mark.parametrize("name", CASES)
def test_monotonic_against_sampled_differences(name):
    p = props(name)
    assert p.monotonic is not None, p.notes
    vals = [v for _, v in samples(name)]
    steps = [b - a for a, b in itertools.pairwise(vals)]
    ups = any(s > 1e-25 for s in steps)
    downs = any(s < -1e-25 for s in steps)
    if p.monotonic:
        assert not (ups and downs)
        if p.increasing is not None:
            assert not downs if p.increasing else not ups
    else:
        assert ups and downs


@pytest.mark.parametrize("name", CASES)
def test_decreasing_intervals_against_the_derivative(name):
    p = props(name)
    if p.decreasing_on is None:
        assert p.monotonic is False  # infinitely many intervals (oscillation)
        return
    spans = list(p.decreasing_on)
    for a, b in spans:
        assert a < b
        mid = (a + b) / 2 if math.isfinite(a) and math.isfinite(b) else (
            b - 1 if math.isfinite(b) else (a + 1 if math.isfinite(a) else 0.0))
        assert dref(name, mpmath.mpf(mid)) < 0
    for t, _ in samples(name)[::7]:
        if abs(t) > 30 or near_kink(name, t):
            continue
        inside = any(a - 1e-3 <= t <= b + 1e-3 for a, b in spans)
        if not inside:
            assert dref(name, t) >= -1e-20, t


@pytest.mark.parametrize("name", CASES)
def test_smoothness_by_one_sided_derivatives(name):
    p = props(name)
    k = p.smoothness
    assert k is not None, p.notes
    f = ref(name)
    points = kinks(name)
    with mpmath.workdps(DPS):
        eps = mpmath.mpf(10) ** -12  # one-sided limits of f^(n), taken just off the kink

        def agrees(c, n):
            if n == 0:
                return abs(f(c - eps) - f(c)) < 1e-9 and abs(f(c + eps) - f(c)) < 1e-9
            left = mpmath.diff(f, c - eps, n)
            right = mpmath.diff(f, c + eps, n)
            return abs(left - right) < 1e-6 * (1 + abs(left))

        top = 3 if k == math.inf else int(k)
        for c in points:
            for n in range(0, top + 1):
                assert agrees(c, n), (c, n)
        if k != math.inf:
            assert points, "a finite smoothness class needs a kink"
            assert any(not agrees(c, int(k) + 1) for c in points)


@pytest.mark.parametrize("name", CASES)
def test_limits_against_far_values(name):
    p = props(name)
    f = ref(name)
    if p.period is not None:
        assert all(v is None for v in p.limits.values())
        assert not any(p.limit_exists.values())
        return
    assert all(p.limit_exists.values())
    for key, value in p.limits.items():
        assert value is not None, (key, p.notes)
        side = -1 if "-inf" in key else 1
        with mpmath.workdps(DPS):
            if key.startswith("f("):
                got = f(mpmath.mpf(side) * 10**12)
            else:
                got = mpmath.diff(f, mpmath.mpf(side) * 10**6)
        if math.isinf(value):
            assert got * (1 if value > 0 else -1) > 1e5, (key, got)
        else:
            assert abs(got - value) < 1e-4 * (1 + abs(value)), (key, got, value)


@pytest.mark.parametrize("name", CASES)
def test_values_at_zero(name):
    p = props(name)
    with mpmath.workdps(DPS):
        assert abs(ref(name)(mpmath.mpf(0)) - p.f0) < 1e-15
        assert abs(sp.N(p.f0_exact, 30) - p.f0) < 1e-15
        if not near_kink(name, 0, 1e-9):
            assert abs(dref(name, mpmath.mpf(0)) - p.df0) < 1e-12


@pytest.mark.parametrize("name", CASES)
def test_flags_against_samples(name):
    p = props(name)
    f = ref(name)
    values = [v for _, v in samples(name)]
    with mpmath.workdps(DPS):
        f0 = f(mpmath.mpf(0))
        zero_centred = f0 == 0 and min(values) < 0 < max(values)
        assert p.zero_centered == zero_centred
        h = mpmath.mpf(10) ** -15
        slopes = [(f(h) - f0) / h, (f0 - f(-h)) / h]
        ident = f0 == 0 and all(abs(s - 1) < 1e-10 for s in slopes) and p.df0 == 1
        assert p.identity_near_origin == ident
        for side, flag in ((-1, p.saturates_left), (1, p.saturates_right)):
            slope = mpmath.diff(f, mpmath.mpf(side) * 10**6)
            if p.period is None:
                assert flag == (abs(slope) < 1e-6)
        assert p.saturating == (bool(p.saturates_left) or bool(p.saturates_right))


@pytest.mark.parametrize("name", CASES)
def test_derivative_monotonic_against_sampled_derivative(name):
    p = props(name)
    if p.smoothness == -1:
        assert p.derivative_monotonic is None
        return
    assert p.derivative_monotonic is not None, p.notes
    pts = [t for t, _ in samples(name)[::5] if abs(t) <= 30]
    pts += [c + d for c in kinks(name) for d in (-1, -0.5, 0.5, 1)]
    pts = sorted(t for t in set(pts) if not near_kink(name, t))
    ds = [dref(name, t) for t in pts]
    steps = [b - a for a, b in itertools.pairwise(ds)]
    ups = any(s > 1e-12 for s in steps)
    downs = any(s < -1e-12 for s in steps)
    if p.derivative_monotonic:
        assert not (ups and downs)
    else:
        assert ups and downs


def test_every_catalog_activation_is_fully_decided():
    undecided = {}
    for name in NAMES:
        d = props(name).as_dict()
        keys = ["range_min", "range_max", "monotonic", "smoothness", "zero_centered", "f0",
                "df0", "identity_near_origin", "saturating"]
        missing = [k for k in keys if d[k] is None]
        if missing:
            undecided[name] = missing
    assert not undecided


# ---- known facts -----------------------------------------------------------------------
def test_mish_minimum_to_twelve_digits():
    p = props("mish")
    assert p.range_min == pytest.approx(-0.30884341301725, rel=1e-12, abs=0)
    assert p.argmin == pytest.approx(-1.1924312145155, rel=1e-12, abs=0)
    assert p.min_attained and p.range_max == math.inf
    assert p.decreasing_on == ((-math.inf, pytest.approx(-1.1924312145155, rel=1e-12)),)


def test_silu_and_swish_minimum():
    for name in ("silu", "swish"):
        p = props(name)
        assert p.range_min == pytest.approx(-0.278464542761074, rel=1e-12)
        assert p.argmin == pytest.approx(-1.278464542761074, rel=1e-12)


def test_gelu_minimum_is_a_root_of_the_derivative():
    p = props("gelu")
    with mpmath.workdps(DPS):
        f = ref("gelu")
        root = mpmath.findroot(lambda t: mpmath.diff(f, t), -0.75)
        assert p.argmin == pytest.approx(float(root), rel=1e-12)
        assert p.range_min == pytest.approx(float(f(root)), rel=1e-12)
    assert -0.17 < p.range_min < -0.169


def test_relu_range_and_class():
    p = props("relu")
    assert (p.range_min, p.range_max) == (0.0, math.inf)
    assert p.min_attained and p.argmin is None  # attained on all of (−∞, 0]
    assert p.range_min_exact == 0 and p.range_max_exact == sp.oo
    assert p.bounded_below and not p.bounded_above
    assert p.smoothness == 0 and p.monotonic and p.increasing
    assert p.range_text() == "[0, ∞)"


def test_sigmoid_and_tanh_open_ranges():
    s = props("sigmoid")
    assert (s.range_min, s.range_max) == (0.0, 1.0)
    assert not s.min_attained and not s.max_attained
    assert s.range_min_exact == 0 and s.range_max_exact == 1
    assert s.range_text() == "(0, 1)"
    t = props("tanh")
    assert (t.range_min_exact, t.range_max_exact) == (-1, 1)
    assert not t.min_attained and not t.max_attained
    assert t.smoothness == math.inf and t.zero_centered and t.identity_near_origin


def test_selu_range_is_minus_lambda_alpha():
    from symacts.functions import SELU_ALPHA, SELU_SCALE

    p = props("selu")
    assert sp.simplify(p.range_min_exact + SELU_SCALE * SELU_ALPHA) == 0
    lam_alpha = mpmath.mpf(SELU_SCALE.digits) * mpmath.mpf(SELU_ALPHA.digits)
    assert p.range_min == pytest.approx(-float(lam_alpha), rel=1e-15)
    assert not p.min_attained and p.range_max == math.inf


def test_elu_smoothness_depends_on_alpha():
    elu = symacts.get("elu")
    assert elu.properties().smoothness == 1
    assert elu.bind(alpha=2).properties().smoothness == 0
    assert elu.bind(alpha=sp.Rational(1, 2)).properties().smoothness == 0
    assert elu.bind(alpha=2).properties().range_min == pytest.approx(-2.0)


def test_softsign_and_celu_are_c1():
    assert props("softsign").smoothness == 1
    assert props("celu").smoothness == 1
    assert symacts.get("celu").bind(alpha=2).properties().smoothness == 1
    assert props("relu").smoothness == 0


def test_discontinuous_activations():
    for name in ("binary_step", "hardshrink"):
        assert props(name).smoothness == -1
        assert props(name).smoothness_text() == "discontinuous"
    t = symacts.get("threshold").bind(threshold=1, value=0)
    assert t.properties().smoothness == -1


def test_sinc_range():
    p = props("sinc")
    assert p.range_min == pytest.approx(-0.217233628211222, rel=1e-12)
    assert abs(p.argmin) == pytest.approx(4.493409457909064, rel=1e-12)
    assert p.range_max == 1.0 and p.argmax == 0.0 and p.max_attained
    assert p.smoothness == math.inf


def test_gaussian_range():
    p = props("gaussian")
    assert (p.range_min, p.range_max) == (0.0, 1.0)
    assert not p.min_attained and p.max_attained and p.argmax == 0.0
    assert p.range_text() == "(0, 1]"


def test_hardswish_exact_minimum():
    p = props("hardswish")
    assert p.range_min_exact == sp.Rational(-3, 8) and p.argmin == -1.5


def test_sinusoid_is_periodic():
    p = props("sinusoid")
    assert p.period == pytest.approx(2 * math.pi)
    assert (p.range_min, p.range_max) == (-1.0, 1.0)
    assert p.argmax == pytest.approx(math.pi / 2) and p.argmin == pytest.approx(-math.pi / 2)
    assert p.monotonic is False and p.saturating is False


# f'(0) measured in PyTorch (reference/frameworks.md §5)
DF0 = {
    "relu": 0, "relu6": 0, "leaky_relu": 0.01, "elu": 1, "selu": 1.7580993408473766,
    "celu": 1, "prelu": 0.25, "rrelu": 0.22916666666666666, "logsigmoid": 0.5,
    "softplus": 0.5, "softsign": 1, "mish": 0.6, "sigmoid": 0.25, "tanh": 1,
}
F0 = {"logsigmoid": -0.6931471805599453, "softplus": 0.6931471805599453, "sigmoid": 0.5}


@pytest.mark.parametrize("name", sorted(DF0))
def test_values_at_zero_match_measured_framework_values(name):
    p = props(name)
    assert p.df0 == pytest.approx(DF0[name], rel=1e-15, abs=1e-300)
    assert p.f0 == pytest.approx(F0.get(name, 0.0), rel=1e-15, abs=1e-300)


def test_limits_and_saturation():
    p = props("sigmoid")
    assert dict(p.limits) == {"f(-inf)": 0, "f(+inf)": 1, "df(-inf)": 0, "df(+inf)": 0}
    assert p.saturates_left and p.saturates_right
    r = props("relu")
    assert r.saturates_left and not r.saturates_right and r.saturating
    assert props("identity").saturating is False
    assert props("leaky_relu").limits["df(-inf)"] == pytest.approx(0.01)


def test_cached_and_renderable():
    act = symacts.get("mish")
    assert act.properties() is act.properties()
    d = act.properties().as_dict()
    assert d["name"] == "mish" and isinstance(d["limits"], dict)
    text = act.properties().to_text()
    assert "range: [-0.308843, ∞)" in text and "C^∞" in text


# ---- user-defined activations ----------------------------------------------------------
def test_user_defined_smooth_activation():
    act = symacts.define("props_test_bump", "x*exp(-x**2)")
    p = act.properties()
    assert p.range_max == pytest.approx(math.exp(-0.5) / math.sqrt(2), rel=1e-14)
    assert p.argmax == pytest.approx(1 / math.sqrt(2), rel=1e-14)
    assert p.range_min == pytest.approx(-p.range_max, rel=1e-14)
    assert p.monotonic is False and len(p.decreasing_on) == 2
    assert p.identity_near_origin and p.zero_centered and p.smoothness == math.inf


def test_user_defined_piecewise_activation():
    x = sp.Symbol("x")
    act = symacts.define("props_test_halfsquare", sp.Piecewise((x**2, x > 0), (0, True)))
    p = act.properties()
    assert p.smoothness == 1
    assert (p.range_min, p.range_max) == (0.0, math.inf)
    assert p.derivative_monotonic and p.convex
    f = ref_of(act)
    with mpmath.workdps(DPS):
        assert mpmath.diff(f, 0, 2, direction=1) != mpmath.diff(f, 0, 2, direction=-1)


def test_user_defined_with_parameter_and_abs():
    act = symacts.define("props_test_abs", "x*abs(x) + a*x", params={"a": 0})
    p = act.properties()
    assert p.smoothness == 1 and p.monotonic and p.range_min == -math.inf
    q = act.bind(a=-1).properties()
    assert q.monotonic is False
    assert q.range_min == -math.inf


def test_user_defined_singular_definition_is_undecided():
    act = symacts.define("props_test_pole", "1/x")
    p = act.properties()
    assert p.range_min is None and p.smoothness is None and p.monotonic is None
    assert p.notes and "x = 0" in p.notes[0]


def test_same_result_off_the_main_thread():
    import threading

    box = {}

    def work():
        box["p"] = symacts.get("arctan").bind().properties()

    t = threading.Thread(target=work)
    t.start()
    t.join(120)
    assert box["p"].as_dict() == props("arctan").as_dict()
    assert box["p"].range_max_exact == sp.pi / 2


def test_exact_locations_and_periods():
    assert props("hardswish").argmin_exact == sp.Rational(-3, 2)
    assert props("sinusoid").period_exact == 2 * sp.pi
    sq = symacts.define("props_test_sin2", "sin(x)**2").properties()
    assert sq.period == pytest.approx(math.pi) and (sq.range_min, sq.range_max) == (0.0, 1.0)


def test_non_real_definition_is_undecided():
    p = symacts.define("props_test_sqrt", "sqrt(x)").properties()
    assert p.range_min is None and p.smoothness is None
    assert any("not real" in n for n in p.notes)


def test_astronomical_growth_and_oscillation():
    fast = symacts.define("props_test_expexp", "exp(exp(x))").properties()
    assert (fast.range_min, fast.range_max) == (1.0, math.inf)
    assert fast.monotonic and fast.increasing and not fast.min_attained
    wobble = symacts.define("props_test_xsinx", "x*sin(x)").properties()
    assert wobble.range_min is None and wobble.limits["f(+inf)"] is None
    assert wobble.monotonic is False
