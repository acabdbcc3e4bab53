"""Plots of f and its derivatives, evaluated numerically from the definition.

    import symacts, symacts.plots
    fig = symacts.plots.plot("mish")                       # a matplotlib Figure
    symacts.plots.plot("swish", params={"beta": 2}, order=2, out="swish.svg")
    symacts.plots.plot("relu", lang="zh", out="relu_zh.png")   # 函数 / 导数

Every figure uses one fixed style; files are byte-stable (no dates or versions inside).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from ..activation import Activation
from ..registry import all_activations, get
from .curves import Curve, PlotError, check_order, check_range, sample
from .figures import describe_params, family_figure, gallery_figure, pair_figure
from .style import figure_style, save

__all__ = [
    "Curve",
    "PlotError",
    "family_members",
    "family_range",
    "figure_style",
    "plot",
    "render_activation",
    "render_all",
    "render_family",
    "render_gallery",
    "resolve",
    "sample",
]

#: file formats written for every activation by :func:`render_all`
FORMATS = ("png", "svg")
#: family overlays are drawn on the union of the members' ranges, clipped to this
FAMILY_CLIP = (-6.0, 6.0)


def resolve(act: Activation | str) -> Activation:
    """An :class:`Activation` from itself or a name/alias."""
    if isinstance(act, Activation):
        return act
    if isinstance(act, str):
        return get(act)
    raise TypeError(f"expected an Activation or a name, got {type(act).__name__}")


def _refuse_existing(paths: Iterable[Path], force: bool) -> None:
    existing = [str(p) for p in paths if Path(p).exists()]
    if existing and not force:
        raise PlotError(
            "refusing to overwrite existing file(s): " + ", ".join(existing)
            + " (pass force=True, or --force on the command line)"
        )


def plot(
    act: Activation | str,
    *,
    x_range: Sequence[float] | None = None,
    order: int = 1,
    params: Mapping[str, Any] | None = None,
    lang: str = "en",
    out: str | Path | None = None,
    force: bool = False,
) -> Figure | Path:
    """f and f^(order) side by side; returns the Figure, or writes ``out`` (.png/.svg/.pdf).

    ``x_range`` defaults to ``act.plot_range``; ``params`` fixes parameters (others at their
    defaults). An existing ``out`` is never overwritten unless ``force=True``.
    """
    a = resolve(act)
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise PlotError(f"derivative order must be an integer from 1 to 10, got {order!r}")
    check_order(order)
    rng = check_range(x_range if x_range is not None else a.plot_range)
    if out is not None:
        out = Path(out)
        if out.suffix.lower() not in (".png", ".svg", ".pdf"):
            raise PlotError(f"output file must end in .png, .svg or .pdf, got {out.name!r}")
        _refuse_existing([out], force)
    with figure_style(lang):
        f = sample(a, 0, rng, params)
        df = sample(a, order, rng, params)
        note = describe_params(a, dict(params or {}))
        fig = pair_figure(a.name, f, df, rng, order=order, lang=lang, note=note)
        if out is None:
            return fig
        return save(fig, out)


def _curves(act: Activation, x_range) -> tuple[Curve, Curve]:
    return sample(act, 0, x_range), sample(act, 1, x_range)


def family_members(acts: Sequence[Activation]) -> dict[str, list[Activation]]:
    """Family name → members, from ``act.families``; plus ``<family>_smooth`` (members
    without kinks) for families that mix kinked and smooth members."""
    fams: dict[str, list[Activation]] = {}
    for a in acts:
        for fam in a.families:
            fams.setdefault(fam, []).append(a)
    out: dict[str, list[Activation]] = {}
    for fam in sorted(fams):
        members = sorted(fams[fam], key=lambda a: a.name)
        out[fam] = members
        smooth = [a for a in members if not a.kink_points()]
        if 2 <= len(smooth) < len(members):
            out[f"{fam}_smooth"] = smooth
    return out


def family_range(members: Sequence[Activation]) -> tuple[float, float]:
    lo = min(a.plot_range[0] for a in members)
    hi = max(a.plot_range[1] for a in members)
    return max(lo, FAMILY_CLIP[0]), min(hi, FAMILY_CLIP[1])


def render_family(family: str, members: Sequence[Activation], out_dir: Path,
                  formats: Sequence[str] = FORMATS, lang: str = "en") -> list[Path]:
    rng = family_range(members)
    items = [(a.name, *_curves(a, rng)) for a in members]
    title = family.replace("_smooth", " (smooth)")
    with figure_style(lang):
        fig = family_figure(title, items, rng, lang=lang)
        return [save(fig, Path(out_dir) / f"family_{family}.{ext}") for ext in formats]


def render_gallery(acts: Sequence[Activation], out_dir: Path,
                   formats: Sequence[str] = FORMATS,
                   curves: Mapping[str, tuple[Curve, Curve]] | None = None) -> list[Path]:
    curves = dict(curves or {})
    items = []
    for a in acts:
        f, df = curves.get(a.name) or _curves(a, a.plot_range)
        items.append((a.name, f, df, a.plot_range))
    with figure_style("en"):
        fig = gallery_figure(items)
        return [save(fig, Path(out_dir) / f"gallery.{ext}") for ext in formats]


def render_activation(act: Activation, out_dir: Path, formats: Sequence[str] = FORMATS,
                      curves: tuple[Curve, Curve] | None = None) -> list[Path]:
    """``<name>.png`` and ``<name>.svg``: f and f' on the activation's plot range."""
    rng = check_range(act.plot_range)
    f, df = curves or _curves(act, rng)
    with figure_style("en"):
        fig = pair_figure(act.name, f, df, rng, note=describe_params(act, None))
        return [save(fig, Path(out_dir) / f"{act.name}.{ext}") for ext in formats]


def render_all(out_dir: Path, acts: Sequence[Activation] | None = None,
               formats: Sequence[str] = FORMATS, progress=None) -> list[Path]:
    """Every activation's figure, the gallery and the family overlays under ``out_dir``;
    ``progress(done, total, what)``, if given, is called before each activation."""
    acts = list(acts if acts is not None else all_activations())
    out_dir = Path(out_dir)
    written: list[Path] = []
    curves = {}
    for i, a in enumerate(acts):
        if progress is not None:
            progress(i, len(acts), a.name)
        curves[a.name] = _curves(a, a.plot_range)
        written += render_activation(a, out_dir, formats, curves[a.name])
    if progress is not None:
        progress(len(acts), len(acts), "gallery and families")
    written += render_gallery(acts, out_dir, formats, curves)
    for fam, members in family_members(acts).items():
        written += render_family(fam, members, out_dir, formats)
    return written
