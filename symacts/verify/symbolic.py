"""Targeted, time-boxed symbolic proof that a difference is identically zero.

Never ``.equals()`` (it can hang or be wrong) and never an unbounded ``simplify``. The
difference is rewritten step by step, each step cheap and checked for 0:

1. building blocks and self-references expanded to elementary functions;
2. ``together`` + ``cancel`` (rational identities in x, eˣ, e^{βx}, log(1 + eˣ), erf, ...);
3. hyperbolic and trigonometric functions rewritten to exponentials, then (2);
4. the substitution x = ln t (t > 0), which turns e^{kx} into t^k, then (2);
5. ``simplify`` as the last resort, still inside the time box.

Piecewise differences are folded and every branch must vanish. The work runs in a forked
worker killed at the deadline (and limited in memory), so a formula that makes SymPy blow up
costs at most the time box.
"""

from __future__ import annotations

import multiprocessing as mp

import sympy as sp

from ..functions import expand_blocks
from .worker import fork_available, limit_memory

#: default seconds for the symbolic layer
TIME_BOX = 5.0
#: extra address space allowed to the worker (bytes)
MEMORY_LIMIT = 2 * 1024**3

_HYPERBOLIC = (sp.tanh, sp.sinh, sp.cosh, sp.sech, sp.csch, sp.coth, sp.sin, sp.cos, sp.tan)


def _is_zero(e: sp.Expr) -> bool:
    return e == 0 or (e.is_number and e.is_zero is True)


def _cancelled(e: sp.Expr) -> bool:
    try:
        return _is_zero(sp.cancel(sp.together(e)))
    except (sp.PolynomialError, sp.CoercionFailed, ValueError, TypeError, NotImplementedError):
        return False


def zero_method(e: sp.Expr, x: sp.Symbol) -> str | None:
    """The name of the rewrite that shows ``e`` ≡ 0, or None (not shown, not disproved)."""
    e = expand_blocks(e)
    if _is_zero(e):
        return "identical after expanding the building blocks"
    if e.has(sp.Piecewise):
        e = sp.piecewise_fold(e)
        if isinstance(e, sp.Piecewise):
            methods = []
            covered = sp.S.EmptySet
            for branch, cond in e.args:
                if cond == sp.false:
                    continue
                where = _effective_set(cond, covered, x)
                if where is not None:
                    covered = covered | where
                if where is not None and where.is_empty:
                    continue
                m = zero_method(branch, x)
                if m is None and isinstance(where, sp.FiniteSet):
                    m = _zero_on_points(branch, where, x)
                if m is None:
                    return None
                methods.append(m)
            return "branch by branch: " + "; ".join(sorted(set(methods)))
    if _cancelled(e):
        return "together/cancel"
    if e.has(*_HYPERBOLIC):
        e = e.rewrite(sp.exp)
        if _cancelled(e):
            return "hyperbolic functions rewritten to exp, then cancel"
    t = sp.Symbol("t", positive=True)
    sub = sp.powsimp(sp.expand_power_exp(e.subs(x, sp.log(t))), force=True)
    if _cancelled(sub):
        return "x = ln t (exponentials as powers of t), then cancel"
    if _is_zero(sp.simplify(e)):
        return "simplify"
    return None


def _effective_set(cond, covered, x: sp.Symbol):
    """Where a Piecewise branch applies: its condition minus the earlier ones (None: unknown)."""
    try:
        if cond == sp.true:
            mine = sp.S.Reals
        elif cond.free_symbols == {x}:
            mine = cond.as_set()
        else:
            return None
        return mine - covered if covered is not None else mine
    except (NotImplementedError, TypeError, ValueError, AttributeError):
        return None


def _zero_on_points(branch: sp.Expr, where: sp.FiniteSet, x: sp.Symbol) -> str | None:
    """A branch that applies only at finitely many points, zero at each of them."""
    for p in where:
        if not _is_zero(sp.simplify(expand_blocks(branch).subs(x, p))):
            return None
    return "equal at the boundary points"


def _worker(conn, diff: sp.Expr, x: sp.Symbol) -> None:  # pragma: no cover - child process
    limit_memory(MEMORY_LIMIT)
    try:
        conn.send(("ok", zero_method(diff, x)))
    except MemoryError:
        conn.send(("memory", None))
    except RecursionError:
        conn.send(("recursion", None))
    except Exception as exc:  # any SymPy failure means "not proved", never "equal"
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:200]))
    finally:
        conn.close()


def prove_zero(diff: sp.Expr, x: sp.Symbol, time_box: float = TIME_BOX) -> tuple[str | None, str]:
    """(method, note): ``method`` names the proof when ``diff`` ≡ 0 was shown within the box.

    ``note`` says why there is no proof ("timed out after 5 s", "no rewrite reduced it to 0").
    """
    if _is_zero(diff):
        return "identical", ""
    if time_box <= 0:
        return None, "symbolic layer skipped"
    if not fork_available():
        return None, "symbolic layer needs fork() to be time-boxed; skipped"
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_worker, args=(child, diff, x), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(time_box):
            return None, f"symbolic layer timed out after {time_box:g} s"
        try:
            status, value = parent.recv()
        except EOFError:
            return None, "symbolic worker stopped (memory or recursion limit)"
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(1.0)
        parent.close()
    if status == "ok":
        return value, "" if value else "no rewrite reduced the difference to 0"
    if status in ("memory", "recursion"):
        return None, f"symbolic layer hit its {status} limit"
    return None, f"symbolic layer failed ({value})"
