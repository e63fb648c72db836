"""What one recipient's digest says: the changes in their contractors since their previous digest.

Dated facts (due dates, settlements, promises, hand-overs, reminders) count from the previous
digest's day up to yesterday, so a morning digest sent before the day's work never shows half a
day twice; promises are also listed on the day they fall due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from db.models import Contractor, Instalment, Invoice, OutboxMessage, Promise
from desktop_app.domain.digest import period_start, top_movers
from desktop_app.domain.money import Money
from desktop_app.services.balances import open_items

#: outbox states of a reminder that did not reach the debtor and waits for a person
FAILED_STATES = ("failed_permanently", "uncertain")


@dataclass(frozen=True)
class Scope:
    """Whose contractors a digest covers: everyone's (the owner) or one account manager's."""

    email: str
    user_id: int | None = None
    name: str = ""
    #: the recipient's own language (User.language); None reads the firm's digest.language
    language: str | None = None
    #: sent to the deputy of the manager ``user_id`` while that manager is away
    stand_in: bool = False


@dataclass(frozen=True)
class Line:
    contractor_id: int
    contractor: str
    amount: Money
    day: dt.date
    invoice: str = ""


@dataclass(frozen=True)
class FailedLine:
    contractor_id: int
    contractor: str
    channel: str
    status: str
    day: dt.date
    to: str


@dataclass(frozen=True)
class MoverLine:
    contractor_id: int
    contractor: str
    before: Money
    now: Money
    change: Money


@dataclass
class Digest:
    scope: Scope
    since: dt.date
    today: dt.date
    new_overdue: list[Line] = field(default_factory=list)
    paid: list[Line] = field(default_factory=list)
    promises_due: list[Line] = field(default_factory=list)
    promises_broken: list[Line] = field(default_factory=list)
    failed_reminders: list[FailedLine] = field(default_factory=list)
    handed_over: list[Line] = field(default_factory=list)
    movers: list[MoverLine] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.new_overdue,
                self.paid,
                self.promises_due,
                self.promises_broken,
                self.failed_reminders,
                self.handed_over,
                self.movers,
            )
        )


_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


def _mine(query: _Query, scope: Scope) -> _Query:
    if scope.user_id is None:
        return query
    return query.where(Contractor.assigned_user_id == scope.user_id)


def compute(session: Session, scope: Scope, previous: dt.date | None, today: dt.date) -> Digest:
    since = period_start(previous, today)
    digest = Digest(scope, since, today)
    digest.new_overdue = _new_overdue(session, scope, since, today)
    digest.paid = _instalment_lines(
        session,
        scope,
        select(
            Contractor.id, Contractor.name, Instalment.amount_minor, Invoice.currency,
            Instalment.settled_on, Invoice.number,
        ).where(Instalment.settled_on >= since, Instalment.settled_on < today),
    )  # fmt: skip
    digest.handed_over = _instalment_lines(
        session,
        scope,
        select(
            Contractor.id, Contractor.name, Instalment.open_minor, Invoice.currency,
            Invoice.handed_over_on, Invoice.number,
        ).where(Invoice.handed_over_on >= since, Invoice.handed_over_on < today),
    )  # fmt: skip
    digest.promises_due = _promises(
        session, scope, Promise.due_on == today, Promise.status == "open"
    )
    # a promise is found broken days after its date (the bank's grace): count the decision
    digest.promises_broken = _promises(
        session,
        scope,
        Promise.status == "broken",
        Promise.resolved_on >= since,
        Promise.resolved_on < today,
    )
    digest.failed_reminders = _failed(session, scope, since, today)
    digest.movers = _movers(session, scope, since, today)
    return digest


def _new_overdue(session: Session, scope: Scope, since: dt.date, today: dt.date) -> list[Line]:
    """Open today and overdue today, but not yet overdue on the previous digest's day."""
    items = open_items(today)
    query = (
        select(
            Contractor.id, Contractor.name, items.c.open, items.c.currency, items.c.due_date,
            Invoice.number,
        )
        .join(Invoice, Invoice.id == items.c.invoice_id)
        .join(Contractor, Contractor.id == items.c.contractor_id)
        .where(items.c.due_date >= since, items.c.due_date < today)
        .order_by(items.c.due_date, Contractor.name, Invoice.number)
    )  # fmt: skip
    return [_line(row) for row in session.execute(_mine(query, scope))]


