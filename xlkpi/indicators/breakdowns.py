"""Breakdowns of the monthly indicator table, declared as data: which group each row of an
indicator's table is in.

A breakdown (:data:`BREAKDOWNS`, names in :data:`NAMES`) reads either a column of the
indicator's own table (``team``, ``area``, ``source``, ``primary_need``...) or an attribute
of the child joined from the ``children`` table by child identifier (``age``, ``sex``,
``ethnicity``), and turns its codes into groups through a vocabulary (code -> group). The
rules:

- A blank value, a child with no row in ``children`` or without a birth date, is the
  group ``(blank)``. A code the vocabulary does not know is its own group, as written
  (never folded into a wrong one).
- A breakdown a table cannot give (the column is not in the table, or there is no
  ``children`` table for a child attribute) leaves that indicator's rows as the authority
  total only (the ``All`` row), never a wrong split.
- Rates per 10,000 are given for the whole authority only (there is no population per
  group); the engine keeps their ``All`` row.
- Age bands are the DfE's for children in need and looked after: under 1, 1-4, 5-9,
  10-15, 16 and over (an unborn child, dated by its expected birth, is ``Unborn``). The
  age is taken on the date the row counts on: for an event kind (counted in the month of
  an event; :data:`~xlkpi.indicators.counting.EVENT_KINDS`) the event's date
  (:data:`EVENT_DATE`: the indicator's ``start`` or ``end`` column); for a snapshot kind
  (children open at a month end) the last day of the last reporting month, so in a
  13-month table every month shows a child in the band of their age at the latest month
  end (the rule interface takes one group per row). A child is a year older on the
  anniversary of their birth; one born on 29 February on 1 March in a common year.
- Groups come in the vocabulary's order, then codes it does not know (sorted), then
  ``(blank)``; only groups with rows are listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from xlkpi.errors import KpiError

if TYPE_CHECKING:
    from xlkpi.indicators.counting import Settings
    from xlkpi.indicators.definitions import Indicator
    from xlkpi.indicators.loader import Extract, Table

__all__ = ["AGE_BANDS", "ALL", "BLANK", "BREAKDOWNS", "COLUMNS", "EVENT_DATE", "NAMES",
           "Breakdown", "ages", "groups", "labels_of"]

#: The breakdown label of the whole-authority row.
ALL = "All"
#: The group of a row whose value is blank (or whose child has no birth date).
BLANK = "(blank)"
_CHILDREN = "children"


@dataclass(frozen=True)
class Breakdown:
    """One breakdown: the column it reads and how its values become groups."""

    name: str
    meaning: str
    #: the column read: of the indicator's table, or of ``children`` when ``child``
    column: str
    #: joined from the ``children`` table by child identifier
    child: bool = False
    #: code (trimmed, upper case) -> group; empty: the value as written is the group
    vocabulary: Mapping[str, str] = field(default_factory=dict)
    #: words a group is also written as (lower-case prefix -> group), after the codes
    words: tuple[tuple[str, str], ...] = ()
    #: the published definition the groups follow
    reference: str = ""

    @property
    def order(self) -> tuple[str, ...]:
        """The groups in reporting order."""
        if self.name == "age":
            return tuple(label for _low, label in AGE_BANDS)
        return tuple(dict.fromkeys([*self.vocabulary.values(), *(g for _w, g in self.words)]))


#: (lowest age in whole years, label): the DfE's age bands (Characteristics of children
#: in need; Children looked after in England). Below 0 is an unborn child.
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (-200, "Unborn"), (0, "Under 1"), (1, "1-4"), (5, "5-9"), (10, "10-15"),
    (16, "16 and over"))

#: DfE ethnicity codes (CIN census, SSDA903; the school census list) -> the DfE's major
#: groups. Chinese (CHNE) is in "Other" as in the DfE's children in need and looked-after
#: publications; ACHN (Chinese under Asian, the 2021 census order) in "Asian".
ETHNICITY: dict[str, str] = {
    **dict.fromkeys(("WBRI", "WIRI", "WIRT", "WOTH", "WROM"), "White"),
    **dict.fromkeys(("MWBC", "MWBA", "MWAS", "MOTH"), "Mixed"),
    **dict.fromkeys(("AIND", "APKN", "ABAN", "AOTH", "ACHN"), "Asian"),
    **dict.fromkeys(("BCRB", "BAFR", "BOTH"), "Black"),
    **dict.fromkeys(("CHNE", "OOTH", "OARB"), "Other"),
    **dict.fromkeys(("REFU", "NOBT"), "Refused/not obtained"),
}
#: Ethnicity written as words (Annex A lists without codes), by how the text starts.
ETHNICITY_WORDS: tuple[tuple[str, str], ...] = (
    ("white", "White"), ("gypsy", "White"), ("traveller", "White"), ("mixed", "Mixed"),
    ("asian", "Asian"), ("indian", "Asian"), ("pakistani", "Asian"),
    ("bangladeshi", "Asian"), ("black", "Black"), ("african", "Black"),
    ("caribbean", "Black"), ("chinese", "Other"), ("arab", "Other"), ("any other", "Other"),
    ("other", "Other"), ("refused", "Refused/not obtained"),
    ("information not yet obtained", "Refused/not obtained"),
    ("not obtained", "Refused/not obtained"),
)
#: children.sex (M, F, U as every reader gives it; Annex A's N) -> group.
SEX: dict[str, str] = {"M": "Male", "F": "Female", "U": "Not stated or unknown",
                       "N": "Neither"}
#: CIN census PrimaryNeedCode -> need.
PRIMARY_NEED: dict[str, str] = {
    "N1": "N1 Abuse or neglect", "N2": "N2 Child's disability or illness",
    "N3": "N3 Parental disability or illness", "N4": "N4 Family in acute stress",
    "N5": "N5 Family dysfunction", "N6": "N6 Socially unacceptable behaviour",
    "N7": "N7 Low income", "N8": "N8 Absent parenting",
    "N9": "N9 Cases other than children in need", "N0": "N0 Not stated",
}
#: CIN census category of abuse -> category.
ABUSE: dict[str, str] = {"NEG": "Neglect", "PHY": "Physical abuse", "SAB": "Sexual abuse",
                         "EMO": "Emotional abuse", "MUL": "Multiple"}
#: SSDA903 legal status (LS) -> the DfE's legal status groups.
LEGAL_STATUS: dict[str, str] = {
    **dict.fromkeys(("C1", "C2"), "Care order"),
    **dict.fromkeys(("D1", "E1"), "Placement or freeing order"),
    **dict.fromkeys(("V2", "V3", "V4"), "Voluntary agreement (s20)"),
    **dict.fromkeys(("L1", "L2", "L3"), "Detained for child protection"),
    **dict.fromkeys(("J1", "J2", "J3"), "Youth justice"),
}
#: SSDA903 placement type (PLACE) -> the DfE's placement groups.
PLACEMENT: dict[str, str] = {
    **dict.fromkeys(("U1", "U2", "U3", "U4", "U5", "U6"), "Foster placement"),
    **dict.fromkeys(("A3", "A4", "A5", "A6"), "Placed for adoption"),
    "P1": "Placed with parents",
    **dict.fromkeys(("P2", "P3"), "Other placement in the community"),
    **dict.fromkeys(("K1", "K2", "H5"), "Secure unit, children's home or semi-independent "
                    "living"),
    **dict.fromkeys(("R1", "R2", "R3", "R5"), "Other residential setting"),
    "S1": "Residential school",
    **dict.fromkeys(("T0", "T1", "T2", "T3", "T4", "Z1"), "Other placement"),
}

_CIN = "DfE Children in Need census guide"
_CLA = "DfE SSDA903 guide and Children looked after in England"

#: Every breakdown, by name (the CLI's ``--by`` choices are :data:`NAMES`).
BREAKDOWNS: dict[str, Breakdown] = {b.name: b for b in (
    Breakdown("team", "the allocated team, where the table carries it", "team"),
    Breakdown("area", "the area, where the table carries it", "area"),
    Breakdown("source", "the source of the contact or referral", "source"),
    Breakdown("age", "the child's age band on the date counted (DfE bands)", "birth_date",
              child=True, reference="DfE Characteristics of children in need and Children "
              "looked after in England: under 1, 1-4, 5-9, 10-15, 16 and over"),
    Breakdown("sex", "the child's sex", "sex", child=True, vocabulary=SEX,
              reference=f"{_CIN} (GenderCurrent, Sex), {_CLA} (SEX), Ofsted Annex A"),
    Breakdown("ethnicity", "the child's ethnicity, by the DfE's major groups", "ethnicity",
              child=True, vocabulary=ETHNICITY, words=ETHNICITY_WORDS,
              reference=f"{_CIN} and {_CLA}: ethnicity codes and their major groups"),
    Breakdown("primary_need", "the primary need at assessment (referrals)", "primary_need",
              vocabulary=PRIMARY_NEED, reference=f"{_CIN}: PrimaryNeedCode N0-N9"),
    Breakdown("abuse_category", "the latest category of abuse (CP plans)",
              "latest_category", vocabulary=ABUSE,
              reference=f"{_CIN}: LatestCategoryOfAbuse"),
    Breakdown("legal_status", "the legal status (periods of care, episodes)",
              "legal_status", vocabulary=LEGAL_STATUS, reference=f"{_CLA}: LS codes"),
    Breakdown("placement", "the placement type (placements, episodes)", "placement",
              vocabulary=PLACEMENT, reference=f"{_CLA}: PLACE codes and placement groups"),
)}
#: The breakdown names, for ``xlkpi indicators --by``.
NAMES: tuple[str, ...] = tuple(BREAKDOWNS)
#: Text columns the breakdowns read from the tables (team, area and source besides).
COLUMNS: tuple[str, ...] = tuple(dict.fromkeys(
    b.column for b in BREAKDOWNS.values() if b.name != "age"))

#: Event kinds counted in the month of their ``end`` column (a timeliness or duration
#: counted when it closes); every other event kind is counted on its ``start``.
EVENT_DATE: dict[str, str] = {"timely": "end", "lasting": "end", "within_months": "end",
                              "adoption_days": "end"}


def _years(born: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whole years from ``born`` to ``day`` (float, NaN where either is NaT); a year is
    complete on the anniversary, 29 February's on 1 March in a common year."""
    def parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        year = days.astype("datetime64[Y]").astype(np.int64)
        month = days.astype("datetime64[M]").astype(np.int64) % 12
        dom = (days - days.astype("datetime64[M]")).astype(np.int64)
        return year, month * 32 + dom
    by, bmd = parts(born)
    dy, dmd = parts(day)
    years = (dy - by - (dmd < bmd)).astype(float)
    years[np.isnat(born) | np.isnat(day)] = np.nan
    return years


