"""xlkpi worksheet functions for xlwings Lite (Excel on Windows, Mac and the web).

Paste into xlwings Lite's main.py, and udfs/lite/requirements.txt into its requirements.txt.
Functions appear as =KPI_RAG(...), =KPI_WORKDAYS(...), the same names the headless
engine and classic xlwings use.

GENERATED from xlkpi/functions.py by `python -m xlkpi.bindings`: do not edit by hand.
"""

from xlwings import arg, func

from xlkpi.bindings import excel_call


@func
@arg("start", ndim=2, err_to_str=True,
     doc="Start date: a date cell, a serial number, 2017-01-31 or 31/01/2017")
@arg("end", ndim=2, err_to_str=True, doc="End date")
@arg("convention", doc="elapsed (start day is day 0) or inclusive (as NETWORKDAYS)")
@arg("region", doc="Bank-holiday region: ENG, WLS, SCT or NIR")
@arg("closures", doc="Council closure dates (a range of dates)")
def kpi_workdays(start, end, convention='elapsed', region='ENG', closures=None):
    """Working days from start to end. 'elapsed' counts the days after the start up to and
    including the end, as statutory timescales do; 'inclusive' is Excel's NETWORKDAYS.

    Example: =KPI_WORKDAYS(DATE(2023,5,5), DATE(2023,5,10)) -> 2"""
    return excel_call("KPI_WORKDAYS", start, end, convention, region, closures)


@func
@arg("start", ndim=2, err_to_str=True,
     doc="Start date: a date cell, a serial number, 2017-01-31 or 31/01/2017")
@arg("days", ndim=2, err_to_str=True, doc="Working days to add (negative goes back)")
@arg("region", doc="Bank-holiday region: ENG, WLS, SCT or NIR")
@arg("closures", doc="Council closure dates (a range of dates)")
def kpi_workday(start, days, region='ENG', closures=None):
    """Excel's WORKDAY with the region's bank holidays and council closures.

    Example: =KPI_WORKDAY(DATE(2023,5,5), 2) -> 10/05/2023"""
    return excel_call("KPI_WORKDAY", start, days, region, closures)


@func
@arg("start", ndim=2, err_to_str=True,
     doc="Start date: a date cell, a serial number, 2017-01-31 or 31/01/2017")
@arg("timescale", ndim=2, err_to_str=True,
     doc="A timescale code (ASSESSMENT, ICPC, RCPC_FIRST, ...) or a number")
@arg("unit", doc="WD, D, W or M when timescale is a number")
@arg("region", doc="Bank-holiday region: ENG, WLS, SCT or NIR")
@arg("closures", doc="Council closure dates (a range of dates)")
def kpi_due(start, timescale, unit=None, region='ENG', closures=None):
    """When a task started on start is due: ASSESSMENT is 45 working days from referral, ICPC
    15 working days from the strategy discussion, RCPC_FIRST 3 months from the ICPC."""
    return excel_call("KPI_DUE", start, timescale, unit, region, closures)


@func
@arg("start", ndim=2, err_to_str=True,
     doc="Start date: a date cell, a serial number, 2017-01-31 or 31/01/2017")
@arg("end", ndim=2, err_to_str=True, doc="Completion date (blank while the task is open)")
@arg("timescale", ndim=2, err_to_str=True, doc="A timescale code or a limit in units")
@arg("unit", doc="WD, D, W or M when timescale is a number")
@arg("as_of", ndim=2, err_to_str=True,
     doc="Reporting date: an open task past its due date is late")
@arg("region", doc="Bank-holiday region: ENG, WLS, SCT or NIR")
@arg("closures", doc="Council closure dates (a range of dates)")
def kpi_within(start, end, timescale, unit='WD', as_of=None, region='ENG', closures=None):
    """Whether a task was done within its timescale. With end blank, FALSE once as_of is past
    the due date, blank while it is still in time."""
    return excel_call("KPI_WITHIN", start, end, timescale, unit, as_of, region, closures)


@func
@arg("numerator", ndim=2, err_to_str=True, doc="Cases meeting the measure")
@arg("denominator", ndim=2, err_to_str=True, doc="All cases")
def kpi_pct(numerator, denominator):
    """numerator / denominator; a zero or blank denominator gives N/A, never 0%."""
    return excel_call("KPI_PCT", numerator, denominator)


@func
@arg("count", ndim=2, err_to_str=True, doc="Number of children")
@arg("population", ndim=2, err_to_str=True, doc="Population, usually children aged 0-17")
@arg("per", doc="Rate per this many (10,000)")
def kpi_rate(count, population, per=10000):
    """count / population x 10,000, the rate scorecards compare with England and statistical
    neighbours."""
    return excel_call("KPI_RATE", count, population, per)


@func
@arg("current", ndim=2, err_to_str=True, doc="This period's value")
@arg("previous", ndim=2, err_to_str=True, doc="The value to compare with")
@arg("style", doc="count: -5,821 (-17.1%); points: 2.9% for percentages")
def kpi_change(current, previous, style='count'):
    """The difference and percentage change, as the county report's Difference rows print it."""
    return excel_call("KPI_CHANGE", current, previous, style)


