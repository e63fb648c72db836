"""Allocations: the only code that changes what an instalment still owes.

Instalment.open_minor / settled_on are a cache of the active allocations; every function here
leaves them consistent, and nothing else writes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Allocation, Instalment, Invoice, Payment
from desktop_app.domain.allocation import OpenItem, spread


def refresh(instalment: Instalment) -> None:
    active = [a for a in instalment.allocations if a.released_on is None]
    covered = sum(a.amount_minor for a in active)
    instalment.open_minor = max(0, instalment.amount_minor - covered)
    instalment.settled_on = (
        max((a.effective_date for a in active), default=None)
        if instalment.open_minor == 0
        else None
    )
    if instalment.amount_minor == 0:
        instalment.settled_on = instalment.invoice.issue_date


def open_instalments(
    session: Session, contractor_id: int, currency: str, invoice_id: int | None = None
) -> list[Instalment]:
    """Open instalments oldest due first: the order money is applied in."""
    query = (
        select(Instalment)
        .join(Invoice)
        .where(
            Invoice.contractor_id == contractor_id,
            Invoice.currency == currency,
            Instalment.open_minor > 0,
        )
        .order_by(Instalment.due_date, Invoice.issue_date, Instalment.id)
    )
    if invoice_id is not None:
        query = query.where(Invoice.id == invoice_id)
    return list(session.scalars(query))


def allocate_payment(session: Session, payment: Payment, targets: Iterable[Instalment]) -> int:
    """Spread the payment's unallocated money over ``targets``; returns what was allocated."""
    items = list(targets)
    by_id = {i.id: i for i in items}
    parts, left = spread(payment.unallocated_minor, [OpenItem(i.id, i.open_minor) for i in items])
    for instalment_id, amount in parts:
        instalment = by_id[instalment_id]
        allocation = Allocation(
            instalment=instalment,
            payment=payment,
            amount_minor=amount,
            effective_date=max(payment.date, instalment.invoice.issue_date),
        )
        session.add(allocation)
        refresh(instalment)
    allocated = payment.unallocated_minor - left
    payment.unallocated_minor = left
    return allocated


def apply_credit(session: Session, contractor_id: int, currency: str) -> int:
    """Use money already received but not yet allocated (overpayments) for open instalments."""
    credits = list(
        session.scalars(
            select(Payment)
            .where(
                Payment.contractor_id == contractor_id,
                Payment.currency == currency,
                Payment.unallocated_minor > 0,
            )
            .order_by(Payment.date, Payment.id)
        )
    )
    total = 0
    for payment in credits:
        targets = open_instalments(session, contractor_id, currency)
        if not targets:
            break
        total += allocate_payment(session, payment, targets)
    return total


def apply_reducing_correction(session: Session, correction: Invoice, original: Invoice) -> int:
    """A correction that lowers an invoice: reduce its instalments, latest due first.

    Where money was already received for the part that is cancelled, that payment allocation is
    released from the correction's date and the freed amount becomes the contractor's credit.
    Returns the amount freed into credit.
    """
    remaining = -correction.gross_minor
    freed = 0
    day = correction.issue_date
    for instalment in sorted(original.instalments, key=lambda i: (i.due_date, i.seq), reverse=True):
        if remaining == 0:
            break
        corrected_already = sum(
            a.amount_minor
            for a in instalment.allocations
            if a.correction_id is not None and a.released_on is None
        )
        reducible = instalment.amount_minor - corrected_already
        take = min(remaining, reducible)
        if take <= 0:
            continue
        shortfall = take - instalment.open_minor
        if shortfall > 0:
            freed += _release_payments(session, instalment, shortfall, day)
        session.add(
            Allocation(
                instalment=instalment,
                correction=correction,
                amount_minor=take,
                effective_date=max(day, original.issue_date),
            )
        )
        refresh(instalment)
        remaining -= take
    return freed


def _release_payments(session: Session, instalment: Instalment, amount: int, day: dt.date) -> int:
    """Free ``amount`` of payment allocations (latest first) from ``day`` on."""
    left = amount
    payments = sorted(
        (a for a in instalment.allocations if a.payment_id is not None and a.released_on is None),
        key=lambda a: (a.effective_date, a.id),
        reverse=True,
    )
    for allocation in payments:
        if left == 0:
            break
        take = min(left, allocation.amount_minor)
        allocation.released_on = day
        keep = allocation.amount_minor - take
        if keep > 0:
            # The kept part counts from the release day; before it the released row still counts.
            session.add(
                Allocation(
                    instalment=instalment,
                    payment=allocation.payment,
                    amount_minor=keep,
                    effective_date=max(day, allocation.effective_date),
                )
            )
        assert allocation.payment is not None
        allocation.payment.unallocated_minor += take
        left -= take
    return amount - left
