"""The headless engine against golden workbooks: values from independent oracles, and
every byte outside the cached values kept."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from tests.data.build_golden import BANK_HOLIDAYS, CASES
from xlkpi.errors import ExcelError
from xlkpi.workbook import PackageError, check, recalc
from xlkpi.workbook.engine import evaluate
from xlkpi.workbook.package import Package

GOLDEN = Path(__file__).parent / "data" / "golden.xlsx"
EPOCH = dt.date(1899, 12, 30)


def serial(day: dt.date) -> float:
    return float((day - EPOCH).days)


def is_working(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(n) for n in range((end - start).days + 1)]


def networkdays(start: dt.date, end: dt.date, holidays: bool) -> int:
    """Excel's NETWORKDAYS counted day by day: both ends, weekends (and holidays) out."""
    if end < start:
        return -networkdays(end, start, holidays)
    return sum(d.weekday() < 5 and (not holidays or d not in BANK_HOLIDAYS)
               for d in days_between(start, end))


def elapsed(start: dt.date, end: dt.date) -> int:
    """Statutory working days: the start day is day 0."""
    return sum(is_working(d) for d in days_between(start, end)[1:])


def workday(start: dt.date, n: int) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(1)
        n -= is_working(day)
    return day


def months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("golden") / "out.xlsx"
    return out, recalc(GOLDEN, out)


def _cases() -> list[tuple[int, dt.date, dt.date | None]]:
    return [(i + 2, dt.date.fromisoformat(s), dt.date.fromisoformat(e) if e else None)
            for i, (s, e) in enumerate(CASES)]


@pytest.mark.parametrize(("row", "start", "end"), _cases())
def test_case_rows_match_day_by_day_oracles(golden, row, start, end):
    _, result = golden
    value = lambda col: result.value("Cases", f"{col}{row}")  # noqa: E731
    assert value("G") == serial(workday(start, 10))
    assert value("J") == 40.0  # DATEDIF(A, A+40, "d") in lower case
    if end is None:
        assert value("E") == "Open"
        assert value("I") == ""  # KPI_WITHIN: open and no as_of -> blank
        assert value("H") == ""  # IFERROR catches DATEDIF's #NUM! (end before start)
        return
    assert value("C") == networkdays(start, end, holidays=False)
    assert value("F") == networkdays(start, end, holidays=True)
    assert value("D") == elapsed(start, end)
    assert value("E") == ("In time" if elapsed(start, end) <= 45 else "Late")
    assert value("H") == months(start, end)
    assert value("I") is (elapsed(start, end) <= 45)


def test_boundaries_of_the_45_day_timescale(golden):
    _, result = golden
    # 1 Mar 2023 -> 9 May 2023 is 45 elapsed working days (Good Friday, Easter Monday,
    # 1 May and the Coronation on 8 May out); 10 May is 46. Also 3 Jan -> 7 Mar 2023 is 45:
    # rows 7, 8, 16 and 17 of the golden workbook
    assert (result.value("Cases", "D7"), result.value("Cases", "E7")) == (45.0, "In time")
    assert (result.value("Cases", "D8"), result.value("Cases", "E8")) == (46.0, "Late")
    assert (result.value("Cases", "D16"), result.value("Cases", "E16")) == (45.0, "In time")
    assert (result.value("Cases", "D17"), result.value("Cases", "E17")) == (46.0, "Late")
    # SPEC.md: Fri 5 May 2023 to Wed 10 May 2023 over the Coronation: elapsed 2
    assert result.value("Cases", "D4") == 2.0


def test_summary_formulas(golden):
    _, result = golden
    rows = _cases()
    days = {r: elapsed(s, e) for r, s, e in rows if e}
    in_time = [d for d in days.values() if d <= 45]
    late = [d for d in days.values() if d > 45]
    authorised = len(days) + 1  # "<>" counts every non-blank cell, the header too
    v = lambda a: result.value("Summary", a)  # noqa: E731
    assert v("B1") == len(in_time)
    assert v("B2") == authorised
    assert v("B3") == pytest.approx(len(in_time) / authorised, rel=1e-12)
    assert v("B4") == sum(late)
    assert v("B5") == pytest.approx(sum(in_time) / len(in_time), rel=1e-12)
    longest = max(days.values())
    assert v("B6") == longest
    first_longest = next(s for r, s, e in rows if e and days[r] == longest)
    assert v("B7") == serial(first_longest)
    assert v("B8") == serial(dt.date(2024, 2, 29))  # EDATE(31 Jan 2024, 1)
    # TEXT rounds the shown decimal half away from zero, as Excel does (81.25% -> "81.3%")
    shown = Decimal(100 * len(in_time)) / Decimal(authorised)
    assert v("B9") == f"{shown.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
    share = len(in_time) / authorised
    assert v("B10") == ("Green" if share >= 0.8 else "Red" if share < 0.6 else "Amber")
    assert v("B11") == ("Improving" if share > 0.5 else "Worsening")
    assert v("B12") == pytest.approx(authorised / 36100 * 10000, rel=1e-12)
    assert v("B13") == "N/A"
    bad = v("B14")  # 31/02/2023 is not a date: that cell alone is #VALUE!
    assert isinstance(bad, ExcelError) and str(bad) == "#VALUE!"


