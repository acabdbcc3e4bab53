"""Hostile input to ``symacts verify``: each is refused with a clear message or decided inside
its time boxes, and nothing it contains is ever executed (a canary file is never created)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from symacts.cli import main
from symacts.errors import SymactsError
from symacts.verify import VERDICTS, verify

CANARY = "CANARY_VERIFY"
TOUCH = f"__import__('os').system('touch {CANARY}')"

#: refused by the parser: (where the text goes, text)
REFUSED = [
    # code injection and escapes from the expression language
    TOUCH,
    f"exec(\"open('{CANARY}','w')\")",
    f"eval(\"open('{CANARY}','w')\")",
    f"open('{CANARY}', 'w')",
    "compile('1', 'f', 'eval')",
    "globals()",
    "locals()",
    "vars()",
    "breakpoint()",
    "help()",
    "input()",
    "print(1)",
    "getattr(x, '__class__')",
    "x; __import__('os')",
    "import os",
    "lambda: x",
    "(lambda: 1)()",
    "[x for x in ()]",
    "f'{x}'",
    "'x'",
    "b'x'",
    "x := 1",
    "x if x else 0",
    "not x",
    # dunder access and attribute chains
    "x.__class__",
    "x.__class__.__mro__[1].__subclasses__()",
    "sigmoid.__globals__",
    "exp.__code__",
    "f.__init__.__globals__['os']",
    "().__class__.__bases__[0]",
    "__builtins__",
    "__import__",
    "_",
    "x.real",
    "sigmoid(x).func",
    "x[0]",
    # huge numbers and exponents
    "9**9**9",
    "10**10**10**10",
    "2**2**2**2**2**2",
    "x**100000",
    "(x + 1)**1001",
    "exp(x)**100000",
    "1e999999 * x",
    "9" * 200 + "* x",
    "factorial(100000)",
    "gamma(10**10)",
    # size and nesting
    "x" + "+x" * 5000,
    "(" * 200 + "x" + ")" * 200,
    "sigmoid(" * 60 + "x" + ")" * 60,
    "-" * 3000 + "x",
    " " * 100_000 + "x",
    # characters
    "x\x00",
    "sigmoid(x)\x00__import__('os')",
    "х",  # Cyrillic х
    "ｘ",  # full-width x
    "𝑥 + 1",
    "x\u200b + 1",  # zero-width space
    "x\u202e + 1",  # right-to-left override
    "ℯ^x",
    # keywords and misuse of functions
    "sigmoid",
    "sigmoid(x, x)",
    "exp(x, base=2)",
    "sigmoid(*[x])",
    "max(x)",
]

#: parse, then are decided (any verdict) within the time boxes
DECIDED = [
    ("lhs", "(x + 1)^999 * (x - 1)^999", "(x^2 - 1)^999"),
    ("lhs", "exp(exp(exp(exp(x))))", "exp(exp(exp(exp(x))))"),
    ("lhs", "exp(exp(exp(exp(x)))) - 1", "exp(exp(exp(exp(x))))"),
    ("lhs", "x^x^x^x", "x^(x^(x^x))"),
    ("lhs", "sinh(sinh(sinh(sinh(x))))", "cosh(x)"),
    ("lhs", "tanh(x)^40 - tanh(x)^39", "sech(x)^38"),
    ("lhs", "sigmoid(sigmoid(sigmoid(sigmoid(sigmoid(x)))))", "sigmoid(x)"),
    ("lhs", "1/(x - x + 1e-300)", "1e300"),
    ("lhs", "log(x)", "log(abs(x))"),
    ("lhs", "sqrt(x)", "sqrt(abs(x))"),
    ("lhs", "1/x", "1/x"),
    ("lhs", "sin(10^12 x)", "sin(10^12 x)"),
    ("lhs", "exp(exp(exp(10)))", "x"),
    ("lhs", "exp(exp(exp(exp(10))))", "x"),
    ("lhs", "exp(-exp(exp(10))) + x", "x"),
    ("lhs", "exp(10^10)", "x"),
    ("lhs", "sin(10^300)", "x"),
]


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    assert not (tmp_path / CANARY).exists()
    assert not Path(CANARY).exists()


def test_corpus_is_large_enough():
    assert len(REFUSED) + len(DECIDED) >= 50


@pytest.mark.parametrize("text", REFUSED)
def test_hostile_formula_is_refused_with_a_clear_message(text, sandbox):
    for kwargs in ({"name": "mish", "derivative": text}, {"lhs": text, "rhs": "x"}):
        with pytest.raises(SymactsError) as info:
            verify(kwargs.pop("name", None), **kwargs, time_box=1)
        msg = str(info.value)
        assert msg and len(msg) < 1000 and "Traceback" not in msg


@pytest.mark.parametrize(("_", "lhs", "rhs"), DECIDED)
def test_blow_up_formulas_are_decided_within_the_boxes(_, lhs, rhs, sandbox):
    r = verify(lhs=lhs, rhs=rhs, time_box=1.0, numeric_time_box=5.0)
    assert r.verdict in VERDICTS
    assert r.summary()


def test_obvious_refutations_inside_the_corpus():
    assert verify(lhs="exp(exp(exp(exp(x)))) - 1", rhs="exp(exp(exp(exp(x))))",
                  time_box=1.0, numeric_time_box=5.0).verdict == "refuted"
    # log(x) is undefined for x < 0 where log|x| is not: a refutation, not an exception
    assert verify(lhs="log(x)", rhs="log(abs(x))", time_box=1.0).verdict == "refuted"
    # both sides undefined at the same single point: equal
    assert verify(lhs="1/x", rhs="1/x").verdict == "proved"


@pytest.mark.parametrize("args", [
    ["verify", "mish", "--derivative", TOUCH],
    ["verify", "--lhs", TOUCH, "--rhs", "x"],
    ["verify", "relu", "--derivative", "0", "--where", TOUCH],
    ["verify", "relu", "--derivative", "0", "--where", "x.__class__ < 0"],
    ["verify", "swish", "--derivative", "x", "--param", f"beta={TOUCH}"],
    ["verify", "swish", "--derivative", "x", "--param", "__class__=1"],
    ["verify", "swish", "--derivative", "x", "--param", "beta=1e999"],
    ["verify", "swish", "--derivative", "x", "--param", "beta=nan"],
    ["verify", "__import__('os')", "--derivative", "x"],
    ["verify", "mish", "--derivative", "x", "--order", "10000"],
    ["verify", "mish", "--derivative", "x", "--time-box", "1e9"],
    ["verify", "--lhs", "x", "--rhs", "x", "--param", "x=1", "--derivative", "y"],
])
def test_cli_refuses_hostile_arguments_with_exit_2(args, sandbox, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "error" in err and "Traceback" not in err


def test_restricted_snippet_namespace_has_no_builtins(sandbox):
    from symacts.audit.snippets import load_snippet

    snip = load_snippet(f"def f(x):\n    return open('{CANARY}', 'w')\n", "f")
    with pytest.raises(NameError):
        snip.fn(1.0)
    snip = load_snippet(f"def f(x):\n    return __import__('os').system('touch {CANARY}')\n",
                        "f")
    with pytest.raises(NameError):
        snip.fn(1.0)
    assert os.listdir(sandbox) == []
