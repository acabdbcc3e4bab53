"""``generated/AUDIT.md``: the tutorial audit (see :mod:`symacts.audit`)."""

from __future__ import annotations

from pathlib import Path

STEP = (60, "tutorial audit")


def build(out: Path, progress=None) -> list[Path]:
    from symacts.audit import render, run_audit

    source, entries = run_audit(progress=progress)
    path = out / "AUDIT.md"
    path.write_text(render(source, entries), encoding="utf-8")
    return [path]
