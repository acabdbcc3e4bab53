"""Run a SymPy call with a deadline (``limit`` and friends can take unbounded time).

Deadlines guard against hangs, not against slowness: every deadline given by a caller is
multiplied by :data:`MARGIN`, far above the slowest call the catalog needs, so that derived
properties (and the sheets printed from them) do not depend on how loaded the machine is.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: factor applied to every deadline (catalog calls take at most ~2 s of a 1–5 s budget)
MARGIN = 5.0


class Timeout(BaseException):
    """The call did not finish before its deadline (BaseException: SymPy swallows Exception)."""


def _alarm(signum, frame):  # pragma: no cover - exercised only when a call hangs
    raise Timeout


def run(fn: Callable[[], T], seconds: float) -> T:
    """``fn()``, or :class:`Timeout` after ``seconds``.

    In the main thread a ``SIGALRM`` timer interrupts the call; elsewhere the call runs in a
    daemon thread that is abandoned at the deadline.
    """
    seconds = seconds * MARGIN
    in_main = threading.current_thread() is threading.main_thread()
    if in_main and hasattr(signal, "setitimer") and signal.getitimer(signal.ITIMER_REAL)[0] == 0:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return fn()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    box: dict[str, Any] = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise Timeout
    if "error" in box:
        raise box["error"]
    return box["value"]


def attempt(fn: Callable[[], T], seconds: float) -> T | None:
    """``fn()``, or None when it times out or raises."""
    try:
        return run(fn, seconds)
    except Timeout:
        return None
    except Exception:
        return None
