"""Build tests/data/golden.xlsx: a small scorecard with native and KPI formulas.

Run once (``python tests/data/build_golden.py``); the file is committed. It holds no
cached values: the tests compute what Excel would cache with independent oracles.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

HERE = Path(__file__).resolve().parent

#: England and Wales bank holidays 2023-2024 (gov.uk/bank-holidays).
BANK_HOLIDAYS = [dt.date(2023, m, d) for m, d in (
    (1, 2), (4, 7), (4, 10), (5, 1), (5, 8), (5, 29), (8, 28), (12, 25), (12, 26))] + [
    dt.date(2024, m, d) for m, d in (
        (1, 1), (3, 29), (4, 1), (5, 6), (5, 27), (8, 26), (12, 25), (12, 26))]

#: (referral, authorised or None): crossings of Easter, the Coronation and Christmas 2023,
#: exact 45/46 working-day boundaries, same-day, a weekend start and an open case.
CASES = [
    ("2023-03-31", "2023-04-14"), ("2023-04-06", "2023-04-11"), ("2023-05-05", "2023-05-10"),
    ("2023-05-05", "2023-05-05"), ("2023-05-13", "2023-05-15"), ("2023-03-01", "2023-05-09"),
    ("2023-03-01", "2023-05-10"), ("2023-12-22", "2024-01-02"), ("2023-11-01", "2024-01-05"),
    ("2024-03-28", "2024-04-02"), ("2023-06-01", None), ("2023-07-03", "2023-09-04"),
    ("2023-09-29", "2023-10-02"), ("2024-02-28", "2024-03-01"), ("2023-01-03", "2023-03-07"),
    ("2023-01-03", "2023-03-08"),
]


def build(path: Path = HERE / "golden.xlsx") -> Path:
    wb = Workbook()
    cases = wb.active
    cases.title = "Cases"
    cases.append(["Referral", "Authorised", "NETWORKDAYS", "KPI_WORKDAYS", "Verdict",
                  "INTL", "WORKDAY+10", "Months", "Within", "Days"])
    for i, (start, end) in enumerate(CASES):
        r = i + 2
        cases.append([
            dt.date.fromisoformat(start), dt.date.fromisoformat(end) if end else None,
            f"=NETWORKDAYS(A{r},B{r})",
            f"=KPI_WORKDAYS(A{r},B{r})",
            f'=IF(B{r}="","Open",IF(D{r}<=45,"In time","Late"))',
            f"=NETWORKDAYS.INTL(A{r},B{r},1,Holidays!$A$1:$A$17)",
            f"=WORKDAY(A{r},10,Holidays!$A$1:$A$17)",
            f'=IFERROR(DATEDIF(A{r},B{r},"m"),"")',
            f'=_xldudf_KPI_WITHIN(A{r},B{r},"ASSESSMENT")',
            f'=DATEDIF(A{r},A{r}+40,"d")',
        ])
        for col in "ABG":
            cases[f"{col}{r}"].number_format = "dd/mm/yyyy"
    holidays = wb.create_sheet("Holidays")
    for day in BANK_HOLIDAYS:
        holidays.append([day])
    last = len(CASES) + 1
    summary = wb.create_sheet("Summary")
    rows = [
        ("In time", '=COUNTIFS(Cases!E:E,"In time")'),
        ("Authorised", '=COUNTIFS(Cases!B:B,"<>")'),
        ("Share in time", "=KPI_PCT(B1,B2)"),
        ("Working days of late cases", '=SUMIFS(Cases!D:D,Cases!E:E,"Late")'),
        ("Mean working days in time", '=AVERAGEIFS(Cases!D:D,Cases!E:E,"In time")'),
        ("Longest", "=INDEX(Cases!D:D,MATCH(MAX(Cases!D:D),Cases!D:D,0))"),
        ("Referral of the longest", f"=_xlfn.XLOOKUP(B6,Cases!D2:D{last},Cases!A2:A{last})"),
        ("EDATE leap", "=EDATE(DATE(2024,1,31),1)"),
        ("Shown", '=TEXT(B3,"0.0%")'),
        ("RAG", '=KPI_RAG(B3,"High",0.6,0.8)'),
        ("DOT", '=_xldudf_KPI_DEV_DOT(B3,0.5,"High")'),
        ("Rate", "=_xldudf_KPI_RATE(B2,36100)"),
        ("Missing denominator", "=KPI_PCT(B1,0)"),
        ("Bad date", '=KPI_WORKDAYS("31/02/2023",DATE(2023,3,1))'),
    ]
    for label, formula in rows:
        summary.append([label, formula])
    chart = BarChart()
    chart.add_data(Reference(summary, min_col=2, min_row=1, max_row=2))
    summary.add_chart(chart, "D2")
    wb.defined_names["Region"] = __import__("openpyxl").workbook.defined_name.DefinedName(
        "Region", attr_text="Summary!$B$1")
    wb.save(path)
    return path


if __name__ == "__main__":
    print(build())
