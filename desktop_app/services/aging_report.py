"""Aging report: who owes what as of a date, by currency and overdue bucket, optionally narrowed
to some contractors (the "Owed to us" report's filters: manager, tags, stars, amount, days)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Session

from db.models import Contractor, Tag, User, contractor_tag
from db.uow import Database
from desktop_app.domain.aging import NOT_DUE, AgingBuckets
from desktop_app.domain.money import exponent
from desktop_app.services import rating
from desktop_app.services.balances import open_items

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


@dataclass
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
    """Buckets are assigned in SQL from due-date thresholds, so only one row per contractor,
    currency and bucket comes back, whatever the size of the ledger."""
    buckets = buckets or AgingBuckets()
    filters = filters or AgingFilter()
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
    if filters.currency is not None:
        query = query.where(items.c.currency == filters.currency)
    people_query = select(
        Contractor.id, Contractor.name, Contractor.nip, Contractor.assigned_user_id, User.full_name
    ).outerjoin(User, User.id == Contractor.assigned_user_id)
    with db.read() as session:
        # Core rows, not ORM ones: a whole ledger's report reads ten thousand of them
        conn = session.connection()
        grouped: Sequence[Row[int, str, str, int, dt.date]] = conn.execute(query).all()
        ids = sorted({row[0] for row in grouped})
        people: dict[int, tuple[str, str | None, int | None, str | None]] = {}
        tagged: dict[int, set[str]] = defaultdict(set)
        if len(ids) > _CHUNK:
            # most contractors owe something: one pass over them all beats many IN lists
            for cid, name, nip, manager_id, manager in conn.execute(people_query):
                people[cid] = (name, nip, manager_id, manager)
        for chunk in _chunks(ids):
            if len(ids) <= _CHUNK:
                chunk_query = people_query.where(Contractor.id.in_(chunk))
                for cid, name, nip, manager_id, manager in conn.execute(chunk_query):
                    people[cid] = (name, nip, manager_id, manager)
            if filters.tags:
                tag_query = (
                    select(contractor_tag.c.contractor_id, Tag.name)
                    .join(Tag, Tag.id == contractor_tag.c.tag_id)
                    .where(contractor_tag.c.contractor_id.in_(chunk))
                )
                for cid, tag in conn.execute(tag_query):
                    tagged[cid].add(tag.casefold())
        manager_names = _manager_names(session, filters)
        rows = _rows(grouped, people, buckets, as_of)
        if not filters.empty:
            rows = {k: row for k, row in rows.items() if _admitted(row, k[0], filters, tagged)}
        if filters.stars is not None:
            rated = rating.ratings(
                session, as_of, sorted({row.contractor_id for row in rows.values()})
            )
            for row in rows.values():
                row.stars = rated[row.contractor_id].stars
            stars = filters.stars
            rows = {key: row for key, row in rows.items() if stars.admits(row.stars)}
    currencies: dict[str, CurrencyAging] = {}
    labels = buckets.labels
    for (currency, _cid), row in sorted(
        rows.items(),
        key=lambda kv: (kv[0][0], -kv[1].overdue, -kv[1].open, kv[1].name, kv[1].contractor_id),
    ):
        section = currencies.setdefault(
            currency,
            CurrencyAging(currency, AgingTotals(buckets=dict.fromkeys(labels, 0)), []),
        )
        section.contractors.append(row)
        section.totals.open += row.open
        section.totals.overdue += row.overdue
        section.totals.not_due += row.open - row.overdue
        for label, amount in row.buckets.items():
            section.totals.buckets[label] += amount
    return AgingReport(as_of, buckets.labels, currencies, filters, manager_names)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK)]


def _rows(
    grouped: Sequence[Row[int, str, str, int, dt.date]],
    people: dict[int, tuple[str, str | None, int | None, str | None]],
    buckets: AgingBuckets,
    as_of: dt.date,
) -> dict[tuple[str, int], AgingRow]:
    rows: dict[tuple[str, int], AgingRow] = {}
    labels = buckets.labels
    for contractor_id, currency, label, amount, oldest_due in grouped:
        name, nip, manager_id, manager = people[contractor_id]
        row = rows.get((currency, contractor_id))
        if row is None:
            row = AgingRow(contractor_id, name, nip, buckets=dict.fromkeys(labels, 0))
            row.manager_id, row.manager = manager_id, manager
            rows[currency, contractor_id] = row
        row.open += amount
        if label != NOT_DUE:
            row.overdue += amount
            row.buckets[label] += amount
            row.max_days_overdue = max(row.max_days_overdue, (as_of - oldest_due).days)
    return rows


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
