"""The Ofsted Annex A lists as data: sheet names, the headings each list holds (with the
variants councils write), which headings a list needs, and which tables come from it.

Annex A (Ofsted, "Annex A - Child level data", ILACS; template of August 2019) is one
sheet per list: 1 contacts, 2 early help, 3 referrals, 4 assessments, 5 section 47
enquiries, 6 children in need, 7 child protection, 8 children looked after, 9 care
leavers, 10 adoption (children), 11 adopters. Lists 1-8 cover the six months before the
inspection (7 and 8 also everyone open at the extract date), lists 10-11 twelve months.

Headings are matched by :func:`heading_key`: case, spacing, punctuation and curly quotes
ignored ("Referral NFA?" == "referral nfa"). An alias ending in ``*`` matches any heading
that starts with it (for the long ones councils shorten or extend). Variants come from the
Ofsted template, the liia-tools Annex A schema (``header_regex``) and the CSCDP Annex A
cleaner's merge configuration (``annex_a_merge.yml``). "Allocated Team" becomes the
``team`` breakdown of the tables that have it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CASE_STATUSES",
    "CATEGORIES",
    "CODE_PATTERN",
    "ERROR_VALUES",
    "FIELDS",
    "HEADER_SCAN_ROWS",
    "LISTS",
    "MIN_HEADINGS",
    "ORDERED",
    "PREFIX_PATTERN",
    "ROW_REFERRAL",
    "SEX",
    "SHEET_PATTERN",
    "TABLE_SOURCES",
    "TEXT_DATE_FORMATS",
    "Field",
    "ListSpec",
    "TableSource",
    "heading_key",
]

#: A sheet holding list N: "List 3", "List_3", "LIST3", "List 3 - Referrals", "list-10".
SHEET_PATTERN = re.compile(r"^\s*list[\s_\-.]*(\d{1,2})(?!\d)", re.IGNORECASE)
#: The header row is looked for in the first rows of a sheet (a title row may sit above).
HEADER_SCAN_ROWS = 10
#: A row is the header row when the list's identifier heading and at least this many
#: headings of the list in all (identifier included) match.
MIN_HEADINGS = 3
#: Text dates accepted besides real Excel dates (a time part after the date is ignored).
TEXT_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
#: Excel error values as ``data_only`` reads them: the cell holds no value (a failed
#: lookup), so it is read as blank.
ERROR_VALUES = frozenset({"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?",
                          "#NULL!", "N/A"})
#: The Ofsted template's letter prefix on codes: "b) Female", "q) 6: Police", "p1) 5D: ...".
PREFIX_PATTERN = re.compile(r"^\s*[a-z]\d?\)\s*", re.IGNORECASE)
#: A DfE code followed by its label ("6: Police", "N1 - Abuse or neglect",
#: "E1: Placement order"): the code alone is kept, as the CIN census and SSDA903 write it.
CODE_PATTERN = re.compile(r"^([A-Za-z0-9]{1,6})\s*(?::|\s[-\u2013]\s)\s*\S")
#: Categories of abuse written as words -> the CIN census codes.
CATEGORIES = {"neglect": "NEG", "physical abuse": "PHY", "physical": "PHY",
              "sexual abuse": "SAB", "sexual": "SAB", "emotional abuse": "EMO",
              "emotional": "EMO", "multiple/not recommended": "MUL", "multiple": "MUL"}
#: Case status (List 6) as written -> a short code; the Ofsted codes are a) Looked after
#: child, b) Child Protection plan, c) Child in need plan, d) Open assessment, e) Closed
#: episode.
CASE_STATUSES = {"looked after child": "LAC", "looked after": "LAC", "lac": "LAC",
                 "cla": "LAC", "child protection plan": "CP", "cp plan": "CP",
                 "child protection": "CP", "child in need plan": "CIN", "cin plan": "CIN",
                 "open assessment": "ASSESSMENT", "assessment": "ASSESSMENT",
                 "closed episode": "CLOSED", "closed": "CLOSED"}
#: Gender as written -> M, F, U (not stated, unknown or unborn), N (neither); the Ofsted
#: codes are a) Male, b) Female, c) Not stated/recorded, d) Neither.
SEX = {"male": "M", "m": "M", "female": "F", "f": "F", "not stated/recorded": "U",
       "not stated": "U", "not recorded": "U", "unknown": "U", "unborn": "U", "u": "U",
       "indeterminate": "U", "neither": "N", "n": "N"}


def heading_key(text: object) -> str:
    """A heading reduced to lower-case letters and digits ("Referral NFA?" -> "referralnfa")."""
    return re.sub(r"[^a-z0-9]", "", str(text or "").casefold())


@dataclass(frozen=True)
class Field:
    """One column of a list: the name the reader uses, its kind, the headings it goes by.

    Kinds: ``id`` (a child's identifier, never shown), ``date``, ``birth`` (a birth date:
    a date never shown), ``text``, ``code`` (prefix stripped, the code kept), ``category``
    (prefix stripped, categories of abuse as CIN codes), ``status`` (a List 6 case status
    as :data:`CASE_STATUSES` codes it), ``sex``, ``flag``, ``int``.
    """

    name: str
    kind: str
    aliases: tuple[str, ...]

    def matches(self, key: str) -> bool:
        """Whether a heading (as :func:`heading_key`) is this field."""
        return any(key.startswith(heading_key(a)) if a.endswith("*") else key == heading_key(a)
                   for a in self.aliases)


def _f(name: str, kind: str, *aliases: str) -> Field:
    return Field(name, kind, aliases)


_CHILD = (
    _f("child_id", "id", "Child Unique ID", "Child ID", "Unique Child ID", "Child Unique "
       "Identifier", "Child Identifier", "LA Child ID", "Child Reference", "ID"),
    _f("sex", "sex", "Gender", "Sex", "Gender Current"),
    _f("birth_date", "birth", "Date of Birth", "DOB", "Birth Date"),
    _f("ethnicity", "code", "Ethnicity", "Ethnic Origin", "Ethnic group"),
)
_TEAM = _f("team", "text", "Allocated Team", "Team", "Allocated team name")
_REFERRAL_DATE = _f("referral_date", "date", "Date of referral", "Referral date",
                    "Date of the referral")

#: list number -> its fields beyond the child's (identifier, gender, birth date).
FIELDS: dict[int, tuple[Field, ...]] = {
    1: (
        *_CHILD,
        _f("contact_date", "date", "Date of Contact", "Contact date", "Date contact received"),
        _f("source", "code", "Contact Source", "Source of contact"),
    ),
    2: (
        *_CHILD,
        _f("eh_start", "date", "Assessment start date", "Early help assessment start date"),
        _f("eh_end", "date", "Assessment completion date",
           "Early help assessment completion date"),
        _f("eh_organisation", "text", "Organisation completing assessment"),
    ),
    3: (
        *_CHILD,
        _TEAM,
        _REFERRAL_DATE,
        _f("source", "code", "Referral Source", "Source of referral"),
        _f("nfa", "flag", "Referral NFA?", "Referral NFA", "NFA", "Referral no further "
           "action", "Referral NFA flag", "No further action"),
        _f("referrals_12m", "int", "Number of Referrals in Last 12 Months",
           "Number of referrals in the last 12 months"),
    ),
    4: (
        *_CHILD,
        _TEAM,
        _REFERRAL_DATE,
        _f("start_date", "date", "Continuous Assessment Start Date", "Assessment start date",
           "Date assessment started", "Assessment actual start date"),
        _f("authorised_date", "date", "Continuous Assessment Date of Authorisation",
           "Assessment authorisation date", "Date of authorisation", "Assessment authorised "
           "date", "Date assessment authorised", "Assessment completion date",
           "Date assessment completed", "Assessment completed date"),
    ),
    5: (
        *_CHILD,
        _TEAM,
        _REFERRAL_DATE,
        _f("strategy_date", "date", "Strategy discussion initiating Section 47 Enquiry "
           "Start Date", "Strategy discussion date", "Date of strategy discussion",
           "Section 47 enquiry start date", "S47 start date", "Date S47 started"),
        _f("icpc_not_required", "flag", "Was an Initial Child Protection Conference deemed "
           "unnecessary", "ICPC not required", "ICPC deemed unnecessary"),
        _f("icpc_date", "date", "Date of Initial Child Protection Conference", "ICPC date",
           "Date of ICPC", "Initial child protection conference date"),
    ),
    6: (
        *_CHILD,
        _TEAM,
        _f("cin_start", "date", "CIN Start Date", "Date CIN started", "CIN episode start date"),
        _f("primary_need", "code", "Primary Need Code", "Primary need"),
        _f("closure_date", "date", "CIN Closure Date", "CIN end date", "Date CIN closed"),
        _f("closure_reason", "code", "Reason for Closure", "Closure reason",
           "CIN closure reason"),
        _f("last_seen", "date", "Date Child Was Last Seen", "Date child last seen",
           "Date last seen", "Date of last CIN visit", "Date of last visit"),
        _f("case_status", "status", "Case Status"),
    ),
    7: (
        *_CHILD,
        _TEAM,
        _f("start_date", "date", "Child Protection Plan Start Date", "CP plan start date",
           "CPP start date", "Date CP plan started"),
        _f("initial_category", "category", "Initial Category of Abuse"),
        _f("latest_category", "category", "Latest Category of Abuse"),
        _f("visit_date", "date", "Date of the Last Statutory Visit", "Date of last statutory "
           "visit", "Last statutory visit date", "Date of last CP visit"),
        _f("review_date", "date", "Date of latest review conference", "Date of last review "
           "conference", "Latest review conference date", "Date of latest RCPC",
           "Date of last RCPC"),
        _f("end_date", "date", "Child Protection Plan End Date", "CP plan end date",
           "CPP end date", "Date CP plan ended"),
        _f("previous_plans", "int", "Number of Previous Child Protection Plans",
           "Number of previous CP plans", "Previous CP plans"),
    ),
    8: (
        *_CHILD,
        _TEAM,
        _f("uasc", "flag", "Unaccompanied Asylum Seeking Child*", "UASC"),
        _f("start_date", "date", "Date Started to be Looked After", "Date became looked "
           "after", "Date started being looked after", "CLA start date",
           "Date started care"),
        _f("legal_status", "code", "Child's Legal Status", "Legal Status",
           "Current legal status"),
        _f("review_date", "date", "Date of Latest Statutory Review", "Date of last "
           "statutory review", "Latest statutory review date", "Date of last CLA review",
           "Date of latest review"),
        _f("visit_date", "date", "Date of Last Social Work Visit", "Date of last social "
           "worker visit", "Last social work visit date", "Date of last statutory visit"),
        _f("placements_12m", "int", "Number of Placements in the Last 12 months",
           "Number of placements in last 12 months"),
        _f("end_date", "date", "Date Ceased to be Looked After", "Date ceased looked after",
           "CLA end date", "Date ceased care"),
        _f("reason_end", "code", "Reason Ceased to be Looked After"),
        _f("placement", "code", "Placement Type"),
    ),
    9: (
        *_CHILD,
        _f("in_touch", "code", "LA in Touch", "In touch"),
        _f("accommodation", "code", "Type of Accommodation", "Accommodation"),
        _f("activity", "code", "Activity Status", "Activity"),
        _f("eligibility", "code", "Eligibility Category"),
    ),
    10: (
        *_CHILD,
        _f("entered_care", "date", "Date the Child Entered Care"),
        _f("decision_date", "date", "Date of Decision that Child Should be Placed for "
           "Adoption", "Date of decision to place for adoption", "Date of ADM decision"),
        _f("match_date", "date", "Date of Matching Child and Prospective Adopters",
           "Date of matching", "Date matched"),
        _f("placed_date", "date", "Date Placed for Adoption", "Date placed"),
        _f("adopted_date", "date", "Date of Adoption Order", "Adoption order date"),
        _f("reversed_date", "date", "Date of Decision that Child Should No Longer be "
           "Placed for Adoption"),
    ),
    11: (
        _f("adopter_id", "id", "Individual adopter identifier", "Adopter ID"),
        _f("family_id", "text", "Family identifier"),
        _f("enquiry_date", "date", "Date enquiry received"),
        _f("approved_date", "date", "Date application approved"),
    ),
}


@dataclass(frozen=True)
class ListSpec:
    """One Annex A list: its number, what it holds, its identifier and required headings."""

    number: int
    title: str
    #: the field identifying a row's person (the child; the adopter in list 11)
    ident: str
    #: fields whose heading must be present and whose value must not be blank
    required: tuple[str, ...]


LISTS: dict[int, ListSpec] = {s.number: s for s in (
    ListSpec(1, "contacts", "child_id", ("child_id", "contact_date")),
    ListSpec(2, "early help", "child_id", ("child_id",)),
    ListSpec(3, "referrals", "child_id", ("child_id", "referral_date")),
    ListSpec(4, "assessments", "child_id", ("child_id", "start_date")),
    ListSpec(5, "section 47 enquiries", "child_id", ("child_id", "strategy_date")),
    ListSpec(6, "children in need", "child_id", ("child_id",)),
    ListSpec(7, "child protection", "child_id", ("child_id", "start_date")),
    ListSpec(8, "children looked after", "child_id", ("child_id", "start_date")),
    ListSpec(9, "care leavers", "child_id", ("child_id",)),
    ListSpec(10, "adoption", "child_id", ("child_id",)),
    ListSpec(11, "adopters", "adopter_id", ("adopter_id",)),
)}

#: (start, end) pairs per list where an end before its start is an error (end_before_start).
ORDERED: dict[int, tuple[tuple[str, str], ...]] = {
    4: (("start_date", "authorised_date"),),
    5: (("strategy_date", "icpc_date"),),
    6: (("cin_start", "closure_date"),),
    7: (("start_date", "end_date"),),
    8: (("start_date", "end_date"),),
    10: (("placed_date", "adopted_date"),),
}
#: Lists whose row may carry its own referral date: (referral field, event that must not
#: precede it) -> before_referral.
ROW_REFERRAL: dict[int, tuple[str, str]] = {4: ("referral_date", "start_date"),
                                            5: ("referral_date", "strategy_date")}


@dataclass(frozen=True)
class TableSource:
    """Where one normalised table's columns come from in one list."""

    table: str
    list: int
    #: table column -> list field
    columns: dict[str, str]
    #: fields a row needs to be a record of this table (a blank one is no record, not an
    #: error: a child with no visit yet has no visit row)
    needs: tuple[str, ...] = ()
    #: (field, value): only rows whose field holds the value (List 6 rows of children on
    #: a child in need plan, by their case status)
    where: tuple[str, str] | None = None


