"""Aging report: who owes what as of a date, by currency and overdue bucket, optionally narrowed
to some contractors (the "Owed to us" report's filters: manager, tags, stars, amount, days)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from db.models import Contractor, Tag, User, contractor_tag
from db.uow import Database
from desktop_app.domain.aging import NOT_DUE, AgingBuckets
from desktop_app.domain.money import exponent
from desktop_app.services import rating
from desktop_app.services.balances import open_items
from desktop_app.services.dashboard import bucket_of

#: SQLite's default limit of bound parameters leaves room for this many ids per query
_CHUNK = 900


@dataclass(frozen=True)
class StarsRange:
    """Payer rating wanted: ``low``..``high`` stars (either end open) and/or "not rated yet"."""

    low: int | None = None
    high: int | None = None
    unrated: bool = False

    def admits(self, stars: int | None) -> bool:
        if stars is None:
            return self.unrated
        if self.low is None and self.high is None:
            return False  # only "not rated" was asked for
        return (self.low is None or stars >= self.low) and (self.high is None or stars <= self.high)

    @classmethod
    def parse(cls, text: str) -> StarsRange:
        """ "4" / ">=4" / "<=2" / "2-4" / "none" (not rated yet); ValueError otherwise."""
        text = text.strip().replace(" ", "")
        if text.lower() in {"none", "unrated", "0"}:
            return cls(unrated=True)
        if text.startswith(">="):
            found = cls(low=int(text[2:]))
        elif text.startswith("<="):
            found = cls(high=int(text[2:]))
        elif "-" in text:
            low, high = text.split("-", 1)
            found = cls(low=int(low), high=int(high))
        else:
            found = cls(low=int(text), high=int(text))
        ends = [v for v in (found.low, found.high) if v is not None]
        if any(not 1 <= v <= 5 for v in ends) or (len(ends) == 2 and ends[0] > ends[1]):
            raise ValueError(text)
        return found


@dataclass(frozen=True)
class AgingFilter:
    """Which contractors the report shows; a contractor's whole position in a currency is shown or
    left out, never part of it, so every shown row adds up as in the unfiltered report."""

    #: account managers' user ids; None in it = contractors nobody is assigned to
    managers: frozenset[int | None] | None = None
    #: tag names; a contractor with any of them is shown
    tags: frozenset[str] = frozenset()
    stars: StarsRange | None = None
    #: open amount at least this (in the row's currency's major units)
    min_amount: Decimal | None = None
    #: the oldest open item at least this many days overdue
    min_days: int = 0
    currency: str | None = None

    @property
    def empty(self) -> bool:
        return self == AgingFilter()


@dataclass(slots=True)
class AgingRow:
    contractor_id: int
    name: str
    nip: str | None
    open: int = 0
    overdue: int = 0
    max_days_overdue: int = 0
    buckets: dict[str, int] = field(default_factory=dict)
    manager_id: int | None = None
    #: the account manager's full name
    manager: str | None = None
    #: the payer rating, read only when the filter asks for stars
    stars: int | None = None


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
    filters: AgingFilter = AgingFilter()
    #: user id -> full name of every manager the filter names (for its description)
    manager_names: dict[int, str] = field(default_factory=dict)


def aging_report(
    db: Database,
    as_of: dt.date,
    buckets: AgingBuckets | None = None,
    filters: AgingFilter | None = None,
) -> AgingReport:
    """One row per contractor and currency comes back from SQL, already summed per bucket, with
    the contractor's name and manager and in the report's order: the open items are grouped by
    contractor, currency and bucket (the dashboard's CASE), then pivoted, whatever the size of
    the ledger."""
    buckets = buckets or AgingBuckets()
    filters = filters or AgingFilter()
    labels = buckets.labels
    per_currency: dict[str, list[AgingRow]] = {}
    with db.read() as session:
        # Core rows read one by one into the report's rows, never kept: a whole ledger's report
        # has ten thousand of them, and every object that outlives the loop is one more for
        # the garbage collector to walk
        conn = session.connection()
        for (
            currency,
            cid,
            name,
            nip,
            manager_id,
            manager,
            open_,
            overdue,
            oldest,
            *amounts,
        ) in conn.execute(_query(as_of, buckets, filters.currency)):
            rows = per_currency.get(currency)
            if rows is None:
                rows = per_currency[currency] = []
            rows.append(
                AgingRow(
                    cid, name, nip, open_, overdue,
                    (as_of - oldest).days if oldest is not None else 0,
                    dict(zip(labels, amounts, strict=True)), manager_id, manager,
                )
            )  # fmt: skip
        for rows in per_currency.values():
            # the name's order is Python's on every database (PostgreSQL's collation may
            # differ from it); the rows come sorted, so this is one pass
            rows.sort(key=lambda r: (-r.overdue, -r.open, r.name, r.contractor_id))
        tagged: dict[int, set[str]] = defaultdict(set)
        if filters.tags:
            ids = sorted({row.contractor_id for rows in per_currency.values() for row in rows})
            for chunk in _chunks(ids):
                tag_query = (
                    select(contractor_tag.c.contractor_id, Tag.name)
                    .join(Tag, Tag.id == contractor_tag.c.tag_id)
                    .where(contractor_tag.c.contractor_id.in_(chunk))
                )
                for cid, tag in conn.execute(tag_query):
                    tagged[cid].add(tag.casefold())
        manager_names = _manager_names(session, filters)
        if not filters.empty:
            per_currency = {
                cur: [row for row in rows if _admitted(row, cur, filters, tagged)]
                for cur, rows in per_currency.items()
            }
        if filters.stars is not None:
            wanted = sorted({row.contractor_id for rows in per_currency.values() for row in rows})
            rated = rating.ratings(session, as_of, wanted)
            stars = filters.stars
            for rows in per_currency.values():
                for row in rows:
                    row.stars = rated[row.contractor_id].stars
            per_currency = {
                cur: [row for row in rows if stars.admits(row.stars)]
                for cur, rows in per_currency.items()
            }
    currencies: dict[str, CurrencyAging] = {}
    for currency in sorted(per_currency):
        if per_currency[currency]:
            section = CurrencyAging(
                currency, AgingTotals(buckets=dict.fromkeys(labels, 0)), per_currency[currency]
            )
            _total(section, labels)
            currencies[currency] = section
    return AgingReport(as_of, labels, currencies, filters, manager_names)


def _query(as_of: dt.date, buckets: AgingBuckets, currency: str | None) -> Select[Any]:
    """Per currency and contractor, in the report's order (overdue, open, name, id): currency,
    id, name, NIP, manager id and name, open, overdue, the oldest overdue due date, then the
    amount in each bucket."""
    items = open_items(as_of)
    bucket = bucket_of(items, as_of, buckets).label("bucket")
    grouped = select(
        items.c.contractor_id,
        items.c.currency,
        bucket,
        func.sum(items.c.open).label("amount"),
        func.min(items.c.due_date).label("oldest"),
    ).group_by(items.c.contractor_id, items.c.currency, bucket)
    if currency is not None:
        grouped = grouped.where(items.c.currency == currency)
    per = grouped.subquery("per_bucket")
    late = per.c.bucket != NOT_DUE
    overdue = func.sum(case((late, per.c.amount), else_=0)).label("overdue")
    opened = func.sum(per.c.amount).label("open")
    return (
        select(
            per.c.currency,
            per.c.contractor_id,
            Contractor.name,
            Contractor.nip,
            Contractor.assigned_user_id,
            User.full_name,
            opened,
            overdue,
            func.min(case((late, per.c.oldest))),
            *[
                func.sum(case((per.c.bucket == label, per.c.amount), else_=0))
                for label in buckets.labels
            ],
        )
        .join(Contractor, Contractor.id == per.c.contractor_id)
        .outerjoin(User, User.id == Contractor.assigned_user_id)
        # every shown column, as PostgreSQL wants it (one contractor per id: no finer groups)
        .group_by(
            per.c.currency,
            per.c.contractor_id,
            Contractor.name,
            Contractor.nip,
            Contractor.assigned_user_id,
            User.full_name,
        )
        .order_by(
            per.c.currency, overdue.desc(), opened.desc(), Contractor.name, per.c.contractor_id
        )
    )


def _total(section: CurrencyAging, labels: tuple[str, ...]) -> None:
    totals = section.totals
    rows = section.contractors
    totals.open = sum(row.open for row in rows)
    totals.overdue = sum(row.overdue for row in rows)
    totals.not_due = totals.open - totals.overdue
    for label in labels:
        totals.buckets[label] = sum(row.buckets[label] for row in rows)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK)]


def _admitted(
    row: AgingRow, currency: str, filters: AgingFilter, tagged: dict[int, set[str]]
) -> bool:
    if filters.managers is not None and row.manager_id not in filters.managers:
        return False
    if filters.tags and not {t.casefold() for t in filters.tags} & tagged[row.contractor_id]:
        return False
    if filters.min_amount is not None:
        # the threshold in this currency's minor units, exactly (no float on the way)
        least = int(filters.min_amount.scaleb(exponent(currency)).to_integral_value())
        if row.open < least:
            return False
    return row.max_days_overdue >= filters.min_days


def _manager_names(session: Session, filters: AgingFilter) -> dict[int, str]:
    wanted = [m for m in filters.managers or () if m is not None]
    if not wanted:
        return {}
    query = select(User.id, User.full_name).where(User.id.in_(wanted))
    return {uid: name for uid, name in session.execute(query)}
