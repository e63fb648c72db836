"""Invoices and their instalments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Instalment, Invoice
from db.uow import Database
from desktop_app.domain.dates import check_date
from desktop_app.domain.money import check_amount, decimal_str, format_money, normalize_currency
from desktop_app.domain.receivables import LATEST, covered_as_of, open_as_of, settled_on
from desktop_app.errors import ConflictError, NotFoundError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.services import activity, contractors, ledger

KINDS = ("invoice", "correction", "advance")


@dataclass(frozen=True)
class InstalmentInput:
    due_date: dt.date
    amount_minor: int
    #: the instalment this one replaces when an invoice is edited (None: a new instalment)
    id: int | None = None


@dataclass
class InvoiceInput:
    contractor: str | int
    number: str
    issue_date: dt.date
    currency: str
    instalments: Sequence[InstalmentInput]
    sale_date: dt.date | None = None
    kind: str = "invoice"
    corrects: str | None = None
    #: a correction's signed difference; for other kinds the sum of the instalments
    gross_minor: int | None = None
    source: str = "manual"
    source_id: str | None = None
    ksef_number: str | None = None


def add_invoice(db: Database, data: InvoiceInput, *, actor: str | None = None) -> int:
    """Record an invoice (or correction) and apply any credit the contractor has; returns its id."""
    with db.write() as session:
        return create_invoice(session, data, actor=actor)


@dataclass(frozen=True)
class CheckedInvoice:
    """An invoice input that passed every check a new invoice must pass."""

    number: str
    currency: str
    gross_minor: int


def check_invoice(data: InvoiceInput) -> CheckedInvoice:
    """The checks of a new invoice that need no database (the import's bulk path runs them too)."""
    number = data.number.strip()
    if not number:
        raise ValidationError(_("The invoice number is empty"), field="number")
    if data.kind not in KINDS:
        raise ValidationError(_("Unknown invoice kind {kind}").format(kind=data.kind), field="kind")
    currency = normalize_currency(data.currency)
    check_date(data.issue_date, "issued", _("Issue date"))
    if data.sale_date is not None:
        check_date(data.sale_date, "sold", _("Sale date"))
    for part in data.instalments:
        check_date(part.due_date, "due", _("Due date"))
        check_amount(part.amount_minor, currency, field="instalments", allow_negative=True)
    gross = _gross(data)
    check_amount(gross, currency, allow_negative=True)
    check_instalments(data, gross)
    return CheckedInvoice(number, currency, gross)


def create_invoice(session: Session, data: InvoiceInput, *, actor: str | None = None) -> int:
    """:func:`add_invoice` inside the caller's transaction."""
    checked = check_invoice(data)
    number, currency, gross = checked.number, checked.currency, checked.gross_minor
    contractor = contractors.resolve(session, data.contractor)
    if session.scalar(select(Invoice.id).where(Invoice.number == number)):
        raise ConflictError(
            _("Invoice {number} already exists").format(number=number), field="number"
        )
    original = None
    if data.kind == "correction":
        original = session.scalar(select(Invoice).where(Invoice.number == (data.corrects or "")))
        if original is None:
            raise NotFoundError(
                _("The corrected invoice {number} does not exist").format(number=data.corrects),
                field="corrects",
            )
        if original.contractor_id != contractor.id or original.currency != currency:
            raise ValidationError(
                _("A correction must have the contractor and currency of invoice {number}").format(
                    number=original.number
                ),
                field="corrects",
            )
    invoice = build_invoice(contractor.id, data, checked, original)
    session.add(invoice)
    session.flush()
    if original is not None and gross < 0:
        ledger.apply_reducing_correction(session, invoice, original)
    ledger.apply_credit(session, contractor.id, currency)
    activity.record(session, **invoice_recorded(invoice, original, actor))
    return invoice.id


def build_invoice(
    contractor_id: int, data: InvoiceInput, checked: CheckedInvoice, original: Invoice | None
) -> Invoice:
    """The new invoice's rows; its instalments owe their whole amount (nothing allocated yet)."""
    values, parts = invoice_rows(contractor_id, data, checked)
    invoice = Invoice(**values, corrected_invoice=original)
    invoice.instalments = [Instalment(**part, allocations=[]) for part in parts]
    for instalment in invoice.instalments:
        ledger.refresh(instalment)
    return invoice


def invoice_rows(
    contractor_id: int, data: InvoiceInput, checked: CheckedInvoice
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A new invoice's column values and its instalments' (in ``seq`` order, without the
    invoice's id): :func:`build_invoice` makes its objects of them, the import's bulk path
    inserts them as they are."""
    values = {
        "contractor_id": contractor_id,
        "number": checked.number,
        "issue_date": data.issue_date,
        "sale_date": data.sale_date,
        "currency": checked.currency,
        "gross_minor": checked.gross_minor,
        "kind": data.kind,
        "source": data.source,
        "source_id": data.source_id,
        "ksef_number": data.ksef_number,
    }
    ordered = sorted(data.instalments, key=lambda p: p.due_date)
    parts = [
        {
            "seq": seq,
            "due_date": part.due_date,
            "amount_minor": part.amount_minor,
            # nothing is allocated yet: the cache as ledger.refresh would set it
            "open_minor": open_as_of(part.amount_minor, (), LATEST, issued=data.issue_date),
            "settled_on": settled_on(part.amount_minor, (), issued=data.issue_date),
        }
        for seq, part in enumerate(ordered, start=1)
    ]
    return values, parts


def invoice_recorded(
    invoice: Invoice, original: Invoice | None, actor: str | None
) -> dict[str, Any]:
    """The activity entry of a new invoice (:func:`activity.record`'s keyword arguments)."""
    return recorded_entry(
        contractor_id=invoice.contractor_id,
        invoice_id=invoice.id,
        number=invoice.number,
        gross_minor=invoice.gross_minor,
        currency=invoice.currency,
        corrected=original.number if original else None,
        actor=actor,
    )


def recorded_entry(
    *,
    contractor_id: int,
    invoice_id: int,
    number: str,
    gross_minor: int,
    currency: str,
    corrected: str | None,
    actor: str | None,
) -> dict[str, Any]:
    """:func:`invoice_recorded` of an invoice written without its ORM object."""
    return {
        "contractor_id": contractor_id,
        "invoice_id": invoice_id,
        "kind": "invoice",
        "summary": (
            N_("Correction {number} to {corrected} recorded: {amount} {currency}")
            if corrected is not None
            else N_("Invoice {number} recorded: {amount} {currency}")
        ),
        "data": {
            "number": number,
            "corrected": corrected,
            "amount": decimal_str(gross_minor, currency),
            "currency": currency,
        },
        "actor": actor,
    }


def _gross(data: InvoiceInput) -> int:
    total = sum(p.amount_minor for p in data.instalments)
    if data.kind == "correction":
        if not data.corrects:
            raise ValidationError(
                _("A correction must name the invoice it corrects"), field="corrects"
            )
        gross = data.gross_minor if data.gross_minor is not None else total
        if gross < 0 and data.instalments:
            raise ValidationError(
                _("A correction that lowers the amount has no instalments of its own"),
                field="instalments",
            )
        return gross
    if data.gross_minor is not None and data.gross_minor != total:
        raise ValidationError(
            _("The instalments do not add up to the invoice amount"), field="instalments"
        )
    return total


def check_instalments(data: InvoiceInput, gross: int) -> None:
    """The rules every invoice's instalments keep, for a new invoice and a restated one."""
    if data.kind != "correction" and not data.instalments:
        raise ValidationError(_("An invoice needs a due date and an amount"), field="due")
    if data.kind != "correction" and gross <= 0:
        raise ValidationError(_("The invoice amount must be greater than zero"), field="amount")
    dates = [p.due_date for p in data.instalments]
    if len(set(dates)) != len(dates):
        raise ValidationError(_("Two instalments have the same due date"), field="instalments")
    for part in data.instalments:
        if part.amount_minor <= 0:
            raise ValidationError(
                _("Every instalment must have an amount greater than zero"), field="instalments"
            )
        if part.due_date < data.issue_date:
            raise ValidationError(
                _("The due date {due} is before the issue date {issued}").format(
                    due=part.due_date.isoformat(), issued=data.issue_date.isoformat()
                ),
                field="due",
            )


def edit_invoice(
    db: Database, ref: str | int, data: InvoiceInput, *, actor: str | None = None
) -> int:
    """Change an invoice's number, dates, currency, contractor and instalments; returns its id.

    What payments and corrections have already recorded is never rewritten: a change that would
    contradict it (an instalment lower than what is paid of it, a paid instalment removed, an
    issue date after a payment counted, another contractor or currency once anything is set
    against the invoice) is refused with a sentence saying what is in the way. Credit the
    contractor has pays what an edit adds, as for a new invoice.
    """
    checked = check_invoice(data)
    number, currency, gross = checked.number, checked.currency, checked.gross_minor
    with db.write() as session:
        invoice = find(session, ref)
        contractor = contractors.resolve(session, data.contractor)
        if data.kind != invoice.kind or (
            invoice.kind == "correction"
            and (data.corrects or "").strip()
            != (invoice.corrected_invoice.number if invoice.corrected_invoice else "")
        ):
            raise ValidationError(
                _(
                    "What document {number} is (invoice, correction, what it corrects) cannot be "
                    "changed; delete it and record it again"
                ).format(number=invoice.number),
                field="kind",
            )
        if number != invoice.number and session.scalar(
            select(Invoice.id).where(Invoice.number == number)
        ):
            raise ConflictError(
                _("Invoice {number} already exists").format(number=number), field="number"
            )
        allocations = [a for i in invoice.instalments for a in i.allocations]
        corrected_by = session.scalar(
            select(Invoice.number).where(Invoice.corrected_invoice_id == invoice.id).limit(1)
        )
        settled = bool(allocations) or corrected_by is not None
        if settled and (contractor.id != invoice.contractor_id or currency != invoice.currency):
            raise ValidationError(
                _(
                    "Payments or corrections are set against invoice {number}, so its contractor "
                    "and currency cannot change"
                ).format(number=invoice.number),
                field="contractor" if contractor.id != invoice.contractor_id else "currency",
            )
        if invoice.gross_minor < 0 or gross < 0:
            _check_lowering_correction(invoice, data, gross)
        counted = [a.effective_date for a in allocations]
        if counted and data.issue_date > min(counted):
            raise ValidationError(
                _(
                    "Money set against invoice {number} counts from {date}; the issue date cannot "
                    "be later"
                ).format(number=invoice.number, date=min(counted).isoformat()),
                field="issued",
            )
        old_contractor, old_currency = invoice.contractor_id, invoice.currency
        invoice.number = number
        invoice.issue_date = data.issue_date
        invoice.sale_date = data.sale_date
        invoice.contractor_id = contractor.id
        invoice.currency = currency
        invoice.gross_minor = gross
        _replace_instalments(session, invoice, data.instalments)
        ledger.apply_credit(session, contractor.id, currency)
        if (old_contractor, old_currency) != (contractor.id, currency):
            ledger.apply_credit(session, old_contractor, old_currency)
        activity.record(
            session,
            contractor_id=contractor.id,
            invoice_id=invoice.id,
            kind="invoice",
            summary=N_("Invoice {number} edited: {amount} {currency}"),
            data={"number": number, "amount": decimal_str(gross, currency), "currency": currency},
            actor=actor,
        )
        return invoice.id


def find(session: Session, ref: str | int) -> Invoice:
    """An invoice by database id or by number; NotFoundError otherwise."""
    invoice = None
    if isinstance(ref, int):
        invoice = session.get(Invoice, ref)
    else:
        invoice = session.scalar(select(Invoice).where(Invoice.number == ref.strip()))
    if invoice is None:
        raise NotFoundError(_("No invoice {number}").format(number=ref), field="invoice")
    return invoice


def _check_lowering_correction(invoice: Invoice, data: InvoiceInput, gross: int) -> None:
    """A correction that lowered an invoice has moved money from the day it was issued: only
    its number and sale date may change."""
    if gross != invoice.gross_minor or data.issue_date != invoice.issue_date:
        raise ValidationError(
            _(
                "Correction {number} lowered the invoice it corrects; only its number and sale "
                "date can change (delete it and record it again to change more)"
            ).format(number=invoice.number),
            field="amount",
        )


def _replace_instalments(
    session: Session, invoice: Invoice, parts: Sequence[InstalmentInput]
) -> None:
    existing = {i.id: i for i in invoice.instalments}
    kept_ids = {p.id for p in parts if p.id is not None}
    unknown = kept_ids - existing.keys()
    if unknown:
        raise NotFoundError(
            _("Invoice {number} has no such instalment").format(number=invoice.number),
            field="instalments",
        )
    for instalment in list(invoice.instalments):
        if instalment.id not in kept_ids and instalment.allocations:
            raise ValidationError(
                _("The instalment due {due} has money set against it and cannot be removed").format(
                    due=instalment.due_date.isoformat()
                ),
                field="instalments",
            )
    for part in parts:
        if part.id is None:
            continue
        instalment = existing[part.id]
        covered = covered_as_of(instalment.allocations, LATEST)
        if part.amount_minor < covered:
            raise ValidationError(
                _(
                    "{paid} of the instalment due {due} is already paid or corrected; its amount "
                    "cannot be lower"
                ).format(
                    paid=format_money(covered, invoice.currency),
                    due=instalment.due_date.isoformat(),
                ),
                field="instalments",
            )
    invoice.instalments = [i for i in invoice.instalments if i.id in kept_ids]
    # seq is unique per invoice: park the kept ones out of the way before numbering anew
    for n, instalment in enumerate(invoice.instalments, start=1):
        instalment.seq = -n
    session.flush()
    rows: list[Instalment] = []
    for part in parts:
        if part.id is not None:
            instalment = existing[part.id]
            instalment.due_date = part.due_date
            instalment.amount_minor = part.amount_minor
            ledger.refresh(instalment)  # open_minor must fit the new amount before the flush
        else:
            instalment = Instalment(
                due_date=part.due_date, amount_minor=part.amount_minor, open_minor=part.amount_minor
            )
            invoice.instalments.append(instalment)
        rows.append(instalment)
    for n, instalment in enumerate(sorted(rows, key=lambda i: i.due_date), start=1):
        instalment.seq = n
    session.flush()
    for instalment in rows:
        ledger.refresh(instalment)
    session.flush()
