"""Work under a deadline: each task is cut off at its time limit, the whole at the deadline.

:func:`run_bounded` evaluates ``work(task)`` for each task in order and keeps what finished
before the deadline. A task that runs longer than ``per_task`` seconds (an mpmath call that does
not return) gets ``on_timeout(task)`` instead. Two ways, with the same results:

* in this process, when it may use the interval timer (the main thread, with no SIGALRM
  handler or timer of someone else's): the timer's signal interrupts the task — fast, and
  enough for mpmath, which runs Python code;
* in a forked worker (``isolate=True``, or when the timer is not ours to use): results stream
  back one by one; the worker interrupts a task by the same timer, and if that cannot stop it
  (a call in C that holds the signal back) it is killed and a fresh one continues after the
  task. Without ``fork()`` the tasks run here, the deadline checked between tasks.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

#: extra address space allowed to a worker (bytes)
MEMORY_LIMIT = 2 * 1024**3
#: seconds the parent waits beyond ``per_task`` before it kills a worker that does not answer
GRACE = 1.0


class TaskTimeout(BaseException):
    """A task ran past its time limit (a BaseException, so that no ``except Exception`` in the
    interrupted code swallows it)."""

#: seconds between repeated timer signals once a task is over its limit
REPEAT = 0.25


def fork_available() -> bool:
    return "fork" in mp.get_all_start_methods() and sys.platform != "win32"


def limit_memory(extra: int = MEMORY_LIMIT) -> None:
    """Cap this process's address space at its current size plus ``extra`` bytes."""
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm") as fh:
            size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = size + extra
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass


def _on_alarm(signum, frame):
    raise TaskTimeout


def _timer_is_ours() -> bool:
    """True in the main thread when nobody else uses SIGALRM or the real-time interval timer."""
    if not hasattr(signal, "setitimer"):
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    return (signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))


def _worker(conn, tasks, start, work, per_task) -> None:  # pragma: no cover - child process
    limit_memory()
    signal.signal(signal.SIGALRM, _on_alarm)
    try:
        for i in range(start, len(tasks)):
            try:
                signal.setitimer(signal.ITIMER_REAL, per_task, REPEAT)
                try:
                    result = ("ok", work(tasks[i]))
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except TaskTimeout:
                result = ("timeout", None)
            except MemoryError:
                result = ("error", "memory limit")
            except Exception as exc:  # a failed task is reported, the others go on
                result = ("error", f"{type(exc).__name__}: {exc}"[:200])
            conn.send((i, *result))
    except (BrokenPipeError, EOFError, TaskTimeout):
        pass
    finally:
        conn.close()
        os._exit(0)


def run_bounded(
    tasks: Sequence[T],
    work: Callable[[T], Any],
    deadline: float,
    per_task: float,
    on_timeout: Callable[[T, str], Any],
    stop: Callable[[Any], bool] | None = None,
    isolate: bool = False,
) -> tuple[list[Any], bool]:
    """``([work(t) or on_timeout(t, why) for t in tasks], finished)``, stopping at ``deadline``
    (a ``time.perf_counter()`` value); unfinished tasks are left out of the list.

    ``work``'s results must be picklable; exceptions from ``work`` become ``on_timeout(t,
    message)`` too (the task could not be evaluated). With ``stop``, the tasks end at the first
    result for which ``stop(result)`` is true (``finished`` is then true). ``isolate``: always
    in a forked worker (see the module doc).
    """
    if not tasks:
        return [], True
    if not isolate and _timer_is_ours():
        return _run_timed_here(tasks, work, deadline, per_task, on_timeout, stop)
    if not fork_available():
        return _run_here(tasks, work, deadline, on_timeout, stop)
    results: list[Any] = []
    ctx = mp.get_context("fork")
    start = 0
    while start < len(tasks):
        if time.perf_counter() >= deadline:
            return results, False
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_worker, args=(child, tasks, start, work, per_task),
                           daemon=True)
        try:
            proc.start()
        except AssertionError:  # a daemon process may not fork: run the rest here
            parent.close()
            child.close()
            rest, finished = _run_here(tasks[start:], work, deadline, on_timeout, stop)
            return results + rest, finished
        child.close()
        try:
            while start < len(tasks):
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    return results, False
                if not parent.poll(min(remaining, per_task + GRACE)):
                    if time.perf_counter() >= deadline:
                        return results, False
                    results.append(on_timeout(tasks[start], "time limit"))
                    start += 1
                    break  # restart a worker after the task that hung
                try:
                    i, status, value = parent.recv()
                except (EOFError, OSError):  # the worker died (memory limit, signal)
                    results.append(on_timeout(tasks[start], "evaluation failed"))
                    start += 1
                    break
                if status == "ok":
                    results.append(value)
                else:
                    results.append(on_timeout(tasks[i], "time limit" if status == "timeout"
                                              else value))
                start = i + 1
                if stop is not None and stop(results[-1]):
                    return results, True
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join(1.0)
            parent.close()
    return results, True


def _run_timed_here(tasks, work, deadline, per_task, on_timeout, stop) -> tuple[list[Any], bool]:
    """The tasks in this process, each interrupted by the interval timer at its limit."""
    results: list[Any] = []
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        for t in tasks:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return results, False
            limit = min(per_task, remaining)
            try:
                signal.setitimer(signal.ITIMER_REAL, limit, REPEAT)
                try:
                    value = work(t)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except TaskTimeout:
                if limit < per_task:  # the deadline, not the task's own limit
                    return results, False
                value = on_timeout(t, "time limit")
            except MemoryError:
                value = on_timeout(t, "memory limit")
            except Exception as exc:  # a failed task is reported, the others go on
                value = on_timeout(t, f"{type(exc).__name__}: {exc}"[:200])
            results.append(value)
            if stop is not None and stop(value):
                break
        return results, True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _run_here(tasks, work, deadline, on_timeout, stop=None) -> tuple[list[Any], bool]:
    results = []
    for t in tasks:
        if time.perf_counter() >= deadline:
            return results, False
        try:
            results.append(work(t))
        except Exception as exc:  # same contract as the worker
            results.append(on_timeout(t, f"{type(exc).__name__}: {exc}"[:200]))
        if stop is not None and stop(results[-1]):
            break
    return results, True
