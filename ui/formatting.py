"""How numbers, dates and times read on screen in the active UI language.

Money goes through the core's ``format_money`` so the GUI, the CLI and the letters agree; dates use
the CLDR short form of the UI language (22.11.2026 in Polish, 22/11/2026 in British English).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal, format_percent

from desktop_app.domain.dates import format_day
from desktop_app.domain.money import format_amounts, format_money
from desktop_app.i18n import babel_locale


def money(minor: int, currency: str) -> str:
    return format_money(minor, currency)


def amounts(owed: Iterable[tuple[int, str]], home: str) -> str:
    """Amounts in several currencies side by side ("1 234,56 zł + 268,92 €"), 0 in ``home``
    when there are none."""
    return format_amounts(owed, home)


def date(value: dt.date | None) -> str:
    return "" if value is None else format_day(value)


def local_time(utc: dt.datetime) -> str:
    """A UTC timestamp from the database as the user's wall-clock time, without seconds."""
    aware = utc if utc.tzinfo else utc.replace(tzinfo=dt.UTC)
    local = aware.astimezone()
    return str(babel_format_datetime(local.replace(tzinfo=None), "short", locale=babel_locale()))


def percent(share: float) -> str:
    """A share (0.0-1.0) as a whole percent in the UI language ("37%", "37 %")."""
    return str(format_percent(share, "#,##0%", locale=babel_locale()))


def number(value: float) -> str:
    """A whole number grouped in the UI language ("1 500 000", "1,500,000")."""
    return str(format_decimal(round(value), "#,##0", locale=babel_locale()))


def days(count: int) -> str:
    return str(count) if count > 0 else ""


#: shown for a payer not rated yet: a blank would read as "nothing known", zero stars as "bad"
NOT_RATED = "—"


def stars(count: int | None, out_of: int = 5) -> str:
    """A payer rating as filled and empty stars (★★★★☆), or a dash when not rated yet."""
    return NOT_RATED if count is None else "★" * count + "☆" * (out_of - count)


class Texts:
    """Memoised money and date texts.

    Babel re-reads its locale data on every call, which adds up to a visible pause when a card
    with hundreds of amounts is filled; a worker thread fills this cache first (``warm_*``) and
    the GUI thread then only looks texts up.
    """

    def __init__(self) -> None:
        self._money: dict[tuple[int, str], str] = {}
        self._dates: dict[dt.date, str] = {}

    def money(self, minor: int, currency: str) -> str:
        key = (minor, currency)
        text = self._money.get(key)
        if text is None:
            text = self._money[key] = money(minor, currency)
        return text

    def date(self, value: dt.date | None) -> str:
        if value is None:
            return ""
        text = self._dates.get(value)
        if text is None:
            text = self._dates[value] = date(value)
        return text

    def warm(self, amounts: Iterable[tuple[int, str]], dates: Iterable[dt.date | None]) -> None:
        for minor, currency in amounts:
            self.money(minor, currency)
        for value in dates:
            self.date(value)
