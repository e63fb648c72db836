"""``inkaso letter ...`` end to end: a file on success, one line and exit 3 when refused."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import Cli

NIP = "5252248481"


def text_of(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


@pytest.fixture
def books(cli: Cli) -> Cli:
    steps = [
        ("firm", "set", "--name", "Żółta Łódź Sp. z o.o.", "--nip", "8971234561",
         "--street", "ul. Świętego Mikołaja 12/4", "--postal-code", "50-125", "--city", "Wrocław",
         "--account", "PL61109010140000071219812874"),
        ("contractor", "add", "--name", "Gęśla Jaźń Sp. j.", "--nip", NIP,
         "--street", "ul. Źródlana 5", "--postal-code", "00-950", "--city", "Warszawa"),
        ("contractor", "add", "--name", "ООО «Щука и Ёж»", "--language", "ru",
         "--street", "ул. Тверская, д. 7", "--postal-code", "125009", "--city", "Москва"),
        ("invoice", "add", "--contractor", NIP, "--number", "FV/1", "--issued", "2026-02-28",
         "--due", "2026-03-15", "--amount", "12300.00"),
        ("invoice", "add", "--contractor", NIP, "--number", "FV/2", "--issued", "2026-09-01",
         "--due", "2026-09-15", "--amount", "800.00"),
        ("invoice", "add", "--contractor", "2", "--number", "RU/1", "--issued", "2026-06-01",
         "--due", "2026-06-15", "--amount", "5000.00"),
        ("rates", "add", "--kind", "eur", "--from", "2026-02-27", "--rate", "4.2500"),
        ("rates", "add", "--kind", "eur", "--from", "2026-08-31", "--rate", "4.2600"),
    ]  # fmt: skip
    for step in steps:
        result = cli(*step)
        assert result.code == 0, (step, result.err)
    return cli


def test_demand_letter_is_written_and_names_what_it_claims(books: Cli, tmp_path: Path) -> None:
    out = tmp_path / "wezwanie.pdf"
    result = books(
        "letter", "demand", "--contractor", NIP, "--invoice", "FV/1", "--today", "2026-12-01",
        "--out", str(out), "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    data = result.json()
    assert data["file"] == str(out.resolve())
    [letter] = data["letters"]
    assert letter["invoices"] == ["FV/1"] and letter["deadline"] == "2026-12-08"
    # 12,300.00 + interest 1,213.66 (see test_letters.py) + 70 EUR x 4.25 = 297.50
    assert letter["amounts"] == [{"amount": "13811.16", "currency": "PLN"}]
    text = text_of(out)
    assert "13 811,16 zł" in text and "Gęśla Jaźń Sp. j." in text


def test_debtor_register_warning_without_registered_demand_is_refused(
    books: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "big.pdf"
    args = ("letter", "big", "--contractor", NIP, "--out", str(out))
    refused = books(*args, "--today", "2026-12-01")
    assert refused.code == 3
    assert refused.err.count("\n") == 1 and "registered mail" in refused.err
    assert not out.exists()

    sent = books(
        "letter", "final", "--contractor", NIP, "--today", "2026-10-20", "--registered",
        "--out", str(tmp_path / "final.pdf"),
    )  # fmt: skip
    assert sent.code == 0, sent.err
    assert books(*args, "--today", "2026-11-19").code == 3
    allowed = books(*args, "--today", "2026-11-20", "--bureau", "big-infomonitor")
    assert allowed.code == 0, allowed.err
    assert "Biuro Informacji Gospodarczej InfoMonitor S.A." in text_of(out)
    card = books("contractor", "show", NIP, "--json").json()
    letters = [a for a in card["activity"] if a["kind"] == "letter"]
    assert [a["channel"] for a in letters] == ["print", "registered_mail"]  # newest first
    assert "sent by registered mail" in letters[1]["summary"]


def test_russian_pretension_in_the_contractors_language(books: Cli, tmp_path: Path) -> None:
    out = tmp_path / "pretenziya.pdf"
    result = books(
        "letter", "pretension", "--contractor", "2", "--today", "2026-12-01", "--out", str(out)
    )
    assert result.code == 0, result.err
    text = text_of(out)
    assert "Претензия" in text and "ООО «Щука и Ёж»" in text
    assert "пять тысяч" in text


def test_batch_and_its_registered_mail_list(books: Cli, tmp_path: Path) -> None:
    out = tmp_path / "partia.pdf"
    result = books(
        "letter", "batch", "--min-days", "30", "--min-amount", "500", "--today", "2026-12-01",
        "--out", str(out),
    )  # fmt: skip
    assert result.code == 0, result.err
    assert (tmp_path / "partia-ksiazka.pdf").exists()
    assert "partia-ksiazka.pdf" in result.out
    text = text_of(out)
    assert "Gęśla Jaźń Sp. j." in text and "ООО «Щука и Ёж»" in text
    book = text_of(tmp_path / "partia-ksiazka.pdf")
    assert "ul. Źródlana 5" in book and "ул. Тверская, д. 7" in book


def test_unknown_invoice_and_missing_folder_are_one_line_each(books: Cli, tmp_path: Path) -> None:
    wrong = books(
        "letter", "demand", "--contractor", NIP, "--invoice", "FV/404", "--out",
        str(tmp_path / "x.pdf"),
    )  # fmt: skip
    assert wrong.code == 3 and "FV/404" in wrong.err
    nowhere = books(
        "letter", "demand", "--contractor", NIP, "--today", "2026-12-01",
        "--out", str(tmp_path / "no" / "such" / "x.pdf"),
    )  # fmt: skip
    assert nowhere.code == 3 and nowhere.err.count("\n") == 1
