"""What the Bank view reads beside the waiting payments, on a real SQLite file: matched bank
payments with the reasons of their last match, and open invoices found as a person types."""

from __future__ import annotations

from db.uow import Database
from desktop_app.importers.records import BankLine, Where
from desktop_app.services import bank
from desktop_app.services.bank.review import matched_payments, open_invoices
from tests.helpers import D, contractor, invoice, pay

ACCOUNT = "PL61109010140000071219812874"


def _line(amount: int, title: str, reference: str) -> BankLine:
    return BankLine(Where("wyciąg.sta", 1), ACCOUNT, D(2026, 11, 20), amount, "PLN", title=title,
                    reference=reference, payer_name="Łęcki")  # fmt: skip


def test_matched_payments_say_why_and_what_they_paid(db: Database) -> None:
    cid = contractor(db, "Zakład Łęcki")
    invoice(db, cid, "FV/7/10/2026", D(2026, 10, 1), (D(2026, 10, 15), 50_000))
    pay(db, cid, D(2026, 11, 2), 1_000)  # by hand, not from the bank: not listed
    with db.write() as session:
        bank.record_bank_lines(
            session,
            [_line(60_000, "FV 7/10/2026", "R1"), _line(5_000, "nic", "R2")],
            today=D(2026, 11, 22),
        )
        found = matched_payments(session)
    assert len(found) == 1
    paid = found[0]
    assert (paid.contractor_id, paid.contractor_name, paid.manual) == (cid, "Zakład Łęcki", False)
    assert paid.reasons == ("invoice number FV/7/10/2026 in the title",)
    # the payment by hand took 10,00 first: the bank's 600,00 pays the 490,00 left, 110,00 credit
    assert [(s.invoice_number, s.amount_minor) for s in paid.shares] == [("FV/7/10/2026", 49_000)]
    assert paid.unallocated_minor == 11_000


def test_open_invoices_are_found_by_number_as_written_or_by_contractor(db: Database) -> None:
    lecki = contractor(db, "Zakład Usługowy Łęcki", "7740001454")
    other = contractor(db, "Beta Sp. z o.o.")
    invoice(db, lecki, "FV/12/11/2026", D(2026, 11, 12), (D(2026, 11, 26), 10_000))
    invoice(db, lecki, "FV/3/11/2026", D(2026, 11, 3), (D(2026, 11, 17), 20_000))
    invoice(db, other, "FV/13/11/2026", D(2026, 11, 13), (D(2026, 11, 27), 30_000))
    invoice(db, other, "FV/14/11/2026", D(2026, 11, 14), (D(2026, 11, 28), 5_000), currency="EUR")
    pay(db, other, D(2026, 11, 20), 30_000, invoice_number="FV/13/11/2026")  # paid: not listed

    def numbers(text: str, **kw: object) -> list[str]:
        with db.read() as session:
            return [c.number for c in open_invoices(session, text, currency="PLN", **kw)]  # type: ignore[arg-type]

    assert numbers("") == ["FV/3/11/2026", "FV/12/11/2026"]  # oldest due first
    assert numbers("FV12/11") == ["FV/12/11/2026"]  # as a payer writes it
    assert numbers("12 / 11 / 2026") == ["FV/12/11/2026"]
    assert numbers("lecki") == ["FV/3/11/2026", "FV/12/11/2026"]  # the contractor, any letters
    assert numbers("774 000 14 54") == ["FV/3/11/2026", "FV/12/11/2026"]  # the NIP
    assert numbers("FV/1", contractor_id=other) == []
    assert numbers("nobody") == []
    with db.read() as session:
        euro = open_invoices(session, "", currency="EUR")
    assert [(c.number, c.open_minor, c.due_date) for c in euro] == [
        ("FV/14/11/2026", 5_000, D(2026, 11, 28))
    ]
