"""Code generation: kernel plans (the IR) and their printers.

``plan_activation(act)`` stabilises an activation's outputs and plans each kernel
(:mod:`~symacts.emit.planner`, nodes and plans in :mod:`~symacts.emit.ir`); printers turn plans
into source: :mod:`~symacts.emit.numpy_printer` and :mod:`~symacts.emit.numpy_module` (the
standalone NumPy module, with the helpers of :mod:`~symacts.emit.prelude`).
"""

from __future__ import annotations

from .ir import EmitError, KernelPlan
from .numpy_module import catalog_module_source, compile_activation, module_source
from .numpy_printer import NumpyPrinter, compile_expression
from .planner import ActivationPlan, plan_activation

__all__ = [
    "ActivationPlan",
    "EmitError",
    "KernelPlan",
    "NumpyPrinter",
    "catalog_module_source",
    "compile_activation",
    "compile_expression",
    "module_source",
    "plan_activation",
]
