"""What the Bank view shows: payments waiting for a person, with what they might pay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Contractor, Payment
from desktop_app.domain.payment_matching import Ambiguous, Match, decide
from desktop_app.services.bank import number_index
from desktop_app.services.bank.candidates import Book, incoming
from desktop_app.services.bank.matching import render_reason


@dataclass(frozen=True)
class Suggestion:
    invoice_id: int
    invoice_number: str
    contractor_id: int
    contractor_name: str
    currency: str
    open_minor: int
    #: why it is suggested, in the reader's language
    reason: str


@dataclass(frozen=True)
class WaitingPayment:
    id: int
    date: dt.date
    amount_minor: int
    currency: str
    payer_name: str | None
    payer_account: str | None
    title: str | None
    #: "unmatched": nothing fits; "ambiguous": several things fit (see suggestions);
    #: "matchable": the rules would match it now (an invoice arrived after the payment)
    status: Literal["unmatched", "ambiguous", "matchable"]
    suggestions: tuple[Suggestion, ...]


def unmatched_count(session: Session) -> int:
    return session.scalar(select(func.count()).where(Payment.contractor_id.is_(None))) or 0


def unmatched_payments(
    session: Session, *, limit: int = 500, offset: int = 0
) -> list[WaitingPayment]:
    """Payments of nobody yet, newest first (a page of ``limit``), each with what it might pay.

    Reads only: invoices whose number key is not yet filled are not searched by number here.
    """
    payments = list(
        session.scalars(
            select(Payment)
            .where(Payment.contractor_id.is_(None))
            .order_by(Payment.date.desc(), Payment.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
    if not payments:
        return []
    book = Book(session, [incoming(p) for p in payments], amounts=True)
    names: dict[int, str] = {}
    owners = sorted({row.contractor_id for row in book.invoices.values()})
    for start in range(0, len(owners), 500):
        names.update(
            (row.id, row.name)
            for row in session.execute(
                select(Contractor.id, Contractor.name).where(
                    Contractor.id.in_(owners[start : start + 500])
                )
            )
        )
    out = []
    for payment in payments:
        decision = decide(incoming(payment), book.candidates(incoming(payment)))
        suggestions: list[Suggestion] = []
        status: Literal["unmatched", "ambiguous", "matchable"] = "unmatched"
        if isinstance(decision, Ambiguous):
            status = "ambiguous"
            suggestions = [
                Suggestion(
                    invoice_id=s.invoice.invoice_id,
                    invoice_number=s.invoice.number,
                    contractor_id=s.invoice.contractor_id,
                    contractor_name=names.get(s.invoice.contractor_id, ""),
                    currency=s.invoice.currency,
                    open_minor=s.invoice.open_minor,
                    reason=render_reason(s.reason),
                )
                for s in decision.suggestions
            ]
        elif isinstance(decision, Match):
            status = "matchable"
            paid = {s.key for s in decision.shares}
            reason = "; ".join(render_reason(r) for r in decision.reasons)
            seen: set[int] = set()
            for key in paid:
                inv = book.open_invoice(book.instalments[key].invoice_id)
                if inv.invoice_id in seen:
                    continue
                seen.add(inv.invoice_id)
                suggestions.append(
                    Suggestion(
                        invoice_id=inv.invoice_id,
                        invoice_number=inv.number,
                        contractor_id=inv.contractor_id,
                        contractor_name=names.get(inv.contractor_id, ""),
                        currency=inv.currency,
                        open_minor=inv.open_minor,
                        reason=reason,
                    )
                )
        out.append(
            WaitingPayment(
                id=payment.id,
                date=payment.date,
                amount_minor=payment.amount_minor,
                currency=payment.currency,
                payer_name=payment.payer_name,
                payer_account=payment.payer_account,
                title=payment.title,
                status=status,
                suggestions=tuple(suggestions),
            )
        )
    return out


def fill_number_keys(session: Session) -> int:
    """Write the missing invoice number keys (a write: call it in a writing unit of work)."""
    return number_index.fill_missing(session)
