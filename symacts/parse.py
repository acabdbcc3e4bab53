"""Safe parser for user-written formulas, built on Python's ``ast`` — never ``eval``.

Accepted: numbers, ``x``, declared parameter names, ``e``, ``pi``, ``+ - * / **`` (``^`` is a
power), parentheses, and calls with positional arguments to a whitelist: elementary functions,
erf/erfc, the building blocks (sigmoid, softplus, Phi, phi) and every registered activation.
Everything else — attributes, subscripts, keywords, lambdas, strings, comprehensions — is
rejected with the column of the problem. Input size, nesting, node count and numeric
exponents are bounded so hostile input is refused quickly.

Notations people write are accepted where they are unambiguous: implicit multiplication
(``2x``, ``x sigmoid(x)``, ``x(1 - x)``, ``(x + 1)(x - 1)``), braces as parentheses
(``e^{-x}``), Greek letters for the blocks (``σ``, ``Φ``, ``φ``, ``π``) and for parameters by
their ASCII names (``β`` is ``beta``; ``λ`` is ``lambd``, as PyTorch spells it, and the keyword
``lambda`` is read as ``lambd`` where that name exists) and superscripts ``²``/``³``. With
``conditions=True`` a parser also accepts piecewise formulas, ``1 if x > 0 else 0.01`` and
``where(x < 0, 0.01*x, x)``, whose conditions are comparisons of formulas joined by
``and``/``or``.

SymPy evaluates while it builds (``x*g/x`` becomes ``g``), so :meth:`FormulaParser.parse_written`
also returns what was *written*: the text, and a :class:`Guard` for every division, root, power
and logarithm of the formula — the written subexpression, and where it is undefined — so that a
verifier can judge the formula as written (``x*g/x`` is undefined at x = 0).
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import sympy as sp

from .errors import FormulaError, UnknownActivationError
from .functions import Phi, phi, sigmoid, softplus

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_NODES = 600
MAX_EXPONENT = 1000
MAX_LITERAL_DIGITS = 40

#: plain-Unicode operators people paste from documents
_UNICODE_OPERATORS = {"−": "-", "×": "*", "·": "*", "⋅": "*"}
#: Greek letters and superscripts with an unambiguous meaning in formulas
_UNICODE_NAMES = {
    "σ": " sigmoid ", "Φ": " Phi ", "φ": " phi ", "π": " pi ", "²": "^2", "³": "^3",
}
#: Greek letters for parameters and constants, by their ASCII names (λ: ``lambd``, as PyTorch
#: spells it; ``lambda`` is a Python keyword)
GREEK_NAMES = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "κ": "kappa", "λ": "lambd", "μ": "mu", "ν": "nu", "ξ": "xi",
    "ρ": "rho", "τ": "tau", "ω": "omega",
}
_UNICODE_NAMES |= {g: f" {name} " for g, name in GREEK_NAMES.items()}


def _one(fn: Callable) -> Callable:
    return lambda args: fn(*args)


FUNCTIONS: dict[str, tuple[int | None, Callable]] = {
    "exp": (1, _one(sp.exp)),
    "log": (1, _one(sp.log)),
    "ln": (1, _one(sp.log)),
    "log10": (1, _one(lambda u: sp.log(u) / sp.log(10))),
    "log2": (1, _one(lambda u: sp.log(u) / sp.log(2))),
    "log1p": (1, _one(lambda u: sp.log(1 + u))),
    "expm1": (1, _one(lambda u: sp.exp(u) - 1)),
    "sqrt": (1, _one(sp.sqrt)),
    "abs": (1, _one(sp.Abs)),
    "sin": (1, _one(sp.sin)),
    "cos": (1, _one(sp.cos)),
    "tan": (1, _one(sp.tan)),
    "sinh": (1, _one(sp.sinh)),
    "cosh": (1, _one(sp.cosh)),
    "tanh": (1, _one(sp.tanh)),
    "sech": (1, _one(sp.sech)),
    "csch": (1, _one(sp.csch)),
    "coth": (1, _one(sp.coth)),
    "asin": (1, _one(sp.asin)),
    "acos": (1, _one(sp.acos)),
    "atan": (1, _one(sp.atan)),
    "arcsin": (1, _one(sp.asin)),
    "arccos": (1, _one(sp.acos)),
    "arctan": (1, _one(sp.atan)),
    "asinh": (1, _one(sp.asinh)),
    "arcsinh": (1, _one(sp.asinh)),
    "erf": (1, _one(sp.erf)),
    "erfc": (1, _one(sp.erfc)),
    "sigmoid": (1, _one(sigmoid)),
    "softplus": (1, _one(softplus)),
    "Phi": (1, _one(Phi)),
    "phi": (1, _one(phi)),
    "max": (None, lambda args: sp.Max(*args)),
    "min": (None, lambda args: sp.Min(*args)),
}
# SymPy's own spellings, as people paste them
FUNCTIONS["Abs"] = FUNCTIONS["abs"]
FUNCTIONS["Max"] = FUNCTIONS["max"]
FUNCTIONS["Min"] = FUNCTIONS["min"]

CONSTANTS = {"e": sp.E, "E": sp.E, "pi": sp.pi}

_BINOPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}

_COMPARE = {
    ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge, ast.Eq: sp.Eq, ast.NotEq: sp.Ne,
}

_NODE_WORDS = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.Compare: "comparisons",
    ast.BoolOp: "boolean operators",
    ast.IfExp: "conditional expressions",
    ast.Starred: "starred arguments",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.JoinedStr: "f-strings",
    ast.NamedExpr: "assignment expressions",
    ast.Await: "await",
}


def _col(node: ast.AST) -> int:
    return getattr(node, "col_offset", 0) + 1


#: a character of the prepared source and the span of the written text it comes from
Span = tuple[int, int]


def prepare(text: str) -> str:
    """Check size and characters; map ``^`` to ``**`` and Unicode operators to ASCII."""
    return "".join(ch for ch, _ in _prepare_mapped(text))


def _prepare_mapped(text: str) -> list[tuple[str, Span]]:
    """:func:`prepare`, each output character with the span of ``text`` it stands for."""
    if not isinstance(text, str):
        raise FormulaError(f"a formula must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"formula too long: {len(text)} characters (limit {MAX_LENGTH})")
    if not text.strip():
        raise FormulaError("empty formula")
    table = _UNICODE_OPERATORS | _UNICODE_NAMES
    out: list[tuple[str, Span]] = []
    for i, ch in enumerate(text):
        for c in table.get(ch, ch):
            out.append((c, (i, i + 1)))
    shown = "".join(c for c, _ in out)
    for j, (ch, _span) in enumerate(out):
        if ch == "\x00":
            raise FormulaError("NUL byte in formula", shown.replace("\x00", "?"), j + 1)
        if not (ch.isascii() and (ch.isprintable() or ch in " \t")):
            raise FormulaError(
                f"character {ch!r} (U+{ord(ch):04X}) is not allowed; "
                "write formulas in ASCII (letters, digits, + - * / ^ ( ) , .)",
                shown, j + 1,
            )
    depth = 0
    for j, (ch, _span) in enumerate(out):
        depth += ch == "("
        depth -= ch == ")"
        if depth > MAX_DEPTH:
            raise FormulaError(f"formula nested too deeply (limit {MAX_DEPTH})", shown, j + 1)
    return [(c, span) for ch, span in out for c in ("**" if ch == "^" else ch)]


_TOKEN = re.compile(
    r"(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<space>\s+)|(?P<op>\*\*|[<>=!]=|.)",
    re.DOTALL,
)


def implicit_multiplication(source: str, is_variable: Callable[[str], bool]) -> str:
    """Insert ``*`` where a product is written without it and nothing else is meant.

    ``2x``, ``2(x+1)``, ``2 sigmoid(x)``, ``(a)(b)``, ``(a)x``, ``x(1-x)``, ``x sigmoid(x)``.
    Braces group like parentheses. Keywords, strings and everything else are left untouched,
    so input that was rejected before stays rejected (by the parser, with its message).
    """
    mapped = [(c, (i, i + 1)) for i, c in enumerate(source)]
    return "".join(c for c, _ in _implicit_mapped(mapped, is_variable, lambda name: False, {}))


def _implicit_mapped(
    mapped: list[tuple[str, Span]],
    is_variable: Callable[[str], bool],
    is_bare: Callable[[str], bool],
    renames: Mapping[str, str],
    *,
    insert: bool = True,
) -> list[tuple[str, Span]]:
    """:func:`implicit_multiplication` on mapped characters (``insert=False``: renames only);
    ``renames`` maps names (tokens) to other names; a bare name (``f`` for f(x)) multiplies a
    following name, never ``(``."""
    source = "".join(c for c, _ in mapped)
    out: list[tuple[str, Span]] = []
    prev: tuple[str, str] | None = None
    for m in _TOKEN.finditer(source):
        kind = m.lastgroup or "op"
        text = m.group()
        spans = [span for _, span in mapped[m.start():m.end()]]
        if kind == "op" and text in "{}":
            text = "(" if text == "{" else ")"
        if kind == "name" and text in renames:
            text = renames[text]
            spans = [(spans[0][0], spans[-1][1])] * len(text)
        if kind == "space":
            out += list(zip(text, spans, strict=True))
            continue
        if insert and prev is not None and (_implied_product(prev, (kind, text), is_variable) or (
                prev[0] == "name" and is_bare(prev[1]) and kind == "name"
                and not keyword.iskeyword(text))):
            out.append(("*", (spans[0][0], spans[0][0])))
        out += list(zip(text, spans, strict=True))
        prev = (kind, text)
    return out


def _implied_product(left: tuple[str, str], right: tuple[str, str], is_variable) -> bool:
    lk, lt = left
    rk, rt = right
    if (lk == "name" and keyword.iskeyword(lt)) or (rk == "name" and keyword.iskeyword(rt)):
        return False
    if lk == "num":
        return rk == "name" or rt == "("
    if lt == ")":
        return rk == "name" or rt == "("
    if lk == "name" and is_variable(lt):
        return rk == "name" or rt == "("
    return False


@dataclass(frozen=True)
class Guard:
    """A written subexpression that is undefined somewhere: ``expr`` is it, unevaluated at the
    top (``1/(den)``, ``log(u)``, ``sqrt(u)``, ...), ``written`` its text as the user wrote it,
    ``where`` the condition under which it is evaluated (the branch of a piecewise formula)."""

    expr: sp.Expr
    written: str
    where: sp.Basic = sp.true


@dataclass(frozen=True)
class ParsedFormula:
    """A formula as evaluated by SymPy (``expr``) and as written (``text``, ``guards``)."""

    expr: sp.Expr
    text: str
    guards: tuple[Guard, ...] = field(default=())


#: calls whose argument has a restricted domain, guarded as written: name → guard builder
_DOMAIN_CALLS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "log": lambda u: sp.log(u, evaluate=False),
    "ln": lambda u: sp.log(u, evaluate=False),
    "log10": lambda u: sp.log(u, evaluate=False),
    "log2": lambda u: sp.log(u, evaluate=False),
    "log1p": lambda u: sp.log(1 + u, evaluate=False),
    "sqrt": lambda u: sp.Pow(u, sp.S.Half, evaluate=False),
    "asin": lambda u: sp.asin(u, evaluate=False),
    "arcsin": lambda u: sp.asin(u, evaluate=False),
    "acos": lambda u: sp.acos(u, evaluate=False),
    "arccos": lambda u: sp.acos(u, evaluate=False),
    "coth": lambda u: sp.coth(u, evaluate=False),
    "csch": lambda u: sp.csch(u, evaluate=False),
}
#: longest written subexpression quoted in a guard
MAX_WRITTEN = 60


class FormulaParser:
    """Turns a formula string into a SymPy expression, allowing only whitelisted names.

    ``constants`` adds names for fixed numbers (SELU's ``lambd``); ``bare_functions`` are
    function names that, written without a call, mean the call at x (``f`` for f(x)).
    """

    def __init__(
        self,
        x: sp.Symbol,
        params: Mapping[str, sp.Symbol] | None = None,
        *,
        activations: Callable[[str], Callable] | None = None,
        extra_functions: Mapping[str, tuple[int | None, Callable]] | None = None,
        constants: Mapping[str, sp.Expr] | None = None,
        bare_functions: Iterable[str] = (),
        preprocessors: Iterable[Callable[[str], str]] = (),
        conditions: bool = False,
        implicit: bool = True,
    ):
        self.x = x
        self.params = dict(params or {})
        self.activations = activations
        self.functions = {**FUNCTIONS, **(extra_functions or {})}
        self.constants = {**CONSTANTS, **{k: v for k, v in (constants or {}).items()
                                          if k not in self.params}}
        self.bare_functions = frozenset(n for n in bare_functions if n in self.functions)
        self.preprocessors = tuple(preprocessors)
        self.conditions = conditions
        self.implicit = implicit
        self._guards: list[Guard] = []
        self._path: list[sp.Basic] = []
        self._spans: list[Span] = []
        self._text = ""

    def _is_variable(self, name: str) -> bool:
        return name == "x" or name in self.params or name in self.constants

    def _renames(self) -> dict[str, str]:
        """``lambda`` (a Python keyword) means ``lambd`` where that name exists."""
        return {"lambda": "lambd"} if self._is_variable("lambd") else {}

    def parse(self, text: str) -> sp.Expr:
        """The formula as a SymPy expression (evaluated, so ``x*g/x`` is ``g``)."""
        return self.parse_written(text).expr

    def parse_written(self, text: str) -> ParsedFormula:
        """The formula evaluated, with its text and the guards of what was written."""
        mapped = _prepare_mapped(text)
        if self.preprocessors:  # text rewrites lose the link to the written text
            source = "".join(c for c, _ in mapped)
            for step in self.preprocessors:
                source = step(source)
            mapped = [(c, (0, len(text))) for c in source]
        greek = set(GREEK_NAMES.values())  # a product even when unknown: the error names it
        mapped = _implicit_mapped(mapped, lambda n: self._is_variable(n) or n in greek,
                                  self.bare_functions.__contains__, self._renames(),
                                  insert=self.implicit)
        while mapped and mapped[0][0] in " \t":
            mapped.pop(0)
        while mapped and mapped[-1][0] in " \t":
            mapped.pop()
        source = "".join(c for c, _ in mapped)
        self._spans = [span for _, span in mapped]
        self._text = text
        try:
            tree = ast.parse(source, mode="eval")
        except SyntaxError as exc:
            col = exc.offset or 1
            raise FormulaError(f"syntax error: {exc.msg}", source, col) from None
        except (ValueError, MemoryError, RecursionError) as exc:
            raise FormulaError(f"cannot parse formula: {exc}") from None
        count = sum(1 for _ in ast.walk(tree))
        if count > MAX_NODES:
            raise FormulaError(f"formula too large: {count} syntax nodes (limit {MAX_NODES})")
        self._source = source
        self._guards, self._path = [], []
        try:
            expr = self._build(tree.body)
        except RecursionError:
            raise FormulaError("formula nested too deeply") from None
        if not isinstance(expr, sp.Expr):
            raise FormulaError("formula is not a mathematical expression")
        if expr.has(sp.zoo, sp.nan) or expr.has(sp.S.ComplexInfinity):
            raise FormulaError("formula is undefined everywhere (e.g. division by zero)")
        return ParsedFormula(expr, text.strip(), tuple(self._guards))

    # -- what was written -----------------------------------------------------------------
    def _written(self, node: ast.AST) -> str:
        """The user's text of ``node`` (shortened when long)."""
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if start is None or end is None or not self._spans or end > len(self._spans):
            return ast.get_source_segment(self._source, node) or ""
        lo, hi = self._spans[start][0], self._spans[end - 1][1]
        text = " ".join(self._text[lo:hi].split())
        if len(text) > MAX_WRITTEN:
            text = text[: MAX_WRITTEN - 1] + "…"
        return text

    def _guard(self, expr: sp.Expr, node: ast.AST) -> None:
        """Record that the written ``node`` evaluates ``expr`` (undefined somewhere)."""
        if not expr.free_symbols:
            return
        where = sp.And(*self._path) if self._path else sp.true
        g = Guard(expr, self._written(node), where)
        if g not in self._guards:
            self._guards.append(g)

    def _branch(self, cond, node: ast.AST) -> sp.Expr:
        self._path.append(cond)
        try:
            return self._build(node)
        finally:
            self._path.pop()

    # -- tree walk ----------------------------------------------------------------------------
    def _fail(self, message: str, node: ast.AST) -> FormulaError:
        return FormulaError(message, self._source, _col(node))

    def _build(self, node: ast.AST) -> sp.Expr:
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self._build(node.operand)
            if isinstance(node.op, ast.UAdd):
                return self._build(node.operand)
            raise self._fail(f"operator {type(node.op).__name__} is not allowed", node)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow):
                return self._power(node)
            op = _BINOPS.get(type(node.op))
            if op is None:
                raise self._fail(
                    f"operator {type(node.op).__name__} is not allowed (use + - * / ^)", node
                )
            left, right = self._build(node.left), self._build(node.right)
            if isinstance(node.op, ast.Div):
                self._guard(sp.Pow(right, -1, evaluate=False), node)
            return op(left, right)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.IfExp) and self.conditions:
            cond = self._condition(node.test)
            body = self._branch(cond, node.body)
            orelse = self._branch(sp.Not(cond), node.orelse)
            return sp.piecewise_fold(sp.Piecewise((body, cond), (orelse, True)))
        word = _NODE_WORDS.get(type(node), type(node).__name__)
        raise self._fail(f"{word} not allowed in a formula", node)

    def _number(self, node: ast.Constant) -> sp.Expr:
        v = node.value
        if isinstance(v, bool) or not isinstance(v, int | float):
            kind = "strings" if isinstance(v, str | bytes) else type(v).__name__
            raise self._fail(f"{kind} not allowed in a formula", node)
        if isinstance(v, int):
            if v.bit_length() > MAX_LITERAL_DIGITS * 4:
                raise self._fail("integer literal too large", node)
            return sp.Integer(v)
        if not math.isfinite(v):
            raise self._fail("number out of range", node)
        segment = ast.get_source_segment(self._source, node)
        try:
            return sp.Rational(segment) if segment else sp.Float(v)
        except (TypeError, ValueError):
            return sp.Float(v)

    def _name(self, node: ast.Name) -> sp.Expr:
        name = node.id
        if name.startswith("_"):
            raise self._fail(f"name {name!r} is not allowed", node)
        if name == "x":
            return self.x
        if name in self.params:
            return self.params[name]
        if name in self.constants:
            return self.constants[name]
        if name in self.bare_functions:
            return self.functions[name][1]([self.x])
        if name in self.functions or self._activation(name) is not None:
            raise self._fail(f"{name!r} is a function; call it, e.g. {name}(x)", node)
        allowed = ", ".join(["x", *self.params, *self.bare_functions,
                             *(k for k in self.constants if k != "E")])
        written = self._written(node)
        shown = f"{written} ({name})" if written != name and written in GREEK_NAMES else repr(name)
        raise self._fail(
            f"unknown name {shown}{self._split_hint(name)}; names allowed here: {allowed}", node
        )

    def _power(self, node: ast.BinOp) -> sp.Expr:
        base = self._build(node.left)
        expo = self._build(node.right)
        if expo.is_number:
            try:
                mag = abs(float(expo))
            except (TypeError, ValueError):
                raise self._fail("exponent is not a real number", node) from None
            if mag > MAX_EXPONENT:
                raise self._fail(f"exponent too large (|exponent| <= {MAX_EXPONENT})", node)
            if base.is_number:
                try:
                    size = mag * math.log10(max(abs(float(base)), 1e-300))
                except (TypeError, ValueError, OverflowError):
                    size = math.inf
                if abs(size) > 4000:
                    raise self._fail("number too large", node)
        elif base.is_number and expo.has(sp.Pow) and any(
            a.exp.is_number and abs(float(a.exp)) > 64 for a in expo.atoms(sp.Pow)
        ):
            raise self._fail("exponent grows too fast", node)
        if base.free_symbols and not (expo.is_Integer and expo >= 0):
            self._guard(sp.Pow(base, expo, evaluate=False), node)
        return sp.Pow(base, expo)

    def _condition(self, node: ast.AST):
        """A condition: comparisons of formulas (chains allowed), ``and``/``or``."""
        if isinstance(node, ast.BoolOp):
            parts = [self._condition(v) for v in node.values]
            return sp.And(*parts) if isinstance(node.op, ast.And) else sp.Or(*parts)
        if isinstance(node, ast.Compare):
            terms = [self._build(node.left), *(self._build(c) for c in node.comparators)]
            rels = []
            for op, a, b in zip(node.ops, terms, terms[1:], strict=False):
                rel = _COMPARE.get(type(op))
                if rel is None:
                    raise self._fail(f"comparison {type(op).__name__} is not allowed", node)
                rels.append(rel(a, b))
            return sp.And(*rels)
        raise self._fail("a condition must be a comparison such as x > 0", node)

    def _activation(self, name: str):
        if self.activations is None:
            return None
        try:
            return self.activations(name)
        except UnknownActivationError:
            return None

    def _call(self, node: ast.Call) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            word = _NODE_WORDS.get(type(node.func), "this kind of call")
            raise self._fail(f"{word} not allowed in a formula", node.func)
        if node.keywords:
            raise self._fail("keyword arguments are not allowed", node)
        name = node.func.id
        if name == "where" and self.conditions and "where" not in self.functions:
            if len(node.args) != 3:
                raise self._fail("where takes 3 arguments: where(condition, a, b)", node)
            cond = self._condition(node.args[0])
            a, b = self._branch(cond, node.args[1]), self._branch(sp.Not(cond), node.args[2])
            return sp.piecewise_fold(sp.Piecewise((a, cond), (b, True)))
        args = [self._build(a) for a in node.args]
        if name in self.functions:
            arity, fn = self.functions[name]
            if arity is not None and len(args) != arity:
                raise self._fail(f"{name} takes {arity} argument(s), got {len(args)}", node)
            if arity is None and len(args) < 2:
                raise self._fail(f"{name} takes at least 2 arguments", node)
            if name in _DOMAIN_CALLS:
                self._guard(_DOMAIN_CALLS[name](args[0]), node)
            return fn(args)
        act = self._activation(name)
        if act is not None:
            if len(args) != 1:
                raise self._fail(f"{name} takes 1 argument, got {len(args)}", node)
            return act(args[0])
        if name.startswith("_"):
            raise self._fail(f"name {name!r} is not allowed", node.func)
        raise self._fail(f"unknown function {name!r}{self._split_hint(name)}", node.func)

    def _split_hint(self, name: str) -> str:
        """' (did you mean x*sigmoid?)' when an unknown name is two known names run together."""
        if len(name) > 40:
            return ""
        known = ["x", *self.params, *self.constants, *self.functions]
        for i in range(1, len(name)):
            head, tail = name[:i], name[i:]
            if head in known and (tail in known or self._activation(tail) is not None):
                return f" (did you mean {head}*{tail}?)"
        return ""


