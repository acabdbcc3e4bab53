"""The tutorial audit: every claim of the seed tutorial, checked by the engine.

The claims are data (``symacts/data/tutorial_claims.toml``, one entry per claim with the seed's
line). :func:`run_audit` checks each one — formulas with :func:`symacts.verify`, the NumPy code
by running the transcribed snippet over the accuracy sweep, stated properties numerically —
and :func:`render` writes the Markdown report ``generated/AUDIT.md``.
"""

from __future__ import annotations

from .checks import AuditEntry, check_claims, run_audit
from .claims import CLAIMS_PATH, load_claims
from .report import render

__all__ = ["CLAIMS_PATH", "AuditEntry", "check_claims", "load_claims", "render", "run_audit"]
