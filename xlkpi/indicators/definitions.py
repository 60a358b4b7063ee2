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

__all__ = ["INDICATORS", "LATEST_KINDS", "LATEST_ONLY", "PERIODS", "SHORT_HISTORY", "SOURCES",
           "UNITS", "Indicator", "Source"]


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
    #: ``share`` (numerator / denominator), ``rate`` (per 10,000 of the population),
    #: ``count`` (the numerator) or ``days`` (average days: total / count); see UNITS
    unit: str = "share"
    #: the window each month's figure covers; see PERIODS
    period: str = "month"
    #: which way is good: ``high``, ``low`` or ``""`` (information only)
    polarity: str = ""
    reference: str = ""
    #: a second extract file the indicator also reads (``visited``, ``reviewed``)
    secondary: str = ""
    #: the date column of ``secondary`` (a visit, a review)
    event: str = ""
    #: timescale codes (:data:`xlkpi.timescales.TIMESCALES`) giving due dates or limits
    timescales: tuple[str, ...] = ()

    @property
    def returns(self) -> tuple[str, ...]:
        """The returns that hold every table the indicator reads, best first."""
        from xlkpi.indicators.tables import TABLE_RETURNS

        held = [set(TABLE_RETURNS[t]) for t in self.files]
        order = ("CIN census", "SSDA903", "extract", "Annex A")
        return tuple(r for r in order if all(r in h for h in held)
                     and not self.too_little(r))

    def too_little(self, source: str) -> bool:
        """Whether ``source`` holds too little for this indicator: a kind that looks back
        before the month, or a table of which it keeps only each child's latest record."""
        if self.kind in SHORT_HISTORY.get(source, ()):
            return True
        latest = set(LATEST_ONLY.get(source, ())) & set(self.files)
        return bool(latest) and self.kind not in LATEST_KINDS

    @property
    def per_population(self) -> bool:
        """A rate per 10,000 of the population rather than a share."""
        return self.unit == "rate"

    @property
    def files(self) -> tuple[str, ...]:
        """Every normalised table the indicator reads."""
        return (self.source, self.secondary) if self.secondary else (self.source,)


#: What each unit gives as ``value``.
UNITS: dict[str, str] = {
    "share": "numerator / denominator (0.43 for 43%)",
    "rate": "numerator per 10,000 of the population (the denominator column)",
    "count": "the numerator",
    "days": "average days: total days (numerator) / records (denominator)",
}
#: What each period covers, for the month it is reported in.
PERIODS: dict[str, str] = {
    "month": "events in the calendar month, or the position at its last day",
    "rolling12": "events in the 12 months to the month's end",
    "fytd": "events in the financial year (from April) to the month's end",
}

#: Returns whose tables hold too little for some kinds, which are then not computed from
#: them: Annex A lists cover 6-12 months and hold only the latest visit and review per
#: child, so re-referrals and repeat plans (which look back before the month), visits in
#: time and reviews in time (which need every visit and review) would come out wrong;
#: neither Annex A nor the CSV layout holds a referral's closure. (The next return present
#: that holds the table is not substituted: a table comes from one return.)
SHORT_HISTORY: dict[str, tuple[str, ...]] = {
    "Annex A": ("repeat", "visited", "reviewed", "cin_open", "cin_planned", "plan_return",
                "plan_reviewed"),
    # the CSV layout's referrals carry no closure date or NFA flag (no children in need at
    # month end), and its cp_visits every visit (CPVISITS, not the Annex A snapshot)
    "extract": ("cin_open", "cin_planned", "visited_latest"),
}
#: Tables a return holds only the latest record of, per child (Annex A's lists give the
#: latest visit and review): only the kinds made for such a snapshot read them there.
LATEST_ONLY: dict[str, tuple[str, ...]] = {
    "Annex A": ("cin_visits", "cp_visits", "cp_reviews", "cla_visits", "cla_reviews")}
#: kinds that read a latest-only table as what it is (the position at the extract date)
LATEST_KINDS = ("visited_latest",)


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


def _catalogue() -> dict[str, Indicator]:
    """Every ``catalogue_*`` module's indicators, by module ``ORDER`` then as declared."""
    import importlib
    import pkgutil
    from pathlib import Path

    modules = [importlib.import_module(f"xlkpi.indicators.{m.name}")
               for m in pkgutil.iter_modules([str(Path(__file__).parent)])
               if m.name.startswith("catalogue_")]
    found: dict[str, Indicator] = {}
    for module in sorted(modules, key=lambda m: m.ORDER):
        for ind in module.INDICATORS:
            if ind.code in found:
                raise ValueError(f"indicator {ind.code} is declared twice")
            if ind.unit not in UNITS or ind.period not in PERIODS:
                raise ValueError(f"indicator {ind.code}: unit {ind.unit!r} or period "
                                 f"{ind.period!r} is not known")
            found[ind.code] = ind
    return found


#: The indicator catalogue, in reporting order.
INDICATORS: dict[str, Indicator] = _catalogue()
