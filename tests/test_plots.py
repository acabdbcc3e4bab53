"""Plots: curves against an independent mpmath reference, kinks, the tutorial's style,
byte-stable files, --lang zh, overwrite protection, and every activation in the overviews."""

from __future__ import annotations

import random
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy as sp
from matplotlib.transforms import Bbox

import symacts
from symacts.cli import main
from symacts.plots import (
    PlotError,
    family_members,
    figure_style,
    plot,
    render_activation,
    sample,
)
from symacts.plots.figures import family_figure, gallery_figure, pair_figure

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated" / "plots"


def _reference(act, order: int):
    """f or f' at a point from the definition, with mpmath at 30 digits (independent)."""
    expr = act.expr.subs(act.defaults())
    f = sp.lambdify(act.x, expr, modules="mpmath")

    def at(v: float) -> float:
        with mpmath.workdps(30):
            if order == 0:
                return float(f(mpmath.mpf(v)))
            return float(mpmath.diff(f, mpmath.mpf(v)))

    return at


def _away_from_kinks(act, xs, gap=1e-2):
    kinks = [float(sp.sympify(k).subs(act.defaults())) for k in act.kink_points()]
    kinks += [float(p) for p in act.removable]
    return [v for v in xs if all(abs(v - k) > gap for k in kinks)]


@pytest.mark.parametrize("order", [0, 1])
def test_curves_match_mpmath_on_the_definition(order):
    rng = random.Random(20240601)
    acts = symacts.all_activations()
    for act in rng.sample(acts, 14):
        curve = sample(act, order)
        finite = np.isfinite(curve.x)
        xs = _away_from_kinks(act, list(curve.x[finite][::97]))
        ref = _reference(act, order)
        lookup = dict(zip(curve.x[finite].tolist(), curve.y[finite].tolist(), strict=True))
        for v in xs:
            want = ref(v)
            got = lookup[v]
            assert got == pytest.approx(want, rel=1e-7, abs=1e-9), (act.name, order, v)


def test_kinks_split_the_curve_and_mark_the_convention():
    relu_d = sample(symacts.get("relu"), 1)
    assert np.isnan(relu_d.x).sum() == 1  # one break, at the kink
    assert relu_d.marks == ((0.0, 0.0),)  # relu'(0) = 0
    leaky_d = sample(symacts.get("leaky_relu"), 1)
    assert leaky_d.marks == ((0.0, pytest.approx(0.01)),)
    hs = sample(symacts.get("hardswish"), 1)
    assert [m[1] for m in hs.marks] == [0.0, 1.0]  # hardswish'(-3) = 0, hardswish'(3) = 1
    step = sample(symacts.get("binary_step"), 0)
    left = step.y[: np.flatnonzero(np.isnan(step.x))[0]]
    assert set(left.tolist()) == {0.0}  # no steep segment drawn across the jump


def test_parameters_and_range_are_honoured():
    c = sample(symacts.get("swish"), 0, (-2, 3), {"beta": 2})
    assert c.x[0] == -2 and c.x[-1] == 3
    assert c.y[-1] == pytest.approx(3 / (1 + np.exp(-6)))
    with pytest.raises(PlotError, match="A < B"):
        sample(symacts.get("relu"), 0, (1, -1))
    with pytest.raises(symacts.ParameterError):
        sample(symacts.get("softplus"), 0, None, {"beta": -1})


def test_tutorial_style_axes():
    act = symacts.get("tanh")
    with figure_style():
        fig = pair_figure(act.name, sample(act, 0), sample(act, 1), act.plot_range)
    for ax in fig.axes:
        assert ax.spines["top"].get_edgecolor()[3] == 0
        assert ax.spines["right"].get_edgecolor()[3] == 0
        assert ax.spines["left"].get_position() == ("data", 0)
        assert ax.spines["bottom"].get_position() == ("data", 0)
    # a range that excludes 0 moves the spine to the edge instead of off the axes
    with figure_style():
        fig = pair_figure("tanh", sample(act, 0, (1, 4)), sample(act, 1, (1, 4)), (1, 4))
    assert fig.axes[0].spines["left"].get_position() == ("axes", 0)


