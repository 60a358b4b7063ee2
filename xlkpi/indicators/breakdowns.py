"""Breakdowns of the monthly indicator table: which group each row of a table is in.

Declared as data (:data:`BREAKDOWNS`); :func:`groups` turns a declaration into a group code
per row of the indicator's table (0 is the whole authority) and the group labels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from xlkpi.indicators.counting import Settings
    from xlkpi.indicators.definitions import Indicator
    from xlkpi.indicators.loader import Extract

__all__ = ["ALL", "BLANK", "groups"]

#: The breakdown label of the whole-authority row.
ALL = "All"
#: The group of a row whose value is blank.
BLANK = "(blank)"


def groups(ind: Indicator, extract: Extract, settings: Settings,
           periods: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Group code per row of ``ind``'s table (0 is the whole authority) and the labels."""
    table = extract.tables[ind.source]
    by = settings.by
    if by is None or by not in table.groups:
        return np.zeros(len(table), dtype=np.int64), [ALL]
    values = pd.Series(table.groups[by]).replace("", BLANK).to_numpy()
    codes, labels = pd.factorize(values, sort=True)
    return codes.astype(np.int64) + 1, [ALL, *map(str, labels)]
