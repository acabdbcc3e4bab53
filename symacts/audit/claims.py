"""Loading and validating the transcription of the tutorial's claims."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

CLAIMS_PATH = Path(__file__).resolve().parent.parent / "data" / "tutorial_claims.toml"

KINDS = (
    "text formula",
    "numpy code for f",
    "numpy code for f'",
    "stated property",
    "not checkable",
)
PROPERTIES = (
    "range", "derivative_undefined_at", "derivative_nonzero_positive",
    "derivative_zero_negative", "derivative_nonzero_negative", "not_zero_centred",
    "saturates_left_not_right", "unbounded_above", "bounded_below", "smooth", "non_monotonic",
)


class ClaimsError(ValueError):
    """The transcription file is malformed."""


def load_claims(path: Path = CLAIMS_PATH) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(source metadata, claims) from the TOML file, checked for required fields."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    claims = data.get("claim", [])
    ids = set()
    for c in claims:
        for key in ("id", "section", "line", "kind", "quote"):
            if key not in c:
                raise ClaimsError(f"claim {c.get('id', '?')} lacks {key!r}")
        if c["id"] in ids:
            raise ClaimsError(f"duplicate claim id {c['id']!r}")
        ids.add(c["id"])
        if c["kind"] not in KINDS:
            raise ClaimsError(f"claim {c['id']}: unknown kind {c['kind']!r}")
        if c["kind"] == "stated property" and c.get("property") not in PROPERTIES:
            raise ClaimsError(f"claim {c['id']}: unknown property {c.get('property')!r}")
        if c["kind"].startswith("numpy") and not ("code" in c and "function" in c):
            raise ClaimsError(f"claim {c['id']}: code claims need code and function")
        if c["kind"] == "not checkable" and "reason" not in c:
            raise ClaimsError(f"claim {c['id']}: say why it is not checkable")
    for c in claims:
        if "pair" in c and c["pair"] not in ids:
            raise ClaimsError(f"claim {c['id']}: pair {c['pair']!r} is not a claim id")
    return data.get("source", {}), claims
