"""The seed reports as the workbooks their analysts would have kept, for the lint tests.

Each builder lays a seed's published figures (``samples/seeds/``) out under the report's
own headings, with every figure, arrow, RAG and methodology text as printed, so
``xlkpi lint`` reads them the way it would read the council's workbook. Each returns
where each figure went: ``{(ref, heading): "D7"}``, so a test can name the cell of a
defect by the report's own words ("W 1", "Nov-17").
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook

SEEDS = Path(__file__).resolve().parent.parent / "samples" / "seeds"
ARROWS = {"Up": "↑", "Down": "↓", "No change": "➡"}
SYMBOLS = {"Green": "★", "Amber": "■", "Red": "✖"}

#: Seed 003's 13-month page for 3.5 (assessments ending in ongoing involvement), Jan-16
#: to Jan-17 as printed: Apr-16 is the text FALSE.
SEED_003_3_5 = (0.347, 0.313, 0.335, False, 0.372, 0.438, 0.428, 0.344, 0.389, 0.402,
                0.358, 0.389, 0.416)


def _read(name: str) -> list[dict[str, str]]:
    with open(SEEDS / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _monthly(seed: str) -> dict[str, dict[str, dict[str, str]]]:
    """``{code: {period: row}}`` of a seed's monthly figures."""
    table: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for row in _read(f"{seed}_monthly.csv"):
        table[row["code"]][row["period"]] = row
    return table


def _number(text: str) -> float | int | None:
    if text in ("", None):
        return None
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def _label(period: str) -> str:
    """``2017-04`` as the reports head a month column: ``Apr-17``."""
    year, month = period.split("-")
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return f"{names[int(month) - 1]}-{year[2:]}"


class _Sheet:
    """Writes rows and remembers which (ref, heading) each figure went to."""

    def __init__(self, sheet) -> None:
        self.sheet = sheet
        self.row = 0
        self.cells: dict[tuple[str, str], str] = {}

    def write(self, values: list, headings: list[str] | None = None, ref: str = "") -> None:
        self.row += 1
        for col, value in enumerate(values, start=1):
            if value is not None and value != "":
                self.sheet.cell(self.row, col, value)
        if headings and ref:
            for col, heading in enumerate(headings, start=1):
                if heading:
                    letter = self.sheet.cell(self.row, col).column_letter
                    self.cells[(ref, heading)] = f"{letter}{self.row}"


def build_002(path: Path) -> dict[tuple[str, str], str]:
    """The improvement board's priority indicators (seed 002), one table per section."""
    months = [f"2017-{m:02d}" for m in range(4, 12)]
    headings = ["Indicator Number", "Indicator Title", "Polarity",
                *[_label(p) for p in months], "2017-18 Target", "Target Owner", "RAG",
                "RAG Methodology"]
    figures = _monthly("002")
    book = Workbook()
    sheet = _Sheet(book.active)
    sheet.sheet.title = "Priority indicators"
    section = None
    for row in _read("002_indicators.csv"):
        if row["section"] != section:
            section = row["section"]
            sheet.write([section])
            sheet.write(headings)
        values = [_number(figures[row["key"]].get(p, {}).get("value", "")) for p in months]
        sheet.write([row["ref"], row["name"], row["polarity"], *values,
                     _number(row["target"]), row["owner"], row["printed_rag"],
                     row["rag_text"]], headings, row["ref"])
    book.save(path)
    return sheet.cells