def ages(born: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The age band of each child born on ``born`` at ``day`` (:data:`BLANK` when either
    is unknown)."""
    years = _years(np.asarray(born, dtype="datetime64[D]"), np.asarray(day, "datetime64[D]"))
    lows = np.array([low for low, _label in AGE_BANDS])
    labels = np.array([label for _low, label in AGE_BANDS] + [BLANK], dtype=object)
    where = np.searchsorted(lows, years, side="right") - 1
    where[np.isnan(years)] = len(AGE_BANDS)
    return labels[np.clip(where, 0, len(AGE_BANDS))]


def labels_of(breakdown: Breakdown, values: np.ndarray) -> np.ndarray:
    """Each value's group: the vocabulary's, a known word's, else as written; blank
    :data:`BLANK`."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object).fillna("").astype(str)
                                  .str.strip())
    text = pd.Series(uniques, dtype=object)
    if breakdown.vocabulary or breakdown.words:
        group = text.str.upper().map(breakdown.vocabulary)
        lower = text.str.lower()
        for word, label in breakdown.words:
            group = group.where(group.notna() | ~lower.str.startswith(word), label)
        text = group.fillna(text)
    text = text.where(text != "", BLANK).to_numpy(dtype=object)
    return text[codes] if len(codes) else np.array([], dtype=object)


