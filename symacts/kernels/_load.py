"""Find and import the generated kernel module (source tree, installed copy, or env var)."""

from __future__ import annotations

import importlib.util
import os
import site
import sys
import sysconfig
from pathlib import Path
from types import ModuleType

MODULE = "symacts_kernels"
FILENAME = MODULE + ".py"


def candidates() -> list[Path]:
    """Where the generated module may be, in order of preference."""
    out = []
    env = os.environ.get("SYMACTS_KERNELS")
    if env:
        out.append(Path(env))
    here = Path(__file__).resolve().parent
    out.append(here.parent.parent / "generated" / FILENAME)  # source tree / editable install
    # normal install: a data file under <prefix>/share/symacts (or the user base for --user)
    for base in (sysconfig.get_path("data"), sys.prefix, site.getuserbase()):
        p = Path(base) / "share" / "symacts" / FILENAME
        if p not in out:
            out.append(p)
    return out


def load_generated() -> ModuleType:
    """Import the generated module once (cached in ``sys.modules``)."""
    if MODULE in sys.modules:
        return sys.modules[MODULE]
    for path in candidates():
        if path.is_file():
            spec = importlib.util.spec_from_file_location(MODULE, path)
            mod = importlib.util.module_from_spec(spec)
            sys.modules[MODULE] = mod
            spec.loader.exec_module(mod)
            return mod
    tried = ", ".join(str(p) for p in candidates())
    raise ImportError(
        f"generated kernels not found (tried {tried}); run `python scripts/regenerate.py`"
    )
