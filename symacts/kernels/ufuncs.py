"""The compiled kernels as NumPy ufuncs: ``NAME``, ``NAME_grad``, ``NAME_value_and_grad`` (two
outputs) and ``NAME_grad_<param>`` for every catalog activation and alias.

    from symacts.kernels import ufuncs as U
    U.mish(x); U.swish(x, 2.0)               # parameters are inputs: broadcast per element
    f, df = U.gelu_value_and_grad(x)
    U.mish(x, out=y, where=x > 0); U.mish(dask_array)   # NumPy's ufunc protocol

float32 and float64 loops (other dtypes by NumPy's casting rules: float16 and int8 compute in
float32, other integers in float64); the GIL is released. Parameters outside their domain give
NaN with NumPy's invalid-value warning. Available when the extension is built (whatever
``SYMACTS_BACKEND`` says); otherwise every name raises AttributeError saying why.
"""

from __future__ import annotations

import json
from typing import Any

from ._load import compiled_extension

_ext, _reason = compiled_extension()
ISA: str | None = _ext.ISA if _ext is not None else None
UFUNCS: dict[str, Any] = {}
if _ext is not None:
    UFUNCS.update(_ext.UFUNCS)
    for _name, _entry in json.loads(_ext.METADATA).items():
        for _alias in _entry["aliases"]:
            for _key, _uname in _entry["kernels"].items():
                UFUNCS[_alias + _uname[len(_name):]] = UFUNCS[_uname]


def __getattr__(name: str) -> Any:
    if name in UFUNCS:
        return UFUNCS[name]
    if _ext is None and not name.startswith("__"):
        raise AttributeError(f"no compiled ufunc {name!r}: {_reason}")
    raise AttributeError(f"symacts.kernels.ufuncs has no ufunc {name!r}")


def __dir__() -> list[str]:
    return sorted([*UFUNCS, "ISA", "UFUNCS"])
