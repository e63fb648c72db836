"""Letters from a real SQLite database: the figures, the legal conditions, the record, batches.

Interest worked by hand (the shipped commercial rates: 2026 H1 14.00 %, H2 13.75 %; actual/365):

* FV/1: 12,300.00 PLN due Sunday 2026-03-15, moved to Monday 16 March (Art. 115 KC), unpaid on
  2026-12-01: 17.03-30.06 = 106 days, 12300 x 14 % x 106/365 = 500.0877 -> 500.09;
  01.07-01.12 = 154 days, 12300 x 13.75 % x 154/365 = 713.5685 -> 713.57; together 1,213.66.
  Compensation: 12,300.00 > 5,000.00 -> 70 EUR at the NBP rate of Friday 2026-02-27 (4.2500 in
  this test's table) = 297.50 PLN.
* FV/2: 3,690.00 PLN due Monday 2026-05-18, paid Saturday 2026-08-01: 19.05-30.06 = 43 days,
  3690 x 14 % x 43/365 = 60.8597 -> 60.86; 01.07-01.08 = 32 days, 3690 x 13.75 % x 32/365 =
  44.4822 -> 44.48; interest 105.34. Compensation 40 EUR at 2026-04-30's 4.2000 = 168.00 PLN.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from db.models import Activity
from db.uow import Database
from desktop_app.domain.money import Money
from desktop_app.domain.rates import RateKind
from desktop_app.services import letters
from desktop_app.services.contractors import ContractorInput, add_contractor
from desktop_app.services.firm import FirmInput, save_firm
from desktop_app.services.invoices import InstalmentInput, InvoiceInput, add_invoice
from desktop_app.services.letters import (
    BatchRequest,
    LetterRefusedError,
    LetterRequest,
)
from desktop_app.services.payments import PaymentInput, add_payment
from desktop_app.services.rates import add_rate

D = dt.date
TODAY = D(2026, 12, 1)
NIP = "5252248481"

#: NBP mid rates this test stores, as a user would with 'rates add --kind eur'
EUR_RATES = {D(2026, 2, 27): Decimal("4.2500"), D(2026, 4, 30): Decimal("4.2000")}


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


@pytest.fixture
def ledger(db: Database) -> Database:
    save_firm(
        db,
        FirmInput(
            "Żółta Łódź Sp. z o.o.",
            nip="8971234561",
            street="ul. Świętego Mikołaja 12/4",
            postal_code="50-125",
            city="Wrocław",
            accounts=[("PL61109010140000071219812874", "PLN")],
        ),
    )
    add_contractor(
        db,
        ContractorInput(
            "Gęśla Jaźń Sp. j.", nip=NIP, street="ul. Źródlana 5", postal_code="00-950",
            city="Warszawa",
        ),
    )  # fmt: skip
    add_contractor(db, ContractorInput("Ąćęł Consumer", city="Łódź"))
    add_invoice(
        db,
        InvoiceInput(
            NIP, "FV/1", D(2026, 2, 28), "PLN", [InstalmentInput(D(2026, 3, 15), 1_230_000)]
        ),
    )
    add_invoice(
        db,
        InvoiceInput(NIP, "FV/2", D(2026, 5, 4), "PLN", [InstalmentInput(D(2026, 5, 18), 369_000)]),
    )
    add_payment(db, PaymentInput(NIP, D(2026, 8, 1), 369_000, invoice_number="FV/2"))
    for day, rate in EUR_RATES.items():
        add_rate(db, RateKind.EUR, day, rate)
    add_invoice(
        db,
        InvoiceInput(2, "FV/3", D(2026, 11, 1), "PLN", [InstalmentInput(D(2026, 11, 20), 10_000)]),
    )
    return db


def pdfs(folder: Path) -> list[Path]:
    """Letters and the temporary files they are written to first."""
    return [p for p in folder.iterdir() if p.suffix == ".pdf" or p.name.startswith(".inkaso-")]


def letter_rows(db: Database) -> list[tuple[str | None, dict[str, Any]]]:
    """(channel, data) of each letter in the activity log, oldest first."""
    with db.read() as session:
        rows = session.scalars(
            select(Activity).where(Activity.kind == "letter").order_by(Activity.id)
        )
        return [(row.channel, dict(row.data or {})) for row in rows]


def test_demand_letter_claims_principal_interest_and_compensation(
    ledger: Database, tmp_path: Path
) -> None:
    out = tmp_path / "wezwanie.pdf"
    written = letters.write_letter(
        ledger, LetterRequest("demand", NIP, TODAY), letters.load_sources(ledger), out
    )
    letter = written.letters[0]
    assert [i.number for i in letter.items] == ["FV/1"]  # FV/2 was paid
    [total] = letter.totals
    assert (total.principal.minor, total.interest.minor, total.compensation.minor) == (
        1_230_000, 121_366, 29_750,
    )  # fmt: skip
    assert total.total.minor == 1_381_116
    assert letter.deadline == D(2026, 12, 8)
    text = pdf_text(out)
    assert "13 811,16 zł" in text
    assert "trzynaście tysięcy osiemset jedenaście złotych, szesnaście groszy" in text
    assert "500,09" in text and "713,57" in text and "297,50" in text
    assert "NIP: 5252248481" in text and "NIP: 8971234561" in text
    assert "PL61 1090 1014 0000 0712 1981 2874" in text
    # the rate of 2026 H2 is not verified yet: the user is told to check it
    assert any("not verified" in w for w in written.warnings)
    [(channel, data)] = letter_rows(ledger)
    assert channel == "print"
    assert data["document"] == "demand" and data["amount"] == "13811.16"


def test_debtor_register_warning_is_refused_without_a_registered_demand_a_month_before(
    ledger: Database, tmp_path: Path
) -> None:
    out = tmp_path / "big.pdf"
    request = LetterRequest("big", NIP, TODAY)
    with pytest.raises(LetterRefusedError, match="registered mail"):
        letters.write_letter(ledger, request, letters.load_sources(ledger), out)
    assert not out.exists() and letter_rows(ledger) == []
    assert not pdfs(tmp_path)  # no half-written file either

    # a demand by registered mail on 2 November is not a month old on 1 December ...
    first = LetterRequest("demand", NIP, D(2026, 11, 2), registered=True)
    letters.write_letter(ledger, first, letters.load_sources(ledger), tmp_path / "demand.pdf")
    with pytest.raises(LetterRefusedError):
        letters.write_letter(ledger, request, letters.load_sources(ledger), out)
    # ... and is on 2 December
    later = LetterRequest("big", NIP, D(2026, 12, 2), bureau="erif")
    written = letters.write_letter(ledger, later, letters.load_sources(ledger), out)
    assert "ERIF Biuro Informacji Gospodarczej S.A., Al. Jerozolimskie 100, 00-807 Warszawa" in (
        pdf_text(out)
    )
    assert written.letters[0].bureau is not None
    rows = letter_rows(ledger)
    assert [data["document"] for _channel, data in rows] == ["demand", "big"]
    assert rows[0][0] == letters.REGISTERED and rows[0][1]["sent_on"] == "2026-11-02"


def test_no_debtor_register_warning_for_a_consumer(ledger: Database, tmp_path: Path) -> None:
    with pytest.raises(LetterRefusedError, match="businesses only"):
        letters.write_letter(
            ledger, LetterRequest("big", 2, TODAY), letters.load_sources(ledger), tmp_path / "c.pdf"
        )


def test_interest_note_for_an_invoice_paid_late(ledger: Database, tmp_path: Path) -> None:
    out = tmp_path / "nota.pdf"
    written = letters.write_letter(
        ledger, LetterRequest("interest-note", NIP, TODAY), letters.load_sources(ledger), out
    )
    [item] = written.letters[0].items
    assert item.number == "FV/2" and item.paid_on == D(2026, 8, 1) and item.days_late == 75
    assert [r.interest.minor for r in item.interest_rows] == [6_086, 4_448]
    assert written.letters[0].totals[0].total.minor == 10_534
    text = pdf_text(out)
    assert "105,34 zł" in text and "sto pięć złotych, trzydzieści cztery grosze" in text


def test_compensation_note_for_every_invoice_late_or_unpaid(
    ledger: Database, tmp_path: Path
) -> None:
    out = tmp_path / "rekompensata.pdf"
    request = LetterRequest("compensation", NIP, TODAY)
    written = letters.write_letter(ledger, request, letters.load_sources(ledger), out)
    # FV/1 is still unpaid, FV/2 was paid late: both owe it
    assert [(i.number, i.compensation) for i in written.letters[0].items] == [
        ("FV/1", Money(29_750, "PLN")),
        ("FV/2", Money(16_800, "PLN")),
    ]
    consumer = LetterRequest("compensation", 2, TODAY)
    with pytest.raises(LetterRefusedError, match="business"):
        letters.write_letter(ledger, consumer, letters.load_sources(ledger), tmp_path / "x.pdf")


def test_nothing_overdue_is_no_letter(ledger: Database, tmp_path: Path) -> None:
    with pytest.raises(LetterRefusedError, match="nothing"):
        letters.write_letter(
            ledger,
            LetterRequest("demand", NIP, D(2026, 3, 16)),
            letters.load_sources(ledger),
            tmp_path / "x.pdf",
        )


def test_batch_writes_a_letter_per_contractor_and_the_registered_mail_list(
    ledger: Database, tmp_path: Path
) -> None:
    out = tmp_path / "partia.pdf"
    request = BatchRequest(TODAY, min_days=30, min_amount_minor=500_00, registered=True)
    written, refused = letters.write_batch(ledger, request, letters.load_sources(ledger), out)
    assert [x.debtor.name for x in written.letters] == ["Gęśla Jaźń Sp. j."]
    assert refused == []
    book = tmp_path / "partia-ksiazka.pdf"
    assert written.postbook == book.resolve() and book.exists()
    assert "Gęśla Jaźń Sp. j." in pdf_text(book) and "ul. Źródlana 5" in pdf_text(book)
    # the consumer's 100.00 PLN, 11 days late, joins when the filter allows it; the business
    # has had its demand today and gets no second one
    wider = BatchRequest(TODAY, min_days=1, min_amount_minor=1)
    written, refused = letters.write_batch(
        ledger, wider, letters.load_sources(ledger), tmp_path / "all.pdf"
    )
    assert [x.debtor.name for x in written.letters] == ["Ąćęł Consumer"]
    assert len(refused) == 1 and refused[0].startswith("Gęśla Jaźń Sp. j.: Demand for payment")
    reader = PdfReader(tmp_path / "all.pdf")
    assert "Ąćęł Consumer" in reader.pages[0].extract_text()


def test_a_batch_that_matches_nobody_writes_nothing(ledger: Database, tmp_path: Path) -> None:
    request = BatchRequest(TODAY, min_days=400, min_amount_minor=1)
    with pytest.raises(LetterRefusedError):
        letters.write_batch(ledger, request, letters.load_sources(ledger), tmp_path / "none.pdf")
    assert not pdfs(tmp_path)


def test_a_balance_confirmation_of_nothing_owed_says_zero(ledger: Database, tmp_path: Path) -> None:
    out = tmp_path / "saldo.pdf"
    written = letters.write_letter(
        ledger, LetterRequest("balance", NIP, D(2026, 2, 1)), letters.load_sources(ledger), out
    )
    assert written.letters[0].items == ()
    assert "saldo zobowiązań Gęśla Jaźń Sp. j. wobec naszej firmy wynosi 0,00 zł" in pdf_text(out)
