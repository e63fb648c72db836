"""Backups and restore on real SQLite files (and a real PostgreSQL), through the CLI."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from db import migrate
from db.engine import make_engine, to_url
from desktop_app.scheduler import DunningScheduler
from desktop_app.services import backup
from desktop_app.services.database import open_database, restore_in_place
from tests.conftest import Cli
from tests.integration.db_faults import overwrite, table_page_offset


@pytest.fixture
def folder(cli: Cli, tmp_path: Path) -> Path:
    target = tmp_path / "backups"
    assert cli("config", "set", "backup.folder", str(target)).code == 0
    return target


def names(cli: Cli, *, db: Path | str | None = None) -> list[str]:
    result = cli("contractor", "list", "--json", db=db)
    assert result.code == 0, result.err
    return sorted(r["name"] for r in result.json())


def files_of(db_path: Path) -> dict[str, bytes]:
    """The database file and any journal beside it, byte for byte."""
    return {p.name: p.read_bytes() for p in db_path.parent.glob(db_path.name + "*")}


_WRITER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
cols = [r[1] for r in con.execute("PRAGMA table_info(contractor)") if r[1] not in ("id", "name")]
copy = (f"INSERT INTO contractor (name, {', '.join(cols)}) "
        f"SELECT ?, {', '.join(cols)} FROM contractor WHERE name = 'Alfa'")
n = 0
while True:
    con.execute("BEGIN IMMEDIATE")
    con.execute(copy, (f"W{n}",))
    con.execute("COMMIT")
    n += 1
    if n == 50:
        print("writing", flush=True)
"""


def test_a_backup_taken_while_another_process_writes_is_a_sound_database_with_the_data(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "elsewhere"  # not rotated: each of the copies stays
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
        made = [cli("backup", "--json", "--to", str(folder)) for _ in range(3)]
    finally:
        writer.kill()
        writer.wait()
    for result in made:
        assert result.code == 0, result.err
        copy = Path(result.json()["path"])
        assert copy.parent == folder
        con = sqlite3.connect(copy)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = {r[0] for r in con.execute("SELECT name FROM contractor")}
        con.close()
        assert "Alfa" in rows and "W0" in rows
        # the writer's rows form a gapless prefix: a consistent snapshot, not a torn one
        written = sorted(int(n[1:]) for n in rows if n.startswith("W"))
        assert written == list(range(len(written)))
        assert "Alfa" in names(cli, db=copy)  # and Inkaso opens it


def test_a_restore_brings_the_data_back_and_keeps_the_current_file_aside(
    cli: Cli, db_path: Path, folder: Path
) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    made = cli("backup")
    assert made.code == 0, made.err
    copy = Path(made.out.strip())
    assert copy.parent == folder and copy.name.startswith("inkaso-")
    assert cli("contractor", "add", "--name", "Beta").code == 0
    restored = cli("restore", str(copy), "--json")
    assert restored.code == 0, restored.err
    assert names(cli) == ["Alfa"]
    aside = Path(restored.json()["kept_aside"])
    assert aside.parent == folder
    assert aside.name.startswith("inkaso-") and aside.name.endswith("-before-restore.db")
    assert names(cli, db=aside) == ["Alfa", "Beta"]
    # the restored file's own trail goes on: it says it was restored, and from which copy
    trail = cli("audit", "--kind", "backup", "--json").json()
    assert [(e["action"], e["target"]) for e in trail] == [("restore", copy.name)]
    listed = cli("backup", "list", "--json")
    assert listed.code == 0, listed.err
    assert {(b["path"], b["label"]) for b in listed.json()} == {
        (str(aside), "before-restore"),
        (str(copy), None),
    }


def _corrupt_backup(cli: Cli, tmp_path: Path) -> Path:
    made = cli("backup", "--to", str(tmp_path / "elsewhere"))
    assert made.code == 0, made.err
    copy = Path(made.out.strip())
    overwrite(copy, table_page_offset(copy, "contractor") + 3, b"\x00\x00")
    return copy


def _foreign(tmp_path: Path) -> Path:
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE contractor (name TEXT)")
    con.execute("INSERT INTO contractor VALUES ('Obcy')")
    con.commit()
    con.close()
    return other


def _text(tmp_path: Path) -> Path:
    note = tmp_path / "notes.db"
    note.write_text("this is not a database\n" * 200)
    return note


def _newer(cli: Cli, tmp_path: Path) -> Path:
    made = cli("backup", "--to", str(tmp_path / "elsewhere"))
    copy = Path(made.out.strip())
    con = sqlite3.connect(copy)
    con.execute("UPDATE alembic_version SET version_num = 'zz99_from_the_future'")
    con.commit()
    con.close()
    return copy


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (_corrupt_backup, "damaged"),
        (lambda cli, tmp: _foreign(tmp), "not an Inkaso database"),
        (lambda cli, tmp: _text(tmp), "not an Inkaso database"),
        (_newer, "newer version"),
        (lambda cli, tmp: tmp / "missing.db", "is not a file"),
    ],
)
def test_a_failed_restore_leaves_the_current_database_byte_for_byte_untouched(
    cli: Cli, db_path: Path, folder: Path, tmp_path: Path, make: object, said: str
) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    bad = make(cli, tmp_path)  # type: ignore[operator]
    before = files_of(db_path)
    result = cli("restore", str(bad))
    assert result.code == 3
    assert said in result.err and len(result.err.strip().splitlines()) == 1
    assert files_of(db_path) == before
    assert not folder.exists() or not list(folder.iterdir())  # nothing kept aside either
    assert names(cli) == ["Alfa"]


