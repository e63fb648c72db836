"""Allocations: the only code that changes what an instalment still owes.

The rules are ``domain.allocation`` (who is paid, from which day) and ``domain.receivables``
(what is open); this module records their decisions as rows. Instalment.open_minor / settled_on
and Payment.unallocated_minor are a cache of the allocations, written here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session, contains_eager

from db.models import Allocation, Instalment, Invoice, Payment
from desktop_app.domain import allocation as rules
from desktop_app.domain.receivables import (
    LATEST,
    AllocationFact,
    Available,
    credit_as_of,
    credit_available,
    open_as_of,
    settled_on,
)


def refresh(instalment: Instalment) -> None:
    issued = instalment.invoice.issue_date
    allocations = instalment.allocations
    instalment.open_minor = open_as_of(instalment.amount_minor, allocations, LATEST, issued=issued)
    instalment.settled_on = settled_on(instalment.amount_minor, allocations, issued=issued)


def recount(payment: Payment) -> None:
    """The payment's credit from its allocations (after allocations were removed or restored)."""
    payment.unallocated_minor = credit_as_of(
        payment.amount_minor, payment.allocations, LATEST, received=payment.date
    )


def open_instalments(
    session: Session, contractor_id: int, currency: str, invoice_id: int | None = None
) -> list[Instalment]:
    """The contractor's instalments in ``currency`` that still owe something."""
    query = (
        select(Instalment)
        .join(Invoice)
        .options(contains_eager(Instalment.invoice))
        .where(
            Invoice.contractor_id == contractor_id,
            Invoice.currency == currency,
            Instalment.open_minor > 0,
        )
    )
    if invoice_id is not None:
        query = query.where(Invoice.id == invoice_id)
    return list(session.scalars(query))


def open_item(instalment: Instalment) -> rules.OpenItem:
    return rules.OpenItem(
        instalment.id, instalment.open_minor, instalment.due_date, instalment.invoice.issue_date
    )


def _record(
    session: Session, payment: Payment, shares: Iterable[rules.Share], by_id: dict[int, Instalment]
) -> int:
    return sum(a.amount_minor for a in record_shares(session, payment, shares, by_id))


def record_shares(
    session: Session,
    payment: Payment,
    shares: Iterable[rules.Share],
    by_id: Mapping[int, Instalment],
) -> list[Allocation]:
    """Record shares a rule decided (``domain.allocation``, ``domain.payment_matching``)."""
    made = []
    for share in shares:
        instalment = by_id[share.key]
        allocation = Allocation(
            instalment=instalment,
            payment=payment,
            amount_minor=share.amount_minor,
            effective_date=share.effective_date,
        )
        session.add(allocation)
        made.append(allocation)
        refresh(instalment)
        payment.unallocated_minor -= share.amount_minor
    return made


@dataclass(frozen=True, slots=True)
class NewAllocation:
    payment_id: int
    instalment_id: int
    amount_minor: int
    effective_date: dt.date


@dataclass(frozen=True, slots=True)
class NewPayment:
    """A payment just written, none of it allocated yet."""

    payment_id: int
    amount_minor: int
    date: dt.date


def allocate_new(
    payments: Sequence[NewPayment], instalments: Sequence[rules.OpenItem]
) -> list[NewAllocation]:
    """What :func:`allocate_payment` would set, payment after payment in the order given,
    against ``instalments`` (items still owing what their cache says), for :func:`record_many`
    to write: the same rule, without an ORM object."""
    owing = {item.key: item for item in instalments}
    made: list[NewAllocation] = []
    for payment in payments:
        available = credit_available(payment.amount_minor, (), received=payment.date)
        shares, _left = rules.allocate(available, [i for i in owing.values() if i.open_minor > 0])
        for share in shares:
            item = owing[share.key]
            owing[share.key] = item._replace(open_minor=item.open_minor - share.amount_minor)
            made.append(
                NewAllocation(
                    payment.payment_id, share.key, share.amount_minor, share.effective_date
                )
            )
    return made


