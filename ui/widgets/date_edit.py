"""A date field in the user's language: its short date form, its calendar, a popup to pick from."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QDateEdit, QWidget

from desktop_app.i18n import babel_locale


def ui_locale() -> QLocale:
    """Qt's locale for the active UI language (not the system's), as dates are written on screen."""
    return QLocale(babel_locale())


def display_format(locale: QLocale) -> str:
    """The locale's short date form with the year in full: 1.12.2026, 01/12/2026, 01.12.2026."""
    pattern = locale.dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in pattern:
        pattern = pattern.replace("yy", "yyyy")
    return pattern


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class DateEdit(QDateEdit):
    """Typed as the user writes dates (the same form ``formatting.date`` shows), or picked from a
    calendar that starts its weeks and names its months as the user's language does."""

    def __init__(self, value: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        locale = ui_locale()
        self.setLocale(locale)
        self.setDisplayFormat(display_format(locale))
        self.setCalendarPopup(True)
        if value is not None:
            self.set_value(value)

    def value(self) -> dt.date:
        return to_date(self.date())

    def set_value(self, value: dt.date) -> None:
        self.setDate(to_qdate(value))

    def set_minimum(self, value: dt.date) -> None:
        self.setMinimumDate(to_qdate(value))
