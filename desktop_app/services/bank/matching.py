"""Matching bank payments to invoices: automatic, by hand, and undone.

Every match is recorded through the ledger and written to the contractor's activity log with its
reason (kind ``payment_matched``; ``payment_unmatched`` when undone); :func:`match_reasons` reads
them back for the Bank view. The data of each entry names the payment, the allocations it made and
whether the match gave the payment its contractor, so an undo restores exactly what was before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import Activity, Allocation, Instalment, Invoice, Payment
from desktop_app.changes import Change
from desktop_app.domain.allocation import allocate
from desktop_app.domain.identifiers import record_id
from desktop_app.domain.money import decimal_str, parse_amount
from desktop_app.domain.payment_matching import Reason
from desktop_app.domain.readable import readable
from desktop_app.domain.receivables import credit_available
from desktop_app.errors import ConflictError, NotFoundError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.services import activity, ledger, payments

#: what matching and unmatching change, for the front ends to announce
CHANGES = Change.PAYMENTS | Change.INVOICES | Change.CONTRACTORS

MATCHED = "payment_matched"
UNMATCHED = "payment_unmatched"

AUTO_SUMMARY = N_("Bank payment of {amount} {currency} of {date} matched automatically")
MANUAL_SUMMARY = N_("Bank payment of {amount} {currency} of {date} matched by hand")
UNMATCH_SUMMARY = N_("Match of {amount} {currency} to invoice {number} undone")


def match_entry(
    *,
    payment_id: int,
    contractor_id: int,
    amount_minor: int,
    currency: str,
    date: dt.date,
    allocations: Sequence[tuple[int, int, str]],
    reasons: Sequence[Reason],
    manual: bool,
    assigned: bool,
    actor: str | None,
) -> dict[str, Any]:
    """The activity row of a match; ``allocations`` are (allocation id, invoice id, number)."""
    return {
        "contractor_id": contractor_id,
        "invoice_id": allocations[0][1] if allocations else None,
        "kind": MATCHED,
        "summary": MANUAL_SUMMARY if manual else AUTO_SUMMARY,
        "data": {
            "payment_id": payment_id,
            "amount": decimal_str(amount_minor, currency),
            "currency": currency,
            "date": date.isoformat(),
            "manual": manual,
            "assigned": assigned,
            "allocations": [a[0] for a in allocations],
            "invoices": [a[2] for a in allocations],
            "reasons": [{"message": r.message, "values": dict(r.values)} for r in reasons],
        },
        "actor": actor,
    }


def _take(available: Sequence[Any], amount: int) -> list[Any]:
    """The first ``amount`` of a payment's free money, oldest first."""
    out = []
    left = amount
    for part in available:
        if left <= 0:
            break
        take = min(left, part.amount_minor)
        out.append(type(part)(part.since, take))
        left -= take
    return out


def match(
    session: Session,
    payment_id: int,
    invoice_id: int,
    *,
    amount_minor: int | None = None,
    actor: str | None = None,
) -> tuple[int, ...]:
    """Set a payment's free money (all of it that the invoice owes, or ``amount_minor``) against
    an invoice by hand; returns the ids of the allocations made."""
    payment = payments.load_payment(session, payment_id)
    invoice = session.scalar(
        select(Invoice)
        .where(Invoice.id == invoice_id)
        .options(selectinload(Invoice.instalments).selectinload(Instalment.allocations))
    )
    if invoice is None:
        raise NotFoundError(_("No invoice with id {id}").format(id=invoice_id), field="invoice")
    if invoice.currency != payment.currency:
        raise ValidationError(
            _("Invoice {number} is in {currency}, the payment is not").format(
                number=invoice.number, currency=invoice.currency
            ),
            field="currency",
        )
    if payment.contractor_id is not None and payment.contractor_id != invoice.contractor_id:
        raise ConflictError(
            _(
                "Payment {id} belongs to another contractor; undo its match before matching it "
                "to invoice {number}"
            ).format(id=payment.id, number=invoice.number)
        )
    owed = sum(i.open_minor for i in invoice.instalments)
    free = payment.unallocated_minor
    if free <= 0:
        raise ConflictError(
            _("Payment {id} has no money left to match").format(id=payment.id), field="payment"
        )
    if owed <= 0:
        raise ConflictError(
            _("Invoice {number} owes nothing").format(number=invoice.number), field="invoice"
        )
    amount = min(free, owed) if amount_minor is None else amount_minor
    if amount <= 0 or amount > free or amount > owed:
        raise ValidationError(
            _("The amount must be more than zero and at most {most}").format(
                most=decimal_str(min(free, owed), payment.currency)
            ),
            field="amount",
        )
    by_id = {i.id: i for i in invoice.instalments if i.open_minor > 0}
    available = credit_available(payment.amount_minor, payment.allocations, received=payment.date)
    shares, _left = allocate(
        _take(available, amount),
        [ledger.open_item(i) for i in by_id.values()],
    )
    assigned = payment.contractor_id is None
    payment.contractor_id = invoice.contractor_id
    made = ledger.record_shares(session, payment, shares, by_id)
    session.flush()
    activity.record_many(
        session,
        [
            match_entry(
                payment_id=payment.id,
                contractor_id=invoice.contractor_id,
                amount_minor=payment.amount_minor,
                currency=payment.currency,
                date=payment.date,
                allocations=[(a.id, invoice.id, invoice.number) for a in made],
                reasons=(),
                manual=True,
                assigned=assigned,
                actor=actor,
            )
        ],
    )
    return tuple(a.id for a in made)


