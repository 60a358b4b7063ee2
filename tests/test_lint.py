"""Lint checks on the seeds' own defects, and silence on their clean rows (precision)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlkpi.lint import (
    check_bands,
    check_direction,
    check_polarity,
    check_rates,
    check_series,
    check_share,
    check_stated_rag,
)

SEEDS = Path(__file__).resolve().parent.parent / "samples" / "seeds"


def _codes(findings):
    return [f.code for f in findings]


@pytest.mark.parametrize(("text", "codes"), [
    # seed 002, W 1 (caseloads): 17 or below, then 18.1: 17.1-18.0 get no band
    ("17 or below Green 18.1-20 Amber 20.1 and above Red", ["BAND-GAP"]),
    # seed 002, FD 8 (re-referrals): 21% and 22% are both Green and Amber
    ("22% or below Green 21% - 25% Amber 26% and above Red", ["BAND-OVERLAP"]),
    # seed 002, FD 3: whole percentages, so 84% and below / 85%-89% meet exactly
    ("90% or above Green 85%-89% Amber 84% and below Red", []),
    ("558 or below Green 559 to 608 Amber 609 and above Red", []),  # seed 002, AD 7
    ("16 or below Green 16.1-18 Amber 18.1 and above Red", []),  # one decimal: they meet
    ("mostly fine", ["BAND-UNREADABLE"]),
])
def test_band_gaps_and_overlaps_at_the_text_s_precision(text, codes):
    assert _codes(check_bands(text)) == codes


def test_every_seed_002_methodology_is_checked():
    with open(SEEDS / "002_indicators.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    found = {row["ref"]: _codes(check_bands(row["rag_text"], row["ref"]))
             for row in rows if row["rag_text"]}
    assert found["W 1"] == ["BAND-GAP"] and found["FD 8"] == ["BAND-OVERLAP"]
    # CP 10: "10% of cohort or below Green 10-15% Amber": 10% is in both bands
    assert found["CP 10"] == ["BAND-OVERLAP"]
    # and nothing on the other 21 texts (their bands meet at their own precision)
    assert {ref for ref, codes in found.items() if codes} == {"W 1", "FD 8", "CP 10"}


@pytest.mark.parametrize(("polarity", "text", "codes"), [
    ("SIB", "22% or below Green 21% - 25% Amber 26% and above Red", []),
    ("BIB", "90% or above Green 85%-89% Amber 84% and below Red", []),
    ("SIB", "90% or above Green 85%-89% Amber 84% and below Red", ["POLARITY-BANDS"]),
    ("Info", "90% or above Green 85%-89% Amber 84% and below Red", []),
])
def test_polarity_against_bands(polarity, text, codes):
    assert _codes(check_polarity(polarity, text)) == codes


def test_stated_rag_against_its_rule():
    text = "10% of cohort or below Green 10-15% Amber 16% and above Red"
    # seed 002, CP 10: 14 (a count) printed Green; the text reads it as 14% -> Amber
    assert _codes(check_stated_rag(14, text, "Green")) == ["RAG-STATED"]
    # seed 002, W 1: 18 printed Yellow, the gap's worse band: Amber, so no finding
    assert check_stated_rag(18, "17 or below Green 18.1-20 Amber 20.1 and above Red",
                            "Yellow") == []


@pytest.mark.parametrize(("num", "den", "printed", "decimals", "codes"), [
    (252, 516, 0.488, 1, []),  # 252 / 516 printed as 48.8%
    (440, 527, 0.84, 0, ["SHARE-PRINTED"]),  # seed 000, supervision Aug-15: 83.49%
    (457, 524, 0.87, 0, []),  # seed 000, supervision 6-month: 87.2%
    (303, 1287, 0.24, 0, []),  # seed 000, re-referrals Sep-15: 23.5% -> 24%
])
def test_printed_percentages_against_their_counts(num, den, printed, decimals, codes):
    assert _codes(check_share(num, den, printed, decimals)) == codes


def test_a_month_holding_text():
    # seed 003, 13-month page of 3.5 (assessments ending in ongoing involvement): Apr-16
    # is printed as FALSE
    findings = check_series(["34.7%", "FALSE", "37.2%", ""],
                            ["Mar-16", "Apr-16", "May-16", "Jun-16"], "3.5")
    assert [(f.code, f.where) for f in findings] == [("SERIES-TEXT", "3.5 Apr-16")]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.text(max_size=12), st.one_of(
    st.none(), st.floats(allow_nan=True), st.text(max_size=5)), st.text(max_size=8))
def test_lint_never_raises(text, polarity, value, stated):
    check_bands(text)
    check_polarity(polarity, text)
    check_stated_rag(value, text, stated)


@pytest.mark.parametrize(("current", "previous", "polarity", "stated", "codes"), [
    (0.245, 0.198, "High", "↑", []),  # seed 003, 2.3: up and high is better
    (554.5, 404.4, "Low", "↓", []),  # seed 003, 2.4: up but low is better: worse
    (133.0, 75, "Low", "↑", ["DOT-STATED"]),  # seed 003, 5.3b against the misprinted 75
    (0.891, None, "High", "↓", ["DOT-STATED"]),  # seed 003, 6.14: Dec-16 blank
    (516, 432, "", "↑", []),  # seed 001, page 4: raw direction, no polarity
    (68.14, 50.14, "", "Down", ["DOT-STATED"]),  # seed 001, page 18 (rates)
])
def test_printed_directions_against_their_figures(current, previous, polarity, stated,
                                                  codes):
    assert _codes(check_direction(current, previous, polarity, stated)) == codes


def test_rates_against_their_counts():
    # seed 001: CP plans 246 -> 68.14, looked-after 299 -> 82.83 (36,100 children), and
    # the CAF page's 487 -> 145.98, which implies 33,361 children
    findings = check_rates([246, 299, 487], [68.14, 82.83, 145.98],
                           ["page 18", "page 26", "page 1"])
    assert [(f.code, f.where) for f in findings] == [("RATE-COUNT", "page 1")]
    assert "134.9" in findings[0].message
