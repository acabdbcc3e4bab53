"""Without PyTorch and JAX: the core imports and works, and the adapters say what to install."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import sys
sys.modules["torch"] = None   # importing either now fails as if it were not installed
sys.modules["jax"] = None
import numpy as np
import symacts, symacts.kernels as K
assert symacts.get("mish").derivative() is not None
assert float(K.mish_grad(np.float64(0.0))) == 0.6
for mod, extra in (("symacts.torch", "symacts[torch]"), ("symacts.jax", "symacts[jax]")):
    try:
        __import__(mod)
    except ImportError as exc:
        assert extra in str(exc), exc
    else:
        raise AssertionError(mod + " imported without its framework")
print("ok")
"""


def test_core_needs_neither_framework():
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
