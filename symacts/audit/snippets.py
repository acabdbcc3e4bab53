"""Running the transcribed NumPy snippets: restricted namespace, nothing but ``np``.

The snippets are data written for the audit (the tutorial's code, re-indented). They are
compiled and executed in a namespace holding only ``np`` and no builtins; before any call the
code is inspected for unreachable statements and for global names it reads but does not define
(the tutorial's Swish helper ``s(x)`` reads a global ``b``).
"""

from __future__ import annotations

import ast
import dis
import types
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Snippet:
    fn: Any = None
    syntax_error: str = ""
    findings: list[str] = field(default_factory=list)


def _unreachable(tree: ast.AST, source: str) -> list[str]:
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        for i, stmt in enumerate(node.body):
            if isinstance(stmt, ast.Return) and i + 1 < len(node.body):
                dead = ast.get_source_segment(source, node.body[i + 1]) or "..."
                out.append(f"`{node.name}`: `{dead.strip()}` after `return` is never reached")
                break
    return out


def _global_reads(fn: types.FunctionType) -> set[str]:
    return {ins.argval for ins in dis.get_instructions(fn) if ins.opname == "LOAD_GLOBAL"}


def load_snippet(code: str, function: str, globals_: dict[str, Any] | None = None) -> Snippet:
    """Compile and run ``code`` in a restricted namespace; return ``function`` and findings."""
    snip = Snippet()
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        line = (exc.text or "").strip()
        snip.syntax_error = f"SyntaxError: {exc.msg}: `{line}`"
        return snip
    snip.findings += _unreachable(tree, code)
    namespace: dict[str, Any] = {"__builtins__": {}, "np": np}
    exec(compile(tree, "<tutorial snippet>", "exec"), namespace)  # audit data, see docstring
    fn = namespace.get(function)
    if not isinstance(fn, types.FunctionType):
        snip.syntax_error = f"the snippet defines no function {function!r}"
        return snip
    funcs = [v for v in namespace.values() if isinstance(v, types.FunctionType)]
    missing = sorted({n for f in funcs for n in _global_reads(f)} - set(namespace))
    for name in missing:
        given = (globals_ or {}).get(name)
        try:
            fn(np.array([1.0]))
            effect = ""
        except NameError as exc:
            effect = f"; called on its own it raises NameError ({exc})"
        where = f" (the tutorial's main block sets {name} = {given})" if given is not None else ""
        snip.findings.append(f"reads the global name `{name}`, which it does not define"
                             f"{where}{effect}")
    namespace.update(globals_ or {})
    snip.fn = fn
    return snip
