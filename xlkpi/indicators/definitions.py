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
- ``visited`` (two files): distinct children with a row of ``source`` open at month end
  (denominator); numerator those in time: the child's most recent ``event`` in the
  ``secondary`` file dated on or before month end is no more than N elapsed working days
  before month end (``working_days(visit, month end) <= N``), or the earliest start of the
  child's open rows is fewer than N working days before month end (``working_days(start,
  month end) < N``: not yet due). N is the setting ``Settings.visit_days``, by default the
  amount of the indicator's timescale (``CP_VISIT``, 20 working days).
- ``reviewed`` (two files): distinct children with a row of ``source`` open at month end
  (the current episode is the open row with the latest start) whose first review is due
  by month end (denominator); numerator those whose every review due by month end was held
  on or before its due date. Reviews are the child's distinct ``event`` dates in the
  ``secondary`` file from the episode start to month end, in date order. The first is due
  on ``due_date(start, timescales[0])`` (``CLA_REVIEW_FIRST``: WORKDAY(start, 20)), the
  second on ``due_date(first review held, timescales[1])`` (``CLA_REVIEW_SECOND``:
  EDATE(first, 3)), each later one on ``due_date(previous review held, timescales[2])``
  (``CLA_REVIEW``: EDATE(previous, 6)). A review due by month end and not held by then is
  late.

Two-file kinds name the second file in ``secondary``; an indicator is computed only when
both of its files are present.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["INDICATORS", "KINDS", "SHORT_HISTORY", "SOURCES", "Indicator", "Source"]


@dataclass(frozen=True)
class Source:
    """One normalised table (``referrals``, ``cp_plans``...): its required columns and the
    rules its rows must satisfy. In xlkpi's own CSV layout it is the file ``<name>.csv``."""

    name: str
    columns: tuple[str, ...]
    #: date columns that must hold a date on every row
    required_dates: tuple[str, ...]
    #: date columns that may be blank (an open episode, an assessment not yet authorised)
    optional_dates: tuple[str, ...] = ()
    #: (start, end) pairs where end before start is an error
    ordered: tuple[tuple[str, str], ...] = ()

    @property
    def dates(self) -> tuple[str, ...]:
        """Every date column of the table."""
        return self.required_dates + self.optional_dates

    @property
    def file(self) -> str:
        """The table's file name in xlkpi's own CSV layout."""
        return f"{self.name}.csv"


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
    #: a second extract file the indicator also reads (``visited``, ``reviewed``)
    secondary: str = ""
    #: the date column of ``secondary`` (a visit, a review)
    event: str = ""
    #: timescale codes (:data:`xlkpi.timescales.TIMESCALES`) giving due dates or limits
    timescales: tuple[str, ...] = ()

    @property
    def files(self) -> tuple[str, ...]:
        """Every normalised table the indicator reads."""
        return (self.source, self.secondary) if self.secondary else (self.source,)


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
    "visited": "share of children open at month end seen within N working days (or not yet due)",
    "reviewed": "share of children open at month end, a review due, with every due review on "
                "time",
}

#: Returns whose tables hold too little history for some kinds, which are then not
#: computed from them: Annex A lists cover 6-12 months and hold only the latest visit and
#: review per child, so re-referrals and repeat plans (which look back before the month),
#: visits in time and reviews in time (which need every visit and review) would come out
#: wrong. (The next return present that holds the table is not substituted: a table
#: comes from one return.)
SHORT_HISTORY: dict[str, tuple[str, ...]] = {"Annex A": ("repeat", "visited", "reviewed")}

_CIN = "DfE Children in Need census"
_WT = "Working Together to Safeguard Children (DfE)"
_CLA = "DfE SSDA903 looked-after children return"

#: The normalised tables, keyed by name; every return reader produces some of them.
SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("referrals", ("child_id", "referral_date"), ("referral_date",)),
        Source("assessments", ("child_id", "referral_date", "authorised_date"),
               ("referral_date",), ("authorised_date",),
               (("referral_date", "authorised_date"),)),
        Source("s47", ("child_id", "strategy_date", "icpc_date"), ("strategy_date",),
               ("icpc_date",), (("strategy_date", "icpc_date"),)),
        Source("cp_plans", ("child_id", "start_date", "end_date"), ("start_date",),
               ("end_date",), (("start_date", "end_date"),)),
        Source("cla", ("child_id", "start_date", "end_date"), ("start_date",),
               ("end_date",), (("start_date", "end_date"),)),
        Source("contacts", ("child_id", "contact_date", "referral_date"),
               ("contact_date",), ("referral_date",), (("contact_date", "referral_date"),)),
        Source("placements", ("child_id", "start_date", "end_date"), ("start_date",),
               ("end_date",), (("start_date", "end_date"),)),
        Source("cp_visits", ("child_id", "visit_date"), ("visit_date",)),
        Source("cla_reviews", ("child_id", "review_date"), ("review_date",)),
    )
}