def _match_entries(session: Session, payment: Payment) -> list[Activity]:
    contractors = {payment.contractor_id} | {
        a.instalment.invoice.contractor_id for a in payment.allocations
    }
    contractors.discard(None)
    rows = session.scalars(
        select(Activity)
        .where(Activity.contractor_id.in_(contractors), Activity.kind.in_((MATCHED, UNMATCHED)))
        .order_by(Activity.at, Activity.id)
    )
    return [r for r in rows if (r.data or {}).get("payment_id") == payment.id]


def match_by_reference(
    session: Session,
    payment_id: int,
    invoice: str,
    *,
    amount: str | None = None,
    actor: str | None = None,
) -> tuple[int, ...]:
    """:func:`match` as typed: the invoice by number (or id), the amount as written."""
    text = invoice.strip()
    invoice_id = session.scalar(select(Invoice.id).where(Invoice.number == text))
    if invoice_id is None:
        invoice_id = record_id(text)
    if invoice_id is None:
        raise NotFoundError(_("No invoice {number}").format(number=text), field="invoice")
    amount_minor = None
    if amount is not None:
        currency = payments.load_payment(session, payment_id).currency
        amount_minor = parse_amount(amount, currency)
    return match(session, payment_id, invoice_id, amount_minor=amount_minor, actor=actor)


def unmatch(session: Session, allocation_id: int, *, actor: str | None = None) -> int:
    """Undo one allocation of a payment (automatic or by hand): the invoice owes it again, as of
    every day, and the money is the payment's again; when nothing of the payment stays matched
    and the match had given it its contractor, it is an unmatched payment again. Returns the
    payment's id."""
    allocation = session.get(Allocation, allocation_id)
    if allocation is None or allocation.payment is None:
        raise NotFoundError(
            _("No payment allocation with id {id}").format(id=allocation_id), field="allocation"
        )
    if allocation.released_on is not None:
        raise ConflictError(
            _("Allocation {id} no longer counts; there is nothing to undo").format(id=allocation_id)
        )
    payment = payments.load_payment(session, allocation.payment.id)
    entries = _match_entries(session, payment)
    ledger.undo_allocation(allocation)
    made_by = next(
        (e for e in reversed(entries) if allocation_id in (e.data or {}).get("allocations", [])),
        None,
    )
    assert payment.contractor_id is not None
    contractor_id = payment.contractor_id
    still = [a for a in payment.allocations if a.released_on is None]
    if made_by is not None and (made_by.data or {}).get("assigned") and not still:
        payment.contractor_id = None
    activity.record(
        session,
        contractor_id=contractor_id,
        invoice_id=allocation.instalment.invoice_id,
        kind=UNMATCHED,
        summary=UNMATCH_SUMMARY,
        data={
            "payment_id": payment.id,
            "amount": decimal_str(allocation.amount_minor, payment.currency),
            "currency": payment.currency,
            "number": allocation.instalment.invoice.number,
            "allocations": [allocation_id],
        },
        actor=actor,
    )
    return payment.id


@dataclass(frozen=True)
class MatchAllocation:
    allocation_id: int
    invoice_id: int
    invoice_number: str
    amount_minor: int
    #: undone since (or freed by a correction)
    released: bool


@dataclass(frozen=True)
class MatchRecord:
    """One match or undo of a payment, in the reader's language."""

    at: dt.datetime
    actor: str
    manual: bool
    undo: bool
    summary: str
    #: why, one sentence per rule that decided ("invoice number FV 1/11/2026 in the title")
    reasons: tuple[str, ...]
    allocations: tuple[MatchAllocation, ...]


def render_reason(reason: Reason) -> str:
    try:
        return _(reason.message).format_map(readable(dict(reason.values)))
    except (KeyError, IndexError, ValueError):
        return reason.message


def match_reasons(session: Session, payment_id: int) -> list[MatchRecord]:
    """Every match of the payment and every undo, oldest first, with the reasons."""
    payment = payments.load_payment(session, payment_id)
    by_id = {a.id: a for a in payment.allocations}
    records = []
    for entry in _match_entries(session, payment):
        data = entry.data or {}
        allocations = tuple(
            MatchAllocation(
                allocation_id=a.id,
                invoice_id=a.instalment.invoice_id,
                invoice_number=a.instalment.invoice.number,
                amount_minor=a.amount_minor,
                released=a.released_on is not None,
            )
            for a in (by_id.get(i) for i in data.get("allocations", []))
            if a is not None
        )
        records.append(
            MatchRecord(
                at=entry.at,
                actor=entry.actor,
                manual=bool(data.get("manual")),
                undo=entry.kind == UNMATCHED,
                summary=activity.render_summary(entry.kind, entry.summary, data),
                reasons=tuple(
                    render_reason(Reason(r["message"], r.get("values", {})))
                    for r in data.get("reasons", [])
                ),
                allocations=allocations,
            )
        )
    return records