def record_many(
    session: Session,
    allocations: Sequence[NewAllocation],
    contractors: Mapping[int, int],
) -> list[int]:
    """Record many payment allocations at once (a bank import) and give each payment in
    ``contractors`` its contractor; returns the new allocations' ids in order.

    Rows are written with Core statements, thousands at a time, and the caches recomputed by the
    same rules as :func:`refresh` from every allocation the instalments and payments now have;
    ORM objects of the session are expired after it, so none shows an old cache.
    """
    session.flush()
    conn = session.connection()
    allocation = cast(Table, Allocation.__table__)
    ids: list[int] = []
    if allocations:
        result = conn.execute(
            insert(allocation).returning(allocation.c.id, sort_by_parameter_order=True),
            [
                {
                    "instalment_id": a.instalment_id,
                    "payment_id": a.payment_id,
                    "amount_minor": a.amount_minor,
                    "effective_date": a.effective_date,
                }
                for a in allocations
            ],
        )
        ids = [row.id for row in result]
    facts: dict[tuple[str, int], list[AllocationFact]] = defaultdict(list)
    instalment_ids = sorted({a.instalment_id for a in allocations})
    payment_ids = sorted({a.payment_id for a in allocations} | set(contractors))
    for column, kind, keys in (
        (Allocation.instalment_id, "i", instalment_ids),
        (Allocation.payment_id, "p", payment_ids),
    ):
        for start in range(0, len(keys), 500):
            for fact in conn.execute(
                select(
                    column.label("key"),
                    Allocation.amount_minor,
                    Allocation.effective_date,
                    Allocation.released_on,
                ).where(column.in_(keys[start : start + 500]))
            ):
                facts[(kind, fact.key)].append(
                    AllocationFact(fact.amount_minor, fact.effective_date, fact.released_on)
                )
    instalment_rows = []
    for start in range(0, len(instalment_ids), 500):
        for inst in conn.execute(
            select(Instalment.id, Instalment.amount_minor, Invoice.issue_date)
            .join(Invoice)
            .where(Instalment.id.in_(instalment_ids[start : start + 500]))
        ):
            mine = facts[("i", inst.id)]
            instalment_rows.append(
                {
                    "row_id": inst.id,
                    "open_minor": open_as_of(
                        inst.amount_minor, mine, LATEST, issued=inst.issue_date
                    ),
                    "settled_on": settled_on(inst.amount_minor, mine, issued=inst.issue_date),
                }
            )
    if instalment_rows:
        table = cast(Table, Instalment.__table__)
        conn.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(open_minor=bindparam("open_minor"), settled_on=bindparam("settled_on")),
            instalment_rows,
        )
    payment_rows = []
    for start in range(0, len(payment_ids), 500):
        for row in conn.execute(
            select(Payment.id, Payment.amount_minor, Payment.date, Payment.contractor_id).where(
                Payment.id.in_(payment_ids[start : start + 500])
            )
        ):
            payment_rows.append(
                {
                    "row_id": row.id,
                    "contractor_id": contractors.get(row.id, row.contractor_id),
                    "unallocated_minor": credit_as_of(
                        row.amount_minor, facts[("p", row.id)], LATEST, received=row.date
                    ),
                }
            )
    if payment_rows:
        table = cast(Table, Payment.__table__)
        conn.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(
                contractor_id=bindparam("contractor_id"),
                unallocated_minor=bindparam("unallocated_minor"),
            ),
            payment_rows,
        )
    session.expire_all()
    return ids


