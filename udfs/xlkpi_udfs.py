"""xlkpi worksheet functions and macros for classic xlwings (Windows desktop).

GENERATED from xlkpi/functions.py by `python -m xlkpi.bindings`: do not edit by hand.

Add this folder to the add-in's PYTHONPATH and `xlkpi_udfs` to its UDF Modules, then
Import Functions (see the README, "Use in Excel"). Ranges arrive as 2-D arrays, so one
call covers a whole column and spills its result.
"""

import numpy as np
import xlwings as xw

from xlkpi.bindings import excel_call
from xlkpi.macros import check_book, refresh_book


@xw.func(category="xlkpi")
@xw.arg("start", np.array, ndim=2, err_to_str=True,
        doc="Start date: a date cell, a serial number, 2017-01-31 or 31/01/2017")
@xw.arg("end", np.array, ndim=2, err_to_str=True, doc="End date")
@xw.arg("convention", doc="elapsed (start day is day 0) or inclusive (as NETWORKDAYS)")
@xw.arg("region", doc="Bank-holiday region: ENG, WLS, SCT or NIR")
@xw.arg("closures", doc="Council closure dates (a range of dates)")
def KPI_WORKDAYS(start, end, convention='elapsed', region='ENG', closures=None):  # noqa: N802 (Excel's name)
    """Working days from start to end. 'elapsed' counts the days after the start up to and
    including the end, as statutory timescales do; 'inclusive' is Excel's NETWORKDAYS.

    Example: =KPI_WORKDAYS(DATE(2023,5,5), DATE(2023,5,10)) -> 2"""
    return excel_call("KPI_WORKDAYS", start, end, convention, region, closures)


@xw.func(category="xlkpi")
@xw.arg("start", np.array, ndim=2, err_to_str=True,
        doc="Start date: a date cell, a serial number, 2017-01-31 or 31/01/2017")
@xw.arg("days", np.array, ndim=2, err_to_str=True, doc="Working days to add (negative goes back)")
@xw.arg("region", doc="Bank-holiday region: ENG, WLS, SCT or NIR")
@xw.arg("closures", doc="Council closure dates (a range of dates)")
def KPI_WORKDAY(start, days, region='ENG', closures=None):  # noqa: N802 (Excel's name)
    """Excel's WORKDAY with the region's bank holidays and council closures.

    Example: =KPI_WORKDAY(DATE(2023,5,5), 2) -> 10/05/2023"""
    return excel_call("KPI_WORKDAY", start, days, region, closures)


@xw.func(category="xlkpi")
@xw.arg("start", np.array, ndim=2, err_to_str=True,
        doc="Start date: a date cell, a serial number, 2017-01-31 or 31/01/2017")
@xw.arg("timescale", np.array, ndim=2, err_to_str=True,
        doc="A timescale code (ASSESSMENT, ICPC, RCPC_FIRST, ...) or a number")
@xw.arg("unit", doc="WD, D, W or M when timescale is a number")
@xw.arg("region", doc="Bank-holiday region: ENG, WLS, SCT or NIR")
@xw.arg("closures", doc="Council closure dates (a range of dates)")
def KPI_DUE(start, timescale, unit=None, region='ENG', closures=None):  # noqa: N802 (Excel's name)
    """When a task started on start is due: ASSESSMENT is 45 working days from referral, ICPC
    15 working days from the strategy discussion, RCPC_FIRST 3 months from the ICPC."""
    return excel_call("KPI_DUE", start, timescale, unit, region, closures)


@xw.func(category="xlkpi")
@xw.arg("start", np.array, ndim=2, err_to_str=True,
        doc="Start date: a date cell, a serial number, 2017-01-31 or 31/01/2017")
@xw.arg("end", np.array, ndim=2, err_to_str=True,
        doc="Completion date (blank while the task is open)")
@xw.arg("timescale", np.array, ndim=2, err_to_str=True, doc="A timescale code or a limit in units")
@xw.arg("unit", doc="WD, D, W or M when timescale is a number")
@xw.arg("as_of", np.array, ndim=2, err_to_str=True,
        doc="Reporting date: an open task past its due date is late")
