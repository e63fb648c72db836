"""A folder read again costs the database a few statements per batch, not several per file.

Counted with the engine's own statement events (no timing): a re-import of 30 unchanged files
and one of 90 issue the same statements, because the bulk path loads what a batch names in a
query per chunk and skips what is unchanged without touching it. A changed file among them is
still updated, and said so.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event, func, select

from db.models import Instalment, Invoice, Payment
from db.uow import Database
from desktop_app.importers.formats import ParseOptions
from desktop_app.services import firm, imports
from tests.helpers import D
from tests.perf.bench_import import FIRM_NIP, write_files


def _import(db: Database, folder: Path) -> imports.ImportReport:
    return imports.import_paths(
        db, [folder], "ksef", ParseOptions(), dry_run=False, today=D(2026, 12, 1)
    )


def _statements(db: Database, folder: Path) -> tuple[imports.ImportReport, int]:
    seen: list[str] = []

    def watch(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        report = _import(db, folder)
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    return report, len(seen)


def test_reading_a_folder_again_costs_statements_per_batch_not_per_file(
    db: Database, tmp_path: Path
) -> None:
    firm.save_firm(db, firm.FirmInput(name="Hurtownia Żółw", nip=FIRM_NIP))
    counts = []
    for count in (30, 90):
        folder = tmp_path / f"f{count}"
        folder.mkdir()
        write_files(folder, count)
        _import(db, folder)
        report, statements = _statements(db, folder)
        assert (report.created, report.updated, report.errors) == (0, 0, [])
        assert report.invoices == count
        # every invoice unchanged, and every payment the files state (all of them on file)
        with db.read() as session:
            stated = session.scalar(select(func.count()).select_from(Payment))
        assert report.unchanged == count + stated
        counts.append(statements)
    assert counts[1] == counts[0], counts


def test_a_changed_file_among_unchanged_ones_is_updated_and_said_so(
    db: Database, tmp_path: Path
) -> None:
    firm.save_firm(db, firm.FirmInput(name="Hurtownia Żółw", nip=FIRM_NIP))
    write_files(tmp_path, 12)
    _import(db, tmp_path)
    changed = tmp_path / "00" / "FV_5.xml"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("<P_15>1230.00</P_15>", "<P_15>1500.00</P_15>"),
        encoding="utf-8",
    )
    report = _import(db, tmp_path)
    assert (report.created, report.updated, report.invoices, report.errors) == (0, 1, 12, [])
    with db.read() as session:
        owed = session.scalars(
            select(Instalment.open_minor).join(Invoice).where(Invoice.number == "FV/5/2026")
        ).all()
    assert sum(owed) == 150000
