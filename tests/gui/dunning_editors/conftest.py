"""A small hand-made ledger for the dunning screens, dunned by the sms-classic preset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services.database import open_database
from desktop_app.services.dunning import scenarios
from desktop_app.services.firm import FirmInput, save_firm
from desktop_app.settings import set_value
from tests.gui.conftest import copied_database, shown_main_window
from tests.helpers import contractor, invoice
from ui.main_window import MainWindow
from ui.operations import Operations

#: a Sunday; SMS go out on any day in these tests (window.sms.business_days = false)
TODAY = dt.date(2026, 11, 22)
D = dt.date


@dataclass(frozen=True)
class Ledger:
    kowalski: int  # FV/10/2026: 1 230,00, issued 16.11, due 30.11 (not yet due)
    nowak: int  # FV/11/2026: 500,00, due 20.11 (2 days overdue), and an e-mail address
    paid_up: int  # nothing open


def build_ledger(db: Database) -> Ledger:
    save_firm(
        db,
        FirmInput(
            name="Hurtownia Pol-Mak",
            nip="7740001454",
            street="ul. Fabryczna 5",
            postal_code="00-001",
            city="Warszawa",
            email="biuro@hurtownia.example.com",
            accounts=[("61 1090 1014 0000 0712 1981 2874", "PLN")],
        ),
    )
    set_value(db, "window.sms.business_days", "false")
    set_value(db, "window.voice.business_days", "false")
    scenarios.set_default(db, "sms-classic")
    kowalski = contractor(db, "Kowalski Transport", phones=["501 234 567"])
    nowak = contractor(
        db, "Nowak Budownictwo Sp. z o.o.", phones=["602 345 678"], emails=["ksiegowosc@nowak.pl"]
    )
    paid_up = contractor(db, "Zielińska Catering")
    invoice(db, kowalski, "FV/10/2026", D(2026, 11, 16), (D(2026, 11, 30), 123_000))
    invoice(db, nowak, "FV/11/2026", D(2026, 11, 6), (D(2026, 11, 20), 50_000))
    return Ledger(kowalski, nowak, paid_up)


@pytest.fixture(scope="session")
def ledger_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Ledger]:
    path = tmp_path_factory.mktemp("dunning-ledger") / "template.db"
    database = open_database(path)
    try:
        return path, build_ledger(database)
    finally:
        database.dispose()


@pytest.fixture
def db(db_path: Path, ledger_template: tuple[Path, Ledger]) -> Iterator[Database]:
    yield from copied_database(ledger_template[0], db_path)


@pytest.fixture
def ledger(db: Database, ledger_template: tuple[Path, Ledger]) -> Ledger:
    return ledger_template[1]


@pytest.fixture
def window(qtbot: QtBot, db: Database, ledger: Ledger, ops: Operations) -> MainWindow:
    return shown_main_window(qtbot, db, ops, TODAY, rows=3)
