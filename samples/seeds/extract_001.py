"""Read seed 001's (a unitary council's Performance Report, October 2015) indicator pages
into CSV.

The seed is the text of a published PDF kept outside this repository
(``../shared/reference/seeds/001_*.txt``). Each page starts ``Code<TAB>n<TAB>Name<TAB>...
<TAB>Responsible officer<TAB>...`` and labels its figures ("Current Value", "Rate per
10,000", "Target", "Direction of Travel (Comparator with last year)", "Previous Values",
"England", "Statistical Neighbours", "West Midlands", "Measure Period"), so they are read
by label. Run once: ``python samples/seeds/extract_001.py [FOLDER]`` writes
``001_indicators.csv`` and ``001_monthly.csv`` (committed). Arrows survive the PDF's text
only on some pages; where none is printed ``printed_dot`` is blank.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import sys
from pathlib import Path

from seedfiles import number, seed_lines, write_seed

HERE = Path(__file__).resolve().parent
#: Pages that measure exactly an xlkpi indicator (xlkpi/indicators/definitions.py).
XLKPI = {"7": "CONTACTREF", "8": "REREF12",
         "23": "ICPC15"}  # pages 21 and 29 count visits and reviews, not children
ARROWS = {"↑": "Up", "↓": "Down", "➡": "No change", "↔": "No change", "→": "No change"}
COLUMNS = ["key", "ref", "section", "name", "polarity", "unit", "target", "owner",
           "printed_rag", "printed_dot", "printed_trend", "rate_label", "rate_per_10k", "england",
           "england_period", "stat_neighbours", "stat_neighbours_period", "regional",
           "regional_period", "snapshot_or_cumulative", "period_label"]


def _after(lines: list[str], label: str) -> tuple[str, str] | None:
    """The (period, value) on the line after a label line such as "England"."""
    for i, line in enumerate(lines):
        if line.split("\t")[0].strip() == label and i + 1 < len(lines):
            parts = lines[i + 1].split("\t")
            return parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""
    return None


def _labelled(lines: list[str], prefix: str) -> list[str] | None:
    """The first line whose label starts with ``prefix``, split at its tabs."""
    return next((parts for line in lines
                 if (parts := [p.strip() for p in line.split("\t")])[0].startswith(prefix)),
                None)


def _field(lines: list[str], prefix: str) -> str | None:
    """The figure beside the label (``"Rate per 10,000"`` -> ``"145.98"``)."""
    parts = _labelled(lines, prefix)
    return None if parts is None else (parts[1] if len(parts) > 1 else "")


def _label(lines: list[str], prefix: str) -> str:
    """The label as printed ("Rate per 10,000" or "Rate per 10,000 (YTD)")."""
    parts = _labelled(lines, prefix)
    return "" if parts is None else parts[0]


def page(lines: list[str]) -> tuple[dict, list[dict]] | None:
    head = lines[0].split("\t")
    if len(head) < 6 or "Name" not in head[2]:
        return None
    ref, name, owner = head[1].strip(), head[3].strip(), head[5].strip()
    key = XLKPI.get(ref, f"S001-{ref}")
    current = _field(lines, "Current Value")
    if current is None:
        return None
    measure = _field(lines, "Measure") or ""
    updated = _field(lines, "Last Update") or ""
    period = dt.datetime.strptime(updated, "%B %Y").strftime("%Y-%m") if updated else ""
    monthly = []
    if number(current) != "" and period:
        monthly.append({"period": period, "code": key, "numerator": "", "denominator": "",
                        "value": number(current)})
    rate = number(_field(lines, "Rate per 10,000") or "")
    if rate != "" and period:
        monthly.append({"period": period, "code": key + ":RATE", "numerator": "",
                        "denominator": "", "value": rate})
    previous = next((i for i, line in enumerate(lines) if line.startswith("Previous Values")),
                    None)
    if previous is not None:
        for line in lines[previous + 1: previous + 6]:
            parts = line.split("\t")
            if not re.fullmatch(r"[A-Z][a-z]{2}-[0-9]{2}", parts[0].strip()):
                break
            value = number(parts[1]) if len(parts) > 1 else ""
            if value != "":
                month = dt.datetime.strptime(parts[0].strip(), "%b-%y").strftime("%Y-%m")
                # some pages list last year's *rate* beside this month's count: keep the
                # two series apart (KEY:RATE) so no count is compared with a rate
                is_rate = rate != "" and number(current) != "" and abs(
                    float(value) - float(rate)) < abs(float(value) - float(number(current)))
                monthly.append({"period": month, "code": key + (":RATE" if is_rate else ""),
                                "numerator": "", "denominator": "", "value": value})
    dot = _field(lines, "Direction of Travel") or ""
    england = _after(lines, "England") or ("", "")
    neighbours = _after(lines, "Statistical Neighbours") or ("", "")
    regional = _after(lines, "West Midlands") or ("", "")
    period_kind = _after(lines, "Measure Period") or ("", "")
    unit = "percentage" if current.strip().endswith("%") else "count"

    def benchmark(text: str) -> str:
        """Benchmarks of a percentage are printed with or without "%" (23.4 or 69.57%);
        one over 100 beside a percentage is a rate per 10,000 and is left out."""
        value = number(text)
        if value != "" and unit == "percentage" and float(value) > 1.5:
            value = f"{float(value) / 100:g}" if float(value) <= 100 else ""
        return value

    row = {
        "key": key, "ref": ref, "section": "", "name": name,
        "polarity": "" if measure == "N/A" else measure,
        "unit": unit,
        "target": number(_field(lines, "Target") or ""), "owner": owner,
        "printed_rag": "", "printed_dot": ARROWS.get(dot, ""), "printed_trend": "",
        "rate_label": _label(lines, "Rate per 10,000"),
        "rate_per_10k": number(_field(lines, "Rate per 10,000") or ""),
        "england": benchmark(england[1]), "england_period": england[0],
        "stat_neighbours": benchmark(neighbours[1]), "stat_neighbours_period": neighbours[0],
        "regional": benchmark(regional[1]), "regional_period": regional[0],
        "snapshot_or_cumulative": period_kind[0], "period_label": updated,
    }
    return row, monthly


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    lines = seed_lines("001")
    starts = [i for i, line in enumerate(lines) if line.startswith("Code\t")] + [len(lines)]
    indicators, monthly = [], []
    for begin, end in itertools.pairwise(starts):
        found = page(lines[begin:end])
        if found:
            indicators.append(found[0])
            monthly.extend(found[1])
    write_seed(folder, "001", COLUMNS, indicators, monthly)
    print(f"{len(indicators)} indicator pages, {len(monthly)} figures")


if __name__ == "__main__":
    main()
