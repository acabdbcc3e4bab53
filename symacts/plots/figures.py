"""Figures: f and f' side by side, the gallery of all activations, and family overlays."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..activation import Activation
from .curves import Curve
from .style import DF_COLOR, F_COLOR, origin_axes, padded

#: line colours and styles cycled in family overlays (colour-blind friendly, then dashes)
OVERLAY_COLORS = (
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#999933",
)
OVERLAY_STYLES = ("-", "--", "-.", ":")

_ORDINAL_ZH = {2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


_SUPERSCRIPT = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def derivative_label(order: int) -> str:
    """f(x), f′(x), f″(x), f‴(x), f⁽ⁿ⁾(x) (plain text: no mathtext parsing)."""
    if order == 0:
        return "f(x)"
    if order <= 3:
        return "f" + "′″‴"[order - 1] + "(x)"
    return "f" + f"({order})".translate(_SUPERSCRIPT) + "(x)"


def titles(name: str, order: int, lang: str) -> tuple[str, str]:
    """Titles of the two panels, in the tutorial's words for ``lang == "zh"``."""
    if lang == "zh":
        which = "导数" if order == 1 else f"{_ORDINAL_ZH.get(order, str(order))}阶导数"
        return f"{name} 函数", f"{name} 函数的{which}"
    which = {1: "derivative", 2: "second derivative", 3: "third derivative"}.get(
        order, f"derivative of order {order}")
    return name, f"{name}: {which}"


def axis_labels(order: int, lang: str) -> tuple[str, str]:
    if lang == "zh":
        return "函数 " + derivative_label(0), "导数 " + derivative_label(order)
    return derivative_label(0), derivative_label(order)


def draw_curve(ax: Axes, curve: Curve, color: str, *, marks: bool = True, **kw) -> None:
    ax.plot(curve.x, curve.y, color=color, **kw)
    if marks and curve.marks:
        mx, my = zip(*curve.marks, strict=True)
        ax.plot(mx, my, "o", color=color, markersize=4.5, zorder=5, clip_on=False)


def _panel(ax: Axes, curve: Curve, color: str, x_range, title: str, ylabel: str) -> None:
    values = [*curve.finite_y(), *(v for _, v in curve.marks if math.isfinite(v))]
    draw_curve(ax, curve, color)
    y_range = padded(values)
    origin_axes(ax, x_range, y_range)
    ax.set_title(title, pad=8, y=1.0)  # a fixed y skips matplotlib's costly auto-placement
    ax.set_xlabel("x", ha="right", va="bottom", fontstyle="italic")
    ax.set_ylabel(ylabel, rotation=0, ha="left", va="top")
    ax.xaxis.set_label_coords(1.0, max(0.0, _fraction(0.0, y_range)) + 0.03)
    ax.yaxis.set_label_coords(max(0.0, _fraction(0.0, x_range)) + 0.015, 1.0)


def _fraction(v: float, rng: tuple[float, float]) -> float:
    """Where ``v`` lies in ``rng`` as a fraction (0 at the start, 1 at the end)."""
    lo, hi = rng
    return min(1.0, max(0.0, (v - lo) / (hi - lo)))


def pair_figure(
    name: str,
    f: Curve,
    df: Curve,
    x_range: tuple[float, float],
    order: int = 1,
    lang: str = "en",
    note: str = "",
) -> Figure:
    """f on the left, f^(order) on the right, in the tutorial's style."""
    fig = Figure(figsize=(8.0, 3.0))
    axes = fig.subplots(1, 2)
    t_f, t_d = titles(name, order, lang)
    l_f, l_d = axis_labels(order, lang)
    _panel(axes[0], f, F_COLOR, x_range, t_f, l_f)
    _panel(axes[1], df, DF_COLOR, x_range, t_d, l_d)
    if note:
        fig.text(0.5, 0.01, note, ha="center", va="bottom", fontsize=8, color="#555555")
    fig.subplots_adjust(left=0.05, right=0.98, top=0.86, bottom=0.12 if note else 0.08,
                        wspace=0.22)
    return fig


def gallery_figure(
    items: Sequence[tuple[str, Curve, Curve, tuple[float, float]]], columns: int = 6,
) -> Figure:
    """Every activation in a grid: f solid, f' dashed, each on its own range."""
    rows = max(1, math.ceil(len(items) / columns))
    fig = Figure(figsize=(2.1 * columns, 1.75 * rows + 0.5))
    axes = np.atleast_1d(fig.subplots(rows, columns)).ravel()
    for ax, (name, f, df, x_range) in zip(axes, items, strict=False):
        values = [*f.finite_y(), *df.finite_y()]
        draw_curve(ax, f, F_COLOR, linewidth=1.4)
        draw_curve(ax, df, DF_COLOR, marks=False, linewidth=1.0, linestyle="--")
        origin_axes(ax, x_range, padded(values))
        ax.set_title(name, fontsize=9, pad=3, y=1.0)
        ax.tick_params(labelsize=6, length=2, pad=1)
    for ax in axes[len(items):]:
        ax.set_visible(False)
    fig.suptitle("f (solid) and f' (dashed) of every activation, each on its plot range",
                 fontsize=11, y=0.995)
    fig.subplots_adjust(left=0.02, right=0.99, top=1 - 0.45 / (1.75 * rows + 0.5),
                        bottom=0.01, wspace=0.25, hspace=0.45)
    return fig


def family_figure(
    family: str,
    members: Sequence[tuple[str, Curve, Curve]],
    x_range: tuple[float, float],
    lang: str = "en",
) -> Figure:
    """The members of a family overlaid: f on the left, f' on the right, one legend."""
    fig = Figure(figsize=(9.0, 3.6))
    ax_f, ax_d = fig.subplots(1, 2)
    f_values: list[float] = []
    d_values: list[float] = []
    for i, (name, f, df) in enumerate(members):
        color = OVERLAY_COLORS[i % len(OVERLAY_COLORS)]
        ls = OVERLAY_STYLES[(i // len(OVERLAY_COLORS)) % len(OVERLAY_STYLES)]
        draw_curve(ax_f, f, color, marks=False, linewidth=1.5, linestyle=ls, label=name)
        draw_curve(ax_d, df, color, marks=False, linewidth=1.5, linestyle=ls)
        f_values += list(f.finite_y())
        d_values += list(df.finite_y())
    origin_axes(ax_f, x_range, padded(f_values))
    origin_axes(ax_d, x_range, padded(d_values))
    t_f, t_d = titles(f"{family} family", 1, lang)
    ax_f.set_title(t_f, pad=8, y=1.0)
    ax_d.set_title(t_d, pad=8, y=1.0)
    fig.legend(loc="center right", ncol=1, fontsize=8, handlelength=2.2)
    right = 0.80 if len(members) <= 14 else 0.74
    fig.subplots_adjust(left=0.05, right=right, top=0.88, bottom=0.08, wspace=0.2)
    return fig


def describe_params(act: Activation, params: dict | None) -> str:
    """``beta = 2, alpha = 1`` for the parameters in effect (given, else defaults)."""
    given = dict(params or {})
    parts = []
    for p in act.param_specs:
        v = given.get(p.name, p.default_float)
        try:
            shown = f"{float(v):g}"
        except (TypeError, ValueError):
            shown = str(v)
        parts.append(f"{p.name} = {shown}")
    return ", ".join(parts)
