"""What verify reports: max_rel_diff as its name says, unresolved points explained."""

from __future__ import annotations

import json
import re

import mpmath

from symacts.cli import main
from symacts.verify import EQUAL_EXCEPT, NUMERICALLY_EQUAL, PROVED, REFUTED, verify


def test_max_rel_diff_of_a_claim_off_by_a_factor_of_two(capsys):
    r = verify("softsign", function="2x/(1 + abs(x))")
    assert r.verdict == REFUTED
    assert r.max_rel_diff == 1.0  # |2s - s| / |s|
    assert r.points_differing > 500
    assert "largest relative difference 1)" in r.summary()
    assert main(["verify", "softsign", "--function", "2x/(1 + abs(x))", "--json"]) == 1
    d = json.loads(capsys.readouterr().out)
    assert d["max_rel_diff"] == 1.0
    r = verify(lhs="3 tanh(x)", rhs="tanh(x)", time_box=0, points=200)
    assert r.max_rel_diff == 2.0


def test_max_rel_diff_is_tiny_when_equal_and_covers_exceptions():
    r = verify("sigmoid", derivative="f*(1 - f)", points=200)
    assert r.verdict == PROVED and r.max_rel_diff < 1e-20
    assert r.max_rel_diff == r.max_rel_diff_agreeing
    r = verify("relu", derivative="1 if x >= 0 else 0", points=200)
    assert r.verdict == EQUAL_EXCEPT
    assert r.max_rel_diff_agreeing == 0.0
    # at the kink the claim gives 1 where the truth is 0: 1 / (smallest normal float64)
    assert r.max_rel_diff == float(1 / mpmath.mpf(2) ** -1022)


def test_an_infinite_relative_difference_stays_valid_json(capsys):
    assert main(["verify", "relu", "--function", "x if x > 0 else 1e300", "--json"]) == 1
    d = json.loads(capsys.readouterr().out)
    assert d["verdict"] == REFUTED and d["max_rel_diff"] == "inf"


def _counts(note: str) -> list[int]:
    return [int(n) for n in re.findall(r"(?:: |; )(\d+) \(\|x\|", note)]


def test_unresolved_points_are_explained_where_they_are_counted():
    r = verify(lhs="1 - tanh(x)^2", rhs="sech(x)^2", time_box=0, points=200)
    assert r.verdict == NUMERICALLY_EQUAL and r.points_unresolved > 0
    note = r.unresolved_note
    assert note.startswith(f"{r.points_unresolved} points could be told neither equal nor "
                           "different: ")
    assert "rounding hides the answer even at 300 digits" in note
    assert "count neither for nor against the claim" in note
    assert sum(_counts(note)) == r.points_unresolved
    text = r.summary()
    assert f"{r.points_unresolved} points unresolved" in text
    assert f"  unresolved: {note}" in text
    r = verify(lhs="sech(exp(x))", rhs="1/cosh(exp(x))", time_box=0, points=200)
    assert "too large or too small for any precision" in r.unresolved_note
    assert sum(_counts(r.unresolved_note)) == r.points_unresolved
    # where 1 - tanh(x)^2 cancels at 40 digits: mpmath agrees it is below 10^-40 there
    lo = float(re.search(r"\|x\| from (\S+) to", note).group(1))
    with mpmath.workdps(40):
        assert 1 - mpmath.tanh(lo) ** 2 < mpmath.mpf(10) ** -39 * 4


def test_nothing_unresolved_nothing_said():
    r = verify("relu", function="max(0, x)", points=200)
    assert r.points_unresolved == 0 and r.unresolved_note == ""
    assert "unresolved" not in r.summary()
