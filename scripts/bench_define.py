#!/usr/bin/env python3
"""Time ``.kernel()`` of definitions made with ``symacts.define``, cold: each in a fresh Python
process with an empty kernel cache, on both backends (the compiled one runs the C compiler).

    python scripts/bench_define.py                  # the defined examples of the sweep
    python scripts/bench_define.py --only tanh_exp,kink_max

Prints one row per definition: seconds for ``.kernel()`` (after ``import symacts`` and the
``define`` call), per backend, and the findings of its self-check; then the median and worst,
and the load average at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from steps.defined_examples import DEFINED  # noqa: E402

CHILD = """
import json, sys, time, warnings
import symacts
expr, params = json.loads(sys.argv[1])
act = symacts.define("timed", expr, params=params)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    t = time.perf_counter()
    k = act.kernel()
    took = time.perf_counter() - t
import symacts.kernels as K
print(json.dumps({"s": took, "findings": len(k.findings), "backend": K.BACKEND}))
"""


def cold(expr: str, params, backend: str) -> dict:
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "SYMACTS_BACKEND": backend, "SYMACTS_CACHE": cache}
        r = subprocess.run([sys.executable, "-c", CHILD, json.dumps([expr, params])], env=env,
                           capture_output=True, text=True, cwd=ROOT)
    if r.returncode:
        return {"s": float("nan"), "findings": -1, "error": r.stderr.strip().splitlines()[-1]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="comma-separated names of the defined examples")
    ap.add_argument("--backends", default="numpy,compiled")
    args = ap.parse_args(argv)
    names = args.only.split(",") if args.only else list(DEFINED)
    backends = args.backends.split(",")
    load0 = os.getloadavg()[0]
    print(f"| definition | {' | '.join(backends)} | findings |")
    print("|---|" + "---|" * len(backends) + "---|")
    times: dict[str, list[float]] = {b: [] for b in backends}
    for name in names:
        expr, params = DEFINED[name]
        cells, findings = [], set()
        for b in backends:
            res = cold(expr, params, b)
            if "error" in res:
                cells.append(f"error: {res['error']}")
                continue
            if res.get("backend") != b:
                cells.append(f"{res['s']:.2f} s ({res.get('backend')} served)")
            else:
                cells.append(f"{res['s']:.2f} s")
            times[b].append(res["s"])
            findings.add(res["findings"])
        print(f"| `{expr}` | {' | '.join(cells)} | {', '.join(map(str, sorted(findings)))} |")
    for b in backends:
        if times[b]:
            print(f"{b}: median {statistics.median(times[b]):.2f} s, worst {max(times[b]):.2f} s, "
                  f"{sum(t < 2.0 for t in times[b])}/{len(times[b])} under 2 s")
    print(f"load average (1 min) at start / end: {load0:.2f} / {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