def _child_rows(table: Table, children: Table) -> np.ndarray:
    """The ``children`` row of each row of ``table`` (-1: the child has none)."""
    if not len(children) or not len(table):
        return np.full(len(table), -1, dtype=np.int64)
    code = pd.Index(children.ids).get_indexer(table.ids)
    row_of = np.full(len(children.ids), -1, dtype=np.int64)
    row_of[children.children] = np.arange(len(children))
    per_id = np.where(code >= 0, row_of[np.maximum(code, 0)], -1)
    return per_id[table.children]


def _age_day(ind: Indicator, table: Table, settings: Settings) -> np.ndarray:
    """The date each row's age is taken on (see the module docstring)."""
    from xlkpi.indicators.counting import EVENT_KINDS, month_ends

    if ind.kind in EVENT_KINDS:
        column = getattr(ind, EVENT_DATE.get(ind.kind, "start")) or ind.start
        return table.dates[column]
    end = month_ends(np.array([np.datetime64(settings.month, "M")]))[0]
    return np.full(len(table), end, dtype="datetime64[D]")


def _column(table: Table, column: str) -> np.ndarray | None:
    """A text column of ``table``: a breakdown column (``Table.groups``) or another text
    column the table carries (``Table.values``, where the tables carry them)."""
    if column in table.groups:
        return np.asarray(table.groups[column], dtype=object)
    held = getattr(table, "values", None) or {}
    if column in held and len(held[column]) == len(table):
        return np.asarray(held[column], dtype=object)
    return None


