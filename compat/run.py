"""``make test-compat``: every Excel-saved workbook recalculated, every formula cell
compared with the value Excel cached.

    python -m compat.run                      # xlkpi against Excel; ratchet enforced
    python -m compat.run --update             # record the cells that agree now
    python -m compat.run --baselines          # also run formulas and LibreOffice, save
                                              # their per-workbook counts
    python -m compat.run --only TEXT --show   # one corner, each disagreeing cell listed

The ratchet (``compat/disagreeing.txt``) lists the cells that did not agree with Excel when
it was last updated, each with Excel's value and ours; every other formula cell agreed.
The run fails when a cell not on the list disagrees (a regression), or an engine crashes.
Cells that come to agree are reported, so the list can be shortened with ``--update``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compat.engines import FORKING, NOT_EVALUATED, run_engine
from compat.oracle import NAMES, Error, constructs, expected_cells, functions_in, is_volatile, same

__all__ = ["Outcome", "main", "report", "side_by_side_markdown"]

HERE = Path(__file__).parent


def _corpus() -> Path:
    """The Excel-saved workbooks: $XLKPI_EXCEL_SAVED, or ../shared/excel_saved beside the
    repository (where the team keeps them; they are never copied into the project)."""
    import os

    for candidate in (os.environ.get("XLKPI_EXCEL_SAVED"),
                      HERE.parent.parent / "shared" / "excel_saved",
                      "/work/shared/excel_saved"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return HERE.parent.parent / "shared" / "excel_saved"


CORPUS = _corpus()
RATCHET = HERE / "disagreeing.txt"
BASELINES = HERE / "baselines.json"


@dataclass
class Outcome:
    """One workbook under one engine: which formula cells agree with Excel."""

    workbook: str
    engine: str
    status: str  # ok, crash, timeout
    reason: str = ""
    #: every compared cell's formula, by Sheet!A1
    formulas: dict[str, str] = field(default_factory=dict)
    agree: set[str] = field(default_factory=set)
    #: cell -> (Excel's value, the engine's value)
    disagree: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    cells: int = 0
    seconds: float = 0.0


def _measure(path: Path, engine: str, timeout: float) -> Outcome:
    name = str(path.relative_to(CORPUS))
    with FORKING:  # never forked while reading (see compat.engines.FORKING)
        cells = expected_cells(path)
    volatile = _volatile(cells, NAMES.get(str(path), {}))
    expected = {k: e for k, e in cells.items() if k not in volatile}
    started = time.perf_counter()
    status, payload = run_engine(engine, path, timeout)
    outcome = Outcome(name, engine, status, cells=len(expected),
                      seconds=time.perf_counter() - started,
                      formulas={k: e.formula for k, e in expected.items()})
    if status != "ok":
        outcome.reason = str(payload)
        outcome.disagree = {k: (e.value, status) for k, e in expected.items()}
        return outcome
    assert isinstance(payload, dict)
    computed = {k.upper(): v for k, v in payload.items()}
    for key, cell in expected.items():
        value = computed.get(key.upper(), NOT_EVALUATED)
        if value != NOT_EVALUATED and same(cell.value, value):
            outcome.agree.add(key)
        else:
            outcome.disagree[key] = (cell.value, value)
    return outcome


def _volatile(cells: dict[str, Any], names: dict[str, str]) -> set[str]:
    """Cells whose value changes between calculations: those calling TODAY(), NOW(),
    RAND()... and every cell that reads one (Excel's value is from the day it saved)."""
    from xlkpi.workbook.references import parse_cell, references

    def expanded(formula: str) -> str:  # defined names' definitions appended
        used = [names[w.upper()] for w in re.findall(r"[A-Za-z_][\w.]*", formula)
                if w.upper() in names]
        return " ".join([formula, *used])

    volatile = {k for k, e in cells.items() if is_volatile(expanded(expanded(e.formula)))}
    if not volatile:
        return volatile
    reads = {}
    for key, cell in cells.items():
        rects = [ref.resolve(cell.sheet.upper())
                 for ref in references(expanded(expanded(cell.formula)))]
        reads[key] = rects
    changed = True
    while changed:
        changed = False
        places = [(k.rsplit("!", 1)[0].upper(), *parse_cell(k.rsplit("!", 1)[1]))
                  for k in volatile]
        for key, rects in reads.items():
            if key in volatile:
                continue
            if any(r.contains(sheet, row, col) for r in rects for sheet, row, col in places):
                volatile.add(key)
                changed = True
    return volatile


def _workbooks(only: str | None) -> list[Path]:
    paths = sorted(p for p in CORPUS.rglob("*.xls[xm]") if not p.name.startswith("~$"))
    return [p for p in paths if only is None or only.lower() in str(p).lower()]


def _table(title: str, rows: list[tuple[str, int, int]], limit: int | None = None) -> str:
    lines = [f"\n{title}", f"{'':40} {'cells':>7} {'agree':>7} {'%':>7}"]
    rows = sorted(rows, key=lambda r: (r[2] / r[1] if r[1] else 1, -r[1]))
    for name, cells, agree in rows[:limit]:
        lines.append(f"{name[:40]:40} {cells:7,} {agree:7,} {100 * agree / cells:6.1f}%")
    return "\n".join(lines)


def _shown(value: Any) -> str:
    return value.code if isinstance(value, Error) else repr(value)


def report(outcomes: list[Outcome], show: bool) -> str:
    """Totals, then agreement per function, per construct and per workbook."""
    by_function: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_construct: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    lines = []
    for outcome in outcomes:
        for key, formula in outcome.formulas.items():
            _count(by_function, by_construct, formula, key in outcome.agree)
    total = sum(o.cells for o in outcomes)
    agree = sum(len(o.agree) for o in outcomes)
    crashed = [o for o in outcomes if o.status != "ok"]
    lines.append(_table("by function", [(k, v[0], v[1]) for k, v in by_function.items()]))
    lines.append(_table("by construct", [(k, v[0], v[1]) for k, v in by_construct.items()]))
    lines.append(_table("workbooks below 100%", [
        (o.workbook, o.cells, len(o.agree)) for o in outcomes
        if o.cells and len(o.agree) < o.cells], limit=60))
    for o in crashed:
        lines.append(f"\n{o.status.upper()}: {o.workbook}: {o.reason.splitlines()[0]}")
    if show:
        for o in outcomes:
            for key, (expected, computed) in sorted(o.disagree.items()):
                lines.append(f"{o.workbook} {key}: ={o.formulas[key]}  "
                             f"Excel {_shown(expected)}  "
                             f"{o.engine} {_shown(computed)}")
    pct = 100 * agree / total if total else 100.0
    lines.append(f"\n{outcomes[0].engine if outcomes else '-'}: {agree:,} of {total:,} formula "
                 f"cells agree with Excel ({pct:.2f}%) in {len(outcomes)} workbooks; "
                 f"{len(crashed)} crashed or timed out")
    return "\n".join(lines)


def _count(by_function: Any, by_construct: Any, formula: str, agreed: bool) -> None:
    array = formula.startswith("{=")
    for name in functions_in(formula) or {"(no function)"}:
        by_function[name][0] += 1
        by_function[name][1] += agreed
    for name in constructs(formula, array):
        by_construct[name][0] += 1
        by_construct[name][1] += agreed


def _side_by_side(outcomes: list[Outcome], baselines: dict[str, dict[str, int]]) -> str:
    """Per workbook: cells, and how many agree under xlkpi, formulas and LibreOffice."""
    lines = ["\nside by side (cells agreeing with Excel)",
             f"{'workbook':58} {'cells':>6} {'xlkpi':>6} {'formulas':>8} {'LibreOffice':>11}"]
    behind = 0
    for o in sorted(outcomes, key=lambda o: o.workbook):
        base = baselines.get(o.workbook, {})
        f, lo = base.get("formulas"), base.get("libreoffice")
        worse = any(b is not None and len(o.agree) < b for b in (f, lo))
        behind += worse
        lines.append(f"{o.workbook[:58]:58} {o.cells:6} {len(o.agree):6} "
                     f"{'-' if f is None else f:>8} {'-' if lo is None else lo:>11}"
                     f"{'  <' if worse else ''}")
    lines.append(f"{behind} workbook(s) where xlkpi agrees less often than another engine")
    return "\n".join(lines)


def side_by_side_markdown(outcomes: list[Outcome], baselines: dict[str, dict[str, int]]
                          ) -> str:
    """The per-workbook table as Markdown, totals first (compat/SIDE_BY_SIDE.md)."""
    rows = sorted(outcomes, key=lambda o: o.workbook)
    total = sum(o.cells for o in rows)
    engines = ("formulas", "libreoffice", "ironcalc")
    titles = {"formulas": "formulas", "libreoffice": "LibreOffice", "ironcalc": "IronCalc"}

    def share(count: int) -> str:
        return f"{count:,} ({100 * count / total:.1f}%)" if total else "-"

    sums = {e: sum(baselines.get(o.workbook, {}).get(e, 0) for o in rows) for e in engines}
    lines = [
        "# Agreement with Excel, workbook by workbook",
        "",
        "Formula cells whose recalculated value agrees with the value Microsoft Excel "
        "saved (numbers to 1e-9 relative; text, booleans and errors exactly), for xlkpi, "
        "the `formulas` package alone, LibreOffice headless recalculating on load and "
        "IronCalc's Python package. Made by `python -m compat.run --markdown "
        "compat/SIDE_BY_SIDE.md` from `compat/baselines.json` (the other engines' counts, "
        "taken with `--baselines`). Cells depending on TODAY(), NOW() or RAND() are left "
        "out. A crash or a time-out (3 minutes) counts as no cell agreeing. **(behind)** marks "
        "a workbook where xlkpi agrees less often than `formulas` or LibreOffice (most of "
        "the IronCalc workbooks are IronCalc's own test suite).",
        "",
        "| all workbooks | cells | xlkpi | " + " | ".join(titles[e] for e in engines) + " |",
        "|---|---:|---:|" + "---:|" * len(engines),
        f"| {len(rows)} | {total:,} | {share(sum(len(o.agree) for o in rows))} | "
        + " | ".join(share(sums[e]) for e in engines) + " |",
        "",
        "| workbook | cells | xlkpi | " + " | ".join(titles[e] for e in engines) + " |",
        "|---|---:|---:|" + "---:|" * len(engines),
    ]
    for o in rows:
        base = baselines.get(o.workbook, {})
        mark = " **(behind)**" if any(  # IronCalc's own test workbooks are its own fit
            isinstance(base.get(e), int) and len(o.agree) < base[e]
            for e in ("formulas", "libreoffice")) else ""
        counts = " | ".join(str(base.get(e, "-")) for e in engines)
        lines.append(f"| {o.workbook}{mark} | {o.cells} | {len(o.agree)} | {counts} |")
    return "\n".join(lines) + "\n"


def _run(engine: str, paths: list[Path], jobs: int, timeout: float) -> list[Outcome]:
    with ThreadPoolExecutor(jobs) as pool:
        outcomes = list(pool.map(lambda p: _measure(p, engine, timeout), paths))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m compat.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="only workbooks whose path contains this text")
    parser.add_argument("--show", action="store_true", help="list every disagreeing cell")
    parser.add_argument("--update", action="store_true",
                        help="rewrite the ratchet with the cells that agree now")
    parser.add_argument("--baselines", nargs="?", const="formulas,libreoffice",
                        help="also run these engines (default formulas,libreoffice; also "
                             "ironcalc) and save their per-workbook counts in "
                             "compat/baselines.json")
    parser.add_argument("--side-by-side", action="store_true",
                        help="print the per-workbook table against the saved baselines")
    parser.add_argument("--markdown", type=Path,
                        help="write the side-by-side table as Markdown here")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--json", type=Path, help="write every outcome here")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"{CORPUS}: the Excel-saved workbooks are not there", file=sys.stderr)
        return 2
    import xlkpi.workbook  # noqa: F401  (imported once, before the workers fork)

    paths = _workbooks(args.only)
    outcomes = _run("xlkpi", paths, args.jobs, args.timeout)
    print(report(outcomes, args.show))
    baselines = json.loads(BASELINES.read_text()) if BASELINES.exists() else {}
    if args.baselines:
        for engine in args.baselines.split(","):
            others = _run(engine, paths, args.jobs, args.timeout)
            print(report(others, False).splitlines()[-1])
            # read again just before writing: another baseline run may have saved since
            baselines = json.loads(BASELINES.read_text()) if BASELINES.exists() else {}
            for o in others:
                baselines.setdefault(o.workbook, {})[engine] = len(o.agree)
            BASELINES.write_text(json.dumps(baselines, indent=1, sort_keys=True) + "\n")
    if args.side_by_side or args.baselines:
        print(_side_by_side(outcomes, baselines))
    if args.markdown:
        args.markdown.write_text(side_by_side_markdown(outcomes, baselines))
    if args.json:
        args.json.write_text(json.dumps([{
            "workbook": o.workbook, "status": o.status, "reason": o.reason,
            "cells": o.cells, "agree": len(o.agree), "seconds": round(o.seconds, 3),
            "disagree": {k: [o.formulas[k], _shown(e), _shown(c)]
                         for k, (e, c) in o.disagree.items()},
        } for o in outcomes], indent=1))
    known = _read_ratchet()
    names = {str(p.relative_to(CORPUS)) for p in paths}
    now = {f"{o.workbook}|{key}": " ".join(
        f"={o.formulas[key]}  Excel {_shown(e)}  xlkpi {_shown(c)}".splitlines())
        for o in outcomes for key, (e, c) in o.disagree.items()}
    if args.update:
        kept = {k: v for k, v in known.items() if k.split("|")[0] not in names}
        lines = {**kept, **now}
        RATCHET.write_text("".join(f"{k}\t{lines[k]}\n" for k in sorted(lines)))
        print(f"{RATCHET}: {len(lines):,} disagreeing cells recorded")
        return 0
    new = sorted(k for k in now if k not in known)
    fixed = sorted(k for k in known if k.split("|")[0] in names and k not in now)
    crashed = [o for o in outcomes if o.status != "ok"]
    for key in new[:100]:
        print(f"REGRESSION: {key} agreed before and no longer does: {now[key]}")
    if fixed:
        print(f"{len(fixed)} cell(s) on {RATCHET.name} agree now: run with --update")
    if new or crashed:
        print(f"FAILED: {len(new)} cell(s) no longer agree; {len(crashed)} workbook(s) "
              "crashed or timed out")
        return 1
    return 0


def _read_ratchet() -> dict[str, str]:
    """The known disagreements: ``workbook|Sheet!A1`` -> what differs."""
    if not RATCHET.exists():
        return {}
    pairs = (line.split("\t", 1) for line in RATCHET.read_text().splitlines() if line)
    return {p[0]: p[1] if len(p) > 1 else "" for p in pairs}


if __name__ == "__main__":
    sys.exit(main())
