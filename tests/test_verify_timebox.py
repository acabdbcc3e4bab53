"""Every layer of verify inside its time box: huge arguments take limits, hung points are cut."""

from __future__ import annotations

import signal
import time

import mpmath
import pytest
import sympy as sp

from symacts.verify import NUMERICALLY_EQUAL, PROVED, REFUTED, pointwise, verify
from symacts.verify.evaluate import Unresolved, compile_expr
from symacts.verify.worker import fork_available, run_bounded

x = sp.Symbol("x", real=True)


def finished(r) -> bool:
    return not any("time box" in n for n in r.notes)


def test_sech_of_exp_against_one_over_cosh():
    r = verify(lhs="sech(exp(x))", rhs="1/cosh(exp(x))")
    assert r.verdict == PROVED and finished(r)
    r = verify(lhs="sech(exp(x))", rhs="1/cosh(exp(x))", time_box=0)
    assert r.verdict == NUMERICALLY_EQUAL and finished(r)
    assert r.points_unresolved > 0  # sech(e^x) for e^x > 1e11 is below any number mpmath has


def test_tanh_of_exp_against_itself_and_a_wrong_variant():
    r = verify(lhs="tanh(exp(x))", rhs="tanh(exp(x))", time_box=0)
    assert r.verdict == PROVED and finished(r)
    r = verify(lhs="tanh(exp(x))", rhs="1 - 2/(exp(2 exp(x)) + 1)", time_box=0)
    assert r.verdict == NUMERICALLY_EQUAL and finished(r)
    r = verify(lhs="tanh(exp(x))", rhs="tanh(exp(x)) + exp(-x^2)", time_box=0)
    assert r.verdict == REFUTED and finished(r)
    c = r.counterexample
    t = mpmath.mpf(c.x)
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(c.claimed) - mpmath.tanh(mpmath.exp(t))) < 1e-15
        assert abs(mpmath.mpf(c.true) - mpmath.tanh(mpmath.exp(t)) - mpmath.exp(-t * t)) < 1e-15


@pytest.mark.parametrize(("expr", "at", "want"), [
    (sp.tanh(x), mpmath.mpf(10) ** 300, 1),
    (sp.tanh(x), -mpmath.mpf(10) ** 300, -1),
    (sp.erf(x), mpmath.mpf(10) ** 50, 1),
    (sp.tanh(sp.exp(x)), mpmath.mpf(1000), 1),
    (sp.atan(sp.exp(x)), mpmath.mpf(10) ** 4, None),  # mpmath itself, quickly
])
def test_huge_arguments_take_the_limit(expr, at, want):
    g = compile_expr(expr, x)
    with mpmath.workdps(40):
        v, err = g(at)
        ref = want if want is not None else mpmath.atan(mpmath.exp(at))
        assert abs(v - ref) <= err + mpmath.mpf(10) ** -38
        assert err < mpmath.mpf(10) ** -35


def test_huge_softplus_is_its_argument():
    g = compile_expr(sp.log(1 + sp.exp(x)), x)
    from symacts.functions import softplus

    h = compile_expr(softplus(x), x)
    with mpmath.workdps(40):
        big = mpmath.mpf(10) ** 20
        assert h(big)[0] == big
        with pytest.raises(Unresolved):  # exp(1e20): too large to evaluate, not a hang
            g(big)


@pytest.mark.parametrize("expr", [
    sp.sech(sp.exp(x)), sp.cosh(sp.exp(x)), sp.exp(-sp.exp(x)), sp.sin(sp.exp(x)),
])
def test_unevaluable_values_are_unresolved_at_once(expr):
    g = compile_expr(expr, x)
    start = time.perf_counter()
    with mpmath.workdps(40), pytest.raises(Unresolved):
        g(mpmath.mpf(5000))
    assert time.perf_counter() - start < 5  # a hang here would take minutes


needs_fork = pytest.mark.skipif(not fork_available(), reason="needs fork()")


def _slow(task):
    if task == "sleep":
        time.sleep(60)
    if task == "blocked":  # a call that the timer signal cannot interrupt
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
        time.sleep(60)
    return task * 2


@needs_fork
def test_run_bounded_cuts_hung_tasks_and_keeps_the_others():
    start = time.perf_counter()
    results, done = run_bounded(["a", "sleep", "b", "blocked", "c"], _slow,
                                time.perf_counter() + 30, 0.3, lambda t, why: f"{t}: {why}",
                                isolate=True)
    assert done
    assert results == ["aa", "sleep: time limit", "bb", "blocked: time limit", "cc"]
    assert time.perf_counter() - start < 20


def test_run_bounded_in_this_process_cuts_hung_tasks():
    results, done = run_bounded(["a", "sleep", "b"], _slow, time.perf_counter() + 30, 0.3,
                                lambda t, why: f"{t}: {why}")
    assert done and results == ["aa", "sleep: time limit", "bb"]
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL  # the timer is given back
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def _swallows(task):
    try:
        time.sleep(60)
    except Exception:  # code that catches everything must not keep a hung task alive
        time.sleep(60)
    return task


@pytest.mark.parametrize("isolate", [False, pytest.param(True, marks=needs_fork)])
def test_a_hung_task_is_cut_even_inside_a_broad_except(isolate):
    results, done = run_bounded(["x"], _swallows, time.perf_counter() + 30, 0.3,
                                lambda t, why: why, isolate=isolate)
    assert done and results == ["time limit"]


@pytest.mark.parametrize("isolate", [False, pytest.param(True, marks=needs_fork)])
def test_run_bounded_stops_at_the_deadline(isolate):
    results, done = run_bounded(["a", "sleep", "b"], _slow, time.perf_counter() + 0.5, 10,
                                lambda t, why: why, isolate=isolate)
    assert not done and results == ["aa"]


def test_run_bounded_stops_at_the_first_wanted_result():
    seen = []

    def work(t):
        seen.append(t)
        return t

    results, done = run_bounded([1, 2, 3, 4], work, time.perf_counter() + 30, 1,
                                lambda t, why: None, stop=lambda r: r == 2)
    assert done and results == [1, 2] and seen == [1, 2]


def test_numeric_layer_survives_a_point_that_hangs(monkeypatch):
    real = pointwise.compare_at
    base = verify(lhs="2 sigmoid(2x) - 1", rhs="tanh(x)", time_box=0)

    def compare(gl, gr, X):
        if X == 2:
            time.sleep(60)
        return real(gl, gr, X)

    monkeypatch.setattr(pointwise, "compare_at", compare)
    monkeypatch.setattr(pointwise, "POINT_TIME_LIMIT", 0.3)
    r = verify(lhs="2 sigmoid(2x) - 1", rhs="tanh(x)", time_box=0)
    assert r.verdict == NUMERICALLY_EQUAL
    assert r.points_unresolved == base.points_unresolved + 1
    assert r.points_checked == base.points_checked - 1


def test_breakpoint_search_is_time_boxed_too(monkeypatch):
    from symacts.verify import sampling

    def hang(f, x, limit=20):
        time.sleep(60)

    monkeypatch.setattr(sampling, "_numeric_zeros", hang)
    monkeypatch.setattr(pointwise, "BREAKPOINT_TIME_LIMIT", 0.3)
    start = time.perf_counter()
    # exp(x) > 1 needs the numeric search (cut off); x^2 < 4e12 is solved exactly
    r = verify("relu", function="x if exp(x) > 1 and x^2 < 4e12 else 0 if x < 0 else 2x",
               time_box=0, points=200)
    assert time.perf_counter() - start < 30
    assert r.verdict == REFUTED and abs(float(r.counterexample.x)) >= 2e6
