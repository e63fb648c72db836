"""JPK_FA(4) files through the shared upsert, on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from db.models import Contractor, Instalment, Invoice
from db.uow import Database
from desktop_app.importers.formats import ParseOptions
from desktop_app.services import contractors, firm, imports
from desktop_app.services.aging_report import aging_report
from tests.conftest import Cli
from tests.helpers import D, assert_ledger_consistent

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "jpk" / "JPK_FA_11_2026.xml"
TODAY = D(2026, 12, 1)


def _import(db: Database, *paths: Path) -> imports.ImportReport:
    return imports.import_paths(db, list(paths), "jpk", ParseOptions(), dry_run=False, today=TODAY)


def test_jpk_file_imports_with_default_terms_and_its_correction(db: Database) -> None:
    firm.save_firm(db, firm.FirmInput(name="Hurtownia Żółw sp. z o.o.", nip="7811767696"))
    # the dairy is known already, with 30 days' terms; the other buyer gets the default 14
    contractors.add_contractor(
        db, contractors.ContractorInput(name="SM Łąka", nip="113-219-12-33", terms_days=30)
    )
    report = _import(db, FIXTURE)
    assert report.errors == []
    # a new contractor, the known one updated (its name from the file), 3 invoices
    assert (report.created, report.updated, report.unchanged) == (4, 1, 0)
    assert [s.reason for s in report.skipped] == [
        "advance invoice FZAL 7/11/2026: it documents a payment already received"
    ]
    with db.read() as session:
        rows = session.execute(
            select(Invoice.number, Invoice.gross_minor, Instalment.due_date)
            .outerjoin(Instalment)
            .order_by(Invoice.number)
        ).all()
        names = sorted(session.scalars(select(Contractor.name)))
        city = session.scalar(select(Contractor.city).where(Contractor.nip == "5260250274"))
    assert [tuple(r) for r in rows] == [
        ("FS 101/11/2026", 246_000, D(2026, 11, 24)),
        ("FS 102/11/2026", 12_300, D(2026, 12, 12)),
        ("FS 103/11/2026/K", -2_460, None),
    ]
    assert names == ["Spółdzielnia Mleczarska „Łąka”", "Zakład Usług Łączności „Świt” sp. z o.o."]
    assert city == "Łódź"
    # the correction lowers the dairy's debt from 2026-11-25 on
    assert aging_report(db, D(2026, 11, 24)).currencies["PLN"].totals.open == 258_300
    assert aging_report(db, D(2026, 11, 25)).currencies["PLN"].totals.open == 255_840
    assert_ledger_consistent(db)

    again = _import(db, FIXTURE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_jpk_cli_refuses_a_purchase_register_by_mistake(cli: Cli, tmp_path: Path) -> None:
    assert cli("firm", "set", "--name", "Inna firma", "--nip", "5213017228").code == 0
    result = cli("import", "jpk", str(FIXTURE), "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["created"] == 0
    assert [s["reason"].split(":")[0] for s in data["skipped"]] == [
        "purchase invoice FS 101/11/2026",
        "purchase invoice FS 102/11/2026",
        "purchase invoice FS 103/11/2026/K",
        "purchase invoice FZAL 7/11/2026",
    ]