def _is_zero(text: str) -> bool:
    try:
        return float(text.replace("−", "-")) == 0
    except ValueError:
        return False


def _tick_labels(ax) -> list:
    """The tick labels drawn: those of ticks inside the view limits."""
    out = []
    for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
        locs, labels = axis.get_majorticklocs(), axis.get_ticklabels()
        out += [t for v, t in zip(locs, labels, strict=True) if lo <= v <= hi]
    return out


def _labels(ax) -> list:
    """Every visible, non-empty text of ``ax`` (tick labels, axis labels, title, annotations)."""
    texts = [*_tick_labels(ax), ax.xaxis.label, ax.yaxis.label, ax.title, *ax.texts]
    return [t for t in texts if t.get_visible() and t.get_text()]


def _dots(ax) -> list:
    """Display boxes of the kink markers of ``ax``."""
    px = ax.figure.dpi / 72
    out = []
    for line in ax.lines:
        if line.get_marker() in ("None", None, ""):
            continue
        r = (line.get_markersize() / 2 + line.get_markeredgewidth() / 2) * px
        for cx, cy in ax.transData.transform(line.get_xydata()):
            out.append(Bbox.from_extents(cx - r, cy - r, cx + r, cy + r))
    return out


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "tanh", "hardtanh", "binary_step",
                                  "celu"])
def test_origin_is_labelled_once_clear_of_dots_curves_and_labels(name):
    fig = plot(name)
    fig.draw_without_rendering()
    for ax in fig.axes:
        labels = _labels(ax)
        assert not [t for t in _tick_labels(ax) if _is_zero(t.get_text())]
        zeros = [t for t in ax.texts if _is_zero(t.get_text())]
        assert len(zeros) == 1 and zeros[0].xy == (0, 0)
        boxes = [(t.get_text(), t.get_window_extent()) for t in labels]
        for i, (a, box) in enumerate(boxes):
            for b, other in boxes[i + 1:]:
                assert not box.overlaps(other), (name, a, b)
            for dot in _dots(ax):
                assert not box.overlaps(dot), (name, a, "kink dot")
        origin = zeros[0].get_window_extent()
        for line in ax.lines:  # the curves: every sample clear of the origin's label
            xy = ax.transData.transform(line.get_xydata())
            xy = xy[np.isfinite(xy).all(axis=1)]
            pad = line.get_linewidth() / 2 * fig.dpi / 72
            inside = ((xy[:, 0] > origin.x0 - pad) & (xy[:, 0] < origin.x1 + pad)
                      & (xy[:, 1] > origin.y0 - pad) & (xy[:, 1] < origin.y1 + pad))
            assert not inside.any(), (name, "curve through the origin's label")


def test_zero_keeps_its_tick_label_when_the_axes_do_not_cross_at_the_origin():
    fig = plot("relu", x_range=(1, 4))
    fig.draw_without_rendering()
    for ax in fig.axes:
        assert any(_is_zero(t.get_text()) for t in _tick_labels(ax))
        assert not ax.texts


