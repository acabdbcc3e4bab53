"""Checking each transcribed claim: formulas with ``verify``, code by running it, properties."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from ..activation import Activation
from ..errors import FormulaError
from ..registry import get
from ..verify import REFUTED, ulps, verify
from ..verify.core import _parse_claim
from ..verify.evaluate import compile_expr
from ..verify.numpy_check import check_function
from . import stated_properties as properties
from .claims import CLAIMS_PATH, load_claims
from .snippets import load_snippet

#: generous time boxes, so that the generated report does not depend on machine speed
AUDIT_TIME_BOX = 60.0

#: the float64 sweep of the audit: ulps.sweep_points with a lighter grid (same edges)
AUDIT_GRID = 801
AUDIT_LOG_POINTS = 200

NOT_VALID = "not valid Python"
NOT_CHECKABLE = "not checkable"


@dataclass
class AuditEntry:
    """One claim and what the engine found."""

    claim: dict[str, Any]
    verdict: str
    summary: str = ""
    command: str = ""
    details: list[str] = field(default_factory=list)
    code_findings: list[str] = field(default_factory=list)
    sweep_findings: list[str] = field(default_factory=list)
    sweep_size: int = 0
    corrected: str | None = None
    corrected_latex: str | None = None

    @property
    def wrong(self) -> bool:
        return self.verdict in (REFUTED, "equal except at points", NOT_VALID, "false") or bool(
            self.code_findings or self.sweep_findings)


def _activation(c: dict) -> Activation:
    """The claim's activation; an ad-hoc one for ``expression`` (e.g. sech, σ(βx))."""
    base = get(c["activation"]) if "activation" in c else None
    if "expression" not in c:
        return base
    specs = base.param_specs if base is not None else ()
    symbols = {p.name: p.symbol for p in specs}
    expr = _parse_claim(c["expression"], None, symbols, "expression")
    return Activation(name=c["expression"].replace(" ", ""), expr=expr, param_specs=specs)


def _command(c: dict) -> str:
    params = "".join(f" --param {k}={v}" for k, v in c.get("params", {}).items())
    if "where" in c:
        params += f" --where {shlex.quote(c['where'])}"
    if "expression" in c:
        return (f"symacts verify --lhs {shlex.quote(c['formula'])} "
                f"--rhs {shlex.quote(c['expression'])}{params}")
    flag = "--derivative" if c.get("check") == "derivative" else "--function"
    return f"symacts verify {c['activation']} {flag} {shlex.quote(c['formula'])}{params}"


def _check_formula(c: dict, entry: AuditEntry) -> None:
    act = _activation(c)
    entry.command = _command(c)
    kw = {"derivative" if c.get("check") == "derivative" else "function": c["formula"]}
    try:
        r = verify(act, params=c.get("params") or None, time_box=AUDIT_TIME_BOX,
                   where=c.get("where"),
                   numeric_time_box=AUDIT_TIME_BOX * 2, **kw)
    except FormulaError as exc:
        entry.verdict = NOT_VALID if c["kind"].startswith("numpy") else "unparseable"
        entry.summary = "the formula as written does not parse: " + str(exc).splitlines()[0]
        return
    entry.verdict = r.verdict
    sets = len(r.parameter_sets)
    agree = (f"{r.points_checked} points agree"
             + (f" over {sets} parameter sets" if sets > 1 else "")
             + f" (largest relative difference {r.max_rel_diff_agreeing:.1g})")
    if r.verdict == "proved":
        entry.summary = f"symbolic proof ({r.proof}); {agree}"
    elif r.verdict == "numerically equal":
        entry.summary = f"no symbolic proof ({r.symbolic_note}); {agree}"
    elif r.verdict == "equal except at points":
        entry.summary = f"equal elsewhere ({agree})"
        shown: dict[str, list] = {}
        for p in r.exceptions:
            shown.setdefault(p.x, []).append(p)
        for xs, group in shown.items():
            p = group[0]
            ps = (" with " + ", ".join(f"{k} = {v}" for k, v in p.params.items())
                  if p.params and len(r.parameter_sets) > 1 else "")
            more = ["/".join(str(v) for v in q.params.values()) for q in group[1:]]
            also = f" (likewise for {', '.join(more)})" if more else ""
            entry.details.append(f"at x = {xs}{ps}: {p.reason}{also}")
    elif r.verdict == REFUTED and r.counterexample:
        ce = r.counterexample
        ps = (" with " + ", ".join(f"{k} = {v}" for k, v in ce.params.items())
              if ce.params else "")
        claimed = ce.claimed if ce.claimed is not None else "undefined"
        entry.summary = (f"counterexample x = {ce.x}{ps}: the claim gives {claimed}, "
                         f"the true value is {ce.true}")
        if ce.reason:
            entry.details.append(ce.reason)
    else:
        entry.summary = f"undecided ({r.symbolic_note})"
    outcomes = r.parameter_outcomes
    if len(outcomes) > 1:
        holds = [o["params"] for o in outcomes if o["holds"] and not o["exceptions"]]
        fails = [o["params"] for o in outcomes if not o["holds"]]
        if holds and fails:
            def show(sets):
                if all(len(s) == 1 for s in sets):
                    (name,) = sets[0]
                    return f"{name} = " + ", ".join(str(next(iter(s.values()))) for s in sets)
                return "; ".join(", ".join(f"{k} = {v}" for k, v in s.items()) for s in sets)

            entry.details.append(f"holds for {show(holds)}; fails for {show(fails)}")
            region = _parameter_region(act, c, kw, holds, fails)
            if region:
                entry.details.append(region)
    if r.verdict in (REFUTED, "equal except at points"):
        entry.corrected = r.correct_formula
        entry.corrected_latex = r.correct_latex


