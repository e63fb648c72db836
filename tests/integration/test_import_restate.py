"""A re-imported invoice whose amount changed keeps the payments matched to it: only what no
longer fits is released, becomes credit again and is said so in the activity log."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from db.models import Activity, Allocation, Invoice, Payment
from db.uow import Database
from desktop_app.importers.formats import ParseOptions
from desktop_app.importers.records import BankLine, Where
from desktop_app.services import bank, imports
from desktop_app.services.activity import render_summary
from tests.helpers import D, assert_ledger_consistent

TODAY = D(2026, 12, 1)
HEADER = "Numer,Data wystawienia,Termin płatności,Nabywca,NIP nabywcy,Wartość brutto,Waluta\n"


def _csv(path: Path, second_gross: str) -> Path:
    path.write_text(
        HEADER
        + "FV 1/11/2026,02/11/2026,10/11/2026,Łódzka Spółdzielnia Ślusarzy,5213012343,1000.00,PLN\n"
        + f"FV 2/11/2026,05/11/2026,20/11/2026,Łódzka Spółdzielnia Ślusarzy,5213012343,{second_gross},PLN\n",
        encoding="utf-8",
    )
    return path


def _import(db: Database, path: Path) -> imports.ImportReport:
    return imports.import_paths(
        db, [path], "csv", ParseOptions(mapping="fakturownia"), dry_run=False, today=TODAY
    )


def _matched_by_hand(db: Database, amount: int, matched: int | None = None) -> tuple[int, int]:
    """A bank payment nobody could match, matched by a person to the newer invoice (not the
    one the oldest-first rule would pay); returns (payment id, allocation id)."""
    line = BankLine(Where("wyciąg.sta", 1), "PL61109010140000071219812874", D(2026, 11, 21),
                    amount, "PLN", title="zapłata", reference="R-1", payer_name="Ślusarze")  # fmt: skip
    with db.write() as session:
        bank.record_bank_lines(session, [line], today=TODAY)
        payment_id = session.scalars(select(Payment.id)).one()
        invoice_id = session.scalars(
            select(Invoice.id).where(Invoice.number == "FV 2/11/2026")
        ).one()
        (allocation_id,) = bank.match(session, payment_id, invoice_id, amount_minor=matched)
    return payment_id, allocation_id


def _open(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {
            i.number: sum(p.open_minor for p in i.instalments)
            for i in session.scalars(select(Invoice))
        }


def _on_second(db: Database, payment_id: int) -> list[tuple[int, int, bool]]:
    """The payment's allocations on the newer invoice: (id, amount, still counts)."""
    with db.read() as session:
        return [
            (a.id, a.amount_minor, a.released_on is None)
            for a in session.scalars(
                select(Allocation)
                .where(Allocation.payment_id == payment_id)
                .order_by(Allocation.id)
            )
            if a.instalment.invoice.number == "FV 2/11/2026"
        ]


def test_a_raised_invoice_keeps_a_partial_manual_match_as_the_person_made_it(
    db: Database, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "faktury.csv", "1000.00")
    _import(db, path)
    # 500.00 of the 1000.00 set against the newer invoice by hand; the rest is credit
    payment_id, allocation_id = _matched_by_hand(db, 100_000, matched=50_000)

    report = _import(db, _csv(path, "1200.00"))

    assert report.updated == 1
    assert _on_second(db, payment_id) == [(allocation_id, 50_000, True)]
    # the credit left pays the oldest due first (the credit rule), not the restated invoice
    assert _open(db) == {"FV 1/11/2026": 50_000, "FV 2/11/2026": 70_000}
    assert_ledger_consistent(db)


def test_a_lowered_invoice_keeps_the_manual_match_and_releases_only_the_excess(
    db: Database, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "faktury.csv", "1000.00")
    _import(db, path)
    payment_id, allocation_id = _matched_by_hand(db, 100_000)

    _import(db, _csv(path, "800.00"))

    # the match is kept for what fits; the original row stays as history, counting no day
    found = _on_second(db, payment_id)
    assert found[0] == (allocation_id, 100_000, False)
    assert [(amount, counts) for _id, amount, counts in found[1:]] == [(80_000, True)]
    with db.read() as session:
        notes = [
            render_summary(a.kind, a.summary, a.data)
            for a in session.scalars(select(Activity).where(Activity.kind == "invoice"))
        ]
    assert (
        "Invoice FV 2/11/2026 is now lower than what was set against it: 200.00 PLN of the "
        "payment of 21/11/2026 no longer fits and is credit again"
    ) in notes, notes
    # the 200.00 released is credit, which pays the older invoice by the credit rule
    assert _open(db) == {"FV 1/11/2026": 80_000, "FV 2/11/2026": 0}
    assert_ledger_consistent(db)


def test_an_undone_match_stays_in_the_history_after_a_restatement(
    db: Database, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "faktury.csv", "1000.00")
    _import(db, path)
    payment_id, allocation_id = _matched_by_hand(db, 30_000)
    with db.write() as session:
        bank.unmatch(session, allocation_id)

    _import(db, _csv(path, "900.00"))

    assert _on_second(db, payment_id) == [(allocation_id, 30_000, False)]
    assert _open(db) == {"FV 1/11/2026": 100_000, "FV 2/11/2026": 90_000}
    assert_ledger_consistent(db)