def test_the_engine_batches_filled_down_columns(golden):
    _, result = golden
    # 16 rows x 9 filled-down columns in Cases; Summary's single cells run alone
    assert result.evaluation.batched_cells == 16 * 8  # column G reads a fixed range only
    assert result.skipped == []


def test_batched_and_cell_by_cell_evaluation_agree():
    package = Package(GOLDEN)
    batched = evaluate(package)
    single = evaluate(Package(GOLDEN), batch=False)
    assert single.batched_cells == 0
    assert batched.values == single.values


def test_a_package_is_freed_as_soon_as_its_evaluation_is_done_with_it(golden):
    """No reference cycle keeps a workbook's cells alive after evaluating it: with the
    cycle collector off (as recalc and check run), they are freed by their counts, so a
    collection never has to visit every cell and memory is given back at once."""
    import gc
    import weakref

    enabled = gc.isenabled()
    gc.disable()
    try:
        package = Package(GOLDEN)
        cells = weakref.ref(package.sheets[0])
        evaluation = evaluate(package)
        assert evaluation.cells > 0 and cells() is not None
        del package
        assert cells() is None
    finally:
        if enabled:
            gc.enable()


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def _without_values(xml: bytes) -> str:
    text = xml.decode()
    text = re.sub(r"<v>.*?</v>|<v\s*/>", "", text)
    return re.sub(r'\st="[^"]*"', "", text)


def test_only_cached_values_change(golden):
    out, _ = golden
    before, after = _members(GOLDEN), _members(out)
    assert list(before) == list(after)
    sheets = {n for n in before if n.startswith("xl/worksheets/sheet")}
    assert sheets
    for name in before:
        if name in sheets:
            # formulas, styles, everything but <v> and the type attribute: identical
            assert _without_values(before[name]) == _without_values(after[name]), name
            assert re.findall(r"<f>.*?</f>", before[name].decode()) == re.findall(
                r"<f>.*?</f>", after[name].decode())
        elif name == "xl/workbook.xml":
            assert b'fullCalcOnLoad="1"' in after[name]
        else:
            assert before[name] == after[name], name  # charts, styles, names: byte-identical
    assert any(n.startswith("xl/charts/") for n in after)


def _with_parts(source: Path, target: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, old.read(info))
        for name, data in parts.items():
            new.writestr(name, data)
    return target


def test_xlsm_keeps_its_macros_and_unknown_parts(tmp_path):
    extra = {"xl/vbaProject.bin": bytes(range(256)) * 40,
             "xl/richData/rdrichvalue.xml": b"<rv/>",
             "xl/webextensions/webextension1.xml": b"<we:webextension/>"}
    source = _with_parts(GOLDEN, tmp_path / "macros.xlsm", extra)
    out = tmp_path / "out.xlsm"
    recalc(source, out)
    after = _members(out)
    for name, data in extra.items():
        assert after[name] == data


def test_input_is_never_written_and_in_place_is_atomic(tmp_path):
    source = shutil.copy(GOLDEN, tmp_path / "scorecard.xlsx")
    original = Path(source).read_bytes()
    recalc(source, tmp_path / "out.xlsx")
    assert Path(source).read_bytes() == original
    recalc(source, in_place=True)
    assert Path(source).read_bytes() != original
    assert check(source).ok
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_check_passes_after_recalc_and_names_a_changed_value(golden, tmp_path):
    out, _ = golden
    assert check(out).ok
    members = _members(out)
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    tampered = sheet.replace('<c r="D7"><f>KPI_WORKDAYS(A7,B7)</f><v>45</v>',
                             '<c r="D7"><f>KPI_WORKDAYS(A7,B7)</f><v>44</v>')
    assert tampered != sheet
    bad = _with_parts_replaced(out, tmp_path / "tampered.xlsx",
                               {"xl/worksheets/sheet1.xml": tampered.encode()})
    outcome = check(bad)
    assert not outcome.ok
    assert [(d.sheet, d.cell, d.cached, d.computed) for d in outcome.differences] == [
        ("Cases", "D7", 44.0, 45.0)]


def _with_parts_replaced(source: Path, target: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info, parts.get(info.filename, old.read(info)))
    return target


def test_full_column_references_use_the_used_range_only(golden):
    import tracemalloc

    tracemalloc.start()
    evaluate(Package(GOLDEN))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # Cases!E:E is 1,048,576 cells; read whole it would take over 8 MB of pointers alone
    assert peak < 8_000_000


def test_unreadable_files_are_refused(tmp_path):
    (tmp_path / "text.xlsx").write_text("not a zip")
    with pytest.raises(PackageError, match=r"not an \.xlsx/\.xlsm workbook"):
        recalc(tmp_path / "text.xlsx")
    with pytest.raises(PackageError, match="no such file"):
        recalc(tmp_path / "missing.xlsx")
    with zipfile.ZipFile(tmp_path / "empty.xlsx", "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(PackageError, match=r"no _rels/\.rels"):
        recalc(tmp_path / "empty.xlsx")
