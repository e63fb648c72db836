"""Payer ratings read from the database: two queries (instalments, broken promises) feeding
:func:`desktop_app.domain.rating.rate`, for one contractor, some or all of them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from db.models import Contractor, Instalment, Invoice, Promise
from desktop_app.domain import rating
from desktop_app.services import contractors

#: SQLite's default limit of bound parameters leaves room for this many ids per query
_CHUNK = 900


def chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _since(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=rating.WINDOW_DAYS)


def fact_query(today: dt.date) -> Select[int, dt.date, int, dt.date | None, int]:
    """A contractor's history: its instalments fallen due in the rating window (the forecast
    sums the same rows in SQL)."""
    return (
        select(
            Invoice.contractor_id,
            Instalment.due_date,
            Instalment.amount_minor,
            Instalment.settled_on,
            Instalment.open_minor,
        )
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .where(Instalment.due_date >= _since(today), Instalment.due_date < today)
    )


def _promise_query(today: dt.date) -> Select[int, int]:
    return (
        select(Promise.contractor_id, func.count())
        .where(Promise.status == "broken", Promise.due_on >= _since(today))
        .group_by(Promise.contractor_id)
    )


def ratings(
    session: Session, today: dt.date, contractor_ids: Sequence[int] | None = None
) -> dict[int, rating.Rating]:
    """Every contractor asked for (all when None), rated or not, by id."""
    facts: dict[int, list[rating.PaymentFact]] = defaultdict(list)
    broken: dict[int, int] = {}
    if contractor_ids is None:
        ids = list(session.scalars(select(Contractor.id).order_by(Contractor.id)))
        _collect(facts, broken, session, fact_query(today), _promise_query(today))
    else:
        ids = sorted(set(contractor_ids))
        for chunk in chunks(ids):
            facts_of = fact_query(today).where(Invoice.contractor_id.in_(chunk))
            broken_of = _promise_query(today).where(Promise.contractor_id.in_(chunk))
            _collect(facts, broken, session, facts_of, broken_of)
    return {cid: rating.rate(facts.get(cid, ()), today, broken.get(cid, 0)) for cid in ids}


def _collect(
    facts: dict[int, list[rating.PaymentFact]],
    broken: dict[int, int],
    session: Session,
    fact_query: Select[int, dt.date, int, dt.date | None, int],
    promise_query: Select[int, int],
) -> None:
    # Core rows, not ORM ones: half a million of them are read for a full rating
    conn = session.connection()
    for cid, due, amount, settled, still_open in conn.execute(fact_query).all():
        facts[cid].append(rating.PaymentFact(due, amount, settled, still_open))
    for cid, count in conn.execute(promise_query):
        broken[cid] = count


def stars(session: Session, today: dt.date, contractor_ids: Sequence[int]) -> dict[int, int]:
    """The stars of those contractors that are rated (the scenario condition's question)."""
    return {
        cid: r.stars
        for cid, r in ratings(session, today, contractor_ids).items()
        if r.stars is not None
    }


@dataclass(frozen=True, slots=True)
class ContractorRating:
    contractor_id: int
    name: str
    rating: rating.Rating


def for_contractor(session: Session, ref: str | int, today: dt.date) -> ContractorRating:
    """One contractor by id or NIP (NotFoundError otherwise) and its rating."""
    contractor = contractors.resolve(session, ref)
    found = ratings(session, today, [contractor.id])[contractor.id]
    return ContractorRating(contractor.id, contractor.name, found)


def for_all(session: Session, today: dt.date) -> list[ContractorRating]:
    """Every contractor's rating, in id order."""
    found = ratings(session, today)
    names = session.execute(select(Contractor.id, Contractor.name).order_by(Contractor.id))
    return [ContractorRating(cid, name, found[cid]) for cid, name in names if cid in found]
