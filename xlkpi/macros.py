"""What the Excel macros do, written against the small part of xlwings' Book API they use.

``refresh_book`` re-enters every KPI formula of a workbook so Excel recalculates it (on
Windows and Mac alike); ``check_book`` recalculates the workbook's saved file headlessly
and lists every cell where Excel's value and xlkpi's differ in a "Checks" sheet. Both
take any object shaped like ``xlwings.Book``, so they are tested without Excel.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["CHECKS_SHEET", "KPI_FORMULA", "check_book", "refresh_book"]

#: A formula that calls an xlkpi function in any of the forms Excel stores.
KPI_FORMULA = re.compile(r"(?:_xldudf_)?KPI[._]", re.IGNORECASE)
#: The sheet ``check_book`` writes its findings into.
CHECKS_SHEET = "Checks"


def refresh_book(book: Any) -> int:
    """Recalculate every cell whose formula calls a KPI function; returns how many."""
    count = 0
    for sheet in book.sheets:
        used = sheet.used_range
        formulas = used.formula
        if isinstance(formulas, str):
            formulas = ((formulas,),)
        top, left = used.row, used.column
        for i, row in enumerate(formulas):
            for j, formula in enumerate(row):
                if isinstance(formula, str) and formula.startswith("=") and \
                        KPI_FORMULA.search(formula):
                    cell = sheet.range((top + i, left + j))
                    cell.formula = formula  # re-entering a formula recalculates it
                    count += 1
    return count


def check_book(book: Any) -> int:
    """Check the workbook's saved file and write the findings into the Checks sheet.

    Returns the number of findings. The open workbook itself is not saved: the check
    reads the file as last saved, and says so at the top of the sheet.
    """
    from xlkpi.workbook import check

    outcome = check(book.fullname)
    rows: list[list[Any]] = [
        [f"xlkpi check of {book.fullname} as last saved: {outcome.compared} cells compared, "
         f"{len(outcome.differences)} differences, {len(outcome.recalc.skipped)} not "
         "evaluated"],
        ["Sheet", "Cell", "Formula", "Excel value", "xlkpi value"],
    ]
    for diff in outcome.differences:
        shown = diff.to_dict()
        rows.append([diff.sheet, diff.cell, "'" + shown["formula"], shown["cached"],
                     shown["computed"]])
    for sheet, cell, reason in outcome.recalc.skipped:
        rows.append([sheet, cell, "", "", f"not evaluated: {reason}"])
    names = [s.name for s in book.sheets]
    target = book.sheets[CHECKS_SHEET] if CHECKS_SHEET in names else book.sheets.add(
        CHECKS_SHEET, after=book.sheets[len(names) - 1])
    target.clear_contents()
    width = max(len(r) for r in rows)
    target["A1"].value = [r + [None] * (width - len(r)) for r in rows]
    return len(outcome.differences) + len(outcome.recalc.skipped)
