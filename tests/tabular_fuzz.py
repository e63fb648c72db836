"""Generated CSV and XLSX files for the readers: hypothesis strategies and the one check.

Used by tests/unit/test_tabular_fuzz.py (a small set in every run) and
tests/perf/fuzz_tabular.py (>= 10,000 inputs per format, run by hand). A file may be refused,
but only with an ImportFileError or ValidationError carrying a sentence: anything else
escaping a parser (an IndexError, a UnicodeError, a csv.Error, openpyxl's zoo) is a bug.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import strategies as st

from desktop_app.errors import ValidationError
from desktop_app.importers.formats import ParseOptions, all_formats
from desktop_app.importers.mapping_presets import PRESETS
from desktop_app.importers.records import ParsedFile
from desktop_app.importers.tabular import preview

_DIR = Path(tempfile.mkdtemp(prefix="inkaso-fuzz-"))
SAVED_AT = dt.datetime(2026, 11, 30, 12, 0)

#: cell texts near the values the parsers read, and the ones that break naive code
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "FV 1/11/2026",
            "30.11.2026",
            "2026-11-30",
            "31/02/2026",
            "46356",
            "1 234,56",
            "1.234,56",
            "(12,00)",
            "12,00-",
            "-",
            "()",
            "1e309",
            "nan",
            "9" * 40,
            "5260250995",
            "PL5260250995",
            "DE123456789",
            "Łódź „Żółw”",
            "ООО «Ромашка»",
            '"',
            '""',
            "\r",
            "\n",
            "\x00",
            "\ufeff",
            "a@b.pl; c@d.pl",
            "+48 501 234 567",
            "PLN",
            "EUR",
            "XYZ",
            "14 dni",
            "99999",
        ]
    ),
    st.text(max_size=30),
)
TITLES = st.sampled_from(
    [
        "Numer",
        "Data wystawienia",
        "Termin płatności",
        "Nabywca",
        "NIP nabywcy",
        "Wartość brutto",
        "Waluta",
        "Email nabywcy",
        "Telefon nabywcy",
        "Faktura korygowana",
        "#Data księgowania",
        "#Kwota",
        "#Tytuł",
        "#Numer konta",
        "Dokument",
        "Kwota",
    ]
)
HEADERS = st.lists(TITLES, min_size=1, max_size=8)
ROWS = st.lists(st.lists(CELLS, max_size=9), max_size=8)
SEPARATORS = st.sampled_from([";", ",", "\t"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "windows-1250", "windows-1251", "utf-16"])
MAPPINGS = st.sampled_from(sorted(PRESETS))


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    """A table in the shape of an export (titles, then rows), or plain noise."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=400))
    sep = draw(SEPARATORS)
    lines = [sep.join(draw(HEADERS))]
    for row in draw(ROWS):
        quoted = draw(st.booleans())
        lines.append(sep.join(f'"{c}"' if quoted else c for c in row))
    text = draw(st.sampled_from(["\r\n", "\n"])).join(lines)
    return text.encode(draw(ENCODINGS), errors="replace")


@st.composite
def xlsx_bytes(draw: st.DrawFn) -> bytes:
    """A workbook with values of every cell type, sometimes with bytes of it damaged."""
    book = openpyxl.Workbook()
    book.properties.created = book.properties.modified = SAVED_AT
    sheet = book.active
    assert sheet is not None
    sheet.append(draw(HEADERS))
    values = st.one_of(
        CELLS.map(lambda s: "".join(ch for ch in s if ch >= " " or ch in "\t\n")),
        st.integers(-(2**40), 2**40),
        st.floats(allow_nan=False, allow_infinity=False, width=32),
        st.datetimes(),
        st.booleans(),
        st.none(),
    )
    for _ in range(draw(st.integers(0, 6))):
        sheet.append(draw(st.lists(values, max_size=8)))
    out = io.BytesIO()
    book.save(out)
    data = bytearray(out.getvalue())
    # where to damage is drawn apart from the bytes' length: a workbook's size varies with the
    # time it is saved at, and hypothesis needs the same draws for the same example
    for _ in range(draw(st.integers(0, 3))):
        at, value = draw(st.integers(0, 2**20)), draw(st.integers(0, 255))
        data[at % len(data)] = value
    if draw(st.integers(0, 5)) == 0:
        data = data[: len(data) * draw(st.integers(0, 100)) // 100]
    return bytes(data)


def check_parses_or_refuses(fmt: str, data: bytes, mapping: str, suffix: str) -> None:
    """Parse ``data`` as ``fmt`` and preview it: a result or a sentence, never a crash."""
    path = _DIR / f"fuzz{suffix}"
    path.write_bytes(data)
    kind = PRESETS[mapping].kind
    wanted = "bank" if fmt == "bank-csv" else "invoice"
    try:
        parsed = all_formats()[fmt].parse(path, ParseOptions(mapping=mapping))
    except ValidationError as exc:  # ImportFileError is one
        assert exc.message.strip(), "an error without a sentence"
    else:
        assert kind == wanted
        _check_records(parsed)
    try:
        shown = preview(path, PRESETS[mapping], rows=5)
    except ValidationError as exc:
        assert exc.message.strip()
    else:
        assert len(shown.rows) <= 5


def _check_records(parsed: ParsedFile) -> None:
    for invoice in parsed.invoices:
        assert invoice.number and invoice.currency
        assert sum(i.amount_minor for i in invoice.instalments) in (0, invoice.gross_minor)
    for line in parsed.bank_lines:
        assert line.amount_minor > 0
