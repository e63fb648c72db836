"""Which contractor a record names, and what of it a record would change: one definition for
the one-by-one upsert and the bulk path."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, or_, select

from db.models import Contractor as ContractorRow
from db.models import Invoice, Payment
from desktop_app.domain import imported_edits as edits
from desktop_app.domain.identifiers import normalize_email, normalize_nip, normalize_phone
from desktop_app.domain.terms import due_by_default_terms
from desktop_app.domain.text import search_key
from desktop_app.errors import InkasoError
from desktop_app.importers.records import ContractorRecord, InvoiceRecord, PaymentRecord
from desktop_app.services import contractors, invoices

#: default payment terms of a contractor an import creates without terms of its own
DEFAULT_TERMS_DAYS = 14


@dataclass(frozen=True)
class BuyerKeys:
    name: str
    nip: str | None
    tax_id: str | None
    external_id: str | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    #: the name as the contractor table indexes it (``search_key``)
    folded: str


@functools.lru_cache(maxsize=4096)
def buyer_keys(record: ContractorRecord) -> BuyerKeys:
    """The record's keys normalised; a NIP that fails its check digit is a ValidationError.

    Cached (records and keys are frozen): a folder names the same few buyers in file after
    file, and a phone number's check costs more than the rest of a file's buyer."""
    nip = normalize_nip(record.nip) if record.nip and record.nip.strip() else None
    tax_id = "".join((record.tax_id or "").split()).upper() or None
    external_id = (record.external_id or "").strip() or None
    name = record.name.strip()
    return BuyerKeys(
        name=name,
        nip=nip,
        tax_id=tax_id,
        external_id=external_id,
        emails=_valid(normalize_email, record.emails),
        phones=_valid(normalize_phone, record.phones),
        folded=search_key(name),
    )


def _valid(normalize: Callable[[str], str], values: Iterable[str]) -> tuple[str, ...]:
    """The contacts a source gives that are valid; a wrong one is left out, not fatal."""
    found: list[str] = []
    for value in values:
        try:
            found.append(normalize(value))
        except InkasoError:
            continue
    return tuple(dict.fromkeys(found))


@dataclass(slots=True)
class KnownContractor:
    """A contractor on file as :func:`pick` and :func:`changes` read it: plain values, so the
    bulk path loads a batch's buyers in three queries instead of as ORM objects."""

    id: int
    name: str
    nip: str | None
    tax_id: str | None
    external_id: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    country: str
    default_terms_days: int
    #: what the last import said of it (``Contractor.imported``)
    imported: dict[str, Any] | None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


#: either kind of contractor row the rules below compare with a record
Row = TypeVar("Row", bound=ContractorRow | KnownContractor)


def candidates(keys: Sequence[BuyerKeys]) -> Select[ContractorRow]:
    """Every contractor any of ``keys`` could name (then :func:`pick` chooses)."""
    return select(ContractorRow).where(naming(keys))


def naming(keys: Sequence[BuyerKeys]) -> ColumnElement[bool]:
    """The condition on the contractor table of :func:`candidates`."""
    nips = {k.nip for k in keys if k.nip}
    tax_ids = {k.tax_id for k in keys if k.tax_id}
    external_ids = {k.external_id for k in keys if k.external_id}
    # by the indexed folded name; pick() compares the exact one
    names = {k.folded for k in keys}
    conditions: list[Any] = [ContractorRow.search_name.in_(names)]
    if nips:
        conditions.append(ContractorRow.nip.in_(nips))
    if tax_ids:
        conditions.append(ContractorRow.tax_id.in_(tax_ids))
    if external_ids:
        conditions.append(ContractorRow.external_id.in_(external_ids))
    return or_(*conditions)


def pick(rows: Iterable[Row], keys: BuyerKeys) -> Row | None:
    """The contractor the keys name: by NIP, else tax id, else the source's key, else the exact
    name of one without a key that would tell them apart; the oldest when several fit."""
    ordered = list(rows)
    oldest = _oldest(ordered)
    for attribute, value in (
        ("nip", keys.nip),
        ("tax_id", keys.tax_id),
        ("external_id", keys.external_id),
    ):
        if value is not None:
            found = oldest(r for r in ordered if getattr(r, attribute) == value)
            if found is not None:
                return found
    return oldest(
        r
        for r in ordered
        if r.name == keys.name
        and (keys.nip is None or r.nip is None)
        and (keys.tax_id is None or r.tax_id is None)
        and (keys.external_id is None or r.external_id is None)
    )


