"""The one idempotent upsert of what parsers return, inside the caller's transaction.

Natural keys: a contractor by NIP, else another tax id, else the source's own key, else its exact
name; an invoice by number (our firm is the seller of every receivable); a payment by (source,
source_ref). What is already there as the file says is "unchanged"; what differs is changed in
place through the services and the ledger ("updated"), so allocations stay right.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Contractor as ContractorRow
from db.models import ContractorEmail, ContractorPhone, Invoice, Payment
from desktop_app.changes import Change
from desktop_app.domain.money import decimal_str
from desktop_app.domain.text import search_key
from desktop_app.errors import InkasoError
from desktop_app.i18n import N_, _
from desktop_app.importers.records import (
    ContractorRecord,
    ImportFileError,
    InvoiceRecord,
    ParsedFile,
    PaymentRecord,
    Where,
)
from desktop_app.services import activity, contractors, invoices, ledger, payments
from desktop_app.services.imports import keys
from desktop_app.services.imports.edits import kept_edit_notes, remember_new
from desktop_app.services.imports.report import Counts

#: the activity entry of payment money a restated invoice no longer has room for
RELEASED_SUMMARY = N_(
    "Invoice {number} is now lower than what was set against it: {amount} {currency} of the "
    "payment of {date} no longer fits and is credit again"
)


class MissingOriginalError(ImportFileError):
    """A correction whose invoice is not (yet) recorded: in a folder it may come later."""


@contextmanager
def _at(where: Where) -> Iterator[None]:
    """Any refusal of a service is the file's error at this place."""
    try:
        yield
    except ImportFileError:
        raise
    except InkasoError as exc:
        raise ImportFileError(exc.message, where, field=exc.field) from None


