"""Statement files into the database: exact counts, a second import changes nothing, a refused
file leaves the database as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import Activity, Allocation, Payment
from db.uow import Database
from desktop_app.importers.records import ImportFileError
from desktop_app.services import bank, views
from tests.conftest import Cli
from tests.helpers import D, assert_ledger_consistent, contractor, invoice

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank"
TODAY = D(2026, 12, 1)


def _book(db: Database) -> tuple[int, int]:
    lodz = contractor(db, "Łódzka Hurtownia Sp. z o.o.")
    beta = contractor(db, "Beta S.A.")
    invoice(db, lodz, "FV 12/11/2026", D(2026, 11, 12), (D(2026, 11, 26), 100_000))
    invoice(db, lodz, "FV 13/11/2026", D(2026, 11, 13), (D(2026, 11, 27), 70_000))
    invoice(db, beta, "FV 14/10/2026", D(2026, 10, 14), (D(2026, 10, 28), 110_000))
    return lodz, beta


def _rows(db: Database) -> tuple[int, int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Payment)) or 0,
            session.scalar(select(func.count()).select_from(Allocation)) or 0,
            session.scalar(select(func.count()).select_from(Activity)) or 0,
        )


def _open(db: Database, cid: int) -> dict[str, int]:
    return {i.number: i.open_minor for i in views.contractor_card(db, cid, TODAY).invoices}


@pytest.mark.parametrize("name", ["statement.sta", "camt053_v02.xml"])
def test_the_two_invoice_title_pays_both_and_the_second_import_changes_nothing(
    db: Database, name: str
) -> None:
    lodz, beta = _book(db)
    first = bank.import_statement(db, FIXTURES / name, today=TODAY, actor="test")
    assert first.format == ("mt940" if name.endswith(".sta") else "camt053")
    if name.endswith(".sta"):
        # 1,700.00 pays both Łódź invoices; 300.50 pays part of Beta's "F-14/10/2026"; Jan
        # Kowalski's 123.45 waits for a person; the debit is dropped, the reversal listed
        assert first.counts == bank.BankImportCounts(3, 0, 2, 1)
        assert _open(db, beta) == {"FV 14/10/2026": 79_950}
    else:
        assert first.counts == bank.BankImportCounts(2, 0, 1, 1)
    assert len(first.skipped) == 1
    assert _open(db, lodz) == {"FV 12/11/2026": 0, "FV 13/11/2026": 0}
    assert_ledger_consistent(db)
    rows = _rows(db)
    again = bank.import_statement(db, FIXTURES / name, today=TODAY, actor="test")
    assert again.counts == bank.BankImportCounts(0, first.counts.created, 0, 0)
    assert _rows(db) == rows
    with db.read() as session:
        (waiting,) = bank.unmatched_payments(session)
    assert (waiting.amount_minor, waiting.payer_name) == (12_345, "Jan Kowalski")


def test_a_batch_entry_of_camt053_001_08_pays_each_transaction(db: Database) -> None:
    _lodz, beta = _book(db)
    result = bank.import_statement(db, FIXTURES / "camt053_v08.xml", today=TODAY)
    # "FV14/10/2026 FV 99/10/2026": the first is Beta's, the second unknown; Gamma's 799.50
    # goes to Beta's invoice by its number, with Beta's own 300.50
    assert result.counts == bank.BankImportCounts(2, 0, 2, 0)
    assert _open(db, beta) == {"FV 14/10/2026": 0}
    assert views.contractor_card(db, beta, TODAY).balance("PLN").credit_minor == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.sta", None),
        ("bomb.xml", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaa">]><Document/>'),
        ("truncated.xml", None),
        ("notes.txt", b"just some notes\n"),
    ],
)
def test_a_refused_file_leaves_the_database_unchanged(
    db: Database, tmp_path: Path, name: str, content: bytes | None
) -> None:
    _book(db)
    bank.import_statement(db, FIXTURES / "camt053_v02.xml", today=TODAY)
    before = _rows(db)
    path = tmp_path / name
    if name == "broken.sta":
        good = (FIXTURES / "statement.sta").read_bytes()
        # the file's last line is broken: nothing of its good lines before it is recorded
        content = good + b":20:X\r\n:25:/PL61109010140000071219812874\r\n:60F:C261124PLN1,00\r\n"
        content += b":61:2611251125CN17OO,00NTRF\r\n"
    elif name == "truncated.xml":
        content = (FIXTURES / "camt053_v08.xml").read_bytes()[:900]
    assert content is not None
    path.write_bytes(content)
    with pytest.raises(ImportFileError):
        bank.import_statement(db, path, today=TODAY)
    assert _rows(db) == before


def test_cli_lists_matches_and_unmatches(db: Database, cli: Cli) -> None:
    lodz, _beta = _book(db)
    bank.import_statement(db, FIXTURES / "statement.sta", today=TODAY)
    listed = cli("payment", "unmatched", "--json")
    assert listed.code == 0, listed.err
    (waiting,) = listed.json()
    assert {k: waiting[k] for k in ("date", "amount", "currency", "payer", "title")} == {
        "date": "2026-11-26",
        "amount": "123.45",
        "currency": "PLN",
        "payer": "Jan Kowalski",
        "title": "Za usługę, dziękuję",
    }
    invoice(db, lodz, "FV 20/11/2026", D(2026, 11, 20), (D(2026, 12, 4), 50_000))
    matched = cli("payment", "match", str(waiting["id"]), "FV 20/11/2026", "--amount", "100")
    assert matched.code == 0, matched.err
    assert "23.45" in matched.out
    assert _open(db, lodz)["FV 20/11/2026"] == 40_000
    assert cli("payment", "unmatched", "--json").json() == []
    with db.read() as session:
        (record,) = bank.match_reasons(session, waiting["id"])
    allocation = record.allocations[0].allocation_id
    undone = cli("payment", "unmatch", str(allocation), "--json")
    assert undone.code == 0, undone.err
    assert undone.json()["payment"]["unallocated"] == "123.45"
    assert _open(db, lodz)["FV 20/11/2026"] == 50_000
    assert [w["id"] for w in cli("payment", "unmatched", "--json").json()] == [waiting["id"]]
    # mistakes are one sentence and exit 3
    again = cli("payment", "unmatch", str(allocation))
    assert again.code == 3 and "nothing to undo" in again.err
    missing = cli("payment", "match", str(waiting["id"]), "FV 404/2026")
    assert missing.code == 3 and "No invoice FV 404/2026" in missing.err
    too_much = cli("payment", "match", str(waiting["id"]), "FV 20/11/2026", "--amount", "999")
    assert too_much.code == 3 and "at most 123.45" in too_much.err


def test_import_bank_on_the_command_line_records_and_matches_a_folder_once(
    db: Database, cli: Cli, tmp_path: Path
) -> None:
    lodz, _beta = _book(db)
    folder = tmp_path / "wyciągi"
    folder.mkdir()
    for name in ("statement.sta", "camt053_v08.xml"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    first = cli("import", "bank", str(folder), "--today", TODAY.isoformat(), "--json").json()
    assert first["errors"] == []
    assert first["created"] >= 3
    assert _open(db, lodz) == {"FV 12/11/2026": 0, "FV 13/11/2026": 0}
    rows = _rows(db)
    again = cli("import", "bank", str(folder), "--today", TODAY.isoformat(), "--json").json()
    assert (again["created"], again["unchanged"]) == (0, first["created"])
    assert _rows(db) == rows
    assert_ledger_consistent(db)


SAME_NUMBER_STATEMENT = """{1:F01BPKOPLPWAXXX0000000000}{2:O940BPKOPLPWXXXX}{4:
:20:ST261125/0002
:25:/PL61109010140000071219812874
:28C:00232
:60F:C261124PLN0,00
:61:2611251125CN4428,00NTRFNONREF//PKO0000011
:86:020~00PRZELEW PRZYCHODZACY~20FV 1/11/2026~32ALFA SP Z O O~38PL27114020040000300201355387
:61:2611251125CN4428,00NTRFNONREF//PKO0000012
:86:020~00PRZELEW PRZYCHODZACY~20FV 1/11/2026 NIP 526-025-02-74~32GAMMA~38PL83101010230000261395100000
:62F:C261125PLN8856,00
-}
"""


def test_a_number_two_contractors_share_goes_to_the_exact_amount_or_the_payers_nip(
    db: Database, tmp_path: Path
) -> None:
    alfa = contractor(db, "Alfa Sp. z o.o.")
    gamma = contractor(db, "Gamma", nip="5260250274")
    invoice(db, alfa, "FV 1/11/2026", D(2026, 11, 2), (D(2026, 11, 16), 442_800))
    invoice(db, gamma, "FV/1/11/2026", D(2026, 11, 3), (D(2026, 11, 17), 100_000))
    path = tmp_path / "same_number.sta"
    path.write_text(SAME_NUMBER_STATEMENT, encoding="ascii")
    done = bank.import_statement(db, path, today=TODAY, actor="test")
    # the first line is exactly Alfa's open amount; the second names Gamma's NIP, which wins
    # over Alfa's invoice (paid by then anyway)
    assert done.counts == bank.BankImportCounts(
        created=2, unchanged=0, matched=2, left_for_person=0
    )
    assert _open(db, alfa) == {"FV 1/11/2026": 0}
    assert _open(db, gamma) == {"FV/1/11/2026": 0}
    assert views.contractor_card(db, gamma, TODAY).balance("PLN").credit_minor == 342_800
    with db.read() as session:
        ids = session.scalars(select(Payment.id).order_by(Payment.id)).all()
        first, second = (bank.match_reasons(session, i)[0].reasons for i in ids)
    assert first == (
        "invoice number FV 1/11/2026 in the title",
        "other contractors' invoices share the number; FV 1/11/2026 is of exactly the amount",
    )
    assert second == (
        "invoice number FV/1/11/2026 in the title",
        "payer's NIP 5260250274 in the title",
        "other contractors' invoices share the number; FV/1/11/2026 is the payer's",
    )
    assert_ledger_consistent(db)
