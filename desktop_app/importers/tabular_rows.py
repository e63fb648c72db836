"""Rows of a mapped table turned into records: invoices (with instalments) and bank credits.

Every problem names the file, the row as the spreadsheet shows it and the column by its title,
and stops the file: a file is imported all or nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from desktop_app.domain.identifiers import (
    normalize_email,
    normalize_iban,
    normalize_nip,
    normalize_phone,
)
from desktop_app.domain.money import MAX_AMOUNT_MINOR, normalize_currency
from desktop_app.domain.terms import due_by_default_terms
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.importers.cell_values import (
    CellError,
    amount_value,
    date_value,
    is_empty,
    text_value,
    whole_number,
)
from desktop_app.importers.column_mapping import REQUIRED, ColumnMapping
from desktop_app.importers.records import (
    BankLine,
    ContractorRecord,
    ImportFileError,
    InstalmentRecord,
    InvoiceRecord,
    PaymentRecord,
    Where,
)
from desktop_app.importers.table_reader import Cell, RawTable, Row, find_header, header_key

T = TypeVar("T")
_POSTAL = re.compile(r"^(?P<street>.*?)[,\s]*(?P<postal>\d{2}-\d{3})\s+(?P<city>.+)$")
_LIST_SPLIT = re.compile(r"[,;\s]+")
#: longest terms a row may state (ten years, as a contractor's: services.contractors)
_MAX_TERMS_DAYS = 3650


@dataclass(frozen=True)
class Located:
    """Where the mapped fields are: the header row and, per field, its column index and title."""

    header: Row
    header_index: int
    index: dict[str, int]
    titles: dict[str, str]


def locate(path: Path, table: RawTable, mapping: ColumnMapping) -> Located:
    """Find the header row and each mapped field's column, or say which columns are missing."""
    if not table.rows:
        raise ImportFileError(
            _("{file}: the file has no rows").format(file=path.name), Where(str(path))
        )
    at = find_header(table.rows, mapping.required())
    if at is None:
        wanted = ", ".join(
            "/".join(mapping.columns[f][0] for f in group if f in mapping.columns)
            for group in REQUIRED[mapping.kind]
        )
        raise ImportFileError(
            _(
                "{file}: no header row with the columns of mapping {mapping} ({columns}) "
                "in the first rows; is it the right file and mapping?"
            ).format(file=path.name, mapping=mapping.name, columns=wanted),
            Where(str(path)),
        )
    header = table.rows[at]
    keys = [header_key(c) for c in header.cells]
    index: dict[str, int] = {}
    titles: dict[str, str] = {}
    for name, candidates in mapping.columns.items():
        for title in candidates:
            key = header_key(title)
            if key in keys:
                index[name] = keys.index(key)
                titles[name] = text_value(header.cells[index[name]])
                break
    return Located(header, at, index, titles)


class RowReader:
    """One data row read through the mapping; each getter names the cell when it fails."""

    def __init__(self, path: Path, row: Row, located: Located) -> None:
        self.path = path
        self.row = row
        self.located = located
        self.where = Where(str(path), row.number)

    def cell(self, name: str) -> Cell:
        column = self.located.index.get(name)
        if column is None or column >= len(self.row.cells):
            return None
        return self.row.cells[column]

    def has(self, name: str) -> bool:
        return not is_empty(self.cell(name))

    def get(self, name: str, convert: Callable[[Cell], T]) -> T:
        """The field converted; an empty required cell is an error too."""
        value = self.cell(name)
        if is_empty(value):
            raise self.error(name, _("the cell is empty"))
        try:
            return convert(value)
        except CellError as exc:
            raise self.error(name, exc.message) from exc
        except ValidationError as exc:
            raise self.error(name, exc.message) from exc

    def optional(self, name: str, convert: Callable[[Cell], T]) -> T | None:
        return self.get(name, convert) if self.has(name) else None

    def error(self, name: str, problem: str) -> ImportFileError:
        column = self.located.titles.get(name, name)
        return ImportFileError(
            _("{file}, row {line}, column {column}: {problem}").format(
                file=self.path.name, line=self.row.number, column=column, problem=problem
            ),
            self.where,
            field=column,
        )


