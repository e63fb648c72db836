"""The CLI as a script would use it: real SQLite files, exit codes, JSON shapes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Cli


def _counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return {
            t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("contractor", "invoice", "instalment", "payment", "allocation", "activity")
        }
    finally:
        con.close()


def _setup(cli: Cli) -> None:
    assert (
        cli(
            "contractor",
            "add",
            "--name",
            "Alfa Sp. z o.o.",
            "--nip",
            "526-025-02-74",
            "--email",
            "biuro@alfa.example.com",
            "--phone",
            "501 234 567",
            "--terms",
            "14",
        ).code
        == 0
    )
    assert cli("contractor", "add", "--name", "Beta S.A.", "--nip", "7740001454").code == 0
    assert (
        cli(
            "invoice",
            "add",
            "--contractor",
            "5260250274",
            "--number",
            "FV/1/2026",
            "--issued",
            "2026-08-01",
            "--instalment",
            "2026-08-15:1000,00",
            "--instalment",
            "2026-09-15:500",
        ).code
        == 0
    )
    assert (
        cli(
            "invoice",
            "add",
            "--contractor",
            "1",
            "--number",
            "FV/2/2026",
            "--issued",
            "2026-11-01",
            "--due",
            "2026-11-30",
            "--amount",
            "200.50",
        ).code
        == 0
    )
    assert (
        cli(
            "invoice",
            "add",
            "--contractor",
            "2",
            "--number",
            "FV/3/2026",
            "--issued",
            "2026-10-01",
            "--due",
            "2026-10-10",
            "--amount",
            "999.99",
        ).code
        == 0
    )
    # partial payment: 300 of the 1000 instalment
    assert (
        cli("payment", "add", "--contractor", "1", "--date", "2026-09-01", "--amount", "300").code
        == 0
    )


def test_hand_computed_amounts_in_aging_and_card(cli: Cli) -> None:
    _setup(cli)
    report = cli("report", "aging", "--as-of", "2026-11-22", "--json").json()
    pln = report["currencies"]["PLN"]
    alfa = next(r for r in pln["contractors"] if r["id"] == 1)
    assert alfa["open"] == "1400.50"  # 700 + 500 + 200.50
    assert alfa["overdue"] == "1200.00"
    assert alfa["not_due"] == "200.50"
    assert alfa["max_days_overdue"] == 99  # 2026-08-15 -> 2026-11-22
    assert alfa["buckets"] == {
        "1-30": "0.00",
        "31-60": "0.00",
        "61-90": "500.00",
        "91-180": "700.00",
        "181+": "0.00",
    }
    beta = next(r for r in pln["contractors"] if r["id"] == 2)
    assert (beta["open"], beta["overdue"], beta["max_days_overdue"]) == ("999.99", "999.99", 43)
    assert pln["totals"] == {
        "open": "2400.49",
        "not_due": "200.50",
        "overdue": "2199.99",
        "buckets": {
            "1-30": "0.00",
            "31-60": "999.99",
            "61-90": "500.00",
            "91-180": "700.00",
            "181+": "0.00",
        },
    }
    card = cli("contractor", "show", "1", "--today", "2026-11-22", "--json").json()
    assert card["balances"]["PLN"] == {
        "open": "1400.50",
        "overdue": "1200.00",
        "max_days_overdue": 99,
        "credit": "0.00",
    }
    fv1 = next(i for i in card["invoices"] if i["number"] == "FV/1/2026")
    assert [(p["open"], p["days_overdue"]) for p in fv1["instalments"]] == [
        ("700.00", 99),
        ("500.00", 68),
    ]
    assert card["payments"][0]["allocations"][0] == {
        "invoice": "FV/1/2026",
        "instalment": 1,
        "amount": "300.00",
        "date": "2026-09-01",
        "released_on": None,
    }
    kinds = {a["kind"] for a in card["activity"]}
    assert {"status", "invoice", "payment"} <= kinds


def test_report_invariants_and_as_of(cli: Cli) -> None:
    _setup(cli)
    for as_of in ("2026-08-20", "2026-09-10", "2026-11-22"):
        report = cli("report", "aging", "--as-of", as_of, "--json").json()
        for section in report["currencies"].values():
            totals = section["totals"]
            rows = section["contractors"]
            cents = lambda v: round(float(v) * 100)  # noqa: E731 - test arithmetic only
            assert cents(totals["open"]) == sum(cents(r["open"]) for r in rows)
            assert cents(totals["overdue"]) == sum(cents(v) for v in totals["buckets"].values())
            assert cents(totals["open"]) == cents(totals["not_due"]) + cents(totals["overdue"])
    # before the payment and the later invoices existed
    early = cli("report", "aging", "--as-of", "2026-08-20", "--json").json()
    assert early["currencies"]["PLN"]["totals"]["open"] == "1500.00"


def test_list_overdue(cli: Cli) -> None:
    _setup(cli)
    cli("contractor", "add", "--name", "Gamma (no debt)")
    rows = cli("contractor", "list", "--overdue", "--today", "2026-11-22", "--json").json()
    assert [r["id"] for r in rows] == [1, 2]  # sorted by overdue, largest first
    everyone = cli("contractor", "list", "--json").json()
    assert len(everyone) == 3
    found = cli("contractor", "list", "--search", "alfa", "--json").json()
    assert [r["id"] for r in found] == [1]
    assert [r["id"] for r in cli("contractor", "list", "--search", "234 567", "--json").json()] == [
        1
    ]


def test_add_commands_print_the_new_record(cli: Cli) -> None:
    added = cli(
        "contractor", "add", "--name", "Delta", "--email", "a@delta.example.com", "--json"
    ).json()
    assert added["id"] == 1 and added["emails"] == ["a@delta.example.com"]
    inv = cli(
        "invoice",
        "add",
        "--contractor",
        "1",
        "--number",
        "A/1",
        "--issued",
        "2026-01-01",
        "--due",
        "2026-01-31",
        "--amount",
        "10",
        "--currency",
        "eur",
        "--json",
    ).json()
    assert (inv["id"], inv["currency"], inv["gross"]) == (1, "EUR", "10.00")
    pay = cli(
        "payment",
        "add",
        "--contractor",
        "1",
        "--date",
        "2026-02-01",
        "--amount",
        "12",
        "--currency",
        "EUR",
        "--json",
    ).json()
    assert pay["unallocated"] == "2.00"
    assert pay["allocations"][0]["amount"] == "10.00"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("contractor", "add", "--name", "X", "--nip", "1234567890"), "Invalid NIP 1234567890"),
        (
            (
                "invoice",
                "add",
                "--contractor",
                "9999999999",
                "--number",
                "F/1",
                "--issued",
                "2026-01-01",
                "--due",
                "2026-01-10",
                "--amount",
                "1",
            ),
            "No contractor",
        ),
        (
            ("payment", "add", "--contractor", "77", "--date", "2026-01-01", "--amount", "5"),
            "No contractor",
        ),
        (
            (
                "invoice",
                "add",
                "--contractor",
                "1",
                "--number",
                "F/1",
                "--issued",
                "2026-13-01",
                "--due",
                "2026-01-10",
                "--amount",
                "1",
            ),
            "not a date",
        ),
        (
            (
                "invoice",
                "add",
                "--contractor",
                "1",
                "--number",
                "F/1",
                "--issued",
                "2026-01-01",
                "--due",
                "2026-01-10",
                "--amount",
                "1,234",
            ),
            "Too many decimal places",
        ),
    ],
)
def test_bad_input_is_one_line_exit_3_and_writes_nothing(
    cli: Cli, db_path: Path, args: tuple[str, ...], needle: str
) -> None:
    assert cli("contractor", "add", "--name", "Existing").code == 0
    before = _counts(db_path)
    result = cli(*args)
    assert result.code == 3
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]
    assert "Traceback" not in result.err
    assert _counts(db_path) == before


def test_usage_error_exits_2(cli: Cli) -> None:
    assert cli("invoice", "add", "--number", "x").code == 2
    assert cli("frobnicate").code == 2


def test_unreadable_database_paths(cli: Cli, tmp_path: Path) -> None:
    missing_dir = tmp_path / "nope" / "x.db"
    result = cli("contractor", "list", db=missing_dir)
    assert result.code == 3 and "folder does not exist" in result.err
    assert not missing_dir.parent.exists()
    result = cli("contractor", "list", db=tmp_path)
    assert result.code == 3 and "folder" in result.err
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all, just text" * 10)
    result = cli("contractor", "list", db=junk)
    assert result.code == 3 and "not an Inkaso database" in result.err
    assert junk.read_bytes().startswith(b"this is not")
    for r in (result,):
        assert len(r.err.strip().splitlines()) == 1


def test_database_from_a_newer_version_is_refused_untouched(
    cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INKASO_DATA_DIR", str(db_path.parent / "data"))
    assert cli("contractor", "add", "--name", "A").code == 0
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = 'zz99_from_the_future'")
    con.commit()
    con.close()
    before = db_path.read_bytes()
    result = cli("contractor", "add", "--name", "B")
    assert result.code == 3
    assert "newer version" in result.err
    assert db_path.read_bytes() == before
    assert not (db_path.parent / "data" / "backups").exists()  # not migrated: no copy made


def test_foreign_sqlite_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.commit()
    con.close()
    result = cli("contractor", "list", db=other)
    assert result.code == 3 and "not an Inkaso database" in result.err


def test_polish_messages(cli: Cli) -> None:
    result = cli("--lang", "pl", "contractor", "add", "--name", "X", "--nip", "1234567890")
    assert result.code == 3
    assert "NIP" in result.err


def test_inkaso_db_environment_variable(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.cli.main import main

    target = tmp_path / "env.db"
    monkeypatch.setenv("INKASO_DB", str(target))
    assert main(["contractor", "add", "--name", "Env"]) == 0
    assert _counts(target)["contractor"] == 1


def test_relative_database_path_opens_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.cli.main import main

    monkeypatch.chdir(tmp_path)
    assert main(["--db", "relative.db", "contractor", "add", "--name", "One"]) == 0
    assert main(["--db", "relative.db", "contractor", "add", "--name", "Two"]) == 0
    assert _counts(tmp_path / "relative.db")["contractor"] == 2


def test_output_piped_into_head_ends_quietly(cli: Cli, db_path: Path) -> None:
    """``inkaso … | head`` closes the pipe early; that is not an error to report."""
    import os
    import subprocess
    import sys

    assert cli("demo", "--contractors", "400", "--invoices", "800", "--seed", "3").code == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "--db", str(db_path), "contractor", "list", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "0"},
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10).startswith(b"[")
    proc.stdout.close()  # what head does after its lines
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert err == ""


def test_firm_set_changes_only_what_is_given(cli: Cli) -> None:
    first = cli("firm", "set", "--phone", "221234567")
    assert first.code == 3 and "--name" in first.err
    assert cli("firm", "set", "--name", "Hurtownia Pol-Mak", "--nip", "774-000-14-54",
               "--city", "Płock", "--account", "61 1090 1014 0000 0712 1981 2874").code == 0  # fmt: skip
    assert cli("firm", "set", "--phone", "22 123 45 67").code == 0
    shown = cli("firm", "show", "--json").json()
    assert (shown["name"], shown["nip"], shown["city"]) == (
        "Hurtownia Pol-Mak",
        "7740001454",
        "Płock",
    )
    assert shown["phone"] == "+48221234567"
    assert shown["accounts"] == ["PL61109010140000071219812874"]
