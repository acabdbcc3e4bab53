"""Errors raised to users: each names the problem in plain words."""

from __future__ import annotations


class SymactsError(Exception):
    """Base class of every error symacts raises on purpose."""


class UnknownActivationError(SymactsError, KeyError):
    """No activation of that name; the message suggests close matches."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class ParameterError(SymactsError, ValueError):
    """A parameter is unknown or outside its domain."""


class FormulaError(SymactsError, ValueError):
    """A formula string is malformed, unsafe or uses something not allowed.

    ``column`` is the 1-based column of the problem when known.
    """

    def __init__(self, message: str, source: str | None = None, column: int | None = None):
        self.message = message
        self.source = source
        self.column = column
        text = message
        if source is not None and column is not None and len(source) <= 200:
            pointer = " " * (column - 1) + "^"
            text = f"{message} (column {column})\n  {source}\n  {pointer}"
        elif column is not None:
            text = f"{message} (column {column})"
        super().__init__(text)


class DerivationError(SymactsError, ValueError):
    """A derivative was requested that cannot be formed (bad order, unknown parameter)."""


class KernelAccuracyWarning(UserWarning):
    """A compiled kernel missed the accuracy target somewhere; the message names where."""
