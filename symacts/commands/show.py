"""``symacts show NAME``: definition and derivative, in Unicode or LaTeX."""

from __future__ import annotations

from ..registry import get
from ..text import to_pretty
from .common import add_param_option, parse_param_pairs


def register(sub) -> None:
    p = sub.add_parser(
        "show", help="show an activation and its derivative",
        description="Print the definition and a derivative (compact form) of an activation.",
    )
    p.add_argument("name", help="activation name or alias")
    p.add_argument("--order", type=int, default=1, help="derivative order (default 1)")
    p.add_argument("--wrt", default=None, help="differentiate with respect to this parameter")
    add_param_option(p)
    p.add_argument("--latex", action="store_true", help="print LaTeX instead of Unicode")
    p.add_argument("--properties", action="store_true",
                   help="also print the derived properties (range, monotonicity, smoothness, ...)")
    p.set_defaults(func=run)


def run(args) -> int:
    act = get(args.name)
    values = parse_param_pairs(args.param)
    if values:
        act = act.bind(**values)
    var = args.wrt or "x"
    mark = "'" * args.order if args.order <= 3 and args.wrt is None else f"^({args.order})"
    dname = f"f{mark}(x)" if args.wrt is None else f"∂^{args.order}f/∂{var}^{args.order}"
    if args.wrt is not None and args.order == 1:
        dname = f"∂f/∂{var}"
    params = ", ".join(f"{k}={v:g}" for k, v in act.params.items())
    print(f"{act.name}" + (f"  ({', '.join(act.aliases)})" if act.aliases else ""))
    if params:
        print(f"parameters: {params}")
    if act.paper:
        print(f"paper: {act.paper}")
    if args.latex:
        print(f"f(x) = {act.latex()}")
        print(f"{dname} = {act.derivative_latex(args.order, args.wrt)}")
    else:
        print("f(x) =")
        print(_indent(to_pretty(act.display_definition())))
        print(f"{dname} =")
        print(_indent(to_pretty(act.display_derivative(args.order, args.wrt))))
    if act.kinks and args.wrt is None and args.order == 1:
        shown = ", ".join(f"f'({k}) = {v}" for k, v in act.kink_values().items())
        print(f"at kinks: {shown}")
    if args.properties:
        print("properties:")
        print(_indent(act.properties().to_text()))
    return 0


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
