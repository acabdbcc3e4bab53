"""``generated/symacts_kernels.py``: NumPy kernels (f, f', fused) for every catalog activation."""

from __future__ import annotations

from pathlib import Path

from symacts.emit import catalog_module_source
from symacts.registry import all_activations

from . import catalog_plans

STEP = (30, "kernels")

FILENAME = "symacts_kernels.py"


def build(out: Path, progress=None) -> list[Path]:
    acts = [a for a in all_activations() if not a.user_defined]
    path = out / FILENAME
    path.write_text(catalog_module_source(acts, plans=catalog_plans(progress)),
                    encoding="utf-8")
    return [path]
