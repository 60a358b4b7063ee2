"""Build the scorecard templates, one per seed report layout, into workbooks/.

``python workbooks/build.py`` (or ``make templates``) rewrites the committed templates.
Each has the report sheet(s) with KPI functions where the report shows a verdict, a
Settings sheet (region, closure days, 0-17 population) and a Data sheet that
``xlkpi fill`` fills with the monthly indicator table.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from workbooks import board, city, county, pages  # noqa: E402

#: Template file name -> the function that builds it.
TEMPLATES = {
    "county_report.xlsx": county.build,
    "board_priority_indicators.xlsx": board.build,
    "indicator_pages.xlsx": pages.build,
    "city_scorecard.xlsx": city.build,
}


def main() -> None:
    for name, build in TEMPLATES.items():
        print(build(HERE / name))


if __name__ == "__main__":
    main()
