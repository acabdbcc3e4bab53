#!/usr/bin/env python3
"""Fingerprint the bits every generated kernel returns, to show a change of the generator
leaves them as they were.

    python scripts/kernel_fingerprint.py --write before.json    # record
    python scripts/kernel_fingerprint.py --compare before.json  # exit 1 naming what differs

For every catalog activation: NAME, NAME_grad (wrt x and every parameter) and
NAME_value_and_grad on the accuracy sweep's points (float32 and float64, each point also as a
0-d input), with the default parameters and with every parameter moved off its default. The
fingerprint of one output is a SHA-256 of its bytes; NaN payloads count, so does −0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from symacts.registry import all_activations  # noqa: E402
from symacts.verify.ulps import kink_floats, sweep_points  # noqa: E402


def _moved(p) -> float:
    """A value of parameter p off its default, inside its domain."""
    d = p.default_float
    return d * 1.5 + 0.125 if p.domain in ("positive", "nonnegative") or d > 0 else d - 0.375


def _digest(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.asarray(a)
        h.update(a.dtype.str.encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16]


def fingerprints(names: list[str] | None = None) -> dict[str, str]:
    """``"name/kernel/param set/dtype" → digest`` for every kernel of the catalog."""
    import symacts.kernels as K  # noqa: N812

    out = {}
    for act in all_activations():
        if act.user_defined or (names and act.name not in names):
            continue
        f, g, vg = K.KERNELS[act.name]
        psets = {"defaults": {}}
        if act.param_specs:
            moved = {p.name: _moved(p) for p in act.param_specs}
            try:
                act.check_params(moved)
                psets["moved"] = moved
            except ValueError:
                pass
        for label, ps in psets.items():
            for dt in (np.float64, np.float32):
                x = sweep_points(dt, kinks=kink_floats(act))
                scalars = [x[i].reshape(()) for i in range(0, len(x), max(1, len(x) // 64))]
                key = f"{act.name}/{{}}/{label}/{np.dtype(dt).name}"
                out[key.format("f")] = _digest(f(x, **ps), *[f(s, **ps) for s in scalars])
                out[key.format("grad")] = _digest(g(x, **ps), *[g(s, **ps) for s in scalars])
                for p in act.param_specs:
                    out[key.format("grad_" + p.name)] = _digest(
                        g(x, **ps, wrt=p.name), *[g(s, **ps, wrt=p.name) for s in scalars])
                out[key.format("value_and_grad")] = _digest(
                    *vg(x, **ps), *[v for s in scalars for v in vg(s, **ps)])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--write", type=Path, help="write the fingerprints to this JSON file")
    ap.add_argument("--compare", type=Path, help="compare with a JSON file written before")
    ap.add_argument("--only", help="comma-separated activation names")
    args = ap.parse_args()
    names = args.only.split(",") if args.only else None
    fp = fingerprints(names)
    if args.write:
        args.write.write_text(json.dumps(fp, indent=1, sort_keys=True) + "\n")
        print(f"{len(fp)} fingerprints written to {args.write}")
    if args.compare:
        old = json.loads(args.compare.read_text())
        if names:
            old = {k: v for k, v in old.items() if k.split("/")[0] in names}
        differ = sorted(k for k in old.keys() | fp.keys() if old.get(k) != fp.get(k))
        for k in differ:
            print(f"differs: {k} ({old.get(k, 'missing')} -> {fp.get(k, 'missing')})")
        print(f"{len(fp) - len(differ)} of {len(old.keys() | fp.keys())} kernels unchanged")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