TABLE_SOURCES: tuple[TableSource, ...] = (
    TableSource("contacts", 1, {"contact_date": "contact_date", "source": "source"}),
    TableSource("referrals", 3, {"referral_date": "referral_date", "source": "source",
                                 "nfa": "nfa", "team": "team"}),
    TableSource("assessments", 4, {"referral_date": "referral_date",
                                   "start_date": "start_date",
                                   "authorised_date": "authorised_date", "team": "team"}),
    TableSource("s47", 5, {"referral_date": "referral_date", "strategy_date": "strategy_date",
                           "icpc_date": "icpc_date",
                           "icpc_not_required": "icpc_not_required", "team": "team"}),
    TableSource("cp_plans", 7, {"start_date": "start_date", "end_date": "end_date",
                                "initial_category": "initial_category",
                                "latest_category": "latest_category",
                                "previous_plans": "previous_plans", "team": "team"}),
    TableSource("cp_visits", 7, {"visit_date": "visit_date"}, ("visit_date",)),
    TableSource("cp_reviews", 7, {"plan_start": "start_date", "review_date": "review_date"},
                ("review_date",)),
    TableSource("cin_plan_cases", 6, {"start_date": "cin_start", "end_date": "closure_date",
                                      "team": "team"}, ("cin_start",),
                where=("case_status", "CIN")),
    TableSource("cin_visits", 6, {"visit_date": "last_seen"}, ("last_seen",)),
    TableSource("cla", 8, {"start_date": "start_date", "end_date": "end_date",
                           "legal_status": "legal_status", "team": "team"}),
    TableSource("cla_visits", 8, {"visit_date": "visit_date"}, ("visit_date",)),
    TableSource("cla_reviews", 8, {"review_date": "review_date"}, ("review_date",)),
    TableSource("care_leavers", 9, {"birth_date": "birth_date", "in_touch": "in_touch",
                                    "activity": "activity",
                                    "accommodation": "accommodation"}),
    TableSource("adoptions", 10, {"decision_date": "decision_date",
                                  "match_date": "match_date", "placed_date": "placed_date",
                                  "adopted_date": "adopted_date"}),
)
