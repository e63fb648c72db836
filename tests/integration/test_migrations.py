"""Migrations from empty and from every earlier revision, with the backup taken first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from db import migrate
from db.engine import make_engine, to_url
from db.models import Base
from desktop_app.services.database import open_database
from tests.conftest import Cli


def test_empty_database_gets_the_whole_schema(db_path: Path) -> None:
    database = open_database(db_path)
    tables = set(inspect(database.engine).get_table_names())
    database.dispose()
    assert set(Base.metadata.tables) <= tables
    assert migrate.current_revision(make_engine(to_url(db_path))) == migrate.head_revision()


def test_upgrade_from_first_revision_keeps_data_and_backs_up(
    db_path: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INKASO_DATA_DIR", str(tmp_path / "data"))
    engine = make_engine(to_url(db_path))
    migrate.upgrade(engine, "0001")
    engine.dispose()
    con = sqlite3.connect(db_path)
    con.execute(
        "INSERT INTO contractor (name, search_name, country, default_terms_days, language, created_at)"
        " VALUES ('Stary Klient', 'stary klient', 'PL', 14, 'pl', '2025-01-01 00:00:00')"
    )
    con.commit()
    con.close()
    result = cli("contractor", "list", "--json")
    assert result.code == 0, result.err
    assert [r["name"] for r in result.json()] == ["Stary Klient"]
    # in the backup folder (the default: the user data folder's backups), not beside the file
    [backup] = (tmp_path / "data" / "backups").glob("inkaso-*-before-0001.db")
    old = sqlite3.connect(backup)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert old.execute("SELECT name FROM contractor").fetchall() == [("Stary Klient",)]
    old.close()
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT disputed FROM invoice").fetchall() == []
    con.close()


def test_postgres_upgrade_from_first_revision(pg_url: str) -> None:
    engine = make_engine(to_url(pg_url))
    migrate.upgrade(engine, "0001")
    engine.dispose()
    database = open_database(pg_url)
    assert migrate.current_revision(database.engine) == migrate.head_revision()
    database.dispose()


def test_0003_trims_stored_payment_references_without_merging_duplicates(
    db_path: Path, cli: Cli
) -> None:
    engine = make_engine(to_url(db_path))
    migrate.upgrade(engine, "0002")
    engine.dispose()
    con = sqlite3.connect(db_path)
    con.execute(
        "INSERT INTO contractor (name, search_name, country, default_terms_days, language, created_at)"
        " VALUES ('Klient', 'klient', 'PL', 14, 'pl', '2025-01-01 00:00:00')"
    )
    for n, ref in enumerate(["REF-1 ", "REF-2", " REF-2\t", "  ", None], start=1):
        con.execute(
            "INSERT INTO payment (contractor_id, date, amount_minor, currency, source, source_ref,"
            " unallocated_minor, created_at) VALUES (1, '2026-01-0' || ?, 100, 'PLN', 'manual', ?,"
            " 100, '2026-01-01 00:00:00')",
            (n, ref),
        )
    con.commit()
    con.close()
    assert cli("contractor", "list").code == 0  # opens, backs up, migrates
    con = sqlite3.connect(db_path)
    try:
        refs = [r[0] for r in con.execute("SELECT source_ref FROM payment ORDER BY id")]
    finally:
        con.close()
    # the pair that was already a duplicate stays visible as two payments for a person to judge
    assert refs == ["REF-1", "REF-2", " REF-2\t", None, None]
    again = cli("payment", "add", "--contractor", "1", "--date", "2026-02-01", "--amount", "1",
                "--ref", "REF-1")  # fmt: skip
    assert again.code == 3 and "already recorded" in again.err