#: bisection steps and sample size when locating where a claim stops holding
BISECT_STEPS = 14
BISECT_POINTS = 200


def _holds_at(act, c: dict, kw: dict, name: str, value) -> bool:
    params = {**(c.get("params") or {}), name: value}
    r = verify(act, params=params, time_box=0, points=BISECT_POINTS,
               where=c.get("where"), **kw)
    return r.verdict not in (REFUTED, "equal except at points")


def _parameter_region(act, c: dict, kw: dict, holds: list, fails: list) -> str | None:
    """Where a one-parameter claim holds, located by bisection between the sampled values:
    'holds exactly for a <= 1' or 'holds only at alpha = 1'."""
    if any(len(s) != 1 for s in holds + fails) or len(act.param_specs) < 1:
        return None
    (name,) = holds[0]
    good = sorted(sp.Rational(s[name]) for s in holds)
    bad = sorted(sp.Rational(s[name]) for s in fails)
    edges = []
    for g in good:
        for b in bad:
            lo, hi = (g, b) if g < b else (b, g)
            if any(lo < v < hi for v in good + bad):
                continue  # only adjacent sampled values
            ok_lo = g < b
            for _ in range(BISECT_STEPS):
                mid = (lo + hi) / 2
                if _holds_at(act, c, kw, name, mid) == ok_lo:
                    lo = mid
                else:
                    hi = mid
            edges.append((sp.nsimplify(float((lo + hi) / 2), tolerance=1e-3),
                          "upper" if ok_lo else "lower"))
    if not edges:
        return None
    points = {e for e, _ in edges}
    if len(good) == 1 and len(points) == 1 and {k for _, k in edges} == {"upper", "lower"}:
        (v,) = points
        if _holds_at(act, c, kw, name, v):
            return f"holds only at {name} = {v} (bisection on {name})"
    parts = []
    for v, kind in sorted(edges, key=lambda e: e[0]):
        inclusive = _holds_at(act, c, kw, name, v)
        op = ("<=" if inclusive else "<") if kind == "upper" else (">=" if inclusive else ">")
        parts.append(f"{name} {op} {v}")
    return f"holds exactly for {' and '.join(parts)} (boundary located by bisection)"


