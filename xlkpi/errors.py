"""The one exception xlkpi raises for bad input, and how it maps to Excel error values."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DIV0", "NA", "NUM", "VALUE", "ExcelError", "KpiError"]

#: Excel error values, as shown in a cell.
VALUE = "#VALUE!"
NUM = "#NUM!"
NA = "#N/A"
DIV0 = "#DIV/0!"


class KpiError(ValueError):
    """Bad input to an xlkpi function: the message names the argument and the bad value.

    In a vectorised call ``mask`` marks every bad element (in the shape of the argument as
    given), so a binding can turn just those cells into Excel errors and compute the rest.
    ``excel`` is the Excel error value a worksheet shows for it.
    """

    def __init__(
        self,
        message: str,
        *,
        argument: str | None = None,
        mask: np.ndarray | None = None,
        excel: str = VALUE,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.argument = argument
        self.mask = mask
        self.excel = excel
        #: what is wrong with each masked element ("is not a date"), for per-cell messages
        self.reason = reason


class ExcelError(str):
    """An Excel error value carried in a result array (a ``str`` such as ``"#VALUE!"``).

    ``message`` keeps the plain-English reason for the cell, for tooltips and reports.
    """

    message: str

    def __new__(cls, code: str, message: str = "") -> ExcelError:
        obj = super().__new__(cls, code)
        obj.message = message or code
        return obj

    def __repr__(self) -> str:
        return f"ExcelError({str(self)!r}, {self.message!r})"
