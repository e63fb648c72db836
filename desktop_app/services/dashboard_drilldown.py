"""The lists behind the dashboard's figures: one function per figure, each reading with the very
condition or query the figure is made of (:mod:`services.dashboard`), so its rows sum to it.

Amounts are minor units of the list's currency; the task and failed-reminder lists count (each
row is 1 and ``currency`` is None).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from db.models import Contractor, Invoice, OutboxMessage, Promise, Task
from db.uow import Database
from desktop_app.domain.aging import NOT_DUE, AgingBuckets
from desktop_app.domain.dates import format_day
from desktop_app.i18n import _, ngettext
from desktop_app.services.balances import open_items
from desktop_app.services.dashboard import (
    FORECAST_WEEKS,
    bucket_of,
    cash_in_items,
    failed_reminder,
    promised_this_week,
    task_due,
)

#: what :func:`_by_contractor` lists besides one bucket's label
ALL_OPEN = "open"
ALL_OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class DrillRow:
    #: the card a double-click opens (None: no contractor behind the row)
    contractor_id: int | None
    name: str
    detail: str
    day: dt.date | None
    amount: int


@dataclass(frozen=True)
class DrillDown:
    title: str
    #: None: the amounts are counts
    currency: str | None
    #: what the date column holds for these rows
    day_caption: str
    rows: tuple[DrillRow, ...]

    @property
    def total(self) -> int:
        return sum(row.amount for row in self.rows)


def _items_text(count: int) -> str:
    return ngettext("{n} open item", "{n} open items", count).format(n=count)


def _overdue_text(count: int) -> str:
    return ngettext("{n} overdue item", "{n} overdue items", count).format(n=count)


def _largest_first(rows: list[DrillRow]) -> tuple[DrillRow, ...]:
    return tuple(sorted(rows, key=lambda r: (-r.amount, r.name, r.contractor_id or 0)))


def _by_contractor(
    db: Database, today: dt.date, currency: str, which: str, buckets: AgingBuckets
) -> tuple[DrillRow, ...]:
    """Open items of a currency summed per contractor, largest first: all of them
    (:data:`ALL_OPEN`), the overdue ones (:data:`ALL_OVERDUE`) or one bucket's (its label);
    the date is each contractor's oldest due date among them."""
    items = open_items(today)
    label = bucket_of(items, today, buckets)
    query = (
        select(
            items.c.contractor_id,
            Contractor.name,
            func.sum(items.c.open),
            func.count(),
            func.min(items.c.due_date),
        )
        .join(Contractor, Contractor.id == items.c.contractor_id)
        .where(items.c.currency == currency)
        .group_by(items.c.contractor_id, Contractor.name)
    )
    if which == ALL_OVERDUE:
        query = query.where(label != NOT_DUE)
    elif which != ALL_OPEN:
        query = query.where(label == which)
    with db.read() as session:
        grouped = session.execute(query).all()
    return _largest_first(
        [
            DrillRow(cid, name, _items_text(int(count)), oldest, int(amount))
            for cid, name, amount, count, oldest in grouped
        ]
    )


def open_receivable(
    db: Database, today: dt.date, currency: str, buckets: AgingBuckets | None = None
) -> DrillDown:
    """Behind "open receivable": every contractor with open money in the currency."""
    rows = _by_contractor(db, today, currency, ALL_OPEN, buckets or AgingBuckets())
    title = _("Open receivable ({currency})").format(currency=currency)
    return DrillDown(title, currency, _("Oldest due date"), rows)


def overdue(
    db: Database,
    today: dt.date,
    currency: str,
    bucket: str | None = None,
    buckets: AgingBuckets | None = None,
) -> DrillDown:
    """Behind "overdue" (``bucket`` None) or one aging bar (its label): the contractors owing
    overdue money there, with how much."""
    buckets = buckets or AgingBuckets()
    if bucket is not None and bucket not in buckets.labels:
        raise ValueError(f"unknown aging bucket {bucket!r}")
    rows = _by_contractor(db, today, currency, bucket or ALL_OVERDUE, buckets)
    title = (
        _("Overdue ({currency})").format(currency=currency)
        if bucket is None
        else _("Overdue {bucket} days ({currency})").format(bucket=bucket, currency=currency)
    )
    return DrillDown(title, currency, _("Oldest due date"), rows)