@xw.arg("region", doc="Bank-holiday region: ENG, WLS, SCT or NIR")
@xw.arg("closures", doc="Council closure dates (a range of dates)")
def KPI_WITHIN(start, end, timescale, unit='WD', as_of=None, region='ENG', closures=None):  # noqa: N802 (Excel's name)
    """Whether a task was done within its timescale. With end blank, FALSE once as_of is past
    the due date, blank while it is still in time."""
    return excel_call("KPI_WITHIN", start, end, timescale, unit, as_of, region, closures)


@xw.func(category="xlkpi")
@xw.arg("numerator", np.array, ndim=2, err_to_str=True, doc="Cases meeting the measure")
@xw.arg("denominator", np.array, ndim=2, err_to_str=True, doc="All cases")
def KPI_PCT(numerator, denominator):  # noqa: N802 (Excel's name)
    """numerator / denominator; a zero or blank denominator gives N/A, never 0%."""
    return excel_call("KPI_PCT", numerator, denominator)


@xw.func(category="xlkpi")
@xw.arg("count", np.array, ndim=2, err_to_str=True, doc="Number of children")
@xw.arg("population", np.array, ndim=2, err_to_str=True,
        doc="Population, usually children aged 0-17")
@xw.arg("per", doc="Rate per this many (10,000)")
def KPI_RATE(count, population, per=10000):  # noqa: N802 (Excel's name)
    """count / population x 10,000, the rate scorecards compare with England and statistical
    neighbours."""
    return excel_call("KPI_RATE", count, population, per)


@xw.func(category="xlkpi")
@xw.arg("current", np.array, ndim=2, err_to_str=True, doc="This period's value")
@xw.arg("previous", np.array, ndim=2, err_to_str=True, doc="The value to compare with")
@xw.arg("style", doc="count: -5,821 (-17.1%); points: 2.9% for percentages")
def KPI_CHANGE(current, previous, style='count'):  # noqa: N802 (Excel's name)
    """The difference and percentage change, as the county report's Difference rows print it."""
    return excel_call("KPI_CHANGE", current, previous, style)


@xw.func(category="xlkpi")
@xw.arg("value", np.array, ndim=2, err_to_str=True, doc="The indicator's value (43% is 0.43)")
@xw.arg("polarity", np.array, ndim=2, err_to_str=True,
        doc="Which way is good: High / BIB / Higher is better, Low / SIB / Lower is better, To "
            "Target, or Info / N/A / blank for no judgement")
@xw.arg("red", np.array, ndim=2, err_to_str=True, doc="Red tolerance: worse than this is Red")
@xw.arg("green", np.array, ndim=2, err_to_str=True, doc="Green tolerance: this or better is Green")
def KPI_RAG(value, polarity, red, green):  # noqa: N802 (Excel's name)
    """RAG from tolerance thresholds as the county report's Red and Green columns: when high is
    better Green at or above green, Red below red, else Amber; when low is better the
    mirror. Info, N/A or a blank polarity gives a blank.

    Example: =KPI_RAG(78.2%, "High", 70%, 80%) -> Amber"""
    return excel_call("KPI_RAG", value, polarity, red, green)


@xw.func(category="xlkpi")
@xw.arg("value", np.array, ndim=2, err_to_str=True, doc="The indicator's value")
@xw.arg("target", np.array, ndim=2, err_to_str=True, doc="The target")
@xw.arg("polarity", np.array, ndim=2, err_to_str=True,
        doc="Which way is good: High / BIB / Higher is better, Low / SIB / Lower is better, To "
            "Target, or Info / N/A / blank for no judgement")
@xw.arg("tolerance", np.array, ndim=2, err_to_str=True,
        doc="Amber band as a fraction of the target (0.1 = 10%)")
def KPI_RAG_TARGET(value, target, polarity, tolerance=0.1):  # noqa: N802 (Excel's name)
    """RAG by distance from target: Green when the target is met, Amber within tolerance of it,
    Red beyond. To Target: Green within tolerance either side, Amber within twice it.

    Example: =KPI_RAG_TARGET(82%, 90%, "BIB") -> Amber"""
    return excel_call("KPI_RAG_TARGET", value, target, polarity, tolerance)


