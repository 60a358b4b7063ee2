"""The reporting month's pooled figures a scorecard prints beside the months: the financial
year to date, the same months a year before, and the last six months."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xlkpi.indicators.counting import EVENT_KINDS
from xlkpi.indicators.definitions import INDICATORS

__all__ = ["pooled"]


def pooled(table: pd.DataFrame, month: np.datetime64) -> pd.DataFrame:
    """The reporting month's pooled rows ``CODE:YTD``, ``CODE:PYTD`` and ``CODE:6M``.

    YTD runs from April to ``month`` (PYTD the same months a year before) and is given
    only for indicators counted from events; 6M is the six months to ``month``. A share
    (or average days) is the sum of its numerators over the sum of its denominators, a
    count of events their sum, a count at month end or a rate the mean of its months.
    Rows with a breakdown are left out; a window short of months gives no row.
    """
    april = month - (int(month.astype(int)) % 12 - 3) % 12
    windows = {":YTD": (april, month), ":PYTD": (april - 12, month - 12),
               ":6M": (month - 5, month)}
    periods = pd.PeriodIndex(table["period"], freq="M").to_timestamp().values.astype(
        "datetime64[M]")
    out = []
    for code, rows in table.groupby("code", sort=False):
        ind = INDICATORS.get(code)
        if ind is None:
            continue
        events = ind.kind in EVENT_KINDS and ind.period == "month"
        when = periods[rows.index]
        for suffix, (start, end) in windows.items():
            if suffix != ":6M" and not events:
                continue
            inside = rows[(when >= start) & (when <= end)]
            if len(inside) != int((end - start).astype(int)) + 1:
                continue
            num = pd.to_numeric(inside["numerator"], errors="coerce")
            den = pd.to_numeric(inside["denominator"], errors="coerce")
            value = pd.to_numeric(inside["value"], errors="coerce")
            if ind.unit in ("share", "days"):
                numerator, denominator = num.sum(), den.sum()
                figure = numerator / denominator if denominator else "N/A"
            elif ind.unit == "count" and events:
                numerator, denominator, figure = num.sum(), "", num.sum()
            else:  # a count at month end, or a rate: the months' average
                numerator, denominator, figure = num.mean(), den.mean(), value.mean()
            out.append({"period": str(month), "code": code + suffix,
                        "numerator": numerator, "denominator": denominator,
                        "value": figure})
    return pd.DataFrame(out, columns=["period", "code", "numerator", "denominator", "value"])
