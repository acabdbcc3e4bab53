"""Outputs written to ``generated/``, one module per product, discovered automatically.

Each module defines ``STEP = (order, "title")`` and ``build(out: Path) -> list[Path]`` that
writes its files under ``out`` and returns them. ``scripts/regenerate.py`` runs every step in
order; with ``--check`` it builds into a temporary folder and compares byte for byte.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def steps() -> list[ModuleType]:
    """Every output module, in ``STEP`` order."""
    mods = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]
    mods = [m for m in mods if hasattr(m, "STEP") and hasattr(m, "build")]
    return sorted(mods, key=lambda m: m.STEP)
