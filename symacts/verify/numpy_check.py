"""``--numpy``: an implementation of f or f' checked against the truth over the float range.

Uses the accuracy sweep of :mod:`symacts.verify.ulps` — its points, its mpmath reference and its
ULP metric (:func:`~symacts.verify.ulps.point_errors`: kinks and ±inf/NaN inputs left out of
the maximum and judged on their own) — and adds what a reader of a tutorial needs: where the
result first becomes non-finite, the warnings NumPy raised, whether the dtype survives, and the
value at each kink. :func:`check_numpy` imports the user's file — that runs its code."""

from __future__ import annotations

import importlib.util
import math
import sys
import warnings
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SymactsError


class NumpyCheckError(SymactsError, ValueError):
    """The implementation could not be loaded or called."""


@dataclass
class NumpyReport:
    """Findings of one sweep. ``exit_code``: 0 clean, 1 defects found."""

    name: str
    which: str
    dtype: str
    source: str
    n_points: int
    max_ulp: float
    worst_x: float
    nonfinite: int
    first_nonfinite_x: float | None
    wrong_special: int
    warnings: list[str]
    dtype_out: str
    error: str
    kinks: list[dict[str, str]] = field(default_factory=list)
    special_inputs: list[str] = field(default_factory=list)
    warning_region: str = ""
    params: dict[str, str] = field(default_factory=dict)
    max_ulp_limit: float = 8.0
    max_ulp_subnormal: float = 0.0
    subnormal_from: float | None = None

    @property
    def defects(self) -> list[str]:
        out = []
        if self.error:
            out.append(f"raised on array input: {self.error}")
        if self.nonfinite:
            out.append(f"inf/NaN where the truth is finite at {self.nonfinite} finite inputs, "
                       f"from |x| = {self.first_nonfinite_x:.6g}")
        if self.warnings:
            where = f" {self.warning_region}" if self.warning_region else ""
            out.append("NumPy warnings" + where + ": " + "; ".join(self.warnings))
        if self.dtype_out and self.dtype_out != self.dtype:
            out.append(f"returns {self.dtype_out} for {self.dtype} input")
        if self.max_ulp > self.max_ulp_limit:
            out.append(f"inaccurate: max error {self.max_ulp:.3g} ULP at x = {self.worst_x:.6g}")
        out += self.special_inputs
        for k in self.kinks:
            if k.get("matches") == "no":
                out.append(f"at the kink x = {k['x']}: returns {k['value']}, "
                           f"symacts' convention is {k['truth']}")
        return out

    @property
    def notes(self) -> list[str]:
        """Observations that are not defects (results in the subnormal range)."""
        if self.max_ulp_subnormal > 2:
            tiny = float(np.finfo(np.dtype(self.dtype)).tiny)
            return [f"results below the normal range (|f| < {tiny:.2g}) are off by up to "
                    f"{self.max_ulp_subnormal:.3g} units of the smallest subnormal, from "
                    f"|x| = {self.subnormal_from:.6g} (underflow)"]
        return []

    @property
    def exit_code(self) -> int:
        return 1 if self.defects else 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["defects"] = self.defects
        d["notes"] = self.notes
        d["exit_code"] = self.exit_code
        return _json_safe(d)

    def summary(self) -> str:
        what = "f" if self.which == "f" else "f'"
        head = (f"{self.source} as {self.name} {what} ({self.dtype}, {self.n_points} points): "
                f"max error {self.max_ulp:.3g} ULP at x = {self.worst_x:.6g}")
        lines = [head]
        defects = self.defects
        lines += [f"  - {d}" for d in defects] or ["  no defects found"]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _json_safe(v):
    if isinstance(v, dict):
        return {k: _json_safe(u) for k, u in v.items()}
    if isinstance(v, list):
        return [_json_safe(u) for u in v]
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return v


def load_function(spec: str) -> Callable:
    """``path/to/file.py:func`` → the function (imports the file: its code runs)."""
    path_text, sep, func = spec.rpartition(":")
    if not sep or not path_text or not func.isidentifier():
        raise NumpyCheckError(f"--numpy expects FILE.py:FUNCTION, got {spec!r}")
    path = Path(path_text)
    if path.suffix != ".py" or not path.is_file():
        raise NumpyCheckError(f"no such Python file: {path_text}")
    mod_name = f"_symacts_user_{abs(hash(str(path.resolve())))}"
    loader_spec = importlib.util.spec_from_file_location(mod_name, path)
    if loader_spec is None or loader_spec.loader is None:
        raise NumpyCheckError(f"cannot import {path_text}")
    module = importlib.util.module_from_spec(loader_spec)
    try:
        loader_spec.loader.exec_module(module)
    except Exception as exc:
        raise NumpyCheckError(f"importing {path_text} failed: {type(exc).__name__}: {exc}") \
            from None
    finally:
        sys.modules.pop(mod_name, None)
    fn = getattr(module, func, None)
    if not callable(fn):
        raise NumpyCheckError(f"{path_text} defines no function {func!r}")
    return fn


