"""Peak additional memory of one call, two ways.

* ``tracemalloc``: NumPy reports every array buffer to tracemalloc, so the traced peak during the
  call minus the traced size before it is exactly the NumPy memory the call needed (outputs
  included). Blind to PyTorch's allocator.
* RSS high-water mark: reset the kernel's peak-RSS counter (``/proc/self/clear_refs`` ← 5, Linux
  ≥ 4.0), call, read ``VmHWM`` minus ``VmRSS`` before. Sees every allocator (PyTorch included) but
  undercounts memory the C heap already holds from earlier calls (small scratch reused), so
  :func:`force_mmap` first makes glibc map every allocation ≥ 64 KiB afresh and unmap it on free.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_STATUS = "/proc/self/status"


@dataclass
class MemUse:
    """Bytes: traced NumPy peak, RSS peak (None if unavailable), and the outputs' size."""

    traced: int
    rss: int | None
    outputs: int


def _status_kb(field: str) -> int:
    with open(_STATUS) as fh:
        m = re.search(rf"^{field}:\s+(\d+) kB", fh.read(), re.M)
    return int(m.group(1)) * 1024 if m else 0


def _reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def force_mmap(threshold: int = 1 << 16) -> bool:
    """glibc ``mallopt``: allocations ≥ threshold get their own mapping, returned on free.

    Makes the RSS high-water mark see every large temporary, also ones the heap would have
    recycled. Slows allocation; use only for the memory pass (it lasts for the process).
    """
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        m_trim_threshold, m_mmap_threshold = -1, -3
        ok = libc.mallopt(m_mmap_threshold, threshold) == 1
        libc.mallopt(m_trim_threshold, threshold)
        return ok
    except (OSError, AttributeError):
        return False


def nbytes(result: Any) -> int:
    """Total size of the arrays / tensors in a result (tuples added up)."""
    if isinstance(result, (tuple, list)):
        return sum(nbytes(r) for r in result)
    if hasattr(result, "nbytes") and not callable(result.nbytes):
        return int(result.nbytes)
    if hasattr(result, "element_size"):
        return int(result.element_size() * result.nelement())
    return 0


def measure(fn: Callable[[], Any]) -> MemUse:
    """Peak additional memory of ``fn()`` (call after :func:`tracemalloc.start`)."""
    started = tracemalloc.is_tracing()
    if not started:
        tracemalloc.start()
    try:
        rss_ok = _reset_hwm()
        rss0 = _status_kb("VmRSS")
        tracemalloc.reset_peak()
        traced0 = tracemalloc.get_traced_memory()[0]
        result = fn()
        traced = tracemalloc.get_traced_memory()[1] - traced0
        rss = _status_kb("VmHWM") - rss0 if rss_ok else None
        out = nbytes(result)
        del result
    finally:
        if not started:
            tracemalloc.stop()
    return MemUse(traced, rss, out)
