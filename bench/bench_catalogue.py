"""The whole catalogue from every return: a bare read of the files against ``read_sources``
then ``compute`` with every indicator for 13 months, in one process.

Target (issue 19): a 1,000,000-row set of returns (a CIN census XML, SSDA903 CSV files and
an Annex A workbook; synthetic, seeded, no real children, written to a temporary folder)
to the full 13-month indicator table in under 3x the time of a bare read of the same
files (lxml iterparse over the XML, the csv module over the CSVs, python_calamine over the
workbook's cells), peak memory (RSS) under 2 GB::

    .venv/bin/python bench/bench_catalogue.py [--rows 1000000] [--keep DIR]

Rows are the records the readers produce (CIN census children, referrals, assessments,
enquiries, plans and reviews; one per 903 CSV line; one per Annex A list row); the mix is
about 60% CIN census, 30% 903, 10% Annex A.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cin_census import write_census
from common import peak_rss_mb, timed_stages

from samples.write_annex_a import ANNEX_A_LISTS

__all__ = ["STAGES", "bare_read", "catalogue", "run", "write_returns"]

_MONTH = np.datetime64("2025-03", "M")
_END = np.datetime64("2025-03-31", "D")
_POPULATION = 12_000_000
#: records per child of the CIN census writer, per 903 child, measured at 100,000 rows
_CIN_ROWS_PER_CHILD = 5.35
_903_ROWS_PER_CHILD = 7.6
_LS = np.array(["C1", "C2", "E1", "V2", "J2", "L2"])
_PLACE = np.array(["U1", "U2", "U3", "U4", "U5", "U6", "K2", "P1", "A4", "R1", "S1", "H5"])
_ETHNIC = np.array(["WBRI", "WIRI", "MWBC", "AIND", "BAFR", "CHNE", "OOTH", "REFU", "NOBT"])


def _uk(days: np.ndarray) -> np.ndarray:
    """dd/mm/yyyy text of ``days`` (NaT -> "")."""
    return pd.Series(days).dt.strftime("%d/%m/%Y").fillna("").to_numpy(dtype=object)


def _write_903(folder: Path, children: int, rng: np.random.Generator) -> int:
    """header, episodes, reviews, missing and oc3 CSVs of ``children`` looked-after
    children; returns the data rows written."""
    ids = np.array([f"LAC{i:08d}" for i in range(children)], dtype=object)
    born = _END - rng.integers(200, 6400, children).astype("timedelta64[D]")
    start = _END - rng.integers(10, 2400, children).astype("timedelta64[D]")
    start = np.maximum(start, born + np.timedelta64(1, "D"))
    rows = 0
    with (folder / "header.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"])
        for child, sex, dob, eth in zip(ids, rng.choice(["1", "2"], children), _uk(born),
                                        rng.choice(_ETHNIC, children), strict=True):
            out.writerow([child, sex, dob, eth, "UN4", "", ""])
        rows += children
    episodes = rng.integers(1, 6, children)  # 1-5 episodes a child
    closed = rng.random(children) < 0.35
    with (folder / "episodes.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC",
                      "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"])
        child = np.repeat(np.arange(children), episodes)
        nth = np.arange(len(child)) - np.repeat(np.cumsum(episodes) - episodes, episodes)
        span = np.maximum((_END - start[child]).astype(np.int64) // episodes[child], 1)
        decom = start[child] + (nth * span).astype("timedelta64[D]")
        last = nth == episodes[child] - 1
        dec = decom + span.astype("timedelta64[D]")
        dec = np.where(last & ~closed[child], np.datetime64("NaT"), dec)
        rne = np.where(nth == 0, "S", rng.choice(["P", "T", "L", "B", "U"], len(child)))
        rec = np.where(~last, "X1", np.where(closed[child], rng.choice(
            ["E11", "E12", "E13", "E41", "E8"], len(child)), ""))
        ls = rng.choice(_LS, len(child))
        place = rng.choice(_PLACE, len(child))
        decom_t, dec_t = _uk(decom), _uk(dec)
        for i in range(len(child)):
            out.writerow([ids[child[i]], decom_t[i], rne[i], ls[i], "N1", place[i], "PR1",
                          dec_t[i], rec[i], "CHANGE" if rne[i] in "PTBU" else "", "", "",
                          "SC123456"])
        rows += len(child)
    reviews = rng.integers(0, 6, children)
    with (folder / "reviews.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["CHILD", "DOB", "REVIEW", "REVIEW_CODE"])
        child = np.repeat(np.arange(children), reviews)
        nth = np.arange(len(child)) - np.repeat(np.cumsum(reviews) - reviews, reviews)
        day = start[child] + (20 + 150 * nth).astype("timedelta64[D]")
        keep = day <= _END
        for c, d in zip(child[keep], _uk(day[keep]), strict=True):
            out.writerow([ids[c], "", d, "PN1"])
        rows += int(keep.sum())
    missing = rng.integers(0, 3, children)
    with (folder / "missing.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"])
        child = np.repeat(np.arange(children), missing)
        day = start[child] + rng.integers(1, 300, len(child)).astype("timedelta64[D]")
        keep = day < _END
        days = _uk(day[keep])
        ends = _uk(day[keep] + np.timedelta64(1, "D"))
        for c, s, e in zip(child[keep], days, ends, strict=True):
            out.writerow([ids[c], "", "M", s, e])
        rows += int(keep.sum())
    leavers = np.flatnonzero(rng.random(children) < 0.3)
    with (folder / "oc3.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"])
        for c in leavers:
            out.writerow([ids[c], "", "YES", "F2", "S2"])
        rows += len(leavers)
    return rows


def _annex_row(heading: str, i: int, day: str, rng_value: float) -> Any:
    """A plausible cell for a list heading (dates as text the reader accepts)."""
    key = heading.lower()
    if key == "child unique id":
        return f"ANX{i:08d}"
    if key == "gender":
        return "a) Male" if rng_value < 0.5 else "b) Female"
    if key == "ethnicity":
        return "a) WBRI"
    if key == "date of birth":
        return "2012-05-01"
    if "date" in key and "number" not in key:
        return day
    if key.startswith("number"):
        return 1
    if "nfa" in key or "(y/n)" in key or key.startswith(("was ", "did ", "is ")):
        return "b) No"
    return "x"


def _write_annex_a(path: Path, rows: int, rng: np.random.Generator) -> int:
    """An Annex A workbook: lists 1, 3, 4, 5, 7 and 8 sharing ``rows`` rows."""
    import openpyxl

    shares = {"List 1": 0.4, "List 3": 0.25, "List 4": 0.15, "List 5": 0.08,
              "List 7": 0.06, "List 8": 0.06}
    book = openpyxl.Workbook(write_only=True)
    written = 0
    for sheet_name, share in shares.items():
        sheet = book.create_sheet(sheet_name)
        headings = ANNEX_A_LISTS[sheet_name]
        sheet.append(list(headings))
        n = int(rows * share)
        days = np.datetime_as_string(
            _END - rng.integers(1, 360, n).astype("timedelta64[D]"), unit="D")
        values = rng.random(n)
        for i in range(n):
            sheet.append([_annex_row(h, i, days[i], values[i]) for h in headings])
        written += n
    book.save(path)
    return written


def write_returns(folder: Path, rows: int, seed: int = 19) -> dict[str, Any]:
    """A CIN census, 903 CSVs and an Annex A workbook of about ``rows`` rows in all."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    cin_children = max(1, int(rows * 0.6 / _CIN_ROWS_PER_CHILD))
    write_census(folder / "cin_census.xml", cin_children, seed)
    lac = folder / "ssda903"
    lac.mkdir(exist_ok=True)
    rows_903 = _write_903(lac, max(1, int(rows * 0.3 / _903_ROWS_PER_CHILD)), rng)
    rows_annex = _write_annex_a(folder / "annex_a.xlsx", max(6, int(rows * 0.1)), rng)
    return {"cin children": cin_children, "903 rows": rows_903, "annex a rows": rows_annex}


