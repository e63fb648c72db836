"""A firm with a NIP (so its KSeF invoices are receivables) and the main window over its empty
database; the files the wizard imports are in files/, made by hand with Polish letters."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services import firm
from tests.gui.conftest import shown_main_window
from ui.main_window import MainWindow
from ui.operations import Operations

TODAY = dt.date(2026, 11, 22)
FILES = Path(__file__).resolve().parent / "files"
FIRM_NIP = "5252248481"
FIRM_ACCOUNT = "PL61109010140000071219812874"


@pytest.fixture
def firm_db(db: Database) -> Database:
    firm.save_firm(
        db,
        firm.FirmInput(
            name="Nasza Hurtownia Sp. z o.o.", nip=FIRM_NIP, accounts=[(FIRM_ACCOUNT, "PLN")]
        ),
    )
    return db


@pytest.fixture
def window(qtbot: QtBot, firm_db: Database, ops: Operations) -> MainWindow:
    return shown_main_window(qtbot, firm_db, ops, TODAY, rows=0)


def dump(path: Path) -> list[str]:
    """Every row of every table, to prove a refused import wrote nothing."""
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()
