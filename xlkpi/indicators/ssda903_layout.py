"""The SSDA903 files as data: which header set each file has and what the reader takes from it.

The DfE's looked-after children return is a set of CSV files (or one XML file, see
:mod:`xlkpi.indicators.ssda903_xml`). A file is recognised by its header set, never by
its name: :data:`LAYOUTS` maps each file kind to its DfE columns, the columns the reader
cannot do without, the normalised table it feeds (:mod:`xlkpi.indicators.tables`) and the
checks its rows go through. Code lists are the DfE's (SSDA903 guide and technical
specification; the same lists csc-validator-be-903 checks in rules 143, 144 and 149).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ALIASES", "CODES", "IDENTIFYING", "LAYOUTS", "PLACEMENT_CHANGE", "SHORT_BREAKS",
           "Layout"]

#: Reason for new episode (RNE): S started to be looked after; L change of legal status
#: only; P change of placement and carer(s) only; T change of placement only (same
#: carer(s)); B change of legal status and of placement and carer(s); U change of legal
#: status and of placement (same carer(s)).
RNE = ("S", "L", "P", "T", "B", "U")
#: Legal status (LS).
LS = ("C1", "C2", "D1", "E1", "V2", "V3", "V4", "J1", "J2", "J3", "L1", "L2", "L3")
#: Reason episode ceased (REC): X1 = the episode ends and a new one begins (the child
#: stays looked after); every E code ends the period of care.
REC = ("X1", "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47",
       "E48", "E5", "E6", "E7", "E8", "E9", "E14", "E15", "E16", "E17")
#: Column -> the codes the return allows (checked as ``bad_code``, value shown).
CODES: dict[str, tuple[str, ...]] = {"RNE": RNE, "LS": LS, "REC": REC}
#: RNE codes that start a new placement inside a period of care (see ``derive``).
PLACEMENT_CHANGE = ("P", "T", "B", "U")
#: Legal statuses of an agreed series of short-term placements (short breaks); the DfE
#: leaves these children out of its counts of children looked after and of placements.
SHORT_BREAKS = ("V3", "V4")
#: Columns that identify a child or say where they live: never shown in a finding.
IDENTIFYING = frozenset({"CHILD", "UPN", "DOB", "MC_DOB", "HOME_POST", "PL_POST", "SW_ID"})
#: Other spellings of a column (after upper-casing and turning spaces into ``_``).
ALIASES: dict[str, str] = {"CHILDID": "CHILD", "CHILD_ID": "CHILD", "PL": "PLACE"}


@dataclass(frozen=True)
class Layout:
    """One 903 file kind."""

    #: the DfE's header set for this file
    columns: tuple[str, ...]
    #: columns ``read`` refuses the file without (the rest are filled blank when absent)
    required: tuple[str, ...]
    #: the normalised table it feeds, or ``None`` (read and checked, no table yet)
    table: str | None = None
    #: table column -> 903 column
    fields: dict[str, str] = field(default_factory=dict)
    #: 903 date columns (dd/mm/yyyy, ISO accepted)
    dates: tuple[str, ...] = ()
    #: 903 columns that must not be blank (``required_blank``: left out of ``table``)
    needed: tuple[str, ...] = ("CHILD",)
    #: (start, end) column pairs: an end before its start is ``end_before_start``
    spans: tuple[tuple[str, str], ...] = ()
    #: columns whose dates say which collection year the file is, and how: ``latest``
    #: (records that must have started by the year's end: the latest start is in the
    #: year) or ``median`` (events dated in the year; the median resists stray dates)
    year_columns: tuple[str, ...] = ()
    year_rule: str = "latest"
    #: table columns filled with a constant (``uasc`` is True for every UASC row)
    constants: dict[str, object] = field(default_factory=dict)


#: File kind -> layout. The XML form's blocks map to the same kinds.
LAYOUTS: dict[str, Layout] = {
    "header": Layout(
        ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
        ("CHILD", "SEX", "DOB"), "children",
        {"child_id": "CHILD", "birth_date": "DOB", "sex": "SEX", "ethnicity": "ETHNIC"},
        dates=("DOB", "MC_DOB")),
    "episodes": Layout(
        ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
         "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
        ("CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"), "episodes",
        {"child_id": "CHILD", "start_date": "DECOM", "end_date": "DEC", "reason_new": "RNE",
         "legal_status": "LS", "cin": "CIN", "placement": "PLACE",
         "provider": "PLACE_PROVIDER", "reason_end": "REC",
         "reason_place_change": "REASON_PLACE_CHANGE", "urn": "URN"},
        dates=("DECOM", "DEC"), needed=("CHILD", "DECOM", "RNE", "LS"),
        spans=(("DECOM", "DEC"),), year_columns=("DECOM",)),
    "reviews": Layout(
        ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"), ("CHILD", "REVIEW"), "cla_reviews",
        {"child_id": "CHILD", "review_date": "REVIEW"}, dates=("DOB", "REVIEW"),
        needed=("CHILD", "REVIEW"), year_columns=("REVIEW",), year_rule="median"),
    "uasc": Layout(
        ("CHILD", "SEX", "DOB", "DUC"), ("CHILD", "DUC"), "children",
        {"child_id": "CHILD", "birth_date": "DOB", "sex": "SEX"}, dates=("DOB", "DUC"),
        constants={"uasc": True}),
    "oc2": Layout(
        ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
         "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
         "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
        ("CHILD", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK"), "health",
        {"child_id": "CHILD", "health_check": "HEALTH_CHECK", "teeth_check": "TEETH_CHECK",
         "immunisations": "IMMUNISATIONS", "sdq_score": "SDQ_SCORE"}, dates=("DOB",)),
    "oc3": Layout(
        ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"), ("CHILD", "IN_TOUCH"),
        "care_leavers",
        {"child_id": "CHILD", "birth_date": "DOB", "in_touch": "IN_TOUCH",
         "activity": "ACTIV", "accommodation": "ACCOM"}, dates=("DOB",)),
    "ad1": Layout(
        ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR",
         "SEX_ADOPTR", "LS_ADOPTR"), ("CHILD", "DATE_INT", "DATE_MATCH"), "adoptions",
        {"child_id": "CHILD", "decision_date": "DATE_INT", "match_date": "DATE_MATCH"},
        dates=("DOB", "DATE_INT", "DATE_MATCH"), needed=("CHILD", "DATE_INT"),
        spans=(("DATE_INT", "DATE_MATCH"),)),
    "placed_for_adoption": Layout(
        ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
        ("CHILD", "DATE_PLACED", "DATE_PLACED_CEASED"), "placed_for_adoption",
        {"child_id": "CHILD", "placed_date": "DATE_PLACED",
         "ceased_date": "DATE_PLACED_CEASED", "ceased_reason": "REASON_PLACED_CEASED"},
        dates=("DOB", "DATE_PLACED", "DATE_PLACED_CEASED"), needed=("CHILD", "DATE_PLACED"),
        spans=(("DATE_PLACED", "DATE_PLACED_CEASED"),),
        year_columns=("DATE_PLACED", "DATE_PLACED_CEASED")),
    "previous_permanence": Layout(
        ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"), ("CHILD", "PREV_PERM"),
        dates=("DOB",)),
    "missing": Layout(
        ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
        ("CHILD", "MISSING", "MIS_START", "MIS_END"), "missing",
        {"child_id": "CHILD", "kind": "MISSING", "start_date": "MIS_START",
         "end_date": "MIS_END"}, dates=("DOB", "MIS_START", "MIS_END"),
        needed=("CHILD", "MIS_START"), spans=(("MIS_START", "MIS_END"),),
        year_columns=("MIS_START",)),
    "sw_episodes": Layout(
        ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
        ("CHILD", "SW_DECOM", "SW_DEC"), dates=("DOB", "SW_DECOM", "SW_DEC"),
        needed=("CHILD", "SW_DECOM"), spans=(("SW_DECOM", "SW_DEC"),),
        year_columns=("SW_DECOM",)),
    "dolo": Layout(
        ("CHILD", "DOB", "DOLO_START", "DOLO_END"), ("CHILD", "DOLO_START", "DOLO_END"),
        dates=("DOB", "DOLO_START", "DOLO_END"), needed=("CHILD", "DOLO_START"),
        spans=(("DOLO_START", "DOLO_END"),), year_columns=("DOLO_START",)),
}
