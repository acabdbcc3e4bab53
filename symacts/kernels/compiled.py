"""The compiled backend: ``NAME(x, *, params…, threads=, out=)`` on the compiled ufuncs.

The functions have the NumPy kernels' signatures and semantics (dtype rules, parameter checks,
``out=``, ``wrt=``, rrelu's training mode); they are made at import from the metadata the
extension carries (printed with the C, ``generated/c/symacts_metadata.inc``) and share the
argument helpers of the generated NumPy module. Arrays of at least ``GRAIN`` elements per
thread are split over the extension's own threads (symacts_pool.c); every element goes through
the same vector code wherever the split falls, so results are bit-identical for any thread
count. :func:`use_openmp_threads` hands the split to the process's OpenMP threads instead, to
share PyTorch's threads rather than compete with them: symacts.torch does at import, and so
does the first split call once torch is imported (PyTorch's threads spin after each of its
operations, so a second pool's threads would find the cores taken).
Array-likes that implement ``__array_ufunc__`` (dask, xarray) go to the ufunc as they are and
stay lazy.
"""

from __future__ import annotations

import json
import os
import sys
from types import ModuleType
from typing import Any, NamedTuple

import numpy as np

__all__ = ["GRAIN", "build_namespace", "raw_ufunc", "use_openmp_threads"]

#: elements per thread below which another thread costs more (hand-off ~30 µs) than it saves
GRAIN = 1 << 16

_DOMAIN_CHECK = {
    "positive": ("> 0", "greater than 0"),
    "nonnegative": (">= 0", "at least 0"),
    "nonzero": ("!= 0", "different from 0"),
}

_NCPU = max(os.cpu_count() or 1, 1)

_EXTENSIONS: list[ModuleType] = []  # every extension a namespace was built on


class Raw(NamedTuple):
    """The ufunc behind a front function, for callers that check their own arguments."""

    ufunc: Any  # ufunc(x, *params) in the order of ``params``
    params: tuple[str, ...]
    set_threads: Any  # the extension's set_threads(n) -> previous
    vjp: Any  # ufunc(x, *params, g) = g·f'(x), one pass
    backward: str  # what a backward pass should keep: "x" (f' recomputed by vjp) or "df"
    derivs: dict[str, Any]  # "x" or a parameter's name -> the ufunc of that derivative


_RAW: dict[Any, Raw] = {}  # NAME / NAME_value_and_grad -> Raw
#: the runner capsule they all use (None: their own pools, the runner not asked for yet;
#: False: their own pools, the runner was not built)
_RUNNER: list[Any] = [None]


def raw_ufunc(fn: Any) -> Raw | None:
    """The :class:`Raw` ufunc behind a compiled ``NAME`` or ``NAME_value_and_grad``, or None
    for any other function (NumPy kernels, bound parameters, kernels wrapped with
    fallbacks)."""
    try:
        return _RAW.get(fn)
    except TypeError:  # unhashable
        return None


def use_openmp_threads() -> bool:
    """Split the loops of every compiled kernel, those built later included, over the
    process's OpenMP threads (the ones PyTorch computes on: import torch first). False if the
    OpenMP runner was not built; the kernels then keep their own threads."""
    if _RUNNER[0] is None:
        try:
            from . import _openmp
        except ImportError:  # (asked once: the split calls below ask on every call)
            _RUNNER[0] = False
            return False
        _RUNNER[0] = _openmp.RUNNER
        for ext in _EXTENSIONS:
            ext.set_runner(_RUNNER[0])
    return _RUNNER[0] is not False


