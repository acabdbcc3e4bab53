"""``symacts show NAME``: definition and derivative, in Unicode or LaTeX."""

from __future__ import annotations

from ..errors import ParameterError
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
    print("\n".join(render(args)))
    return 0


def render(args) -> list[str]:
    """The lines ``show`` prints, all computed first: bad input raises before any output."""
    act = get(args.name)
    values = parse_param_pairs(args.param)
    if args.wrt is not None and args.wrt in values:
        raise ParameterError(
            f"--wrt {args.wrt}: {args.wrt} is fixed by --param {args.wrt}={values[args.wrt]}; "
            "differentiate with respect to a free parameter")
    if args.wrt is not None and args.wrt != "x":
        act.param(args.wrt)  # names the parameters when there is no such one
    if values:
        act = act.bind(**values)
    wrt = None if args.wrt in (None, "x") else args.wrt
    derivative = (act.derivative_latex(args.order, wrt) if args.latex
                  else to_pretty(act.display_derivative(args.order, wrt)))
    mark = "'" * args.order if args.order <= 3 and wrt is None else f"^({args.order})"
    dname = f"f{mark}(x)" if wrt is None else f"∂^{args.order}f/∂{wrt}^{args.order}"
    if wrt is not None and args.order == 1:
        dname = f"∂f/∂{wrt}"
    params = ", ".join(f"{k}={v:g}" for k, v in act.params.items())
    lines = [f"{act.name}" + (f"  ({', '.join(act.aliases)})" if act.aliases else "")]
    if params:
        lines.append(f"parameters: {params}")
    if act.paper:
        lines.append(f"paper: {act.paper}")
    if args.latex:
        lines += [f"f(x) = {act.latex()}", f"{dname} = {derivative}"]
    else:
        lines += ["f(x) =", _indent(to_pretty(act.display_definition())), f"{dname} =",
                  _indent(derivative)]
    if act.kinks and wrt is None and args.order == 1:
        shown = ", ".join(f"f'({k}) = {v}" for k, v in act.kink_values().items())
        lines.append(f"at kinks: {shown}")
    if args.properties:
        lines += ["properties:", _indent(act.properties().to_text())]
    return lines


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