def _oldest(ordered: list[Row]) -> Callable[[Iterable[Row]], Row | None]:
    """The first of the rows on file by id; rows not yet written come after, in given order."""
    position = {id(r): i for i, r in enumerate(ordered)}

    def oldest(rows: Iterable[Row]) -> Row | None:
        return min(
            rows,
            key=lambda r: (r.id is None, r.id or 0, position[id(r)]),
            default=None,
        )

    return oldest


def new_contractor(record: ContractorRecord, keys: BuyerKeys) -> contractors.ContractorInput:
    return contractors.ContractorInput(
        name=record.name,
        nip=keys.nip,
        street=record.street,
        postal_code=record.postal_code,
        city=record.city,
        country=record.country or "PL",
        emails=keys.emails,
        phones=keys.phones,
        terms_days=record.default_terms_days or DEFAULT_TERMS_DAYS,
        tax_id=keys.tax_id,
        external_id=keys.external_id,
    )


@dataclass
class Changes:
    """What a record would change of a contractor on file; empty: it is as the record says."""

    fields: dict[str, Any] = field(default_factory=dict)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    #: (field, what the source says) where a person's edit is kept
    kept: list[tuple[str, str]] = field(default_factory=list)
    #: contacts the source states that a person removed (not added back)
    kept_removed: list[str] = field(default_factory=list)
    #: what the import says, to remember, when it differs from what is remembered
    remember: dict[str, Any] | None = None

    def __bool__(self) -> bool:
        return bool(self.writes() or self.kept or self.kept_removed or self.remember is not None)

    def writes(self) -> bool:
        """Does it change the contractor's own data (not only what is remembered)?"""
        return bool(self.fields or self.emails or self.phones)


def said(record: ContractorRecord, keys: BuyerKeys) -> dict[str, str | None]:
    """What the record says of the fields a person may edit (None: it does not say)."""
    return {
        "name": keys.name or None,
        "street": record.street or None,
        "postal_code": record.postal_code or None,
        "city": record.city or None,
        "country": record.country.upper() if record.country else None,
    }


def remembered(record: ContractorRecord, keys: BuyerKeys) -> dict[str, Any]:
    """What to remember of a new contractor an import creates."""
    found: dict[str, Any] = {k: v for k, v in said(record, keys).items() if v is not None}
    if keys.emails:
        found["emails"] = list(keys.emails)
    if keys.phones:
        found["phones"] = list(keys.phones)
    return found


def changes(
    row: ContractorRow | KnownContractor, record: ContractorRecord, keys: BuyerKeys
) -> Changes:
    """A source updates the name and address it states and fills keys the row lacks; contacts
    are added, never removed; what a person edited in Inkaso is kept (``domain.imported_edits``)."""
    memory: dict[str, Any] | None = row.imported
    merged = edits.merge_fields(
        {f: getattr(row, f) for f in edits.FIELDS},
        {k: v for k, v in memory.items() if k in edits.FIELDS} if memory is not None else None,
        said(record, keys),
    )
    fill = {
        "nip": row.nip or keys.nip,
        "tax_id": row.tax_id or keys.tax_id,
        "external_id": row.external_id or keys.external_id,
    }
    fields: dict[str, Any] = {k: v for k, v in fill.items() if getattr(row, k) != v}
    fields.update(merged.updates)
    new_memory: dict[str, Any] = dict(merged.said)
    contacts: dict[str, edits.ContactMerge] = {}
    if isinstance(row, KnownContractor):
        emails, phones = row.emails, row.phones
    else:
        emails, phones = [x.email for x in row.emails], [x.phone for x in row.phones]
    for key, stored, stated in (("emails", emails, keys.emails), ("phones", phones, keys.phones)):
        before = memory.get(key) if memory is not None else None
        contacts[key] = edits.merge_contacts(stored, before, stated)
        if stated:
            new_memory[key] = list(stated)
        elif before is not None:
            new_memory[key] = before
    return Changes(
        fields=fields,
        emails=list(contacts["emails"].added),
        phones=list(contacts["phones"].added),
        kept=list(merged.kept),
        kept_removed=[*contacts["emails"].kept_removed, *contacts["phones"].kept_removed],
        remember=new_memory if new_memory != (memory or {}) else None,
    )


