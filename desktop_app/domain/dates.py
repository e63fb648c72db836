"""Dates: the days Inkaso accepts, and how people read them in each UI language.

Terms (up to 3,650 days), scenario offsets and the dry-run calendar add and subtract days;
near ``date.min`` or ``date.max`` that leaves Python's calendar (OverflowError). Invoices older
than 1900 or due after 2199 are typing mistakes, so they are refused with the field named.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from desktop_app.errors import ValidationError
from desktop_app.i18n import _, babel_locale

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)


def check_date(day: dt.date, field: str, label: str | None = None) -> dt.date:
    """``day`` itself, or a ValidationError naming the field (``label``, else ``field``)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            _("{field}: {date} is outside the dates Inkaso accepts ({first} to {last})").format(
                field=label or field,
                date=day.isoformat(),
                first=FIRST_DAY.isoformat(),
                last=LAST_DAY.isoformat(),
            ),
            field=field,
        )
    return day


def format_day(value: dt.date, lang: str | None = None) -> str:
    """The CLDR short form of the active (or given) language: 1.12.2026, 01/12/2026, 01.12.2026."""
    return str(format_date(value, "short", locale=babel_locale(lang)))
