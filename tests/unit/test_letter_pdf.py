"""Each document read back from its PDF (pypdf): letters intact, figures and words, DOMAIN.md §2."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from desktop_app.letters.model import KINDS, LetterData, LetterKind
from desktop_app.letters.pdf import pdf_bytes
from desktop_app.letters.texts import render_text, shipped_template
from tests.unit.letter_samples import letter


def read_back(*letters: LetterData) -> tuple[str, PdfReader]:
    data = pdf_bytes([(x, render_text(shipped_template(x.kind, x.language), x)) for x in letters])
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Babel writes amounts with no-break spaces; a reader sees spaces
    return re.sub(r"[ \u00a0\u202f]+", " ", text), reader


def lines(text: str) -> str:
    """The text with its line breaks as spaces (a paragraph wraps where the page says)."""
    return re.sub(r"\s+", " ", text)


def test_polish_demand_has_every_element_of_a_demand_letter() -> None:
    text, reader = read_back(letter("demand", "pl"))
    flat = lines(text)
    # place and date; parties with NIP; title; the registered-mail mark in the window
    assert "Wrocław, dnia 1 grudnia 2026 r." in text
    assert "Żółta Łódź Sp. z o.o." in text and "NIP: 8971234561" in text
    assert "Gęśla Jaźń Sp. j." in text and "NIP: 5252248481" in text
    assert "ul. Źródlana 5" in text and "00-950 Warszawa" in text
    assert "Wezwanie do zapłaty" in text
    assert "LIST POLECONY" in text
    # basis: invoice numbers and dates
    assert "FV/2026/03/117" in text and "28.02.2026" in text and "15.03.2026" in text
    # principal, interest from/rate/to, compensation, the total in figures and in words
    # one currency: the table's headers name it, its cells are numbers
    assert "Należność główna (PLN)" in lines(text) and "13 800,00" in text
    assert "17.03.2026" in text and "30.06.2026" in text and "14,00%" in text
    assert "500,09" in text and "713,57" in text and "1 213,66" in text
    assert "302,34" in text
    assert "Do zapłaty łącznie: 15 316,00 zł" in text
    assert "piętnaście tysięcy trzysta szesnaście złotych, zero groszy" in flat
    # deadline, account, the warning of court action, the signature
    assert "8 grudnia 2026" in flat
    assert "PL61 1090 1014 0000 0712 1981 2874" in text
    assert "na drogę postępowania sądowego" in flat
    assert "podpis osoby upoważnionej" in text and "Anna Wiśniewska" in text
    # the fonts are embedded, so the letters survive on any printer
    fonts = {
        str(f["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].get_object().values()
    }
    assert any("InkasoSans" in name or "DejaVu" in name for name in fonts)


def test_russian_pretension_keeps_cyrillic_and_writes_words_in_russian() -> None:
    text, _reader = read_back(letter("pretension", "ru"))
    flat = lines(text)
    assert "Претензия" in text
    assert "ООО «Щука и Ёж»" in text and "ул. Тверская, д. 7" in text
    assert "пятнадцать тысяч триста шестнадцать польских злотых, ноль грошей" in flat
    assert "статьи 395 Гражданского кодекса Российской Федерации" in flat
    assert "арбитражный суд" in flat
    assert "8 декабря 2026" in flat
    assert "подпись уполномоченного лица" in text


def test_debtor_register_warning_names_the_bureau_and_its_address() -> None:
    flat = lines(read_back(letter("big", "pl"))[0])
    assert "ERIF Biuro Informacji Gospodarczej S.A., Al. Jerozolimskie 100, 00-807 Warszawa" in flat
    assert "art. 15 ust. 1" in flat


def test_interest_note_has_a_table_per_invoice_paid_late() -> None:
    text, _reader = read_back(letter("interest-note", "pl"))
    flat = lines(text)
    assert "Nota odsetkowa nr WZ/2026/12/01/17" in text
    # number, amount, due date, payment date, days late, rate, interest
    for cell in ("FV/2026/05/031", "3 690,00", "18.05.2026", "1.08.2026", "75", "14,00%"):
        assert cell in text
    assert "Do zapłaty łącznie: 106,15 zł" in text
    assert "sto sześć złotych, piętnaście groszy" in flat


def test_compensation_note_shows_euro_and_zloty() -> None:
    text, _reader = read_back(letter("compensation", "pl"))
    flat = lines(text)
    assert "Rekompensata (EUR)" in flat and "Rekompensata (PLN)" in flat
    assert "40,00" in text and "172,76" in text
    assert "art. 10 ust. 1" in lines(text)


def test_balance_confirmation_asks_the_debtor_to_sign() -> None:
    text, _reader = read_back(letter("balance", "en"))
    assert "Balance confirmation as of 1 December 2026" in text
    assert "PLN 13,800.00" in text
    assert "date, stamp and signature of the debtor" in text
    assert "thirteen thousand, eight hundred zlotys, zero groszy" in lines(text)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", ["pl", "en", "ru"])
def test_every_document_renders_in_every_language(kind: LetterKind, language: str) -> None:
    text, reader = read_back(letter(kind, language))
    assert len(reader.pages) >= 1
    assert "WZ/2026/12/01/17" in text
    assert "Anna Wiśniewska" in text


def test_a_batch_starts_each_letter_on_its_own_page() -> None:
    first = letter("balance", "pl")
    second = letter("balance", "ru")
    _text, reader = read_back(first, second)
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 2
    assert "Gęśla Jaźń" in pages[0] and "Щука" in pages[1]


def test_markup_in_data_is_printed_as_text() -> None:
    odd = letter("demand", "pl")
    odd = replace(odd, debtor=replace(odd.debtor, name="A & B <b>Sp.</b>"))
    text, _reader = read_back(odd)
    assert "A & B <b>Sp.</b>" in text


def test_an_instalment_is_named_with_its_invoice() -> None:
    base = letter("demand", "pl")
    items = (replace(base.items[0], part="2/3"),)
    text, _reader = read_back(letter("demand", "pl", items=items))
    assert "FV/2026/03/117\nrata 2/3" in text or "FV/2026/03/117 rata 2/3" in text
