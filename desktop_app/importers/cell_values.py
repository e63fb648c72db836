"""Values of spreadsheet cells as exports write them: amounts, dates, whole numbers and text.

CSV cells are text in the writer's habits ("1 234,56", "(12,00)", "30.11.2026"); XLSX cells are
numbers and datetimes already, or text when the exporting program wrote text. Every function
takes either and raises :class:`CellError` with a translated sentence; the caller adds the file,
the row and the column.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal

from desktop_app.domain.dates import check_date
from desktop_app.domain.money import MAX_AMOUNT_MINOR, exponent, parse_amount
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.importers.table_reader import Cell

#: how dates written with "." "/" or "-" are ordered when the year is last
DATE_STYLES = ("dmy", "mdy")
#: the decimal mark of amounts: "auto" reads "1 234,56", "1.234,56" and "1,234.56" alike
DECIMAL_MARKS = ("auto", ",", ".")
#: day 0 of Excel's serial dates (1899-12-30, so that serial 61 is 1 March 1900 as in Excel)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
#: a float Excel computed (=A1+A2 gives 0.30000000000000004) is taken to the cent when it is
#: this close; further off, the cell really has more decimals than the currency
_FLOAT_SLACK = Decimal("0.000001")
_ISO = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ T].*)?")
_YEAR_LAST = re.compile(r"(\d{1,2})([-./])(\d{1,2})\2(\d{4}|\d{2})(?: .*)?")
_SERIAL = re.compile(r"\d{1,6}(?:[.,]\d+)?")
_CURRENCY_MARKS = re.compile(
    r"^(?:zł|pln|eur|usd|руб\.?|₽|€|\$)\s*|\s*(?:zł|pln|eur|usd|руб\.?|₽|€|\$)$", re.I
)


class CellError(ValueError):
    """A cell that does not hold what its column should: ``message`` says why, translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_empty(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def text_value(cell: Cell) -> str:
    """A cell as text: a NIP or a number Excel stored as 5260250995.0 comes back as digits."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def amount_value(cell: Cell, currency: str, *, decimal: str = "auto") -> int:
    """Signed minor units of ``currency``: "1 234,56", "-12,00", "(12,00)", "12,00-", 1234.56."""
    if isinstance(cell, bool | dt.date | dt.time):
        raise CellError(_("not an amount"))
    if isinstance(cell, int | float):
        return _number_minor(cell, currency)
    text = text_value(cell)
    raw = _CURRENCY_MARKS.sub("", text.replace("\u00a0", " ").strip())
    negative = False
    if raw.startswith("(") and raw.endswith(")"):
        negative, raw = True, raw[1:-1].strip()
    elif raw.endswith("-"):
        negative, raw = True, raw[:-1].strip()
    if raw.startswith(("-", "\u2212")):
        negative, raw = not negative, raw[1:].strip()
    raw = raw.removeprefix("+").strip()
    if decimal == ",":
        raw = re.sub(r"[ .']", "", raw).replace(",", ".")
    elif decimal == ".":
        raw = re.sub(r"[ ,']", "", raw)
    if not raw or raw[0] in "+-":
        raise CellError(_("{text} is not an amount").format(text=text))
    try:
        minor = parse_amount(raw, currency)
    except ValidationError as exc:
        raise CellError(_("{text} is not an amount").format(text=text)) from exc
    return -minor if negative else minor


def _number_minor(value: int | float, currency: str) -> int:
    digits = exponent(currency)
    # str() of a float is its shortest exact spelling: 1234.56, not 1234.5599999999999
    exact = Decimal(str(value))
    if not exact.is_finite():
        raise CellError(_("{text} is not an amount").format(text=value))
    scaled = exact.scaleb(digits)
    whole = scaled.to_integral_value()
    if abs(scaled - whole) > _FLOAT_SLACK.scaleb(digits):
        raise CellError(
            _("{text} has more decimal places than {currency} has").format(
                text=value, currency=currency
            )
        )
    minor = int(whole)
    if abs(minor) > MAX_AMOUNT_MINOR:
        raise CellError(_("the amount {text} is too large").format(text=value))
    return minor


def date_value(cell: Cell, *, style: str = "dmy") -> dt.date:
    """A date from a datetime cell, an Excel serial number or text in the usual spellings:
    "2026-11-30", "30.11.2026", "30/11/2026", "30-11-2026" ("11/30/2026" with style "mdy")."""
    if isinstance(cell, dt.datetime):
        return _in_range(cell.date(), cell)
    if isinstance(cell, dt.date):
        return _in_range(cell, cell)
    if isinstance(cell, bool | dt.time):
        raise CellError(_("not a date"))
    if isinstance(cell, int | float):
        return _serial(cell, cell)
    return _date_text(text_value(cell), style)


@functools.lru_cache(maxsize=4096)
def _date_text(text: str, style: str) -> dt.date:
    """A date written as text; cached: an export repeats its few dates on many rows."""
    try:
        if match := _ISO.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
        elif match := _YEAR_LAST.fullmatch(text):
            first, second, year = int(match[1]), int(match[3]), int(match[4])
            if len(match[4]) == 2:
                year += 2000
            day, month = (second, first) if style == "mdy" else (first, second)
        elif _SERIAL.fullmatch(text):
            return _serial(float(text.replace(",", ".")), text)
        else:
            raise CellError(_("{text} is not a date").format(text=text))
        return _in_range(dt.date(year, month, day), text)
    except ValueError as exc:
        if isinstance(exc, CellError):
            raise
        raise CellError(_("{text} is not a date").format(text=text)) from exc


def _serial(value: float, shown: Cell) -> dt.date:
    if not 1 <= value < 2_958_466:  # Excel's own range: 1900-01-01 to 9999-12-31
        raise CellError(_("{text} is not a date").format(text=shown))
    return _in_range(_EXCEL_EPOCH + dt.timedelta(days=int(value)), shown)


def _in_range(day: dt.date, shown: Cell) -> dt.date:
    try:
        return check_date(day, "date")
    except ValidationError as exc:
        raise CellError(
            _("{text} is outside the dates Inkaso accepts").format(text=text_value(shown))
        ) from exc


def whole_number(cell: Cell) -> int:
    """A count of days ("14", 14, 14.0, "14 dni")."""
    if isinstance(cell, bool):
        raise CellError(_("not a whole number"))
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    text = text_value(cell)
    match = re.fullmatch(r"(\d{1,5})(?:\s*\D{0,10})", text)
    if match is None:
        raise CellError(_("{text} is not a whole number").format(text=text))
    return int(match[1])
