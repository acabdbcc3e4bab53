"""Find and import the generated kernel module (source tree, installed copy, or env var)."""

from __future__ import annotations

import importlib
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


def load_compiled(numpy_module: ModuleType) -> tuple[ModuleType | None, str]:
    """The compiled extension if it should serve, and why it does or does not.

    ``SYMACTS_BACKEND=numpy`` declines it; ``SYMACTS_BACKEND=compiled`` raises ImportError
    unless it loads and matches the NumPy module's kernels (same names, same parameters).
    """
    want = os.environ.get("SYMACTS_BACKEND", "").strip().lower()
    if want not in ("", "numpy", "compiled"):
        raise ImportError(f"SYMACTS_BACKEND must be 'numpy' or 'compiled', got {want!r}")
    if want == "numpy":
        return None, "SYMACTS_BACKEND=numpy"
    ext, reason = compiled_extension()
    if ext is not None:
        import json

        meta = json.loads(ext.METADATA)
        mine = {n: [p[0] for p in e["params"]] for n, e in meta.items()}
        theirs = {n: list(f.__code__.co_varnames[1:f.__code__.co_kwonlyargcount + 1])
                  for n, (f, _, _) in numpy_module.KERNELS.items()}
        theirs = {n: [v for v in vs if v not in ("training", "rng", "threads", "out")]
                  for n, vs in theirs.items()}
        if mine != theirs:
            ext, reason = None, ("the compiled kernels are stale (their activations differ "
                                 "from generated/symacts_kernels.py): rebuild with pip install")
        else:
            reason = f"compiled kernels ({ext.ISA}, SLEEF {ext.SLEEF_VERSION_MAJOR}."\
                     f"{ext.SLEEF_VERSION_MINOR})"
    if ext is None and want == "compiled":
        raise ImportError(f"SYMACTS_BACKEND=compiled but {reason}")
    return ext, reason


def compiled_extension() -> tuple[ModuleType | None, str]:
    """The extension module, or None and why it is not there."""
    name = __name__.rsplit(".", 1)[0] + "._compiled"
    if importlib.util.find_spec(name) is None:
        return None, ("the compiled kernels are not built (pip install with a C compiler and "
                      "SLEEF, libsleef-dev, builds them)")
    try:
        return importlib.import_module(name), "built"
    except ImportError as exc:
        return None, f"the compiled kernels do not load ({exc})"
