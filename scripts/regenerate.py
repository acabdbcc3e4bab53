#!/usr/bin/env python3
"""Rebuild everything in generated/ from the catalog.

    python scripts/regenerate.py            # write generated/
    python scripts/regenerate.py --check    # exit 1 naming the stale files (text outputs are
                                            # compared byte for byte; PNG/PDF must exist)
    python scripts/regenerate.py --only derivation   # steps whose title contains the word
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from steps import Progress, steps  # noqa: E402

GENERATED = ROOT / "generated"
#: rendered from text outputs that are compared byte for byte (PNG from the same figure as
#: its SVG, the PDF from formula_sheet.tex); their bytes also depend on the installed
#: renderer (freetype, TeX Live), so --check only requires them to exist
RENDERED = {".png", ".pdf"}


def run(out: Path, only: str | None) -> list[Path]:
    written: list[Path] = []
    total = time.perf_counter()
    chosen = [s for s in steps() if not only or only in s.STEP[1]]
    for i, step in enumerate(chosen, 1):
        t0 = time.perf_counter()
        head = f"[{i}/{len(chosen)}] {step.STEP[1]} ..."
        progress = Progress(head)
        print(head, end="" if progress.tty else "\n", flush=True)
        files = step.build(out, progress=progress)
        progress.clear()
        written += files
        done = f"{len(files)} file(s), {time.perf_counter() - t0:.1f} s"
        print(f" {done}" if progress.tty else f"{head} {done}", flush=True)
    print(f"total {time.perf_counter() - total:.1f} s")
    return written


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with generated/, write nothing")
    ap.add_argument("--only", help="run only steps whose title contains this word")
    args = ap.parse_args()
    if not args.check:
        GENERATED.mkdir(exist_ok=True)
        run(GENERATED, args.only)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        files = run(out, args.only)
        stale = []
        for f in files:
            rel = f.relative_to(out)
            target = GENERATED / rel
            if not target.exists():
                stale.append(str(Path("generated") / rel) + " (missing)")
            elif f.suffix not in RENDERED and not filecmp.cmp(f, target, shallow=False):
                stale.append(str(Path("generated") / rel))
        if stale:
            print("generated/ is stale; run `python scripts/regenerate.py`. Differs:")
            for s in stale:
                print("  " + s)
            return 1
    print("generated/ is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
