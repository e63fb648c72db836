"""CSV and XLSX exports read through column mappings: the presets' fixtures, workbooks, errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from desktop_app.errors import ValidationError
from desktop_app.i18n import set_language
from desktop_app.importers import table_reader
from desktop_app.importers.column_mapping import load_mapping_file, mapping_from_dict
from desktop_app.importers.formats import ParseOptions, all_formats
from desktop_app.importers.mapping_presets import PRESETS
from desktop_app.importers.records import ImportFileError, InstalmentRecord, ParsedFile
from desktop_app.importers.tabular import preview

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tabular"


def parse(fmt: str, name: str | Path, mapping: str, **options: object) -> ParsedFile:
    path = name if isinstance(name, Path) else FIXTURES / name
    return all_formats()[fmt].parse(path, ParseOptions(mapping=mapping, **options))  # type: ignore[arg-type]


def test_formats_are_registered_in_their_groups() -> None:
    formats = all_formats()
    assert (formats["csv"].group, formats["xlsx"].group, formats["bank-csv"].group) == (
        "csv",
        "xlsx",
        "bank",
    )
    head = (FIXTURES / "subiekt_rozrachunki_cp1250.csv").read_bytes()
    assert formats["csv"].sniff(head)
    assert not formats["csv"].sniff(b"<?xml version='1.0'?><Faktura/>")
    assert not formats["bank-csv"].sniff(b":20:STARTUMS\r\n:25:/PL61109010140000071219812874\r\n")


def test_subiekt_receivables_in_windows_1250() -> None:
    parsed = parse("csv", "subiekt_rozrachunki_cp1250.csv", "subiekt-rozrachunki")
    numbers = [i.number for i in parsed.invoices]
    assert numbers == ["FS 101/11/2026", "FS 102/11/2026", "FS 103/11/2026", "FS 104/11/2026"]
    first, second, instalments, in_euro = parsed.invoices
    assert first.buyer.name == "Przedsiębiorstwo Handlowe „Żółw” Sp. z o.o."
    assert first.buyer.nip == "5260250995"
    assert first.buyer.external_id == "ZOLW"
    assert (first.gross_minor, first.currency, first.issue_date) == (
        123456,
        "PLN",
        dt.date(2026, 11, 2),
    )
    assert first.instalments == (InstalmentRecord(dt.date(2026, 11, 16), 123456),)
    # "Pozostało" 234,56 of 1 234,56: 1 000,00 is paid, dated on the issue date, keyed by number
    (paid,) = first.paid
    assert (paid.amount_minor, paid.date, paid.invoice_number, paid.source_ref) == (
        100000,
        dt.date(2026, 11, 2),
        "FS 101/11/2026",
        "paid:FS 101/11/2026",
    )
    assert second.paid == () and instalments.paid == ()
    assert [p.amount_minor for p in in_euro.paid] == [9999]
    assert second.buyer.name == "Łódzka Spółdzielnia Ślusarzy"
    # two rows of one document are its two instalments
    assert instalments.gross_minor == 400000
    assert instalments.instalments == (
        InstalmentRecord(dt.date(2026, 12, 5), 200000),
        InstalmentRecord(dt.date(2027, 1, 5), 200000),
    )
    assert (in_euro.gross_minor, in_euro.currency, in_euro.buyer.nip) == (9999, "EUR", "9512345675")
    assert sum(i.gross_minor for i in parsed.invoices) == 123456 + 1250000 + 400000 + 9999
    assert first.where.line == 4  # the row as the spreadsheet shows it, under a title and a gap


def test_optima_payment_schedule_in_utf8_with_bom() -> None:
    parsed = parse("csv", "optima_preliminarz_utf8bom.csv", "optima-preliminarz")
    assert [(i.number, i.gross_minor) for i in parsed.invoices] == [
        ("FA/2026/11/0001", 123450),
        ("FA/2026/11/0002", 1000000),
    ]
    buyer = parsed.invoices[0].buyer
    assert (buyer.name, buyer.street, buyer.postal_code, buyer.city, buyer.external_id) == (
        "Żubrówka-Hurt Świętokrzyska sp.j.",
        "ul. Źródlana 7/3",
        "25-001",
        "Kielce",
        "ŻUBR",
    )


def test_fakturownia_with_a_correction_and_contacts() -> None:
    parsed = parse("csv", "fakturownia.csv", "fakturownia")
    invoice, other, correction = parsed.invoices
    assert invoice.buyer.name == "Kowalski, Wiśniewski i Wspólnicy sp.k."
    assert invoice.buyer.emails == ("biuro@kowalski-wisniewski.pl",)
    assert invoice.buyer.phones == ("+48501234567",)
    assert invoice.instalments == (InstalmentRecord(dt.date(2026, 12, 14), 492000),)
    assert other.buyer.emails == ("bor@example.pl", "ksiegowosc@example.pl")
    assert invoice.paid == ()
    assert [(p.amount_minor, p.date) for p in other.paid] == [(10000, dt.date(2026, 12, 1))]
    assert (correction.kind, correction.corrects, correction.gross_minor) == (
        "correction",
        "FV 1/11/2026",
        -49200,
    )


def test_russian_export_in_windows_1251_with_a_mapping_file() -> None:
    parsed = parse("csv", "russian_cp1251.csv", str(FIXTURES / "russian_cp1251.json"))
    first, second = parsed.invoices
    assert (first.number, first.currency, first.gross_minor) == ("РН-0001", "RUB", 1500000)
    assert first.buyer.name == "ООО «Ромашка»"
    assert (first.buyer.street, first.buyer.city) == ("ул. Щорса 5", "Варшава")
    # terms in days count from the issue date; no terms: the contractor's default terms
    assert first.instalments == (InstalmentRecord(dt.date(2026, 12, 10), 1500000),)
    assert second.instalments == ()


def test_the_chosen_encoding_overrides_detection() -> None:
    with pytest.raises(ImportFileError, match="utf-8"):
        parse("csv", "subiekt_rozrachunki_cp1250.csv", "subiekt-rozrachunki", encoding="utf-8")
    # read as Polish, the Russian titles are not there
    with pytest.raises(ImportFileError, match="no header row"):
        parse(
            "csv",
            "russian_cp1251.csv",
            str(FIXTURES / "russian_cp1251.json"),
            encoding="windows-1250",
        )


def test_mbank_history_keeps_credits_only() -> None:
    parsed = parse("bank-csv", "mbank_historia_cp1250.csv", "mbank-historia")
    assert [(b.date, b.amount_minor, b.payer_account) for b in parsed.bank_lines] == [
        (dt.date(2026, 11, 20), 123456, "PL61109010140000071219812874"),
        (dt.date(2026, 11, 22), 1250000, "PL27114020040000300201355387"),
    ]
    assert parsed.bank_lines[0].title == "FV 101/11/2026, FS 102/11/2026"
    # our account, from the header block above the table
    assert {b.account for b in parsed.bank_lines} == {"PL34114020040000310276543210"}
    assert parsed.bank_lines[1].payer_name == "ŁÓDZKA SPÓŁDZIELNIA ŚLUSARZY"
    # the closing balance under the table is not a payment, and the user is told it was left
    assert any("row 15" in note for note in parsed.notes)
    assert any("1 debit" in note for note in parsed.notes)


def test_tab_separated_statement_with_credit_and_debit_columns() -> None:
    parsed = parse("bank-csv", "bank_tab.txt", str(FIXTURES / "bank_tab.toml"))
    assert [(b.amount_minor, b.reference, b.account) for b in parsed.bank_lines] == [
        (100000, "REF-001", "PL27114020040000300201355387"),
        (200050, "REF-003", "PL27114020040000300201355387"),
    ]
    assert parsed.bank_lines[1].payer_name == "Źdźbło s.c."


def test_a_bad_cell_names_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "zle.csv"
    text = (FIXTURES / "fakturownia.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("615.00", "sześćset"), encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        parse("csv", path, "fakturownia")
    error = caught.value
    assert (error.where.file, error.where.line, error.field) == (str(path), 3, "Wartość brutto")
    assert error.message == "zle.csv, row 3, column Wartość brutto: sześćset is not an amount"


def test_errors_are_translated(tmp_path: Path) -> None:
    path = tmp_path / "zle.csv"
    text = (FIXTURES / "fakturownia.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("30/11/2026,14/12/2026,Zakład", "31/11/2026,14/12/2026,Zakład"))
    set_language("pl")
    with pytest.raises(ImportFileError) as caught:
        parse("csv", path, "fakturownia")
    assert caught.value.where.line == 3
    assert caught.value.field == "Data wystawienia"


def test_a_file_without_the_mapped_columns_is_refused_whole() -> None:
    with pytest.raises(ImportFileError, match=r"fakturownia\.csv: no header row"):
        parse("csv", "fakturownia.csv", "subiekt-rozrachunki")


def test_one_invoice_on_two_rows_with_different_buyers_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dwa.csv"
    path.write_text(
        "Numer,Data wystawienia,Nabywca,Wartość brutto\n"
        "FV 1,2026-11-30,Ćma S.A.,10.00\n"
        "FV 1,2026-11-30,Żuk sp. z o.o.,10.00\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError, match="row 3: invoice FV 1 is also on row 2"):
        parse("csv", path, "fakturownia")


def test_a_negative_invoice_needs_the_corrected_number(tmp_path: Path) -> None:
    path = tmp_path / "minus.csv"
    path.write_text(
        "Numer,Data wystawienia,Nabywca,Wartość brutto\nFV 1,2026-11-30,Ćma S.A.,(10.00)\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError, match="negative amount is a correction"):
        parse("csv", path, "fakturownia")


def test_a_mapping_of_the_wrong_kind_or_none_is_refused() -> None:
    with pytest.raises(ValidationError, match="bank statements"):
        parse("csv", "fakturownia.csv", "mbank-historia")
    with pytest.raises(ValidationError, match="Unknown mapping"):
        parse("csv", "fakturownia.csv", "no-such-preset")
    with pytest.raises(ValidationError, match="Choose a column mapping"):
        all_formats()["csv"].parse(FIXTURES / "fakturownia.csv", ParseOptions())


def _workbook(path: Path, rows: list[list[object]], sheet: str = "Faktury") -> Path:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Opis"
    first.append(["Eksport z programu"])
    data = book.create_sheet(sheet)
    for row in rows:
        data.append(row)
    book.save(path)
    return path


XLSX_ROWS: list[list[object]] = [
    ["Lista faktur"],
    [],
    ["Numer", "Data wystawienia", "Termin płatności", "Nabywca", "NIP nabywcy", "Wartość brutto"],
    ["FV 7/2026", dt.datetime(2026, 11, 30), 46370, "Żółć i Syn", 5260250995, 1234.56],
    ["FV 8/2026", "30.11.2026", "2026-12-30", "Ćma S.A.", "852-101-01-00", "2 000,00"],
    [],
    [],
]


def test_xlsx_reads_the_named_sheet_with_dates_serials_and_numbers(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "faktury.xlsx", XLSX_ROWS)
    mapping = {**PRESETS["fakturownia"].to_dict(), "sheet": "Faktury"}
    mapping_file = tmp_path / "m.json"
    mapping_file.write_text(json.dumps(mapping), encoding="utf-8")
    parsed = parse("xlsx", path, str(mapping_file))
    first, second = parsed.invoices
    assert first.where.line == 4
    assert (first.issue_date, first.gross_minor, first.buyer.nip) == (
        dt.date(2026, 11, 30),
        123456,
        "5260250995",
    )
    assert first.instalments == (InstalmentRecord(dt.date(2026, 12, 14), 123456),)
    assert (second.gross_minor, second.instalments[0].due_date) == (200000, dt.date(2026, 12, 30))
    assert first.source == "xlsx"


def test_xlsx_errors_name_the_excel_row(tmp_path: Path) -> None:
    rows = [list(r) for r in XLSX_ROWS]
    rows[4][5] = "dużo"
    path = _workbook(tmp_path / "faktury.xlsx", rows, sheet="Arkusz1")
    mapping = {**PRESETS["fakturownia"].to_dict(), "sheet": "Arkusz1"}
    mapping_file = tmp_path / "m.json"
    mapping_file.write_text(json.dumps(mapping), encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        parse("xlsx", path, str(mapping_file))
    assert (caught.value.where.line, caught.value.field) == (5, "Wartość brutto")


def test_not_a_workbook_is_one_clear_sentence(tmp_path: Path) -> None:
    path = tmp_path / "faktury.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        parse("xlsx", path, "fakturownia")
    # found by the fuzz: a ZIP version Python cannot read (zipfile: NotImplementedError)
    data = bytearray(_workbook(tmp_path / "dobry.xlsx", XLSX_ROWS).read_bytes())
    entry = data.index(b"PK\x01\x02")
    data[entry + 6 : entry + 8] = b"\x40\x00"  # version needed to extract: 6.4
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        parse("xlsx", path, "fakturownia")


def test_a_workbook_that_unpacks_too_far_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _workbook(tmp_path / "faktury.xlsx", XLSX_ROWS)
    monkeypatch.setattr(table_reader, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(ImportFileError, match="unpacks to"):
        parse("xlsx", path, "fakturownia")


def test_preview_of_a_statement_says_which_lines_are_left_out() -> None:
    shown = preview(FIXTURES / "mbank_historia_cp1250.csv", PRESETS["mbank-historia"])
    assert [r.number for r in shown.rows] == [11, 12, 13]
    assert shown.rows[1].record is None and shown.rows[1].note is not None
    assert shown.rows[0].record is not None and shown.rows[0].note is None


def test_mapping_files_are_checked() -> None:
    with pytest.raises(ValidationError, match="unknown field"):
        mapping_from_dict({"columns": {"numer": "Numer"}})
    with pytest.raises(ValidationError, match="buyer_name"):
        mapping_from_dict({"columns": {"number": "N", "issue_date": "D", "gross": "G"}})
    with pytest.raises(ValidationError, match="separator"):
        mapping_from_dict({**PRESETS["fakturownia"].to_dict(), "delimiter": "|"})
    loaded = load_mapping_file(FIXTURES / "bank_tab.toml")
    assert (loaded.name, loaded.kind, loaded.delimiter) == ("bank-tab", "bank", "\t")
    assert mapping_from_dict(loaded.to_dict()) == loaded


def test_preview_reads_only_the_first_rows(tmp_path: Path) -> None:
    path = tmp_path / "duzy.csv"
    lines = ["Numer;Data wystawienia;Nabywca;Wartość brutto"]
    lines += [f"FV {n};30.11.2026;Łukasz Żak;{n},00" for n in range(1, 200_001)]
    lines[5] = "FV 5;31.11.2026;Łukasz Żak;5,00"
    path.write_bytes("\n".join(lines).encode("windows-1250"))
    shown = preview(path, PRESETS["fakturownia"], rows=10)
    assert (shown.encoding, shown.delimiter, shown.header_row) == ("windows-1250", ";", 1)
    assert shown.columns == ("Numer", "Data wystawienia", "Nabywca", "Wartość brutto")
    assert len(shown.rows) == 10
    assert shown.rows[0].record is not None and shown.rows[0].record.gross_minor == 100
    assert shown.rows[4].error is not None and "31.11.2026" in shown.rows[4].error
    assert shown.mapped["gross"] == "Wartość brutto"
    raw = preview(path, None, rows=3)
    assert raw.columns[0] == "Numer" and [r.number for r in raw.rows] == [2, 3, 4]


def test_preview_with_a_mapping_that_does_not_fit_shows_the_raw_table() -> None:
    shown = preview(FIXTURES / "fakturownia.csv", PRESETS["optima-preliminarz"])
    assert shown.problem is not None and "no header row" in shown.problem
    assert shown.columns[0] == "Numer" and len(shown.rows) == 3


def test_a_device_or_folder_is_refused_not_read(tmp_path: Path) -> None:
    for path in (Path("/dev/zero"), tmp_path):
        with pytest.raises(ImportFileError, match="not a file"):
            parse("csv", path, "fakturownia")
        with pytest.raises(ValidationError, match="cannot be read"):
            load_mapping_file(path)


def test_rows_of_one_invoice_with_and_without_a_due_date(tmp_path: Path) -> None:
    path = tmp_path / "raty.csv"
    path.write_text(
        "Numer;Data wystawienia;Termin płatności;Nabywca;Wartość brutto\n"
        "FV 1;2026-11-02;2026-11-16;Ćma S.A.;100,00\n"
        "FV 1;2026-11-02;;Ćma S.A.;50,00\n"
        "FV 2;2026-11-02;;Żuk;10,00\n"
        "FV 2;2026-11-02;;Żuk;20,00\n",
        encoding="utf-8",
    )
    first, second = parse("csv", path, "fakturownia").invoices
    assert first.gross_minor == 15000
    assert first.instalments == (
        InstalmentRecord(dt.date(2026, 11, 16), 10000),
        InstalmentRecord(None, 5000),
    )
    # no due date on any row: the whole amount by the contractor's terms
    assert (second.gross_minor, second.instalments) == (3000, ())


def test_a_workbook_is_told_from_text_by_its_first_bytes(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "lista.xlsx", XLSX_ROWS)
    head = path.read_bytes()[:65536]
    formats = all_formats()
    assert formats["xlsx"].sniff(head)
    assert not formats["csv"].sniff(head)
    assert not formats["xlsx"].sniff((FIXTURES / "fakturownia.csv").read_bytes())
    # a workbook named .csv is still read as a workbook
    renamed = tmp_path / "lista.csv"
    renamed.write_bytes(path.read_bytes())
    mapping = tmp_path / "m.json"
    mapping.write_text(
        json.dumps({**PRESETS["fakturownia"].to_dict(), "sheet": "Faktury"}), encoding="utf-8"
    )
    assert len(parse("csv", renamed, str(mapping)).invoices) == 2


def test_a_totals_row_at_the_end_is_left_out_and_said(tmp_path: Path) -> None:
    path = tmp_path / "suma.csv"
    path.write_text(
        "Dokument;Data wystawienia;Kontrahent;Kwota\n"
        "FS 1;02.11.2026;Ćma S.A.;100,00\n"
        "FS 2;02.11.2026;Żuk;50,00\n"
        ";;Razem;150,00\n",
        encoding="windows-1250",
    )
    parsed = parse("csv", path, "subiekt-rozrachunki")
    assert [i.number for i in parsed.invoices] == ["FS 1", "FS 2"]
    assert parsed.notes == (
        "suma.csv: the last row 4 has nothing in column Dokument; it was taken for a totals row "
        "and not read",
    )
    # a row without a number in the middle is an error, not a total
    path.write_text(
        "Dokument;Data wystawienia;Kontrahent;Kwota\n;02.11.2026;Ćma;1,00\nFS 2;02.11.2026;Żuk;5,00\n",
        encoding="windows-1250",
    )
    with pytest.raises(ImportFileError, match="row 2, column Dokument: the cell is empty"):
        parse("csv", path, "subiekt-rozrachunki")


def test_paid_more_than_the_gross_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "zaplacono.csv"
    path.write_text(
        "Numer;Data wystawienia;Nabywca;Wartość brutto;Zapłacono\nFV 1;2026-11-30;Ćma;10,00;12,00\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError, match="column Zapłacono: the amount paid must be"):
        parse("csv", path, "fakturownia")
