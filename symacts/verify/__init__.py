"""Verification of hand-written formulas: ``symacts.verify(...)``, see :mod:`.core`.

``symacts.verify`` is this module made callable, so both ``symacts.verify(...)`` and
``symacts.verify.verify(...)`` work however the package was imported.
"""

from __future__ import annotations

import sys
import types

from .core import (
    EQUAL_EXCEPT,
    EXIT_CODES,
    NUMERICALLY_EQUAL,
    PROVED,
    REFUTED,
    UNKNOWN,
    VERDICTS,
    PointReport,
    VerifyResult,
    VerifyUsageError,
    verify,
)

__all__ = [
    "EQUAL_EXCEPT",
    "EXIT_CODES",
    "NUMERICALLY_EQUAL",
    "PROVED",
    "REFUTED",
    "UNKNOWN",
    "VERDICTS",
    "PointReport",
    "VerifyResult",
    "VerifyUsageError",
    "verify",
]


class _CallableModule(types.ModuleType):
    def __call__(self, *args, **kwargs) -> VerifyResult:
        return verify(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
