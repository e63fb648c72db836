"""Test helpers that build real data through the services (never raw inserts)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from db.models import Instalment, Payment
from db.uow import Database
from desktop_app.domain.receivables import LATEST, credit_as_of, open_as_of, settled_on
from desktop_app.services import contractors, invoices, payments

D = dt.date


def contractor(
    db: Database, name: str = "Alfa Sp. z o.o.", nip: str | None = None, **kw: object
) -> int:
    return contractors.add_contractor(db, contractors.ContractorInput(name=name, nip=nip, **kw))  # type: ignore[arg-type]


def invoice(
    db: Database,
    contractor_id: int,
    number: str,
    issued: dt.date,
    *parts: tuple[dt.date, int],
    currency: str = "PLN",
) -> int:
    return invoices.add_invoice(
        db,
        invoices.InvoiceInput(
            contractor=contractor_id,
            number=number,
            issue_date=issued,
            currency=currency,
            instalments=[invoices.InstalmentInput(d, a) for d, a in parts],
        ),
    )


def pay(
    db: Database,
    contractor_id: int,
    day: dt.date,
    amount: int,
    *,
    invoice_number: str | None = None,
    currency: str = "PLN",
) -> int:
    return payments.add_payment(
        db,
        payments.PaymentInput(
            contractor=contractor_id,
            date=day,
            amount_minor=amount,
            currency=currency,
            invoice_number=invoice_number,
        ),
    )


def assert_ledger_consistent(db: Database) -> None:
    """The cached open/settled/unallocated values are the domain's definitions over every
    allocation recorded so far."""
    with db.read() as session:
        for inst in session.scalars(select(Instalment)):
            issued = inst.invoice.issue_date
            active = [a for a in inst.allocations if a.released_on is None]
            expected_open = max(0, inst.amount_minor - sum(a.amount_minor for a in active))
            assert inst.open_minor == expected_open, inst.id
            assert open_as_of(inst.amount_minor, inst.allocations, LATEST, issued=issued) == (
                expected_open
            )
            if expected_open == 0 and active:
                assert inst.settled_on == max(a.effective_date for a in active)
            if expected_open:
                assert inst.settled_on is None
            assert inst.settled_on == settled_on(inst.amount_minor, inst.allocations, issued=issued)
        for payment in session.scalars(select(Payment)):
            used = sum(a.amount_minor for a in payment.allocations if a.released_on is None)
            assert payment.unallocated_minor == payment.amount_minor - used, payment.id
            assert payment.unallocated_minor == credit_as_of(
                payment.amount_minor, payment.allocations, LATEST, received=payment.date
            )
