"""Care leavers (903 OC3, Annex A List 9), health of children looked after (903 OC2) and
adoption (903 AD1 and episodes, Annex A List 10) (issue 19).

OC2 and OC3 hold one record per child for the collection year and no date of their own,
so their indicators are the cohort of the latest return read (later years' records win),
given for every reporting month: the figure changes when a new return is read.
"""

from __future__ import annotations

from xlkpi.indicators.catalogue_cla import Select
from xlkpi.indicators.definitions import Indicator

__all__ = ["INDICATORS", "ORDER", "SELECT"]

ORDER = 40

_CLA = "DfE Children looked after in England (methodology) and the SSDA903 guide"
_OC3 = (f"{_CLA}, OC3 care leavers (one record per care leaver aged 17 to 21, about "
        "their birthday in the year; Annex A List 9 gives the same codes)")
_OC2 = (f"{_CLA}, OC2 (children looked after continuously for 12 months or more at 31 "
        "March: one record each)")
_SCORECARD = "DfE adoption scorecard"
#: leavers who died are in no denominator
_DIED = ("in_touch", "DIED")

#: indicator code -> the records it counts (kind ``cohort``)
SELECT: dict[str, Select] = {
    "CLNUM": Select("in_touch", ".*", *_DIED),
    "CLTOUCH": Select("in_touch", "YES|Y", *_DIED),
    # F1-F5 / P1-P5: full- or part-time education, training or employment; G4-G6 NEET
    "CLEET": Select("activity", "[FP][1-5]", *_DIED),
    "CLNEET": Select("activity", "G[4-6]", *_DIED),
    # ACCOM: type letter, then 1 suitable / 2 not suitable; 0 not known
    "CLSUIT": Select("accommodation", "[A-Z]1", *_DIED),
    "HEALTHCHK": Select("health_check", "TRUE"),
    "DENTAL": Select("teeth_check", "TRUE"),
}

INDICATORS: tuple[Indicator, ...] = (
    Indicator("CLNUM", "Number of care leavers", "care_leavers", "cohort", "birth_date",
              unit="count", polarity="high",
              reference=f"{_OC3}: care leaver records in the return's cohort, those who "
              "died (IN_TOUCH = DIED) left out (seed 003 8.1)"),
    Indicator("CLTOUCH", "Care leavers the local authority is in touch with",
              "care_leavers", "cohort", "birth_date", polarity="high",
              reference=f"{_OC3}: IN_TOUCH = YES, of the cohort's records (DIED left out; "
              "NO, REFU, NREQ and RHOM are not in touch)"),
    Indicator("CLSUIT", "RCL & FRCL in Suitable Accommodation - %", "care_leavers",
              "cohort", "birth_date", polarity="high",
              reference=f"{_OC3}: ACCOM ending in 1 (suitable), of the cohort's records "
              "(DIED left out; 0, not known, and blank are not suitable) (seed 003 8.3, "
              "seed 002 CL 3a)"),
    Indicator("CLEET", "RCL & FRCL EET - %", "care_leavers", "cohort", "birth_date",
              polarity="high",
              reference=f"{_OC3}: ACTIV F1-F5 or P1-P5 (in education, employment or "
              "training), of the cohort's records (DIED left out; G4-G6 NEET and 0, not "
              "known, are not) (seed 003 8.4, seed 002 CL 1a)"),
    Indicator("CLNEET", "Number not in employment, education, or training (NEET) on their "
              "17th to 21st Birthday", "care_leavers", "cohort", "birth_date", unit="count",
              polarity="low",
              reference=f"{_OC3}: ACTIV G4-G6 (not in education, employment or training: "
              "illness or disability, other reasons, pregnancy or parenting), of the "
              "cohort's records (DIED left out; 0, not known, is not counted as NEET) "
              "(seed 002 CL 2)"),
    Indicator("HEALTHCHK", "LAC with up-to-date Health Assessment", "health", "cohort",
              "", polarity="high",
              reference=f"{_OC2}: HEALTH_CHECK = 1, of the OC2 records (seed 003 7.8 gives "
              "the numerator)"),
    Indicator("DENTAL", "LAC with up to date dental check", "health", "cohort", "",
              polarity="high",
              reference=f"{_OC2}: TEETH_CHECK = 1, of the OC2 records (seed 003 7.9 gives "
              "the numerator)"),
    Indicator("ADOPT12", "% of adoptions completed within 12 months of SHOBPA",
              "adoptions", "within_months", "decision_date", "adopted_date", months=12,
              period="rolling12", polarity="high",
              reference=f"{_CLA}, AD1: children adopted in the 12 months (903: DEC of the "
              "episode with REC E11/E12; Annex A: date of adoption order) with a decision "
              "that they should be placed for adoption (DATE_INT); within 12 months when "
              "adopted on or before EDATE(decision, 12). Adoptions without a decision date "
              "are not measured (seed 003 10.1)"),
    Indicator("A1", "Average number of days between a child becoming Looked After and "
              "having an adoption placement (A1) (Rolling 12 months)", "adoptions",
              "adoption_days", "placed_date", "adopted_date", unit="days",
              period="rolling12", polarity="low", secondary="cla", event="start_date",
              reference=f"{_SCORECARD}, A1: for children adopted in the 12 months, days "
              "from entering care (start of the period of care holding the move-in: the "
              "latest period start on or before it) to moving in with the adoptive family "
              "(903: start of the placement current at adoption, or, placed with their "
              "foster carers (A3/A4), of the placement before it; Annex A: date placed for "
              "adoption); total days / children (seed 003 10.2, seed 002 AD 7)"),
    Indicator("A2", "Average number of days between a placement order and being matched "
              "with an adoptive family (A2) (Rolling 12 months)", "adoptions",
              "adoption_days", "match_date", "adopted_date", unit="days",
              period="rolling12", polarity="low", secondary="episodes",
              event="start_date",
              reference=f"{_SCORECARD}, A2: for children adopted in the 12 months, days "
              "from court authority to place (the first 903 episode with legal status E1, "
              "placement order, or D1, freeing order, in the period of care holding the "
              "match) to the match with the adopters (DATE_MATCH); children placed with "
              "consent (no E1/D1) or without a match date are not measured; total days / "
              "children (seed 003 10.3)"),
)