#: The indicator catalogue, in reporting order.
INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        Indicator("REREF12", "Re-referrals within 12 months of a previous referral",
                  "referrals", "repeat", "referral_date", months=12,
                  reference=f"{_CIN}: a referral within 12 months of a previous referral of "
                  "the same child (on or after EDATE(referral, -12))"),
        Indicator("ASSESS45", "Assessments authorised within 45 working days of referral",
                  "assessments", "timely", "referral_date", "authorised_date", limit=45,
                  reference=f"{_WT}: no longer than 45 working days from the point of "
                  "referral"),
        Indicator("ICPC15", "Initial child protection conferences within 15 working days "
                  "of the strategy discussion", "s47", "timely", "strategy_date",
                  "icpc_date", limit=15,
                  reference=f"{_WT}: within 15 working days of the strategy discussion"),
        Indicator("CPRATE", "Children subject to a child protection plan per 10,000 at "
                  "month end", "cp_plans", "snapshot_rate", "start_date", "end_date",
                  per_population=True,
                  reference=f"{_CIN}: children on a plan at the reporting date, per 10,000 "
                  "children aged under 18"),
        Indicator("CP2YRS", "Child protection plans ended in the month that lasted two "
                  "years or more", "cp_plans", "lasting", "start_date", "end_date",
                  months=24,
                  reference=f"{_CIN}: plans ceasing that lasted 2 years or more "
                  "(end on or after EDATE(start, 24))"),
        Indicator("CLARATE", "Children looked after per 10,000 at month end", "cla",
                  "snapshot_rate", "start_date", "end_date", per_population=True,
                  reference=f"{_CLA}: children looked after at the reporting date, per "
                  "10,000 children aged under 18"),
        Indicator("ASSESSOPEN45", "Assessments open at month end past 45 working days",
                  "assessments", "overdue_open", "referral_date", "authorised_date",
                  limit=45,
                  reference=f"{_WT}: 45 working days; seed 000 reports open assessments "
                  "out of timescale"),
        Indicator("S47RATE", "Section 47 enquiries started in the month per 10,000",
                  "s47", "event_rate", "strategy_date", per_population=True,
                  reference="Children Act 1989 s.47; seeds 000 and 002 report S47 volumes; "
                  "dated by the strategy discussion"),
        Indicator("CPREPEAT", "Child protection plans starting in the month that are a "
                  "second or subsequent plan", "cp_plans", "repeat", "start_date",
                  reference=f"{_CIN}: becoming the subject of a plan for a second or "
                  "subsequent time (ever)"),
        Indicator("CONTACTREF", "Contacts received in the month that progressed to a "
                  "referral", "contacts", "progressed", "contact_date", "referral_date",
                  reference="Seed 001 code 7: contacts progressed to referral (by agency with "
                  "a source column); dated by the contact"),
        Indicator("CLA3PLACE", "Children looked after at month end with three or more "
                  "placements in the last 12 months", "placements", "frequent",
                  "start_date", "end_date", limit=3, months=12,
                  reference=f"{_CLA}: placement stability, children looked after with three "
                  "or more placements during the year (placements open at any time in it)"),
        Indicator("CPVISITS", "Children on a child protection plan at month end visited "
                  "within the visit frequency (20 working days unless set)", "cp_plans",
                  "visited", "start_date", "end_date", secondary="cp_visits",
                  event="visit_date", timescales=("CP_VISIT",),
                  reference="Local practice standard (seed 003: 4-weekly, 20 working days; "
                  "--visit-days N): children on a plan at month end (distinct) whose latest "
                  "visit on or before month end is no more than N elapsed working days before "
                  "it, or whose plan started fewer than N working days before it (not yet "
                  "due)"),
        Indicator("CLAREVIEWS", "Children looked after at month end with every review due "
                  "held on time", "cla", "reviewed", "start_date", "end_date",
                  secondary="cla_reviews", event="review_date",
                  timescales=("CLA_REVIEW_FIRST", "CLA_REVIEW_SECOND", "CLA_REVIEW"),
                  reference="Care Planning, Placement and Case Review (England) Regulations "
                  "2010, reg. 33: children looked after at month end whose first review is "
                  "due by then (WORKDAY(entry, 20) <= month end); in time when, in the current "
                  "episode, the first review is held by WORKDAY(entry, 20), the second by "
                  "EDATE(first, 3) and each later one by EDATE(previous, 6), counting each "
                  "from the review actually held, for every review due by month end"),
    )
}
