"""Payments received and their allocation to instalments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import Allocation, Instalment, Invoice, Payment
from db.uow import Database
from desktop_app.domain import allocation as rules
from desktop_app.domain.dates import check_date
from desktop_app.domain.money import check_amount, decimal_str, normalize_currency
from desktop_app.domain.receivables import Available
from desktop_app.errors import ConflictError, NotFoundError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.services import activity, contractors, ledger


@dataclass
class PaymentInput:
    contractor: str | int
    date: dt.date
    amount_minor: int
    currency: str = "PLN"
    title: str | None = None
    invoice_number: str | None = None
    payer_name: str | None = None
    payer_account: str | None = None
    source: str = "manual"
    source_ref: str | None = None
    #: (instalment id, amount) a person chose instead of the rule's allocation; the rest is credit
    chosen: Sequence[tuple[int, int]] | None = None


def add_payment(db: Database, data: PaymentInput, *, actor: str | None = None) -> int:
    """Record a payment and allocate it: to the named invoice, else to the oldest open items.

    Whatever is left over stays on the payment as the contractor's credit and is used
    automatically for the next invoice in that currency.
    """
    with db.write() as session:
        return create_payment(session, data, actor=actor)


@dataclass(frozen=True)
class CheckedPayment:
    currency: str
    source_ref: str | None


def check_payment(data: PaymentInput) -> CheckedPayment:
    """The checks of a new payment that need no database (the import's bulk path runs them too)."""
    if data.amount_minor <= 0:
        raise ValidationError(_("The payment amount must be greater than zero"), field="amount")
    currency = normalize_currency(data.currency)
    check_amount(data.amount_minor, currency)
    check_date(data.date, "date", _("Payment date"))
    return CheckedPayment(currency, normalize_reference(data.source_ref))


def create_payment(session: Session, data: PaymentInput, *, actor: str | None = None) -> int:
    """:func:`add_payment` inside the caller's transaction."""
    checked = check_payment(data)
    currency, source_ref = checked.currency, checked.source_ref
    contractor = contractors.resolve(session, data.contractor)
    if source_ref and session.scalar(
        select(Payment.id).where(Payment.source == data.source, Payment.source_ref == source_ref)
    ):
        raise ConflictError(_("This payment was already recorded ({ref})").format(ref=source_ref))
    invoice_id = None
    if data.invoice_number:
        invoice = session.scalar(
            select(Invoice).where(Invoice.number == data.invoice_number.strip())
        )
        if invoice is None or invoice.contractor_id != contractor.id:
            raise NotFoundError(
                _("Contractor {name} has no invoice {number}").format(
                    name=contractor.name, number=data.invoice_number
                ),
                field="invoice",
            )
        if invoice.currency != currency:
            raise ValidationError(
                _("Invoice {number} is in {currency}, the payment is not").format(
                    number=invoice.number, currency=invoice.currency
                ),
                field="currency",
            )
        invoice_id = invoice.id
    payment = build_payment(contractor.id, data, checked)
    session.add(payment)
    session.flush()
    targets = ledger.open_instalments(session, contractor.id, currency, invoice_id)
    if data.chosen is None:
        ledger.allocate_payment(session, payment, targets)
    else:
        _allocate_chosen(session, payment, targets, data.chosen)
    activity.record(session, **payment_received(payment, invoice_id, actor))
    return payment.id


def build_payment(contractor_id: int, data: PaymentInput, checked: CheckedPayment) -> Payment:
    """The new payment's row, all of it still unallocated."""
    return Payment(**payment_row(contractor_id, data, checked), allocations=[])


def payment_row(contractor_id: int, data: PaymentInput, checked: CheckedPayment) -> dict[str, Any]:
    """A new payment's column values (:func:`build_payment`; the import's bulk path inserts
    them as they are)."""
    return {
        "contractor_id": contractor_id,
        "date": data.date,
        "amount_minor": data.amount_minor,
        "currency": checked.currency,
        "title": data.title,
        "payer_name": data.payer_name,
        "payer_account": data.payer_account,
        "source": data.source,
        "source_ref": checked.source_ref,
        "unallocated_minor": data.amount_minor,
    }


def payment_received(payment: Payment, invoice_id: int | None, actor: str | None) -> dict[str, Any]:
    """The activity entry of a new payment, once it is allocated."""
    assert payment.contractor_id is not None
    return received_entry(
        contractor_id=payment.contractor_id,
        amount_minor=payment.amount_minor,
        currency=payment.currency,
        date=payment.date,
        unallocated_minor=payment.unallocated_minor,
        invoice_id=invoice_id,
        actor=actor,
    )


def received_entry(
    *,
    contractor_id: int,
    amount_minor: int,
    currency: str,
    date: dt.date,
    unallocated_minor: int,
    invoice_id: int | None,
    actor: str | None,
) -> dict[str, Any]:
    """:func:`payment_received` of a payment written without its ORM object."""
    return {
        "contractor_id": contractor_id,
        "invoice_id": invoice_id,
        "kind": "payment",
        "summary": N_("Payment of {amount} {currency} received on {date}"),
        "data": {
            "amount": decimal_str(amount_minor, currency),
            "currency": currency,
            "date": date.isoformat(),
            "unallocated": decimal_str(unallocated_minor, currency),
        },
        "actor": actor,
    }


def _allocate_chosen(
    session: Session,
    payment: Payment,
    targets: Sequence[Instalment],
    chosen: Sequence[tuple[int, int]],
) -> None:
    try:
        ledger.allocate_chosen(
            session, payment, targets, [rules.ChosenShare(k, a) for k, a in chosen]
        )
    except rules.ChoiceRefusedError as refused:
        number = ""
        for instalment in targets:
            if instalment.id == refused.key:
                number = instalment.invoice.number
        messages = {
            "negative": _("An amount set against an invoice must not be negative"),
            "not_open": _("The chosen instalment is not open, or not this contractor's"),
            "more_than_open": _("More is set against invoice {number} than it still owes").format(
                number=number
            ),
            "more_than_paid": _("More is set against invoices than the payment brings"),
        }
        raise ValidationError(messages[refused.reason], field="allocation") from None


@dataclass(frozen=True)
class OpenLine:
    """An open instalment a payment could pay, with what the rule would set against it."""

    instalment_id: int
    invoice_number: str
    seq: int
    issue_date: dt.date
    due_date: dt.date
    open_minor: int
    proposed_minor: int


@dataclass(frozen=True)
class AllocationPreview:
    """What recording a payment would do: every open instalment in its currency (in the order
    money pays them) with the rule's share, and the credit left over."""

    currency: str
    amount_minor: int
    lines: tuple[OpenLine, ...]
    credit_minor: int


def preview_payment(
    db: Database,
    contractor: str | int,
    day: dt.date,
    amount_minor: int,
    currency: str,
    *,
    invoice_number: str | None = None,
) -> AllocationPreview:
    """The allocation ``add_payment`` would make for this draft, without recording anything."""
    currency = normalize_currency(currency)
    amount = max(amount_minor, 0)
    with db.read() as session:
        who = contractors.resolve(session, contractor)
        invoice_id = None
        if invoice_number:
            invoice_id = session.scalar(
                select(Invoice.id).where(
                    Invoice.number == invoice_number.strip(), Invoice.contractor_id == who.id
                )
            )
        targets = {i.id: i for i in ledger.open_instalments(session, who.id, currency, invoice_id)}
        items = sorted(map(ledger.open_item, targets.values()), key=rules.payment_order)
        shares, left = rules.allocate([Available(day, amount)] if amount else [], items)
        proposed: dict[int, int] = {}
        for share in shares:
            proposed[share.key] = proposed.get(share.key, 0) + share.amount_minor
        lines = tuple(
            OpenLine(
                item.key,
                targets[item.key].invoice.number,
                targets[item.key].seq,
                item.issued,
                item.due_date,
                item.open_minor,
                proposed.get(item.key, 0),
            )
            for item in items
        )
        return AllocationPreview(currency, amount, lines, left)


def normalize_reference(ref: str | None) -> str | None:
    """A bank reference as it is compared and stored: banks and spreadsheets pad references with
    spaces, and "ABC 1 " is the same transfer as "ABC 1" (migration 0003 trimmed old ones)."""
    if ref is None:
        return None
    return ref.strip() or None


def load_payment(session: Session, payment_id: int) -> Payment:
    """A payment with what it pays (allocations, their instalments and invoices)."""
    payment = session.scalar(
        select(Payment)
        .where(Payment.id == payment_id)
        .options(
            selectinload(Payment.allocations)
            .selectinload(Allocation.instalment)
            .selectinload(Instalment.invoice)
        )
    )
    if payment is None:
        raise NotFoundError(_("No payment with id {id}").format(id=payment_id), field="payment")
    return payment
