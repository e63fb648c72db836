"""``inkaso rating``: the stars of real histories in a real database, with their reasons."""

from __future__ import annotations

import datetime as dt

from tests.conftest import Cli


def _contractor(cli: Cli, name: str, nip: str) -> None:
    assert cli("contractor", "add", "--name", name, "--nip", nip).code == 0


def _invoice(cli: Cli, who: str, number: str, due: dt.date, amount: str = "1000") -> None:
    issued = due - dt.timedelta(days=14)
    args = ("--issued", issued.isoformat(), "--due", due.isoformat(), "--amount", amount)
    assert cli("invoice", "add", "--contractor", who, "--number", number, *args).code == 0


def _pay(cli: Cli, who: str, day: dt.date, amount: str = "1000") -> None:
    args = ("--date", day.isoformat(), "--amount", amount)
    assert cli("payment", "add", "--contractor", who, *args).code == 0


def _history(cli: Cli, who: str, prefix: str, late_days: int) -> None:
    for month in range(3, 9):
        due = dt.date(2026, month, 10)
        _invoice(cli, who, f"{prefix}/{month}/2026", due)
        _pay(cli, who, due + dt.timedelta(days=late_days))


def test_on_time_late_and_new_payers(cli: Cli) -> None:
    _contractor(cli, "Punctual", "5260250274")
    _contractor(cli, "Slow", "7740001454")
    _contractor(cli, "Newcomer", "1234563218")
    _history(cli, "1", "P", 0)
    _history(cli, "2", "S", 61)
    _invoice(cli, "3", "N/1/2026", dt.date(2026, 12, 20))

    everyone = cli("rating", "--today", "2026-12-01", "--json").json()
    by_id = {r["contractor"]: r for r in everyone}
    assert by_id[1]["stars"] == 5
    assert by_id[1]["reasons"] == ["paid 6 of 6 invoices on time"]
    assert by_id[2]["stars"] == 1
    assert "paid 0 of 6 invoices on time" in by_id[2]["reasons"]
    assert by_id[3] == {
        "contractor": 3,
        "stars": None,
        "reasons": ["not rated yet: nothing has fallen due in the last two years"],
    }

    one = cli("rating", "--contractor", "774-000-14-54", "--today", "2026-12-01", "--json")
    assert one.json() == by_id[2]
    text = cli("rating", "--contractor", "1", "--today", "2026-12-01")
    assert text.code == 0
    assert text.out.splitlines()[0] == "Punctual: ★★★★★"


def test_an_unpaid_invoice_lowers_the_stars_and_a_payment_restores_them(cli: Cli) -> None:
    _contractor(cli, "Punctual", "5260250274")
    _history(cli, "1", "P", 0)
    _invoice(cli, "1", "P/9/2026", dt.date(2026, 9, 10))

    before = cli("rating", "--contractor", "1", "--today", "2026-12-01", "--json").json()
    assert before["stars"] == 2
    assert "1 invoice overdue now, the oldest 82 days" in before["reasons"]

    _pay(cli, "1", dt.date(2026, 9, 10))
    after = cli("rating", "--contractor", "1", "--today", "2026-12-01", "--json").json()
    assert after["stars"] == 5


def test_an_unknown_contractor_is_one_plain_line(cli: Cli) -> None:
    result = cli("rating", "--contractor", "99")
    assert result.code == 3
    assert result.err.strip().endswith("No contractor with id or NIP 99")
