"""Compiled kernels for activations made at run time (``symacts.define``, modified ones).

The activation's plans go through the same C printer as the catalog's; the C is compiled with
the system compiler (``CC``, default ``cc``) and SLEEF into an extension module cached on disk
(``$SYMACTS_CACHE`` or ``~/.cache/symacts``) under a hash of its source, compiler and flags, so
a second session loads it without compiling. Without a compiler or SLEEF, :func:`compile_kernels`
returns None and the caller uses the NumPy kernels.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import platform
import shlex
import subprocess
import sysconfig
import tempfile
from pathlib import Path
from types import ModuleType

__all__ = ["cache_dir", "compile_kernels"]

CSRC = Path(__file__).resolve().parent / "csrc"
FLAGS = ["-O2", "-g0", "-std=gnu11", "-ffp-contract=off", "-fno-math-errno",
         "-fno-strict-aliasing", "-fPIC", "-DSY_LEAN"]
_LOADED: dict[str, ModuleType] = {}


def cache_dir() -> Path:
    return Path(os.environ.get("SYMACTS_CACHE") or Path.home() / ".cache" / "symacts")


def _units() -> tuple[list[str], list[str]]:
    """The C units to compile and the -D flags that say which are linked: only the instruction
    set the catalog's extension chose on this CPU (it honours ``SYMACTS_SIMD``), or every one
    when the extension is absent."""
    from ._load import compiled_extension

    ext, _ = compiled_extension()
    x86 = platform.machine().lower() in ("x86_64", "amd64")
    isas = [ext.ISA] if ext is not None else ["scalar", *(["avx2", "avx512"] if x86 else [])]
    defines = [f"-DSY_WITH_{i.upper()}={int(i in isas)}" for i in ("scalar", "avx2", "avx512")]
    if ext is not None:
        defines += [f"-DSLEEF_VERSION_MAJOR={ext.SLEEF_VERSION_MAJOR}",
                    f"-DSLEEF_VERSION_MINOR={ext.SLEEF_VERSION_MINOR}"]
    units = ["symacts_module.c", "symacts_pool.c"] + [f"isa_{i}_{d}.c" for i in isas
                                                      for d in ("f32", "f64")]
    return units, defines


def compile_kernels(plan) -> tuple[ModuleType | None, str]:
    """The extension module of one activation plan (compiled or from the cache), or None and
    why not."""
    import numpy

    from ..emit.c_module import c_sources

    sources = c_sources([plan])
    cc = shlex.split(os.environ.get("CC", "cc"))
    runtime = "".join((CSRC / f).read_text() for f in sorted(os.listdir(CSRC)))
    units, defines = _units()
    key = hashlib.sha256("\0".join([*sources.values(), runtime, " ".join(cc + FLAGS + defines),
                                    numpy.__version__, sysconfig.get_config_var("SOABI") or ""]
                                   ).encode()).hexdigest()[:20]
    name = f"symacts_user_{key}"
    if name in _LOADED:
        return _LOADED[name], "cached"
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    target = cache_dir() / (name + suffix)
    if not target.is_file():
        try:
            _build(sources, cc + defines, units, name, target)
        except (OSError, subprocess.CalledProcessError) as exc:
            detail = getattr(exc, "stderr", "") or str(exc)
            return None, f"compiling failed ({detail.strip().splitlines()[-1] if detail else exc})"
    spec = importlib.util.spec_from_file_location(name, target)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.__source__ = sources["symacts_kernels.inc"]
    _LOADED[name] = mod
    return mod, "compiled"


def _build(sources: dict[str, str], cc: list[str], units: list[str], name: str,
           target: Path) -> None:
    import numpy

    target.parent.mkdir(parents=True, exist_ok=True)
    inc = ["-I" + p for p in (str(CSRC), numpy.get_include(), sysconfig.get_paths()["include"])]
    with tempfile.TemporaryDirectory() as tmp:
        for fname, text in sources.items():
            Path(tmp, fname).write_text(text, encoding="utf-8")
        objs, jobs = [], []
        for unit in units:  # the units compile side by side, one process each
            obj = str(Path(tmp, unit + ".o"))
            cmd = [*cc, *FLAGS, f"-DSY_MODULE={name}", "-I" + tmp, *inc, "-c",
                   str(CSRC / unit), "-o", obj]
            jobs.append((cmd, subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                               stderr=subprocess.PIPE, text=True)))
            objs.append(obj)
        for cmd, job in jobs:
            out, err = job.communicate()
            if job.returncode:
                raise subprocess.CalledProcessError(job.returncode, cmd, out, err)
        part = target.with_name(f".{target.name}.{os.getpid()}")
        subprocess.run([*cc, "-shared", *objs, "-lsleef", "-lpthread", "-o", str(part)], check=True,
                       capture_output=True, text=True)
        os.replace(part, target)  # atomic: a concurrent loader sees all or nothing