def activation_caller(name: str):
    """Calling a registered activation inside a formula: its definition at the argument."""
    from . import registry

    act = registry.get(name)

    def call(arg: sp.Expr) -> sp.Expr:
        return act.expr.subs(act.defaults()).subs(act.x, arg)

    return call


def parse_formula(
    text: str,
    x: sp.Symbol,
    params: Mapping[str, sp.Symbol] | None = None,
    **options,
) -> sp.Expr:
    """Parse ``text`` with ``x``, ``params`` and calls to registered activations."""
    return FormulaParser(x, params, activations=activation_caller, **options).parse(text)


def parse_written(
    text: str,
    x: sp.Symbol,
    params: Mapping[str, sp.Symbol] | None = None,
    **options,
) -> ParsedFormula:
    """:func:`parse_formula`, with the text and the guards of what was written."""
    return FormulaParser(x, params, activations=activation_caller, **options).parse_written(text)


def constant_names(expr: sp.Expr) -> dict[str, sp.Expr]:
    """Names for the fixed constants of a definition (SELU's λ: ``lambd``, ``lambda`` via the
    parser, ``scale``; its α: ``alpha``): the ASCII name of the printed Greek letter and the
    constant's own name."""
    from .functions import NamedConstant

    out: dict[str, sp.Expr] = {}
    for c in sorted(expr.atoms(NamedConstant), key=lambda c: type(c).__name__):
        greek = GREEK_NAMES.get(getattr(c, "text_symbol", ""))
        own = re.findall(r"[A-Z][a-z0-9]*", type(c).__name__)
        for name in (greek, own[-1].lower() if own else None):
            if name and name not in out:
                out[name] = c
    return out