def data_rows(table: RawTable, located: Located) -> tuple[Sequence[Row], Sequence[Row]]:
    """The table's rows, and the rows below it that are not read.

    The table ends at its first empty row: exports put totals and balances below one
    ("Saldo końcowe", "Razem"), and those are not invoices or payments. The caller tells the
    user about the rows left out, so a table broken by an empty row is never cut silently.
    """
    rows = table.rows[located.header_index + 1 :]
    previous = located.header.number
    for index, row in enumerate(rows):
        if row.number != previous + 1:
            return rows[:index], rows[index:]
        previous = row.number
    return rows, ()


def without_totals(
    path: Path, body: Sequence[Row], located: Located, key: str
) -> tuple[Sequence[Row], tuple[str, ...]]:
    """The table's rows less a totals row at its end ("Razem" under the amounts, without an
    invoice number or a date in ``key``'s column), with a note saying it was not read."""
    if not body or RowReader(path, body[-1], located).has(key):
        return body, ()
    last = body[-1]
    column = located.titles.get(key, key)
    return body[:-1], (
        _(
            "{file}: the last row {line} has nothing in column {column}; it was taken for a "
            "totals row and not read"
        ).format(file=path.name, line=last.number, column=column),
    )


def left_out_note(path: Path, rest: Sequence[Row]) -> tuple[str, ...]:
    if not rest:
        return ()
    blank, first, last = rest[0].number - 1, rest[0].number, rest[-1].number
    if first == last:
        return (
            _(
                "{file}: the table ends at the empty row {blank}; row {first} below it was not read"
            ).format(file=path.name, blank=blank, first=first),
        )
    return (
        _(
            "{file}: the table ends at the empty row {blank}; rows {first} to {last} below it "
            "were not read"
        ).format(file=path.name, blank=blank, first=first, last=last),
    )


# --- invoices --------------------------------------------------------------------------------


def invoice_row(reader: RowReader, mapping: ColumnMapping, source: str) -> InvoiceRecord:
    """One row as an invoice with (at most) one instalment; rows of one invoice merge later."""
    number = reader.get("number", _short_text)
    issue_date = reader.get("issue_date", lambda c: date_value(c, style=mapping.date_style))
    currency = reader.optional("currency", lambda c: normalize_currency(text_value(c)))
    currency = currency or mapping.currency
    gross = reader.get("gross", lambda c: amount_value(c, currency, decimal=mapping.decimal))
    corrects = reader.optional("corrects", _short_text)
    if gross < 0 and corrects is None:
        raise reader.error(
            "gross",
            _("a negative amount is a correction: map the column of the corrected invoice"),
        )
    due = reader.optional("due_date", lambda c: date_value(c, style=mapping.date_style))
    if due is None and reader.has("terms_days"):
        days = reader.get("terms_days", whole_number)
        if days > _MAX_TERMS_DAYS:
            raise reader.error("terms_days", _("terms longer than ten years"))
        due = due_by_default_terms(issue_date, days)
    if due is not None and due < issue_date:
        raise reader.error("due_date", _("the due date is before the issue date"))
    instalments = (InstalmentRecord(due, gross),) if due is not None and corrects is None else ()
    paid = _paid(reader, mapping, number, issue_date, currency, gross) if corrects is None else ()
    return InvoiceRecord(
        where=reader.where,
        source=source,
        number=number,
        issue_date=issue_date,
        currency=currency,
        gross_minor=gross,
        buyer=_buyer(reader),
        instalments=instalments,
        kind="correction" if corrects is not None else "invoice",
        corrects=corrects,
        paid=paid,
    )


