"""Helpers shared by subcommands (not itself a subcommand)."""

from __future__ import annotations

import argparse

from ..errors import ParameterError


def register(sub) -> None:  # discovered like a command module; adds nothing
    return None


def parse_param_pairs(pairs: list[str] | None) -> dict[str, str]:
    """``["beta=2", "alpha=0.5"]`` → ``{"beta": "2", "alpha": "0.5"}``."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ParameterError(f"--param expects NAME=VALUE, got {pair!r}")
        out[name.strip()] = value.strip()
    return out


def add_param_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--param", action="append", metavar="NAME=VALUE",
        help="fix a parameter, e.g. --param beta=2 (repeatable)",
    )