def bare_read(folder: Path) -> int:
    """The floor: every end event of a plain iterparse (each element cleared), every CSV
    row through the csv module, every workbook cell through python_calamine."""
    count = 0
    for path in sorted(folder.rglob("*.xml")):
        for _event, element in etree.iterparse(str(path), events=("end",)):
            element.clear()
            count += 1
    for path in sorted(folder.rglob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            count += sum(1 for _row in csv.reader(handle))
    for path in sorted(folder.rglob("*.xlsx")):
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            count += sum(len(row) for row in book.get_sheet_by_name(name).to_python())
    return count


def catalogue(folder: Path) -> Any:
    """The whole job: every return recognised, read and combined (``read_sources``), then
    every indicator for the 13 months to March 2025 (``compute``)."""
    from xlkpi.indicators import Settings, compute, read_sources

    combined = read_sources([folder])
    table = compute(combined.extract, Settings(_MONTH, 13, _POPULATION))
    rows = sum(sum(r.rows().values()) for r in combined.readings)
    return table, rows, len(combined.findings)


#: name -> function of the folder
STAGES: dict[str, Callable[[Path], Any]] = {"bare read": bare_read, "catalogue": catalogue}


def run(rows: int, keep: Path | None = None) -> dict[str, Any]:
    """Write the returns, time each stage once in this process (wall and CPU), report peak
    RSS after each."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp)
        t0 = time.perf_counter()
        result: dict[str, Any] = write_returns(folder, rows)
        result["write_s"] = time.perf_counter() - t0
        result["files_mb"] = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()
                                 ) / 1e6
        result["rss_before_mb"] = peak_rss_mb()
        for name, out in timed_stages(STAGES, folder, result):
            if name == "catalogue":
                table, result["rows"], result["findings"] = out
                result["table rows"] = len(table)
                result["indicators"] = table["code"].nunique()
            del out
    result["ratio"] = result["catalogue s"] / result["bare read s"]
    result["cpu ratio"] = result["catalogue cpu_s"] / result["bare read cpu_s"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the returns here, not a temp dir")
    args = parser.parse_args()
    result = run(args.rows, args.keep)
    print(f"returns: {result['rows']:,} rows read ({result['cin children']:,} CIN census "
          f"children, {result['903 rows']:,} 903 CSV rows, {result['annex a rows']:,} Annex A "
          f"rows), {result['files_mb']:.0f} MB, written in {result['write_s']:.1f} s")
    for name in STAGES:
        print(f"{name:<10} {result[f'{name} s']:8.2f} s wall {result[f'{name} cpu_s']:8.2f} s "
              f"CPU   peak RSS so far {result[f'{name} peak_rss_mb']:7.0f} MB")
    print(f"catalogue / bare read: {result['ratio']:.2f}x wall, {result['cpu ratio']:.2f}x CPU "
          f"(target under 3x); peak RSS {result['catalogue peak_rss_mb']:.0f} MB (target "
          f"under 2048); {result['indicators']} indicators, {result['table rows']:,} table "
          f"rows, {result['findings']:,} findings")


if __name__ == "__main__":
    main()
