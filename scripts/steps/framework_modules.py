"""``generated/symacts_torch.py`` and ``generated/symacts_jax.py``: the catalog's kernel plans
printed as PyTorch and ``jax.numpy`` code (read by ``symacts.torch`` and ``symacts.jax``).

Printed here rather than when ``symacts.torch`` is imported: planning the catalog takes about
a minute (SymPy), and a committed file can be read, diffed and checked by ``--check``.
"""

from __future__ import annotations

from pathlib import Path

from symacts.emit.jax_printer import catalog_source as jax_source
from symacts.emit.torch_printer import catalog_source as torch_source

from . import catalog_plans

STEP = (35, "frameworks")

FILES = {"symacts_torch.py": torch_source, "symacts_jax.py": jax_source}


def build(out: Path, progress=None) -> list[Path]:
    plans = catalog_plans(progress)
    written = []
    for name, source in FILES.items():
        path = out / name
        path.write_text(source(plans), encoding="utf-8")
        written.append(path)
    return written
