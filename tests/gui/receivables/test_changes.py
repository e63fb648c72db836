"""Windows hear about changes made elsewhere: one signal from the operations, no window wiring.

A payment recorded by another operation updates the open card and the list without anyone
pressing Refresh, and neither loses the user's place in it (the chosen rows, the card's tab, the
list's scroll).
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain.money import format_money
from desktop_app.services import payments
from tests.gui.conftest import OFFSCREEN_NOISE, shown_main_window
from tests.gui.receivables.conftest import TODAY, Ledger
from tests.helpers import contractor
from ui.main_window import MainWindow
from ui.models.contractors_model import COLUMN
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _top(tree: QTreeWidget, text: str) -> QTreeWidgetItem:
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        if item is not None and item.text(0) == text:
            return item
    raise AssertionError(f"{text} not in the list")


def _overdue_in_list(window: MainWindow, contractor_id: int) -> str:
    row = window.model.row_of(contractor_id)
    assert row is not None
    return str(window.model.index(row, COLUMN["overdue"]).data())


def test_a_payment_recorded_elsewhere_updates_the_open_card_and_the_list_in_place(
    qtbot: QtBot, window: MainWindow, db: Database, ledger: Ledger
) -> None:
    card = window.open_card(ledger.alfa)
    qtbot.waitUntil(lambda: card.card is not None and card.isVisible())
    assert card.overdue_labels["PLN"].text() == format_money(90_000, "PLN")
    card.invoices_tree.setCurrentItem(_top(card.invoices_tree, "FV/2/2026"))
    card.tabs.setCurrentIndex(1)
    beta_row = window.model.row_of(ledger.beta)
    assert beta_row is not None
    window.table.selectRow(beta_row)
    assert _overdue_in_list(window, ledger.alfa) == format_money(90_000, "PLN")

    # another window, the CLI's twin in-process, an import: anything that goes through operations
    window.ops.write(
        lambda: payments.add_payment(
            db, payments.PaymentInput(contractor=ledger.alfa, date=TODAY, amount_minor=30_000)
        ),
        changes=Change.PAYMENTS,
    )

    qtbot.waitUntil(lambda: card.overdue_labels["PLN"].text() == format_money(60_000, "PLN"))
    qtbot.waitUntil(lambda: _overdue_in_list(window, ledger.alfa) == format_money(60_000, "PLN"))
    summary = window.summary.text()  # the status bar's totals: 6 400,00 open, 5 900,00 overdue
    assert format_money(610_000, "PLN") in summary and format_money(560_000, "PLN") in summary
    # the user's place: the list's chosen row, the card's tab and its chosen invoice
    assert window.table.currentIndex().row() == window.model.row_of(ledger.beta)
    assert card.tabs.currentIndex() == 1
    current = card.invoices_tree.currentItem()
    assert current is not None and current.text(0) == "FV/2/2026"
    assert card.payments_tree.topLevelItemCount() == 2


def test_a_change_a_window_does_not_show_leaves_it_alone(
    qtbot: QtBot, window: MainWindow, db: Database, ledger: Ledger
) -> None:
    generation = window.model.search_generation()
    done: list[object] = []
    window.ops.write(lambda: None, changes=Change.TEMPLATES, on_success=done.append)
    qtbot.waitUntil(lambda: done == [None])
    qtbot.wait(50)
    assert window.model.search_generation() == generation
    assert not window.model.loading


def test_the_list_keeps_its_scroll_and_chosen_row_when_data_changes_elsewhere(
    qtbot: QtBot, db: Database, ops: Operations, ledger: Ledger
) -> None:
    for n in range(80):
        contractor(db, f"Zeta {n:02d} Sp. z o.o.")
    window = shown_main_window(qtbot, db, ops, TODAY, rows=84)
    window.resize(900, 420)
    bar = window.table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    chosen = window.model.contractor_id(60)
    window.table.selectRow(60)
    bar.setValue(bar.maximum() // 3)  # the user scrolled away from the chosen row
    scrolled = bar.value()
    searches = window.model.search_generation()

    ops.write(
        lambda: payments.add_payment(
            db, payments.PaymentInput(contractor=ledger.alfa, date=TODAY, amount_minor=30_000)
        ),
        changes=Change.PAYMENTS,
    )

    qtbot.waitUntil(lambda: window.model.search_generation() > searches)
    assert window.table.currentIndex().row() == window.model.row_of(chosen)
    assert bar.value() == scrolled
    assert _overdue_in_list(window, ledger.alfa) == format_money(60_000, "PLN")
