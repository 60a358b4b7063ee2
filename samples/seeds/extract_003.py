"""Read seed 003's (Norfolk County Report, January 2017) tab-separated tables into CSV.

The seed is the text of a published PDF, kept outside this repository
(``../shared/reference/seeds/003_*.txt``); its main table and its 13-month pages are
tab-separated, so they are read by program rather than retyped. Run once:
``python samples/seeds/extract_003.py`` writes ``003_indicators.csv``,
``003_monthly.csv`` and ``003_trends.csv`` next to this file (committed).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from seedfiles import seed_lines, write_seed

HERE = Path(__file__).resolve().parent
MONTHS = ["2016-10", "2016-11", "2016-12", "2017-01"]
SYMBOLS = {"★": "Green", "■": "Amber", "✖": "Red"}
ARROWS = {"↑": "Up", "↓": "Down", "➡": "No change", "↔": "No change", "-": ""}
#: Rows that measure exactly an xlkpi indicator (xlkpi/indicators/definitions.py).
XLKPI = {"2.7": "REREF12", "3.3": "ASSESS45", "6.4": "ICPC15", "6.5": "CPRATE",
         "7.2": "CLARATE"}
COLUMNS = ["key", "ref", "section", "name", "polarity", "unit", "target", "owner",
           "printed_rag", "printed_dot", "printed_trend", "data_note", "ytd", "target_text",
           "red", "green", "previous_ytd", "sn_avg", "sn_best", "nat_avg",
           "nat_top_quartile"]


def number(text: str) -> str:
    """A printed figure as a plain number ("22.9%" -> 0.229, "34,029" -> 34029)."""
    text = text.strip().replace(",", "")
    match = re.match(r"^(-?[0-9.]+)\s*(%?)", text)
    if not match or match.group(1) in ("", "."):
        return ""
    value = float(match.group(1))
    if match.group(2):
        value = round(value / 100, 6)
    return f"{value:g}" if not value.is_integer() else str(int(value))


def unit(note: str) -> str:
    note = note.lower()
    if "percent" in note or note == "rolling 12":
        return "percentage"
    if "rate" in note:
        return "rate"
    return "count"


def main_table(lines: list[str]) -> tuple[list[dict], list[dict]]:
    indicators, monthly = [], []
    section = ""
    for line in lines:
        cells = line.rstrip("\n").split("\t")
        if len(cells) < 20 or not re.match(r"^[0-9]+\.[0-9]+[a-z]?$", cells[1].strip()):
            continue
        section = cells[0].strip() or section
        ref = cells[1].strip()
        target_text = cells[10].strip()
        row = {
            "key": XLKPI.get(ref, f"S003-{ref}"), "ref": ref, "section": section,
            "name": cells[2].strip(), "polarity": cells[3].strip(), "unit": unit(cells[4]),
            "target": number(target_text), "owner": "",
            "printed_rag": SYMBOLS.get(cells[12].strip(), ""),
            "printed_dot": ARROWS.get(cells[11].strip(), cells[11].strip()),
            "printed_trend": "", "data_note": cells[4].strip(), "ytd": number(cells[9]),
            "target_text": target_text, "red": number(cells[13]), "green": number(cells[14]),
            "previous_ytd": number(cells[15]), "sn_avg": number(cells[16]),
            "sn_best": number(cells[17]), "nat_avg": number(cells[18]),
            "nat_top_quartile": number(cells[19]) if len(cells) > 19 else "",
        }
        indicators.append(row)
        for period, text in zip(MONTHS, cells[5:9], strict=True):
            value = number(text)
            if value != "":
                monthly.append({"period": period, "code": row["key"], "numerator": "",
                                "denominator": "", "value": value})
    return indicators, monthly


def month_pages(lines: list[str], keys: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """The 13-month pages whose columns hold one series per indicator ref."""
    trends, monthly = [], []
    for i, line in enumerate(lines):
        cells = line.rstrip("\n").split("\t")
        if not (line.startswith("\t\t") and all(
                re.match(r"^[0-9]+\.[0-9]+[a-z]?$", c.strip()) for c in cells[2:] if c.strip())
                and any(c.strip() for c in cells[2:])):
            continue
        refs = {j: c.strip() for j, c in enumerate(cells) if j >= 2 and c.strip()}
        series: dict[str, list[tuple[str, str]]] = {r: [] for r in refs.values()}
        trend_line = None
        for follow in lines[i + 1: i + 22]:
            parts = follow.rstrip("\n").split("\t")
            month = next((p for p in parts[:2] if re.match(r"^[A-Z][a-z]{2}-[0-9]{2}$",
                                                            p.strip())), None)
            if month and len(parts) > max(refs):
                period = dt.datetime.strptime(month.strip(), "%b-%y").strftime("%Y-%m")
                for j, ref in refs.items():
                    series[ref].append((period, parts[j]))
            if "13 month linear" in follow:
                trend_line = parts
                break
        values_per_row = {len([p for p in follow.split("\t")[2:] if p.strip()])
                          for follow in lines[i + 3: i + 16]}
        if trend_line is None or len(refs) not in values_per_row:
            continue
        for j, ref in refs.items():
            printed = trend_line[j].strip().rstrip(".") if j < len(trend_line) else ""
            key = keys.get(ref)
            if key is None or len(series[ref]) != 13:
                continue
            trends.append({"key": key, "ref": ref, "printed_trend": printed})
            for period, text in series[ref]:
                value = number(text)
                if value != "":
                    monthly.append({"period": period, "code": key, "numerator": "",
                                    "denominator": "", "value": value})
    return trends, monthly


def main() -> None:
    lines = seed_lines("003")
    indicators, monthly = main_table(lines)
    keys = {row["ref"]: row["key"] for row in indicators}
    trends, thirteen = month_pages(lines, keys)
    printed = {t["key"]: t["printed_trend"] for t in trends}
    for row in indicators:
        row["printed_trend"] = printed.get(row["key"], "")
    seen = {(m["period"], m["code"]) for m in thirteen}
    monthly = thirteen + [m for m in monthly if (m["period"], m["code"]) not in seen]
    for row in indicators:  # the year-to-date columns, as key:YTD and key:PYTD in Jan-17
        for column, suffix in (("ytd", ":YTD"), ("previous_ytd", ":PYTD")):
            if row[column] != "":
                monthly.append({"period": MONTHS[-1], "code": row["key"] + suffix,
                                "numerator": "", "denominator": "", "value": row[column]})
    monthly.sort(key=lambda m: (m["code"], m["period"]))
    write_seed(HERE, "003", COLUMNS, indicators, monthly)
    print(f"{len(indicators)} indicators, {len(monthly)} monthly figures, "
          f"{len(trends)} printed trends")


if __name__ == "__main__":
    main()