def test_restore_repairs_a_damaged_database(cli: Cli, db_path: Path, folder: Path) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    copy = Path(cli("backup").out.strip())
    overwrite(db_path, table_page_offset(db_path, "contractor") + 3, b"\x00\x00")
    assert cli("contractor", "list").code == 3  # refused: damaged
    restored = cli("restore", str(copy))
    assert restored.code == 0, restored.err
    assert names(cli) == ["Alfa"]


def test_a_folder_that_cannot_be_written_is_one_sentence(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = cli("backup", "--to", str(blocker / "backups"))
    assert result.code == 3
    assert result.err.startswith("inkaso: Cannot write backups to the folder")
    assert len(result.err.strip().splitlines()) == 1


def test_backups_are_rotated_in_the_backup_folder_only(
    cli: Cli, db_path: Path, folder: Path
) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    folder.mkdir()
    start = dt.datetime(2025, 1, 1, 2, 0)
    old = [folder / f"inkaso-{(start + dt.timedelta(days=n)):%Y%m%d-%H%M%S}.db" for n in range(60)]
    for path in old:
        path.write_bytes(b"")
    aside = folder / "inkaso-20250101-010000-before-restore.db"
    other = folder / "other-20250101-020000.db"
    aside.write_bytes(b"")
    other.write_bytes(b"")
    assert cli("backup").code == 0
    left = {p.name for p in folder.iterdir()}
    assert aside.name in left and other.name in left  # labelled copies and other databases stay
    regular = sorted(n for n in left if n.startswith("inkaso-") and "before" not in n)
    # today's copy; 6 more days, and weeks and months, from the 60 old ones
    kept = backup.backups_to_keep([dt.datetime.strptime(n[7:22], "%Y%m%d-%H%M%S") for n in regular])
    assert len(kept) == len(regular) < 61
    assert old[-1].name in left and old[0].name not in left


def test_the_daily_backup_is_made_once_a_day(db_path: Path, cli: Cli, folder: Path) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    database = open_database(db_path)
    try:
        first = backup.backup_if_due(database, dt.datetime(2026, 12, 1, 8, 0))
        assert first is not None
        assert backup.backup_if_due(database, dt.datetime(2026, 12, 1, 17, 0)) is None
        second = backup.backup_if_due(database, dt.datetime(2026, 12, 2, 0, 5))
        assert second is not None and second.path != first.path
        last = backup.last_backup(database)
        assert last is not None and last.path == second.path
    finally:
        database.dispose()


def test_the_folder_setting_is_read_from_a_database_before_it_opens(
    db_path: Path, folder: Path
) -> None:
    assert backup.configured_folder(to_url(db_path)) == folder
    assert backup.configured_folder(to_url(db_path.with_name("none.db"))) == (
        backup.default_folder()
    )


@pytest.mark.postgres
def test_postgres_backup_and_restore_with_pg_dump(cli: Cli, pg_url: str, tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None:
        pytest.fail("pg_dump is not installed")
    assert cli("config", "set", "backup.folder", str(tmp_path / "b"), db=pg_url).code == 0
    assert cli("contractor", "add", "--name", "Alfa", db=pg_url).code == 0
    made = cli("backup", "--json", db=pg_url)
    assert made.code == 0, made.err
    dump = Path(made.json()["path"])
    assert dump.suffix == ".dump" and dump.parent == tmp_path / "b"
    assert cli("contractor", "add", "--name", "Beta", db=pg_url).code == 0
    restored = cli("restore", str(dump), "--json", db=pg_url)
    assert restored.code == 0, restored.err
    assert names(cli, db=pg_url) == ["Alfa"]
    assert restored.json()["kept_aside"].endswith("-before-restore.dump")
    # a SQLite file is not a PostgreSQL dump: refused, the database untouched
    refused = cli("restore", str(_text(tmp_path)), db=pg_url)
    assert refused.code == 3 and len(refused.err.strip().splitlines()) == 1
    assert names(cli, db=pg_url) == ["Alfa"]


@pytest.mark.postgres
def test_pg_dump_missing_is_a_clear_sentence(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no PostgreSQL client programs on it
    result = cli("backup", "--to", str(tmp_path / "b"), db=pg_url)
    assert result.code == 3
    assert result.err.startswith("inkaso: pg_dump was not found; install the PostgreSQL client")
    assert not (tmp_path / "b").exists() or not list((tmp_path / "b").iterdir())


def test_the_scheduler_job_backs_up_once_a_day_in_the_firms_time(
    db_path: Path, cli: Cli, folder: Path
) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    moment = [dt.datetime(2026, 12, 1, 22, 30, tzinfo=dt.UTC)]  # 23:30 in Warsaw
    database = open_database(db_path)
    try:
        scheduler = DunningScheduler(database, clock=lambda: moment[0])
        made = scheduler.backup_once()
        assert made is not None and made.taken == dt.datetime(2026, 12, 1, 23, 30)
        assert scheduler.backup_once() is None
        moment[0] = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)  # 00:30 the next day there
        again = scheduler.backup_once()
        assert again is not None and again.taken.date() == dt.date(2026, 12, 2)
        assert {b.path for b in backup.list_backups(folder)} == {made.path, again.path}
    finally:
        database.dispose()


def test_restoring_into_the_open_database_holds_the_scheduler_and_reopens_it(
    db_path: Path, cli: Cli, folder: Path, tmp_path: Path
) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    database = open_database(db_path)
    try:
        copy = backup.make_backup(database, dt.datetime(2026, 12, 1, 8, 0)).path
        assert cli("contractor", "add", "--name", "Beta").code == 0
        with database.read() as session:  # a pooled connection that saw Beta
            assert session.scalar(text("SELECT count(*) FROM contractor")) == 2
        scheduler = DunningScheduler(database)
        done = restore_in_place(database, copy, dt.datetime(2026, 12, 1, 9, 0), scheduler.held)
        assert done.kept_aside is not None
        with database.read() as session:
            assert session.scalars(text("SELECT name FROM contractor")).all() == ["Alfa"]
        # a copy from an older version is migrated when it is opened again
        old = tmp_path / "old.db"
        engine = make_engine(to_url(old))
        migrate.upgrade(engine, "0001")
        engine.dispose()
        restore_in_place(database, old, dt.datetime(2026, 12, 1, 10, 0), scheduler.held)
        assert migrate.current_revision(database.engine) == migrate.head_revision()
        assert names(cli) == []
    finally:
        database.dispose()


def test_a_file_name_too_long_for_the_file_system_is_one_line(cli: Cli, db_path: Path) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    result = cli("restore", "x" * 300 + ".db")
    assert result.code == 3 and "is not a file" in result.err


def test_the_scheduler_job_keeps_the_sentence_when_the_folder_cannot_be_written(
    db_path: Path, cli: Cli, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert cli("config", "set", "backup.folder", str(blocker / "backups")).code == 0
    database = open_database(db_path)
    try:
        scheduler = DunningScheduler(
            database, clock=lambda: dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
        )
        assert scheduler.backup_once() is None
        assert isinstance(scheduler.last_backup_error, backup.BackupError)
        assert "Cannot write backups to the folder" in str(scheduler.last_backup_error)
    finally:
        database.dispose()


def test_backup_list_says_in_words_what_kind_of_copy_each_is(
    cli: Cli, db_path: Path, folder: Path
) -> None:
    """The table is for people (the JSON keeps the label): 'before-restore' and a migration's
    'before-0012_…' are the file name's tags, not words."""
    copy = Path(cli("backup").out.strip())
    assert cli("restore", str(copy)).code == 0
    backup.backup_file(db_path, folder, dt.datetime(2026, 11, 30, 8), "before-0012_rating")
    table = cli("backup", "list").out
    kinds = sorted(
        [c for c in line.split("  ") if c.strip()][1].strip() for line in table.splitlines()[2:]
    )
    assert kinds == ["before a restore", "before the upgrade from 0012_rating", "regular"], table
