"""How numbers, dates and times read on screen in the active UI language.

Money goes through the core's ``format_money`` so the GUI, the CLI and the letters agree; dates use
the CLDR short form of the UI language (22.11.2026 in Polish, 22/11/2026 in British English).
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime

from desktop_app.domain.money import format_money
from desktop_app.i18n import babel_locale


def money(minor: int, currency: str) -> str:
    return format_money(minor, currency)


def date(value: dt.date | None) -> str:
    if value is None:
        return ""
    return str(babel_format_date(value, "short", locale=babel_locale()))


def local_time(utc: dt.datetime) -> str:
    """A UTC timestamp from the database as the user's wall-clock time, without seconds."""
    aware = utc if utc.tzinfo else utc.replace(tzinfo=dt.UTC)
    local = aware.astimezone()
    return str(babel_format_datetime(local.replace(tzinfo=None), "short", locale=babel_locale()))


def days(count: int) -> str:
    return str(count) if count > 0 else ""
