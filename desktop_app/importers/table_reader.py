"""Rows of a CSV file or an XLSX sheet, numbered as a spreadsheet program shows them.

Nothing here knows what the columns mean: :mod:`desktop_app.importers.tabular` maps them to
records. Blank rows are dropped (they keep their numbers, so later rows are still named as the
user sees them), and a reader can stop after the first rows so a preview of a big file is cheap.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from desktop_app.i18n import _
from desktop_app.importers.records import ImportFileError, Where
from desktop_app.importers.table_encoding import SAMPLE_BYTES, decode, detect_encoding

Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | None

#: the separators Inkaso recognises, in the order that wins a tie (a decimal comma makes "," the
#: weakest sign: "12,50" splits a field that ";" or a tab keeps whole)
DELIMITERS = (";", "\t", ",")
#: the most a workbook may unpack to: an export of thousands of invoices is a few megabytes,
#: while a "zip bomb" of a few kilobytes can unpack to gigabytes (openpyxl holds the shared
#: strings in memory)
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
#: the largest CSV file read (an export of half a million invoices is about 100 MB)
MAX_CSV_BYTES = 512 * 1024 * 1024
#: how far down a file the header row may be (bank exports put the account and period above it)
HEADER_SEARCH_ROWS = 50
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Row:
    #: the row's number as Excel or LibreOffice shows it (the first row is 1)
    number: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class RawTable:
    """What a reader found: the non-blank rows and how the text was read (CSV only)."""

    rows: tuple[Row, ...]
    encoding: str | None = None
    delimiter: str | None = None


def header_key(value: Cell) -> str:
    """A column title as mappings compare it: case, spacing and a trailing colon ignored."""
    text = "" if value is None else str(value)
    return _SPACES.sub(" ", text.replace("\ufeff", "")).strip().rstrip(":").strip().casefold()


def is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# --- CSV -------------------------------------------------------------------------------------


def read_csv(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    max_rows: int | None = None,
) -> RawTable:
    """The rows of a CSV file; ``max_rows``: stop after that many non-blank rows."""
    where = Where(str(path))
    check_regular_file(path)
    try:
        with path.open("rb") as stream:
            limit = MAX_CSV_BYTES if max_rows is None else SAMPLE_BYTES
            data = stream.read(limit + 1)
    except OSError as exc:
        raise ImportFileError(
            _("{file}: the file cannot be read ({problem})").format(
                file=path.name, problem=exc.strerror or exc
            ),
            where,
        ) from exc
    if max_rows is None and len(data) > MAX_CSV_BYTES:
        raise ImportFileError(
            _("{file}: the file is larger than {limit} MB, more than Inkaso reads").format(
                file=path.name, limit=MAX_CSV_BYTES // 2**20
            ),
            where,
        )
    partial = max_rows is not None and len(data) > SAMPLE_BYTES
    if partial:
        data = data[:SAMPLE_BYTES]
    chosen = encoding or detect_encoding(data)
    try:
        text = decode(data, chosen, partial=partial)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ImportFileError(
            _("{file}: the file is not written in the {encoding} encoding").format(
                file=path.name, encoding=chosen
            ),
            where,
            field="encoding",
        ) from exc
    if "\x00" in text[:4096]:
        raise ImportFileError(
            _(
                "{file}: this is not a text file (CSV); is it a spreadsheet or another format?"
            ).format(file=path.name),
            where,
        )
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    if partial and lines:
        lines.pop()  # the sample may end inside the last line
    sep = delimiter or sniff_delimiter(lines[:HEADER_SEARCH_ROWS])
    return RawTable(tuple(_csv_rows(path, lines, sep, max_rows)), chosen, sep)


def check_regular_file(path: Path) -> None:
    """A file, not a folder or a device (``/dev/zero`` would be read for ever)."""
    if not path.is_file():
        raise ImportFileError(
            _("{file} is not a file that can be imported").format(file=path), Where(str(path))
        )


def sniff_delimiter(lines: Sequence[str]) -> str:
    """The separator that splits the most lines into the same number (> 1) of fields."""
    best: tuple[int, int] = (0, 0)
    chosen = DELIMITERS[0]
    for sep in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=sep) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        width, count = Counter(widths).most_common(1)[0] if widths else (0, 0)
        score = (count, width) if width > 1 else (0, 0)
        if score > best:
            best, chosen = score, sep
    return chosen


def _csv_rows(path: Path, lines: Iterable[str], sep: str, max_rows: int | None) -> Iterator[Row]:
    kept = 0
    reader = csv.reader(lines, delimiter=sep)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            cells = tuple(c.strip() for c in record)
            if all(not c for c in cells):
                continue
            yield Row(number, cells)
            kept += 1
            if max_rows is not None and kept >= max_rows:
                return
    except csv.Error as exc:
        raise ImportFileError(
            _("{file}, row {line}: the row cannot be read as CSV ({problem})").format(
                file=path.name, line=number + 1, problem=exc
            ),
            Where(str(path), number + 1),
        ) from exc


# --- XLSX ------------------------------------------------------------------------------------


def read_xlsx(path: Path, *, sheet: str | None = None, max_rows: int | None = None) -> RawTable:
    """The rows of the first (or the named) sheet of a workbook, values as Excel computed them."""
    where = Where(str(path))
    check_regular_file(path)
    _check_unpacked_size(path)
    try:
        with path.open("rb") as stream:
            # a file object, not the path: openpyxl refuses a workbook by its name's suffix
            return RawTable(_sheet_rows(path, stream, sheet, max_rows))
    except OSError as exc:
        raise ImportFileError(
            _("{file}: the file cannot be read ({problem})").format(
                file=path.name, problem=exc.strerror or exc
            ),
            where,
        ) from exc


def _sheet_rows(
    path: Path, stream: BinaryIO, sheet: str | None, max_rows: int | None
) -> tuple[Row, ...]:
    import openpyxl  # a few hundred milliseconds to import: only when a workbook is read

    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML, key and value errors alike
        raise _not_a_workbook(path) from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise ImportFileError(
                _("{file}: there is no sheet named {sheet} (the workbook has: {sheets})").format(
                    file=path.name, sheet=sheet, sheets=", ".join(workbook.sheetnames)
                ),
                Where(str(path)),
                field="sheet",
            )
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        if not hasattr(worksheet, "iter_rows"):
            raise _not_a_workbook(path)
        # the stored dimensions are often wrong (programs that write XLSX by hand): read it all
        worksheet.reset_dimensions()
        rows: list[Row] = []
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = tuple(_xlsx_cell(v) for v in values)
            if all(is_blank(c) for c in cells):
                continue
            rows.append(Row(number, cells))
            if max_rows is not None and len(rows) >= max_rows:
                break
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet fails inside openpyxl's parser
        raise _not_a_workbook(path) from exc
    finally:
        workbook.close()
    return tuple(rows)


def _check_unpacked_size(path: Path) -> None:
    """Refuse a workbook that would unpack to more than MAX_UNPACKED_BYTES.

    The sizes are the ones the archive declares; Python's zipfile never reads an entry past its
    declared size, so a lying archive cannot get more through than this check allowed.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except OSError as exc:
        raise ImportFileError(
            _("{file}: the file cannot be read ({problem})").format(
                file=path.name, problem=exc.strerror or exc
            ),
            Where(str(path)),
        ) from exc
    except Exception as exc:  # zipfile raises BadZipFile, NotImplementedError (a ZIP version or
        # compression it lacks), struct and value errors alike for a damaged archive
        raise _not_a_workbook(path) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _(
                "{file}: the workbook unpacks to {size} MB, more than Inkaso reads ({limit} MB)"
            ).format(file=path.name, size=unpacked // 2**20, limit=MAX_UNPACKED_BYTES // 2**20),
            Where(str(path)),
        )


