"""The dashboard on the first start: an empty book reads as an empty book, not as loading."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.domain.money import format_money
from tests.gui.conftest import OFFSCREEN_NOISE
from ui.entry.contractor_dialog import ContractorDialog
from ui.imports.wizard import ImportWizard
from ui.main_window import MainWindow
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

TODAY = dt.date(2026, 12, 1)


def test_an_empty_book_shows_zero_weeks_and_a_plain_axis(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    """The first start: the forecast tiles said "…" for ever and the empty charts counted
    0, 0, 0, 1, 1, 1 up their side."""
    main = MainWindow(db, ops, currency="PLN", today=lambda: TODAY, db_label="inkaso.db")
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    board = main.dashboard
    qtbot.waitUntil(lambda: board.board is not None and not ops.busy)
    assert [tile.value for tile in board.week_tiles] == [format_money(0, "PLN")] * 4
    for chart in (board.aging_view, board.trend_view):
        axis = chart.y_axis
        step = (axis.max() - axis.min()) / (axis.tickCount() - 1)
        labels = [f"{axis.min() + n * step:.0f}" for n in range(axis.tickCount())]
        assert len(set(labels)) == len(labels), labels


def test_an_empty_book_offers_the_first_steps(qtbot: QtBot, db: Database, ops: Operations) -> None:
    """The first start showed empty tiles and no way forward."""
    main = MainWindow(db, ops, currency="PLN", today=lambda: TODAY, db_label="inkaso.db")
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    board = main.dashboard
    qtbot.waitUntil(lambda: board.board is not None and not ops.busy)
    assert board.first_steps.isVisible()
    qtbot.mouseClick(board.add_contractor_button, Qt.MouseButton.LeftButton)
    assert isinstance(main.entry.dialog, ContractorDialog)
    main.entry.dialog.close()
    qtbot.mouseClick(board.import_button, Qt.MouseButton.LeftButton)
    wizards = main.findChildren(ImportWizard)
    assert wizards and wizards[-1].isVisible()
    wizards[-1].close()
