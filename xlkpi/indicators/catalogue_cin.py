"""Contacts, referrals, assessments, section 47 enquiries and children in need (issue 19):
volumes in the month, rates per 10,000 over the rolling 12 months, re-referrals over the
year, children in need at month end as the DfE counts them, and S17 children in need with
a CIN plan. Descriptions follow the county report (seed 003)."""

from __future__ import annotations

from xlkpi.indicators.definitions import Indicator

__all__ = ["INDICATORS", "ORDER"]

#: after the engine's first indicators (catalogue_core), before child protection
ORDER = 10

_CIN = "DfE Children in Need census"
_CHAR = 'DfE "Characteristics of children in need" methodology'
_ANNEX = "Ofsted Annex A guidance"
_RATE12 = ("per 10,000 children aged under 18 (the population setting), over the 12 "
           "months to month end")

INDICATORS: tuple[Indicator, ...] = (
    Indicator("CONTACTS", "Contacts - No. (in-month)", "contacts", "event_rate",
              "contact_date", unit="count",
              reference=f"{_ANNEX}, List 1: contacts received, dated by the contact "
              "(seed 003 2.1)"),
    Indicator("REFERRALS", "Referrals - No. (in-month)", "referrals", "event_rate",
              "referral_date", unit="count",
              reference=f"{_CIN}: referrals (CINreferralDate) in the month, NFA referrals "
              "included as the DfE counts referrals (seed 003 2.2)"),
    Indicator("REFRATE", "Referrals - Rate per 10k Under-18s (Annualised)", "referrals",
              "event_rate", "referral_date", unit="rate", period="rolling12",
              polarity="low",
              reference=f"{_CHAR}: referrals in the year {_RATE12} (seed 003 2.4)"),
    Indicator("REREF12R", "% re-referral rate in the last 12 months (rolling year)",
              "referrals", "repeat", "referral_date", months=12, period="rolling12",
              polarity="low",
              reference=f"{_CHAR}: referrals in the 12 months to month end within 12 "
              "months of a previous referral of the same child (on or after "
              "EDATE(referral, -12)); a same-day repeat is no re-referral (seed 003 2.8)"),
    Indicator("REFASSESS", "Referrals to assessment: referrals in the month that led to an "
              "assessment", "referrals", "led_to", "referral_date", polarity="high",
              secondary="assessments",
              reference=f"{_CIN} (an Assessments group under the referral's CINdetails): "
              "referrals dated in the month (a child's referrals on one day are one; NFA "
              "referrals included, as the DfE counts referrals) whose child has an "
              "assessment of that referral (the same referral date). Started, not "
              "completed: a referral late in the month whose assessment is still open has "
              "led to one. Annex A links an assessment to the child's latest List 3 "
              "referral on or before it when List 4 has no referral date (seed 001 page "
              "9)"),
    Indicator("ASSESSMENTS", "Assessments authorised - No.", "assessments", "event_rate",
              "authorised_date", unit="count",
              reference=f"{_CIN}: assessments by AssessmentAuthorisationDate in the month "
              "(seed 003 3.1)"),
    Indicator("ASSESSRATE", "Rate of assessments per 10,000 population aged under 18 - "
              "rolling 12 month performance", "assessments", "event_rate",
              "authorised_date", unit="rate", period="rolling12", polarity="low",
              reference=f"{_CHAR}: assessments completed (authorised) {_RATE12} "
              "(seed 003 3.2)"),
    Indicator("S47RATE12", "Number of S47's per 10,000 population aged 0-17 - rolling 12 "
              "months", "s47", "event_rate", "strategy_date", unit="rate",
              period="rolling12", polarity="low",
              reference=f"{_CHAR}: section 47 enquiries started (S47ActualStartDate, the "
              f"strategy discussion) {_RATE12} (seed 003 4.3 reports it annualised)"),
    Indicator("CINCOUNT", "Number of CIN (inc. CPP as per DfE definition)", "referrals",
              "cin_open", "referral_date", "closure_date", unit="count", polarity="low",
              reference=f"{_CHAR}: children in need at month end, one per child: an "
              "episode with a referral not NFA, referral date on or before month end and "
              "closure blank or after it (closed on the day: not open); includes children "
              "on a CP plan and looked after. From the CIN census only (the CSV layout "
              "and Annex A List 3 hold no closure date) (seed 003 5.2)"),
    Indicator("CINRATE", "CIN (inc. CPP as per DfE definition) Rate per 10K Under-18s",
              "referrals", "cin_open", "referral_date", "closure_date", unit="rate",
              polarity="low",
              reference=f"{_CHAR}: children in need at month end as CINCOUNT, per 10,000 "
              "children aged under 18 (seed 003 5.3b)"),
    Indicator("CINPLAN", "S17 CIN with an up to date CIN plan - %", "referrals",
              "cin_planned", "referral_date", "closure_date", polarity="high",
              secondary="cin_plans", event="start_date",
              reference=f"{_CIN} (CINPlanDates): children in need at month end as "
              "CINCOUNT who are not on a CP plan then and not looked after then (when the "
              "extract holds the 903 or another CLA table), with a CIN plan open at month "
              "end (start on or before it, end blank or after it) (seed 003 5.5)"),
    Indicator("CINVISITSA", "% CIN on a child in need plan seen within the last 4 weeks "
              "(Annex A, at the extract date)", "cin_plan_cases", "visited_latest",
              "start_date", "end_date", polarity="high", secondary="cin_visits",
              event="visit_date", timescales=("CIN_VISIT",),
              reference=f"{_ANNEX}, List 6 (case status c) Child in need plan; date the "
              "child was last seen) and the local visit standard (4 weeks, 20 working "
              "days, unless set): Annex A holds only each child's latest visit, so the "
              "figure is taken at the extract date (the latest date in the return, not "
              "after today) and reported in its month only; children on a CIN plan with "
              "their CIN episode open then, seen no more than N working days before it, or "
              "whose episode started fewer than N working days before it (seed 002 CIN "
              "4)"),
)
