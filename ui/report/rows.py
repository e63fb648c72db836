"""The report's table rows, texts and sort keys made on the worker that read the report: ten
thousand contractors are ninety thousand amounts to format, too many for the GUI thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.uow import Database
from desktop_app.i18n import N_
from desktop_app.reports.owed import By, Kind, Line, OwedTable, column_title
from desktop_app.reports.owed import Column as ReportColumn
from desktop_app.reports.pdf import cell_text
from desktop_app.services import owed_report
from desktop_app.services.aging_report import AgingFilter
from ui.bank.rows_model import Column, Row


@dataclass(frozen=True)
class Shown:
    table: OwedTable
    columns: list[Column]
    rows: list[Row]


def load(db: Database, as_of: dt.date, by: By, filters: AgingFilter) -> Shown:
    table = owed_report.owed(db, as_of, by, filters)
    columns = [Column(c.key, column_title(c), c.kind is not Kind.TEXT) for c in table.columns]
    with_currency = len(table.sections) > 1 or by is not By.CONTRACTOR
    if with_currency:
        columns.append(Column("currency", N_("Currency")))
    texts: dict[tuple[object, str, str], str] = {}
    rows = [
        _row(table, section.currency, line, with_currency, texts)
        for section in table.sections
        for line in section.lines
    ]
    if by is By.BUCKET:
        # buckets sort by their age, not by their names' letters
        order = {label: n for n, label in enumerate(line.key for line in table.sections[0].lines)}
        rows = [
            Row(r.id, r.texts, (order.get(_label(r), 0), *r.keys[1:]), item=r.item) for r in rows
        ]
    return Shown(table, columns, rows)


def _row(
    table: OwedTable,
    currency: str,
    line: Line,
    with_currency: bool,
    texts: dict[tuple[object, str, str], str],
) -> Row:
    shown: list[str] = []
    keys: list[object] = []
    for column in table.columns:
        value = line.values.get(column.key)
        # most amounts repeat (zero above all): each is formatted once
        memo = (value, currency, column.kind)
        text = texts.get(memo)
        if text is None:
            text = texts[memo] = cell_text(column, line, currency)
        shown.append(text)
        keys.append(_key(column, value, currency))
    if with_currency:
        shown.append(currency)
        keys.append(currency)
    key = line.key if table.by is not By.MANAGER else (currency, line.key)
    return Row(id=(currency, key), texts=tuple(shown), keys=tuple(keys), item=line)


def _key(column: ReportColumn, value: object, currency: str) -> object:
    if column.kind is Kind.TEXT:
        return str(value or "").casefold()
    if column.kind is Kind.DATE:
        return value or dt.date.max
    return (currency, value or 0)


def _label(row: Row) -> str:
    return str(row.item.key) if isinstance(row.item, Line) else ""
