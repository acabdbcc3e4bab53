"""Benchmark harness for the generated kernels (``scripts/bench_kernels.py``).

Modules: :mod:`.baselines` (the tutorial's NumPy code, naive ``lambdify``), :mod:`.torch_ops`
(PyTorch forward, autograd and ``aten`` backward per activation), :mod:`.timing` (interleaved
median timing), :mod:`.memory` (peak additional memory), :mod:`.runner` (one full run →
records), :mod:`.targets` (the performance targets, met / not met), :mod:`.report` (tables and
``BENCHMARKS.md``). Nothing here is imported by the kernels or the core; PyTorch is optional.
"""
