"""The title lines every export of the report starts with (firm, what, as of when, filters)."""

from __future__ import annotations

from desktop_app.domain.dates import format_day
from desktop_app.i18n import _
from desktop_app.reports.owed import BY_TITLES, OwedTable


def heading(table: OwedTable) -> str:
    return _("Owed to us — {by}").format(by=_(BY_TITLES[table.by]))


def as_of_text(table: OwedTable) -> str:
    return _("As of {date}").format(date=format_day(table.as_of))


def filters_text(table: OwedTable) -> str:
    return "; ".join(table.filters) if table.filters else _("No filters: everything owed")
