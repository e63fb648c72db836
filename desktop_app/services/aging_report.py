"""Aging report: who owes what as of a date, by currency and overdue bucket."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from db.models import Contractor
from db.uow import Database
from desktop_app.domain.aging import NOT_DUE, AgingBuckets
from desktop_app.services.balances import open_items


@dataclass
class AgingRow:
    contractor_id: int
    name: str
    nip: str | None
    open: int = 0
    overdue: int = 0
    max_days_overdue: int = 0
    buckets: dict[str, int] = field(default_factory=dict)


@dataclass
class AgingTotals:
    open: int = 0
    not_due: int = 0
    overdue: int = 0
    buckets: dict[str, int] = field(default_factory=dict)


@dataclass
class CurrencyAging:
    currency: str
    totals: AgingTotals
    contractors: list[AgingRow]


@dataclass
class AgingReport:
    as_of: dt.date
    labels: tuple[str, ...]
    currencies: dict[str, CurrencyAging]


def aging_report(db: Database, as_of: dt.date, buckets: AgingBuckets | None = None) -> AgingReport:
    """Buckets are assigned in SQL from due-date thresholds, so only one row per contractor,
    currency and bucket comes back, whatever the size of the ledger."""
    buckets = buckets or AgingBuckets()
    items = open_items(as_of)
    bucket = case(
        *[(items.c.due_date >= edge, label) for label, edge in buckets.due_date_thresholds(as_of)],
        else_=buckets.labels[-1],
    ).label("bucket")
    query = select(
        items.c.contractor_id,
        items.c.currency,
        bucket,
        func.sum(items.c.open),
        func.min(items.c.due_date),
    ).group_by(items.c.contractor_id, items.c.currency, bucket)
    with db.read() as session:
        grouped = session.execute(query).all()
        ids = {row[0] for row in grouped}
        people = (
            {
                cid: (name, nip)
                for cid, name, nip in session.execute(
                    select(Contractor.id, Contractor.name, Contractor.nip).where(
                        Contractor.id.in_(ids)
                    )
                )
            }
            if ids
            else {}
        )
    rows: dict[tuple[str, int], AgingRow] = {}
    for contractor_id, currency, label, amount, oldest_due in grouped:
        name, nip = people[contractor_id]
        row = rows.setdefault(
            (currency, contractor_id),
            AgingRow(contractor_id, name, nip, buckets=dict.fromkeys(buckets.labels, 0)),
        )
        row.open += amount
        if label != NOT_DUE:
            row.overdue += amount
            row.buckets[label] += amount
            row.max_days_overdue = max(row.max_days_overdue, (as_of - oldest_due).days)
    currencies: dict[str, CurrencyAging] = {}
    for (currency, _cid), row in sorted(
        rows.items(),
        key=lambda kv: (kv[0][0], -kv[1].overdue, -kv[1].open, kv[1].name, kv[1].contractor_id),
    ):
        section = currencies.setdefault(
            currency,
            CurrencyAging(currency, AgingTotals(buckets=dict.fromkeys(buckets.labels, 0)), []),
        )
        section.contractors.append(row)
        section.totals.open += row.open
        section.totals.overdue += row.overdue
        section.totals.not_due += row.open - row.overdue
        for label, amount in row.buckets.items():
            section.totals.buckets[label] += amount
    return AgingReport(as_of=as_of, labels=buckets.labels, currencies=currencies)
