"""Reading CSV text and cell values the way Polish and Russian exports write them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.importers.cell_values import (
    CellError,
    amount_value,
    date_value,
    text_value,
    whole_number,
)
from desktop_app.importers.table_encoding import detect_encoding, normalize_encoding
from desktop_app.importers.table_reader import sniff_delimiter

POLISH = "Przedsiębiorstwo „Żółw” Łódź; Gęślą jaźń; Źdźbło; ul. Świętokrzyska 5"
RUSSIAN = "ООО «Ромашка»; Щукин Ёжик Эдуардович; ул. Щорса 5; Счёт-фактура"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (POLISH.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + POLISH.encode("utf-8"), "utf-8-sig"),
        (POLISH.encode("windows-1250"), "windows-1250"),
        (RUSSIAN.encode("windows-1251"), "windows-1251"),
        (RUSSIAN.encode("utf-8"), "utf-8"),
        (POLISH.encode("utf-16"), "utf-16"),
        (b"Numer;Kwota\r\nFV 1;12,50\r\n", "utf-8"),
    ],
)
def test_encoding_is_detected(data: bytes, expected: str) -> None:
    assert detect_encoding(data) == expected


def test_a_single_polish_word_is_enough_to_tell_the_code_pages_apart() -> None:
    assert detect_encoding("Numer;Kontrahent\nFV 1;Łódź".encode("windows-1250")) == "windows-1250"
    assert detect_encoding("Номер;Клиент\nРН 1;Щука".encode("windows-1251")) == "windows-1251"


def test_a_sample_cut_inside_a_letter_is_still_utf8() -> None:
    data = ("x" * 10 + "ł").encode("utf-8")
    assert detect_encoding(data[:-1]) == "utf-8"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("cp1250", "windows-1250"), ("Windows-1251", "windows-1251"), ("UTF8", "utf-8")],
)
def test_encoding_names_people_write(name: str, expected: str) -> None:
    assert normalize_encoding(name) == expected


def test_an_unknown_encoding_is_refused_with_the_choices() -> None:
    with pytest.raises(Exception, match="windows-1250"):
        normalize_encoding("latin-2")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Numer;Kwota;Data", "FV 1;1 234,56;30.11.2026", "FV 2;12,00;30.11.2026"], ";"),
        (["Numer\tKwota", "FV 1\t1 234,56", "FV 2\t12,00"], "\t"),
        (["Numer,Kwota,Nabywca", 'FV 1,1234.56,"Kowalski, Nowak"', "FV 2,12.00,Ćma"], ","),
        # the title and period above a table do not decide
        (["Wyciąg;", "Okres: 11.2026;", "Data;Kwota;Tytuł", "30.11.2026;1,00;FV 1"], ";"),
    ],
)
def test_the_separator_is_sniffed(lines: list[str], expected: str) -> None:
    assert sniff_delimiter(lines) == expected


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("1 234,56", 123456),
        ("1\u00a0234,56", 123456),
        ("1.234,56", 123456),
        ("1234.56", 123456),
        ("1,234.56", 123456),
        ("1234", 123400),
        ("-12,00", -1200),
        ("(12,00)", -1200),
        ("12,00-", -1200),
        ("1 234,56 zł", 123456),
        ("PLN 10,5", 1050),
        ("0,01", 1),
    ],
)
def test_amounts_in_every_spelling(text: str, minor: int) -> None:
    assert amount_value(text, "PLN") == minor


@pytest.mark.parametrize(
    ("text", "decimal", "minor"),
    [("1.234", ",", 123400), ("1,234", ".", 123400), ("1 234,5", ",", 123450)],
)
def test_a_chosen_decimal_mark_reads_dots_and_commas_as_groups(
    text: str, decimal: str, minor: int
) -> None:
    assert amount_value(text, "PLN", decimal=decimal) == minor


@pytest.mark.parametrize("text", ["abc", "1,234", "12,345", "1..2", "--5", "()", "12,5,5"])
def test_what_is_not_an_amount_is_refused(text: str) -> None:
    with pytest.raises(CellError):
        amount_value(text, "PLN")


def test_spreadsheet_numbers_become_exact_minor_units() -> None:
    assert amount_value(1234.56, "PLN") == 123456
    assert amount_value(0.1 + 0.2, "PLN") == 30  # 0.30000000000000004 as Excel adds it
    assert amount_value(1500, "JPY") == 1500
    with pytest.raises(CellError):
        amount_value(12.345, "PLN")
    with pytest.raises(CellError):
        amount_value(float("nan"), "PLN")


@given(st.integers(min_value=-(10**12) + 1, max_value=10**12 - 1))
def test_polish_spelling_of_any_amount_reads_back_exactly(minor: int) -> None:
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(minor), 100)
    grouped = f"{whole:,}".replace(",", "\u00a0")
    assert amount_value(f"{sign}{grouped},{cents:02d}", "PLN") == minor


@pytest.mark.parametrize(
    "text", ["2026-11-30", "30.11.2026", "30/11/2026", "30-11-2026", "30.11.26", "2026-11-30 00:00"]
)
def test_dates_in_every_spelling(text: str) -> None:
    assert date_value(text) == dt.date(2026, 11, 30)


def test_month_first_dates_when_the_mapping_says_so() -> None:
    assert date_value("11/30/2026", style="mdy") == dt.date(2026, 11, 30)
    with pytest.raises(CellError):
        date_value("11/30/2026")


def test_excel_serials_and_datetime_cells() -> None:
    assert date_value(46356) == dt.date(2026, 11, 30)
    assert date_value("46356") == dt.date(2026, 11, 30)
    assert date_value(46356.75) == dt.date(2026, 11, 30)
    assert date_value(dt.datetime(2026, 11, 30, 13, 5)) == dt.date(2026, 11, 30)
    assert date_value(dt.date(2026, 11, 30)) == dt.date(2026, 11, 30)


@pytest.mark.parametrize("value", ["31.02.2026", "yesterday", "1.1.1800", 0, True, "2026-13-01"])
def test_what_is_not_a_date_is_refused(value: object) -> None:
    with pytest.raises(CellError):
        date_value(value)  # type: ignore[arg-type]


def test_nip_stored_as_a_number_reads_as_digits_and_terms_as_days() -> None:
    assert text_value(5260250995.0) == "5260250995"
    assert whole_number("14 dni") == 14
    assert whole_number(30.0) == 30
    with pytest.raises(CellError):
        whole_number("dwa tygodnie")