def _paid(
    reader: RowReader,
    mapping: ColumnMapping,
    number: str,
    issue_date: dt.date,
    currency: str,
    gross: int,
) -> tuple[PaymentRecord, ...]:
    """What the export says is paid ("Zapłacono"), or gross less what is still to pay
    ("Pozostało"), as one payment of the invoice.

    Its key is the invoice's number, so the next export's figure replaces it (a further payment
    raises it) instead of adding to it. The date is the last payment's when the export has one,
    else the issue date: the export does not say when, the amount still open is what reminders
    need, and a fixed date keeps a second import of the same file unchanged.
    """

    def money(cell: Cell) -> int:
        return amount_value(cell, currency, decimal=mapping.decimal)

    if reader.has("paid"):
        amount, field = reader.get("paid", money), "paid"
    elif reader.has("remaining"):
        amount, field = gross - reader.get("remaining", money), "remaining"
    else:
        return ()
    if not 0 <= amount <= gross:
        raise reader.error(field, _("the amount paid must be between 0 and the gross amount"))
    if amount == 0:
        return ()
    day = reader.optional("paid_date", lambda c: date_value(c, style=mapping.date_style))
    return (
        PaymentRecord(
            where=reader.where,
            date=day or issue_date,
            amount_minor=amount,
            currency=currency,
            invoice_number=number,
            source_ref=f"paid:{number}",
        ),
    )


def _short_text(cell: Cell) -> str:
    text = text_value(cell)
    if len(text) > 200:
        raise CellError(_("the text is longer than 200 characters"))
    return text


def _buyer(reader: RowReader) -> ContractorRecord:
    name = reader.get("buyer_name", _short_text)
    nip: str | None = None
    tax_id: str | None = None
    if reader.has("buyer_nip"):
        raw = text_value(reader.cell("buyer_nip"))
        compact = re.sub(r"[\s-]", "", raw).upper()
        if compact[:2].isalpha() and not compact.startswith("PL"):
            tax_id = compact  # an EU VAT number or another country's tax id
        else:
            nip = reader.get("buyer_nip", lambda c: _nip(text_value(c)))
    street = reader.optional("street", _short_text)
    postal = reader.optional("postal_code", _short_text)
    city = reader.optional("city", _short_text)
    if reader.has("address") and not (street or postal or city):
        street, postal, city = _split_address(reader.get("address", _short_text))
    emails = reader.optional("email", lambda c: _emails(text_value(c))) or ()
    phones = reader.optional("phone", lambda c: _phones(text_value(c))) or ()
    return ContractorRecord(
        name=name,
        nip=nip,
        tax_id=tax_id,
        street=street,
        postal_code=postal,
        city=city,
        emails=emails,
        phones=phones,
        external_id=reader.optional("buyer_code", _short_text),
    )


def _split_address(text: str) -> tuple[str | None, str | None, str | None]:
    """ "ul. Długa 5, 00-950 Warszawa" -> street, postal code, city (else all as the street)."""
    match = _POSTAL.match(text)
    if match is None:
        return text, None, None
    return match["street"].strip(" ,") or None, match["postal"], match["city"].strip()


# An export repeats a buyer on every row of theirs, and checking a NIP or a phone number is the
# slowest part of a row (python-stdnum, phonenumbers): each distinct text is checked once.
@functools.lru_cache(maxsize=4096)
def _nip(text: str) -> str:
    return normalize_nip(text)


@functools.lru_cache(maxsize=4096)
def _emails(text: str) -> tuple[str, ...]:
    return tuple(normalize_email(p) for p in _LIST_SPLIT.split(text) if p)


@functools.lru_cache(maxsize=4096)
def _phones(text: str) -> tuple[str, ...]:
    # spaces group a phone's digits ("501 234 567"), so only "," and ";" separate numbers
    return tuple(normalize_phone(p.strip()) for p in re.split(r"[,;]", text) if p.strip())


