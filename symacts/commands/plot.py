"""``symacts plot NAME``: f and f' side by side, written to PNG, SVG or PDF."""

from __future__ import annotations

import re

from ..activation import Activation
from ..errors import FormulaError
from .common import add_param_option, parse_param_pairs

_DEFINE = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(?:\(([^()]*)\))?\s*=\s*(\S.*)$", re.S)


def add_define_option(parser) -> None:
    parser.add_argument(
        "--define", action="append", metavar="NAME[(p=v,...)]=FORMULA",
        help="define an activation for this command, e.g. "
        "--define 'my_act(b=1)=x*tanh(softplus(b*x))' (repeatable)",
    )


def apply_defines(items: list[str] | None) -> list[Activation]:
    """Register each ``NAME[(p=v, ...)]=FORMULA`` with :func:`symacts.define`."""
    from ..userdef import define

    out = []
    for item in items or []:
        m = _DEFINE.match(item)
        if not m:
            raise FormulaError(
                f"--define expects NAME=FORMULA or NAME(p=v,...)=FORMULA, got {item!r}")
        name, params_text, formula = m.groups()
        pairs = [p for p in (params_text or "").split(",") if p.strip()]
        params = parse_param_pairs(pairs)
        out.append(define(name, formula, params=params or None, replace=True))
    return out


def register(sub) -> None:
    p = sub.add_parser(
        "plot", help="plot an activation and its derivative",
        description="Plot f and its derivative side by side (axes through the origin), "
        "evaluated from the definition. Writes PNG, SVG or PDF by the file suffix; never "
        "overwrites an existing file unless --force.",
    )
    p.add_argument("name", help="activation name or alias (or one given with --define)")
    p.add_argument("--range", nargs=2, type=float, metavar=("A", "B"),
                   help="x range (default: the activation's plot range)")
    p.add_argument("--order", type=int, default=1, help="derivative order (default 1)")
    add_param_option(p)
    p.add_argument("--out", metavar="FILE", help="output file (default NAME.png)")
    p.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="language of titles and labels (zh needs a CJK font)")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    add_define_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..plots import plot, resolve

    apply_defines(args.define)
    act = resolve(args.name)
    out = args.out or f"{act.name}.png"
    path = plot(act, x_range=args.range, order=args.order,
                params=parse_param_pairs(args.param), lang=args.lang, out=out,
                force=args.force)
    print(path)
    return 0
