"""The CIN census's values, once streamed, checked and turned into tables (vectorised).

Tables and where their columns come from (``CINdetails/x``: the record's own CINdetails;
``ChildProtectionPlans/x``: the review's plan):

- ``children``: LAchildID, PersonBirthDate (else ExpectedPersonBirthDate: an unborn child
  is dated by its expected birth, so its age at referral is negative, never guessed
  otherwise), GenderCurrent (else ``Sex``, 2024-25 on; the code as written), PersonDeathDate,
  and ChildCharacteristics/Ethnicity (the DfE code as written, trimmed; read with the
  identifiers as one record of the child).
- ``referrals`` (one per CINdetails): CINreferralDate, CINclosureDate, ReferralNFA,
  ReferralSource, PrimaryNeedCode, ReasonForClosure.
- ``assessments``: AssessmentActualStartDate, AssessmentAuthorisationDate, and
  CINdetails/CINreferralDate as ``referral_date``: the DfE measures assessment timeliness
  from the referral to the authorisation.
- ``s47``: S47ActualStartDate (the strategy discussion that starts the enquiry),
  the enquiry's own DateOfInitialCPC (the CINdetails-level DateOfInitialCPC is not read),
  ICPCnotRequired, CINdetails/CINreferralDate.
- ``cin_plans``: CINPlanStartDate, CINPlanEndDate, CINdetails/CINreferralDate.
- ``cp_plans``: CPPstartDate, CPPendDate, Initial/LatestCategoryOfAbuse,
  NumberOfPreviousCPP.
- ``cp_reviews``: each Reviews/CPPreviewDate with ChildProtectionPlans/CPPstartDate.

What each data-quality rule leaves out (a record is left out of its own table and of the
tables that hang on it, nothing else):

- LAchildID blank (``required_blank``): the whole child, every table (its records cannot
  be matched to one child, so re-referrals and repeat plans would be miscounted).
- CINreferralDate blank (``required_blank``) or not a date (``not_a_date``): the
  CINdetails and every record in it (assessment timeliness and re-referrals count from it).
- no PersonBirthDate and no ExpectedPersonBirthDate (``no_birth_date``), PersonBirthDate
  or PersonDeathDate not a date: ``children`` only; ExpectedPersonBirthDate not a date:
  ``children`` when there is no PersonBirthDate, else reported and kept (it is not used).
- CINclosureDate not a date or before the referral (``end_before_start``), ReferralNFA not
  a flag (``bad_flag``): ``referrals`` only; the episode's assessments, enquiries and
  plans carry their own dates and stay.
- an assessment date not a date, or authorised before the referral (``before_referral``):
  that assessment, out of ``assessments``.
- S47ActualStartDate blank or not a date, before the referral (``before_referral``),
  DateOfInitialCPC not a date or before the enquiry started (``end_before_start``),
  ICPCnotRequired not a flag: that enquiry, out of ``s47``.
- CINPlanStartDate blank or not a date, CINPlanEndDate not a date or before the start:
  that plan, out of ``cin_plans``.
- CPPstartDate blank or not a date, CPPendDate not a date or before the start: the plan,
  out of ``cp_plans`` and ``cp_reviews`` (its reviews are timed from its start).
- CPPreviewDate empty or not a date: that review, out of ``cp_reviews``.
- NumberOfPreviousCPP not a whole number (``bad_number``): reported, the plan kept with
  ``previous_plans`` blank (-1); no indicator counts it, so nothing is distorted.

Codes (sources, needs, categories, sex, ethnicity) are kept as written, trimmed; flags read
true/false/1/0. Locators are XML positions, 1-based (``Child 12 / CINdetails 2 /
Assessments 1``), never an identifier; identifiers, birth and death dates are never shown.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from xlkpi.indicators import quality, tables
from xlkpi.indicators.reading import Finding

__all__ = ["CHARACTERISTICS", "COLUMNS", "FIELDS", "ORDER", "REQUIRED", "TABLE_OF", "Raw",
           "RowLocators", "tables_of"]

#: The elements read from each block of a Child (raw field names are the element names).
FIELDS: dict[str, tuple[str, ...]] = {
    "ChildIdentifiers": ("LAchildID", "PersonBirthDate", "ExpectedPersonBirthDate",
                         "GenderCurrent", "Sex", "PersonDeathDate", "Ethnicity"),
    "CINdetails": ("CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate",
                   "ReasonForClosure", "ReferralNFA"),
    "Assessments": ("AssessmentActualStartDate", "AssessmentAuthorisationDate"),
    "CINPlanDates": ("CINPlanStartDate", "CINPlanEndDate"),
    "Section47": ("S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired"),
    "ChildProtectionPlans": ("CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse",
                             "LatestCategoryOfAbuse", "NumberOfPreviousCPP"),
    "Reviews": ("CPPreviewDate",),
}
#: Fields of ``ChildIdentifiers`` read from its sibling ``ChildCharacteristics`` (one per
#: child, so one record with the identifiers).
CHARACTERISTICS = ("Ethnicity",)
#: The block each record hangs on (its ``link`` position points into it).
PARENT = {"CINdetails": "ChildIdentifiers", "Assessments": "CINdetails",
          "CINPlanDates": "CINdetails", "Section47": "CINdetails",
          "ChildProtectionPlans": "CINdetails", "Reviews": "ChildProtectionPlans"}
#: The normalised table each block's records go to.
TABLE_OF = {"ChildIdentifiers": "children", "CINdetails": "referrals",
            "Assessments": "assessments", "CINPlanDates": "cin_plans", "Section47": "s47",
            "ChildProtectionPlans": "cp_plans", "Reviews": "cp_reviews"}
#: table -> column -> field(s): a tuple takes the first non-blank, ``Block/field`` the
#: parent record's field.
COLUMNS: dict[str, dict[str, str | tuple[str, ...]]] = {
    "children": {"child_id": "LAchildID",
                 "birth_date": ("PersonBirthDate", "ExpectedPersonBirthDate"),
                 "sex": ("GenderCurrent", "Sex"), "death_date": "PersonDeathDate",
                 "ethnicity": "Ethnicity"},
    "referrals": {"referral_date": "CINreferralDate", "closure_date": "CINclosureDate",
                  "nfa": "ReferralNFA", "source": "ReferralSource",
                  "primary_need": "PrimaryNeedCode", "closure_reason": "ReasonForClosure"},
    "assessments": {"referral_date": "CINdetails/CINreferralDate",
                    "start_date": "AssessmentActualStartDate",
                    "authorised_date": "AssessmentAuthorisationDate"},
    "s47": {"referral_date": "CINdetails/CINreferralDate",
            "strategy_date": "S47ActualStartDate", "icpc_date": "DateOfInitialCPC",
            "icpc_not_required": "ICPCnotRequired"},
    "cin_plans": {"referral_date": "CINdetails/CINreferralDate",
                  "start_date": "CINPlanStartDate", "end_date": "CINPlanEndDate"},
    "cp_plans": {"start_date": "CPPstartDate", "end_date": "CPPendDate",
                 "initial_category": "InitialCategoryOfAbuse",
                 "latest_category": "LatestCategoryOfAbuse",
                 "previous_plans": "NumberOfPreviousCPP"},
    "cp_reviews": {"plan_start": "ChildProtectionPlans/CPPstartDate",
                   "review_date": "CPPreviewDate"},
}
#: Fields a record needs: block -> fields (blank -> ``required_blank``).
REQUIRED: dict[str, tuple[str, ...]] = {
    "ChildIdentifiers": ("LAchildID",), "CINdetails": ("CINreferralDate",),
    "Section47": ("S47ActualStartDate",), "CINPlanDates": ("CINPlanStartDate",),
    "ChildProtectionPlans": ("CPPstartDate",), "Reviews": ("CPPreviewDate",),
}
#: (block, earlier, later, rule): ``later`` before ``earlier`` is an error of ``later``.
ORDER: tuple[tuple[str, str, str, str], ...] = (
    ("CINdetails", "CINreferralDate", "CINclosureDate", "end_before_start"),
    ("Assessments", "CINdetails/CINreferralDate", "AssessmentAuthorisationDate",
     "before_referral"),
    ("Section47", "CINdetails/CINreferralDate", "S47ActualStartDate", "before_referral"),
    ("Section47", "S47ActualStartDate", "DateOfInitialCPC", "end_before_start"),
    ("CINPlanDates", "CINPlanStartDate", "CINPlanEndDate", "end_before_start"),
    ("ChildProtectionPlans", "CPPstartDate", "CPPendDate", "end_before_start"),
)
#: Errors in these fields leave out the record and everything hanging on it.
_WHOLE = {("ChildIdentifiers", "LAchildID"), ("CINdetails", "CINreferralDate")}
#: Errors in these fields leave nothing out (the value is blanked, no indicator reads it).
_KEPT = {("ChildProtectionPlans", "NumberOfPreviousCPP")}
#: field -> the field it stands in for: its errors matter only where that one is blank.
_FALLBACK = {("ChildIdentifiers", "ExpectedPersonBirthDate"): "PersonBirthDate"}
#: Fields never shown in a finding.
_PRIVATE = {"LAchildID", "PersonBirthDate", "ExpectedPersonBirthDate", "PersonDeathDate"}
#: Parsers by column kind, each giving (values, bad mask).
_PARSE: dict[str, Callable] = {"date": quality.parse_days, "bool": quality.parse_flags,
                               "int": quality.parse_ints}
_BAD_RULE = {"date": "not_a_date", "bool": "bad_flag", "int": "bad_number"}
_NAT = np.datetime64("NaT", "D")


def _kinds() -> dict[tuple[str, str], str]:
    """(block, field) -> column kind, from the tables the fields fill."""
    block_of = {table: block for block, table in TABLE_OF.items()}
    kinds = {}
    for table, columns in COLUMNS.items():
        for column, fields in columns.items():
            for name in (fields,) if isinstance(fields, str) else fields:
                block, _, name = name.rpartition("/")
                kinds[(block or block_of[table], name)] = tables.TABLES[table][column]
    return kinds


KINDS = _kinds()


@dataclass
class Raw:
    """Values as streamed: block -> field -> list of text (``None`` when absent), and
    block -> flat positions ``(child number, link, number)`` per record."""

    values: dict[str, dict[str, list]] = field(default_factory=dict)
    positions: dict[str, array] = field(default_factory=dict)

    @classmethod
    def new(cls) -> Raw:
        return cls({block: {name: [] for name in names} for block, names in FIELDS.items()},
                   {block: array("q") for block in FIELDS})


def _by_unique(values: list, parse: Callable) -> tuple[np.ndarray, np.ndarray]:
    """``parse`` run once per distinct value (dates repeat a lot), spread back to rows."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    parsed, bad = parse(np.append(np.asarray(uniques, dtype=object), ""))
    return parsed[codes], bad[codes]  # code -1 takes the appended blank


