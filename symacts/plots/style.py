"""One fixed figure style, the tutorial's axes, fonts for --lang zh, and byte-stable saving.

Axes through the origin label it once: the ticks at 0 carry no label (x's "0" and y's "0.0"
would sit on each other, the spines and any kink dot there), and a single "0" is put in the
corner beside the origin that no curve, dot or other label touches (below left when free).

Byte stability: every figure is drawn under :data:`RC` (no user matplotlibrc leaks in), PNGs
are written without the ``Software`` entry, SVGs with a fixed ``svg.hashsalt`` and without
``Date``/``Creator``, PDFs without dates or producer, text as paths.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import matplotlib.font_manager as font_manager
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.path import Path as MplPath
from matplotlib.text import Annotation, Text
from matplotlib.ticker import ScalarFormatter
from matplotlib.transforms import Bbox

from .curves import PlotError

#: resolution of PNG files (pixels per inch)
DPI = 110

#: CJK fonts tried in order for --lang zh (family names as fontconfig reports them)
CJK_FONTS = (
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans CJK JP",
    "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "Droid Sans Fallback",
    "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN", "AR PL UKai CN",
)
CJK_PACKAGE = "fonts-wqy-microhei"

F_COLOR = "#1f77b4"
DF_COLOR = "#d62728"

RC = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "axes.edgecolor": "#333333",
    "axes.linewidth": 0.8,
    "axes.titlesize": 11,
    "axes.labelsize": 9,
    "axes.unicode_minus": True,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "mathtext.fontset": "dejavusans",
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "xtick.direction": "out",
    "ytick.direction": "out",
    "lines.linewidth": 1.8,
    "lines.solid_capstyle": "round",
    "legend.fontsize": 8,
    "legend.frameon": False,
    "svg.fonttype": "path",
    "svg.hashsalt": "symacts",
    "pdf.fonttype": 42,
    "path.simplify": True,
    "savefig.facecolor": "white",
    "savefig.bbox": None,
}


def cjk_font() -> str:
    """Family name of an installed CJK font; a :class:`PlotError` naming the package if none."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    raise PlotError(
        "--lang zh needs a font with Chinese characters and none was found; install one, "
        f"e.g. Debian/Ubuntu: `apt-get install {CJK_PACKAGE}` (WenQuanYi Micro Hei), "
        "then clear matplotlib's font cache (rm -r ~/.cache/matplotlib)"
    )


@contextlib.contextmanager
def figure_style(lang: str = "en") -> Iterator[None]:
    """The fixed rcParams (defaults first, so no user matplotlibrc changes the bytes)."""
    rc = dict(RC)
    if lang == "zh":
        rc["font.sans-serif"] = [cjk_font(), "DejaVu Sans"]
        rc["axes.unicode_minus"] = False
    elif lang != "en":
        raise PlotError(f"language must be 'en' or 'zh', got {lang!r}")
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(rc)
        yield


class ZeroUnlabelledFormatter(ScalarFormatter):
    """Tick labels as usual except at 0, which an :class:`OriginLabel` labels once for both
    axes."""

    def format_ticks(self, values) -> list[str]:
        labels = super().format_ticks(values)
        scale = max((abs(v) for v in values), default=1.0) or 1.0
        return ["" if abs(v) <= 1e-9 * scale else text
                for v, text in zip(values, labels, strict=True)]


def drawn_tick_labels(ax: Axes) -> list[Text]:
    """The tick labels of ``ax`` that are drawn: non-empty, at a tick inside the view."""
    out = []
    for axis, lim in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
        lo, hi = sorted(lim)
        tol = (hi - lo) * 1e-9
        for tick in axis.get_major_ticks():
            label = tick.label1
            if (lo - tol <= tick.get_loc() <= hi + tol and label.get_visible()
                    and label.get_text()):
                out.append(label)
    return out