def _instalment_lines(
    session: Session, scope: Scope, query: Select[int, str, int, str, dt.date | None, str]
) -> list[Line]:
    query = (
        query.select_from(Instalment)
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .join(Contractor, Contractor.id == Invoice.contractor_id)
        .order_by(Contractor.name, Invoice.number, Instalment.id)
    )
    return [_line(row) for row in session.execute(_mine(query, scope))]


def _promises(session: Session, scope: Scope, *conditions: Any) -> list[Line]:
    query = (
        select(
            Contractor.id, Contractor.name, Promise.amount_minor, Promise.currency, Promise.due_on
        )
        .join(Contractor, Contractor.id == Promise.contractor_id)
        .where(*conditions)
        .order_by(Promise.due_on, Contractor.name, Promise.id)
    )
    return [
        Line(cid, name, Money(amount, currency), day)
        for cid, name, amount, currency, day in session.execute(_mine(query, scope))
    ]


def _failed(session: Session, scope: Scope, since: dt.date, today: dt.date) -> list[FailedLine]:
    """Reminders planned in the period that failed for good or whose fate is unknown."""
    query = (
        select(
            Contractor.id, Contractor.name, OutboxMessage.channel, OutboxMessage.status,
            OutboxMessage.planned_for, OutboxMessage.recipients,
        )
        .join(Contractor, Contractor.id == OutboxMessage.contractor_id)
        .where(
            OutboxMessage.status.in_(FAILED_STATES),
            OutboxMessage.planned_for >= since,
            OutboxMessage.planned_for < today,
        )
        .order_by(OutboxMessage.planned_for, Contractor.name, OutboxMessage.id)
    )  # fmt: skip
    return [
        FailedLine(cid, name, channel, status, day, ", ".join(to))
        for cid, name, channel, status, day, to in session.execute(_mine(query, scope))
    ]


def _overdue_by_contractor(
    session: Session, scope: Scope, as_of: dt.date, due_before: dt.date
) -> dict[tuple[int, str], int]:
    items = open_items(as_of)
    query = (
        select(items.c.contractor_id, items.c.currency, func.sum(items.c.open))
        .join(Contractor, Contractor.id == items.c.contractor_id)
        .where(items.c.due_date < due_before)
        .group_by(items.c.contractor_id, items.c.currency)
    )
    return {(cid, cur): int(total) for cid, cur, total in session.execute(_mine(query, scope))}


def _movers(session: Session, scope: Scope, since: dt.date, today: dt.date) -> list[MoverLine]:
    # each side is a digest's morning: paid until the day before it, as the lists count, so a
    # payment booked on the digest's own day moves its payer in the next digest, and only there
    day = dt.timedelta(days=1)
    before = _overdue_by_contractor(session, scope, since - day, since)
    movers = top_movers(before, _overdue_by_contractor(session, scope, today - day, today))
    names = _names(session, [m.contractor_id for m in movers])
    return [
        MoverLine(
            m.contractor_id,
            names.get(m.contractor_id, ""),
            Money(m.before, m.currency),
            Money(m.now, m.currency),
            Money(m.change, m.currency),
        )
        for m in movers
    ]


def _names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = select(Contractor.id, Contractor.name).where(Contractor.id.in_(list(ids)))
    return {cid: name for cid, name in session.execute(query)}


def _line(row: Any) -> Line:
    cid, name, amount, currency, day, number = row
    return Line(cid, name, Money(int(amount), currency), day, invoice=number)
