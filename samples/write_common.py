"""Helpers the sample returns' writers share (:mod:`samples.write_returns`): the case
model's tables, dates as the returns write them, each child's sex and birth date.

The case model is a dict of normalised tables (:data:`xlkpi.indicators.tables.TABLES`);
a table it does not give reads as empty (:func:`case_table`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xlkpi.indicators import tables as tb

__all__ = ["SEX_CODES", "Tables", "as_days", "birth_dates", "case_table", "child_sex", "flags",
           "iso_dates", "per_child", "require", "uk_dates"]

Tables = dict[str, pd.DataFrame]

#: sex as the case model may hold it -> (CIN census GenderCurrent, 903 SEX, Annex A Gender)
SEX_CODES: dict[str, tuple[str, str, str]] = {
    "1": ("1", "1", "a) Male"), "m": ("1", "1", "a) Male"), "male": ("1", "1", "a) Male"),
    "2": ("2", "2", "b) Female"), "f": ("2", "2", "b) Female"),
    "female": ("2", "2", "b) Female"),
}
_SEX_UNKNOWN = ("0", "", "c) Not stated/recorded")


def case_table(cases: Tables, name: str) -> pd.DataFrame:
    """The case model's table ``name`` with every column of its kind (blank when absent)."""
    return tb.conform(name, cases[name]) if name in cases else tb.empty(name)


def as_days(values) -> np.ndarray:
    return np.asarray(values).astype("datetime64[D]")


def _fmt(values, fmt: str) -> np.ndarray:
    """Dates as text in ``fmt``, ``""`` for a blank."""
    text = pd.Series(pd.to_datetime(as_days(values))).dt.strftime(fmt)
    return text.fillna("").to_numpy(dtype=object)


def iso_dates(values) -> np.ndarray:
    return _fmt(values, "%Y-%m-%d")


def uk_dates(values) -> np.ndarray:
    return _fmt(values, "%d/%m/%Y")


def flags(values, yes: str = "true", no: str = "false") -> np.ndarray:
    return np.where(np.asarray(values, dtype=bool), yes, no).astype(object)


def child_sex(children: pd.DataFrame, ids: np.ndarray, which: int) -> np.ndarray:
    """Each child's sex as return ``which`` (0 census, 1 903, 2 Annex A) writes it."""
    codes = {key: value[which] for key, value in SEX_CODES.items()}
    known = children.drop_duplicates("child_id").set_index("child_id")["sex"]
    sex = pd.Series(ids).map(known.astype(str).str.strip().str.lower())
    return sex.map(codes).fillna(_SEX_UNKNOWN[which]).to_numpy(dtype=object)


def per_child(children: pd.DataFrame, ids: np.ndarray, column: str) -> np.ndarray:
    """A date column of ``children`` for each of ``ids`` (NaT for a child not in it)."""
    known = children.drop_duplicates("child_id").set_index("child_id")[column]
    return as_days(known.reindex(np.asarray(ids, dtype=object)).to_numpy())


def birth_dates(children: pd.DataFrame, ids: np.ndarray) -> np.ndarray:
    return per_child(children, ids, "birth_date")


def require(frame: pd.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    for col in columns:
        if frame[col].isna().any():
            raise ValueError(f"{name}: {int(frame[col].isna().sum())} record(s) with no "
                             f"{col}")
