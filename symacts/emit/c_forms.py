"""Cost-aware forms for the C printer: named rewrites of a kernel plan that cut transcendental
calls (SLEEF's tanh and log1p cost 3–8 of its exp).

Each rule has a symbolic proof of its identity (:func:`prove`, SymPy on every branch of the
form) and a test at a point where the naive form of the same idea fails
(tests/test_compiled_forms.py); the compiled kernels that use them pass the accuracy sweep.

* ``tanh_softplus_one_exp``: with t = e^{−|u|},
  tanh(softplus(u)) = a/(a + b), a = 1 + 2t, b = 2t² for u ≥ 0 and a = t(t + 2), b = 2 for
  u < 0: no overflow for any u (t ≤ 1), where the naive n/(n + 2), n = eᵘ(eᵘ + 2), overflows
  for u > 355 (float64) and writing x·n/(n + 2) overflows earlier still. One exp instead of
  exp, log1p and tanh.
* ``sech2_softplus_one_exp``: sech²(softplus(u)) = 1 − a²/(a + b)² = b(2a + b)/(a + b)²
  from the same a, b: no cancellation (every term is positive), where 1 − tanh² loses all
  digits for u > 19. One exp instead of a second exp (and the log1p it needs).

σ and σ' from one exp, and Φ through erfc, are already in the plans (SigmoidT, DsigmoidT,
``Phi`` printed as erfc).
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from ..functions import softplus
from .ir import Block, ByParams, ExpNegAbs, KernelPlan, Select, Separate, SoftplusT, Straight

__all__ = ["RULES", "Sech2SoftplusT", "TanhSoftplusT", "apply_forms", "prove"]


class TanhSoftplusT(sp.Function):
    """tanh(softplus(u)) from t = e^{−|u|} (args: u, t): a/(a + b) (module doc)."""

    nargs = 2


class Sech2SoftplusT(sp.Function):
    """sech²(softplus(u)) from t = e^{−|u|} (args: u, t): b(2a + b)/(a + b)²."""

    nargs = 2


#: rule name → (what it replaces, what it uses)
RULES = {
    "tanh_softplus_one_exp": "tanh(softplus(u)) → a/(a + b) from t = e^{−|u|}",
    "sech2_softplus_one_exp": "sech²(softplus(u)) → b(2a + b)/(a + b)² from t = e^{−|u|}",
}


def _ab(u: sp.Expr, t: sp.Expr, positive: bool) -> tuple[sp.Expr, sp.Expr]:
    return (1 + 2 * t, 2 * t**2) if positive else (t * (t + 2), sp.Integer(2))


def prove(rule: str) -> bool:
    """The identity of ``rule`` on both signs of u, by SymPy (t = e^{−|u|} substituted)."""
    u = sp.Symbol("u", positive=True)
    ok = True
    for positive, arg, t in ((True, u, sp.exp(-u)), (False, -u, sp.exp(-u))):
        a, b = _ab(arg, t, positive)
        sp_u = sp.log(1 + sp.exp(arg))
        if rule == "tanh_softplus_one_exp":
            diff = sp.tanh(sp_u) - a / (a + b)
        elif rule == "sech2_softplus_one_exp":
            diff = (1 - sp.tanh(sp_u) ** 2) - b * (2 * a + b) / (a + b) ** 2
        else:
            raise KeyError(rule)
        ok &= sp.simplify(sp.expand(diff.rewrite(sp.exp))) == 0
    return bool(ok)


# ---- the rewrite of a plan -----------------------------------------------------------------
def _rewrite_block(block: Block) -> Block:
    steps = dict(block.steps)

    def softplus_t(arg):
        """(u, t) when arg is SoftplusT(u, t) (directly or as a step), else None."""
        v = steps.get(arg, arg)
        return v.args if isinstance(v, SoftplusT) else None

    def rw(e):
        reps = {}
        for f in e.atoms(sp.Function):
            name = type(f).__name__
            if name not in ("tanh", "sech2") or len(f.args) != 1:
                continue
            pair = softplus_t(f.args[0])
            if pair is None and isinstance(f.args[0], softplus):
                u = f.args[0].args[0]
                pair = (u, ExpNegAbs(-u if u.could_extract_minus_sign() else u))
            if pair is not None:
                reps[f] = (TanhSoftplusT if name == "tanh" else Sech2SoftplusT)(*pair)
        return e.xreplace(reps) if reps else e

    new_steps = [(s, rw(v)) for s, v in block.steps]
    values = tuple(rw(v) for v in block.values)
    # drop steps nothing uses any more (the softplus the rules replaced)
    used: set = set().union(*[v.free_symbols for v in values])
    kept = []
    for s, v in reversed(new_steps):
        if s in used:
            kept.append((s, v))
            used |= v.free_symbols
    return Block(tuple(reversed(kept)), values, block.cost)


def _rewrite_body(body):
    if isinstance(body, Straight):
        return Straight(_rewrite_block(body.block))
    if isinstance(body, Select):
        return Select(tuple((c, _rewrite_block(b)) for c, b in body.branches))
    if isinstance(body, ByParams):
        return ByParams(tuple((c, _rewrite_body(a)) for c, a in body.alternatives))
    if isinstance(body, Separate):
        return Separate(tuple(_rewrite_body(p) for p in body.parts))
    return body


def apply_forms(plan: KernelPlan) -> KernelPlan:
    """The plan with the rules applied (the same plan when none applies)."""
    body = _rewrite_body(plan.body)
    if body == plan.body:
        return plan
    forms = tuple(f + "; one exp for tanh∘softplus and sech²∘softplus" for f in plan.forms)
    return replace(plan, body=body, forms=forms)


# ---- reference semantics (NumPy), as the C helpers compute them ------------------------------
def evaluate(node: str, u, t=None):
    """``TanhSoftplusT`` or ``Sech2SoftplusT`` at u (t = e^{−|u|} unless given), in u's dtype,
    operation for operation as ``symacts_simd.h`` computes it."""
    import numpy as np

    u = np.asarray(u)
    with np.errstate(all="ignore"):
        t = np.exp(-np.abs(u)) if t is None else np.asarray(t, u.dtype)
        pos = u >= 0
        one, two = u.dtype.type(1), u.dtype.type(2)
        a = np.where(pos, one + two * t, t * (t + two))
        b = np.where(pos, two * (t * t), two)
        if node == "TanhSoftplusT":
            return a / (a + b)
        if node == "Sech2SoftplusT":
            q = a + b
            return (b * (two * a + b)) / (q * q)
    raise KeyError(node)
