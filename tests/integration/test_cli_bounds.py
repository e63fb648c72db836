"""Issue 6 item 19: amounts, integers and text lengths have the bounds the database can keep,
checked where values enter (the CLI, the parsers the GUI uses, the services importers call)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db.uow import Database
from desktop_app.domain.money import MAX_AMOUNT_MINOR
from desktop_app.errors import ValidationError
from desktop_app.services import contractors, invoices, payments
from tests.conftest import Cli

HUGE = str(2**63)


def _one_error_line(result: object, needle: str) -> None:
    code, out, err = result.code, result.out, result.err  # type: ignore[attr-defined]
    assert code == 3, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], err
    assert "Traceback" not in err


def _invoice(cli: Cli, number: str, amount: str) -> object:
    return cli("invoice", "add", "--contractor", "1", "--number", number,
               "--issued", "2026-01-02", "--due", "2026-01-16", "--amount", amount)  # fmt: skip


def test_an_amount_past_the_bound_is_refused_and_the_database_stays_usable(cli: Cli) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    for number in ("FV/1", "FV/2"):
        _one_error_line(_invoice(cli, number, "92233720368547758.07"), "too large")
    # the largest amount twice (and more) still adds up in every report
    for number in ("FV/3", "FV/4", "FV/5"):
        assert _invoice(cli, number, "9 999 999 999,99").code == 0
    listed = cli("contractor", "list", "--today", "2026-03-01", "--json")
    assert listed.code == 0, listed.err
    assert listed.json()[0]["open"] == "29999999999.97"
    aging = cli("report", "aging", "--as-of", "2026-03-01", "--json")
    assert aging.code == 0, aging.err
    assert aging.json()["currencies"]["PLN"]["totals"]["open"] == "29999999999.97"


@pytest.mark.parametrize(
    "args",
    [
        ("payment", "add", "--contractor", "1", "--date", "2026-01-20", "--amount",
         "1 000 000 000 000"),
        ("payment", "add", "--contractor", "1", "--date", "2026-01-20", "--amount", "9" * 30),
        ("contractor", "add", "--name", "B", "--credit-limit", "10000000000"),
        ("contractor", "promise", "1", "--today", "2026-01-20", "--date", "2026-02-01",
         "--amount", "10000000000"),
        ("invoice", "add", "--contractor", "1", "--number", "K/1", "--issued", "2026-01-03",
         "--corrects", "FV/1", "--amount", "-10000000000"),
    ],
)  # fmt: skip
def test_every_cli_amount_has_the_bound(cli: Cli, args: tuple[str, ...]) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    assert _invoice(cli, "FV/1", "100").code == 0
    _one_error_line(cli(*args), "too large")


def test_services_refuse_amounts_past_the_bound(db: Database) -> None:
    """Importers hand the services integers, not text: the same bound applies there."""
    import datetime as dt

    cid = contractors.add_contractor(db, contractors.ContractorInput(name="Import"))
    big = MAX_AMOUNT_MINOR + 1
    with pytest.raises(ValidationError, match="too large"):
        invoices.add_invoice(db, invoices.InvoiceInput(
            contractor=cid, number="I/1", issue_date=dt.date(2026, 1, 1), currency="PLN",
            instalments=[invoices.InstalmentInput(dt.date(2026, 1, 15), big)]))  # fmt: skip
    with pytest.raises(ValidationError, match="too large"):
        payments.add_payment(db, payments.PaymentInput(
            contractor=cid, date=dt.date(2026, 1, 1), amount_minor=big))  # fmt: skip
    with pytest.raises(ValidationError, match="too large"):
        contractors.add_contractor(db, contractors.ContractorInput(
            name="Limit", credit_limit_minor=big, credit_limit_currency="PLN"))  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ("contractor", "list", "--limit", HUGE),
        ("contractor", "list", "--limit", "-1"),
        ("contractor", "add", "--name", "X", "--terms", HUGE),
        ("outbox", "retry", HUGE),
        ("outbox", "list", "--contractor", HUGE),
        ("outbox", "list", "--limit", "9" * 5000),
        ("task", "add", "--title", "t", "--due", "2026-01-01", "--contractor", HUGE),
        ("task", "list", "--user", "-" + HUGE),
        ("dunning", "plan", "--days", HUGE),
        ("demo", "--contractors", HUGE),
        ("demo", "--seed", HUGE),
    ],
)
def test_integer_options_are_bounded_usage_errors(cli: Cli, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.code == 2, (result.out, result.err)
    assert "Traceback" not in result.err and "between" in result.err


def test_text_longer_than_the_column_is_refused_naming_the_field(cli: Cli, db_path: Path) -> None:
    """PostgreSQL refuses a 201-character street in a VARCHAR(200); SQLite used to keep it."""
    _one_error_line(cli("contractor", "add", "--name", "A", "--street", "u" * 201), "Street")
    result = cli("contractor", "add", "--name", "A", "--street", "u" * 201)
    assert "200" in result.err
    _one_error_line(cli("contractor", "add", "--name", "A", "--tag", "t" * 101), "Tag")
    _one_error_line(cli("firm", "set", "--name", "F", "--city", "c" * 101), "City")
    assert cli("contractor", "add", "--name", "A", "--street", "u" * 200).code == 0
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT length(street) FROM contractor").fetchall() == [(200,)]
    finally:
        con.close()


def test_a_nul_character_is_refused_as_postgresql_would(db: Database) -> None:
    with pytest.raises(ValidationError, match="Notes"):
        contractors.add_contractor(db, contractors.ContractorInput(name="N", notes="a\x00b"))