@xw.func(category="xlkpi")
@xw.arg("value", np.array, ndim=2, err_to_str=True, doc="The indicator's value (43% is 0.43)")
@xw.arg("text", np.array, ndim=2, err_to_str=True,
        doc="RAG methodology text, e.g. 90% or above Green 85%-89% Amber 84% and below Red")
def KPI_RAG_TEXT(value, text):  # noqa: N802 (Excel's name)
    """RAG from the improvement board's methodology text, read at the text's own precision
    (85%-89% covers 84.5% to 89.5%). A value in a gap takes the worse band; in an overlap
    the band written first. Yellow means Amber.

    Example: =KPI_RAG_TEXT(82%, "90% or above Green 85%-89% Amber 84% and below Red") -> Red"""
    return excel_call("KPI_RAG_TEXT", value, text)


@xw.func(category="xlkpi")
@xw.arg("current", np.array, ndim=2, err_to_str=True, doc="This period's value")
@xw.arg("previous", np.array, ndim=2, err_to_str=True,
        doc="The value to compare with (last month, last year)")
@xw.arg("polarity", np.array, ndim=2, err_to_str=True,
        doc="Which way is good; blank for the raw direction")
@xw.arg("tolerance", np.array, ndim=2, err_to_str=True,
        doc="Differences up to this (in the values' units) are No change")
def KPI_DOT(current, previous, polarity=None, tolerance=0):  # noqa: N802 (Excel's name)
    """Direction of travel. With a polarity of high or low it judges performance; with none (or
    Info, N/A, To Target) it gives the raw direction.

    Example: =KPI_DOT(23.8%, 20.0%, "Low") -> Worsening"""
    return excel_call("KPI_DOT", current, previous, polarity, tolerance)


@xw.func(category="xlkpi")
@xw.arg("values", np.array, ndim=2, err_to_str=True,
        doc="The months in order, oldest first: one row or one column")
def KPI_TREND(values):  # noqa: N802 (Excel's name)
    """The sign of the least-squares slope over the values (the county report's 'Trend 13 month
    linear'). Any blank or non-numeric cell gives Dataset is incomplete.

    Example: =KPI_TREND(C5:C17) -> Increasing"""
    return excel_call("KPI_TREND", values)


@xw.func(category="xlkpi")
@xw.arg("value", np.array, ndim=2, err_to_str=True, doc="The indicator's value")
@xw.arg("benchmarks", np.array, ndim=2, err_to_str=True,
        doc="Benchmark values, e.g. statistical neighbours")
@xw.arg("polarity", np.array, ndim=2, err_to_str=True,
        doc="Which way is good: High / BIB / Higher is better, Low / SIB / Lower is better, To "
            "Target, or Info / N/A / blank for no judgement")
def KPI_QUARTILE(value, benchmarks, polarity):  # noqa: N802 (Excel's name)
    """Which quarter of the benchmark values the value falls in, respecting polarity; cut
    points are QUARTILE.INC of the benchmarks and a value on one takes the better quarter."""
    return excel_call("KPI_QUARTILE", value, benchmarks, polarity)


@xw.func(category="xlkpi")
@xw.arg("status", np.array, ndim=2, err_to_str=True,
        doc="A status word: Green, Amber, Red, Improving, Up, Increasing, ...")
@xw.arg("set", doc="Symbol set: default (★ ■ ✖ ↑ ↓ ➡), double (↔), faces or words")
def KPI_SYMBOL(status, set='default'):  # noqa: N802 (Excel's name)
    """The symbol a report shows for a status: the county report's ★ Green, ■ Amber, ✖ Red and
    ↑ ↓ ➡ arrows by default.

    Example: =KPI_SYMBOL("Green") -> ★"""
    return excel_call("KPI_SYMBOL", status, set)


@xw.sub
def refresh():
    """Recalculate every KPI formula in the active workbook."""
    refresh_book(xw.Book.caller())


@xw.sub
def check():
    """Recalculate the saved workbook headlessly and list differences in a Checks sheet."""
    check_book(xw.Book.caller())