def record_new(
    session: Session,
    allocations: Sequence[NewAllocation],
    instalments: Iterable[rules.OpenItem],
    payments: Iterable[NewPayment],
) -> None:
    """:func:`record_many` for instalments and payments written in this same transaction and
    allocated nothing before (an import's new invoices and the payments their files state).

    Their caches follow from ``allocations`` alone, by the same rules as :func:`refresh` and
    :func:`recount`, so nothing is read back; ``instalments`` are owed in full (their
    ``open_minor`` is their amount)."""
    if not allocations:
        return
    session.flush()
    conn = session.connection()
    conn.execute(
        insert(cast(Table, Allocation.__table__)),
        [
            {
                "instalment_id": a.instalment_id,
                "payment_id": a.payment_id,
                "amount_minor": a.amount_minor,
                "effective_date": a.effective_date,
            }
            for a in allocations
        ],
    )
    by_instalment: dict[int, list[AllocationFact]] = defaultdict(list)
    by_payment: dict[int, list[AllocationFact]] = defaultdict(list)
    for a in allocations:
        fact = AllocationFact(a.amount_minor, a.effective_date, None)
        by_instalment[a.instalment_id].append(fact)
        by_payment[a.payment_id].append(fact)
    instalment_rows = [
        {
            "row_id": item.key,
            "open_minor": open_as_of(
                item.open_minor, by_instalment[item.key], LATEST, issued=item.issued
            ),
            "settled_on": settled_on(item.open_minor, by_instalment[item.key], issued=item.issued),
        }
        for item in instalments
        if item.key in by_instalment
    ]
    payment_rows = [
        {
            "row_id": p.payment_id,
            "unallocated_minor": credit_as_of(
                p.amount_minor, by_payment[p.payment_id], LATEST, received=p.date
            ),
        }
        for p in payments
        if p.payment_id in by_payment
    ]
    table = cast(Table, Instalment.__table__)
    conn.execute(
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(open_minor=bindparam("open_minor"), settled_on=bindparam("settled_on")),
        instalment_rows,
    )
    table = cast(Table, Payment.__table__)
    conn.execute(
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(unallocated_minor=bindparam("unallocated_minor")),
        payment_rows,
    )
    session.expire_all()


def undo_allocation(allocation: Allocation) -> None:
    """Take back a payment's allocation made in error: it is kept, released on the day it took
    effect, so it counts on no day at all and every balance, past ones too, is as if it had never
    been made; its money is the payment's again."""
    payment = allocation.payment
    assert payment is not None
    allocation.released_on = allocation.effective_date
    payment.unallocated_minor += allocation.amount_minor
    refresh(allocation.instalment)


def _available(payment: Payment) -> tuple[Available, ...]:
    return credit_available(payment.amount_minor, payment.allocations, received=payment.date)


def allocate_payment(session: Session, payment: Payment, targets: Iterable[Instalment]) -> int:
    """Set the payment's unallocated money against ``targets``; returns what was allocated."""
    by_id = {i.id: i for i in targets}
    shares, _left = rules.allocate(_available(payment), [open_item(i) for i in by_id.values()])
    return _record(session, payment, shares, by_id)


def allocate_chosen(
    session: Session,
    payment: Payment,
    targets: Iterable[Instalment],
    chosen: Iterable[rules.ChosenShare],
) -> int:
    """Set the payment's money against the instalments and amounts a person chose (the rules:
    ``domain.allocation.allocate_as_chosen``); returns what was allocated."""
    by_id = {i.id: i for i in targets}
    shares, _left = rules.allocate_as_chosen(
        _available(payment), [open_item(i) for i in by_id.values()], chosen
    )
    return _record(session, payment, shares, by_id)


def apply_credit(session: Session, contractor_id: int, currency: str) -> int:
    """Spend money already received but not yet allocated (overpayments) on open instalments."""
    credits = {
        p.id: p
        for p in session.scalars(
            select(Payment).where(
                Payment.contractor_id == contractor_id,
                Payment.currency == currency,
                Payment.unallocated_minor > 0,
            )
        )
    }
    if not credits:
        return 0
    by_id = {i.id: i for i in open_instalments(session, contractor_id, currency)}
    spent = rules.apply_credit(
        [rules.Credit(p.id, p.date, _available(p)) for p in credits.values()],
        [open_item(i) for i in by_id.values()],
    )
    return sum(_record(session, credits[key], shares, by_id) for key, shares in spent)


def apply_reducing_correction(session: Session, correction: Invoice, original: Invoice) -> int:
    """A correction that lowers an invoice; returns the amount freed into credit."""
    instalments = {i.id: i for i in original.instalments}
    allocations = {a.id: a for i in original.instalments for a in i.allocations}
    items = [
        rules.CorrectableItem(
            key=i.id,
            seq=i.seq,
            due_date=i.due_date,
            amount_minor=i.amount_minor,
            allocations=tuple(
                rules.Recorded(
                    a.id, a.amount_minor, a.effective_date, a.released_on, a.payment_id is not None
                )
                for a in i.allocations
            ),
        )
        for i in original.instalments
    ]
    freed = 0
    for reduction in rules.reduce_by_correction(
        -correction.gross_minor, correction.issue_date, original.issue_date, items
    ):
        instalment = instalments[reduction.key]
        for release in reduction.releases:
            released = allocations[release.key]
            released.released_on = reduction.effective_date
            payment = released.payment
            assert payment is not None
            if release.kept_minor:
                session.add(
                    Allocation(
                        instalment=instalment,
                        payment=payment,
                        amount_minor=release.kept_minor,
                        effective_date=release.kept_from,
                    )
                )
            payment.unallocated_minor += release.freed_minor
            freed += release.freed_minor
        session.add(
            Allocation(
                instalment=instalment,
                correction=correction,
                amount_minor=reduction.amount_minor,
                effective_date=reduction.effective_date,
            )
        )
        refresh(instalment)
    return freed


