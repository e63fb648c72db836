"""Read models: plain data about contractors, invoices and payments for the CLI, GUI and letters.

No ORM object leaves this module; callers get frozen dataclasses with integer money.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from db.models import Activity, Allocation, Contractor, Instalment, Invoice, Payment
from db.uow import Database
from desktop_app.domain.aging import days_overdue
from desktop_app.domain.receivables import (
    LATEST,
    CreditItem,
    OwedItem,
    balances_as_of,
    credit_as_of,
    effective_by,
    open_as_of,
    released_as_of,
)
from desktop_app.domain.receivables import Balance as Balance  # the card's type, re-exported
from desktop_app.errors import NotFoundError
from desktop_app.i18n import _
from desktop_app.services import contractors, payments
from desktop_app.services.activity import render_summary


@dataclass(frozen=True)
class ContractorView:
    id: int
    name: str
    nip: str | None
    regon: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    country: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    persons: tuple[dict[str, str | None], ...]
    terms_days: int
    language: str
    credit_limit_minor: int | None
    credit_limit_currency: str | None
    assigned_user_id: int | None
    tags: tuple[str, ...]
    paused_until: dt.date | None
    pause_reason: str | None
    notes: str | None


@dataclass(frozen=True)
class InstalmentView:
    id: int
    seq: int
    due_date: dt.date
    amount_minor: int
    open_minor: int
    days_overdue: int


@dataclass(frozen=True)
class InvoiceView:
    id: int
    contractor_id: int
    number: str
    kind: str
    issue_date: dt.date
    sale_date: dt.date | None
    currency: str
    gross_minor: int
    corrects: str | None
    source: str
    instalments: tuple[InstalmentView, ...]

    @property
    def open_minor(self) -> int:
        return sum(i.open_minor for i in self.instalments)


@dataclass(frozen=True)
class AllocationView:
    invoice_number: str
    instalment_seq: int
    amount_minor: int
    effective_date: dt.date
    released_on: dt.date | None


@dataclass(frozen=True)
class PaymentView:
    """A payment as of a day: its credit then, and the allocations that had taken effect."""

    id: int
    contractor_id: int | None
    date: dt.date
    amount_minor: int
    currency: str
    title: str | None
    payer_name: str | None
    unallocated_minor: int
    allocations: tuple[AllocationView, ...]


@dataclass(frozen=True)
class ActivityView:
    id: int
    at: dt.datetime
    actor: str
    kind: str
    channel: str | None
    summary: str
    body: str | None
    invoice_id: int | None
    #: a letter's entry: the queued letter whose PDF it opens
    letter_id: int | None = None


@dataclass(frozen=True)
class ContractorCard:
    """Everything the card window and ``contractor show`` display, as of ``today``."""

    today: dt.date
    contractor: ContractorView
    balances: tuple[Balance, ...]
    invoices: tuple[InvoiceView, ...]
    payments: tuple[PaymentView, ...]
    activity: tuple[ActivityView, ...] = field(default=())

    def balance(self, currency: str) -> Balance:
        for balance in self.balances:
            if balance.currency == currency:
                return balance
        return Balance(currency)


def contractor_view(contractor: Contractor) -> ContractorView:
    return ContractorView(
        id=contractor.id,
        name=contractor.name,
        nip=contractor.nip,
        regon=contractor.regon,
        street=contractor.street,
        postal_code=contractor.postal_code,
        city=contractor.city,
        country=contractor.country,
        emails=tuple(e.email for e in contractor.emails),
        phones=tuple(p.phone for p in contractor.phones),
        persons=tuple(
            {"name": p.name, "role": p.role, "email": p.email, "phone": p.phone}
            for p in contractor.persons
        ),
        terms_days=contractor.default_terms_days,
        language=contractor.language,
        credit_limit_minor=contractor.credit_limit_minor,
        credit_limit_currency=contractor.credit_limit_currency,
        assigned_user_id=contractor.assigned_user_id,
        tags=tuple(t.name for t in contractor.tags),
        paused_until=contractor.collection_paused_until,
        pause_reason=contractor.collection_pause_reason,
        notes=contractor.notes,
    )


def invoice_view(invoice: Invoice, today: dt.date) -> InvoiceView:
    parts = []
    for inst in invoice.instalments:
        still_open = open_as_of(
            inst.amount_minor, inst.allocations, today, issued=invoice.issue_date
        )
        parts.append(
            InstalmentView(
                id=inst.id,
                seq=inst.seq,
                due_date=inst.due_date,
                amount_minor=inst.amount_minor,
                open_minor=still_open,
                days_overdue=days_overdue(inst.due_date, today) if still_open else 0,
            )
        )
    return InvoiceView(
        id=invoice.id,
        contractor_id=invoice.contractor_id,
        number=invoice.number,
        kind=invoice.kind,
        issue_date=invoice.issue_date,
        sale_date=invoice.sale_date,
        currency=invoice.currency,
        gross_minor=invoice.gross_minor,
        corrects=invoice.corrected_invoice.number if invoice.corrected_invoice else None,
        source=invoice.source,
        instalments=tuple(parts),
    )


def payment_view(payment: Payment, as_of: dt.date = LATEST) -> PaymentView:
    """The payment as of ``as_of`` (by default with everything recorded so far)."""
    return PaymentView(
        id=payment.id,
        contractor_id=payment.contractor_id,
        date=payment.date,
        amount_minor=payment.amount_minor,
        currency=payment.currency,
        title=payment.title,
        payer_name=payment.payer_name,
        unallocated_minor=credit_as_of(
            payment.amount_minor, payment.allocations, as_of, received=payment.date
        ),
        allocations=tuple(
            AllocationView(
                invoice_number=a.instalment.invoice.number,
                instalment_seq=a.instalment.seq,
                amount_minor=a.amount_minor,
                effective_date=a.effective_date,
                released_on=released_as_of(a, as_of),
            )
            for a in sorted(payment.allocations, key=lambda a: (a.effective_date, a.id))
            if effective_by(a, as_of)
        ),
    )


def _invoice_options() -> list[Any]:
    return [
        selectinload(Invoice.instalments).selectinload(Instalment.allocations),
        selectinload(Invoice.corrected_invoice),
    ]


def get_contractor(db: Database, ref: str | int) -> ContractorView:
    with db.read() as session:
        return contractor_view(contractors.load(session, contractors.resolve(session, ref).id))


def get_invoice(db: Database, invoice_id: int, today: dt.date) -> InvoiceView:
    with db.read() as session:
        invoice = session.scalar(
            select(Invoice).where(Invoice.id == invoice_id).options(*_invoice_options())
        )
        if invoice is None:
            raise NotFoundError(_("No invoice with id {id}").format(id=invoice_id))
        return invoice_view(invoice, today)


def get_payment(db: Database, payment_id: int) -> PaymentView:
    with db.read() as session:
        return payment_view(payments.load_payment(session, payment_id))


def contractor_card(
    db: Database, ref: str | int, today: dt.date, *, activity_limit: int = 500
) -> ContractorCard:
    """The card as of ``today``: payments and invoices dated later are not shown yet."""
    with db.read() as session:
        contractor = contractors.load(session, contractors.resolve(session, ref).id)
        invoices = list(
            session.scalars(
                select(Invoice)
                .where(Invoice.contractor_id == contractor.id, Invoice.issue_date <= today)
                .options(*_invoice_options())
                .order_by(Invoice.issue_date.desc(), Invoice.id.desc())
            )
        )
        payments = list(
            session.scalars(
                select(Payment)
                .where(Payment.contractor_id == contractor.id, Payment.date <= today)
                .options(
                    selectinload(Payment.allocations)
                    .selectinload(Allocation.instalment)
                    .selectinload(Instalment.invoice)
                )
                .order_by(Payment.date.desc(), Payment.id.desc())
            )
        )
        entries = _activity(session, contractor.id, activity_limit)
        invoice_views = tuple(invoice_view(i, today) for i in invoices)
        payment_views = tuple(payment_view(p, today) for p in payments)
        return ContractorCard(
            today=today,
            contractor=contractor_view(contractor),
            balances=_balances(invoice_views, payment_views, today),
            invoices=invoice_views,
            payments=payment_views,
            activity=entries,
        )


def _activity(session: Session, contractor_id: int, limit: int) -> tuple[ActivityView, ...]:
    rows = session.scalars(
        select(Activity)
        .where(Activity.contractor_id == contractor_id)
        .order_by(Activity.at.desc(), Activity.id.desc())
        .limit(limit)
    )
    return tuple(
        ActivityView(
            id=a.id,
            at=a.at,
            actor=a.actor,
            kind=a.kind,
            channel=a.channel,
            summary=render_summary(a.kind, a.summary, a.data),
            body=a.body,
            invoice_id=a.invoice_id,
            letter_id=_letter_id(a.data),
        )
        for a in rows
    )


def _balances(
    invoices: tuple[InvoiceView, ...], payments: tuple[PaymentView, ...], today: dt.date
) -> tuple[Balance, ...]:
    return balances_as_of(
        (
            OwedItem(invoice.currency, part.open_minor, part.due_date)
            for invoice in invoices
            for part in invoice.instalments
        ),
        (CreditItem(p.currency, p.unallocated_minor) for p in payments),
        today,
    )


def count_contractors(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count(Contractor.id))) or 0)


def contractor_input(view: ContractorView) -> contractors.ContractorInput:
    """The contractor as an edit starts from it: every field ``edit_contractor`` replaces."""
    return contractors.ContractorInput(
        name=view.name,
        nip=view.nip,
        regon=view.regon,
        street=view.street,
        postal_code=view.postal_code,
        city=view.city,
        country=view.country,
        emails=list(view.emails),
        phones=list(view.phones),
        persons=[
            contractors.ContactPersonInput(
                name=p["name"] or "", role=p["role"], email=p["email"], phone=p["phone"]
            )
            for p in view.persons
        ],
        terms_days=view.terms_days,
        language=view.language,
        credit_limit_minor=view.credit_limit_minor,
        credit_limit_currency=view.credit_limit_currency,
        assigned_user_id=view.assigned_user_id,
        tags=list(view.tags),
        notes=view.notes,
    )


def find_invoice(db: Database, number: str, today: dt.date) -> InvoiceView:
    """An invoice by its number, as an edit starts from it."""
    with db.read() as session:
        invoice = session.scalar(
            select(Invoice).where(Invoice.number == number.strip()).options(*_invoice_options())
        )
        if invoice is None:
            raise NotFoundError(_("No invoice {number}").format(number=number), field="invoice")
        return invoice_view(invoice, today)


def _letter_id(data: dict[str, Any] | None) -> int | None:
    value = (data or {}).get("letter_id")
    return value if isinstance(value, int) else None
