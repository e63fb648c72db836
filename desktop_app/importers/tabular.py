"""The formats "csv", "xlsx" (invoices) and "bank-csv" (statement lines), and the live preview.

Each reads the table (:mod:`~desktop_app.importers.table_reader`), finds the mapped columns and
turns every data row into a record (:mod:`~desktop_app.importers.tabular_rows`). The mapping
comes resolved in ``ParseOptions.column_mapping``, or as the name of a ready preset or a
mapping file in ``ParseOptions.mapping``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from desktop_app.errors import ValidationError
from desktop_app.i18n import _, ngettext
from desktop_app.importers.cell_values import text_value
from desktop_app.importers.column_mapping import ColumnMapping, load_mapping_file
from desktop_app.importers.formats import Format, ParseOptions, register
from desktop_app.importers.mapping_presets import PRESETS
from desktop_app.importers.records import (
    BankLine,
    ImportFileError,
    InvoiceRecord,
    ParsedFile,
    Where,
)
from desktop_app.importers.statement_sniff import looks_like_statement
from desktop_app.importers.table_encoding import decode, detect_encoding, normalize_encoding
from desktop_app.importers.table_reader import (
    HEADER_SEARCH_ROWS,
    RawTable,
    check_regular_file,
    find_header,
    read_csv,
    read_xlsx,
)
from desktop_app.importers.tabular_rows import (
    RowReader,
    account_above,
    bank_row,
    data_rows,
    invoice_row,
    left_out_note,
    locate,
    merge_invoices,
    without_totals,
)

TableKind = Literal["csv", "xlsx"]


def mapping_for(options: ParseOptions, kind: Literal["invoice", "bank"]) -> ColumnMapping:
    """The mapping the options name, checked to be one for ``kind`` rows."""
    mapping = options.column_mapping
    if mapping is None and options.mapping:
        mapping = PRESETS.get(options.mapping)
        if mapping is None:
            path = Path(options.mapping)
            if not path.is_file():
                raise ValidationError(
                    _(
                        "Unknown mapping {name}: neither a saved or ready preset nor a mapping file"
                    ).format(name=options.mapping),
                    field="mapping",
                )
            mapping = load_mapping_file(path)
    if mapping is None:
        raise ValidationError(
            _("Choose a column mapping for this file (--mapping NAME or FILE)"), field="mapping"
        )
    if mapping.kind != kind:
        raise ValidationError(
            (
                _("Mapping {name} is for bank statements, not invoices")
                if mapping.kind == "bank"
                else _("Mapping {name} is for invoices, not bank statements")
            ).format(name=mapping.name),
            field="mapping",
        )
    return mapping


def table_kind(path: Path) -> TableKind:
    """A workbook by its content (a ZIP), whatever its name says; anything else is CSV text."""
    check_regular_file(path)
    try:
        with path.open("rb") as stream:
            head = stream.read(4)
    except OSError as exc:
        raise ImportFileError(
            _("{file}: the file cannot be read ({problem})").format(
                file=path.name, problem=exc.strerror or exc
            ),
            Where(str(path)),
        ) from exc
    return "xlsx" if head == b"PK\x03\x04" else "csv"


def read_table(
    path: Path,
    kind: TableKind,
    mapping: ColumnMapping | None,
    *,
    encoding: str | None = None,
    max_rows: int | None = None,
) -> RawTable:
    if kind == "xlsx":
        return read_xlsx(path, sheet=mapping.sheet if mapping else None, max_rows=max_rows)
    return read_csv(
        path,
        encoding=encoding or (mapping.encoding if mapping else None),
        delimiter=mapping.delimiter if mapping else None,
        max_rows=max_rows,
    )


def parse_invoices(
    path: Path, mapping: ColumnMapping, *, source: str, encoding: str | None = None
) -> ParsedFile:
    table = read_table(path, table_kind(path), mapping, encoding=encoding)
    located = locate(path, table, mapping)
    body, rest = data_rows(table, located)
    body, totals = without_totals(path, body, located, "number")
    rows = [invoice_row(RowReader(path, row, located), mapping, source) for row in body]
    return ParsedFile(
        path=str(path),
        format=source,
        invoices=merge_invoices(path, rows),
        notes=totals + left_out_note(path, rest),
    )


def parse_bank_lines(
    path: Path, mapping: ColumnMapping, *, encoding: str | None = None
) -> ParsedFile:
    table = read_table(path, table_kind(path), mapping, encoding=encoding)
    located = locate(path, table, mapping)
    lines: list[BankLine] = []
    debits = 0
    body, rest = data_rows(table, located)
    body, totals = without_totals(path, body, located, "date")
    ours = account_above(table, located)
    for row in body:
        line = bank_row(RowReader(path, row, located), mapping, ours)
        if line is None:
            debits += 1
        else:
            lines.append(line)
    notes = (
        totals
        + left_out_note(path, rest)
        + (
            (
                ngettext(
                    "{count} debit or zero line ignored",
                    "{count} debit or zero lines ignored",
                    debits,
                ).format(count=debits),
            )
            if debits
            else ()
        )
    )
    return ParsedFile(path=str(path), format="bank-csv", bank_lines=tuple(lines), notes=notes)


# --- the registered formats ------------------------------------------------------------------


def _encoding(options: ParseOptions) -> str | None:
    return normalize_encoding(options.encoding) if options.encoding else None


def _parse_csv(path: Path, options: ParseOptions) -> ParsedFile:
    return parse_invoices(
        path, mapping_for(options, "invoice"), source="csv", encoding=_encoding(options)
    )


def _parse_xlsx(path: Path, options: ParseOptions) -> ParsedFile:
    return parse_invoices(path, mapping_for(options, "invoice"), source="xlsx")


def _parse_bank_csv(path: Path, options: ParseOptions) -> ParsedFile:
    return parse_bank_lines(path, mapping_for(options, "bank"), encoding=_encoding(options))


def looks_like_csv(head: bytes) -> bool:
    """Text with a separator on its first line, and not another text format (XML, MT940)."""
    encoding = detect_encoding(head)
    if not head or (encoding != "utf-16" and b"\x00" in head[:4096]):
        return False
    try:
        text = decode(head, encoding, partial=True).lstrip("\ufeff \r\n\t")
    except (UnicodeDecodeError, LookupError):
        return False
    if text.startswith(("<", "{1:", ":20:", ":940:")) or "\n:20:" in text[:200]:
        return False
    first = text.split("\n", 1)[0]
    return any(sep in first for sep in (";", "\t", ","))


def looks_like_xlsx(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04") and (b"xl/" in head or b"[Content_Types].xml" in head)


def looks_like_invoice_csv(head: bytes) -> bool:
    return looks_like_csv(head) and not looks_like_statement(head)


# Detection tries "csv" first: a table whose titles say "statement" falls through to
# "bank-csv", which takes any table, so a statement in the bank group with titles Inkaso does
# not know (read with the user's mapping) is still one.
register(Format("csv", "csv", (".csv", ".txt"), looks_like_invoice_csv, _parse_csv))
register(Format("xlsx", "xlsx", (".xlsx", ".xlsm"), looks_like_xlsx, _parse_xlsx))
register(Format("bank-csv", "bank", (".csv", ".txt"), looks_like_csv, _parse_bank_csv))


# --- preview for the import wizard ------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    #: the row's number as the spreadsheet shows it
    number: int
    cells: tuple[str, ...]
    #: what the row becomes (None: a debit on a statement, or the row has an error)
    record: InvoiceRecord | BankLine | None = None
    #: why the row cannot be imported (translated), else None
    error: str | None = None
    #: why a readable row is not imported (a debit on a statement), translated
    note: str | None = None


@dataclass(frozen=True)
class TablePreview:
    """The first rows of a file as read with a mapping, for a person to check before importing."""

    kind: TableKind
    #: the header row's titles (empty when no header row was found)
    columns: tuple[str, ...]
    #: the header row's number (None: no header found)
    header_row: int | None
    rows: tuple[PreviewRow, ...]
    encoding: str | None
    delimiter: str | None
    #: field -> the title of the column it was found in
    mapped: dict[str, str] = field(default_factory=dict)
    #: a problem with the whole file or mapping (no header for the mapping), translated
    problem: str | None = None


def preview(
    path: Path, mapping: ColumnMapping | None = None, *, encoding: str | None = None, rows: int = 20
) -> TablePreview:
    """The first ``rows`` data rows read with ``mapping`` (None: the raw table only).

    Reads only the start of the file (the rows above the header and ``rows`` more), so a
    preview of a big export is as quick as one of a small one. A file that cannot be read
    at all raises ImportFileError like an import would.
    """
    kind = table_kind(path)
    table = read_table(
        path,
        kind,
        mapping,
        encoding=normalize_encoding(encoding) if encoding else None,
        max_rows=HEADER_SEARCH_ROWS + max(rows, 0),
    )
    if mapping is None:
        at = find_header(table.rows)
        return _raw_preview(kind, table, at, rows)
    try:
        located = locate(path, table, mapping)
    except ImportFileError as exc:
        return _raw_preview(kind, table, find_header(table.rows), rows, problem=exc.message)
    shown: list[PreviewRow] = []
    for row in data_rows(table, located)[0][:rows]:
        cells = tuple(text_value(c) for c in row.cells)
        reader = RowReader(path, row, located)
        try:
            record: InvoiceRecord | BankLine | None = (
                invoice_row(reader, mapping, kind)
                if mapping.kind == "invoice"
                else bank_row(reader, mapping, account_above(table, located))
            )
        except ImportFileError as exc:
            shown.append(PreviewRow(row.number, cells, None, exc.message))
        else:
            note = _("a debit or zero line: not imported") if record is None else None
            shown.append(PreviewRow(row.number, cells, record, note=note))
    return TablePreview(
        kind=kind,
        columns=tuple(text_value(c) for c in located.header.cells),
        header_row=located.header.number,
        rows=tuple(shown),
        encoding=table.encoding,
        delimiter=table.delimiter,
        mapped=dict(located.titles),
    )


def _raw_preview(
    kind: TableKind, table: RawTable, at: int | None, rows: int, *, problem: str | None = None
) -> TablePreview:
    header = table.rows[at] if at is not None else None
    body = table.rows[at + 1 :] if at is not None else table.rows
    return TablePreview(
        kind=kind,
        columns=tuple(text_value(c) for c in header.cells) if header else (),
        header_row=header.number if header else None,
        rows=tuple(
            PreviewRow(r.number, tuple(text_value(c) for c in r.cells)) for r in body[:rows]
        ),
        encoding=table.encoding,
        delimiter=table.delimiter,
        problem=problem,
    )
