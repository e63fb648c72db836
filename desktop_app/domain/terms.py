"""Payment terms as sources state them: instalment amounts, relative terms, default terms."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from desktop_app.domain.calendar import add_business_days


def split_evenly(total_minor: int, parts: int) -> list[int]:
    """``total_minor`` in ``parts`` equal amounts; the grosze left over go to the last one.

    1000.00 in 3 is 333.33, 333.33, 333.34: the last instalment is the one a debtor expects to
    settle the rest, and no instalment is ever zero unless the total is smaller than ``parts``.
    """
    if parts < 1:
        raise ValueError("parts must be at least 1")
    base = int(total_minor / parts)  # towards zero, so a negative total splits the same way
    return [base] * (parts - 1) + [total_minor - base * (parts - 1)]


def due_by_default_terms(issued: dt.date, terms_days: int) -> dt.date:
    """The due date when a source gives none: the contractor's default terms from the issue."""
    return issued + dt.timedelta(days=terms_days)


_DAY = re.compile(r"^(dz|dni|day|день|дн)", re.IGNORECASE)
_WORKING = re.compile(r"robocz|roboczych|business|working|рабоч", re.IGNORECASE)
_WEEK = re.compile(r"^(tydz|tygod|week|недел)", re.IGNORECASE)
_MONTH = re.compile(r"^(mies|month|месяц)", re.IGNORECASE)
_DELIVERY = re.compile(r"dostaw|wydani|sprzeda|odbior|odbiór|wykonani|delivery", re.IGNORECASE)


def relative_due(
    count: int, unit: str, event: str, *, issued: dt.date, sold: dt.date | None
) -> dt.date | None:
    """A KSeF ``TerminOpis`` ("14", "dni", "od daty wystawienia faktury") as a date.

    The term counts from the sale (delivery) date when the event names one and the invoice has
    it, else from the issue date: receipt of the invoice is unknown to us, and the issue date is
    the earliest day it can be. None when the unit is not one we know (the caller falls back to
    the contractor's terms rather than guess).
    """
    if count < 0 or count > 3650:
        return None
    start = sold if sold is not None and _DELIVERY.search(event) else issued
    word = unit.strip()
    if _DAY.match(word):
        if _WORKING.search(word) or _WORKING.search(event):
            return add_business_days(start, count)
        return start + dt.timedelta(days=count)
    if _WEEK.match(word):
        return start + dt.timedelta(days=7 * count)
    if _MONTH.match(word):
        return add_months(start, count)
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