def test_files_are_byte_stable_and_carry_no_dates(tmp_path):
    act = symacts.get("mish")
    a = render_activation(act, tmp_path / "a")
    b = render_activation(act, tmp_path / "b")
    for p, q in zip(a, b, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name
    png = (tmp_path / "a" / "mish.png").read_bytes()
    assert b"Software" not in png and b"matplotlib" not in png.lower()
    svg = (tmp_path / "a" / "mish.svg").read_text()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg


def test_chinese_titles_and_missing_font_error(monkeypatch):
    import importlib

    style_mod = importlib.import_module("symacts.plots.style")

    act = symacts.get("relu")
    try:
        fig = plot(act, lang="zh")
    except PlotError as exc:  # no CJK font on this machine: the error must name the package
        assert "fonts-wqy-microhei" in str(exc)
        pytest.skip("no CJK font installed (install fonts-wqy-microhei)")
    left, right = (ax.get_title() for ax in fig.axes)
    assert "函数" in left and "导数" in right
    monkeypatch.setattr(style_mod, "CJK_FONTS", ("No Such Font Family",))
    with pytest.raises(PlotError, match="fonts-wqy-microhei"):
        plot(act, lang="zh")


def test_user_defined_activation_plots(tmp_path):
    act = symacts.define("plot_test_act", "x*tanh(softplus(b*x))", params={"b": 1}, replace=True)
    out = plot(act, params={"b": 2}, order=2, out=tmp_path / "p.svg")
    assert out.exists() and out.stat().st_size > 1000
    c = sample(act, 0, (-1, 1), {"b": 2})
    assert c.y[-1] == pytest.approx(float(np.tanh(np.log1p(np.exp(2.0)))))


def test_never_overwrites_without_force(tmp_path):
    target = tmp_path / "mine.png"
    target.write_bytes(b"user data")
    with pytest.raises(PlotError, match="refusing to overwrite"):
        plot("relu", out=target)
    assert target.read_bytes() == b"user data"
    assert main(["plot", "relu", "--out", str(target)]) == 2
    assert target.read_bytes() == b"user data"
    assert main(["plot", "relu", "--out", str(target), "--force"]) == 0
    assert target.read_bytes().startswith(b"\x89PNG")


def test_cli_plot_options(tmp_path, capsys):
    out = tmp_path / "swish.svg"
    rc = main(["plot", "swish", "--range", "-3", "3", "--order", "2", "--param", "beta=2",
               "--out", str(out)])
    assert rc == 0 and out.exists()
    assert main(["plot", "relu", "--range", "2", "1", "--out", str(tmp_path / "x.png")]) == 2
    assert "A < B" in capsys.readouterr().err
    defined = tmp_path / "d.png"
    rc = main(["plot", "cli_plot_act", "--define", "cli_plot_act(k=2)=x*sigmoid(k*x)",
               "--param", "k=3", "--out", str(defined)])
    assert rc == 0 and defined.exists()


def test_gallery_and_families_show_every_member():
    acts = symacts.all_activations()
    tiny = [(a.name, sample(a, 0, n=20), sample(a, 1, n=20), a.plot_range) for a in acts]
    with figure_style():
        fig = gallery_figure(tiny)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == [a.name for a in acts]
    for ax in fig.axes:  # each origin labelled once, never by both axes' ticks
        if ax.get_visible() and ax.get_xlim()[0] < 0 < ax.get_xlim()[1]:
            assert [t.get_text() for t in ax.texts] == ["0"], ax.get_title()
            for axis in (ax.xaxis, ax.yaxis):
                labels = axis.get_major_formatter().format_ticks([-0.5, 0.0, 0.5])
                assert labels[1] == "" and labels[0] and labels[2], ax.get_title()
    fams = family_members(acts)
    for fam in {f for a in acts for f in a.families}:
        assert {a.name for a in acts if fam in a.families} == {a.name for a in fams[fam]}
    gated_smooth = {a.name for a in fams["gated_smooth"]}
    assert {"silu", "swish", "mish", "gelu"} <= gated_smooth and "hardswish" not in gated_smooth
    members = [(a.name, sample(a, 0, n=20), sample(a, 1, n=20)) for a in fams["relu"]]
    with figure_style():
        fig = family_figure("relu", members, (-3, 3))
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == [a.name for a in fams["relu"]]


def test_generated_plots_cover_every_activation():
    if not GENERATED.is_dir():
        pytest.skip("generated/plots is absent; run python scripts/regenerate.py")
    acts = [a for a in symacts.all_activations() if not a.user_defined]
    for a in acts:
        for ext in ("png", "svg"):
            assert (GENERATED / f"{a.name}.{ext}").exists(), f"{a.name}.{ext}"
    for fam in family_members(acts):
        assert (GENERATED / f"family_{fam}.png").exists()
    assert (GENERATED / "gallery.svg").exists()
