"""CIN census XML: the reader against a bare ``lxml.etree.iterparse`` pass, in one run.

Target (issue 18): a census of 500,000 children (England's whole census) read in under 3x
the time of a bare iterparse pass over the same file, peak memory (RSS) under 2 GB. The
census is synthetic (seeded; no real children) and written to a temporary folder.

Stages, each timed once in this process: the bare pass, the reader alone, and the whole
job (``read_sources`` then ``compute``: the 13-month indicator table)::

    .venv/bin/python bench/bench_cin_census.py [--children 500000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_rss_mb, timed_stages

from xlkpi.indicators import cin_census

__all__ = ["STAGES", "bare_iterparse", "indicator_table", "read_census", "run",
           "write_census"]

_FIRST = np.datetime64("2015-04-01", "D")
_REFERENCE = "2025-03-31"
_SOURCES = np.array(["1A", "1B", "2A", "2B", "3A", "3E", "4", "5A", "5D", "6", "7", "8",
                     "9", "10"])
_NEEDS = np.array([f"N{i}" for i in range(1, 10)])
_CLOSURES = np.array([f"RC{i}" for i in range(1, 9)])
_ABUSE = np.array(["NEG", "PHY", "SAB", "EMO", "MUL"])
_FACTORS = np.array(["1B", "2B", "3A", "3B", "4B", "6A", "6B", "8B", "9A", "10A", "21"])
_ETHNIC = np.array(["WBRI", "WIRI", "MWBC", "ASIN", "BAFR", "OOTH", "REFU"])
_CHUNK = 10_000


def _day(rng: np.random.Generator, n: int, span: int) -> np.ndarray:
    return _FIRST + rng.integers(0, span, n).astype("timedelta64[D]")


def _child(first: int, i: int, r: dict[str, Any]) -> str:
    """Child ``first + i``: 1-2 CINdetails, assessments, some plans, S47 and CP plans."""
    parts = [f"<Child><ChildIdentifiers><LAchildID>BENCH{first + i:09d}</LAchildID>"
             f"<UPN>A{first + i:012d}</UPN><PersonBirthDate>{r['birth'][i]}</PersonBirthDate>"
             f"<GenderCurrent>{r['sex'][i]}</GenderCurrent></ChildIdentifiers>"
             f"<ChildCharacteristics><Ethnicity>{r['ethnic'][i]}</Ethnicity>"
             "<Disabilities><Disability>NONE</Disability></Disabilities>"
             "</ChildCharacteristics>"]
    for k in range(r["episodes"][i]):
        ref = r["referral"][i] + np.timedelta64(400 * k, "D")
        closed = r["closed"][i] or (k == 0 and r["episodes"][i] == 2)
        parts.append(f"<CINdetails><CINreferralDate>{ref}</CINreferralDate>"
                     f"<ReferralSource>{r['source'][i]}</ReferralSource>"
                     f"<PrimaryNeedCode>{r['need'][i]}</PrimaryNeedCode>")
        if closed:
            parts.append(f"<CINclosureDate>{ref + np.timedelta64(300, 'D')}</CINclosureDate>"
                         f"<ReasonForClosure>{r['reason'][i]}</ReasonForClosure>")
        for a in range(r["assessments"][i]):
            start = ref + np.timedelta64(1 + 20 * a, "D")
            parts.append(f"<Assessments><AssessmentActualStartDate>{start}"
                         "</AssessmentActualStartDate>")
            if r["authorised"][i]:
                parts.append("<AssessmentAuthorisationDate>"
                             f"{start + np.timedelta64(int(r['took'][i]), 'D')}"
                             "</AssessmentAuthorisationDate>")
            parts.append("<FactorsIdentifiedAtAssessment><AssessmentFactors>"
                         f"{r['factor'][i]}</AssessmentFactors>"
                         "</FactorsIdentifiedAtAssessment></Assessments>")
        if r["plan"][i]:
            parts.append(f"<CINPlanDates><CINPlanStartDate>{ref + np.timedelta64(40, 'D')}"
                         "</CINPlanStartDate></CINPlanDates>")
        if r["s47"][i]:
            start = ref + np.timedelta64(5, "D")
            parts.append(f"<Section47><S47ActualStartDate>{start}</S47ActualStartDate>"
                         f"<InitialCPCtarget>{start + np.timedelta64(21, 'D')}"
                         "</InitialCPCtarget><DateOfInitialCPC>"
                         f"{start + np.timedelta64(int(r['icpc'][i]), 'D')}"
                         "</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired>"
                         "</Section47>")
        parts.append("<ReferralNFA>false</ReferralNFA>")
        if r["cpp"][i]:
            start = ref + np.timedelta64(30, "D")
            reviews = "".join(f"<CPPreviewDate>{start + np.timedelta64(90 * (v + 1), 'D')}"
                              "</CPPreviewDate>" for v in range(r["reviews"][i]))
            parts.append(f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>"
                         f"<CPPendDate>{start + np.timedelta64(200, 'D')}</CPPendDate>"
                         f"<InitialCategoryOfAbuse>{r['abuse'][i]}</InitialCategoryOfAbuse>"
                         f"<LatestCategoryOfAbuse>{r['abuse'][i]}</LatestCategoryOfAbuse>"
                         "<NumberOfPreviousCPP>0</NumberOfPreviousCPP>"
                         f"<Reviews>{reviews}</Reviews></ChildProtectionPlans>")
        parts.append("</CINdetails>")
    parts.append("</Child>\n")
    return "".join(parts)


def write_census(path: Path, children: int, seed: int = 18) -> Path:
    """A synthetic CIN census of ``children`` children (seeded; no real children)."""
    rng = np.random.default_rng(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n<Message><Header>"
                  "<CollectionDetails><Collection>CIN</Collection><Year>2025</Year>"
                  f"<ReferenceDate>{_REFERENCE}</ReferenceDate></CollectionDetails>"
                  "<Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source></Header>"
                  "<Children>\n")
        for first in range(0, children, _CHUNK):
            n = min(_CHUNK, children - first)
            r = {
                "birth": _day(rng, n, 3000) - np.timedelta64(2000, "D"),
                "sex": rng.choice(["1", "2"], n), "ethnic": rng.choice(_ETHNIC, n),
                "episodes": np.where(rng.random(n) < 0.3, 2, 1),
                "referral": _day(rng, n, 3000), "closed": rng.random(n) < 0.6,
                "source": rng.choice(_SOURCES, n), "need": rng.choice(_NEEDS, n),
                "reason": rng.choice(_CLOSURES, n),
                "assessments": rng.choice([0, 1, 1, 1, 1, 1, 1, 1, 2, 2], n),
                "authorised": rng.random(n) < 0.9,
                # 0.5% authorised before the referral: findings at scale
                "took": np.where(rng.random(n) < 0.005, -10, rng.integers(5, 70, n)),
                "factor": rng.choice(_FACTORS, n), "plan": rng.random(n) < 0.3,
                "s47": rng.random(n) < 0.2, "icpc": rng.integers(3, 30, n),
                "cpp": rng.random(n) < 0.1, "reviews": rng.integers(1, 5, n),
                "abuse": rng.choice(_ABUSE, n),
            }
            out.write("".join(_child(first, i, r) for i in range(n)))
        out.write("</Children></Message>\n")
    return path


def bare_iterparse(path: Path) -> int:
    """The floor: every end event of a plain iterparse, each element cleared."""
    events = 0
    for _event, element in etree.iterparse(str(path), events=("end",)):
        element.clear()
        events += 1
    return events


def read_census(path: Path) -> Any:
    """The reader: the census to normalised tables and findings."""
    return cin_census.read(path)


def indicator_table(path: Path) -> Any:
    """The whole job: the census recognised, read and combined (``read_sources``), then the
    13-month indicator table to the census's last month (``compute``)."""
    from xlkpi.indicators import Settings, compute, read_sources

    combined = read_sources([path])
    settings = Settings(np.datetime64(_REFERENCE, "M"), 13, 12_000_000)
    return compute(combined.extract, settings)


