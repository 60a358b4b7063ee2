"""Read seed 002's (an Ofsted Improvement Board Priority Indicators report, November
2017) tab-separated indicator tables into CSV.

The seed is the text of a published PDF kept outside this repository
(``../shared/reference/seeds/002_*.txt``). Each section's table has: Indicator Number,
Indicator Title, Polarity, Apr-17 ... Nov-17, 2017-18 Target, Target Owner, RAG,
RAG Methodology. Run once: ``python samples/seeds/extract_002.py [FOLDER]`` writes
``002_indicators.csv`` and ``002_monthly.csv`` (committed). "Yellow" is read as Amber.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from seedfiles import number, seed_lines, write_seed

HERE = Path(__file__).resolve().parent
MONTHS = ["2017-04", "2017-05", "2017-06", "2017-07", "2017-08", "2017-09", "2017-10",
          "2017-11"]
#: Rows that measure exactly an xlkpi indicator (xlkpi/indicators/definitions.py).
XLKPI = {"FD 8": "REREF12", "AMT 2": "ASSESS45"}
COLUMNS = ["key", "ref", "section", "name", "polarity", "unit", "target", "owner",
           "printed_rag", "printed_dot", "printed_trend", "rag_text"]


def extract(lines: list[str]) -> tuple[list[dict], list[dict]]:
    indicators, monthly, section = [], [], ""
    for line in lines:
        stripped = line.strip()
        if re.fullmatch(r"[A-Z][A-Z &]+", stripped) and stripped not in ("OUR", "FOCUS"):
            section = stripped.title()
            continue
        cells = line.split("\t")
        if len(cells) < 15 or cells[0] == "Indicator Number" or not cells[1].strip() or \
                cells[0].strip() in ("", "Improvement Activity", "Next Steps"):
            continue
        ref = re.sub(r"\s+", " ", cells[0].strip())
        printed = [c.strip() for c in cells[3:11]]
        unit = "percentage" if any(c.endswith("%") for c in [*printed, cells[11]]) else "count"
        row = {"key": XLKPI.get(ref, "S002-" + ref.replace(" ", "")), "ref": ref,
               "section": section, "name": cells[1].strip(), "polarity": cells[2].strip(),
               "unit": unit, "target": number(cells[11]), "owner": cells[12].strip(),
               "printed_rag": {"Yellow": "Amber"}.get(cells[13].strip(), cells[13].strip()),
               "printed_dot": "", "printed_trend": "", "rag_text": cells[14].strip()}
        indicators.append(row)
        for period, text in zip(MONTHS, printed, strict=True):
            value = number(text)
            if value != "":
                monthly.append({"period": period, "code": row["key"], "numerator": "",
                                "denominator": "", "value": value})
    return indicators, monthly


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    indicators, monthly = extract(seed_lines("002"))
    write_seed(folder, "002", COLUMNS, indicators, monthly)
    print(f"{len(indicators)} indicators, {len(monthly)} monthly figures")


if __name__ == "__main__":
    main()
