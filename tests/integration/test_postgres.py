"""The same migrations, services and reports on PostgreSQL as on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.services.database import open_database
from tests.conftest import Cli

pytestmark = pytest.mark.postgres


def _build(cli: Cli, target: str | Path) -> None:
    def ok(*args: str) -> None:
        result = cli(*args, db=target)
        assert result.code == 0, result.err

    ok(
        "contractor",
        "add",
        "--name",
        "Łódzkie Zakłady Sp. z o.o.",
        "--nip",
        "5260250274",
        "--email",
        "biuro@lodz.example.com",
        "--phone",
        "+48 501 234 567",
    )
    ok("contractor", "add", "--name", "Beta", "--nip", "7740001454")
    ok(
        "invoice",
        "add",
        "--contractor",
        "1",
        "--number",
        "FV/1",
        "--issued",
        "2026-08-01",
        "--instalment",
        "2026-08-15:1000",
        "--instalment",
        "2026-09-15:500",
    )
    ok(
        "invoice",
        "add",
        "--contractor",
        "2",
        "--number",
        "FV/2",
        "--issued",
        "2026-10-01",
        "--due",
        "2026-10-10",
        "--amount",
        "999.99",
    )
    ok(
        "invoice",
        "add",
        "--contractor",
        "2",
        "--number",
        "KOR/2",
        "--issued",
        "2026-10-05",
        "--corrects",
        "FV/2",
        "--amount",
        "-99.99",
    )
    ok("payment", "add", "--contractor", "1", "--date", "2026-09-01", "--amount", "300")
    ok("payment", "add", "--contractor", "2", "--date", "2026-11-01", "--amount", "1000")


def test_postgres_matches_sqlite(cli: Cli, pg_url: str, tmp_path: Path) -> None:
    sqlite_file = tmp_path / "same.db"
    _build(cli, pg_url)
    _build(cli, sqlite_file)
    for as_of in ("2026-08-20", "2026-10-06", "2026-11-22"):
        on_pg = cli("report", "aging", "--as-of", as_of, "--json", db=pg_url).json()
        on_sqlite = cli("report", "aging", "--as-of", as_of, "--json", db=sqlite_file).json()
        assert on_pg == on_sqlite
    card_pg = cli("contractor", "show", "2", "--today", "2026-11-22", "--json", db=pg_url).json()
    assert card_pg["balances"]["PLN"]["credit"] == "100.00"
    found = cli("contractor", "list", "--search", "lodz", "--json", db=pg_url).json()
    assert [r["id"] for r in found] == [1]
    bad = cli("contractor", "add", "--name", "dup", "--nip", "5260250274", db=pg_url)
    assert bad.code == 3


def test_reopening_postgres_does_not_migrate_again(pg_url: str) -> None:
    first = open_database(pg_url)
    first.dispose()
    second = open_database(pg_url)
    second.dispose()
