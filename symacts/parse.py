"""Safe parser for user-written formulas, built on Python's ``ast`` — never ``eval``.

Accepted: numbers, ``x``, declared parameter names, ``e``, ``pi``, ``+ - * / **`` (``^`` is a
power), parentheses, and calls with positional arguments to a whitelist: elementary functions,
erf/erfc, the building blocks (sigmoid, softplus, Phi, phi) and every registered activation.
Everything else — attributes, subscripts, keywords, lambdas, strings, comprehensions — is
rejected with the column of the problem. Input size, nesting, node count and numeric
exponents are bounded so hostile input is refused quickly.

Notations people write are accepted where they are unambiguous: implicit multiplication
(``2x``, ``x sigmoid(x)``, ``x(1 - x)``, ``(x + 1)(x - 1)``), braces as parentheses
(``e^{-x}``), Greek letters for the blocks and common parameters (``σ``, ``Φ``, ``φ``, ``π``,
``β``, ``α``) and superscripts ``²``/``³``. With ``conditions=True`` a parser also accepts
piecewise formulas, ``1 if x > 0 else 0.01`` and ``where(x < 0, 0.01*x, x)``, whose conditions
are comparisons of formulas joined by ``and``/``or``.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from collections.abc import Callable, Iterable, Mapping

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
    "σ": " sigmoid ", "Φ": " Phi ", "φ": " phi ", "π": " pi ", "β": " beta ", "α": " alpha ",
    "²": "^2", "³": "^3",
}


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


def prepare(text: str) -> str:
    """Check size and characters; map ``^`` to ``**`` and Unicode operators to ASCII."""
    if not isinstance(text, str):
        raise FormulaError(f"a formula must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"formula too long: {len(text)} characters (limit {MAX_LENGTH})")
    if not text.strip():
        raise FormulaError("empty formula")
    for old, new in (_UNICODE_OPERATORS | _UNICODE_NAMES).items():
        text = text.replace(old, new)
    for i, ch in enumerate(text):
        if ch == "\x00":
            raise FormulaError("NUL byte in formula", text.replace("\x00", "?"), i + 1)
        if not (ch.isascii() and (ch.isprintable() or ch in " \t")):
            raise FormulaError(
                f"character {ch!r} (U+{ord(ch):04X}) is not allowed; "
                "write formulas in ASCII (letters, digits, + - * / ^ ( ) , .)",
                text, i + 1,
            )
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth > MAX_DEPTH:
            raise FormulaError(f"formula nested too deeply (limit {MAX_DEPTH})", text, i + 1)
    return text.replace("^", "**")


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
    tokens: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(source):
        kind = m.lastgroup or "op"
        text = m.group()
        if kind == "op" and text in "{}":
            text = "(" if text == "{" else ")"
        tokens.append((kind, text))
    out: list[str] = []
    prev: tuple[str, str] | None = None
    for kind, text in tokens:
        if kind == "space":
            out.append(text)
            continue
        if prev is not None and _implied_product(prev, (kind, text), is_variable):
            out.append("*")
        out.append(text)
        prev = (kind, text)
    return "".join(out)


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


class FormulaParser:
    """Turns a formula string into a SymPy expression, allowing only whitelisted names."""

    def __init__(
        self,
        x: sp.Symbol,
        params: Mapping[str, sp.Symbol] | None = None,
        *,
        activations: Callable[[str], Callable] | None = None,
        extra_functions: Mapping[str, tuple[int | None, Callable]] | None = None,
        preprocessors: Iterable[Callable[[str], str]] = (),
        conditions: bool = False,
        implicit: bool = True,
    ):
        self.x = x
        self.params = dict(params or {})
        self.activations = activations
        self.functions = {**FUNCTIONS, **(extra_functions or {})}
        self.preprocessors = tuple(preprocessors)
        self.conditions = conditions
        self.implicit = implicit

    def _is_variable(self, name: str) -> bool:
        return name == "x" or name in self.params or name in CONSTANTS

    def parse(self, text: str) -> sp.Expr:
        source = prepare(text)
        for step in self.preprocessors:
            source = step(source)
        if self.implicit:
            source = implicit_multiplication(source, self._is_variable)
        source = source.strip()
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
        try:
            expr = self._build(tree.body)
        except RecursionError:
            raise FormulaError("formula nested too deeply") from None
        if not isinstance(expr, sp.Expr):
            raise FormulaError("formula is not a mathematical expression")
        if expr.has(sp.zoo, sp.nan) or expr.has(sp.S.ComplexInfinity):
            raise FormulaError("formula is undefined everywhere (e.g. division by zero)")
        return expr

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
            return op(self._build(node.left), self._build(node.right))
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.IfExp) and self.conditions:
            cond = self._condition(node.test)
            return sp.piecewise_fold(
                sp.Piecewise((self._build(node.body), cond), (self._build(node.orelse), True))
            )
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
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in self.functions or self._activation(name) is not None:
            raise self._fail(f"{name!r} is a function; call it, e.g. {name}(x)", node)
        allowed = ", ".join(["x", *self.params, "e", "pi"])
        raise self._fail(
            f"unknown name {name!r}{self._split_hint(name)}; names allowed here: {allowed}", node
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
            a, b = self._build(node.args[1]), self._build(node.args[2])
            return sp.piecewise_fold(sp.Piecewise((a, cond), (b, True)))
        args = [self._build(a) for a in node.args]
        if name in self.functions:
            arity, fn = self.functions[name]
            if arity is not None and len(args) != arity:
                raise self._fail(f"{name} takes {arity} argument(s), got {len(args)}", node)
            if arity is None and len(args) < 2:
                raise self._fail(f"{name} takes at least 2 arguments", node)
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
        known = ["x", *self.params, *CONSTANTS, *self.functions]
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
