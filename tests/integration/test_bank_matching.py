"""Bank lines recorded as payments and matched to invoices, on a real SQLite file."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Activity, Payment
from db.uow import Database
from desktop_app.importers.records import BankLine, ImportFileError, Where
from desktop_app.services import bank, views
from desktop_app.services.aging_report import aging_report
from tests.helpers import D, assert_ledger_consistent, contractor, invoice, pay

ACCOUNT = "PL61109010140000071219812874"
TODAY = D(2026, 12, 1)


def line(amount: int, title: str, **kw: object) -> BankLine:
    values: dict[str, object] = {
        "where": Where("statement.sta", 1),
        "account": ACCOUNT,
        "date": D(2026, 11, 25),
        "amount_minor": amount,
        "currency": "PLN",
        "title": title,
    }
    values.update(kw)
    return BankLine(**values)  # type: ignore[arg-type]


def record(db: Database, *lines: BankLine) -> bank.BankImportCounts:
    with db.write() as session:
        return bank.record_bank_lines(session, list(lines), today=TODAY, actor="test")


def _open(db: Database, cid: int) -> dict[str, int]:
    card = views.contractor_card(db, cid, TODAY)
    return {i.number: i.open_minor for i in card.invoices}


def test_a_title_naming_two_invoices_pays_both_and_says_why(db: Database) -> None:
    cid = contractor(db, "Łódzka Hurtownia Sp. z o.o.")
    invoice(db, cid, "FV 12/11/2026", D(2026, 11, 12), (D(2026, 11, 26), 100_000))
    invoice(db, cid, "FV 13/11/2026", D(2026, 11, 13), (D(2026, 11, 27), 50_000))
    invoice(db, cid, "FV 1/11", D(2026, 11, 1), (D(2026, 11, 15), 70_000))
    counts = record(db, line(170_000, "Zapłata FV 12/11/2026, FV13/11/2026", reference="R1"))
    assert counts == bank.BankImportCounts(created=1, unchanged=0, matched=1, left_for_person=0)
    # both named invoices paid, the overpayment kept as credit; the older "FV 1/11" untouched
    assert _open(db, cid) == {"FV 12/11/2026": 0, "FV 13/11/2026": 0, "FV 1/11": 70_000}
    card = views.contractor_card(db, cid, TODAY)
    assert card.balance("PLN").credit_minor == 20_000
    with db.read() as session:
        payment_id = session.scalar(select(Payment.id).where(Payment.source == "bank"))
        assert payment_id is not None
        reasons = bank.match_reasons(session, payment_id)
    assert len(reasons) == 1
    assert reasons[0].reasons == ("invoice number FV 12/11/2026, FV 13/11/2026 in the title",)
    assert [a.invoice_number for a in reasons[0].allocations] == [
        "FV 12/11/2026",
        "FV 13/11/2026",
    ]
    assert [a.kind for a in card.activity].count("payment_matched") == 1
    assert_ledger_consistent(db)


def test_the_same_statement_twice_records_each_line_once(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV 5/11/2026", D(2026, 11, 5), (D(2026, 11, 19), 30_000))
    lines = [
        line(30_000, "FV 5/11/2026"),
        line(1_000, "darowizna"),
        line(1_000, "darowizna"),  # two equal transfers on one day: two payments
    ]
    first = record(db, *lines)
    assert first == bank.BankImportCounts(created=3, unchanged=0, matched=1, left_for_person=2)
    again = record(db, *lines)
    assert again == bank.BankImportCounts(created=0, unchanged=3, matched=0, left_for_person=0)
    with db.read() as session:
        assert len(session.scalars(select(Payment)).all()) == 3
    assert _open(db, cid) == {"FV 5/11/2026": 0}


def test_unmatched_payment_is_listed_then_matched_and_unmatched_by_hand(db: Database) -> None:
    cid = contractor(db, "Beta S.A.")
    inv = invoice(db, cid, "FV 7/11/2026", D(2026, 11, 7), (D(2026, 11, 21), 40_000))
    counts = record(db, line(25_000, "przelew", payer_name="Jan Kowalski", reference="X1"))
    assert counts.left_for_person == 1
    with db.read() as session:
        waiting = bank.unmatched_payments(session)
        assert bank.unmatched_count(session) == 1
    assert [(w.amount_minor, w.title, w.status) for w in waiting] == [
        (25_000, "przelew", "unmatched")
    ]
    before = aging_report(db, D(2026, 11, 30))
    with db.write() as session:
        (allocation_id,) = bank.match(session, waiting[0].id, inv, actor="anna")
    assert _open(db, cid) == {"FV 7/11/2026": 15_000}
    with db.read() as session:
        assert bank.unmatched_payments(session) == []
        (record_,) = bank.match_reasons(session, waiting[0].id)
    assert record_.manual and record_.actor == "anna"
    assert record_.summary.startswith("Bank payment of 250.00 PLN")
    with db.write() as session:
        bank.unmatch(session, allocation_id, actor="anna")
    # back where it was: open again, on every day, and waiting for a person again
    assert _open(db, cid) == {"FV 7/11/2026": 40_000}
    assert aging_report(db, D(2026, 11, 30)) == before
    with db.read() as session:
        assert [w.id for w in bank.unmatched_payments(session)] == [waiting[0].id]
        history = bank.match_reasons(session, waiting[0].id)
    assert [h.undo for h in history] == [False, True]
    assert_ledger_consistent(db)


def test_a_number_that_starts_another_never_pays_it(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV 1/11", D(2026, 11, 1), (D(2026, 11, 15), 10_000))
    counts = record(db, line(10_000, "FV 1/11/2026"))
    assert counts.matched == 0
    assert _open(db, cid) == {"FV 1/11": 10_000}


def test_nip_and_then_the_account_identify_the_payer(db: Database) -> None:
    cid = contractor(db, "Gamma", nip="5260250274")
    invoice(db, cid, "FV 2/10/2026", D(2026, 10, 2), (D(2026, 10, 16), 10_000))
    invoice(db, cid, "FV 3/10/2026", D(2026, 10, 3), (D(2026, 10, 17), 20_000))
    payer = "PL27114020040000300201355387"
    first = record(db, line(20_000, "NIP 526-025-02-74", payer_account=payer, reference="A"))
    assert first.matched == 1
    # the exact amount of one open item picks it over the oldest
    assert _open(db, cid) == {"FV 2/10/2026": 10_000, "FV 3/10/2026": 0}
    second = record(db, line(4_000, "czesc", payer_account=payer, reference="B"))
    assert second.matched == 1
    assert _open(db, cid) == {"FV 2/10/2026": 6_000, "FV 3/10/2026": 0}
    with db.read() as session:
        entries = session.scalars(
            select(Activity).where(Activity.kind == "payment_matched").order_by(Activity.id)
        ).all()
        texts = [
            r
            for e in entries
            for r in bank.match_reasons(session, e.data["payment_id"])  # type: ignore[index]
        ]
    assert "payer's NIP 5260250274 in the title" in texts[0].reasons
    assert texts[-1].reasons[0].startswith("payer's account PL27114020040000300201355387 seen")


def test_numbers_of_two_contractors_are_left_for_a_person(db: Database) -> None:
    a = contractor(db, "A")
    b = contractor(db, "B")
    invoice(db, a, "FV 1/12/2026", D(2026, 11, 20), (D(2026, 12, 4), 10_000))
    invoice(db, b, "FV 2/12/2026", D(2026, 11, 20), (D(2026, 12, 4), 10_000))
    counts = record(db, line(20_000, "FV 1/12/2026 FV 2/12/2026"))
    assert counts.left_for_person == 1
    with db.read() as session:
        (waiting,) = bank.unmatched_payments(session)
    assert waiting.status == "ambiguous"
    assert {s.invoice_number for s in waiting.suggestions} == {"FV 1/12/2026", "FV 2/12/2026"}


def test_an_invoice_added_after_its_payment_is_suggested(db: Database) -> None:
    record(db, line(10_000, "FV 9/11/2026"))
    cid = contractor(db)
    invoice(db, cid, "FV 9/11/2026", D(2026, 11, 9), (D(2026, 11, 23), 10_000))
    with db.read() as session:
        (waiting,) = bank.unmatched_payments(session)
    assert waiting.status == "matchable"
    assert waiting.suggestions[0].invoice_number == "FV 9/11/2026"
    with db.write() as session:
        assert bank.match_waiting(session, actor="test") == 1
    assert _open(db, cid) == {"FV 9/11/2026": 0}
    with db.read() as session:
        assert bank.unmatched_payments(session) == []
    pay(db, cid, D(2026, 11, 30), 1)  # the ledger's other paths still work beside bank rows
    assert_ledger_consistent(db)


def test_undoing_a_manual_match_of_credit_restores_the_automatic_state(db: Database) -> None:
    cid = contractor(db, "Delta")
    invoice(db, cid, "FV 3/11/2026", D(2026, 11, 3), (D(2026, 11, 17), 10_000))
    other = invoice(db, cid, "FV 4/11/2026", D(2026, 11, 4), (D(2026, 11, 18), 10_000))
    assert record(db, line(15_000, "FV 3/11/2026", reference="P")).matched == 1
    before = aging_report(db, D(2026, 11, 30))
    with db.read() as session:
        payment_id = session.scalar(select(Payment.id))
        assert payment_id is not None
    with db.write() as session:
        (manual,) = bank.match(session, payment_id, other, actor="anna")
    assert _open(db, cid) == {"FV 3/11/2026": 0, "FV 4/11/2026": 5_000}
    with db.write() as session:
        bank.unmatch(session, manual, actor="anna")
    # the automatic match stands, the credit is credit again, nothing waits for a person
    assert _open(db, cid) == {"FV 3/11/2026": 0, "FV 4/11/2026": 10_000}
    assert views.contractor_card(db, cid, TODAY).balance("PLN").credit_minor == 5_000
    assert aging_report(db, D(2026, 11, 30)) == before
    with db.read() as session:
        assert bank.unmatched_payments(session) == []
    # undoing the automatic match too: the payment is nobody's again
    with db.read() as session:
        auto = bank.match_reasons(session, payment_id)[0].allocations[0].allocation_id
    with db.write() as session:
        bank.unmatch(session, auto)
    with db.read() as session:
        assert [w.id for w in bank.unmatched_payments(session)] == [payment_id]
    assert _open(db, cid) == {"FV 3/11/2026": 10_000, "FV 4/11/2026": 10_000}
    assert_ledger_consistent(db)


def test_a_line_of_nothing_is_refused_and_nothing_is_recorded(db: Database) -> None:
    with pytest.raises(ImportFileError, match="more than zero"):
        record(db, line(5_000, "ok", reference="A"), line(0, "zero", reference="B"))
    with db.read() as session:
        assert session.scalars(select(Payment)).all() == []


def test_a_bank_line_for_an_invoice_its_source_already_marked_paid_is_not_counted_twice(
    db: Database,
) -> None:
    # the invoice came from KSeF with "Zaplacono": recorded as paid; then the bank statement
    # brings the same money naming it. As credit it would pay FV 2/11/2026 as well.
    gesla = contractor(db, "Gęśla Jaźń s.c.")
    invoice(db, gesla, "FV 1/11/2026", D(2026, 11, 2), (D(2026, 11, 16), 12_300))
    invoice(db, gesla, "FV 2/11/2026", D(2026, 11, 3), (D(2026, 11, 17), 12_300))
    pay(db, gesla, D(2026, 11, 5), 12_300, invoice_number="FV 1/11/2026")
    counts = record(db, line(12_300, "Zapłata za fakturę FV 1/11/2026"))
    assert (counts.matched, counts.left_for_person) == (0, 1)
    assert _open(db, gesla) == {"FV 1/11/2026": 0, "FV 2/11/2026": 12_300}
    assert_ledger_consistent(db)
