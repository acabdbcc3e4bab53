#!/usr/bin/env python3
"""Fit the polynomials of the compiled kernels' own tanh, expm1 and log1p, and measure them.

SLEEF's 1-ULP tanh, expm1 and log1p cost 2.5–3.5 of its exp (AVX2: float32 tanh 2.8 ns per
element, expm1 2.2, exp 0.8). Each is rebuilt from one exp, or exp's own reduction, or one
division, and a short polynomial:

    tanh(x)  = x + x·s·P(s), s = x²                       for |x| < 0.625
             = sign(x)·(1 − 2/(e^{2|x|} + 1))               otherwise
    expm1(u) = 2^k·p + (2^k − 1), p = r + r²·Q(r)           u = k·ln 2 + r, |r| ≤ ln 2 / 2
    log1p(t) = 2z + 2z·w·R(w), z = t/(2 + t), w = z²       0 ≤ t ≤ 1 (softplus' log1p(e^{−|u|}))
               (the rounding of 2 + t carried as a low part of 2z)

P, Q and R are Chebyshev fits (mpmath, 60 digits; close to minimax) of the exact remainders,
rounded to the dtype. Written as C into ``symacts/kernels/csrc/symacts_fitted.h``; the error of
each function evaluated in the dtype (the C order of operations, no FMA) is measured here
against mpmath and printed.

    python scripts/fit_math.py            # print the fits and their errors
    python scripts/fit_math.py --write    # rewrite the header
    python scripts/fit_math.py --check    # exit 1 if the header differs from the fit
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import mpmath
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
HEADER = ROOT / "symacts" / "kernels" / "csrc" / "symacts_fitted.h"

LN2 = 0.6931471805599453
#: ln 2 split for the reduction r = u − k·hi − k·lo, hi with trailing zeros so k·hi is exact
LN2_SPLIT = {"float32": (0.693145751953125, 1.428606765330187e-06),
             "float64": (0.6931471803691238, 1.9082149292705877e-10)}


@dataclass(frozen=True)
class Fit:
    """One remainder polynomial: name, the exact function of its variable, the interval, the
    degree per dtype."""

    name: str
    doc: str
    remainder: object  # mpf -> mpf
    interval: tuple[float, float]
    degree: dict[str, int]


def _tanh_remainder(s):
    if s == 0:
        return mpmath.mpf(-1) / 3
    r = mpmath.sqrt(s)
    return (mpmath.tanh(r) / r - 1) / s


def _expm1_remainder(u):
    if u == 0:
        return mpmath.mpf(1) / 2
    return (mpmath.expm1(u) - u) / (u * u)


def _log1p_remainder(w):
    if w == 0:
        return mpmath.mpf(1) / 3
    z = mpmath.sqrt(w)
    return (mpmath.atanh(z) / z - 1) / w


FITS = (
    Fit("tanh", "P(s) = (tanh(x)/x − 1)/s, s = x² on [0, 0.625²]", _tanh_remainder,
        (0.0, 0.625**2), {"float32": 4, "float64": 11}),
    Fit("expm1", "Q(r) = (expm1(r) − r)/r² on [−ln 2/2, ln 2/2]", _expm1_remainder,
        (-LN2 / 2, LN2 / 2), {"float32": 4, "float64": 10}),
    Fit("log1p", "R(w) = (atanh(z)/z − 1)/w, w = z² on [0, 1/9]", _log1p_remainder,
        (0.0, 1.0 / 9.0), {"float32": 3, "float64": 8}),
)


def coefficients(fit: Fit, dtype: str) -> list[float]:
    """Highest degree first, rounded to the dtype (as C rounds a literal cast to T)."""
    with mpmath.workdps(60):
        poly, _ = mpmath.chebyfit(fit.remainder, list(fit.interval), fit.degree[dtype] + 1,
                                  error=True)
    return [float(np.dtype(dtype).type(float(c))) for c in poly]


def horner(coef: list[float], v: np.ndarray) -> np.ndarray:
    dt = v.dtype.type
    acc = np.full_like(v, dt(coef[0]))
    for c in coef[1:]:
        acc = acc * v + dt(c)
    return acc


def model(name: str, x: np.ndarray, coef: list[float]) -> np.ndarray:
    """The C functions of the header, evaluated in x's dtype in the same order."""
    dt = x.dtype.type
    with np.errstate(all="ignore"):
        if name == "tanh":
            a = np.abs(x)
            s = x * x
            small = x + x * (s * horner(coef, s))
            big = dt(1) - dt(2) / (np.exp(dt(2) * a) + dt(1))
            big = np.copysign(big, x)
            return np.where(a < dt(0.625), small, big)
        if name == "expm1":
            return _expm1(x, coef)
        if name == "log1p":
            d = dt(2) + x
            err = (dt(2) - d) + x  # 2 + x = d + err exactly (Fast2Sum, 2 ≥ x)
            z = x / d
            w = z * z
            z2 = dt(2) * z
            # the rounding of d kept as a low part of 2z: 2t/(d + err) ≈ 2z − 2z·err/d
            return z2 + (z2 * (w * horner(coef, w)) - z2 * (err / d))
    raise ValueError(name)


