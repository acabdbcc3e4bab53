"""Outputs written to ``generated/``, one module per product, discovered automatically.

Each module defines ``STEP = (order, "title")`` and ``build(out: Path, progress=None) ->
list[Path]`` that writes its files under ``out`` and returns them, calling
``progress(done, total, what)`` as it goes (:class:`Progress` prints it).
``scripts/regenerate.py`` runs every step in order; with ``--check`` it builds into a
temporary folder and compares byte for byte.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from types import ModuleType


def steps() -> list[ModuleType]:
    """Every output module, in ``STEP`` order."""
    mods = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]
    mods = [m for m in mods if hasattr(m, "STEP") and hasattr(m, "build")]
    return sorted(mods, key=lambda m: m.STEP)


class Progress:
    """Prints how far a step has come: in place on a terminal, else a line every few seconds
    (so that a log shows a long step is alive without a line per item)."""

    def __init__(self, head: str, stream=None, every: float = 5.0):
        self.head = head
        self.stream = stream or sys.stdout
        self.every = every
        self.tty = self.stream.isatty()
        self.last = time.perf_counter()
        self.shown = False

    def __call__(self, done: int, total: int, what: str) -> None:
        now = time.perf_counter()
        text = f"{self.head} {done}/{total} {what}"
        if self.tty:
            self.stream.write("\r\033[K" + text)
            self.stream.flush()
            self.shown = True
        elif now - self.last >= self.every:
            self.stream.write(text + "\n")
            self.stream.flush()
            self.last = now

    def clear(self) -> None:
        """Ready the line for the step's result."""
        if self.tty and self.shown:
            self.stream.write("\r\033[K" + self.head)


_PLANS: list = []


def catalog_plans(progress=None) -> list:
    """The kernel plans of every catalog activation, made once per run and shared by the steps
    that print them (NumPy, C, torch, jax)."""
    if not _PLANS:
        from symacts.emit import plan_activation
        from symacts.registry import all_activations

        acts = [a for a in all_activations() if not a.user_defined]
        for i, a in enumerate(acts):
            if progress is not None:
                progress(i, len(acts), a.name)
            _PLANS.append(plan_activation(a))
    return _PLANS