@dataclass
class _Upsert:
    session: Session
    actor: str | None
    counts: Counts

    def created(self, change: Change) -> None:
        self.counts.created += 1
        self.counts.changes |= change

    def updated(self, change: Change) -> None:
        self.counts.updated += 1
        self.counts.changes |= change

    # --- contractors -------------------------------------------------------------------------

    def contractor(
        self, record: ContractorRecord, where: Where, *, standalone: bool = False
    ) -> ContractorRow:
        """The contractor the record names, created or updated; a buyer found unchanged is
        part of its invoice, not counted on its own."""
        with _at(where):
            found = keys.buyer_keys(record)
        row = keys.pick(self.session.scalars(keys.candidates([found])), found)
        if row is None:
            with _at(where):
                new_id = contractors.create_contractor(
                    self.session, keys.new_contractor(record, found), actor=self.actor
                )
            self.created(Change.CONTRACTORS)
            created = self.session.get(ContractorRow, new_id)
            assert created is not None
            return remember_new(created, record, found)
        change = keys.changes(row, record, found)
        if change.remember is not None:
            row.imported = change.remember
        self.counts.notes.extend(kept_edit_notes(row.name, change))
        if change.writes():
            self._update_contractor(row, change, where)
            self.updated(Change.CONTRACTORS)
        elif standalone:
            self.counts.unchanged += 1
        return row

    def _update_contractor(self, row: ContractorRow, change: keys.Changes, where: Where) -> None:
        if "name" in change.fields:
            name = change.fields["name"]
            with _at(where):
                contractors.validate(contractors.ContractorInput(name=name))
            row.search_name = search_key(name)
        for key, value in change.fields.items():
            setattr(row, key, value)
        start = len(row.emails)
        row.emails.extend(
            ContractorEmail(email=e, position=start + i) for i, e in enumerate(change.emails)
        )
        start = len(row.phones)
        row.phones.extend(
            ContractorPhone(phone=p, position=start + i) for i, p in enumerate(change.phones)
        )
        activity.record(
            self.session,
            contractor_id=row.id,
            kind="status",
            summary=N_("Contractor {name} updated from an import"),
            data={"name": row.name},
            actor=self.actor,
        )

    # --- invoices ----------------------------------------------------------------------------

    def invoice(self, record: InvoiceRecord) -> None:
        buyer = self.contractor(record.buyer, record.where)
        self.counts.invoices += 1
        number = record.number.strip()
        existing = self.session.scalar(select(Invoice).where(Invoice.number == number))
        if existing is None:
            self._create_invoice(record, buyer)
            self.created(Change.INVOICES)
            return
        with _at(record.where):
            if existing.contractor_id != buyer.id:
                raise InkasoError(
                    _("Invoice {number} is already recorded for another contractor").format(
                        number=number
                    ),
                    field="number",
                )
            if existing.currency != record.currency:
                raise InkasoError(
                    _("Invoice {number} is already recorded in {currency}").format(
                        number=number, currency=existing.currency
                    ),
                    field="currency",
                )
        if record.kind == "correction" or existing.kind == "correction":
            self._same_correction(existing, record)
            return
        if self._restate(existing, record, buyer):
            self.updated(Change.INVOICES | Change.PAYMENTS)
        else:
            self.counts.unchanged += 1

    def _create_invoice(self, record: InvoiceRecord, buyer: ContractorRow) -> None:
        data = keys.invoice_input(record, buyer.id, buyer.default_terms_days)
        try:
            with _at(record.where):
                invoices.create_invoice(self.session, data, actor=self.actor)
        except ImportFileError as exc:
            if record.kind == "correction" and exc.field == "corrects":
                original = self.session.scalar(
                    select(Invoice.id).where(Invoice.number == (record.corrects or ""))
                )
                if original is None:
                    raise MissingOriginalError(exc.message, exc.where, field=exc.field) from None
            raise

    def _same_correction(self, existing: Invoice, record: InvoiceRecord) -> None:
        if keys.same_correction(keys.known_invoice(existing), record):
            self.counts.unchanged += 1
            return
        raise ImportFileError(
            _(
                "Correction {number} is already recorded with other data; a recorded "
                "correction is changed by another correction"
            ).format(number=existing.number),
            record.where,
            field="number",
        )

    def _restate(self, existing: Invoice, record: InvoiceRecord, buyer: ContractorRow) -> bool:
        current, wanted, dates_same = keys.restated(
            keys.known_invoice(existing), record, buyer.default_terms_days
        )
        if wanted == current and dates_same:
            return False
        with _at(record.where):
            invoices.check_instalments(
                invoices.InvoiceInput(
                    contractor=buyer.id,
                    number=existing.number,
                    issue_date=record.issue_date,
                    currency=existing.currency,
                    instalments=[invoices.InstalmentInput(d, a) for d, a in wanted],
                ),
                sum(a for _d, a in wanted),
            )
        corrected = any(a.payment_id is None for i in existing.instalments for a in i.allocations)
        if corrected and [a for _d, a in wanted] != [a for _d, a in current]:
            raise ImportFileError(
                _(
                    "Invoice {number} has been corrected; its amount changes only by another "
                    "correction"
                ).format(number=existing.number),
                record.where,
                field="P_15",
            )
        existing.issue_date = record.issue_date
        existing.sale_date = record.sale_date or existing.sale_date
        released: list[ledger.Released] = []
        if wanted != current:
            if corrected:
                for instalment, (due, _amount) in zip(existing.instalments, wanted, strict=True):
                    instalment.due_date = due
            else:
                released = ledger.restate_invoice(self.session, existing, wanted)
            existing.gross_minor = sum(a for _d, a in wanted)
        activity.record(
            self.session,
            contractor_id=existing.contractor_id,
            invoice_id=existing.id,
            kind="invoice",
            summary=N_("Invoice {number} updated from an import"),
            data={"number": existing.number},
            actor=self.actor,
        )
        for part in released:
            activity.record(
                self.session,
                contractor_id=existing.contractor_id,
                invoice_id=existing.id,
                kind="invoice",
                summary=RELEASED_SUMMARY,
                data={
                    "number": existing.number,
                    "payment_id": part.payment.id,
                    "amount": decimal_str(part.amount_minor, existing.currency),
                    "currency": existing.currency,
                    "date": part.payment.date.isoformat(),
                },
                actor=self.actor,
            )
        return True

    # --- payments ----------------------------------------------------------------------------

    def payment(self, record: PaymentRecord, source: str, payer: ContractorRow | None) -> None:
        ref = payments.normalize_reference(record.source_ref)
        existing = (
            self.session.scalar(
                select(Payment).where(Payment.source == source, Payment.source_ref == ref)
            )
            if ref
            else None
        )
        if payer is None and record.buyer is not None:
            payer = self.contractor(record.buyer, record.where)
        if payer is None:
            raise ImportFileError(_("The payment names no payer"), record.where, field="payer")
        if existing is None:
            with _at(record.where):
                payments.create_payment(
                    self.session,
                    payments.PaymentInput(
                        contractor=payer.id,
                        date=record.date,
                        amount_minor=record.amount_minor,
                        currency=record.currency,
                        title=record.title,
                        invoice_number=record.invoice_number,
                        payer_name=payer.name,
                        source=source,
                        source_ref=ref,
                    ),
                    actor=self.actor,
                )
            self.created(Change.PAYMENTS | Change.INVOICES)
            return
        if keys.same_payment(existing, record):
            self.counts.unchanged += 1
            return
        if existing.currency != record.currency or any(
            a.released_on is not None for a in existing.allocations
        ):
            raise ImportFileError(
                _("Payment {ref} is already recorded with other data").format(ref=ref),
                record.where,
                field="amount",
            )
        with _at(record.where):
            ledger.restate_payment(self.session, existing, record.date, record.amount_minor)
            invoice_id = None
            if record.invoice_number:
                invoice_id = self.session.scalar(
                    select(Invoice.id).where(Invoice.number == record.invoice_number.strip())
                )
            targets = ledger.open_instalments(
                self.session, existing.contractor_id or payer.id, existing.currency, invoice_id
            )
            ledger.allocate_payment(self.session, existing, targets)
        self.updated(Change.PAYMENTS | Change.INVOICES)


def upsert(session: Session, parsed: ParsedFile, *, actor: str | None = None) -> Counts:
    """Write one parsed file; raises ImportFileError (the caller rolls the file back)."""
    run = _Upsert(session, actor, Counts())
    for record in parsed.contractors:
        if not any(record is i.buyer for i in parsed.invoices):
            run.contractor(record, Where(parsed.path), standalone=True)
    # an invoice before any correction of it, wherever the file lists them
    ordered = sorted(parsed.invoices, key=lambda i: i.kind == "correction")
    for invoice in ordered:
        run.invoice(invoice)
    for invoice in ordered:
        for paid in invoice.paid:
            run.payment(paid, invoice.source, _buyer_row(session, invoice))
    for paid in parsed.payments:
        run.payment(paid, parsed.format, None)
    return run.counts


def _buyer_row(session: Session, invoice: InvoiceRecord) -> ContractorRow | None:
    row = session.scalar(select(Invoice).where(Invoice.number == invoice.number.strip()))
    return row.contractor if row is not None else None
