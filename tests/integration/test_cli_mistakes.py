"""Issue 6 item 21: an ordinary mistake gives one clear line and exit 3, never exit 1.

Each case was found by fuzzing the CLI (a foreign key, the ends of the calendar, a long time
zone, a full disk, a YAML bomb and /dev/zero for scenario import, an empty --today), plus:
`dunning run` fails when nothing could be sent, and a bank reference padded with a space is the
same payment.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from tests.conftest import Cli, CliResult
from tests.integration.dunning_env import DunningEnv


def _one_line(result: CliResult, needle: str) -> str:
    assert result.code == 3, (result.code, result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.err
    assert "Traceback" not in result.err and "Unexpected error" not in result.err
    return lines[0]


def _rows(path: Path, query: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def test_a_task_for_a_contractor_or_user_that_does_not_exist(cli: Cli, db_path: Path) -> None:
    _one_line(cli("task", "add", "--title", "Call", "--due", "2026-03-20", "--contractor", "999"),
              "No contractor with id or NIP 999")  # fmt: skip
    _one_line(cli("task", "add", "--title", "Call", "--due", "2026-03-20", "--user", "999"),
              "No user with id 999")  # fmt: skip
    assert _rows(db_path, "SELECT COUNT(*) FROM task") == [(0,)]


@pytest.mark.parametrize(
    "args",
    [
        ("report", "aging", "--as-of", "0001-01-01"),
        ("report", "aging", "--as-of", "9999-12-31"),
        ("dunning", "run", "--today", "9999-12-31"),
        ("dunning", "run", "--today", "0001-01-01"),
        ("dunning", "run", "--now", "9999-12-31T23:59+00:00"),
        ("dunning", "plan", "--today", "9999-12-31", "--days", "366"),
        ("contractor", "show", "1", "--today", "0001-01-01"),
        ("contractor", "list", "--today", "9999-12-31"),
        ("contractor", "pause", "1", "--until", "9999-12-31", "--reason", "x"),
        ("task", "list", "--today", "9999-12-31"),
        ("invoice", "add", "--contractor", "1", "--number", "FV/9", "--issued", "9999-12-31",
         "--due", "9999-12-31", "--amount", "1"),
        ("payment", "add", "--contractor", "1", "--date", "0001-01-01", "--amount", "1"),
    ],
)  # fmt: skip
def test_dates_at_the_ends_of_the_calendar(cli: Cli, args: tuple[str, ...]) -> None:
    assert cli("firm", "set", "--name", "Hurtownia").code == 0
    assert cli("contractor", "add", "--name", "Alfa", "--email", "a@alfa.example.com").code == 0
    assert cli("invoice", "add", "--contractor", "1", "--number", "FV/1", "--issued",
               "2026-03-02", "--due", "2026-03-16", "--amount", "100").code == 0  # fmt: skip
    _one_line(cli(*args), "outside the dates Inkaso accepts (1900-01-01 to 2199-12-31)")


@pytest.mark.parametrize("bounds", ["2147483648", "30,999999999", "9" * 5000, "0", "30,30"])
def test_aging_buckets_past_the_calendar(cli: Cli, bounds: str) -> None:
    _one_line(cli("report", "aging", "--buckets", bounds), "is not a rising list of days")


def test_an_empty_today_is_a_mistake_not_a_real_run(cli: Cli, db_path: Path) -> None:
    assert cli("firm", "set", "--name", "Hurtownia").code == 0
    assert cli("contractor", "add", "--name", "Alfa", "--email", "a@alfa.example.com").code == 0
    assert cli("invoice", "add", "--contractor", "1", "--number", "FV/1", "--issued",
               "2025-03-02", "--due", "2025-03-16", "--amount", "100").code == 0  # fmt: skip
    _one_line(cli("dunning", "run", "--today", ""), "--today:  is not a date")
    _one_line(cli("dunning", "run", "--now", " "), "--now:   is not a date and time")
    _one_line(cli("report", "aging", "--as-of", ""), "--as-of:  is not a date")
    _one_line(cli("dunning", "plan", "--today", ""), "--today:  is not a date")
    assert _rows(db_path, "SELECT COUNT(*) FROM dunning_log") == [(0,)]
    assert _rows(db_path, "SELECT COUNT(*) FROM outbox") == [(0,)]


def test_a_very_long_time_zone(cli: Cli) -> None:
    _one_line(cli("config", "set", "firm.timezone", "A" * 1000), "unknown time zone")
    _one_line(cli("config", "set", "firm.timezone", "Europe/" + "x" * 300), "unknown time zone")
    _one_line(cli("config", "set", "sms.http_headers", "[" * 100_000), "a JSON object")
    assert cli("config", "set", "firm.timezone", "America/New_York").code == 0


@contextmanager
def tiny_disk() -> Iterator[None]:
    """SQLite's own "database or disk is full": while the block runs, every new connection may
    grow the file by two pages only (PRAGMA max_page_count), the SQLITE_FULL a full disk gives."""

    def limit(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 2}")

    event.listen(Engine, "connect", limit)
    try:
        yield
    finally:
        event.remove(Engine, "connect", limit)


def test_a_full_disk(cli: Cli, db_path: Path) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    with tiny_disk():
        result = cli("contractor", "add", "--name", "Beta", "--notes", "n" * 200_000)
    _one_line(result, "There is no space left for the database")
    assert _rows(db_path, "SELECT name FROM contractor") == [("Alfa",)]


def test_a_yaml_bomb_is_refused(cli: Cli, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 12)]
    # 9**12 strings once expanded: str() of the name alone never finished
    bomb.write_text("\n".join(lines) + "\nname: *a11\n", encoding="utf-8")
    _one_line(cli("scenario", "import", str(bomb)), "aliases")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    _one_line(cli("scenario", "import", str(deep)), "nested too deeply")
    infinite = tmp_path / "inf.yaml"
    infinite.write_text("name: inf\nmin_gap_days: .inf\nsteps: []\n", encoding="utf-8")
    _one_line(cli("scenario", "import", str(infinite)), "inf.yaml")


def test_devices_folders_and_huge_files_are_not_read_as_scenarios(cli: Cli, tmp_path: Path) -> None:
    _one_line(cli("scenario", "import", "/dev/zero"), "not an ordinary file")
    _one_line(cli("scenario", "import", str(tmp_path)), "not an ordinary file")
    _one_line(cli("scenario", "import", str(tmp_path / "missing.yaml")), "missing.yaml")
    huge = tmp_path / "huge.yaml"
    huge.write_text("# " + "x" * 2_000_000 + "\n", encoding="utf-8")
    _one_line(cli("scenario", "import", str(huge)), "too large for a scenario")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: zażółć".encode("cp1250"))
    _one_line(cli("scenario", "import", str(latin)), "not UTF-8")


def test_a_reference_padded_with_spaces_is_the_same_payment(cli: Cli, db_path: Path) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0

    def pay(ref: str) -> CliResult:
        return cli("payment", "add", "--contractor", "1", "--date", "2026-03-20",
                   "--amount", "10", "--ref", ref)  # fmt: skip

    assert pay("PKO 2026/03/20/001 ").code == 0
    _one_line(pay("PKO 2026/03/20/001"), "This payment was already recorded (PKO 2026/03/20/001)")
    _one_line(pay("  PKO 2026/03/20/001\t"), "already recorded")
    assert _rows(db_path, "SELECT source_ref FROM payment") == [("PKO 2026/03/20/001",)]


def test_dunning_run_fails_when_every_message_failed(env: DunningEnv) -> None:
    env.configure("gentle-email")
    for n in (1, 2):
        env.ok("contractor", "add", "--name", f"Klient {n}", "--email", f"k{n}@klient.example.com")
        env.ok("invoice", "add", "--contractor", str(n), "--number", f"FV/{n}",
               "--issued", "2026-03-02", "--due", "2026-03-16", "--amount", "1000")  # fmt: skip
    env.mail.refuse_rcpt = {f"k{n}@klient.example.com": "550 5.1.1 No such user" for n in (1, 2)}
    result = env.cli("dunning", "run", "--today", "2026-03-16", "--json")
    _one_line(result, "None of the 2 messages could be sent")
    assert result.json()["counts"]["failed"] == 2  # the report still reaches the script
    # one that gets through is a run that did its work
    env.ok("contractor", "add", "--name", "Klient 3", "--email", "k3@klient.example.com")
    env.ok("invoice", "add", "--contractor", "3", "--number", "FV/3",
           "--issued", "2026-03-02", "--due", "2026-03-23", "--amount", "1000")  # fmt: skip
    env.mail.refuse_rcpt = {"k1@klient.example.com": "550 5.1.1 No such user"}
    mixed = env.cli("dunning", "run", "--today", "2026-03-23", "--json")
    assert mixed.code == 0, mixed.err
    assert mixed.json()["counts"]["sent"] >= 1


def test_an_argument_that_is_not_utf8(cli: Cli, db_path: Path) -> None:
    """A terminal in another encoding: Python keeps the bytes as lone surrogates, which could
    be neither stored nor logged (exit 1, and a logging traceback)."""
    garbled = b"Za\xbf\xf3\xb3\xe6".decode("utf-8", "surrogateescape")
    _one_line(cli("contractor", "add", "--name", garbled), "Za\\xbf\\xf3\\xb3\\xe6 is not UTF-8")
    _one_line(cli("contractor", "add", "--name", "\udd00ł"), "\\udd00\\xc5\\x82 is not UTF-8")
    assert not db_path.exists()
