"""Write the returns a council makes from one case model: the DfE CIN census (XML), the DfE
SSDA903 (CSV files) and Ofsted's Annex A (workbook), plus xlkpi's own CSV layout.

The case model is a dict of normalised tables (:data:`xlkpi.indicators.tables.TABLES`:
``referrals``, ``assessments``, ``s47``, ``cin_plans``, ``cp_plans``, ``cp_reviews``,
``cp_visits``, ``contacts``, ``cla``, ``placements``, ``episodes``, ``cla_reviews``,
``cla_visits``, ``children``); a table not given is simply absent from every return. Each
writer puts the cases where its return holds them and writes nothing else, so reading the
files back gives the same tables wherever the return has the data. What each return can
support (the indicators of :mod:`xlkpi.indicators.definitions`):

- **CIN census** (:func:`write_cin_census`): REREF12, ASSESS45, ASSESSOPEN45, ICPC15,
  S47RATE, CPRATE, CP2YRS, CPREPEAT. It holds every referral (CINdetails), assessment,
  section 47 enquiry and child protection plan, with their dates, so these come out as
  from the CSV layout. It has no contacts (CONTACTREF), no visits (CPVISITS) and no
  children looked after (CLARATE, CLA3PLACE, CLAREVIEWS: those are the 903's).
- **SSDA903** (:func:`write_ssda903`): CLARATE, CLA3PLACE, CLAREVIEWS. Its episodes give
  the periods of care (a period starts at RNE S and ends at the first REC other than X1)
  and the placements (a new one at S and at every P; an L episode changes the legal status
  only and continues the placement); reviews.csv holds every review. It has nothing about
  referrals, child protection or contacts.
- **Annex A** (:func:`write_annex_a`): REREF12 (List 3), ASSESS45 and ASSESSOPEN45 (List 4;
  Annex A gives no referral date for an assessment, so a reader links each to the child's
  latest List 3 referral on or before its start: the same referral when the assessment
  starts on or after its own referral and before the child's next one), ICPC15 and S47RATE
  (List 5), CPRATE, CP2YRS, CPREPEAT (List 7), CLARATE (List 8), CONTACTREF (List 1 has no
  outcome: a reader counts a contact as progressed when List 3 has a referral of the child
  on or after it and before the child's next contact, which is the same answer when the
  cases are like that). CPVISITS is a snapshot: List 7 holds only the last statutory visit
  of each plan, so it agrees only for the month whose last day is the extract date.
  CLAREVIEWS cannot be checked (List 8 holds the latest review only, not every review due)
  and CLA3PLACE cannot be (List 8 holds a count of placements in the last 12 months and the
  most recent placement, not the placements).

Choices the formats force (each writer's docstring says more): a CIN census Child needs a
CINdetails, so assessments, enquiries and CIN plans must name a referral of the same child
(``referral_date``) and a CP plan goes under the child's latest referral on or before its
start (a ``ValueError`` says how many records have none: never a child's identifier).
Codes are the DfE's (sex ``1``/``2``; referral sources ``6``, ``2A``...; categories ``NEG``...;
legal statuses ``C2``...); blanks the schema requires are written as the schema's "not
known" code (Ethnicity ``NOBT``, GenderCurrent ``0``, ReferralSource ``10``).
"""

from __future__ import annotations

from samples.write_annex_a import ANNEX_A_LISTS, write_annex_a
from samples.write_cin_census import write_cin_census
from samples.write_extract import write_extract
from samples.write_ssda903 import SSDA903_HEADERS, build_episodes, write_ssda903

__all__ = ["ANNEX_A_LISTS", "SSDA903_HEADERS", "build_episodes", "write_annex_a",
           "write_cin_census", "write_extract", "write_ssda903"]