def origin_axes(ax: Axes, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
    """The tutorial's axes: spines through the origin (when inside), top/right hidden.

    When both spines cross at the origin its ticks stay unlabelled and an
    :class:`OriginLabel` puts a single "0" beside it.
    """
    ax.set_xlim(*x_range)
    ax.set_ylim(*y_range)
    ax.spines["right"].set_color("none")
    ax.spines["top"].set_color("none")
    ax.xaxis.set_ticks_position("bottom")
    ax.yaxis.set_ticks_position("left")
    inside_x = x_range[0] < 0 < x_range[1]
    inside_y = y_range[0] < 0 < y_range[1]
    ax.spines["left"].set_position(("data", 0) if inside_x else ("axes", 0))
    ax.spines["bottom"].set_position(("data", 0) if inside_y else ("axes", 0))
    if inside_x and inside_y:
        ax.xaxis.set_major_formatter(ZeroUnlabelledFormatter())
        ax.yaxis.set_major_formatter(ZeroUnlabelledFormatter())
        ax.add_artist(OriginLabel())


#: distance (points) of the origin's label from both spines: clear of the ticks (3.5 pt) and
#: of a kink dot at the origin (radius 2.25 pt plus its edge)
ORIGIN_GAP = 4.0
#: corners tried for the origin's label, in order: (x sign, y sign) of the offset
ORIGIN_CORNERS = ((-1, -1), (-1, 1), (1, -1), (1, 1))


class OriginLabel(Annotation):
    """The one "0" of axes whose spines cross at the origin, in the tick labels' font.

    Its corner is chosen when it is first drawn (after the ticks, curves and dots it must
    avoid are in place): the first of :data:`ORIGIN_CORNERS` that touches none of them,
    else the least crowded. Later draws keep that corner, so the PNG and SVG of one figure
    agree even where a different resolution would tip a near miss.
    """

    def __init__(self) -> None:
        super().__init__("0", xy=(0, 0), xycoords="data", xytext=(0, 0),
                         textcoords="offset points", annotation_clip=False, clip_on=False)
        self.corner: tuple[int, int] | None = None

    def draw(self, renderer) -> None:
        ax = self.axes
        if ax is None or not self.get_visible():
            return
        tick = ax.yaxis.get_major_ticks()[0].label1
        if self.get_fontsize() != tick.get_fontsize():  # setting marks the figure stale
            self.set_fontsize(tick.get_fontsize())
        if self.get_color() != tick.get_color():
            self.set_color(tick.get_color())
        if self.corner is None:
            self.corner = self._free_corner(ax, renderer)
        self._place(*self.corner)
        super().draw(renderer)

    def _free_corner(self, ax: Axes, renderer) -> tuple[int, int]:
        obstacles = _obstacles(ax, self, renderer)
        best, best_hits = ORIGIN_CORNERS[0], None
        for corner in ORIGIN_CORNERS:
            self._place(*corner)
            box = self.get_window_extent(renderer)
            hits = sum(hit(box) for hit in obstacles)
            if best_hits is None or hits < best_hits:
                best, best_hits = corner, hits
            if hits == 0:
                break
        return best

    def _place(self, sx: int, sy: int) -> None:
        offset = (sx * ORIGIN_GAP, sy * ORIGIN_GAP)
        ha, va = ("right" if sx < 0 else "left"), ("top" if sy < 0 else "bottom")
        if (self.xyann, self.get_ha(), self.get_va()) != (offset, ha, va):
            self.xyann = offset
            self.set_horizontalalignment(ha)
            self.set_verticalalignment(va)


def _obstacles(ax: Axes, own: Text, renderer) -> list:
    """Tests ``bbox -> bool`` (display units) for everything the origin's label must avoid."""
    px = ax.figure.dpi / 72.0
    tests = []
    texts = [*drawn_tick_labels(ax), ax.xaxis.label, ax.yaxis.label, ax.title, *ax.texts]
    for t in texts:
        if t is not own and t.get_visible() and t.get_text():
            extent = t.get_window_extent(renderer)
            tests.append(lambda box, e=extent: box.overlaps(e))
    for line in ax.lines:
        if not line.get_visible():
            continue
        xy = line.get_transform().transform(line.get_xydata())
        if line.get_marker() not in (None, "", "None", " "):
            r = (line.get_markersize() / 2 + line.get_markeredgewidth()) * px
            for cx, cy in xy[np.isfinite(xy).all(axis=1)]:
                dot = Bbox.from_extents(cx - r, cy - r, cx + r, cy + r)
                tests.append(lambda box, d=dot: box.overlaps(d))
        if line.get_linestyle() not in ("None", "", " "):
            tests.append(_curve_test(xy, (line.get_linewidth() / 2 + 1.0) * px))
    return tests


def _curve_test(xy: np.ndarray, margin: float):
    """``bbox -> bool``: does the polyline ``xy`` (NaN-separated runs) pass within
    ``margin`` of the box?"""
    finite = np.isfinite(xy).all(axis=1)
    runs, start = [], None
    for i, ok in enumerate([*finite, False]):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            points = xy[start:i] if i - start > 1 else np.repeat(xy[start:i], 2, axis=0)
            runs.append(MplPath(points))
            start = None

    def hit(box: Bbox) -> bool:
        grown = box.padded(margin)
        return any(run.intersects_bbox(grown, filled=False) for run in runs)

    return hit


def padded(values, include_zero: bool = True, pad: float = 0.08) -> tuple[float, float]:
    """A y-range around ``values`` (and 0), with a margin; never degenerate."""
    import numpy as np

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    lo = float(v.min()) if v.size else -1.0
    hi = float(v.max()) if v.size else 1.0
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    span = hi - lo
    if span < 1e-12:
        span = max(abs(hi), 1.0)
        return lo - span * 0.5, hi + span * 0.5
    return lo - pad * span, hi + pad * span


def save(fig: Figure, path: Path) -> Path:
    """Write ``fig`` to ``path`` (format from the suffix), without time stamps or versions."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    metadata = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    }
    if fmt not in metadata:
        raise PlotError(f"unsupported plot format {path.suffix!r}; use .png, .svg or .pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=fmt, dpi=DPI, metadata=metadata[fmt])
    return path
