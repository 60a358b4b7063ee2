"""What a return reader gives back: normalised tables, the years they cover, and the
data-quality findings that left records out.

Every reader module (``cin_census``, ``ssda903``, ``annex_a``, the CSV ``loader``) exposes
``recognise(path) -> bool`` (by content, never by name) and ``read(path) -> Reading``.
A record with an error is left out of the tables it would distort and described by one
:class:`Finding` per field and rule; a finding never holds an identifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["RULES", "Finding", "Reading"]

#: Data-quality rules: id -> what it means (the report's ``rule`` column, the README).
RULES: dict[str, str] = {
    "not_a_date": "the value is not a date (or not a real one, such as 31 February)",
    "date_out_of_range": "the date is before 1900 or after the end of the collection year",
    "required_blank": "a value the record needs is blank",
    "end_before_start": "an end or completion date is before the start it closes",
    "before_referral": "an assessment, enquiry or plan date is before the referral it "
                       "belongs to",
    "outside_calendar": "a date working days are counted from is outside the working-day "
                        "calendar (2000-2040)",
    "overlap": "an episode starts before the previous episode of the same child ends",
    "before_birth": "an event is dated before the child's birth",
    "no_birth_date": "the child has no birth date",
    "bad_code": "the value is not one of the codes the return allows",
    "bad_flag": "the value is not true/false, 1/0, yes/no",
    "bad_number": "the value is not a whole number",
    "duplicate": "the same record appears twice in one file",
}


@dataclass(frozen=True)
class Finding:
    """One data-quality problem in one record."""

    #: the file's name (no folders)
    file: str
    #: where the record is: ``line 14``, ``Child 3 / CINdetails 2 / Assessments 1``,
    #: ``List 3 row 7``
    locator: str
    #: the column, element or heading holding the bad value
    field: str
    #: a key of :data:`RULES`
    rule: str
    #: the bad value, only when it cannot identify a child (else "")
    value: str = ""
    #: the normalised tables the record was left out of
    tables: tuple[str, ...] = ()
    #: the return it came from: ``CIN census``, ``SSDA903``, ``Annex A``, ``extract``
    source: str = ""

    def message(self) -> str:
        """One line for a terminal or a refusal: where, which field, what is wrong."""
        shown = f" ({self.value!r})" if self.value else ""
        return f"{self.file}, {self.locator}, {self.field}{shown}: {RULES[self.rule]}"


@dataclass
class Reading:
    """One file (or folder of the CSV layout) read: its tables and findings."""

    #: ``CIN census``, ``SSDA903``, ``Annex A`` or ``extract``
    kind: str
    #: the file's name as the user gave it
    file: str
    #: collection years covered, such as ``("2022-23",)``; empty when the source has none
    years: tuple[str, ...] = ()
    #: normalised table name -> records (see :mod:`xlkpi.indicators.tables`)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    #: optional: table name -> the locator of each row of that frame (for findings the
    #: glue adds later, such as dates outside the working-day calendar): an array, or any
    #: sequence that formats a row's locator only when it is indexed
    locators: dict[str, Sequence[str]] = field(default_factory=dict)
    #: optional: table name -> the file it was read from, when not ``file`` (a folder)
    table_files: dict[str, str] = field(default_factory=dict)

    def rows(self) -> dict[str, int]:
        """Records per table, for ``xlkpi sources``."""
        return {name: len(frame) for name, frame in self.frames.items()}
