"""Work under a deadline: tasks run in a forked worker that is killed when time is up.

:func:`run_bounded` evaluates ``work(task)`` for each task in order. The results stream back
one by one, so that what finished before the deadline is kept. A task that runs longer than
``per_task`` seconds (an mpmath call that does not return) is interrupted in the worker by a
timer signal, or — if that cannot stop it — the worker is killed and a fresh one continues
after it; either way the task gets ``on_timeout(task)``. Without ``fork()`` the tasks run in
this process, the deadline checked between tasks.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

#: extra address space allowed to a worker (bytes)
MEMORY_LIMIT = 2 * 1024**3
#: seconds the parent waits beyond ``per_task`` before it kills a worker that does not answer
GRACE = 1.0


class TaskTimeout(Exception):  # noqa: N818 - raised inside the worker by its timer
    """A task ran past its time limit."""


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


def _on_alarm(signum, frame):  # pragma: no cover - runs in the worker
    raise TaskTimeout


def _worker(conn, tasks, start, work, per_task) -> None:  # pragma: no cover - child process
    limit_memory()
    signal.signal(signal.SIGALRM, _on_alarm)
    try:
        for i in range(start, len(tasks)):
            signal.setitimer(signal.ITIMER_REAL, per_task)
            try:
                result = ("ok", work(tasks[i]))
            except TaskTimeout:
                result = ("timeout", None)
            except MemoryError:
                result = ("error", "memory limit")
            except Exception as exc:  # a failed task is reported, the others go on
                result = ("error", f"{type(exc).__name__}: {exc}"[:200])
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
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
) -> tuple[list[Any], bool]:
    """``([work(t) or on_timeout(t, why) for t in tasks], finished)``, stopping at ``deadline``
    (a ``time.perf_counter()`` value); unfinished tasks are left out of the list.

    ``work``'s results must be picklable; exceptions from ``work`` become ``on_timeout(t,
    message)`` too (the task could not be evaluated).
    """
    if not tasks:
        return [], True
    if not fork_available():
        return _run_here(tasks, work, deadline, on_timeout)
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
            rest, finished = _run_here(tasks[start:], work, deadline, on_timeout)
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
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join(1.0)
            parent.close()
    return results, True


def _run_here(tasks, work, deadline, on_timeout) -> tuple[list[Any], bool]:
    results = []
    for t in tasks:
        if time.perf_counter() >= deadline:
            return results, False
        try:
            results.append(work(t))
        except Exception as exc:  # same contract as the worker
            results.append(on_timeout(t, f"{type(exc).__name__}: {exc}"[:200]))
    return results, True
