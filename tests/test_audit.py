"""The tutorial audit: the transcription is complete and faithful, and the engine finds what is
wrong (and confirms what is right) in the tutorial."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import mpmath
import pytest

from symacts.audit import checks, load_claims, render
from symacts.audit.checks import NOT_VALID, check_claims

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "000_36739d31a40c4ca7.txt"

SOURCE, CLAIMS = load_claims()
BY_ID = {c["id"]: c for c in CLAIMS}


def test_transcription_covers_every_kind():
    kinds = Counter(c["kind"] for c in CLAIMS)
    assert kinds["text formula"] >= 10
    assert kinds["numpy code for f"] >= 10
    assert kinds["numpy code for f'"] >= 6
    assert kinds["stated property"] >= 10
    assert kinds["not checkable"] >= 10
    assert all(c["reason"] for c in CLAIMS if c["kind"] == "not checkable")


@pytest.mark.skipif(not SEED.exists(), reason="the seed tutorial is not available here")
def test_quotes_are_on_the_cited_lines():
    lines = SEED.read_text(encoding="utf-8").splitlines()
    for c in CLAIMS:
        assert 1 <= c["line"] <= len(lines), c["id"]
        window = "\n".join(lines[c["line"] - 1:c["line"] + 12])
        quote = re.split(r"\s+\(|   \(", c["quote"])[0]
        for fragment in re.split(r"; | … ", quote):
            fragment = fragment.strip()
            if fragment.startswith("def ") or "lost * restored" in c["quote"] or (
                    "what line 429 means" in c["quote"]):
                continue
            assert fragment in window, (c["id"], fragment)


@pytest.fixture(scope="module")
def audited():
    """The claims the issue names, checked with a lighter float sweep (same edges)."""
    ids = [
        "relu-range", "relu-df-text", "relu-code-f", "relu-code-df", "prelu-max-form",
        "lrelu-df-text", "lrelu-code-df", "elu-df-text", "elu-df-text-negative",
        "elu-code-f", "elu-code-df", "mish-unbounded-above", "mish-bounded-below",
        "mish-smooth", "mish-non-monotonic", "mish-code-sigmoid", "mish-code-softplus",
        "mish-code-tanh", "mish-code-f", "mish-code-df-as-written", "mish-code-df-intended",
        "mish-df-paper-first-form", "swish-code-s", "swish-code-df", "silu-df-text",
        "relu-fast-convergence",
    ]
    mp = pytest.MonkeyPatch()
    mp.setattr(checks, "AUDIT_GRID", 101)
    mp.setattr(checks, "AUDIT_LOG_POINTS", 30)
    try:
        entries = check_claims([BY_ID[i] for i in ids], CLAIMS)
    finally:
        mp.undo()
    return {e.claim["id"]: e for e in entries}


def _value(text: str):
    return mpmath.mpf(text)


def test_softplus_with_log10_and_mish_built_on_it_are_wrong(audited):
    e = audited["mish-code-softplus"]
    assert e.verdict == "refuted"
    m = re.search(r"x = (\S+)(?: with beta = 1)?: the claim gives (\S+), the true value is (\S+)",
                  e.summary)
    x, claimed, true = (_value(g) for g in m.groups())
    assert abs(claimed - mpmath.log10(1 + mpmath.exp(x))) < 1e-15
    assert abs(true - mpmath.log(1 + mpmath.exp(x))) < 1e-15
    assert "log(exp(beta*x) + 1)/beta" in e.corrected
    assert audited["mish-code-f"].verdict == "refuted"
    assert audited["mish-code-df-intended"].verdict == "refuted"


def test_mish_derivative_code_is_garbled_and_divides_by_zero(audited):
    e = audited["mish-code-df-as-written"]
    assert e.verdict == NOT_VALID
    assert any("x*sigmoid" in d for d in e.details)
    assert e.corrected and "sech" in e.corrected
    first = audited["mish-df-paper-first-form"]
    assert first.verdict == "equal except at points"
    assert any(d.startswith("at x = 0:") and "removable" in d for d in first.details)
    # running the intended line: NaN from x = 0 (fx/x), overflow beyond 709.78
    assert any("from |x| = 0" in f for f in audited["mish-code-df-intended"].sweep_findings)


def test_naive_tanh_and_sigmoid_overflow(audited):
    tanh = " ".join(audited["mish-code-tanh"].sweep_findings)
    assert "inf/NaN" in tanh and "709.78" in tanh and "overflow encountered in exp" in tanh
    assert audited["mish-code-tanh"].verdict == "proved"  # right formula, wrong numerics
    sig = " ".join(audited["mish-code-sigmoid"].sweep_findings)
    assert "x ≤ -709.78" in sig and "overflow" in sig


def test_text_and_code_disagree_at_zero(audited):
    relu = " ".join(audited["relu-code-df"].code_findings)
    assert "at x = 0 the text (line 31) gives 0, the code gives 1" in relu
    assert audited["relu-df-text"].verdict == "proved"
    assert audited["relu-code-df"].verdict == "equal except at points"
    leaky = " ".join(audited["lrelu-code-df"].code_findings)
    assert "at x = 0 the text (line 155) gives 0.01, the code gives 1" in leaky
    assert audited["lrelu-df-text"].verdict == "proved"
    assert any("never reached" in f for f in audited["relu-code-f"].code_findings)


def test_elu_code_fixes_alpha_to_one(audited):
    for key in ("elu-code-f", "elu-code-df"):
        e = audited[key]
        assert e.verdict == "refuted"
        assert any(d.startswith("holds for alpha = 1;") for d in e.details), e.details
        assert "holds only at alpha = 1 (bisection on alpha)" in e.details
    assert audited["elu-df-text-negative"].verdict == "proved"
    assert audited["elu-df-text"].verdict == "equal except at points"


def test_prelu_max_form_only_for_slopes_up_to_one(audited):
    e = audited["prelu-max-form"]
    assert e.verdict == "refuted"
    holds = next(d for d in e.details if d.startswith("holds for"))
    good, bad = holds.split("; fails for ")
    assert "a = 2" in bad and "a = 2" not in good and "a = 1/4" in good
    assert "holds exactly for a <= 1 (boundary located by bisection)" in e.details


def test_swish_helper_reads_global_b(audited):
    e = audited["swish-code-s"]
    assert any("global name `b`" in f and "NameError" in f for f in e.code_findings)
    assert audited["swish-code-df"].verdict == "proved"
    assert audited["silu-df-text"].verdict == "proved"


def test_stated_properties(audited):
    for key in ("mish-unbounded-above", "mish-bounded-below", "mish-smooth",
                "mish-non-monotonic"):
        assert audited[key].verdict == "true", audited[key].summary
    low = re.search(r"minimum (\S+) at x ≈ ([-0-9.]+)", audited["mish-bounded-below"].summary)
    m, where = (_value(g) for g in low.groups())
    mish = lambda t: t * mpmath.tanh(mpmath.log(1 + mpmath.exp(t)))  # noqa: E731
    assert abs(m - mish(mpmath.findroot(lambda t: mpmath.diff(mish, t), -1.2))) < 1e-5
    assert abs(where + 1.19) < 0.01
    rng = audited["relu-range"]
    assert rng.verdict == "true" and "[0, +∞)" in rng.summary
    assert audited["relu-fast-convergence"].verdict == "not checkable"


def test_report_lists_findings(audited):
    text = render(SOURCE, list(audited.values()))
    assert text.startswith("# Audit of the tutorial")
    for heading in ("## Summary", "### What is wrong", "### Code defects found by running the code",
                    "### What is right"):
        assert heading in text
    assert "Correct form:" in text and "$$" in text


def test_generated_report_exists_and_names_the_main_findings():
    path = ROOT / "generated" / "AUDIT.md"
    if not path.exists():
        pytest.skip("generated/AUDIT.md not built yet")
    text = path.read_text(encoding="utf-8")
    for needle in ("np.log10(1+np.exp(x))", "xsigmoid", "709.78", "global name `b`",
                   "(line 31) gives 0, the code gives 1", "(line 155) gives 0.01",
                   "holds only at alpha = 1", "holds exactly for a <= 1", "not checkable"):
        assert needle in text, needle
