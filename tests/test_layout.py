"""The installed package is the library: no tooling inside it, no two modules of one name."""

import collections
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "symacts"


def test_no_two_modules_share_a_name():
    seen = collections.defaultdict(list)
    for path in PKG.rglob("*.py"):
        if "__pycache__" in path.parts:
            continue
        name = path.parent.name if path.name == "__init__.py" else path.stem
        if path.parent == PKG and path.name == "__init__.py":
            continue
        seen[name].append(str(path.relative_to(PKG)))
    assert not {k: v for k, v in seen.items() if len(v) > 1}


def test_benchmarks_and_regeneration_live_outside_the_package():
    assert not (PKG / "bench").exists() and not (PKG / "outputs").exists()
    root = PKG.parent
    assert (root / "scripts" / "bench").is_dir() and (root / "scripts" / "steps").is_dir()
