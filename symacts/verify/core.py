"""``verify``: is a hand-written formula equal to the truth? A proof, or where it fails.

Layers, each time-boxed:

1. **symbolic** (:mod:`.symbolic`): targeted rewrites in a killed-at-deadline worker;
2. **numeric** (:mod:`.evaluate`, :mod:`.sampling`): mpmath at 40 digits (raised to 100 and
   300 where rounding hides the answer) with a running error bound, on ≥ 500 seeded points —
   dense near 0, log-spaced to ±10⁶ with a tail to ±10³⁰⁰, every kink, breakpoint and singular
   point exactly and on both sides —
   for the default parameters and up to three other admissible parameter sets
   (:mod:`.pointwise`). Each point is cut off after ``POINT_TIME_LIMIT`` seconds and the layer
   stops at its deadline (an interval timer, or a forked worker that is killed: :mod:`.worker`);
   arguments beyond 10¹¹ take the function's limit or leave the point unresolved instead of
   sending mpmath into minutes of work.

Verdicts (exit codes of ``symacts verify``): ``proved`` (0), ``numerically equal`` (0),
``equal except at points`` (1), ``refuted`` (1), ``unknown`` (3). A point where the two sides
differ counts against the claim only if the difference exceeds the error bound; a special point
(kink, singular point, 0) where they differ while they agree everywhere around it is an
exception, not a refutation. "Could not decide" is ``unknown``, never equal. A counterexample
is re-checked at the decimal that is printed, at 100 and 300 digits, before it is reported.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import mpmath
import sympy as sp

from .. import derive
from ..activation import Activation
from ..errors import FormulaError, ParameterError, SymactsError
from ..parse import Guard, ParsedFormula, constant_names, parse_formula, parse_written
from . import sampling, symbolic
from .evaluate import Unsupported, compile_expr
from .pointwise import (
    AGREE,
    BOTH_UNDEF,
    DIFFER,
    LEFT_UNDEF,
    NUMERIC_TIME_BOX,
    POINT_TIME_LIMIT,
    PRECISIONS,
    RIGHT_UNDEF,
    UNRESOLVED,
    Sample,
    confirmed,
    is_special,
    number_text,
    point_limit,
    point_text,
    run_numeric,
    to_mpf,
)
from .worker import run_bounded

PROVED = "proved"
NUMERICALLY_EQUAL = "numerically equal"
EQUAL_EXCEPT = "equal except at points"
REFUTED = "refuted"
UNKNOWN = "unknown"
VERDICTS = (PROVED, NUMERICALLY_EQUAL, EQUAL_EXCEPT, REFUTED, UNKNOWN)
EXIT_CODES = {PROVED: 0, NUMERICALLY_EQUAL: 0, EQUAL_EXCEPT: 1, REFUTED: 1, UNKNOWN: 3}

#: agreeing points needed for "numerically equal"
MIN_AGREE = 500
#: seconds allowed to explaining the exceptions (limits, one-sided derivatives)
EXPLAIN_TIME_BOX = 10.0


class VerifyUsageError(SymactsError, ValueError):
    """The request itself is malformed (which formulas to compare, order, ...)."""


@dataclass
class PointReport:
    """A point where the sides differ or one is undefined."""

    x: str
    claimed: str | None
    true: str | None
    params: dict[str, str] = field(default_factory=dict)
    reason: str = ""


@dataclass
class VerifyResult:
    """The outcome of :func:`verify`. ``exit_code`` follows the CLI convention.

    ``max_rel_diff`` is max |claim − truth| / max(|truth|, tiny) over the sampled points where
    both sides have a value (tiny: the smallest normal float64), exceptions and counterexamples
    included; ``max_rel_diff_agreeing`` the same over the agreeing points. A point is
    *unresolved* when the two sides could be told neither equal nor different there (see
    ``unresolved_note``); such points count neither for nor against the claim.
    """

    verdict: str
    mode: str
    claim: str
    truth: str
    name: str | None = None
    order: int = 0
    wrt: str | None = None
    fixed_params: dict[str, str] = field(default_factory=dict)
    where: str | None = None
    proof: str | None = None
    symbolic_note: str = ""
    points_checked: int = 0
    points_unresolved: int = 0
    points_differing: int = 0
    parameter_sets: list[dict[str, str]] = field(default_factory=list)
    max_rel_diff: float = 0.0
    max_rel_diff_agreeing: float = 0.0
    unresolved_note: str = ""
    parameter_outcomes: list[dict[str, Any]] = field(default_factory=list)
    counterexample: PointReport | None = None
    exceptions: list[PointReport] = field(default_factory=list)
    singular_points: list[str] = field(default_factory=list)
    correct_formula: str | None = None
    correct_latex: str | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    @property
    def ok(self) -> bool:
        """True for proved / numerically equal."""
        return self.exit_code == 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["exit_code"] = self.exit_code
        d["seconds"] = round(self.seconds, 3)
        for k in ("max_rel_diff", "max_rel_diff_agreeing"):  # JSON has no infinity
            if d[k] == float("inf"):
                d[k] = "inf"
        return d

    def summary(self) -> str:
        """A few lines for people."""
        subject = {
            "derivative": f"{self.name}" + ("'" * self.order if self.order <= 3
                                            else f"^({self.order})"),
            "function": f"{self.name}",
            "equation": "lhs = rhs",
        }[self.mode]
        if self.wrt is not None:
            power = "" if self.order == 1 else _superscript(self.order)
            subject = f"∂{power}{self.name}/∂{self.wrt}{power}"
        fixed = ", ".join(f"{k}={v}" for k, v in self.fixed_params.items())
        lines = [f"claim:   {subject}(x) = {self.claim}" if self.mode != "equation"
                 else f"claim:   {self.claim}  =  {self.truth}"]
        if self.mode != "equation":
            lines.append(f"truth:   {self.truth}")
        if fixed:
            lines.append(f"with:    {fixed}")
        if self.where:
            lines.append(f"where:   {self.where}")
        lines.append(f"verdict: {self.verdict.upper()}")
        sets = len(self.parameter_sets)
        sampled = (_count(self.points_checked, "point agrees", "points agree")
                   + (f" over {sets} parameter sets" if sets > 1 else "")
                   + (f" (largest relative difference {self.max_rel_diff_agreeing:.2g})"
                      if self.points_checked else "")
                   + (f"; {self.points_unresolved} points unresolved"
                      if self.points_unresolved else ""))
        if self.verdict == PROVED:
            lines.append(f"  symbolic proof: {self.proof}; {sampled}")
        elif self.verdict == NUMERICALLY_EQUAL:
            lines.append(f"  no symbolic proof ({self.symbolic_note}); {sampled}")
        elif self.verdict == EQUAL_EXCEPT:
            lines.append(f"  equal elsewhere: {sampled}")
            for p in self.exceptions:
                lines.append(f"  at x = {p.x}{_params_text(p.params)}: {p.reason}")
        elif self.verdict == REFUTED and self.counterexample:
            c = self.counterexample
            lines.append(f"  counterexample: x = {c.x}{_params_text(c.params)}")
            left, right = ("lhs:    ", "rhs:    ") if self.mode == "equation" else (
                "claimed:", "true:   ")
            lines.append(f"    {left} {c.claimed if c.claimed is not None else 'undefined'}")
            lines.append(f"    {right} {c.true if c.true is not None else 'undefined'}")
            if c.reason:
                lines.append(f"    ({c.reason})")
            lines.append(f"  sampled: {_count(self.points_checked, 'point agrees', 'points agree')}"
                         f", {self.points_differing} differ (largest relative difference "
                         f"{self.max_rel_diff:.2g})"
                         + (f", {self.points_unresolved} unresolved"
                            if self.points_unresolved else ""))
        elif self.verdict == UNKNOWN:
            lines.append(f"  could not decide: {self.symbolic_note}; {sampled}")
        if self.unresolved_note:
            lines.append(f"  unresolved: {self.unresolved_note}")
        if self.correct_formula and self.verdict in (REFUTED, EQUAL_EXCEPT):
            lines.append(f"correct: {subject}(x) = {self.correct_formula}")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _superscript(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _params_text(params: Mapping[str, str]) -> str:
    return (" with " + ", ".join(f"{k}={v}" for k, v in params.items())) if params else ""


def one_line(expr: sp.Expr) -> str:
    """Plain one-line text; piecewise as ``a if x > 0; b otherwise``."""
    if isinstance(expr, sp.Piecewise):
        parts = []
        for b, c in expr.args:
            if c == sp.true:
                parts.append(f"{sp.sstr(b)} otherwise")
            else:
                parts.append(f"{sp.sstr(b)} if {sp.sstr(c)}")
        return "; ".join(parts)
    return sp.sstr(expr)


# ---- parsing ---------------------------------------------------------------------------------
def _parse_claim(text: Any, act: Activation | None, symbols: dict, what: str) -> sp.Expr:
    """The formula ``text`` as a SymPy expression (``f`` is ``act`` itself)."""
    return _parse_side(text, act, symbols, what).expr


def _parse_side(text: Any, act: Activation | None, symbols: dict, what: str) -> ParsedFormula:
    """The formula ``text`` evaluated, with its text and the guards of what was written."""
    if isinstance(text, sp.Basic):
        expr = derive.normalise(sp.sympify(text))
        return ParsedFormula(expr, one_line(expr))
    if not isinstance(text, str):
        raise FormulaError(f"the {what} must be a formula string, got {type(text).__name__}")
    options: dict[str, Any] = {"conditions": True}
    if act is not None:
        f_cls = act.f
        options["extra_functions"] = {"f": (1, lambda args: f_cls(args[0]))}
        options["bare_functions"] = ("f",)
        options["constants"] = constant_names(act.expr)
    try:
        parsed = parse_written(text, Activation.x, symbols, **options)
    except FormulaError as exc:
        raise FormulaError(f"in the {what}: {exc}") from None
    return ParsedFormula(derive.normalise(parsed.expr), parsed.text, parsed.guards)


def _substituted(guards, subs: Mapping, domain=None) -> list[Guard]:
    """Guards with parameters fixed and the comparison region (``where=``) added."""
    out = []
    for g in guards:
        where = g.where.xreplace(subs) if subs else g.where
        if domain is not None:
            where = sp.And(domain, where)
        out.append(Guard(g.expr.xreplace(subs) if subs else g.expr, g.written, where))
    return out


#: largest parameter magnitude and numerator/denominator size accepted for verification
MAX_PARAM = 10**12
MAX_PARAM_DIGITS = 40


def _exact_params(act: Activation | None, params: Mapping[str, Any] | None) -> dict:
    if not params:
        return {}
    if act is None:
        from ..params import to_exact

        for k in params:
            if not isinstance(k, str) or not k.isidentifier() or k.startswith("_") or k == "x":
                raise ParameterError(f"parameter name {k!r} is not allowed")
        exact = {k: to_exact(v, k) for k, v in params.items()}
    else:
        exact = act.check_params(dict(params))
    for k, v in exact.items():
        num, den = sp.fraction(sp.nsimplify(v)) if not v.is_Rational else (v.p, v.q)
        if abs(v) > MAX_PARAM or any(len(str(abs(int(n)))) > MAX_PARAM_DIGITS
                                     for n in (num, den) if sp.sympify(n).is_Integer):
            raise ParameterError(
                f"parameter {k!r} = {str(v)[:30]} is too large to verify with "
                f"(|value| <= {MAX_PARAM:.0e}, at most {MAX_PARAM_DIGITS} digits)")
    return exact


# ---- the entry point -------------------------------------------------------------------------
def verify(
    name: str | Activation | None = None,
    *,
    derivative: str | sp.Expr | None = None,
    function: str | sp.Expr | None = None,
    lhs: str | sp.Expr | None = None,
    rhs: str | sp.Expr | None = None,
    order: int = 1,
    params: Mapping[str, Any] | None = None,
    time_box: float = symbolic.TIME_BOX,
    numeric_time_box: float = NUMERIC_TIME_BOX,
    points: int = 600,
    seed: int = 0,
    where: str | None = None,
    wrt: str | None = None,
) -> VerifyResult:
    """Check a claimed formula against the truth.

    ``verify("mish", derivative="sech(softplus(x))^2 x sigmoid(x) + f/x")`` compares a claimed
    derivative (``f`` is the activation itself), ``verify("relu", function="max(0, x)")`` a
    claimed definition, ``verify(lhs="1 - tanh(x)^2", rhs="sech(x)^2")`` two formulas.
    ``params`` fixes parameters (others are sampled at their default and other admissible
    values; the symbolic proof keeps them as symbols). ``where`` restricts the comparison to a
    region of x, e.g. ``where="x < 0"`` (a condition on x only). ``wrt`` names a parameter: the
    claim is then about ∂ⁿf/∂paramⁿ (``verify("swish", derivative="x^2 sigmoid(beta x)
    (1 - sigmoid(beta x))", wrt="beta")``).
    """
    try:
        return _verify(name, derivative, function, lhs, rhs, order, params, time_box,
                       numeric_time_box, points, seed, where, wrt)
    except (OverflowError, RecursionError, MemoryError) as exc:
        raise FormulaError(f"formula too large to handle ({type(exc).__name__}: "
                           f"{str(exc)[:80]})") from None


def _verify(name, derivative, function, lhs, rhs, order, params, time_box, numeric_time_box,
            points, seed, where, wrt=None) -> VerifyResult:
    start = time.perf_counter()
    act, mode, claim_text, other_text = _request(name, derivative, function, lhs, rhs)
    if mode == "derivative":
        order = Activation._check_order(order)
    fixed = _exact_params(act, params)
    wrt = _check_wrt(wrt, act, mode, fixed)
    if act is not None:
        bound = act.bind(**fixed) if fixed else act
        symbols = dict(act.symbols)
        claim_p = _parse_side(claim_text, bound, symbols, "claimed formula")
        truth_p = None
        truth = bound.derivative(order, wrt) if mode == "derivative" else bound.expr
        truth_text = one_line(bound.display_derivative(order, wrt) if mode == "derivative"
                              else bound.display_definition())
        kinks = list(bound.kink_points()) + list(bound.removable)
        param_sets = sampling.parameter_sets(act, fixed)
    else:
        symbols = {k: sp.Symbol(k, real=True) for k in fixed}
        bound = None
        claim_p = _parse_side(claim_text, None, symbols, "left-hand side")
        truth_p = _parse_side(other_text, None, symbols, "right-hand side")
        truth = truth_p.expr
        truth_text = truth_p.text
        kinks = []
        param_sets = [dict(fixed)]
    claim = claim_p.expr
    subs = {symbols[k]: v for k, v in fixed.items()}
    if fixed:
        claim = claim.xreplace(subs)
        if act is None:
            truth = truth.xreplace(subs)
    shown_claim = claim_p.text
    _check_symbols(claim, truth, symbols)
    domain = _parse_domain(where, symbols)
    guards = (_substituted(claim_p.guards, subs, domain),
              _substituted(truth_p.guards, subs, domain) if truth_p is not None else [])
    if domain is not None:
        claim = sp.piecewise_fold(sp.Piecewise((claim, domain), (0, True)))
        truth = sp.piecewise_fold(sp.Piecewise((truth, domain), (0, True)))
    result = VerifyResult(
        verdict=UNKNOWN, mode=mode, claim=shown_claim, truth=truth_text,
        name=act.name if act is not None else None, order=order if mode == "derivative" else 0,
        fixed_params={k: str(v) for k, v in fixed.items()},
        parameter_sets=[{k: str(v) for k, v in s.items()} for s in param_sets],
        where=where, wrt=wrt,
    )
    x = Activation.x
    result.proof, result.symbolic_note = symbolic.prove_zero(claim - truth, x, time_box)
    deadline = time.perf_counter() + numeric_time_box
    try:
        samples, specials, functions, timed_out = run_numeric(
            claim, truth, x, param_sets, symbols, kinks, points, seed, deadline, domain, guards,
            point_limit(numeric_time_box))
    except Unsupported as exc:
        result.notes.append(f"numeric layer unavailable: {exc}")
        result.verdict = PROVED if result.proof else UNKNOWN
        result.seconds = time.perf_counter() - start
        return result
    if timed_out:
        result.notes.append(f"numeric layer stopped at its {numeric_time_box:g} s time box")
    _decide(result, samples, specials, functions, points, bound, mode, order)
    result.seconds = time.perf_counter() - start
    return result


def _check_wrt(wrt, act, mode, fixed) -> str | None:
    """The parameter a derivative is taken with respect to (None: x)."""
    if wrt is None or wrt == "x":
        return None
    if not isinstance(wrt, str):
        raise VerifyUsageError(f"wrt must be a parameter name, got {type(wrt).__name__}")
    if act is None or mode != "derivative":
        raise VerifyUsageError("wrt goes with an activation and a claimed derivative "
                               "(symacts verify NAME --derivative EXPR --wrt PARAM)")
    act.param(wrt)  # ParameterError naming the parameters there are
    if wrt in fixed:
        raise VerifyUsageError(f"cannot differentiate with respect to {wrt!r}: its value is "
                               "fixed by the parameters given")
    return wrt


def _parse_domain(where, symbols):
    if where is None:
        return None
    if not isinstance(where, str):
        raise FormulaError("where must be a condition string such as 'x < 0'")
    marker = sp.Symbol("marker_")
    try:
        expr = parse_formula(f"{_MARK} if {where} else 0", Activation.x, {**symbols, _MARK:
                                                                          marker},
                             conditions=True)
    except FormulaError as exc:
        raise FormulaError(f"in the region: {exc}") from None
    if not isinstance(expr, sp.Piecewise) or expr.args[0][0] != marker:
        raise FormulaError(f"the region {where!r} is not a condition on x")
    cond = expr.args[0][1]
    if cond.free_symbols - {Activation.x}:
        raise FormulaError("the region may only depend on x")
    return cond


_MARK = "marker_"


def _request(name, derivative, function, lhs, rhs):
    given = [k for k, v in (("derivative", derivative), ("function", function),
                            ("lhs", lhs), ("rhs", rhs)) if v is not None]
    if name is not None:
        if lhs is not None or rhs is not None:
            raise VerifyUsageError("with an activation name give --derivative or --function, "
                                   "not --lhs/--rhs")
        if (derivative is None) == (function is None):
            raise VerifyUsageError("give exactly one of derivative=... or function=...")
        if isinstance(name, Activation):
            act = name
        else:
            from ..registry import get

            act = get(name)
        mode = "derivative" if derivative is not None else "function"
        return act, mode, derivative if derivative is not None else function, None
    if lhs is None or rhs is None or derivative is not None or function is not None:
        raise VerifyUsageError(
            "give an activation name with derivative=/function=, or both lhs= and rhs= "
            f"(got: {', '.join(given) or 'nothing'})")
    return None, "equation", lhs, rhs


def _check_symbols(claim, truth, symbols) -> None:
    allowed = {Activation.x, *symbols.values()}
    extra = (claim.free_symbols | truth.free_symbols) - allowed
    if extra:
        names = ", ".join(sorted(s.name for s in extra))
        raise FormulaError(f"unknown symbols {names}")


def _decide(result: VerifyResult, samples, specials, functions, n_points, act, mode,
            order) -> None:
    agree = [s for s in samples if s.status == AGREE]
    unresolved = [s for s in samples if s.status == UNRESOLVED]
    bad = [s for s in samples if s.status in (DIFFER, LEFT_UNDEF, RIGHT_UNDEF)]
    def special(s):
        return is_special(s.x, specials.get(tuple(sorted(s.params.items())), ()))

    generic = [s for s in bad if not special(s)]
    special_bad = [s for s in bad if special(s)]
    result.points_checked = len(agree)
    result.max_rel_diff = max((_rel(s) for s in samples if s.status in (AGREE, DIFFER)),
                              default=0.0)
    result.max_rel_diff_agreeing = max((_rel(s) for s in agree), default=0.0)
    singular = []
    for s in samples:
        if s.status in (LEFT_UNDEF, RIGHT_UNDEF, BOTH_UNDEF) and s.params == samples[0].params:
            singular.append((float(s.x), point_text(s.x)))
    result.singular_points = [t for _, t in sorted(set(singular))]
    for values in result.parameter_sets:
        shown = {k: str(v) for k, v in values.items()}
        mine = [s for s in samples if s.params == shown]
        result.parameter_outcomes.append({
            "params": shown,
            "holds": not any(s in generic for s in mine),
            "exceptions": sum(1 for s in mine if s in special_bad),
        })
    found = None
    if generic:
        default = [s for s in generic if s.params == samples[0].params]
        deadline = time.perf_counter() + EXPLAIN_TIME_BOX
        found = confirmed(default, functions, deadline) if default else None
        if found is None:
            default = []
            found = confirmed(generic, functions, deadline)
        if found is None:  # no difference survived the re-check: not a counterexample
            for s in generic:
                s.status, s.reason = UNRESOLVED, RECHECK_FAILED
            unresolved += generic
            generic = []
    result.points_unresolved = len(unresolved)
    result.points_differing = len(generic) + len(special_bad)
    result.unresolved_note = _explain_unresolved(unresolved)
    if found is not None:
        text, best = found
        result.verdict = REFUTED
        result.counterexample = _report(best, text)
        if not default:
            result.notes.append("the claim holds for the default parameters; it fails for "
                                + _params_text(best.params).removeprefix(" with "))
        if best.status == DIFFER and best.rel < 1e-6:
            result.notes.append(f"the difference is tiny (relative {best.rel:.1g}): "
                                "rounded constants?")
    elif special_bad:
        result.verdict = EQUAL_EXCEPT
        seen, unique = set(), []
        for s in special_bad:
            key = (mpmath.nstr(s.x, 30), tuple(sorted(s.params.items())))
            if key not in seen:
                seen.add(key)
                unique.append(s)

        def explain(s):
            gl = functions[tuple(sorted(s.params.items()))][0]
            return _explain_exception(s, act if result.wrt is None else None, mode, order, gl)

        reasons, _ = run_bounded(unique, explain, time.perf_counter() + EXPLAIN_TIME_BOX,
                                 POINT_TIME_LIMIT, lambda s, why: _plain_exception(s))
        reasons += [_plain_exception(s) for s in unique[len(reasons):]]
        for s, reason in zip(unique, reasons, strict=True):
            rep = _report(s)
            rep.reason = reason
            result.exceptions.append(rep)
    elif result.proof:
        result.verdict = PROVED
    elif len(agree) >= min(n_points, MIN_AGREE) and len(unresolved) <= len(samples) // 2:
        result.verdict = NUMERICALLY_EQUAL
    else:
        result.verdict = UNKNOWN
        if not result.symbolic_note:
            result.symbolic_note = "no symbolic proof"
        result.notes.append(f"only {len(agree)} of {len(samples)} points resolved")
    if act is not None and result.verdict in (REFUTED, EQUAL_EXCEPT):
        d = (act.display_derivative(order, result.wrt) if mode == "derivative"
             else act.display_definition())
        result.correct_formula = one_line(d)
        from ..latex import to_latex

        result.correct_latex = to_latex(d, act)


#: float64's smallest normal number: the floor of the scale in a relative difference
TINY = mpmath.mpf(2) ** -1022
#: why a point whose difference was not confirmed counts as unresolved
RECHECK_FAILED = "a difference seen at first did not survive the re-check at higher precision"


def _rel(s: Sample) -> float:
    """|claim − truth| / max(|truth|, tiny) at a sample with both values (inf if huge)."""
    with mpmath.workdps(30):
        return float(abs(s.left - s.right) / max(abs(s.right), TINY))


#: kinds of unresolved points, by the start of their reason, with what they mean
_UNRESOLVED_KINDS = (
    (("value too large", "value too small", "argument of"),
     "a value is too large or too small for any precision (exp of a huge argument)"),
    (("not resolved at",),
     f"rounding hides the answer even at {PRECISIONS[-1]} digits (cancellation)"),
    (("not resolved: time limit",), "the evaluation ran past its time limit"),
    ((RECHECK_FAILED,), RECHECK_FAILED),
)


def _unresolved_kind(reason: str) -> str:
    for prefixes, meaning in _UNRESOLVED_KINDS:
        if reason.startswith(prefixes):
            return meaning
    return reason.removeprefix("not resolved: ") or "not resolved"


def _explain_unresolved(unresolved: list[Sample]) -> str:
    """'N points could be told neither equal nor different: k (|x| from a to b), where ...;
    they count neither for nor against the claim'."""
    if not unresolved:
        return ""
    groups: dict[str, list] = {}
    for s in unresolved:
        groups.setdefault(_unresolved_kind(s.reason), []).append(abs(s.x))
    parts = []
    for meaning, xs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        lo, hi = float(min(xs)), float(max(xs))
        where = f"|x| = {lo:.3g}" if lo == hi else f"|x| from {lo:.3g} to {hi:.3g}"
        parts.append(f"{len(xs)} ({where}), where {meaning}")
    n = len(unresolved)
    return (f"{n} point{'s' if n != 1 else ''} could be told neither equal nor different: "
            f"{'; '.join(parts)}; they count neither for nor against the claim")


def _report(s: Sample, x_text: str | None = None) -> PointReport:
    reason = ""
    if s.status == LEFT_UNDEF:
        reason = _undefined_text("the claim", s.reason, ": ")
    elif s.status == RIGHT_UNDEF:
        reason = _undefined_text("the reference side", s.reason, ": ")
    digits = 17
    if s.status == DIFFER and 0 < s.rel < 1e-13:  # enough digits to show the difference
        digits = min(50, int(-mpmath.log10(s.rel)) + 5)
    return PointReport(x=x_text or point_text(s.x), claimed=number_text(s.left, digits),
                       true=number_text(s.right, digits), params=dict(s.params), reason=reason)


def _undefined_text(side: str, reason: str, sep: str = " (") -> str:
    """"`x*g/x` is undefined here (division by zero)" when the reason names the written part,
    else "the claim is undefined here (...)"."""
    if reason.startswith("`"):
        return reason
    return f"{side} is undefined here{sep}{reason}" + (")" if sep == " (" else "")


def _plain_exception(s: Sample) -> str:
    """What an exception is, without limits or one-sided values (when those took too long)."""
    if s.status == LEFT_UNDEF:
        return (f"{_undefined_text('the claim', s.reason)}; the true value is "
                f"{number_text(s.right, 15)}")
    if s.status == RIGHT_UNDEF:
        return (_undefined_text("the reference side", s.reason)
                + f"; the claim gives {number_text(s.left)}")
    return f"the claim gives {number_text(s.left, 15)}, the truth {number_text(s.right, 15)}"


def _explain_exception(s: Sample, act, mode, order, claim_fn) -> str:
    """Why a special point is an exception: a removable singularity, or a kink convention."""
    x = Activation.x
    X = s.x
    if s.status == LEFT_UNDEF:
        lim = _limit(claim_fn, s.x)
        base = _undefined_text("the claim", s.reason)
        if lim is None:
            return f"{base}; the true value is {number_text(s.right, 15)}"
        if s.right is not None and abs(lim - s.right) <= 1e-12 * max(1, abs(s.right)):
            return (f"{base}; its limit there is {number_text(lim, 15)}, which equals the "
                    "true value (a removable singularity)")
        return (f"{base}; its limit there is {number_text(lim, 15)}, the true value "
                f"{number_text(s.right, 15)}")
    if s.status == RIGHT_UNDEF:
        return (_undefined_text("the reference side", s.reason)
                + f"; the claim gives {number_text(s.left)}")
    text = f"the claim gives {number_text(s.left, 15)}, the truth {number_text(s.right, 15)}"
    if act is not None and mode == "derivative" and order == 1:
        kinks = {}
        with mpmath.workdps(50):
            for k in act.kink_points():
                try:
                    kinks[mpmath.nstr(to_mpf(sp.sympify(k).subs(
                        {act.symbol(n): sp.Rational(v) for n, v in s.params.items()
                         if n in act.symbols})), 30)] = k
                except (TypeError, ValueError, SymactsError):
                    continue
        if mpmath.nstr(X, 30) in kinks:
            left, right = _one_sided(act, s, x)
            if left is not None and right is not None:
                return (f"{text}; x = {point_text(X)} is a kink with one-sided derivatives "
                        f"{left} (left) and {right} (right); symacts uses "
                        f"f'({point_text(X)}) = {number_text(s.right, 15)} (PyTorch's convention)")
    return text


def _one_sided(act, s, x):
    subs = {act.symbol(n): sp.Rational(v) for n, v in s.params.items() if n in act.symbols}
    d = act.derivative(1).xreplace(subs)
    g = compile_expr(d, x)
    out = []
    with mpmath.workdps(50):
        for sign in (-1, 1):
            try:
                v, _ = g(s.x + sign * mpmath.mpf(10) ** -30)
                out.append(number_text(v, 10))
            except ArithmeticError:
                out.append(None)
    return tuple(out)


def _limit(fn, X):
    """Two-sided limit of ``fn`` at X from X ± 10⁻²⁵ (None if the sides disagree)."""
    if fn is None:
        return None
    vals = []
    with mpmath.workdps(60):
        for sign in (-1, 1):
            try:
                vals.append(fn(X + sign * mpmath.mpf(10) ** -25)[0])
            except ArithmeticError:
                return None
    a, b = vals
    if abs(a - b) > 1e-15 * max(1, abs(a)):
        return None
    return (a + b) / 2