@dataclass(frozen=True)
class Released:
    """Money of ``payment`` a restated invoice no longer had room for: it is credit again."""

    payment: Payment
    amount_minor: int


def restate_invoice(
    session: Session, invoice: Invoice, parts: Sequence[tuple[dt.date, int]]
) -> list[Released]:
    """The invoice's instalments as its source now states them (a re-imported, changed file).

    This is not a dated event like a correction: the source says the invoice always was so.
    A payment set against an instalment (by a rule or by a person) stays there while it fits in
    the instalment's new amount (``domain.allocation.release_excess``); the excess is released
    and, like the money of an instalment the source no longer states, set against the invoice's
    other instalments or left as credit, which then pays the contractor's other open items.
    Returns what was released. An invoice a correction has reduced is changed only by a further
    correction: the caller refuses that case.
    """
    if any(a.payment is None for i in invoice.instalments for a in i.allocations):
        raise ValueError("an invoice reduced by a correction is not restated")
    ordered = sorted(parts)
    kept = invoice.instalments[: len(ordered)]
    moved: dict[int, Payment] = {}
    released: list[Released] = []
    for instalment in invoice.instalments[len(ordered) :]:
        for allocation in list(instalment.allocations):
            payment = allocation.payment
            assert payment is not None
            if allocation.released_on is None:
                payment.unallocated_minor += allocation.amount_minor
                moved[payment.id] = payment
            payment.allocations.remove(allocation)
            instalment.allocations.remove(allocation)
            session.delete(allocation)
        invoice.instalments.remove(instalment)  # delete-orphan: its dunning log goes with it
    for seq, (due, amount) in enumerate(ordered, start=1):
        if seq <= len(kept):
            instalment = kept[seq - 1]
            instalment.due_date = due
            instalment.amount_minor = amount
            released.extend(_release_excess(session, instalment))
        else:
            instalment = Instalment(seq=seq, due_date=due, amount_minor=amount)
            invoice.instalments.append(instalment)
        refresh(instalment)
    session.flush()
    for payment in sorted(moved.values(), key=lambda p: (p.date, p.id)):
        allocate_payment(session, payment, invoice.instalments)
    apply_credit(session, invoice.contractor_id, invoice.currency)
    return released


def _release_excess(session: Session, instalment: Instalment) -> list[Released]:
    by_id = {a.id: a for a in instalment.allocations}
    recorded = [
        rules.Recorded(a.id, a.amount_minor, a.effective_date, a.released_on, True)
        for a in by_id.values()
    ]
    released: list[Released] = []
    for release in rules.release_excess(instalment.amount_minor, recorded):
        allocation = by_id[release.key]
        payment = allocation.payment
        assert payment is not None
        # released on its own day: as if it never counted; the part that fits carries on
        allocation.released_on = allocation.effective_date
        if release.kept_minor:
            session.add(
                Allocation(
                    instalment=instalment,
                    payment=payment,
                    amount_minor=release.kept_minor,
                    effective_date=release.kept_from,
                )
            )
        payment.unallocated_minor += release.freed_minor
        released.append(Released(payment, release.freed_minor))
    return released


def restate_payment(session: Session, payment: Payment, date: dt.date, amount_minor: int) -> None:
    """A payment as its source now states it (a re-imported, changed file): its allocations are
    taken back and the new amount is allocated again by the caller."""
    touched = []
    for allocation in list(payment.allocations):
        instalment = allocation.instalment
        instalment.allocations.remove(allocation)
        payment.allocations.remove(allocation)
        session.delete(allocation)
        touched.append(instalment)
    payment.date = date
    payment.amount_minor = amount_minor
    payment.unallocated_minor = amount_minor
    for instalment in touched:
        refresh(instalment)
    session.flush()
