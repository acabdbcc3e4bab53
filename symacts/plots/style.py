"""One fixed figure style, the tutorial's axes, fonts for --lang zh, and byte-stable saving.

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
from matplotlib.axes import Axes
from matplotlib.figure import Figure

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


def origin_axes(ax: Axes, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
    """The tutorial's axes: spines through the origin (when inside), top/right hidden."""
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
