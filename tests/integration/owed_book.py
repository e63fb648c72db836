"""A hand-made book for the "Owed to us" report: three contractors in PLN and one in EUR, two
account managers, tags, and debts in every bucket; shared by the report's CLI, export and GUI
tests."""

from __future__ import annotations

import datetime as dt

from db.models import User
from db.uow import Database
from tests.conftest import Cli

AS_OF = dt.date(2026, 12, 1)


def _invoice(cli: Cli, who: str, number: str, issued: str, due: str, amount: str, cur: str) -> None:
    args = ("--issued", issued, "--due", due, "--amount", amount, "--currency", cur)
    assert cli("invoice", "add", "--contractor", who, "--number", number, *args).code == 0


def make_book(cli: Cli, db: Database) -> None:
    with db.write() as session:
        session.add_all(
            [
                User(login="anna", full_name="Anna Nowak"),
                User(login="piotr", full_name="Piotr Wiśniewski"),
            ]
        )
    people = (
        ("Łódzka Hurtownia Żółw", "5260250274", "vip"),
        ("Beta Sp. z o.o.", "7740001454", "retail"),
        ("Gamma S.A.", "1234563218", "vip"),
    )
    for name, nip, tag in people:
        assert cli("contractor", "add", "--name", name, "--nip", nip, "--tag", tag).code == 0
    assert cli("contractor", "edit", "1", "--manager", "anna").code == 0
    assert cli("contractor", "edit", "2", "--manager", "anna").code == 0
    assert cli("contractor", "edit", "3", "--manager", "piotr").code == 0
    # Łódzka: 108 days overdue (91-180) and one not due yet
    _invoice(cli, "1", "A/1", "2026-08-01", "2026-08-15", "1000.10", "PLN")
    _invoice(cli, "1", "A/2", "2026-11-20", "2026-12-10", "500", "PLN")
    # Beta: 7 days overdue (1-30) and 200 days overdue (181+)
    _invoice(cli, "2", "B/1", "2026-11-10", "2026-11-24", "800", "PLN")
    _invoice(cli, "2", "B/2", "2026-05-01", "2026-05-15", "123.45", "PLN")
    # Gamma: 77 days overdue (61-90) in PLN, and 45 days (31-60) in EUR
    _invoice(cli, "3", "G/1", "2026-09-01", "2026-09-15", "400", "PLN")
    _invoice(cli, "3", "G/2", "2026-10-01", "2026-10-17", "250.50", "EUR")
