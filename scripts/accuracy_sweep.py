#!/usr/bin/env python3
"""Full accuracy sweep of the generated kernels; writes generated/ACCURACY.md.

    python scripts/accuracy_sweep.py                 # every catalog activation
    python scripts/accuracy_sweep.py mish gelu       # some, printed only
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from steps.accuracy_report import report_markdown, run  # noqa: E402
from steps.defined_examples import DEFINED  # noqa: E402

from symacts.registry import all_activations  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("names", nargs="*")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "generated" / "ACCURACY.md"))
    args = ap.parse_args()
    names = args.names or [*[a.name for a in all_activations() if not a.user_defined],
                           *DEFINED]
    t0 = time.perf_counter()
    results = run(names, args.workers)
    from symacts import kernels

    meta = (f"Machine: {platform.machine()}, Python {platform.python_version()}, "
            f"NumPy {np.__version__}. Kernels: {kernels.BACKEND} backend "
            f"({kernels.BACKEND_REASON}).")
    text = report_markdown(results, meta)
    if args.names:
        print(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(text.split("## Per activation")[0])
        print(f"wrote {args.out} in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
