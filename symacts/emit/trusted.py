"""Plan, compile, self-check, fall back: kernels for any definition, trusted or explained.

:func:`trusted_kernels` plans an activation, compiles it with a printer's ``compile`` function,
sweeps the result against mpmath (:mod:`symacts.emit.selfcheck`), replaces outputs that fail
towards ±∞ by their asymptote there (:mod:`symacts.emit.fallback`), and checks again. What
still fails is returned as findings (region and why) for the caller to tell the user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .fallback import Asymptote, asymptote, with_asymptotes
from .planner import ActivationPlan, plan_activation
from .selfcheck import TARGET, Finding, check_kernels

__all__ = ["report_findings", "trusted_kernels"]


def _outputs(act, kernels: Any) -> dict[str, tuple[str, Callable]]:
    """The outputs of compiled kernels (with ``f`` and ``grad(x, wrt=)``) for the check."""
    out = {"f": ("f", kernels.f), "df": ("f'", kernels.grad)}
    for p in act.param_specs:
        out["d_" + p.name] = (f"∂f/∂{p.name}",
                              lambda v, p=p: kernels.grad(v, wrt=p.name))
    return out


def _far_regions(findings: list[Finding]) -> dict[tuple[str, int], dict[str, float]]:
    """(output key, side) → dtype → the smallest |x| at which it fails, over the regions that
    reach out to the largest float or to ±∞."""
    starts: dict[tuple[str, int], dict[str, float]] = {}
    for f in findings:
        big = float(np.finfo(f.dtype).max)
        if f.hi >= big:
            key, start = (f.key, 1), f.lo
        elif f.lo <= -big:
            key, start = (f.key, -1), -f.hi
        else:
            continue
        by_dtype = starts.setdefault(key, {})
        by_dtype[f.dtype] = min(by_dtype.get(f.dtype, np.inf), max(start, 1.0))
    return starts


def _with_fallbacks(act, plan: ActivationPlan,
                    findings: list[Finding]) -> ActivationPlan | None:
    """The plan again with each output that fails towards ±∞ replaced there by its asymptote,
    or None when no output fails that way or no asymptote is found."""
    far = _far_regions(findings)
    if not far:
        return None
    textbook = {"f": act.expr, "df": act.derivative()}
    textbook.update({"d_" + p.name: act.derivative(wrt=p.name) for p in act.param_specs})
    fixes: dict[str, list[Asymptote]] = {}
    for (key, side), start in far.items():
        target = TARGET["f" if key == "f" else "grad"]
        a = asymptote(textbook[key], act.x, act.defaults(), side, start, target)
        if a is not None:
            fixes.setdefault(key, []).append(a)
    if not fixes:
        return None
    stabilised = {k: with_asymptotes(v, act.x, fixes.get(k, []))
                  for k, v in plan.stabilised.items()}
    return plan_activation(act, stabilised=stabilised)


def trusted_kernels(act, compile_plan: Callable[[ActivationPlan], Any], check: bool = True,
                    draft: Callable[[ActivationPlan], Any] | None = None
                    ) -> tuple[ActivationPlan, Any, list[Finding]]:
    """(plan, compiled kernels, findings) for ``act``; ``compile_plan(plan)`` gives an object
    with ``f`` and ``grad``. Findings are empty when every output passes the gate.

    ``draft``: a quicker compiler of the same plans (the NumPy printer, for a C build). The
    fallbacks are then chosen on the draft's kernels while ``compile_plan`` builds the first
    plan alongside, and a slow build runs once more only if the plan changed.
    """
    plan = plan_activation(act)
    if not check:
        return plan, compile_plan(plan), []
    fixed = None
    if draft is None:
        kernels = compile_plan(plan)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            building = pool.submit(compile_plan, plan)  # (a compiler's processes, off the GIL)
            fixed = _with_fallbacks(act, plan, check_kernels(act, _outputs(act, draft(plan))))
            kernels = building.result()
    if fixed is None:  # no draft, or it passed or cannot be fixed: judge the build itself
        findings = check_kernels(act, _outputs(act, kernels))
        fixed = _with_fallbacks(act, plan, findings)
        if fixed is None:
            return plan, kernels, findings
    kernels = compile_plan(fixed)
    return fixed, kernels, check_kernels(act, _outputs(act, kernels))


def report_findings(act, findings: list[Finding], stacklevel: int = 3) -> None:
    """Tell the user where the kernels of ``act`` miss the target (a warning), if anywhere."""
    import warnings

    from ..errors import KernelAccuracyWarning

    if not findings:
        return
    shown = "; ".join(str(f) for f in findings[:5])
    more = f"; and {len(findings) - 5} more" if len(findings) > 5 else ""
    warnings.warn(KernelAccuracyWarning(
        f"{act.name}: the kernels miss the accuracy target (f within 4 ULP, derivatives "
        f"within 8 ULP, finite where the truth is) and no fallback form fixes it: "
        f"{shown}{more}"), stacklevel=stacklevel + 1)
