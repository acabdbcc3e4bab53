"""``symacts sheet``: the formula sheet as PDF (via pdflatex), LaTeX or Markdown."""

from __future__ import annotations

from .plot import add_define_option, apply_defines


def register(sub) -> None:
    p = sub.add_parser(
        "sheet", help="write a formula sheet (PDF, LaTeX or Markdown)",
        description="Write a formula sheet: per activation the definition, f', parameter "
        "gradients, the values at kinks, properties, a plot and the paper. tex and md also "
        "write the figures they show (DIR/plots/NAME.png). Existing files are never "
        "overwritten unless --force.",
    )
    p.add_argument("--format", choices=("pdf", "tex", "md"), default="pdf",
                   help="output format (default pdf; needs pdflatex)")
    p.add_argument("--only", action="append", metavar="NAME,...",
                   help="only these activations (comma-separated, repeatable)")
    p.add_argument("--out", default=".", metavar="DIR", help="output folder (default .)")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    add_define_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..sheets import write

    defined = apply_defines(args.define)
    only = None
    if args.only:
        only = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
    elif defined:
        only = None  # every activation, the defined ones included
    for path in write(args.out, formats=(args.format,), only=only, force=args.force):
        print(path)
    return 0