def merge_invoices(path: Path, rows: Sequence[InvoiceRecord]) -> tuple[InvoiceRecord, ...]:
    """Rows with the same number are one invoice's instalments (payment schedules list each
    term on a row of its own); they must agree on everything but the due date and amount."""
    merged: dict[str, InvoiceRecord] = {}
    for record in rows:
        first = merged.get(record.number)
        if first is None:
            merged[record.number] = record
            continue
        if (first.issue_date, first.currency, first.buyer, first.corrects) != (
            record.issue_date,
            record.currency,
            record.buyer,
            record.corrects,
        ):
            raise ImportFileError(
                _(
                    "{file}, row {line}: invoice {number} is also on row {first} with another "
                    "date, currency or buyer"
                ).format(
                    file=path.name,
                    line=record.where.line,
                    number=record.number,
                    first=first.where.line,
                ),
                record.where,
                field="number",
            )
        gross = first.gross_minor + record.gross_minor
        if abs(gross) > MAX_AMOUNT_MINOR:
            raise ImportFileError(
                _("{file}, row {line}: invoice {number} adds up to too large an amount").format(
                    file=path.name, line=record.where.line, number=record.number
                ),
                record.where,
                field="gross",
            )
        instalments = first.instalments + record.instalments
        if first.kind == "invoice" and bool(first.instalments) != bool(record.instalments):
            # a row without a due date among dated ones: its amount is due by the default terms
            instalments = (*_or_whole(first), *_or_whole(record))
        merged[record.number] = InvoiceRecord(
            where=first.where,
            source=first.source,
            number=first.number,
            issue_date=first.issue_date,
            currency=first.currency,
            gross_minor=gross,
            buyer=first.buyer,
            instalments=instalments,
            kind=first.kind,
            corrects=first.corrects,
            paid=_paid_together(first.paid + record.paid),
        )
    return tuple(merged.values())


def _paid_together(paid: tuple[PaymentRecord, ...]) -> tuple[PaymentRecord, ...]:
    """The paid parts of one invoice's rows as one payment, dated by its latest part."""
    if len(paid) < 2:
        return paid
    return (
        dataclasses.replace(
            paid[0],
            amount_minor=sum(p.amount_minor for p in paid),
            date=max(p.date for p in paid),
        ),
    )


def _or_whole(record: InvoiceRecord) -> tuple[InstalmentRecord, ...]:
    return record.instalments or (InstalmentRecord(None, record.gross_minor),)


# --- bank lines ------------------------------------------------------------------------------


def account_above(table: RawTable, located: Located) -> str | None:
    """Our account as a bank writes it above the table ("#Numer rachunku" then the number):
    the first cell there that is a valid IBAN or Polish NRB."""
    for row in table.rows[: located.header_index]:
        for cell in row.cells:
            text = re.sub(r"[\s-]", "", text_value(cell)).removeprefix("'")
            if len(text) >= 15 and text[2:].isdigit():
                try:
                    return normalize_iban(text)
                except ValidationError:
                    continue
    return None


def bank_row(
    reader: RowReader, mapping: ColumnMapping, default_account: str | None = None
) -> BankLine | None:
    """A credit as a bank line; None for a debit or a zero line (only money in is imported).

    Our account: the row's own column, else the mapping's, else ``default_account`` (read
    above the table), else unknown ("")."""
    day = reader.get("date", lambda c: date_value(c, style=mapping.date_style))
    currency = reader.optional("currency", lambda c: normalize_currency(text_value(c)))
    currency = currency or mapping.currency

    def money(cell: Cell) -> int:
        return amount_value(cell, currency, decimal=mapping.decimal)

    if "amount" in reader.located.index:
        amount = reader.get("amount", money)
    else:
        amount = (reader.optional("credit", money) or 0) - abs(reader.optional("debit", money) or 0)
    if amount <= 0:
        return None
    account = reader.optional("our_account", _account) or mapping.account or default_account or ""
    return BankLine(
        where=reader.where,
        account=account,
        date=day,
        amount_minor=amount,
        currency=currency,
        payer_name=reader.optional("payer", _short_text),
        payer_account=reader.optional("payer_account", _account),
        title=reader.optional("title", lambda c: text_value(c)[:1000]),
        reference=reader.optional("reference", _short_text),
    )


def _account(cell: Cell) -> str:
    """An IBAN without spaces when the number is one; another bank's notation kept compact."""
    text = re.sub(r"[\s-]", "", text_value(cell)).removeprefix("'")
    try:
        return normalize_iban(text)
    except ValidationError:
        return text[:64]