def _text(values: list) -> tuple[np.ndarray, np.ndarray]:
    def strip(unique: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        text = pd.Series(unique, dtype=object).fillna("").astype(str).str.strip()
        return text.to_numpy(dtype=object), np.zeros(len(unique), dtype=bool)
    return _by_unique(values, strip)


class _Census:
    """The parsed fields, positions and leave-out masks of one census."""

    def __init__(self, raw: Raw, file: str, source: str) -> None:
        self.file, self.source = file, source
        self.pos = {block: np.frombuffer(raw.positions[block], dtype=np.int64).reshape(-1, 3)
                    if len(raw.positions[block]) else np.zeros((0, 3), dtype=np.int64)
                    for block in FIELDS}
        self.raw = raw.values
        self.parsed: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        by_kind: dict[str, list[tuple[str, str]]] = {}
        for block, names in FIELDS.items():
            for name in names:
                by_kind.setdefault(KINDS.get((block, name), "text"), []).append((block, name))
        for kind, keys in by_kind.items():  # one parse per kind, over every field of it
            values = [v for block, name in keys for v in raw.values[block][name]]
            parse = _PARSE.get(kind)
            parsed, bad = _by_unique(values, parse) if parse else _text(values)
            ends = np.cumsum([len(raw.values[block][name]) for block, name in keys])
            for key, value, flags in zip(keys, np.split(parsed, ends[:-1]),
                                         np.split(bad, ends[:-1]), strict=True):
                self.parsed[key] = (value, flags)
        self.own = {block: np.zeros(len(self.pos[block]), dtype=bool) for block in FIELDS}
        self.whole = {block: np.zeros(len(self.pos[block]), dtype=bool) for block in FIELDS}
        self.findings: list[Finding] = []

    def get(self, block: str, name: str) -> np.ndarray:
        """A field's values for the records of ``block`` (``Parent/field``: the parent's)."""
        parent, _, name = name.rpartition("/")
        if not parent:
            return self.parsed[(block, name)][0]
        return self.parsed[(parent, name)][0][self.pos[block][:, 1]]

    def add(self, block: str, name: str, rule: str, bad: np.ndarray,
            scope: str = "") -> None:
        """Record ``bad`` records and mark what they are left out of (``scope``: the
        record and its descendants ``whole``, its ``own`` table, or ``kept``)."""
        if not bad.any():
            return
        preferred = _FALLBACK.get((block, name))
        if preferred and not scope:  # used only where the preferred field is blank
            used = _blank(self.raw[block][preferred])
            self.add(block, name, rule, bad & used, "own")
            self.add(block, name, rule, bad & ~used, "kept")
            return
        scope = scope or ("whole" if (block, name) in _WHOLE else
                          "kept" if (block, name) in _KEPT else "own")
        left_out = () if scope == "kept" else _tables_under(block, whole=scope == "whole")
        values = None if name in _PRIVATE or rule == "required_blank" else \
            self.raw[block][name]
        checks = quality.Checks(self.source, self.file,
                                lambda rows: _locate(self.pos, block, rows))
        checks.add(bad, name, rule, left_out, values)
        self.findings.extend(checks.findings)
        if scope != "kept":
            (self.whole if scope == "whole" else self.own)[block] |= bad

    def check(self) -> None:
        """Every rule, in the order the report lists them."""
        for (block, name), (_values, bad) in self.parsed.items():
            kind = KINDS.get((block, name), "text")
            if kind in _BAD_RULE:
                self.add(block, name, _BAD_RULE[kind], bad)
        for block, names in REQUIRED.items():
            for name in names:
                value = self.parsed[(block, name)][0]
                blank = np.isnat(value) if value.dtype.kind == "M" else value == ""
                self.add(block, name, "required_blank", blank & ~self.parsed[(block, name)][1])
        child = "ChildIdentifiers"
        no_birth = (_blank(self.raw[child]["PersonBirthDate"])
                    & _blank(self.raw[child]["ExpectedPersonBirthDate"]))
        self.add(child, "PersonBirthDate", "no_birth_date", no_birth)
        for block, earlier, later, rule in ORDER:
            self.add(block, later, rule, self.get(block, later) < self.get(block, earlier))

    def left_out(self) -> dict[str, np.ndarray]:
        """block -> records left out of its table (own errors and their parents')."""
        out: dict[str, np.ndarray] = {}
        gone: dict[str, np.ndarray] = {}  # records whose descendants all go
        for block in FIELDS:  # parents come before children in FIELDS
            parent = PARENT.get(block)
            inherited = gone[parent][self.pos[block][:, 1]] if parent else \
                np.zeros(len(self.pos[block]), dtype=bool)
            gone[block] = self.whole[block] | inherited
            out[block] = gone[block] | self.own[block]
            if block == "ChildProtectionPlans":  # a plan's reviews go with it
                gone[block] = out[block]
        return out


def _locate(pos: dict[str, np.ndarray], block: str, rows: np.ndarray) -> list[str]:
    """Locator text of records of ``block`` (row positions): XML positions, 1-based."""
    child, link, number = pos[block][rows].T
    if block == "ChildIdentifiers":
        return [f"Child {c}" for c in child]
    if block == "CINdetails":
        return [f"Child {c} / CINdetails {n}" for c, n in zip(child, number, strict=True)]
    if block == "Reviews":
        plan = pos["ChildProtectionPlans"][link]
        cin = pos["CINdetails"][plan[:, 1], 2]
        return [f"Child {c} / CINdetails {k} / ChildProtectionPlans {p} / CPPreviewDate {n}"
                for c, k, p, n in zip(child, cin, plan[:, 2], number, strict=True)]
    cin = pos["CINdetails"][link, 2]
    return [f"Child {c} / CINdetails {k} / {block} {n}"
            for c, k, n in zip(child, cin, number, strict=True)]


class RowLocators:
    """The locator of each row of one output table, made when asked for (a census has
    millions of rows; a finding the glue adds later needs a few)."""

    def __init__(self, pos: dict[str, np.ndarray], block: str, kept: np.ndarray) -> None:
        self.pos, self.block, self.kept = pos, block, kept

    def __len__(self) -> int:
        return len(self.kept)

    def __getitem__(self, row: int) -> str:
        return _locate(self.pos, self.block, self.kept[[row]])[0]


def _blank(values: list) -> np.ndarray:
    text = pd.Series(np.asarray(values, dtype=object), dtype=object)
    return (text.fillna("").astype(str).str.strip() == "").to_numpy()


def _tables_under(block: str, whole: bool) -> tuple[str, ...]:
    """The tables a record of ``block`` is left out of (with its descendants if whole)."""
    found = [block]
    if whole or block == "ChildProtectionPlans":
        for _ in range(3):
            found += [b for b, p in PARENT.items() if p in found and b not in found]
    return tuple(TABLE_OF[b] for b in FIELDS if b in found)


def _frame(census: _Census, block: str, keep: np.ndarray) -> pd.DataFrame:
    table = TABLE_OF[block]
    ids = census.parsed[("ChildIdentifiers", "LAchildID")][0]
    columns = {"child_id": ids[census.pos[block][:, 0] - 1]}
    for column, fields in COLUMNS[table].items():
        names = (fields,) if isinstance(fields, str) else fields
        value = census.get(block, names[0])
        for other in names[1:]:  # the first non-blank
            alternative = census.get(block, other)
            blank = np.isnat(value) if value.dtype.kind == "M" else value == ""
            value = np.where(blank, alternative, value)
        columns[column] = value
    frame = pd.DataFrame({col: values[keep] for col, values in columns.items()})
    return tables.conform(table, frame)


def tables_of(raw: Raw, file: str, source: str
              ) -> tuple[dict[str, pd.DataFrame], list[Finding], dict[str, RowLocators]]:
    """The normalised tables, the findings and the row locators of one streamed census."""
    census = _Census(raw, file, source)
    census.check()
    out = census.left_out()
    frames = {TABLE_OF[block]: _frame(census, block, ~out[block]) for block in FIELDS}
    locators = {TABLE_OF[block]: RowLocators(census.pos, block, np.flatnonzero(~out[block]))
                for block in FIELDS}
    return frames, census.findings, locators
