"""Code generation: the strict NumPy printer and the kernel module it writes."""

from __future__ import annotations

from .kernels import KernelSpec, kernel_source, kernel_spec, module_source
from .printer import EmitError, NumpyPrinter
from .source import catalog_module_source, compile_activation

__all__ = [
    "EmitError",
    "KernelSpec",
    "NumpyPrinter",
    "catalog_module_source",
    "compile_activation",
    "kernel_source",
    "kernel_spec",
    "module_source",
]
