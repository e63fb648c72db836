"""Issue 6 item 20: real faults of the database file give a plain sentence and exit 3.

Busy (another process holds the lock longer than the busy timeout), an exclusive locking mode,
a -wal file SQLite cannot create, garbage on a data page, an empty file. The busy timeout is
shortened for these tests (it is read when a connection opens); the lock itself is real.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

import db.engine
from db.models import Tag, Task
from db.uow import Database
from desktop_app.cli.main import main
from desktop_app.errors import ConflictError, DamagedDatabaseError
from desktop_app.services.database import backup_sqlite, check_integrity
from tests.conftest import Cli, CliResult
from tests.integration.db_faults import (
    lock_held_by_another_process,
    overwrite,
    table_page_offset,
)


@pytest.fixture(autouse=True)
def _short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db.engine, "SQLITE_BUSY_TIMEOUT_MS", 300)


def _one_line(result: CliResult, *needles: str) -> str:
    assert result.code == 3, (result.code, result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert "Traceback" not in result.err and "not an Inkaso database" not in result.err
    return lines[0]


def _firm_with_a_debtor(cli: Cli) -> None:
    assert cli("firm", "set", "--name", "Hurtownia").code == 0
    assert cli("contractor", "add", "--name", "Alfa", "--email", "a@alfa.example.com").code == 0
    assert cli("invoice", "add", "--contractor", "1", "--number", "FV/1", "--issued",
               "2026-03-02", "--due", "2026-03-16", "--amount", "100").code == 0  # fmt: skip


def test_a_lock_held_longer_than_the_busy_timeout_is_busy_not_a_crash(
    cli: Cli, db_path: Path
) -> None:
    _firm_with_a_debtor(cli)
    with lock_held_by_another_process(db_path):
        paid = cli("payment", "add", "--contractor", "1", "--date", "2026-03-20",
                   "--amount", "10")  # fmt: skip
        line = _one_line(paid, "is busy (held by another program); try again")
        run = cli("dunning", "run", "--today", "2026-03-16")
        assert _one_line(run, "is busy") == line
        # reading still works while another process writes (WAL)
        assert cli("contractor", "list", "--json").code == 0
    assert cli("payment", "add", "--contractor", "1", "--date", "2026-03-20",
               "--amount", "10").code == 0  # fmt: skip


def test_the_busy_message_names_a_dunning_run_holding_the_database(cli: Cli, db_path: Path) -> None:
    _firm_with_a_debtor(cli)
    with lock_held_by_another_process(db_path, lease=True) as holder:
        result = cli("payment", "add", "--contractor", "1", "--date", "2026-03-20",
                     "--amount", "10")  # fmt: skip
        _one_line(
            result,
            f"held by Inkaso sending reminders on {socket.gethostname()}, process {holder.pid}",
        )


def test_an_exclusive_locking_mode_is_busy_not_a_foreign_file(cli: Cli, db_path: Path) -> None:
    """Another program with PRAGMA locking_mode=EXCLUSIVE: nobody else can even read."""
    _firm_with_a_debtor(cli)
    with lock_held_by_another_process(db_path, exclusive_mode=True):
        _one_line(cli("contractor", "list"), "is busy", str(db_path))
        _one_line(cli("contractor", "add", "--name", "Beta"), "is busy")
    assert cli("contractor", "list").code == 0


def test_a_wal_file_that_cannot_be_created_is_named(cli: Cli, db_path: Path) -> None:
    """Works as root too: a folder where SQLite's -wal file must go cannot be opened as one,
    just as in a folder without write permission."""
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    assert not db_path.with_name(db_path.name + "-wal").exists()
    db_path.with_name(db_path.name + "-wal").mkdir()
    _one_line(cli("contractor", "list"), "inkaso.db-wal", "writable")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_read_only_folder_is_named(cli: Cli, db_path: Path) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    db_path.parent.chmod(0o555)
    try:
        _one_line(cli("contractor", "list"), "inkaso.db-wal", "writable")
    finally:
        db_path.parent.chmod(0o755)


@pytest.mark.parametrize(
    ("where", "garbage"),
    [
        # the page's cell count zeroed: the table silently read as empty (exit 0, no rows)
        (3, b"\x00\x00"),
        # the cell pointers overwritten: every read failed with a traceback (exit 1)
        (8, b"\xff" * 16),
    ],
    ids=["reads-as-empty", "malformed"],
)
def test_garbage_on_a_data_page_is_refused_and_nothing_is_written(
    cli: Cli, db_path: Path, where: int, garbage: bytes
) -> None:
    for n in (1, 2, 3):
        assert cli("contractor", "add", "--name", f"Firma {n}").code == 0
    overwrite(db_path, table_page_offset(db_path, "contractor") + where, garbage)
    before = db_path.read_bytes()
    _one_line(cli("contractor", "list"), "is damaged", "Restore a backup copy")
    _one_line(cli("contractor", "add", "--name", "Firma 4"), "is damaged")
    assert db_path.read_bytes() == before
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # nothing waiting to be written either


def test_integrity_check_before_a_backup(cli: Cli, db_path: Path) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    assert check_integrity(db_path) == []
    assert check_integrity(db_path, quick=True) == []
    overwrite(db_path, table_page_offset(db_path, "contractor") + 3, b"\x00\x00")
    assert check_integrity(db_path) != []
    with pytest.raises(DamagedDatabaseError):
        backup_sqlite(db_path, "test", db_path.parent / "backups")
    assert not (db_path.parent / "backups").exists()


def test_an_empty_file_named_by_the_user_is_refused(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "copy.db"
    empty.touch()
    _one_line(cli("contractor", "list", db=empty), "empty file (0 bytes)", str(empty))
    assert empty.stat().st_size == 0


def test_an_empty_default_database_is_our_interrupted_first_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing a person chose and nothing to lose: the default file is initialised."""
    monkeypatch.setenv("INKASO_DATA_DIR", str(tmp_path / "data"))
    default = tmp_path / "data" / "inkaso.db"
    default.parent.mkdir()
    default.touch()
    assert main(["contractor", "add", "--name", "Pierwszy"]) == 0, capsys.readouterr().err
    con = sqlite3.connect(default)
    try:
        assert con.execute("SELECT name FROM contractor").fetchall() == [("Pierwszy",)]
    finally:
        con.close()


def test_the_unit_of_work_reports_what_the_database_refused_as_a_sentence(
    db: Database,
) -> None:
    """The one place the database's own refusals (here a foreign key, a duplicate) become
    InkasoErrors: for every service, the CLI, the GUI and the scheduler alike."""
    with pytest.raises(ConflictError, match="does not exist"), db.write() as session:
        session.add(Task(contractor_id=999, kind="manual", title="t", due_on=dt.date(2026, 3, 1)))
    with db.write() as session:
        session.add(Tag(name="VIP"))
    with pytest.raises(ConflictError, match="a second time"), db.write() as session:
        session.add(Tag(name="VIP"))
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 0


def test_a_postgresql_server_that_does_not_answer(cli: Cli) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://inkaso@127.0.0.1:{port}/inkaso"
    result = cli("contractor", "list", db=url)
    _one_line(result, "Cannot reach the database postgresql+psycopg://inkaso@127.0.0.1")