def build_003(path: Path) -> dict[tuple[str, str], str]:
    """The county report (seed 003): its two-row header, and a 13-month sheet."""
    months = ["2016-10", "2016-11", "2016-12", "2017-01"]
    top = ["Area", "Ref", "Indicator", "Good perf. is", "Data note (Monthly)",
           "Last four months", "", "", "", "Current year", "", "DOT (Month on Month)",
           "RAG (In month unless stated)", "Tolerances", "", "Previous YTD",
           "Latest benchmarking", "", "", ""]
    second = ["", "", "", "", "", *[_label(p) for p in months], "YTD", "Target", "", "",
              "Red", "Green", "", "Stat neigh avg", "Best stat neigh", "Nat. avg",
              "Nat. top quartile"]
    headings = [b or a for a, b in zip(top, second, strict=True)]
    figures = _monthly("003")
    book = Workbook()
    sheet = _Sheet(book.active)
    sheet.sheet.title = "County Report"
    sheet.write(top)
    sheet.write(second)
    area = None
    for row in _read("003_indicators.csv"):
        values = [_number(figures[row["key"]].get(p, {}).get("value", "")) for p in months]
        shown_area = row["section"] if row["section"] != area else ""
        area = row["section"]
        sheet.write([shown_area, row["ref"], row["name"], row["polarity"], row["data_note"],
                     *values, _number(row["ytd"]), row["target_text"] or None,
                     ARROWS.get(row["printed_dot"], row["printed_dot"] or None),
                     SYMBOLS.get(row["printed_rag"]), _number(row["red"]),
                     _number(row["green"]), _number(row["previous_ytd"]),
                     _number(row["sn_avg"]), _number(row["sn_best"]),
                     _number(row["nat_avg"]), _number(row["nat_top_quartile"])],
                    headings, row["ref"])
    year = [f"{y}-{m:02d}" for y, m in [(2016, m) for m in range(1, 13)] + [(2017, 1)]]
    thirteen = _Sheet(book.create_sheet("13 months"))
    headings = ["Ref", "Indicator", "Good perf. is", *[_label(p) for p in year]]
    thirteen.write(headings)
    for row in _read("003_indicators.csv"):
        series = figures[row["key"]]
        if row["ref"] == "3.5":
            values = list(SEED_003_3_5)
        elif sum(p in series for p in year) >= 10:
            values = [_number(series.get(p, {}).get("value", "")) for p in year]
        else:
            continue
        thirteen.write([row["ref"], row["name"], row["polarity"], *values], headings,
                       "13m " + row["ref"])
    book.save(path)
    return {**sheet.cells, **thirteen.cells}


def build_001(path: Path) -> dict[tuple[str, str], str]:
    """Herefordshire's indicator pages (seed 001) as one table, a row per page."""
    current, last_year, two_years = "2015-10", "2014-10", "2013-10"
    headings = ["Code", "Indicator", "Responsible officer", "Measure polarity",
                _label(current), "Rate per 10,000", "Rate per 10,000 (YTD)", "Target",
                "Direction of Travel (Comparator with last year)", _label(last_year),
                _label(two_years), "Sep-15", "Aug-15"]
    figures = _monthly("001")
    book = Workbook()
    sheet = _Sheet(book.active)
    sheet.sheet.title = "Indicators"
    sheet.write(headings)
    for row in _read("001_indicators.csv"):
        key = row["key"]

        def printed(period: str, key: str = key) -> float | int | None:
            """The figure printed for the period: the page's own, else its rate."""
            found = figures[key].get(period) or figures[key + ":RATE"].get(period)
            return _number(found["value"]) if found else None

        rate = _number(row["rate_per_10k"])
        ytd = "(YTD)" in row["rate_label"]
        sheet.write([row["ref"], row["name"], row["owner"], row["polarity"],
                     printed(current), None if ytd else rate, rate if ytd else None,
                     _number(row["target"]), row["printed_dot"] or None,
                     printed(last_year), printed(two_years), printed("2015-09"),
                     printed("2015-08")], headings, row["ref"])
    book.save(path)
    return sheet.cells


def build_000(path: Path) -> dict[tuple[str, str], str]:
    """The city scorecard (seed 000): each measure's counts and percentage, by period."""
    headings = ["Ref", "Measure", "Period", "Numerator", "Denominator", "%",
                "National average"]
    names = {row["key"]: row for row in _read("000_indicators.csv")}
    book = Workbook()
    sheet = _Sheet(book.active)
    sheet.sheet.title = "Scorecard"
    sheet.write(headings)
    for row in _read("000_monthly.csv"):
        key, _, area = row["code"].partition("@")
        key, _, six = key.partition(":")
        indicator = names[key]
        period = "6 month" if six else _label(row["period"])
        label = indicator["ref"] + (f" {area}" if area else "") + (" 6M" if six else "")
        sheet.write([label, indicator["name"], period, _number(row["numerator"]),
                     _number(row["denominator"]), _number(row["value"]),
                     _number(indicator["nat_avg"])], headings, label)
    book.save(path)
    return sheet.cells


BUILDERS = {"000": build_000, "001": build_001, "002": build_002, "003": build_003}
