"""Indicator definitions as data: the extract files they read and what each one counts.

Every indicator is one :class:`Indicator` declaration; :mod:`xlkpi.indicators.engine`
turns declarations into monthly figures. Kinds (the engine has one rule per kind):

- ``repeat``: events dated in the month (denominator); numerator those where the same
  child has an earlier event (strictly before) dated on or after ``EDATE(date, -months)``
  (any earlier event when ``months`` is ``None``).
- ``timely``: events whose ``end`` falls in the month (denominator); numerator those with
  elapsed working days from ``start`` to ``end`` no more than ``limit``.
- ``lasting``: events whose ``end`` falls in the month; numerator ``end >= EDATE(start,
  months)``.
- ``snapshot_rate``: distinct children open at month end (``start <= month end`` and ``end``
  blank or after it), per 10,000 of the population.
- ``overdue_open``: rows open at month end (denominator); numerator those open more than
  ``limit`` elapsed working days by month end.
- ``event_rate``: events whose ``start`` falls in the month, per 10,000 of the population.
- ``progressed``: events whose ``start`` falls in the month (denominator); numerator those
  with an ``end`` date (a contact that became a referral).
- ``frequent``: distinct children open at month end (denominator); numerator those with at
  least ``limit`` rows open at some time in the ``months`` months to month end (rows that
  end on or before ``EDATE(month end, -months)`` are outside the window).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["INDICATORS", "KINDS", "SOURCES", "Indicator", "Source"]


@dataclass(frozen=True)
class Source:
    """One extract file: its required columns and the rules its rows must satisfy."""

    file: str
    columns: tuple[str, ...]
    #: date columns that must hold a date on every row
    required_dates: tuple[str, ...]
    #: date columns that may be blank (an open episode, an assessment not yet authorised)
    optional_dates: tuple[str, ...] = ()
    #: (start, end) pairs where end before start is an error
    ordered: tuple[tuple[str, str], ...] = ()

    @property
    def dates(self) -> tuple[str, ...]:
        """Every date column of the file."""
        return self.required_dates + self.optional_dates


@dataclass(frozen=True)
class Indicator:
    """One monthly indicator computed from a case-level extract."""

    code: str
    description: str
    source: str
    kind: str
    #: the event date a row counts in (``repeat``, ``event_rate``) or its start date
    start: str
    #: the closing date (``timely``, ``lasting``, snapshots); empty when not used
    end: str = ""
    #: working-day limit (``timely``, ``overdue_open``)
    limit: int | None = None
    #: calendar-month window (``repeat``, ``lasting``); ``None`` for "ever"
    months: int | None = None
    #: per 10,000 of the population (rates) rather than a fraction
    per_population: bool = False
    reference: str = ""


#: What each kind means, for help text and the README.
KINDS: dict[str, str] = {
    "repeat": "share of events in the month with an earlier event of the same child in window",
    "timely": "share of events completed in the month within a working-day limit",
    "lasting": "share of episodes ended in the month that lasted at least N months",
    "snapshot_rate": "distinct children open at month end per 10,000 of the population",
    "overdue_open": "share of items open at month end past a working-day limit",
    "event_rate": "events started in the month per 10,000 of the population",
    "progressed": "share of events in the month that progressed to the next stage",
    "frequent": "share of children open at month end with N or more episodes in the window",
}

_CIN = "DfE Children in Need census"
_WT = "Working Together to Safeguard Children (DfE)"
_CLA = "DfE SSDA903 looked-after children return"

#: The extract files, keyed by file name (the input contract of ``xlkpi indicators``).
SOURCES: dict[str, Source] = {
    s.file: s
    for s in (
        Source("referrals.csv", ("child_id", "referral_date"), ("referral_date",)),
        Source("assessments.csv", ("child_id", "referral_date", "authorised_date"),
               ("referral_date",), ("authorised_date",),
               (("referral_date", "authorised_date"),)),
        Source("s47.csv", ("child_id", "strategy_date", "icpc_date"), ("strategy_date",),
               ("icpc_date",), (("strategy_date", "icpc_date"),)),
        Source("cp_plans.csv", ("child_id", "start_date", "end_date"), ("start_date",),
               ("end_date",), (("start_date", "end_date"),)),
        Source("cla.csv", ("child_id", "start_date", "end_date"), ("start_date",),
               ("end_date",), (("start_date", "end_date"),)),
        Source("contacts.csv", ("child_id", "contact_date", "referral_date"),
               ("contact_date",), ("referral_date",), (("contact_date", "referral_date"),)),
        Source("placements.csv", ("child_id", "start_date", "end_date"), ("start_date",),
               ("end_date",), (("start_date", "end_date"),)),
    )
}

#: The indicator catalogue, in reporting order.
INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        Indicator("REREF12", "Re-referrals within 12 months of a previous referral",
                  "referrals.csv", "repeat", "referral_date", months=12,
                  reference=f"{_CIN}: a referral within 12 months of a previous referral of "
                  "the same child (on or after EDATE(referral, -12))"),
        Indicator("ASSESS45", "Assessments authorised within 45 working days of referral",
                  "assessments.csv", "timely", "referral_date", "authorised_date", limit=45,
                  reference=f"{_WT}: no longer than 45 working days from the point of "
                  "referral"),
        Indicator("ICPC15", "Initial child protection conferences within 15 working days "
                  "of the strategy discussion", "s47.csv", "timely", "strategy_date",
                  "icpc_date", limit=15,
                  reference=f"{_WT}: within 15 working days of the strategy discussion"),
        Indicator("CPRATE", "Children subject to a child protection plan per 10,000 at "
                  "month end", "cp_plans.csv", "snapshot_rate", "start_date", "end_date",
                  per_population=True,
                  reference=f"{_CIN}: children on a plan at the reporting date, per 10,000 "
                  "children aged under 18"),
        Indicator("CP2YRS", "Child protection plans ended in the month that lasted two "
                  "years or more", "cp_plans.csv", "lasting", "start_date", "end_date",
                  months=24,
                  reference=f"{_CIN}: plans ceasing that lasted 2 years or more "
                  "(end on or after EDATE(start, 24))"),
        Indicator("CLARATE", "Children looked after per 10,000 at month end", "cla.csv",
                  "snapshot_rate", "start_date", "end_date", per_population=True,
                  reference=f"{_CLA}: children looked after at the reporting date, per "
                  "10,000 children aged under 18"),
        Indicator("ASSESSOPEN45", "Assessments open at month end past 45 working days",
                  "assessments.csv", "overdue_open", "referral_date", "authorised_date",
                  limit=45,
                  reference=f"{_WT}: 45 working days; seed 000 reports open assessments "
                  "out of timescale"),
        Indicator("S47RATE", "Section 47 enquiries started in the month per 10,000",
                  "s47.csv", "event_rate", "strategy_date", per_population=True,
                  reference="Children Act 1989 s.47; seeds 000 and 002 report S47 volumes; "
                  "dated by the strategy discussion"),
        Indicator("CPREPEAT", "Child protection plans starting in the month that are a "
                  "second or subsequent plan", "cp_plans.csv", "repeat", "start_date",
                  reference=f"{_CIN}: becoming the subject of a plan for a second or "
                  "subsequent time (ever)"),
        Indicator("CONTACTREF", "Contacts received in the month that progressed to a "
                  "referral", "contacts.csv", "progressed", "contact_date", "referral_date",
                  reference="Seed 001 code 7: contacts progressed to referral (by agency with "
                  "a source column); dated by the contact"),
        Indicator("CLA3PLACE", "Children looked after at month end with three or more "
                  "placements in the last 12 months", "placements.csv", "frequent",
                  "start_date", "end_date", limit=3, months=12,
                  reference=f"{_CLA}: placement stability, children looked after with three "
                  "or more placements during the year (placements open at any time in it)"),
    )
}