@func
@arg("value", ndim=2, err_to_str=True, doc="The indicator's value (43% is 0.43)")
@arg("polarity", ndim=2, err_to_str=True,
     doc="Which way is good: High / BIB / Higher is better, Low / SIB / Lower is better, To "
         "Target, or Info / N/A / blank for no judgement")
@arg("red", ndim=2, err_to_str=True, doc="Red tolerance: worse than this is Red")
@arg("green", ndim=2, err_to_str=True, doc="Green tolerance: this or better is Green")
def kpi_rag(value, polarity, red, green):
    """RAG from tolerance thresholds as the county report's Red and Green columns: when high is
    better Green at or above green, Red below red, else Amber; when low is better the
    mirror. Info, N/A or a blank polarity gives a blank.

    Example: =KPI_RAG(78.2%, "High", 70%, 80%) -> Amber"""
    return excel_call("KPI_RAG", value, polarity, red, green)


@func
@arg("value", ndim=2, err_to_str=True, doc="The indicator's value")
@arg("target", ndim=2, err_to_str=True, doc="The target")
@arg("polarity", ndim=2, err_to_str=True,
     doc="Which way is good: High / BIB / Higher is better, Low / SIB / Lower is better, To "
         "Target, or Info / N/A / blank for no judgement")
@arg("tolerance", ndim=2, err_to_str=True,
     doc="Amber band as a fraction of the target (0.1 = 10%)")
def kpi_rag_target(value, target, polarity, tolerance=0.1):
    """RAG by distance from target: Green when the target is met, Amber within tolerance of it,
    Red beyond. To Target: Green within tolerance either side, Amber within twice it.

    Example: =KPI_RAG_TARGET(82%, 90%, "BIB") -> Amber"""
    return excel_call("KPI_RAG_TARGET", value, target, polarity, tolerance)


@func
@arg("value", ndim=2, err_to_str=True, doc="The indicator's value (43% is 0.43)")
@arg("text", ndim=2, err_to_str=True,
     doc="RAG methodology text, e.g. 90% or above Green 85%-89% Amber 84% and below Red")
def kpi_rag_text(value, text):
    """RAG from the improvement board's methodology text, read at the text's own precision
    (85%-89% covers 84.5% to 89.5%). A value in a gap takes the worse band; in an overlap
    the band written first. Yellow means Amber.

    Example: =KPI_RAG_TEXT(82%, "90% or above Green 85%-89% Amber 84% and below Red") -> Red"""
    return excel_call("KPI_RAG_TEXT", value, text)


@func
@arg("current", ndim=2, err_to_str=True, doc="This period's value")
@arg("previous", ndim=2, err_to_str=True, doc="The value to compare with (last month, last year)")
@arg("polarity", ndim=2, err_to_str=True, doc="Which way is good; blank for the raw direction")
@arg("tolerance", ndim=2, err_to_str=True,
     doc="Differences up to this (in the values' units) are No change")
def kpi_dot(current, previous, polarity=None, tolerance=0):
    """Direction of travel. With a polarity of high or low it judges performance; with none (or
    Info, N/A, To Target) it gives the raw direction.

    Example: =KPI_DOT(23.8%, 20.0%, "Low") -> Worsening"""
    return excel_call("KPI_DOT", current, previous, polarity, tolerance)


@func
@arg("values", ndim=2, err_to_str=True,
     doc="The months in order, oldest first: one row or one column")
def kpi_trend(values):
    """The sign of the least-squares slope over the values (the county report's 'Trend 13 month
    linear'). Any blank or non-numeric cell gives Dataset is incomplete.

    Example: =KPI_TREND(C5:C17) -> Increasing"""
    return excel_call("KPI_TREND", values)


@func
@arg("value", ndim=2, err_to_str=True, doc="The indicator's value")
@arg("benchmarks", ndim=2, err_to_str=True, doc="Benchmark values, e.g. statistical neighbours")
@arg("polarity", ndim=2, err_to_str=True,
     doc="Which way is good: High / BIB / Higher is better, Low / SIB / Lower is better, To "
         "Target, or Info / N/A / blank for no judgement")
def kpi_quartile(value, benchmarks, polarity):
    """Which quarter of the benchmark values the value falls in, respecting polarity; cut
    points are QUARTILE.INC of the benchmarks and a value on one takes the better quarter."""
    return excel_call("KPI_QUARTILE", value, benchmarks, polarity)


@func
@arg("status", ndim=2, err_to_str=True,
     doc="A status word: Green, Amber, Red, Improving, Up, Increasing, ...")
@arg("set", doc="Symbol set: default (★ ■ ✖ ↑ ↓ ➡), double (↔), faces or words")
def kpi_symbol(status, set='default'):
    """The symbol a report shows for a status: the county report's ★ Green, ■ Amber, ✖ Red and
    ↑ ↓ ➡ arrows by default.

    Example: =KPI_SYMBOL("Green") -> ★"""
    return excel_call("KPI_SYMBOL", status, set)
