"""What every importer produces: plain, validated records, free of the database.

A parser reads one file (or one API answer) and returns a :class:`ParsedFile`, or raises
:class:`ImportFileError` naming the place and the field: a file is imported all or nothing.
Money is integer minor units with its currency; dates are dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from desktop_app.errors import ValidationError


@dataclass(frozen=True)
class Where:
    """A place in a source, for messages: the file, and a line/row or an XPath in it."""

    file: str
    line: int | None = None
    xpath: str | None = None


class ImportFileError(ValidationError):
    """A file (or an API answer) that cannot be imported; nothing of it is written."""

    def __init__(self, message: str, where: Where, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.where = where


@dataclass(frozen=True)
class ContractorRecord:
    """A buyer as a source describes it; matched to ours by NIP, else by external id, else name."""

    name: str
    nip: str | None = None
    #: EU VAT number or another tax id when there is no Polish NIP
    tax_id: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str = "PL"
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    #: the source's own key (1C Ref_Key, an export's customer code)
    external_id: str | None = None
    default_terms_days: int | None = None


@dataclass(frozen=True)
class InstalmentRecord:
    """One payment term. ``due_date`` None: the contractor's default terms from the issue date."""

    due_date: dt.date | None
    amount_minor: int


@dataclass(frozen=True)
class PaymentRecord:
    """A payment a source states as made (KSeF ``Zaplacono``, a 1C payment document)."""

    where: Where
    date: dt.date
    amount_minor: int
    currency: str
    #: the invoice it pays, by number; None: the contractor's oldest open items
    invoice_number: str | None = None
    buyer: ContractorRecord | None = None
    title: str | None = None
    #: natural key of the payment in its source (kept unique with ``source``)
    source_ref: str | None = None


@dataclass(frozen=True)
class InvoiceRecord:
    where: Where
    #: "ksef", "jpk", "csv", "xlsx", "1c", ... (stored as Invoice.source)
    source: str
    number: str
    issue_date: dt.date
    currency: str
    #: a correction's signed difference; otherwise the invoice's gross total
    gross_minor: int
    buyer: ContractorRecord
    #: empty: one instalment of the whole gross, due by the contractor's default terms
    instalments: tuple[InstalmentRecord, ...] = ()
    kind: Literal["invoice", "correction"] = "invoice"
    #: the corrected invoice's number (corrections only)
    corrects: str | None = None
    sale_date: dt.date | None = None
    ksef_number: str | None = None
    source_id: str | None = None
    paid: tuple[PaymentRecord, ...] = ()


@dataclass(frozen=True)
class BankLine:
    """One incoming credit on a bank statement (debits are dropped by the parser)."""

    where: Where
    #: our account the statement is for (IBAN without spaces when known)
    account: str
    date: dt.date
    amount_minor: int
    currency: str
    payer_name: str | None = None
    payer_account: str | None = None
    title: str | None = None
    #: the bank's reference for the line; None: the upsert keys the line by a hash of its fields
    reference: str | None = None


@dataclass(frozen=True)
class Skipped:
    """Something in a file deliberately not imported (a purchase invoice), with the reason."""

    where: Where
    reason: str


@dataclass(frozen=True)
class ParsedFile:
    path: str
    format: str
    contractors: tuple[ContractorRecord, ...] = ()
    invoices: tuple[InvoiceRecord, ...] = ()
    payments: tuple[PaymentRecord, ...] = ()
    bank_lines: tuple[BankLine, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
