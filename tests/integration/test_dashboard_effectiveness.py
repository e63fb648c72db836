"""Collection effectiveness (CEI) over the last 30 days, on a hand-made book."""

from __future__ import annotations

import datetime as dt

import pytest

from db.uow import Database
from desktop_app.services.dashboard import dashboard
from tests.conftest import Cli

TODAY = dt.date(2026, 12, 1)  # the window runs from 1 November (opening) to 1 December


def _invoice(
    cli: Cli, who: str, number: str, issued: str, due: str, amount: str, *cur: str
) -> None:
    args = ("--issued", issued, "--due", due, "--amount", amount, *cur)
    assert cli("invoice", "add", "--contractor", who, "--number", number, *args).code == 0


@pytest.fixture
def book(cli: Cli, db: Database) -> Database:
    assert cli("contractor", "add", "--name", "Delta", "--nip", "5260250274").code == 0
    # open on 1 November: D/1 1000
    _invoice(cli, "1", "D/1", "2026-10-01", "2026-10-15", "1000")
    # invoiced in the window: D/2 600 (overdue by today) and D/3 400 (not due yet)
    _invoice(cli, "1", "D/2", "2026-11-05", "2026-11-19", "600")
    _invoice(cli, "1", "D/3", "2026-11-20", "2026-12-15", "400")
    # collected in the window: 700
    pay = ("--date", "2026-11-10", "--amount", "700")
    assert cli("payment", "add", "--contractor", "1", *pay).code == 0
    # paid before the window, outside it: changes nothing
    _invoice(cli, "1", "D/0", "2026-09-01", "2026-09-15", "250")
    pay = ("--date", "2026-09-20", "--amount", "250")
    assert cli("payment", "add", "--contractor", "1", *pay).code == 0
    # another currency, nothing collected: 0 %
    _invoice(cli, "1", "E/1", "2026-11-02", "2026-11-16", "100", "--currency", "EUR")
    return db


def test_collection_effectiveness_by_hand(book: Database) -> None:
    pln = dashboard(book, TODAY).currencies["PLN"]
    # opening 1000 + invoiced 1000 - closing 1300 = 700 collected;
    # opening 1000 + invoiced 1000 - closing current (D/3) 400 = 1600 collectable
    assert pln.collection_effectiveness == pytest.approx(700 / 1600 * 100)
    eur = dashboard(book, TODAY).currencies["EUR"]
    assert eur.collection_effectiveness == pytest.approx(0.0)


def test_nothing_collectable_has_no_effectiveness(book: Database) -> None:
    # on the day the first invoice was issued nothing had fallen due: 0 / 0
    board = dashboard(book, dt.date(2026, 9, 1))
    assert board.currencies["PLN"].collection_effectiveness is None


def test_effectiveness_in_json(book: Database, cli: Cli) -> None:
    pln = cli("report", "dashboard", "--today", TODAY.isoformat(), "--json").json()
    assert pln["currencies"]["PLN"]["collection_effectiveness"] == 43.8
    assert pln["currencies"]["EUR"]["collection_effectiveness"] == 0.0