def _check_code(c: dict, entry: AuditEntry) -> None:
    snip = load_snippet(c["code"], c["function"], c.get("globals"))
    if snip.syntax_error:
        entry.verdict = NOT_VALID
        entry.summary = snip.syntax_error
        try:
            _parse_claim(c["formula"], None, {"fx": sp.Symbol("fx")}, "formula")
        except FormulaError as exc:
            hint = str(exc).splitlines()[0]
            entry.details.append(f"symacts' formula parser reads the same line as: {hint}")
        act = _activation(c)
        entry.corrected = None
        from ..verify.core import one_line

        d = act.display_derivative(1) if c.get("check") == "derivative" else act.expr
        entry.corrected = one_line(d)
        from ..latex import to_latex

        entry.corrected_latex = to_latex(d, act)
        return
    _check_formula(c, entry)
    entry.code_findings += snip.findings
    act = _activation(c)
    which = "grad" if c["kind"] == "numpy code for f'" else "f"
    kinks = ulps.kink_floats(act, {k: float(sp.Rational(v)) for k, v in
                                       (c.get("code_params") or {}).items()})
    pts = ulps.sweep_points(np.float64, kinks=kinks, grid=AUDIT_GRID,
                                per_sign_log=AUDIT_LOG_POINTS)
    rep = check_function(snip.fn, act, which=which, dtype=np.float64,
                         params=c.get("code_params"), source=c["function"], points=pts)
    entry.sweep_size = rep.n_points
    entry.sweep_findings = list(rep.defects)
    if not rep.defects:
        entry.details.append(f"float64 sweep ({rep.n_points} points): max error "
                             f"{rep.max_ulp:.2g} ULP, no overflow, NaN, warning or dtype change")


def _kink_disagreement(c: dict, text: dict) -> str | None:
    """Where the code's formula and the text's formula give different values at a kink."""
    act = get(c["activation"])
    bound = act.bind(**c["code_params"]) if c.get("code_params") else act.with_defaults()
    defaults = {act.symbol(k): v for k, v in act.check_params(
        {p.name: str(p.default) for p in act.param_specs}).items()}
    subs = {**defaults, **{act.symbol(k): sp.Rational(v) for k, v in
                           (c.get("code_params") or {}).items()}}
    out = []
    for k in bound.kink_points():
        vals = []
        for claim in (text, c):
            expr = _parse_claim(claim["formula"], act, act.symbols, "formula")
            g = compile_expr(expr, act.x, subs)
            with mpmath.workdps(30):
                vals.append(g(mpmath.mpf(sp.N(sp.sympify(k).subs(subs), 30)))[0])
        if abs(vals[0] - vals[1]) > 1e-12:
            out.append(f"at x = {k} the text (line {text['line']}) gives {_num(vals[0])}, "
                       f"the code gives {_num(vals[1])}")
    return "; ".join(out) or None


def _num(v) -> str:
    return str(int(v)) if abs(v) < 10**15 and v == int(v) else mpmath.nstr(v, 6)


def _check_property(c: dict, entry: AuditEntry) -> None:
    act = get(c["activation"])
    entry.verdict, entry.summary = properties.check(act, c["property"], c)


def run_audit(path=CLAIMS_PATH, progress=None) -> tuple[dict, list[AuditEntry]]:
    """Check every claim of the transcription; entries in file order.

    ``progress(done, total, what)``, if given, is called before each claim."""
    source, claims = load_claims(path)
    return source, check_claims(claims, claims, progress)


def check_claims(claims: list[dict], context: list[dict] | None = None,
                 progress=None) -> list[AuditEntry]:
    """Check ``claims`` (``context``: all claims, for ``pair`` references)."""
    by_id = {c["id"]: c for c in (context or claims)}
    entries = []
    for i, c in enumerate(claims):
        if progress is not None:
            progress(i, len(claims), str(c["id"]))
        entry = AuditEntry(claim=c, verdict="unknown")
        kind = c["kind"]
        if kind == "not checkable":
            entry.verdict = NOT_CHECKABLE
            entry.summary = c["reason"]
        elif kind == "stated property":
            _check_property(c, entry)
        elif kind.startswith("numpy"):
            _check_code(c, entry)
        else:
            _check_formula(c, entry)
        if "pair" in c and entry.verdict != NOT_VALID:
            text = by_id[c["pair"]]
            if "formula" in text and "formula" in c:
                clash = _kink_disagreement(c, text)
                if clash:
                    entry.code_findings.append("disagrees with the text: " + clash)
        entries.append(entry)
    return entries