def instalment_parts(record: InvoiceRecord, terms_days: int) -> list[tuple[dt.date, int]]:
    """The record's instalments with dates; a term without a date and an invoice without terms
    are due by the contractor's default terms from the issue date."""
    if record.instalments:
        return [
            (p.due_date or due_by_default_terms(record.issue_date, terms_days), p.amount_minor)
            for p in record.instalments
        ]
    if record.kind == "correction" and record.gross_minor <= 0:
        return []
    return [(due_by_default_terms(record.issue_date, terms_days), record.gross_minor)]


def invoice_input(
    record: InvoiceRecord, contractor_id: int, terms_days: int
) -> invoices.InvoiceInput:
    """What the invoice service records for an imported invoice of ``contractor_id``."""
    return invoices.InvoiceInput(
        contractor=contractor_id,
        number=record.number,
        issue_date=record.issue_date,
        currency=record.currency,
        instalments=[
            invoices.InstalmentInput(d, a) for d, a in instalment_parts(record, terms_days)
        ],
        sale_date=record.sale_date,
        kind=record.kind,
        corrects=record.corrects,
        gross_minor=record.gross_minor,
        source=record.source,
        source_id=record.source_id,
        ksef_number=record.ksef_number,
    )


@dataclass(frozen=True, slots=True)
class KnownInvoice:
    """What the comparison of a record with an invoice on file reads of that invoice: made of
    the ORM object by the one-by-one upsert, of plain rows by the bulk path (one query for a
    whole batch), so both compare by the same rules below."""

    contractor_id: int
    currency: str
    kind: str
    gross_minor: int
    issue_date: dt.date
    sale_date: dt.date | None
    #: the number of the invoice it corrects
    corrects: str | None
    #: (due date, amount) of each instalment
    instalments: tuple[tuple[dt.date, int], ...]


def known_invoice(invoice: Invoice) -> KnownInvoice:
    # a plain invoice corrects nothing: no need to load the relationship to learn so
    corrected = invoice.corrected_invoice if invoice.corrected_invoice_id is not None else None
    return KnownInvoice(
        contractor_id=invoice.contractor_id,
        currency=invoice.currency,
        kind=invoice.kind,
        gross_minor=invoice.gross_minor,
        issue_date=invoice.issue_date,
        sale_date=invoice.sale_date,
        corrects=corrected.number if corrected is not None else None,
        instalments=tuple((i.due_date, i.amount_minor) for i in invoice.instalments),
    )


def restated(
    existing: KnownInvoice, record: InvoiceRecord, terms_days: int
) -> tuple[list[tuple[dt.date, int]], list[tuple[dt.date, int]], bool]:
    """(instalments on file, instalments the record states, whether its dates are as on file).

    A record without terms keeps the due dates on file; with one instalment on file its amount
    follows the record's total."""
    current = sorted(existing.instalments)
    if record.instalments:
        wanted = sorted(instalment_parts(record, terms_days))
    elif sum(a for _d, a in current) == record.gross_minor:
        wanted = current
    elif len(current) == 1:
        wanted = [(current[0][0], record.gross_minor)]
    else:
        wanted = instalment_parts(record, terms_days)
    dates_same = existing.issue_date == record.issue_date and existing.sale_date == (
        record.sale_date or existing.sale_date
    )
    return current, wanted, dates_same


def same_correction(existing: KnownInvoice, record: InvoiceRecord) -> bool:
    return (
        existing.kind == record.kind
        and existing.gross_minor == record.gross_minor
        and existing.issue_date == record.issue_date
        and existing.corrects == (record.corrects or "").strip()
    )


@dataclass(frozen=True, slots=True)
class KnownPayment:
    """What the comparison of a stated payment with the one on file reads of it."""

    date: dt.date
    amount_minor: int
    currency: str


def same_payment(existing: Payment | KnownPayment, record: PaymentRecord) -> bool:
    return (
        existing.date == record.date
        and existing.amount_minor == record.amount_minor
        and existing.currency == record.currency
    )