def _nthreads(threads, n: int) -> int:
    if threads is None:
        threads = _NCPU
    elif not isinstance(threads, (int, np.integer)) or isinstance(threads, bool) or threads < 1:
        raise ValueError(f"threads must be a positive integer or None, got {threads!r}")
    return max(1, min(int(threads), _NCPU, n // GRAIN))


def _lazy(x) -> bool:
    """An array-like that is not an ndarray but takes ufuncs itself (dask, xarray, …)."""
    return (not isinstance(x, (np.ndarray, np.generic, float, int, complex, list, tuple))
            and getattr(type(x), "__array_ufunc__", None) is not None)


def _make_call(set_threads):
    def call(uf, x, ps, threads, n_out, out, dt):
        """uf(x, *ps) into out (when it fits), split over threads for large arrays."""
        n = x.size
        nt = _nthreads(threads, n)
        direct = out is not None and dt == x.dtype
        if nt == 1:
            if direct:
                if n_out == 1 and isinstance(out, np.ndarray) and out.shape == x.shape:
                    return uf(x, *ps, out=out)
                if (n_out == 2 and all(isinstance(o, np.ndarray) and o.shape == x.shape
                                       for o in out)):
                    return uf(x, *ps, out=tuple(out))
            return uf(x, *ps)
        xf = np.ascontiguousarray(x).reshape(-1)
        pf = [p if p.__class__ is float or np.ndim(p) == 0
              else np.ascontiguousarray(np.broadcast_to(p, x.shape)).reshape(-1) for p in ps]
        outs = []
        for k in range(n_out):
            o = out if (n_out == 1) else (out[k] if out is not None else None)
            if (direct and isinstance(o, np.ndarray) and o.shape == x.shape
                    and o.flags.c_contiguous and o.flags.writeable
                    and not np.shares_memory(o, x)):
                outs.append(o.reshape(-1))
            else:
                outs.append(np.empty(n, x.dtype))
        # the extension's threads split the contiguous arrays (on multiples of 64 elements:
        # every SIMD vector holds the same elements whatever the thread count); PyTorch's
        # threads, once it is loaded
        if _RUNNER[0] is None and "torch" in sys.modules:
            use_openmp_threads()
        prev = set_threads(nt)
        try:
            uf(xf, *pf, out=tuple(outs) if n_out > 1 else outs[0])
        finally:
            set_threads(prev)
        res = [o.reshape(x.shape) for o in outs]
        return res[0] if n_out == 1 else tuple(res)

    return call


def _source(name: str, entry: dict) -> str:
    """Python source of NAME, NAME_grad, NAME_value_and_grad over the ufuncs."""
    params = entry["params"]
    pnames = [p[0] for p in params]
    kw = "".join(f", {p}={float(d)!r}" for p, d, _ in params)
    train = name == "rrelu"
    extra = ", training=False, rng=None" if train else ""
    ptup = "(" + "".join(f"{p}, " for p in pnames) + ")"
    pass_params = "".join(f", {p}={p}" for p in pnames)
    prep = ["    lazy = _lazy(x)", "    if lazy:", "        xdt = _F64", "    else:",
            "        x, dt = _arg(x)", "        xdt = x.dtype"]
    for p, _, domain in params:
        prep.append(f"    {p} = _par({p}, {p!r}, xdt)")
        if domain in _DOMAIN_CHECK:
            op, words = _DOMAIN_CHECK[domain]
            prep.append(f"    _check({p}, _all({p} {op}), {p!r}, {words!r})")
    for rule in entry["rules"]:
        prep.append(f"    _check_rule(_all({rule}), {name + ': ' + rule + ' is required'!r})")
    prep += ["    if lazy:", f"        return _uf_lazy(LAZY, x, {ptup}, out)"]
    if pnames:
        prep.append(f"    x = _bcast(x, {', '.join(pnames)})")
    k = entry["kernels"]
    out = []

    def fn(fname, doc, wrt_kw, pre, uf, n_out, ret):
        lines = [f"def {fname}(x, *{kw}{extra}, threads=None{wrt_kw}, out=None):",
                 f"    {doc!r}"]
        lines += pre
        if train:
            lines += ["    if training:",
                      f"        return _np.{fname}(x{pass_params}, training=True, rng=rng"
                      f"{', wrt=wrt' if wrt_kw else ''}, threads=threads, out=out)"]
        # the common call (an ndarray of float32/float64, float parameters, no out=, one
        # thread's worth of elements) straight to the ufunc
        floats = "".join(f" and {p}.__class__ is float" for p in pnames)
        fast_checks = []
        for p, _, domain in params:
            if domain in _DOMAIN_CHECK:
                op, _w = _DOMAIN_CHECK[domain]
                fast_checks.append(f"{p} {op}")
        fast_checks += list(entry["rules"])
        cond = " and ".join(fast_checks) if fast_checks else "True"
        lines += [f"    if x.__class__ is _ndarray and out is None and threads is None{floats}:",
                  "        dt = x.dtype",
                  f"        if (dt is _F32 or dt is _F64) and x.size < 2 * _C.GRAIN and {cond}:"
                  .replace(" and True:", ":"),
                  f"            return {uf}({', '.join(['x', *pnames])})"]
        lazy = uf if n_out == 1 else f"(_U[{k['f']!r}], _U[{k['df']!r}])"
        lines += [ln.replace("LAZY", lazy) for ln in prep]
        lines.append(f"    r = _call({uf}, x, {ptup}, threads, {n_out}, out, dt)")
        lines.append(f"    return {ret}(r, dt, out)")
        out.append("\n".join(lines))

    doc_f = f"{entry['summary']}\n\nf(x) = {entry['formula']}"
    doc_g = (f"f'(x) of {name} (``wrt=\"x\"``) or ∂f/∂p (``wrt=<parameter>``).\n\n"
             f"f'(x) = {entry['derivative']}")
    fn(name, doc_f, "", [], f"_U[{k['f']!r}]", 1, "_ret")
    names = ", ".join(["x", *pnames])
    wrt = ["    if wrt == 'x':", f"        uf = _U[{k['df']!r}]"]
    for p in pnames:
        wrt += [f"    elif wrt == {p!r}:", f"        uf = _U[{k['d_' + p]!r}]"]
    wrt += ["    else:",
            f"        raise ValueError(f\"{name}_grad: wrt must be one of {names}; "
            "got {wrt!r}\")"]
    fn(f"{name}_grad", doc_g, ", wrt='x'", wrt, "uf", 1, "_ret")
    fn(f"{name}_value_and_grad", f"(f(x), f'(x)) of {name} in one pass.", "", [],
       f"_U[{k['vg']!r}]", 2, "_ret2")
    return "\n\n\n".join(out)


def _uf_lazy(uf, x, ps, out):
    """A dask/xarray-like input: the ufunc on it as it is (lazy where the input is); for
    (f, f') the two one-output ufuncs (dask takes no ufunc with two outputs)."""
    if isinstance(uf, tuple):
        if out is None:
            return tuple(u(x, *ps) for u in uf)
        return tuple(u(x, *ps, out=o) for u, o in zip(uf, out, strict=True))
    return uf(x, *ps) if out is None else uf(x, *ps, out=out)


def build_namespace(ext: ModuleType, numpy_module: ModuleType) -> dict[str, Any]:
    """``{NAME, NAME_grad, NAME_value_and_grad (and aliases), KERNELS, ALIASES}`` on the
    extension's ufuncs, with the argument helpers of ``numpy_module``."""
    meta = json.loads(ext.METADATA)
    if ext not in _EXTENSIONS:
        _EXTENSIONS.append(ext)
        if _RUNNER[0]:
            ext.set_runner(_RUNNER[0])
    helpers = {k: getattr(numpy_module, k) for k in
               ("_arg", "_par", "_check", "_check_rule", "_all", "_bcast", "_ret", "_ret2")}
    ns: dict[str, Any] = {**helpers, "_U": ext.UFUNCS, "_np": numpy_module, "np": np,
                          "_F64": np.dtype(np.float64), "_F32": np.dtype(np.float32),
                          "_ndarray": np.ndarray, "_C": sys.modules[__name__],
                          "_call": _make_call(ext.set_threads), "_lazy": _lazy,
                          "_uf_lazy": _uf_lazy}
    src = "\n\n\n".join(_source(n, e) for n, e in sorted(meta.items()))
    exec(compile(src, "<symacts compiled kernels>", "exec"), ns)
    kernels = {}
    for n, e in meta.items():
        triple = (ns[n], ns[n + "_grad"], ns[n + "_value_and_grad"])
        pnames = tuple(p[0] for p in e["params"])
        derivs = {k: ext.UFUNCS[e["kernels"][key]] for k, key in
                  (("x", "df"), *((p, "d_" + p) for p in pnames)) if key in e["kernels"]}
        for fn, key in ((triple[0], "f"), (triple[2], "vg")):
            _RAW[fn] = Raw(ext.UFUNCS[e["kernels"][key]], pnames, ext.set_threads,
                           ext.UFUNCS[e["vjp"]], e["backward"], derivs)
        kernels[n] = triple
        for a in e["aliases"]:
            ns[a], ns[a + "_grad"], ns[a + "_value_and_grad"] = triple
    public = {k: v for k, v in ns.items() if not k.startswith("_") and k != "np"}
    public["KERNELS"] = dict(sorted(kernels.items()))
    public["ALIASES"] = dict(numpy_module.ALIASES)
    return public
