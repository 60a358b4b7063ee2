"""``python -m compat.handover``: which formulas of the Excel-saved workbooks the engine
compiles itself, and why it hands the others to the ``formulas`` package.

Every workbook of the corpus is recalculated (as ``make test-compat`` does, written to a
temporary file); each distinct formula text the engine compiles is counted once: as the
engine's when it parses it and every function it calls is one of the engine's own, as
handed over otherwise, with the reason (the syntax, or the first function that is
``formulas``'). The
figure is quoted in the README (issue 21: a workbook of the usual functions never imports
``formulas``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from compat.run import CORPUS

__all__ = ["main"]


def _reason(err: Exception) -> str:
    """The kind of formula handed over: the function the engine lacks, or the syntax."""
    text = str(err)
    if " is not one of the engine's functions" in text:
        return "function " + text.split(" is not one")[0]
    return text[:48]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--top", type=int, default=25, help="reasons to list")
    args = parser.parse_args()

    import xlkpi.workbook
    from xlkpi.workbook import engine
    from xlkpi.workbook.formula_parser import UnsupportedError
    from xlkpi.workbook.function_table import table
    from xlkpi.workbook.references import calls

    ours = table().ours

    compiled_here: set[str] = set()
    handed: dict[str, str] = {}
    compile_formula = engine.compile_formula

    def counting(text: str, *rest: object) -> object:
        try:
            result = compile_formula(text, *rest)  # type: ignore[arg-type]
        except UnsupportedError as err:
            handed[text] = _reason(err)
            raise
        # once formulas is loaded (by an earlier workbook) its functions are in the
        # table too: a formula calling one of them is counted as handed over
        theirs = sorted({call.name for call in calls(text) if call.name not in ours
                         and call.name not in ("LET", "_XLFN.LET")})
        if theirs:
            handed[text] = f"function {theirs[0]}"
        else:
            compiled_here.add(text)
        return result

    engine.compile_formula = counting  # type: ignore[assignment]
    files = sorted(CORPUS.rglob("*.xls[xm]"))
    with tempfile.TemporaryDirectory(prefix="xlkpi-handover-") as folder:
        for path in files:
            try:
                xlkpi.workbook.recalc(path, Path(folder) / "out.xlsx")
            except Exception as err:  # a workbook the engine refuses counts for nothing
                print(f"{path.name}: {type(err).__name__}", file=sys.stderr)
    total = len(compiled_here) + len(handed)
    print(f"{len(files)} workbooks, {total:,} distinct formulas: {len(compiled_here):,} "
          f"({len(compiled_here) / max(total, 1):.1%}) compiled by the engine, "
          f"{len(handed):,} handed to formulas")
    examples: dict[str, str] = {}
    for text, reason in handed.items():
        examples.setdefault(reason, text)
    for reason, count in Counter(handed.values()).most_common(args.top):
        print(f"{count:6}  {reason:48}  e.g. ={examples[reason][:70]}")


if __name__ == "__main__":
    main()
