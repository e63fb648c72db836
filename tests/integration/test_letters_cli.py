"""``inkaso letter ...`` end to end: a file on success, one line and exit 3 when refused."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop_app.services.database import open_database
from desktop_app.services.dunning import templates_store
from tests.conftest import Cli, CliResult
from tests.integration.http_gateway import Answer, Request, running_gateway
from tests.integration.test_compensation_nbp import _closed_port

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
        ("contractor", "add", "--name", "ООО «Щука и Ёж»", "--language", "ru", "--country", "RU",
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
    assert "125009 Москва ROSJA" in text  # the country for the Polish post, after the town
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


def test_a_batch_run_again_the_same_day_writes_nobody_a_second_demand(
    books: Cli, tmp_path: Path
) -> None:
    def batch(min_amount: str, name: str, today: str = "2026-12-01") -> CliResult:
        return books(
            "letter", "batch", "--min-days", "30", "--min-amount", min_amount, "--today", today,
            "--out", str(tmp_path / name), "--json",
        )  # fmt: skip

    first = batch("10000", "pierwsza.pdf")  # only Gęśla Jaźń owes that much
    assert first.code == 0, first.err
    [letter] = first.json()["letters"]
    assert letter["contractor"] == "Gęśla Jaźń Sp. j."

    again = batch("10000", "znowu.pdf")
    assert again.code == 3 and not (tmp_path / "znowu.pdf").exists()
    assert f"{letter['reference']} was already written today" in again.err

    wider = batch("500", "szersza.pdf")  # the same day, a lower amount: only the one not reached
    assert wider.code == 0, wider.err
    assert [x["contractor"] for x in wider.json()["letters"]] == ["ООО «Щука и Ёж»"]
    assert wider.json()["refused"] == [
        f"Gęśla Jaźń Sp. j.: Demand for payment {letter['reference']} was already written today"
    ]

    tomorrow = batch("10000", "jutro.pdf", today="2026-12-02")  # another day: written again
    assert tomorrow.code == 0, tomorrow.err
    assert [x["contractor"] for x in tomorrow.json()["letters"]] == ["Gęśla Jaźń Sp. j."]


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


@pytest.mark.parametrize("target", ["/dev/null", ".", "/"])
def test_a_folder_or_a_device_is_never_replaced(books: Cli, tmp_path: Path, target: str) -> None:
    before = Path(target).stat()
    result = books(
        "letter", "demand", "--contractor", NIP, "--today", "2026-12-01", "--out", target
    )
    assert result.code == 3 and "not a file" in result.err
    after = Path(target).stat()
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)


def test_the_firms_logo_is_on_the_letterhead(books: Cli, tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (240, 80), (200, 30, 30)).save(logo)
    assert books("firm", "logo", str(logo)).code == 0
    out = tmp_path / "z-logo.pdf"
    assert books("letter", "balance", "--contractor", NIP, "--out", str(out)).code == 0
    page = PdfReader(out).pages[0]
    images = [
        name
        for name, obj in page["/Resources"].get("/XObject", {}).items()
        if obj.get_object()["/Subtype"] == "/Image"
    ]
    assert len(images) == 1

    text = tmp_path / "logo.txt"
    text.write_text("not a picture")
    refused = books("firm", "logo", str(text))
    assert refused.code == 3 and "PNG or JPEG" in refused.err
    broken = tmp_path / "broken.png"
    broken.write_bytes(logo.read_bytes()[:60])
    assert books("firm", "logo", str(broken)).code == 3
    assert books("firm", "logo", "--remove").code == 0
    assert books("letter", "balance", "--contractor", NIP, "--out", str(out)).code == 0
    assert "/XObject" not in PdfReader(out).pages[0]["/Resources"]


def test_the_owners_wording_is_tried_saved_used_and_reverted(
    books: Cli, tmp_path: Path, db_path: Path
) -> None:
    body = tmp_path / "body.j2"
    body.write_text(
        "Szanowni Państwo,\nprosimy o zapłatę {{ totals|map(attribute='total')|list|money }} "
        "do {{ deadline|date('long') }}.\n{{ table }}\nZ wyrazami szacunku – zespół windykacji",
        encoding="utf-8",
    )
    saved = books(
        "letter", "template", "set", "demand", "--language", "pl", "--body-file", str(body)
    )
    assert saved.code == 0, saved.err
    out = tmp_path / "own.pdf"
    assert books("letter", "demand", "--contractor", NIP, "--today", "2026-12-01",
                 "--out", str(out)).code == 0  # fmt: skip
    text = text_of(out)
    assert "Z wyrazami szacunku – zespół windykacji" in text
    assert "do 8 grudnia 2026" in text
    assert "Wezwanie do zapłaty" in text  # the title stayed the shipped one
    shown = books("letter", "template", "show", "demand", "--json").json()
    assert shown["customised"] and "zespół windykacji" in shown["body"]
    # the e-mail template editor does not list the letter's wording
    database = open_database(db_path)
    try:
        listed = {t.name for t in templates_store.list_templates(database)}
    finally:
        database.dispose()
    assert listed and not any(name.startswith("letters/") for name in listed)

    assert books("letter", "template", "revert", "demand").code == 0
    assert books("letter", "demand", "--contractor", NIP, "--today", "2026-12-01",
                 "--out", str(out)).code == 0  # fmt: skip
    assert "zespół windykacji" not in text_of(out)


@pytest.mark.parametrize(
    "source",
    [
        "{{ creditor.__class__.__init__.__globals__ }}",
        "{% include '/etc/passwd' %}",
        "{% for i in range(99999) %}{% for j in range(99999) %}{{ i }}{% endfor %}{% endfor %}",
        "{{ debtor.nmae }}",
    ],
)
def test_a_template_that_would_run_code_read_files_or_loop_is_not_saved(
    books: Cli, tmp_path: Path, source: str
) -> None:
    body = tmp_path / "bad.j2"
    body.write_text(source, encoding="utf-8")
    refused = books("letter", "template", "set", "final", "--body-file", str(body))
    assert refused.code == 3 and refused.err.count("\n") == 1
    assert not books("letter", "template", "show", "final", "--json").json()["customised"]
    huge = books("letter", "template", "set", "final", "--body-file", "/dev/zero")
    assert huge.code == 3


NBP_SEP_2026 = (
    '{"table":"A","currency":"euro","code":"EUR","rates":['
    '{"no":"189/A/NBP/2026","effectiveDate":"2026-09-30","mid":4.2700}]}'
)


def _nbp(request: Request) -> Answer:
    if request.path == "/api/exchangerates/rates/a/eur/2026-09-24/2026-09-30/":
        return Answer(200, NBP_SEP_2026)
    return Answer(404, "404 NotFound - Not Found - Brak danych")


def test_a_missing_euro_rate_is_asked_of_nbp_once_for_the_letter(
    books: Cli, tmp_path: Path
) -> None:
    assert books(
        "invoice", "add", "--contractor", NIP, "--number", "FV/4", "--issued", "2026-10-01",
        "--due", "2026-10-15", "--amount", "800.00",
    ).code == 0  # fmt: skip
    out = tmp_path / "nbp.pdf"
    letter = ("letter", "demand", "--contractor", NIP, "--invoice", "FV/4", "--today",
              "2026-12-01", "--out", str(out), "--json")  # fmt: skip
    with running_gateway(_nbp) as nbp:
        assert books("config", "set", "rates.nbp_url", nbp.base_url + "/api").code == 0
        result = books(*letter)
        assert result.code == 0, result.err
        assert len(nbp.requests) == 1
    # 800.00 PLN -> 40 EUR x 4.27 (NBP, 2026-09-30) = 170.80
    assert "170,80" in text_of(out)
    assert not any("euro rate" in w for w in result.json()["warnings"])


def test_offline_the_demand_goes_without_compensation_and_the_note_is_refused(
    books: Cli, tmp_path: Path
) -> None:
    assert books(
        "invoice", "add", "--contractor", NIP, "--number", "FV/4", "--issued", "2026-10-01",
        "--due", "2026-10-15", "--amount", "800.00",
    ).code == 0  # fmt: skip
    assert books("config", "set", "rates.nbp_url", f"http://127.0.0.1:{_closed_port()}").code == 0
    demand = books(
        "letter", "demand", "--contractor", NIP, "--invoice", "FV/4", "--today", "2026-12-01",
        "--out", str(tmp_path / "d.pdf"),
    )  # fmt: skip
    assert demand.code == 0, demand.err
    assert "Check:" in demand.out and "2026-09-30" in demand.out
    note = books(
        "letter", "compensation", "--contractor", NIP, "--invoice", "FV/4", "--today",
        "2026-12-01", "--out", str(tmp_path / "n.pdf"),
    )  # fmt: skip
    assert note.code == 3 and "2026-09-30" in note.err and note.err.count("\n") == 1
    assert not (tmp_path / "n.pdf").exists()


def test_a_foreign_business_in_euro_owes_compensation_and_the_missing_account_is_said(
    books: Cli, tmp_path: Path, db_path: Path
) -> None:
    from sqlalchemy import update

    from db.models import Contractor

    books("contractor", "add", "--name", "Müller & Söhne GmbH", "--country", "DE")
    db = open_database(db_path)
    with db.write() as session:  # a buyer a KSeF import knows by its EU VAT number only
        session.execute(
            update(Contractor).where(Contractor.name.like("Müller%")).values(tax_id="DE123456789")
        )
    books(
        "invoice", "add", "--contractor", "3", "--number", "FV/EUR/1", "--issued", "2026-02-28",
        "--due", "2026-03-15", "--amount", "2000.00", "--currency", "EUR",
    )  # fmt: skip
    out = tmp_path / "eur.pdf"
    result = books(
        "letter", "compensation", "--contractor", "3", "--today", "2026-12-01", "--out", str(out)
    )
    assert "no NIP" not in result.err, result.err
    demand = books(
        "letter", "demand", "--contractor", "3", "--today", "2026-12-01", "--out", str(out)
    )
    assert demand.code == 0, demand.err
    assert "no bank account in EUR" in demand.out + demand.err
    assert "DE123456789" in text_of(out)
