"""What the Bank view reads besides the waiting payments: bank payments already matched (with
the reasons of their last match), and the open invoices a person may match a payment to by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from db.models import Allocation, Contractor, Instalment, Invoice, Payment
from desktop_app.domain.payment_matching import number_key
from desktop_app.services.bank.ingest import SOURCE
from desktop_app.services.bank.matching import match_reasons
from desktop_app.services.contractor_list import search_condition


@dataclass(frozen=True)
class MatchedShare:
    allocation_id: int
    invoice_id: int
    invoice_number: str
    amount_minor: int


@dataclass(frozen=True)
class MatchedPayment:
    id: int
    date: dt.date
    amount_minor: int
    currency: str
    payer_name: str | None
    title: str | None
    contractor_id: int
    contractor_name: str
    #: what of it still counts against invoices
    shares: tuple[MatchedShare, ...]
    #: money of the payment not set against any invoice (the contractor's credit)
    unallocated_minor: int
    #: the last match was made by a person (else by the rules, for ``reasons``)
    manual: bool
    #: why the last match was made, one sentence per rule, in the reader's language
    reasons: tuple[str, ...]


def matched_payments(session: Session, *, limit: int = 200) -> list[MatchedPayment]:
    """Bank payments that have a contractor, newest first, with the reasons of their last match."""
    payments = list(
        session.scalars(
            select(Payment)
            .where(Payment.source == SOURCE, Payment.contractor_id.is_not(None))
            .order_by(Payment.date.desc(), Payment.id.desc())
            .limit(limit)
            .options(
                selectinload(Payment.allocations)
                .selectinload(Allocation.instalment)
                .selectinload(Instalment.invoice)
            )
        )
    )
    names = dict(
        session.execute(
            select(Contractor.id, Contractor.name).where(
                Contractor.id.in_({p.contractor_id for p in payments})
            )
        ).all()
    )
    out = []
    for payment in payments:
        assert payment.contractor_id is not None
        records = [r for r in match_reasons(session, payment.id) if not r.undo]
        last = records[-1] if records else None
        out.append(
            MatchedPayment(
                id=payment.id,
                date=payment.date,
                amount_minor=payment.amount_minor,
                currency=payment.currency,
                payer_name=payment.payer_name,
                title=payment.title,
                contractor_id=payment.contractor_id,
                contractor_name=names.get(payment.contractor_id, ""),
                shares=tuple(
                    MatchedShare(
                        allocation_id=a.id,
                        invoice_id=a.instalment.invoice_id,
                        invoice_number=a.instalment.invoice.number,
                        amount_minor=a.amount_minor,
                    )
                    for a in payment.allocations
                    if a.released_on is None
                ),
                unallocated_minor=payment.unallocated_minor,
                manual=last.manual if last is not None else True,
                reasons=last.reasons if last is not None else (),
            )
        )
    return out


@dataclass(frozen=True)
class OpenInvoiceChoice:
    invoice_id: int
    number: str
    contractor_id: int
    contractor_name: str
    issue_date: dt.date
    #: the earliest due date of what is still open
    due_date: dt.date
    currency: str
    open_minor: int


def open_invoices(
    session: Session,
    text: str,
    *,
    currency: str,
    contractor_id: int | None = None,
    limit: int = 50,
) -> list[OpenInvoiceChoice]:
    """Invoices in ``currency`` that still owe money, whose number holds ``text`` (as typed, or
    read as payment matching reads numbers) or whose contractor matches it as in the contractor
    list; only ``contractor_id``'s when given. Oldest due first."""
    query = (
        select(Invoice)
        .join(Invoice.instalments)
        .join(Invoice.contractor)
        .where(Invoice.currency == currency, Instalment.open_minor > 0)
        .group_by(Invoice.id)
        .order_by(func.min(Instalment.due_date).asc(), Invoice.id.asc())
        .limit(limit)
        .options(selectinload(Invoice.instalments), selectinload(Invoice.contractor))
    )
    if contractor_id is not None:
        query = query.where(Invoice.contractor_id == contractor_id)
    conditions: list[ColumnElement[bool]] = []
    if text.strip():
        # as written ("FV/12/11") and as payers write it ("12/11", "FV12 /11")
        conditions.append(Invoice.number.ilike(f"%{_escape(text.strip())}%", escape="\\"))
        key = number_key(text)
        if key:
            conditions.append(Invoice.number_key.like(f"{_escape(key)}%", escape="\\"))
    by_contractor = search_condition(session, text)
    if by_contractor is not None:
        conditions.append(by_contractor)
    if conditions:
        query = query.where(or_(*conditions))
    out = []
    for invoice in session.scalars(query).unique():
        open_parts = [i for i in invoice.instalments if i.open_minor > 0]
        out.append(
            OpenInvoiceChoice(
                invoice_id=invoice.id,
                number=invoice.number,
                contractor_id=invoice.contractor_id,
                contractor_name=invoice.contractor.name,
                issue_date=invoice.issue_date,
                due_date=min(i.due_date for i in open_parts),
                currency=invoice.currency,
                open_minor=sum(i.open_minor for i in open_parts),
            )
        )
    return out


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
