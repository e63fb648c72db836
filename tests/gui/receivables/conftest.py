"""A small real ledger (built through the services) and the GUI pieces that show it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services.database import open_database
from tests.gui.conftest import copied_database, shown_main_window
from tests.helpers import contractor, invoice, pay
from ui.main_window import MainWindow
from ui.operations import Operations

TODAY = dt.date(2026, 11, 22)
D = dt.date


@dataclass(frozen=True)
class Ledger:
    alfa: int  # partial payment, a split invoice, 900,00 overdue of 1 200,00 open
    beta: int  # the biggest debtor: 5 000,00 overdue
    gamma: int  # owes nothing
    lodz: int  # 200,00 open, not yet due


def build_ledger(db: Database) -> Ledger:
    alfa = contractor(
        db,
        "Alfa Sp. z o.o.",
        "5260250274",
        city="Warszawa",
        street="ul. Długa 5",
        postal_code="00-238",
        emails=["biuro@alfa.pl"],
        phones=["501 234 567"],
    )
    beta = contractor(db, "Beta Budownictwo S.A.", "7740001454", city="Płock")
    gamma = contractor(
        db,
        "Gamma Transport s.c.",
        "1132853869",
        emails=["kontakt@gamma-trans.com.pl"],
        phones=["+48 22 765 43 21"],
    )
    lodz = contractor(db, "Łódzkie Zakłady Mięsne Sp. z o.o.", "5252344078", city="Łódź")
    invoice(db, alfa, "FV/1/2026", D(2026, 9, 1), (D(2026, 9, 15), 100_000))
    invoice(
        db, alfa, "FV/2/2026", D(2026, 10, 1), (D(2026, 10, 15), 30_000), (D(2026, 11, 30), 30_000)
    )
    pay(db, alfa, D(2026, 10, 20), 40_000)  # oldest first: FV/1 keeps 600,00 open
    invoice(db, beta, "FV/3/2026", D(2026, 9, 17), (D(2026, 10, 1), 500_000))
    invoice(db, gamma, "FV/4/2026", D(2026, 8, 1), (D(2026, 8, 15), 70_000))
    pay(db, gamma, D(2026, 8, 14), 70_000)
    invoice(db, lodz, "FV/5/2026", D(2026, 11, 20), (D(2026, 12, 10), 20_000))
    return Ledger(alfa, beta, gamma, lodz)


@pytest.fixture(scope="session")
def ledger_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Ledger]:
    """Built once through the services; every test gets its own copy of the file."""
    path = tmp_path_factory.mktemp("ledger") / "template.db"
    database = open_database(path)
    try:
        return path, build_ledger(database)
    finally:
        database.dispose()


@pytest.fixture
def db(db_path: Path, ledger_template: tuple[Path, Ledger]) -> Iterator[Database]:
    """The shared ``db`` fixture, but starting from a copy of the ledger instead of empty."""
    yield from copied_database(ledger_template[0], db_path)


@pytest.fixture
def ledger(db: Database, ledger_template: tuple[Path, Ledger]) -> Ledger:
    return ledger_template[1]


@pytest.fixture
def window(qtbot: QtBot, db: Database, ledger: Ledger, ops: Operations) -> MainWindow:
    return shown_main_window(qtbot, db, ops, TODAY, rows=4)