def promised(db: Database, today: dt.date, currency: str) -> DrillDown:
    """Behind "promised this week": the promises themselves, by due day."""
    with db.read() as session:
        found = session.execute(
            select(
                Promise.contractor_id,
                Contractor.name,
                Invoice.number,
                Promise.note,
                Promise.due_on,
                Promise.amount_minor,
            )
            .join(Contractor, Contractor.id == Promise.contractor_id)
            .outerjoin(Invoice, Invoice.id == Promise.invoice_id)
            .where(promised_this_week(today), Promise.currency == currency)
            .order_by(Promise.due_on, Contractor.name, Promise.id)
        ).all()
    rows = tuple(
        DrillRow(cid, name, number or note or "", due, int(amount))
        for cid, name, number, note, due, amount in found
    )
    title = _("Promised this week ({currency})").format(currency=currency)
    return DrillDown(title, currency, _("Promised for"), rows)


def forecast_week(db: Database, today: dt.date, currency: str, week: int) -> DrillDown:
    """Behind one week of the cash-in forecast (0 = the week starting ``today``): the money
    :func:`services.dashboard.cash_in_items` (the forecast's own rows) expects that week, per
    contractor and due day, with the day it is expected."""
    if not 0 <= week < FORECAST_WEEKS:
        raise ValueError(f"the forecast has weeks 0 to {FORECAST_WEEKS - 1}, not {week}")
    with db.read() as session:
        expected = [
            e for e in cash_in_items(session, today) if e.currency == currency and e.week == week
        ]
        names = {
            cid: name
            for cid, name in session.execute(
                select(Contractor.id, Contractor.name).where(
                    Contractor.id.in_({e.contractor_id for e in expected})
                )
            )
        }
    rows = sorted(
        (
            DrillRow(
                e.contractor_id,
                names[e.contractor_id],
                _items_text(e.items) if e.due_date is not None else _overdue_text(e.items),
                e.expected,
                e.amount,
            )
            for e in expected
        ),
        key=lambda r: (r.day or today, -r.amount, r.name),
    )
    start = today + dt.timedelta(weeks=week)
    title = _("Expected in the week from {day} ({currency})").format(
        day=format_day(start), currency=currency
    )
    return DrillDown(title, currency, _("Expected on"), tuple(rows))


def tasks_due(db: Database, today: dt.date) -> DrillDown:
    """Behind "tasks due": the open tasks due today or earlier, oldest first."""
    with db.read() as session:
        found = session.execute(
            select(Task.contractor_id, Contractor.name, Task.title, Task.due_on)
            .outerjoin(Contractor, Contractor.id == Task.contractor_id)
            .where(task_due(today))
            .order_by(Task.due_on, Task.id)
        ).all()
    rows = tuple(DrillRow(cid, name or "", title, due, 1) for cid, name, title, due in found)
    return DrillDown(_("Tasks due"), None, _("Due"), rows)


def failed_reminders(db: Database) -> DrillDown:
    """Behind "failed reminders": the messages that failed, newest plan first."""
    with db.read() as session:
        found = session.execute(
            select(
                OutboxMessage.contractor_id,
                Contractor.name,
                OutboxMessage.recipients,
                OutboxMessage.planned_for,
            )
            .outerjoin(Contractor, Contractor.id == OutboxMessage.contractor_id)
            .where(failed_reminder())
            .order_by(OutboxMessage.planned_for.desc(), OutboxMessage.id)
        ).all()
    rows = tuple(
        DrillRow(cid, name or "", ", ".join(recipients or ()), planned, 1)
        for cid, name, recipients, planned in found
    )
    return DrillDown(_("Failed reminders"), None, _("Planned for"), rows)
