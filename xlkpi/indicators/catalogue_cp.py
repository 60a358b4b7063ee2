"""Child protection (issue 19): children on plans at month end, initial conferences per
10,000 over 12 months, repeat plans (ever, and within two years of a previous plan),
plans open two years or more, review conferences in time, and the Annex A snapshot of
visits. Descriptions follow the county report (seed 003)."""

from __future__ import annotations

from xlkpi.indicators.definitions import Indicator

__all__ = ["INDICATORS", "ORDER"]

#: after children in need (catalogue_cin)
ORDER = 20

_CIN = "DfE Children in Need census"
_CHAR = 'DfE "Characteristics of children in need" methodology'
_WT = "Working Together to Safeguard Children 2023"

INDICATORS: tuple[Indicator, ...] = (
    Indicator("CPCOUNT", "No. Children Subject to CP Plans", "cp_plans", "snapshot_rate",
              "start_date", "end_date", unit="count", polarity="low",
              reference=f"{_CHAR}: children the subject of a plan at month end (start on "
              "or before it, end blank or after it), one per child (seed 003 6.1)"),
    Indicator("ICPCRATE", "Initial CP conferences per 10,000 population - rolling 12 month "
              "performance", "s47", "distinct_events", "icpc_date", unit="rate",
              period="rolling12", polarity="low",
              reference=f"{_CHAR}: initial child protection conferences (the enquiry's "
              "DateOfInitialCPC) in the 12 months to month end per 10,000 children aged "
              "under 18; one conference per child per day, however many enquiries name "
              "it (seed 003 6.2b)"),
    Indicator("CPREPEAT12", "% of children becoming the subject of a CP plan for a second "
              "or subsequent time - ever - rolling 12 months", "cp_plans", "plan_repeat",
              "start_date", "end_date", period="rolling12", polarity="low",
              reference=f"{_CHAR}: plans starting in the 12 months to month end that are "
              "a second or subsequent plan: NumberOfPreviousCPP 1 or more, or an earlier "
              "plan of the child in the data (either suffices; a blank count uses the "
              "history alone) (seed 003 6.9)"),
    Indicator("CPREPEAT2Y", "% children whose child protection plan started who had "
              "previously been subject to a CP Plan within the last 2 years - rolling 12 "
              "months", "cp_plans", "plan_return", "start_date", "end_date", months=24,
              period="rolling12", polarity="low",
              reference=f"{_CHAR} (repeat plans within two years): plans starting in the "
              "12 months to month end whose child's previous plan ended on or before the "
              "start and on or after EDATE(start, -24); a plan ending the day the next "
              "starts counts (seed 003 6.8)"),
    Indicator("CPREPEATNOW", "Second or subsequent child protection plans at month end",
              "cp_plans", "open_repeat", "start_date", "end_date", polarity="low",
              reference=f"{_CHAR}: children on a plan at month end whose open plan is a "
              "second or subsequent one (NumberOfPreviousCPP 1 or more, or an earlier "
              "plan of the child in the data), over children on a plan (seed 001 page "
              "19)"),
    Indicator("CPOPEN2Y", "% children subject to child protection plan for > 2 years",
              "cp_plans", "open_since", "start_date", "end_date", months=24,
              polarity="low",
              reference=f"{_CHAR}: children on a plan at month end whose current plan has "
              "lasted 2 years or more (month end on or after EDATE(start, 24), as CP2YRS "
              "measures ended plans), over children on a plan (seed 003 6.10)"),
    Indicator("CPREVIEWNUM", "Review Child Protection Conferences Held in Month",
              "cp_reviews", "event_rate", "review_date", unit="count",
              reference=f"{_CIN} (Reviews/CPPreviewDate): review conferences dated in the "
              "month (each CPPreviewDate of each plan); not from Annex A, whose "
              "List 7 holds only each child's latest review conference (seed 001 page 24)"),
    Indicator("CPREVIEWS", "% of CP cases which were reviewed within timescales in Month",
              "cp_plans", "plan_reviewed", "start_date", "end_date", polarity="high",
              secondary="cp_reviews", event="review_date",
              timescales=("RCPC_FIRST", "RCPC", "RCPC"),
              reference=f"{_WT} and {_CIN} (CPPreviewDate): children on a plan at month "
              "end whose first review is due by then; in time when, for the current plan "
              "(reviews matched by their plan's start), the first review conference is "
              "held by EDATE(plan start, 3) (the ICPC starts the plan) and each later one "
              "by EDATE(previous review, 6), every review due by month end held; a review "
              "on its due date is in time (seed 003 6.12)"),
    Indicator("CPVISITSA", "% children on child protection plans seen within timescales "
              "(Annex A, at the extract date)", "cp_plans", "visited_latest", "start_date",
              "end_date", polarity="high", secondary="cp_visits", event="visit_date",
              timescales=("CP_VISIT",),
              reference="Ofsted Annex A guidance, List 7 (date of the last statutory "
              "visit) and the local visit standard (20 working days unless set): Annex A "
              "holds only each child's latest visit, so the figure is taken at the extract "
              "date (the latest date in the return) and reported in its month only; "
              "children on a plan then whose latest visit is no more than N working days "
              "before it, or whose plan started fewer than N working days before it "
              "(seed 003 6.14)"),
)
