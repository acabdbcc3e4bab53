"""Derived properties (:class:`symacts.analyse.Properties`) as sheet rows of LaTeX.

Read defensively: a field that is missing or ``None`` is shown as *unknown*, never guessed.
Exact values (``range_min_exact``, ``limits_exact``, ...) are shown when short (−π/2, 1/2),
otherwise the float to ``digits`` significant digits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..activation import Activation
from ..latex import number_latex, to_latex

UNKNOWN = r"\text{unknown}"
NONE = r"\text{--}"
#: exact values longer than this (in LaTeX characters) are shown as decimals
EXACT_MAX = 28
LIMIT_LABELS = {
    "f(-inf)": r"$f(-\infty)$", "f(+inf)": r"$f(+\infty)$",
    "df(-inf)": r"$f'(-\infty)$", "df(+inf)": r"$f'(+\infty)$",
}


@dataclass(frozen=True)
class Row:
    key: str
    label: str  # text, may contain $...$
    tex: str  # LaTeX math, without delimiters


def get_properties(act: Activation) -> Any | None:
    """``act.properties()``, or None when the analysis is unavailable or fails."""
    try:
        return act.properties()
    except Exception:  # an undecidable or unsupported case must not stop a sheet
        return None


def _get(props: Any, name: str) -> Any:
    return getattr(props, name, None) if props is not None else None


def float_tex(v: float, digits: int = 10) -> str:
    if math.isnan(v):
        return UNKNOWN
    if math.isinf(v):
        return r"\infty" if v > 0 else r"-\infty"
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    text = f"{v:.{digits}g}"
    return number_latex(float(text)) if "e" in text else text


def value_tex(v: Any, exact: Any = None, digits: int = 10) -> str:
    """A property value as LaTeX: exact when short, else decimal; ±∞; yes/no; unknown."""
    if v is None and exact is None:
        return UNKNOWN
    if isinstance(v, bool):
        return r"\text{yes}" if v else r"\text{no}"
    if isinstance(exact, sp.Basic) and not exact.has(sp.Float):
        shown = to_latex(exact)
        if len(shown) <= EXACT_MAX:
            return shown
    if isinstance(v, sp.Basic):
        v = float(v) if v.is_number else v
    if isinstance(v, (int, float)):
        return float_tex(float(v), digits)
    return r"\text{" + str(v).replace("_", " ") + "}"


def yes_no(v: Any) -> str:
    return UNKNOWN if v is None else (r"\text{yes}" if v else r"\text{no}")


def range_tex(props: Any, digits: int = 10) -> str:
    """The range as an interval; a bound is closed when it is attained."""
    lo, hi = _get(props, "range_min"), _get(props, "range_max")
    if lo is None or hi is None:
        return UNKNOWN
    left = "[" if _get(props, "min_attained") else "("
    right = "]" if _get(props, "max_attained") else ")"
    lo_t = value_tex(lo, _get(props, "range_min_exact"), digits)
    hi_t = value_tex(hi, _get(props, "range_max_exact"), digits)
    return rf"\left{left}{lo_t}, {hi_t}\right{right}"


def smoothness_tex(props: Any) -> str:
    k = _get(props, "smoothness")
    if k is None:
        return UNKNOWN
    if k == math.inf:
        return r"C^{\infty}"
    if int(k) < 0:
        return r"\text{discontinuous}"
    return f"C^{{{int(k)}}}"


def monotonic_tex(props: Any) -> str:
    m = _get(props, "monotonic")
    text = yes_no(m)
    if m and _get(props, "increasing") is not None:
        text += r"\ \text{(non-decreasing)}" if _get(props, "increasing") else \
            r"\ \text{(non-increasing)}"
    return text


def decreasing_tex(props: Any, digits: int = 6) -> str | None:
    """The intervals where f decreases (None when monotonic or unknown)."""
    where = _get(props, "decreasing_on")
    if _get(props, "monotonic") is not False or not where:
        return None
    return r" \cup ".join(
        rf"\left({float_tex(a, digits)}, {float_tex(b, digits)}\right)" for a, b in where)


def saturating_tex(props: Any) -> str:
    s = _get(props, "saturating")
    text = yes_no(s)
    left, right = _get(props, "saturates_left"), _get(props, "saturates_right")
    if s and left is not None and right is not None and not (left and right):
        text += r"\ \text{(as } x \to " + ("-" if left else "+") + r"\infty\text{)}"
    return text


def limit_rows(props: Any, digits: int = 10) -> list[Row]:
    """f and f' at ±∞ from ``limits`` (floats) and ``limits_exact``."""
    lim = _get(props, "limits")
    exact = _get(props, "limits_exact") or {}
    if not isinstance(lim, Mapping) or not lim:
        return [Row("limits", r"Limits at $\pm\infty$", UNKNOWN)]
    out = []
    for key, label in LIMIT_LABELS.items():
        if key in lim or key in exact:
            out.append(Row(f"limit {key}", label, value_tex(lim.get(key), exact.get(key), digits)))
    for key in lim:  # keys beyond the four known ones, shown as given
        if key not in LIMIT_LABELS:
            out.append(Row(f"limit {key}", str(key).replace("_", " "),
                           value_tex(lim.get(key), exact.get(key), digits)))
    return out


def rows(act: Activation, props: Any = None, digits: int = 10) -> list[Row]:
    """Every property row of ``act`` (all *unknown* when the analysis is unavailable)."""
    if props is None:
        props = get_properties(act)
    argmin, argmax = _get(props, "argmin"), _get(props, "argmax")
    out = [
        Row("range", "Range", range_tex(props, digits)),
        Row("argmin", "Minimum at", NONE if argmin is None else float_tex(argmin, digits)),
        Row("argmax", "Maximum at", NONE if argmax is None else float_tex(argmax, digits)),
        Row("f0", "$f(0)$", value_tex(_get(props, "f0"), _get(props, "f0_exact"), digits)),
        Row("df0", "$f'(0)$", value_tex(_get(props, "df0"), _get(props, "df0_exact"), digits)),
        Row("monotonic", "Monotonic", monotonic_tex(props)),
        *([Row("decreasing_on", "Decreasing on", dec)]
          if (dec := decreasing_tex(props)) is not None else []),
        Row("derivative_monotonic", "$f'$ monotonic", yes_no(_get(props,
                                                                 "derivative_monotonic"))),
        Row("smoothness", "Smoothness", smoothness_tex(props)),
        Row("zero_centered", "Zero-centred", yes_no(_get(props, "zero_centered"))),
        Row("identity_near_origin", "Identity near 0",
            yes_no(_get(props, "identity_near_origin"))),
        Row("saturating", "Saturating", saturating_tex(props)),
    ]
    period = _get(props, "period")
    if period is not None:
        out.append(Row("period", "Period", float_tex(period, digits)))
    return out + limit_rows(props, digits)


def summary_rows(act: Activation, props: Any = None) -> dict[str, str]:
    """Short LaTeX cells for the comparison table (6 digits, no detail)."""
    if props is None:
        props = get_properties(act)
    return {
        "range": range_tex(props, 6),
        "monotonic": yes_no(_get(props, "monotonic")),
        "smoothness": smoothness_tex(props),
        "zero_centered": yes_no(_get(props, "zero_centered")),
        "f0": value_tex(_get(props, "f0"), _get(props, "f0_exact"), 6),
        "df0": value_tex(_get(props, "df0"), _get(props, "df0_exact"), 6),
        "identity_near_origin": yes_no(_get(props, "identity_near_origin")),
        "saturating": yes_no(_get(props, "saturating")),
    }
