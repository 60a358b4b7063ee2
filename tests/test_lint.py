"""Lint checks on the seeds' own defects, and silence on their clean rows (precision).

The value checks first (one defect each, copied from a seed), then every seed laid out
as a workbook (tests/seedbooks.py) and linted whole: each real defect is found where it
is, and nothing else is.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.seedbooks import BUILDERS
from xlkpi.lint import Entry, IndicatorRow, Month, lint
from xlkpi.lint_checks import (
    check_bands,
    check_direction,
    check_polarity,
    check_rates,
    check_series,
    check_share,
    check_stated_rag,
    check_target,
    check_value_in_gap,
)
from xlkpi.workbook import lint_workbook

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
    assert _codes(check_stated_rag(14, "Green", text=text)) == ["RAG-STATED"]
    # seed 002, W 1: 18 printed Yellow, the gap's worse band: Amber, so no finding
    assert check_stated_rag(18, "Yellow",
                            text="17 or below Green 18.1-20 Amber 20.1 and above Red") == []


@pytest.mark.parametrize(("value", "polarity", "red", "green", "stated", "codes"), [
    # seed 003's tolerance RAGs, symbols as printed (★ Green, ■ Amber, ✖ Red)
    (0.782, "High", 0.7, 0.8, "■", []),  # 3.3 assessments in 45 WD
    (0.735, "High", 0.8, 0.9, "✖", []),  # 6.4 ICPCs in 15 days
    (31.9, "Low", 35, 30, "■", []),  # 6.5 CP rate
    (0.007, "Low", 0.2, 0.1, "★", []),  # 6.10 plans over 2 years
    (0.782, "High", 0.7, 0.8, "★", ["RAG-STATED"]),  # 3.3 had it been printed Green
])
def test_stated_rag_against_tolerances(value, polarity, red, green, stated, codes):
    assert _codes(check_stated_rag(value, stated, polarity=polarity, red=red,
                                   green=green)) == codes


@pytest.mark.parametrize(("target", "rule", "codes"), [
    # seed 002 CIN 4: target 75% beside "98% or above Green"
    (0.75, {"text": "98% or above Green 90%-97% Amber 89% and below Red"}, ["TARGET-BANDS"]),
    # seed 002 W1 d: target 17 beside "16 or below Green" (W1 b and W1 c have target 16)
    (17, {"text": "16 or below Green 16.1-18 Amber 18.1 and above Red"}, ["TARGET-BANDS"]),
    (16, {"text": "16 or below Green 16.1-18 Amber 18.1 and above Red"}, []),
    # seed 003 6.10: "10% or less" with Green 10%, Red 20%, low is better
    ("10% or less", {"polarity": "Low", "red": 0.2, "green": 0.1}, []),
    ("100%", {"polarity": "High", "red": 0.8, "green": 0.9}, []),  # seed 003 5.5
])
def test_target_against_the_green_band(target, rule, codes):
    assert _codes(check_target(target, **rule)) == codes


@pytest.mark.parametrize(("value", "codes"), [
    (0.845, ["VALUE-IN-GAP"]),  # seed 002 CL 3a May-17: between 84% and 85%
    (0.86, []), (0.84, []), (0.85, []), (0.74, []),
])
def test_a_figure_more_precise_than_its_bands(value, codes):
    text = "85% or above Green 75%-84% Amber 74% and below Red"
    assert _codes(check_value_in_gap(value, text)) == codes


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
    findings = check_series(["34.7%", "FALSE", "37.2%", "", False, "-", "<5"],
                            ["Mar-16", "Apr-16", "May-16", "Jun-16", "Jul-16", "Aug-16",
                             "Sep-16"])
    assert [(f.code, f.cell) for f in findings] == [("SERIES-TEXT", "Apr-16"),
                                                    ("SERIES-TEXT", "Jul-16")]


def test_a_month_with_no_denominator_is_not_text_typed_by_mistake():
    # xlkpi's engine, KPI_PCT and the DfE's tables write N/A for a month whose indicator
    # has no denominator (Annex A's visits: the extract month only); other words are text
    findings = check_series(["N/A", "n/a", " N/A ", "97.5%", "yes", "NA"],
                            ["Nov-23", "Dec-23", "Jan-24", "Feb-24", "Mar-24", "Apr-24"])
    assert [(f.code, f.cell) for f in findings] == [("SERIES-TEXT", "Mar-24"),
                                                    ("SERIES-TEXT", "Apr-24")]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.text(max_size=12), st.one_of(
    st.none(), st.floats(allow_nan=True), st.text(max_size=5)), st.text(max_size=8))
def test_lint_never_raises(text, polarity, value, stated):
    check_bands(text)
    check_polarity(polarity, text)
    check_stated_rag(value, stated, text=text)
    check_target(value, text=text)
    check_value_in_gap(value, text)


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
    assert [(f.code, f.cell) for f in findings] == [("RATE-COUNT", "page 1")]
    assert "134.9" in findings[0].message


#: Every real defect in seeds 000-003, by the report's own reference and column heading.
SEED_DEFECTS = {
    "000": [
        # supervision, Aug-15: 440 / 527 = 83.49%, printed 84%
        ("SHARE-PRINTED", "11", "%"),
    ],
    "001": [
        # CAF page: 487 -> 145.98 implies 33,361 children; pages 18 and 26 use 36,100
        ("RATE-COUNT", "1", "Rate per 10,000"),
        # page 17: 36 -> 83.66 (not marked YTD) implies about 4,303 children
        ("RATE-COUNT", "17", "Rate per 10,000"),
        # page 18: 246 (rate 68.14) against last year's 50.14 printed Down
        ("DOT-STATED", "18", "Direction of Travel (Comparator with last year)"),
    ],
    "002": [
        ("VALUE-IN-GAP", "W 1", "Nov-17"),  # 18 between "17 or below" and "18.1-20"
        ("BAND-GAP", "W 1", "RAG Methodology"),  # 17.1 to 18.0 get no band
        ("TARGET-BANDS", "W1 d", "2017-18 Target"),  # 17 beside "16 or below Green"
        ("BAND-OVERLAP", "FD 8", "RAG Methodology"),  # "22% or below" / "21% - 25%"
        ("TARGET-BANDS", "CIN 4", "2017-18 Target"),  # 75% beside "98% or above Green"
        ("RAG-STATED", "CP 10", "RAG"),  # 14 printed Green; "10-15% Amber"
        ("BAND-OVERLAP", "CP 10", "RAG Methodology"),  # "10% or below" / "10-15%"
        ("RAG-MISSING", "MC 6", "RAG"),  # 42% with a methodology, no RAG printed
        ("RAG-MISSING", "LE 2", "RAG"),  # 11.0% with a methodology, no RAG printed
        ("VALUE-IN-GAP", "CL 3a", "May-17"),  # 84.5% between "75%-84%" and "85%"
        ("POLARITY-BANDS", "QA 1", "Polarity"),  # SIB beside "90% or above Green"
    ],
    "003": [
        ("RAG-MISSING", "2.3", "RAG (In month unless stated)"),  # tolerances, no RAG
        ("RATE-SERIES", "5.3b", "Dec-16"),  # 75 where 2302 children give 137.1
        ("DOT-STATED", "5.3b", "DOT (Month on Month)"),  # ↑ for 75 -> 133, low is better
        ("DOT-STATED", "6.14", "DOT (Month on Month)"),  # ↓ with Dec-16 blank
        ("SERIES-TEXT", "13m 3.5", "Apr-16"),  # the 13-month page prints FALSE
    ],
}


@pytest.mark.parametrize("seed", sorted(SEED_DEFECTS))
def test_every_seed_defect_is_found_where_it_is_and_nothing_else(seed, tmp_path):
    path = tmp_path / f"seed_{seed}.xlsx"
    cells = BUILDERS[seed](path)
    found = sorted((f.code, f.cell) for f in lint_workbook(path))
    expected = sorted((code, cells[(ref, heading)].split("!")[-1])
                      for code, ref, heading in SEED_DEFECTS[seed])
    assert found == expected


def test_findings_name_the_indicator_and_say_what_is_wrong(tmp_path):
    path = tmp_path / "seed_003.xlsx"
    BUILDERS["003"](path)
    messages = {f.code: f.message for f in lint_workbook(path)}
    assert messages["RATE-SERIES"].startswith("5.3b: a rate of 75 from 2302 (5.2)")
    assert "137.1" in messages["RATE-SERIES"]  # 2302 at the other months' ratio
    assert messages["SERIES-TEXT"] == ("3.5: FALSE is not a number; a month's figure must "
                                       "be a number or blank")


def _row(**fields) -> IndicatorRow:
    months = fields.pop("months", [])
    return IndicatorRow("S", "X", fields={k: Entry(v, k) for k, v in fields.items()},
                        months=[Month(24_200 + k, f"m{k}", v, f"m{k}")
                                for k, v in enumerate(months)])


def test_an_indicator_table_without_a_workbook():
    rows = [
        _row(polarity="High", rag_text="90% or above Green 85%-89% Amber 84% and below Red",
             target=0.8, rag="Green", months=[0.91, 0.87]),
    ]
    # the target 80% is Red by the bands; 87% is Amber, printed Green
    assert sorted(_codes(lint(rows))) == ["RAG-STATED", "TARGET-BANDS"]
    assert all(f.sheet == "S" and f.message.startswith("X: ") for f in lint(rows))


def test_a_rate_is_reported_on_its_own_sheet_when_cells_share_an_address():
    # seed 001's rates, split over two sheets whose rate cells are all F2
    rows = [IndicatorRow(sheet, label, fields={"value": Entry(count, "E2"),
                                               "rate": Entry(rate, "F2")})
            for sheet, label, count, rate in [("CAF", "page 1", 487, 145.98),
                                              ("CP", "page 18", 246, 68.14),
                                              ("CLA", "page 26", 299, 82.83)]]
    assert [(f.code, f.sheet, f.cell) for f in lint(rows)] == [("RATE-COUNT", "CAF", "F2")]
    assert lint(rows)[0].message.startswith("page 1: 487 per 36,")


_cell_values = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=True),
                         st.integers(-10**6, 10**6), st.text(max_size=30),
                         st.sampled_from(["Green", "★", "↑", "High", "SIB", "10% or less",
                                          "17 or below Green 18.1-20 Amber", "FALSE"]))


@settings(max_examples=200, deadline=None)
@example(fields={"rate": float("inf"), "value": 1.0}, months=[], lag=1)  # found by hypothesis
@given(st.dictionaries(st.sampled_from(["ref", "name", "polarity", "unit", "value",
                                        "target", "rag", "rag_text", "red", "green",
                                        "dot", "numerator", "denominator", "rate"]),
                       _cell_values),
       st.lists(_cell_values, max_size=14), st.integers(1, 12))
def test_lint_never_raises_on_any_table(fields, months, lag):
    row = _row(**fields, months=months)
    row.dot_lag = lag
    for finding in lint([row, row]):
        assert finding.code and finding.message


def test_a_rolling_or_annualised_rate_is_not_checked_against_the_month_s_count():
    # county 2.4 as the demo fills it: REFRATE is the rolling 12-month referrals per
    # 10,000, so month count / rate is not the population; the same months as an in-month
    # rate per 10,000 with one mistyped month are still found
    counts = [152, 138, 160, 155]
    rolling = [505.8, 505.8, 508.1, 510.2]
    in_month = [c / 36_100 * 10_000 for c in counts]
    in_month[1] = 75.0

    def rows(name: str, unit: str, rates: list[float]) -> list[IndicatorRow]:
        def series(values):
            return [Month(24_200 + k, f"m{k}", v, f"m{k}") for k, v in enumerate(values)]
        return [IndicatorRow("S", "2.2", fields={"name": Entry("Referrals - No. (in-month)",
                                                               "C"),
                                                 "unit": Entry("Count", "E")},
                             months=series(counts)),
                IndicatorRow("S", "2.4", fields={"name": Entry(name, "C"),
                                                 "unit": Entry(unit, "E")},
                             months=series(rates))]

    annualised = "Referrals - Rate per 10k Under-18s (Annualised)"
    assert _codes(lint(rows(annualised, "Rate", rolling))) == []
    assert _codes(lint(rows("Referrals - Rate per 10k Under-18s", "Rolling 12 months",
                            rolling))) == []
    assert _codes(lint(rows("Referrals - Rate per 10k Under-18s", "Rate", in_month))) == [
        "RATE-SERIES"]
