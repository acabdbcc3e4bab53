#!/usr/bin/env python3
"""Cold derivation time per activation: f', its display form, and every ∂f/∂param.

    python scripts/derive_timing.py

Prints a table and the total; bounds: 5 s per activation, 60 s for the whole catalog.
Run in a fresh process so that nothing is cached.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PER_ACTIVATION = 5.0
CATALOG = 60.0


def main() -> int:
    t0 = time.perf_counter()
    import symacts

    names = symacts.names()
    load = time.perf_counter() - t0
    rows = []
    for name in names:
        act = symacts.get(name)
        start = time.perf_counter()
        act.derivative(1)
        d1 = time.perf_counter() - start
        act.display_derivative(1)
        disp = time.perf_counter() - start - d1
        for p in act.param_specs:
            act.derivative(1, wrt=p.name)
            act.display_derivative(1, wrt=p.name)
        rows.append((name, d1, disp, time.perf_counter() - start, len(act.param_specs)))
    total = time.perf_counter() - t0
    print(f"{'activation':<22}{'f′ (s)':>9}{'display (s)':>13}{'all (s)':>9}{'params':>8}")
    for name, d1, disp, allt, n in rows:
        print(f"{name:<22}{d1:>9.3f}{disp:>13.3f}{allt:>9.3f}{n:>8}")
    worst = max(rows, key=lambda r: r[3])
    print(f"\nimport + catalog: {load:.2f} s; total {total:.2f} s for {len(rows)} activations; "
          f"slowest {worst[0]} {worst[3]:.2f} s")
    ok = worst[3] <= PER_ACTIVATION and total <= CATALOG
    print(f"bounds (≤ {PER_ACTIVATION:g} s each, ≤ {CATALOG:g} s total): "
          + ("met" if ok else "NOT met"))
    # a second pass is served from the cache
    start = time.perf_counter()
    for name in names:
        symacts.get(name).display_derivative(1)
    print(f"cached second pass: {1e3 * (time.perf_counter() - start):.2f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
