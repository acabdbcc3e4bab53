"""``symacts verify``: is a hand-written formula (or NumPy implementation) right?

Exit codes: 0 proved / numerically equal; 1 refuted / equal except at points; 2 bad input;
3 unknown.
"""

from __future__ import annotations

import argparse
import json
import sys

from .common import add_param_option, parse_param_pairs

EPILOG = """\
examples:
  symacts verify softsign --derivative "1 - f^2"
  symacts verify swish --derivative "beta f + sigmoid(beta x)(1 - beta f)"
  symacts verify mish --derivative "sech(softplus(x))^2 x sigmoid(x) + f/x"
  symacts verify relu --function "max(0, x)"
  symacts verify elu --derivative "f + alpha" --where "x < 0"
  symacts verify swish --derivative "x^2 sigmoid(beta x)(1 - sigmoid(beta x))" --wrt beta
  symacts verify selu --derivative "λ if x > 0 else λ α e^x"
  symacts verify --lhs "1 - tanh(x)^2" --rhs "sech(x)^2"
  symacts verify mish --numpy my_kernels.py:mish_grad --which grad

formulas: x, parameters by name (Greek letters too: β, α, λ = lambd or lambda), the
activation's constants (SELU's λ and α), f (the activation itself), + - * / ^, implicit
products (2x, 2f, x sigmoid(x)), exp, e^x, ln/log, log10, sqrt, abs, tanh, sech, sigmoid,
softplus, erf, Phi, phi, max, min, catalog activations, and piecewise "1 if x > 0 else 0.01".

exit codes: 0 proved / numerically equal, 1 refuted / equal except at points,
2 bad input, 3 unknown."""


def register(sub) -> None:
    p = sub.add_parser(
        "verify", help="check a hand-written formula or NumPy implementation",
        description="Check a claimed derivative, definition or identity against the truth: "
        "a symbolic proof, or high-precision sampling with a counterexample and the correct "
        "formula.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("name", nargs="?", help="activation name or alias")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--derivative", metavar="EXPR", help="claimed derivative")
    what.add_argument("--function", metavar="EXPR", help="claimed definition")
    what.add_argument("--numpy", metavar="FILE.py:FUNC",
                      help="check a NumPy implementation (IMPORTS AND RUNS FILE.py)")
    p.add_argument("--lhs", metavar="EXPR", help="left-hand side of an identity")
    p.add_argument("--rhs", metavar="EXPR", help="right-hand side of an identity")
    p.add_argument("--order", type=int, default=1, help="derivative order (default 1)")
    p.add_argument("--wrt", metavar="PARAM",
                   help="with --derivative: the claim is the derivative with respect to the "
                   "parameter PARAM (default: x)")
    p.add_argument("--where", metavar="COND",
                   help="compare only where COND holds, e.g. --where \"x < 0\"")
    p.add_argument("--which", choices=("f", "grad"), default="f",
                   help="with --numpy: the function implements f or f' (default f)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64",
                   help="with --numpy: input dtype (default float64)")
    add_param_option(p)
    p.add_argument("--time-box", type=float, default=5.0, metavar="SECONDS",
                   help="seconds for the symbolic layer (default 5)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..errors import FormulaError

    params = parse_param_pairs(args.param)
    if args.numpy:
        return _run_numpy(args, params)
    if args.time_box < 0 or args.time_box > 600:
        raise FormulaError("--time-box must be between 0 and 600 seconds")
    from ..verify import verify

    result = verify(
        args.name, derivative=args.derivative, function=args.function,
        lhs=args.lhs, rhs=args.rhs, order=args.order, params=params or None,
        time_box=args.time_box, where=args.where, wrt=args.wrt,
    )
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(result.summary())
    return result.exit_code


def _run_numpy(args, params) -> int:
    from ..verify.numpy_check import check_numpy

    if not args.name:
        from ..verify import VerifyUsageError

        raise VerifyUsageError("--numpy needs an activation name: symacts verify NAME --numpy "
                               "FILE.py:FUNC")
    print(f"note: --numpy imports and runs {args.numpy.rpartition(':')[0]!r} "
          "(arbitrary Python code); use it only on files you trust", file=sys.stderr)
    report = check_numpy(args.name, args.numpy, which=args.which, dtype=args.dtype,
                         params=params or None)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.summary())
    return report.exit_code