#: name -> function of the census path (later stages may take the previous result)
STAGES: dict[str, Callable[[Path], Any]] = {
    "bare iterparse": bare_iterparse,
    "reader": read_census,
    "indicator table": indicator_table,
}


def run(children: int, keep: Path | None = None) -> dict[str, Any]:
    """Write a census, time every stage once in this process (wall clock and CPU time:
    CPU time is steadier on a shared machine), report peak RSS after each."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp)
        path = folder / "cin_census_bench.xml"
        t0 = time.perf_counter()
        write_census(path, children)
        result: dict[str, Any] = {"children": children,
                                  "file_mb": path.stat().st_size / 1e6,
                                  "write_s": time.perf_counter() - t0,
                                  "rss_before_mb": peak_rss_mb()}
        for name, out in timed_stages(STAGES, path, result):
            if name == "reader":
                result["rows"] = out.rows()
                result["findings"] = len(out.findings)
            if name == "indicator table":
                result["indicator rows"] = len(out)
            del out
    result["ratio"] = result["reader s"] / result["bare iterparse s"]
    result["cpu ratio"] = result["reader cpu_s"] / result["bare iterparse cpu_s"]
    result["table ratio"] = result["indicator table s"] / result["bare iterparse s"]
    result["table cpu ratio"] = (result["indicator table cpu_s"]
                                 / result["bare iterparse cpu_s"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=500_000)
    parser.add_argument("--keep", type=Path, help="write the census here, not a temp dir")
    args = parser.parse_args()
    result = run(args.children, args.keep)
    print(f"census: {result['children']:,} children, {result['file_mb']:.0f} MB "
          f"(written in {result['write_s']:.1f} s)")
    for name in STAGES:
        print(f"{name:<16} {result[f'{name} s']:8.2f} s wall {result[f'{name} cpu_s']:8.2f} s "
              f"CPU   peak RSS so far {result[f'{name} peak_rss_mb']:7.0f} MB")
    print(f"reader / bare iterparse: {result['ratio']:.2f}x wall, {result['cpu ratio']:.2f}x "
          "CPU (target under 3x)")
    print(f"census to 13-month indicator table / bare iterparse: {result['table ratio']:.2f}x "
          f"wall, {result['table cpu ratio']:.2f}x CPU (target under 3x); "
          f"{result['indicator rows']} table rows")
    print(f"rows: {result['rows']}  findings: {result['findings']}")


if __name__ == "__main__":
    main()
