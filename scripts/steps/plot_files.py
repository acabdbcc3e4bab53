"""``generated/plots/``: f and f' of every activation (PNG and SVG), the gallery, and one
overlay per family (``act.families``)."""

from __future__ import annotations

from pathlib import Path

from symacts.registry import all_activations

STEP = (30, "plots")


def build(out: Path, progress=None) -> list[Path]:
    from symacts.plots import render_all

    acts = [a for a in all_activations() if not a.user_defined]
    return render_all(out / "plots", acts, progress=progress)