def check_function(
    fn: Callable,
    act: Any,
    which: str = "f",
    dtype: Any = np.float64,
    params: Mapping[str, Any] | None = None,
    source: str = "",
    points: np.ndarray | None = None,
) -> NumpyReport:
    """Sweep ``fn`` as f or f' of ``act`` (an :class:`Activation` or name)."""
    from ..registry import get
    from . import ulps

    if isinstance(act, str):
        act = get(act)
    exact = act.check_params(dict(params or {}))
    fparams = {k: float(v) for k, v in exact.items()}
    dt = np.dtype(dtype)
    kinks = ulps.kink_floats(act, fparams)
    pts = ulps.sweep_points(dt, kinks=kinks) if points is None else np.asarray(points, dt)
    order = 0 if which == "f" else 1
    ref = ulps.reference_values(act, pts, order=order, params=fparams)
    values, msgs, dtype_out, err = ulps.evaluate(fn, pts)
    finite_in = np.isfinite(pts)
    at_kink = np.isin(pts, np.asarray(kinks, dtype=dt)) if kinks else np.zeros(pts.shape, bool)
    # kinks are judged by their convention (below), ±inf/NaN inputs by their limit
    pe = ulps.point_errors(values, ref, dt, exclude=at_kink | ~finite_in)
    special = []
    for xi, got, want in zip(pts[~finite_in], values[~finite_in], pe.truth[~finite_in],
                             strict=True):
        same = (got == want) or (np.isnan(got) and np.isnan(want))
        if not same and not np.isnan(xi):
            special.append(f"at x = {xi:g} returns {got:g} (the limit is {want:g})")
    report = NumpyReport(
        name=act.name, which=which, dtype=str(dt), source=source or getattr(
            fn, "__name__", "function"),
        n_points=int(pts.size), max_ulp=pe.max_ulp, worst_x=pe.worst_x,
        nonfinite=int(pe.nonfinite_finite_inputs.sum()), first_nonfinite_x=pe.first_nonfinite_x,
        wrong_special=int(pe.wrong_special.sum()), special_inputs=special,
        warnings=msgs, dtype_out=dtype_out, error=err,
        params={k: str(v) for k, v in exact.items()},
        max_ulp_limit=4.0 if which == "f" else 8.0,
        max_ulp_subnormal=pe.max_ulp_subnormal, subnormal_from=pe.subnormal_from(2.0),
    )
    if which == "grad":
        report.kinks = _kink_values(fn, act, exact, kinks, dt)
    if msgs:
        ok = (np.isfinite(values) | ~np.isfinite(pe.truth)) & (pe.err <= report.max_ulp_limit)
        report.warning_region = _warning_region(fn, pts[finite_in], ok[finite_in], dt)
    return report


def _warning_region(fn: Callable, pts: np.ndarray, ok: np.ndarray, dt) -> str:
    """'for |x| ≥ 709.78' — the finite inputs at which ``fn`` warns, called one at a time."""
    hits = []
    for i, p in enumerate(pts):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                fn(np.array([p], dtype=dt))
            except Exception:
                continue
        if caught:
            hits.append(i)
    if not hits:
        return ""
    xs = pts[hits]
    neg, pos = xs[xs < 0], xs[xs > 0]
    parts = []
    if neg.size:
        parts.append(f"x ≤ {neg.max():.6g}")
    if pos.size:
        parts.append(f"x ≥ {pos.min():.6g}")
    if 0 in xs:
        parts.append("x = 0")
    fine = bool(ok[hits].all())
    text = f"({len(hits)} inputs: {' and '.join(parts)}"
    return text + ("; the results there are still within tolerance)" if fine else ")")


def _kink_values(fn, act, exact, kinks, dt) -> list[dict[str, str]]:
    import sympy as sp

    out = []
    subs = {p.symbol: exact.get(p.name, p.default) for p in act.param_specs}
    d = act.derivative(1).subs(subs)
    for k in kinks:
        try:
            got = float(np.asarray(fn(np.array([k], dtype=dt))).ravel()[0])
        except Exception as exc:  # the user's function failed at the kink
            out.append({"x": f"{k:g}", "value": f"error {type(exc).__name__}",
                        "truth": "", "matches": "no"})
            continue
        truth = float(sp.piecewise_fold(d.subs(act.x, sp.nsimplify(k))).evalf(30))
        same = math.isclose(got, truth, rel_tol=1e-6, abs_tol=1e-12)
        out.append({"x": f"{k:g}", "value": f"{got:g}", "truth": f"{truth:g}",
                    "matches": "yes" if same else "no"})
    return out


def check_numpy(
    name: str,
    spec: str,
    which: str = "f",
    dtype: str = "float64",
    params: Mapping[str, Any] | None = None,
) -> NumpyReport:
    """Load ``FILE.py:FUNC`` (running that file) and sweep it as f or f' of ``name``."""
    if which not in ("f", "grad"):
        raise NumpyCheckError(f"which must be 'f' or 'grad', got {which!r}")
    fn = load_function(spec)
    return check_function(fn, name, which=which, dtype=dtype, params=params, source=spec)
