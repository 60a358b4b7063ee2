"""Children looked after (issue 19): numbers at month end, starts and ends, long-term
placement stability, visits from Annex A, missing episodes. The 903's placement counting
behind CLA3PLACE and LTSTABLE is :func:`xlkpi.indicators.ssda903.derive`'s."""

from __future__ import annotations

from dataclasses import dataclass

from xlkpi.indicators.definitions import Indicator

__all__ = ["INDICATORS", "ORDER", "SELECT", "Select"]

#: where these come in the reporting order (catalogues are listed by ORDER)
ORDER = 30

_CLA = "DfE Children looked after in England (methodology) and the SSDA903 guide"
_ANNEX = "Ofsted Annex A guidance, List 8"
_CPPCR = "Care Planning, Placement and Case Review (England) Regulations 2010"


@dataclass(frozen=True)
class Select:
    """Which rows of a table an indicator counts, by a code column: rows whose ``column``
    (trimmed, upper case) fully matches the regular expression ``pattern``; rows whose
    ``out_column`` matches ``out`` are left out of the denominator too."""

    column: str
    pattern: str
    out_column: str = ""
    out: str = ""


#: indicator code -> the rows it counts (kinds ``coded_events``, ``coded_children``,
#: ``cohort``)
SELECT: dict[str, Select] = {
    # 903 MISSING: M missing, A away from placement without authorisation
    "MISSEP": Select("kind", "M"),
    "MISSCHILD": Select("kind", "M"),
}

#: Children looked after, in reporting order.
INDICATORS: tuple[Indicator, ...] = (
    Indicator("CLANUM", "Looked after children at month end", "cla", "snapshot_rate",
              "start_date", "end_date", unit="count", polarity="low",
              reference=f"{_CLA}: children looked after at the reporting date (distinct "
              "children with a period of care open at month end: started on or before it, "
              "not ended by it); short breaks (V3/V4) are not looked after (seed 003 7.1, "
              "seed 001 code 26)"),
    Indicator("CLASTART", "Children who started to be looked after in the month", "cla",
              "event_rate", "start_date", unit="count",
              reference=f"{_CLA}: periods of care starting in the month (a child starting "
              "twice counts twice; a 903 history that begins mid-period counts its first "
              "DECOM held, so give the files from before the months reported)"),
    Indicator("CLAEND", "Children who ceased to be looked after in the month", "cla",
              "event_rate", "end_date", unit="count",
              reference=f"{_CLA}: periods of care ending in the month (DEC of the episode "
              "whose REC is not X1)"),
    Indicator("CLAREVIEWNUM", "Looked After Children Reviews in Month", "cla_reviews",
              "event_rate", "review_date", unit="count",
              reference=f"{_CLA} (reviews file, REVIEW): statutory reviews dated in the month; "
              "not from Annex A, whose List 8 holds only each child's latest review (seed "
              "001 page 28)"),
    Indicator("LTSTABLE", "Looked after children under 16, looked after for 2.5 years or "
              "more, in the same placement for 2 years or more", "placements",
              "stable_placement", "start_date", "end_date", polarity="high",
              secondary="children", event="birth_date",
              reference=f"{_CLA}, placement stability (long-term): children looked after at "
              "month end, under 16 (EDATE(birth, 192) > month end), looked after "
              "continuously for 2.5 years or more (EDATE(start of the period of care, 30) "
              "<= month end), living in the same placement for 2 years or more "
              "(EDATE(placement start, 24) <= month end), or placed for adoption (current "
              "placement type A3-A6) and the adoptive placement together with the "
              "placement just before it in the same period lasting 2 years or more "
              "(EDATE(previous placement start, 24) <= month end). Placements as the DfE "
              "counts them: a new one at each period start and at RNE P, T, B, U; a "
              "legal-status change alone (L) is not one (seed 002 LAC 20, seed 003 9.1)"),
    Indicator("CLAVISITS", "Looked after children seen within timescales (6 weeks, 30 "
              "working days)", "cla", "visited_latest", "start_date", "end_date",
              limit=30, polarity="high", secondary="cla_visits", event="visit_date",
              reference=f"{_CPPCR}, reg. 28: visits at intervals of not more than six "
              "weeks (30 working days; change limit for a local standard). From "
              f"{_ANNEX} (date of last social work visit): a snapshot at the extract date "
              "(the latest event date of the Annex A lists, not after today), reported in "
              "its month only; children looked after then whose latest visit is no more "
              "than 30 working days before it, or whose period of care started fewer than "
              "30 working days before it (not yet due) (seed 003 7.13, seed 002 LAC 10)"),
    Indicator("MISSEP", "Number of missing episodes in the month", "missing",
              "coded_events", "start_date", unit="count",
              reference=f"{_CLA}, missing from placement: 903 missing episodes with "
              "MISSING = M (away from placement without authorisation, A, is not counted) "
              "starting in the month; the same child's episodes starting on the same day "
              "count once (seed 002 MC 1)"),
    Indicator("MISSCHILD", "Looked after children who went missing in the month",
              "missing", "coded_children", "start_date", unit="count",
              reference=f"{_CLA}, missing from placement: distinct children with a 903 "
              "missing episode (MISSING = M) starting in the month"),
)
