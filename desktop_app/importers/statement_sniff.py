"""Is a CSV text a bank statement rather than a list of invoices? (Format detection only.)

Both are tables of dates and amounts, so the column titles decide: a statement names a title
(purpose) of the transfer, an account, a payer, credits and debits or a balance; an invoice list
names a number, a due date, a buyer or a NIP. A ready bank preset that fits the header settles it
at once. A table of titles Inkaso does not know stays an invoice table, as it always was: the
user chooses the mapping anyway.
"""

from __future__ import annotations

import csv
import re

from desktop_app.importers.mapping_presets import PRESETS
from desktop_app.importers.table_encoding import decode, detect_encoding
from desktop_app.importers.table_reader import (
    HEADER_SEARCH_ROWS,
    Cell,
    Row,
    find_header,
    header_key,
    sniff_delimiter,
)

#: beginnings of the words of a statement's column titles (Polish, English, Russian)
_STATEMENT_WORDS = (
    "tytuł",
    "title",
    "opis",
    "description",
    "rachun",
    "konto",
    "konta",
    "account",
    "iban",
    "nadawc",
    "odbiorc",
    "payer",
    "uznani",
    "obciąż",
    "credit",
    "debit",
    "saldo",
    "balance",
    "назначени",
    "плательщик",
    "приход",
    "расход",
    "остаток",
)
#: beginnings of the words of an invoice list's column titles
_INVOICE_WORDS = (
    "faktur",
    "invoice",
    "dokument",
    "termin",
    "due",
    "nabywc",
    "buyer",
    "nip",
    "покупател",
    "отсрочк",
)
#: whole titles of an invoice list's number column
_INVOICE_TITLES = frozenset({"numer", "number", "nr", "номер", "no"})
_WORD = re.compile(r"\w+", re.UNICODE)


def looks_like_statement(head: bytes) -> bool:
    """Do the column titles at the start of this CSV text say it is a bank statement?"""
    try:
        text = decode(head, detect_encoding(head), partial=True).removeprefix("\ufeff")
        lines = text.splitlines()[:HEADER_SEARCH_ROWS]
        records = csv.reader(lines, delimiter=sniff_delimiter(lines))
        rows = [
            Row(number, tuple(c.strip() for c in cells))
            for number, cells in enumerate(records, start=1)
            if any(c.strip() for c in cells)
        ]
    except (UnicodeDecodeError, LookupError, csv.Error):
        return False
    if any(_fits_bank_preset(row) for row in rows):
        return True
    index = find_header(rows)
    return index is not None and _statement_titles(rows[index].cells)


def _fits_bank_preset(row: Row) -> bool:
    titles = {header_key(c) for c in row.cells}
    return any(
        all(titles & group for group in mapping.required())
        for mapping in PRESETS.values()
        if mapping.kind == "bank"
    )


def _statement_titles(cells: tuple[Cell, ...]) -> bool:
    statement = invoice = 0
    for cell in cells:
        key = header_key(cell).lstrip("#").strip()
        words = _WORD.findall(key)
        if key in _INVOICE_TITLES or any(w.startswith(_INVOICE_WORDS) for w in words):
            invoice += 1
        elif any(w.startswith(_STATEMENT_WORDS) for w in words):
            statement += 1
    return statement >= 2 and statement > invoice