def _expm1(u: np.ndarray, coef: list[float]) -> np.ndarray:
    """expm1 by exp's reduction, as the C does (finite u; the C adds the specials)."""
    dt = u.dtype.type
    hi, lo = LN2_SPLIT[u.dtype.name]
    kf = np.rint(u * dt(1.4426950408889634))
    r = (u - kf * dt(hi)) - kf * dt(lo)
    p = r + (r * r) * horner(coef, r)
    mant = 23 if dt is np.float32 else 52
    bias = 127 if dt is np.float32 else 1023
    it = np.int32 if dt is np.float32 else np.int64
    k = kf.astype(it)
    small = np.abs(k) <= mant + 1  # 2^k − 1 exact, 2^k a normal number
    kc = np.where(small, k, 0)
    two_k = ((kc + bias).astype(it) << mant).view(dt)
    near = two_k * p + (two_k - dt(1))
    k1 = k >> 1
    s1 = ((k1 + bias).astype(it) << mant).view(dt)
    s2 = ((k - k1 + bias).astype(it) << mant).view(dt)
    far = ((p + dt(1)) * s1) * s2 - dt(1)
    r = np.where(small, near, far)
    return np.where(u == 0, u, r)


def truth(name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The true values as float64 and the rest (a double-double: value + rest)."""
    fn = {"tanh": mpmath.tanh, "expm1": mpmath.expm1, "log1p": mpmath.log1p}[name]
    hi, lo = np.empty(x.size), np.empty(x.size)
    with mpmath.workdps(40):
        for i, v in enumerate(x):
            t = fn(mpmath.mpf(float(v)))
            hi[i] = float(t)
            lo[i] = float(t - hi[i])
    return hi, lo


def points(name: str, dtype: str, n: int) -> np.ndarray:
    rng = np.random.default_rng(1)
    dt = np.dtype(dtype).type
    if name == "log1p":
        x = np.concatenate([rng.uniform(0, 1, n), 10.0 ** rng.uniform(-30, 0, n // 4)])
    else:
        lo, hi = (-3.0, 3.0) if name == "tanh" else (-40.0, 40.0)
        x = np.concatenate([rng.uniform(lo, hi, n),
                            np.sign(rng.standard_normal(n // 4)) * 10.0 ** rng.uniform(-30, 0.5,
                                                                                     n // 4)])
    return x.astype(dt)


def max_ulp(name: str, dtype: str, coef: list[float], n: int) -> float:
    x = points(name, dtype, n)
    if name == "expm1":  # finite results (the overflow side is exp's)
        x = x[np.abs(x) < (80.0 if dtype == "float32" else 700.0)]
    got = model(name, x, coef).astype(np.float64)
    hi, lo = truth(name, x)
    ulp = np.spacing(np.abs(hi).astype(dtype)).astype(np.float64)
    return float(np.max(np.abs((got - hi) - lo) / ulp))


def c_block(fits: dict[tuple[str, str], list[float]]) -> str:
    lines = [
        "/* The remainder polynomials of the kernels' own tanh, expm1 and log1p",
        " * (symacts_simd.h).",
        " *",
        " * GENERATED FILE - do not edit. Written by `python scripts/fit_math.py --write`:",
        " * Chebyshev fits (mpmath, 60 digits) of the exact remainders, rounded to the dtype; the",
        " * script prints the error of each function in the dtype against mpmath.",
    ]
    for fit in FITS:
        lines.append(f" *   {fit.name}: {fit.doc}")
    lines += [" */", ""]
    for dtype, flag in (("float32", "1"), ("float64", "0")):
        lines.append(f"#if SY_F32 == {flag}")
        for fit in FITS:
            coef = fits[fit.name, dtype]
            lines.append(f"/* {fit.name} ({dtype}): degree {len(coef) - 1}, highest first */")
            body = ", ".join(repr(c) for c in coef)
            lines.append(f"#define SY_FIT_{fit.name.upper()} {body}")
            lines.append(f"#define SY_FIT_{fit.name.upper()}_N {len(coef)}")
        lines.append("#endif")
    return "\n".join(lines) + "\n"


def build(n: int = 40000, measure: bool = True) -> tuple[str, list[str]]:
    """The header's text, and (with ``measure``) a line per fit with its measured error."""
    fits, report = {}, []
    for fit in FITS:
        for dtype in ("float32", "float64"):
            coef = coefficients(fit, dtype)
            fits[fit.name, dtype] = coef
            if measure:
                report.append(f"{fit.name:6s} {dtype}: degree {len(coef) - 1:2d}, max error "
                              f"{max_ulp(fit.name, dtype, coef, n):.3f} ULP")
    return c_block(fits), report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true", help="rewrite the header")
    ap.add_argument("--check", action="store_true", help="exit 1 if the header is stale")
    args = ap.parse_args(argv)
    text, report = build(measure=not args.check)
    print("\n".join(report))
    if args.write:
        HEADER.write_text(text, encoding="utf-8")
        print(f"wrote {HEADER.relative_to(ROOT)}")
    if args.check:
        current = HEADER.read_text(encoding="utf-8") if HEADER.is_file() else ""
        if current != text:
            print(f"{HEADER.relative_to(ROOT)} is stale: run scripts/fit_math.py --write")
            return 1
        print(f"{HEADER.relative_to(ROOT)} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
