"""Debts in euros show in the main window as they do in złoty (issue 6 item 6): in the list's
cells, under "Only overdue", in the status bar's totals and on the card."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.domain.money import format_amounts, format_money
from tests.gui.conftest import OFFSCREEN_NOISE, shown_main_window
from tests.gui.receivables.conftest import TODAY, Ledger
from tests.helpers import D, contractor, invoice
from ui import theme
from ui.main_window import MainWindow
from ui.models.contractors_model import COLUMN, SortRole
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def euro(db: Database, ledger: Ledger) -> int:
    """Alfa also owes 100,00 € overdue; Euro Trade owes only 268,92 €, overdue since 1 October."""
    invoice(db, ledger.alfa, "FV/E/1", D(2026, 9, 1), (D(2026, 10, 1), 100_00), currency="EUR")
    euro = contractor(db, "Euro Trade GmbH", city="Wien")
    invoice(db, euro, "FV/E/2", D(2026, 9, 1), (D(2026, 10, 1), 268_92), currency="EUR")
    return euro


@pytest.fixture
def window(qtbot: QtBot, db: Database, ledger: Ledger, euro: int, ops: Operations) -> MainWindow:
    return shown_main_window(qtbot, db, ops, TODAY, rows=5)


def _cell(window: MainWindow, contractor_id: int, column: str) -> str:
    row = window.model.row_of(contractor_id)
    assert row is not None
    return str(window.model.index(row, COLUMN[column]).data())


def test_the_list_shows_every_currency_a_contractor_owes(
    qtbot: QtBot, window: MainWindow, ledger: Ledger, euro: int, qtmodeltester: ModelTester
) -> None:
    qtbot.waitUntil(lambda: window.model.cached_row(window.model.row_of(euro) or 0) is not None)
    assert _cell(window, euro, "overdue") == format_money(268_92, "EUR")
    assert _cell(window, euro, "open") == format_money(268_92, "EUR")
    assert _cell(window, euro, "days") == str((TODAY - D(2026, 10, 1)).days)
    assert _cell(window, ledger.alfa, "overdue") == format_amounts(
        [(90_000, "PLN"), (100_00, "EUR")], "PLN"
    )
    row = window.model.row_of(euro)
    assert row is not None
    overdue = window.model.index(row, COLUMN["overdue"])
    brush = overdue.data(Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color() == theme.overdue_text()
    # sorted after the złoty debtors, by its euros, before those who owe nothing
    assert overdue.data(SortRole) == (0, 268_92)
    assert format_money(268_92, "EUR") in str(overdue.data(Qt.ItemDataRole.ToolTipRole))
    qtmodeltester.check(window.model)


def test_only_overdue_keeps_a_contractor_overdue_in_euros(
    qtbot: QtBot, window: MainWindow, ledger: Ledger, euro: int
) -> None:
    window.overdue_only.setChecked(True)
    qtbot.waitUntil(lambda: not window.model.loading and window.model.rowCount() == 3)
    listed = {window.model.contractor_id(r) for r in range(3)}
    assert listed == {ledger.alfa, ledger.beta, euro}


def test_the_status_bar_totals_every_currency(window: MainWindow) -> None:
    text = window.summary.text()
    assert "5 contractors" in text
    assert format_money(640_000, "PLN") in text
    assert format_money(368_92, "EUR") in text  # open: 100,00 + 268,92
    assert text.count(format_money(368_92, "EUR")) == 2  # and all of it overdue
    assert format_money(590_000, "PLN") in text


def test_the_card_shows_every_currency(qtbot: QtBot, window: MainWindow, ledger: Ledger) -> None:
    card = window.open_card(ledger.alfa)
    qtbot.addWidget(card)
    qtbot.waitUntil(lambda: card.card is not None and "EUR" in card.overdue_labels)
    assert card.overdue_labels["EUR"].text() == format_money(100_00, "EUR")
    assert card.overdue_labels["PLN"].text() == format_money(90_000, "PLN")


def test_a_search_for_the_euro_debtor_totals_only_euros(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.search, "euro trade")
    qtbot.waitUntil(lambda: not window.model.loading and window.model.rowCount() == 1)
    text = window.summary.text()
    assert "1 contractor" in text
    assert f"open: {format_money(268_92, 'EUR')}" in text
    assert format_money(0, "PLN") not in text
