"""Dates as people read them in each UI language."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from desktop_app.i18n import babel_locale


def format_day(value: dt.date, lang: str | None = None) -> str:
    """The CLDR short form of the active (or given) language: 1.12.2026, 01/12/2026, 01.12.2026."""
    return str(format_date(value, "short", locale=babel_locale(lang)))