def _values(breakdown: Breakdown, ind: Indicator, extract: Extract,
            settings: Settings) -> np.ndarray | None:
    """Each row's group label, or ``None`` when the table cannot give the breakdown."""
    table = extract.tables[ind.source]
    if not breakdown.child:
        column = _column(table, breakdown.column)
        return None if column is None else labels_of(breakdown, column)
    children = extract.tables.get(_CHILDREN)
    if children is None:
        return None
    rows = _child_rows(table, children)
    known = rows >= 0
    if breakdown.name == "age":
        born = np.full(len(table), np.datetime64("NaT"), dtype="datetime64[D]")
        born[known] = children.dates["birth_date"][rows[known]]
        return ages(born, _age_day(ind, table, settings))
    column = _column(children, breakdown.column)
    if column is None:
        return None
    values = np.full(len(table), "", dtype=object)
    values[known] = column[rows[known]]
    return labels_of(breakdown, values)


def groups(ind: Indicator, extract: Extract, settings: Settings,
           periods: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Group code per row of ``ind``'s table (0 is the whole authority) and the labels.

    ``settings.by`` names a breakdown of :data:`BREAKDOWNS`; ``None`` (or a breakdown the
    table cannot give) gives the authority only.
    """
    table = extract.tables[ind.source]
    authority = np.zeros(len(table), dtype=np.int64), [ALL]
    if settings.by is None:
        return authority
    if settings.by not in BREAKDOWNS:
        raise KpiError(f"breakdown {settings.by!r}: not one of {', '.join(NAMES)}")
    breakdown = BREAKDOWNS[settings.by]
    values = _values(breakdown, ind, extract, settings)
    if values is None:
        return authority
    present = set(pd.unique(values))
    declared = [g for g in breakdown.order if g in present]
    order = [*declared, *sorted(present - set(declared) - {BLANK}),
             *([BLANK] if BLANK in present else [])]
    codes = pd.Categorical(values, categories=order).codes.astype(np.int64)
    return codes + 1, [ALL, *order]
