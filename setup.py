"""Build of the optional compiled kernels (everything else is in pyproject.toml).

The extension ``symacts.kernels._compiled`` compiles the printed C in ``generated/c/`` with the
hand-written runtime in ``symacts/kernels/csrc/`` against NumPy's C API and the system SLEEF
(Debian/Ubuntu: ``apt-get install libsleef-dev``). Without a C compiler, without SLEEF, or when
the build fails, the install goes on without it (one line says why) and the NumPy kernels
serve. ``SYMACTS_NO_COMPILE=1`` skips the build.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
CSRC = Path("symacts") / "kernels" / "csrc"
GENERATED = Path("generated") / "c"
X86 = platform.machine().lower() in ("x86_64", "amd64")
ISAS = ["scalar", *(["avx2", "avx512"] if X86 else [])]
SOURCES = [str(CSRC / "symacts_module.c"), str(CSRC / "symacts_pool.c")] + [
    str(CSRC / f"isa_{isa}_{dt}.c") for isa in ISAS for dt in ("f32", "f64")]
FLAGS = ["-O2", "-g0", "-std=gnu11", "-ffp-contract=off", "-fno-math-errno", "-fno-strict-aliasing"]

SLEEF_PROBE = """#include <sleef.h>
int main(void) { volatile double x = 1.0; return Sleef_exp_u10(x) > 2.0 ? 0 : 1; }
"""


def say(message: str) -> None:
    print(f"symacts: {message}", file=sys.stderr, flush=True)


class OptionalBuildExt(build_ext):
    """Builds the compiled kernels if it can (sources compiled in parallel); never fails."""

    def run(self) -> None:
        if os.environ.get("SYMACTS_NO_COMPILE"):
            self._drop_stale()
            say("compiled kernels skipped (SYMACTS_NO_COMPILE); the NumPy kernels serve")
            return
        try:
            self._probe()
            super().run()
        except Exception as exc:  # any failure leaves the NumPy backend serving
            self._drop_stale()
            text = str(exc).strip()
            reason = text.splitlines()[-1] if text else type(exc).__name__
            say(f"compiled kernels not built ({reason}); the NumPy kernels serve")

    def _drop_stale(self) -> None:
        """No extension left from an earlier build (it would serve kernels this build lacks)."""
        for ext in self.extensions:
            self._drop_stale_one(ext)

    def _drop_stale_one(self, ext: Extension) -> None:
        path = Path(self.get_ext_fullpath(ext.name))
        if path.is_file():
            path.unlink()

    def _probe(self) -> None:
        from setuptools._distutils.ccompiler import new_compiler
        from setuptools._distutils.sysconfig import customize_compiler

        cc = new_compiler(compiler=self.compiler, force=True)
        customize_compiler(cc)
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "probe.c"
            src.write_text(SLEEF_PROBE)
            try:
                objs = cc.compile([str(src)], output_dir=tmp)
            except Exception as exc:
                raise RuntimeError("no C compiler, or no sleef.h: install libsleef-dev") from exc
            try:
                cc.link_executable(objs, "probe", output_dir=tmp, libraries=["sleef"])
            except Exception as exc:
                raise RuntimeError("cannot link -lsleef: install libsleef-dev") from exc

    def finalize_options(self) -> None:
        super().finalize_options()
        import numpy

        for ext in self.extensions:
            ext.include_dirs.append(numpy.get_include())

    def build_extension(self, ext: Extension) -> None:
        """The sources in parallel (one per core), then one link."""
        if ext.name == OPENMP:
            try:
                return super().build_extension(ext)
            except Exception as exc:  # the kernels serve without it, on their own threads
                self._drop_stale_one(ext)
                text = str(exc).strip()
                say(f"OpenMP runner not built ({text.splitlines()[-1] if text else exc}); "
                    "symacts.torch's kernels use their own threads")
                return None
        objects: list[str] = []
        jobs = max(1, min(len(ext.sources), os.cpu_count() or 1))
        macros = [*ext.define_macros]

        def one(src: str) -> list[str]:
            return self.compiler.compile([src], output_dir=self.build_temp, macros=macros,
                                         include_dirs=ext.include_dirs,
                                         extra_postargs=ext.extra_compile_args)

        with ThreadPoolExecutor(jobs) as pool:
            for objs in pool.map(one, ext.sources):
                objects += objs
        path = self.get_ext_fullpath(ext.name)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.compiler.link_shared_object(objects, path, libraries=ext.libraries,
                                         extra_postargs=ext.extra_link_args,
                                         export_symbols=self.get_export_symbols(ext),
                                         build_temp=self.build_temp,
                                         target_lang="c")
        say(f"compiled kernels built ({', '.join(ISAS)})")


OPENMP = "symacts.kernels._openmp"


setup(
    ext_modules=[Extension(
        "symacts.kernels._compiled", sources=SOURCES,
        include_dirs=[str(GENERATED), str(CSRC)], libraries=["sleef", "pthread"],
        extra_compile_args=FLAGS, optional=True),
        Extension(OPENMP, sources=[str(CSRC / "symacts_openmp.c")], include_dirs=[str(CSRC)],
                  extra_compile_args=[*FLAGS, "-fopenmp"], extra_link_args=["-fopenmp"],
                  optional=True)],
    cmdclass={"build_ext": OptionalBuildExt},
)
