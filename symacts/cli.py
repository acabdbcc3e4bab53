"""The ``symacts`` command. Each subcommand lives in ``symacts/commands/<name>.py`` and
defines ``register(subparsers)``, which adds its parser and sets ``func(args) -> int``.

Output into a pipe closed early (``symacts list | head -1``) ends quietly with exit code
141 (128 + SIGPIPE, as a shell reports for other tools), without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import pkgutil
import sys

from . import commands
from .errors import SymactsError

#: exit code after the reader of stdout went away (128 + SIGPIPE)
EXIT_BROKEN_PIPE = 141


def version() -> str:
    """The installed distribution's version, else the package's own ``__version__``."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("symacts")
    except PackageNotFoundError:  # running from a source tree that was never installed
        from . import __version__

        return __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symacts",
        description="Activation functions defined once in SymPy: derivatives, properties, "
        "kernels, formula sheets, plots and verification, all derived from one definition.",
    )
    parser.add_argument("--version", action="version", version=f"symacts {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    try:
        code = _dispatch(argv)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    return code


def _dispatch(argv: list[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors (argparse exits)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (SymactsError, KeyError, ValueError, TypeError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"symacts: error: {message}", file=sys.stderr)
        return 2


def _discard_stdout() -> None:
    """Point stdout at the null device, so that flushing what is left of it at exit does
    not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass  # stdout is not a file descriptor (captured): nothing is left to flush


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
