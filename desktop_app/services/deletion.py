"""Deleting a contractor, an invoice or a payment entered by mistake, and undoing that.

A deleted invoice or payment takes its allocations with it: the instalments a deleted payment
paid are open again (from its date on: as of earlier dates nothing changes, as the payment did
not count then either), and what a deleted invoice had been paid with is the payers' credit
again. That credit, and any credit that can now pay a reopened instalment, is spent by the
ledger's usual rule (oldest debt first) in the same transaction.

Each deletion returns a :class:`Deleted` holding every row it removed; :func:`undo` puts them
back with their own ids and takes back what the follow-up allocations did, as long as nothing
has changed the same rows since.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from db.models import Allocation, Instalment, Invoice, Payment
from db.uow import Database
from desktop_app.domain.money import decimal_str, format_money
from desktop_app.domain.receivables import LATEST, covered_as_of
from desktop_app.errors import ConflictError, NotFoundError
from desktop_app.i18n import N_, _
from desktop_app.services import activity, contractors, invoices, ledger, tombstones
from desktop_app.services.tombstones import Row, Tombstone


@dataclass(frozen=True)
class Deleted:
    """What one deletion removed; hand it to :func:`undo` to put it back."""

    kind: str  # "contractor", "invoice" or "payment"
    name: str  # the contractor's name, the invoice number, the payment's amount
    contractor_id: int
    tombstone: Tombstone
    #: allocations the deletion made afterwards (credit spent on reopened debt)
    added: tuple[Row, ...] = ()

    def sentence(self) -> str:
        """What the status line says right after the deletion."""
        if self.kind == "contractor":
            return _("Contractor {name} deleted").format(name=self.name)
        if self.kind == "invoice":
            return _("Invoice {number} deleted").format(number=self.name)
        return _("Payment of {amount} deleted").format(amount=self.name)


# -- contractor ----------------------------------------------------------------------------------


def delete_contractor(db: Database, ref: str | int, *, actor: str | None = None) -> Deleted:
    """Delete a contractor that has no invoices and no payments (with its contacts, notes and
    messages); one with either is refused, as its history belongs to the ledger."""
    with db.write() as session:
        contractor = contractors.resolve(session, ref)
        has_invoices = session.scalar(
            select(exists().where(Invoice.contractor_id == contractor.id))
        )
        has_payments = session.scalar(
            select(exists().where(Payment.contractor_id == contractor.id))
        )
        if has_invoices or has_payments:
            raise ConflictError(
                _(
                    "{name} has invoices or payments and cannot be deleted; delete them first"
                ).format(name=contractor.name),
                field="contractor",
            )
        table = tombstones.table("contractor")
        where = table.c.id == contractor.id
        tomb = tombstones.collect(session, table, where)
        deleted = Deleted("contractor", contractor.name, contractor.id, tomb)
        tombstones.remove(session, table, where)
        return deleted


# -- invoice -------------------------------------------------------------------------------------


def delete_invoice(db: Database, number: str, *, actor: str | None = None) -> Deleted:
    """Delete an invoice (or correction) with its instalments; what paid it becomes credit."""
    with db.write() as session:
        invoice = invoices.find(session, number)
        correction = session.scalar(
            select(Invoice.number).where(Invoice.corrected_invoice_id == invoice.id).limit(1)
        )
        if correction is not None:
            raise ConflictError(
                _(
                    "Invoice {number} is corrected by {correction}; delete the correction first"
                ).format(number=invoice.number, correction=correction),
                field="invoice",
            )
        if _moved_payments(session, invoice):
            raise ConflictError(
                _(
                    "Correction {number} moved payments of the invoice it corrects, so it cannot "
                    "be deleted; record another correction instead"
                ).format(number=invoice.number),
                field="invoice",
            )
        table = tombstones.table("invoice")
        where = table.c.id == invoice.id
        tomb = tombstones.collect(session, table, where)
        contractor_id, currency, name = invoice.contractor_id, invoice.currency, invoice.number
        amount = decimal_str(invoice.gross_minor, currency)
        tombstones.remove(session, table, where)
        added = _settle(session, tomb.of("allocation"), contractor_id, currency)
        activity.record(
            session,
            contractor_id=contractor_id,
            kind="invoice",
            summary=N_("Invoice {number} deleted ({amount} {currency})"),
            data={"number": name, "amount": amount, "currency": currency},
            actor=actor,
        )
        return Deleted("invoice", name, contractor_id, tomb, added)


def _moved_payments(session: Session, invoice: Invoice) -> bool:
    """A lowering correction that released payments of the invoice it corrects: which releases
    were its own is not recorded, so deleting it could not put those payments back."""
    if invoice.kind != "correction" or invoice.corrected_invoice_id is None:
        return False
    reduced = session.scalar(select(exists().where(Allocation.correction_id == invoice.id)))
    released = session.scalar(
        select(
            exists()
            .where(Allocation.instalment_id == Instalment.id)
            .where(Instalment.invoice_id == invoice.corrected_invoice_id)
            .where(Allocation.released_on.is_not(None))
        )
    )
    return bool(reduced and released)


# -- payment -------------------------------------------------------------------------------------


def delete_payment(db: Database, payment_id: int, *, actor: str | None = None) -> Deleted:
    """Delete a payment; the instalments it paid are open again from its date on."""
    with db.write() as session:
        payment = session.get(Payment, payment_id)
        if payment is None:
            raise NotFoundError(_("No payment {id}").format(id=payment_id), field="payment")
        if payment.contractor_id is None:
            raise ConflictError(
                _("Payment {id} is not assigned to a contractor").format(id=payment_id),
                field="payment",
            )
        table = tombstones.table("payment")
        where = table.c.id == payment.id
        tomb = tombstones.collect(session, table, where)
        contractor_id, currency = payment.contractor_id, payment.currency
        name = format_money(payment.amount_minor, currency)
        data = {
            "amount": decimal_str(payment.amount_minor, currency),
            "currency": currency,
            "date": payment.date.isoformat(),
        }
        tombstones.remove(session, table, where)
        added = _settle(session, tomb.of("allocation"), contractor_id, currency)
        activity.record(
            session,
            contractor_id=contractor_id,
            kind="payment",
            summary=N_("Payment of {amount} {currency} received on {date} deleted"),
            data=data,
            actor=actor,
        )
        return Deleted("payment", name, contractor_id, tomb, added)


def _settle(
    session: Session, removed: list[Row], contractor_id: int, currency: str
) -> tuple[Row, ...]:
    """After allocations were removed: the caches of what they touched, then credit spent on
    whatever is open again. Returns the allocations that spending made."""
    _recount(session, removed)
    last = session.scalar(select(func.max(Allocation.id))) or 0
    ledger.apply_credit(session, contractor_id, currency)
    session.flush()
    return tuple(
        dict(r)
        for r in session.execute(
            select(tombstones.table("allocation")).where(Allocation.id > last)
        ).mappings()
    )


def _recount(session: Session, allocations: list[Row]) -> None:
    """Refresh the instalments and payments these allocations were (or are again) on."""
    for instalment_id in {row["instalment_id"] for row in allocations}:
        instalment = session.get(Instalment, instalment_id)
        if instalment is not None:
            ledger.refresh(instalment)
    for payment_id in {row["payment_id"] for row in allocations if row["payment_id"]}:
        payment = session.get(Payment, payment_id)
        if payment is not None:
            ledger.recount(payment)


# -- undo ----------------------------------------------------------------------------------------


def undo(db: Database, deleted: Deleted, *, actor: str | None = None) -> int:
    """Put back what ``deleted`` removed, exactly; returns the contractor's id. A ConflictError
    when the data has changed so that it no longer fits (nothing is changed then)."""
    with db.write() as session:
        added_ids = [int(row["id"]) for row in deleted.added]
        if added_ids:
            now = {
                r["id"]: dict(r)
                for r in session.execute(
                    select(tombstones.table("allocation")).where(Allocation.id.in_(added_ids))
                ).mappings()
            }
            if any(now.get(row["id"]) != dict(row) for row in deleted.added):
                raise _too_late()
            session.execute(
                delete(tombstones.table("allocation")).where(Allocation.id.in_(added_ids))
            )
            session.expire_all()
        tombstones.restore(session, deleted.tombstone)
        touched = [*deleted.tombstone.of("allocation"), *deleted.added]
        _recount(session, touched)
        _check_ledger(session, touched)
        summary = {
            "contractor": N_("Contractor {name} restored"),
            "invoice": N_("Invoice {name} restored"),
            "payment": N_("Payment of {name} restored"),
        }[deleted.kind]
        activity.record(
            session,
            contractor_id=deleted.contractor_id,
            kind="status",
            summary=summary,
            data={"name": deleted.name},
            actor=actor,
        )
        return deleted.contractor_id


def _check_ledger(session: Session, allocations: list[Row]) -> None:
    """Nothing restored may pay an instalment or spend a payment beyond its amount (the credit a
    deletion freed may have been spent since)."""
    session.flush()
    for instalment_id in {row["instalment_id"] for row in allocations}:
        instalment = session.get(Instalment, instalment_id)
        if instalment and covered_as_of(instalment.allocations, LATEST) > instalment.amount_minor:
            raise _too_late()
    for payment_id in {row["payment_id"] for row in allocations if row["payment_id"]}:
        payment = session.get(Payment, payment_id)
        if payment and covered_as_of(payment.allocations, LATEST) > payment.amount_minor:
            raise _too_late()


def _too_late() -> ConflictError:
    return ConflictError(_("The deletion can no longer be undone: the data changed since"))
