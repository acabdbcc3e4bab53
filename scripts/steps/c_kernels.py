"""``generated/c/``: the compiled kernels' C, printed from the kernel plans of every catalog
activation (built by ``pip install`` with ``symacts/kernels/csrc/``, see ``setup.py``)."""

from __future__ import annotations

from pathlib import Path

from symacts.emit.c_module import c_sources

from . import catalog_plans

STEP = (31, "c kernels")

FOLDER = "c"


def build(out: Path, progress=None) -> list[Path]:
    plans = catalog_plans(progress)
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in c_sources(plans).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
