"""The engine's first thirteen indicators (issue 8 and after): re-referrals, assessments
and ICPCs in time, CP and CLA rates, plans lasting two years, open assessments, S47 rate,
repeat plans, contacts progressed, placement moves, CP visits and CLA reviews in time."""

from __future__ import annotations

from xlkpi.indicators.definitions import Indicator

__all__ = ["INDICATORS", "ORDER"]

#: where these come in the reporting order (catalogues are listed by ORDER)
ORDER = 0

_CIN = "DfE Children in Need census"
_WT = "Working Together to Safeguard Children (DfE)"
_CLA = "DfE SSDA903 looked-after children return"

#: The engine's first indicators, in reporting order.
INDICATORS: tuple[Indicator, ...] = (
    Indicator("REREF12", "Re-referrals within 12 months of a previous referral",
              "referrals", "repeat", "referral_date", months=12,
              reference=f"{_CIN}: a referral within 12 months of a previous referral of "
              "the same child (on or after EDATE(referral, -12))",
              polarity="low"),
    Indicator("ASSESS45", "Assessments authorised within 45 working days of referral",
              "assessments", "timely", "referral_date", "authorised_date", limit=45,
              reference=f"{_WT}: no longer than 45 working days from the point of "
              "referral",
              polarity="high"),
    Indicator("ICPC15", "Initial child protection conferences within 15 working days "
              "of the strategy discussion", "s47", "timely", "strategy_date",
              "icpc_date", limit=15,
              reference=f"{_WT}: within 15 working days of the strategy discussion",
              polarity="high"),
    Indicator("CPRATE", "Children subject to a child protection plan per 10,000 at "
              "month end", "cp_plans", "snapshot_rate", "start_date", "end_date",
              unit="rate",
              reference=f"{_CIN}: children on a plan at the reporting date, per 10,000 "
              "children aged under 18",
              polarity="low"),
    Indicator("CP2YRS", "Child protection plans ended in the month that lasted two "
              "years or more", "cp_plans", "lasting", "start_date", "end_date",
              months=24,
              reference=f"{_CIN}: plans ceasing that lasted 2 years or more "
              "(end on or after EDATE(start, 24))",
              polarity="low"),
    Indicator("CLARATE", "Children looked after per 10,000 at month end", "cla",
              "snapshot_rate", "start_date", "end_date", unit="rate",
              reference=f"{_CLA}: children looked after at the reporting date, per "
              "10,000 children aged under 18",
              polarity="low"),
    Indicator("ASSESSOPEN45", "Assessments open at month end past 45 working days",
              "assessments", "overdue_open", "referral_date", "authorised_date",
              limit=45,
              reference=f"{_WT}: 45 working days; seed 000 reports open assessments "
              "out of timescale",
              polarity="low"),
    Indicator("S47RATE", "Section 47 enquiries started in the month per 10,000",
              "s47", "event_rate", "strategy_date", unit="rate",
              reference="Children Act 1989 s.47; seeds 000 and 002 report S47 volumes; "
              "dated by the strategy discussion",
              polarity="low"),
    Indicator("CPREPEAT", "Child protection plans starting in the month that are a "
              "second or subsequent plan", "cp_plans", "repeat", "start_date",
              reference=f"{_CIN}: becoming the subject of a plan for a second or "
              "subsequent time (ever)",
              polarity="low"),
    Indicator("CONTACTREF", "Contacts received in the month that progressed to a "
              "referral", "contacts", "progressed", "contact_date", "referral_date",
              reference="Seed 001 code 7: contacts progressed to referral (by agency with "
              "a source column); dated by the contact",
              polarity="high"),
    Indicator("CLA3PLACE", "Children looked after at month end with three or more "
              "placements in the last 12 months", "placements", "frequent",
              "start_date", "end_date", limit=3, months=12,
              reference=f"{_CLA}: placement stability, children looked after with three "
              "or more placements during the year (placements open at any time in it)",
              polarity="low"),
    Indicator("CPVISITS", "Children on a child protection plan at month end visited "
              "within the visit frequency (20 working days unless set)", "cp_plans",
              "visited", "start_date", "end_date", secondary="cp_visits",
              event="visit_date", timescales=("CP_VISIT",),
              reference="Local practice standard (seed 003: 4-weekly, 20 working days; "
              "--visit-days N): children on a plan at month end (distinct) whose latest "
              "visit on or before month end is no more than N elapsed working days before "
              "it, or whose plan started fewer than N working days before it (not yet "
              "due)",
              polarity="high"),
    Indicator("CLAREVIEWS", "Children looked after at month end with every review due "
              "held on time", "cla", "reviewed", "start_date", "end_date",
              secondary="cla_reviews", event="review_date",
              timescales=("CLA_REVIEW_FIRST", "CLA_REVIEW_SECOND", "CLA_REVIEW"),
              reference="Care Planning, Placement and Case Review (England) Regulations "
              "2010, reg. 33: children looked after at month end whose first review is "
              "due by then (WORKDAY(entry, 20) <= month end); in time when, in the current "
              "episode, the first review is held by WORKDAY(entry, 20), the second by "
              "EDATE(first, 3) and each later one by EDATE(previous, 6), counting each "
              "from the review actually held, for every review due by month end",
              polarity="high"),
)
