"""``generated/c/``: the compiled kernels' C, printed from the kernel plans of every catalog
activation (built by ``pip install`` with ``symacts/kernels/csrc/``, see ``setup.py``)."""

from __future__ import annotations

from pathlib import Path

from symacts.emit.c_module import c_sources
from symacts.emit.planner import plan_activation
from symacts.registry import all_activations

STEP = (31, "c kernels")

FOLDER = "c"


def build(out: Path) -> list[Path]:
    plans = [plan_activation(a) for a in all_activations() if not a.user_defined]
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in c_sources(plans).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