def _xlsx_cell(value: object) -> Cell:
    if isinstance(value, str):
        return value.strip()
    if value is None or isinstance(value, int | float | bool | dt.date | dt.time):
        return value
    return str(value)  # a timedelta or an error value: kept as the text Excel shows


def _not_a_workbook(path: Path) -> ImportFileError:
    return ImportFileError(
        _("{file}: this is not an Excel workbook (XLSX) or it is damaged").format(file=path.name),
        Where(str(path)),
    )


# --- the header row --------------------------------------------------------------------------


def find_header(rows: Sequence[Row], wanted: Sequence[frozenset[str]] = ()) -> int | None:
    """The index in ``rows`` of the header row, or None when there is none.

    With ``wanted`` (for each required field, the titles its column may have) the header is the
    first row naming every required field. Without, it is the first row of text titles as
    wide as the widest row near the top: the rows above a table (an account, a period) are
    narrower than it.
    """
    top = rows[:HEADER_SEARCH_ROWS]
    if wanted:
        for index, row in enumerate(top):
            titles = {header_key(c) for c in row.cells}
            if all(titles & names for names in wanted):
                return index
        return None
    widest = max((sum(not is_blank(c) for c in r.cells) for r in top), default=0)
    for index, row in enumerate(top):
        filled = [c for c in row.cells if not is_blank(c)]
        if len(filled) == widest and all(isinstance(c, str) and _is_title(c) for c in filled):
            return index
    return 0 if top else None


def _is_title(text: str) -> bool:
    """A column title, not a value: it has letters and is not a date or an amount."""
    return any(ch.isalpha() for ch in text) and not re.fullmatch(r"[\d\s.,:/()+\-]+\w{0,3}", text)
