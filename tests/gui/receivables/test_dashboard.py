"""The dashboard as the first screen: its figures on the small ledger, and where its clicks lead."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain.money import format_money
from desktop_app.services.dashboard import cash_in_forecast
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.receivables.conftest import TODAY, Ledger
from tests.helpers import pay
from ui.main_window import MainWindow
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def first_screen(qtbot: QtBot, db: Database, ledger: Ledger, ops: Operations) -> MainWindow:
    main = MainWindow(db, ops, currency="PLN", today=lambda: TODAY, db_label="inkaso.db")
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: main.dashboard.board is not None and bool(main.dashboard.trend))
    return main


def test_the_dashboard_is_the_first_screen_with_the_figures(first_screen: MainWindow) -> None:
    board = first_screen.dashboard
    assert first_screen.pages.currentWidget() is board
    assert board.open_tile.value == format_money(640_000, "PLN")
    assert board.overdue_tile.value == format_money(590_000, "PLN")
    assert board.share_tile.value == "92%"
    assert board.debtors.rowCount() == 2
    assert board.debtors.item(0, 0).text() == "Beta Budownictwo S.A."
    assert board.debtors.item(0, 1).text() == format_money(500_000, "PLN")
    assert board.debtors.item(1, 0).text() == "Alfa Sp. z o.o."
    # 31-60: Beta's 5 000,00 and Alfa's 300,00; 61-90: Alfa's 600,00
    bars = board.aging_bars
    assert [bars.at(i) for i in range(bars.count())] == [0.0, 5300.0, 600.0, 0.0, 0.0]


def test_the_week_tiles_show_the_forecast_by_expected_payment_day(
    qtbot: QtBot, first_screen: MainWindow, db: Database
) -> None:
    board = first_screen.dashboard
    qtbot.waitUntil(lambda: bool(board.forecast))
    weeks = cash_in_forecast(db, TODAY)["PLN"]
    assert [tile.value for tile in board.week_tiles] == [
        format_money(week.amount, "PLN") for week in weeks
    ]
    assert board.forecast == cash_in_forecast(db, TODAY)


def test_clicking_a_debtor_opens_its_card(
    qtbot: QtBot, first_screen: MainWindow, ledger: Ledger
) -> None:
    table = first_screen.dashboard.debtors
    rect = table.visualItemRect(table.item(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(
        lambda: (
            ledger.beta in first_screen.cards() and first_screen.cards()[ledger.beta].isVisible()
        )
    )


def test_clicking_overdue_shows_the_overdue_list(qtbot: QtBot, first_screen: MainWindow) -> None:
    qtbot.mouseClick(first_screen.dashboard.overdue_tile, Qt.MouseButton.LeftButton)
    # the list behind the figure first, then on to the contractor list
    drill = first_screen.dashboard.drill_dialog
    assert drill is not None and drill.more is not None
    qtbot.mouseClick(drill.more, Qt.MouseButton.LeftButton)
    assert first_screen.pages.currentWidget() is first_screen.list_page
    assert first_screen.overdue_only.isChecked()
    qtbot.waitUntil(lambda: first_screen.model.rowCount() == 2 and not first_screen.model.loading)


def test_a_payment_elsewhere_refreshes_the_figures(
    qtbot: QtBot, first_screen: MainWindow, db: Database, ops: Operations, ledger: Ledger
) -> None:
    board = first_screen.dashboard
    ops.write(lambda: pay(db, ledger.beta, TODAY, 500_000), changes=Change.PAYMENTS)
    qtbot.waitUntil(lambda: board.overdue_tile.value == format_money(90_000, "PLN"))
    assert board.debtors.rowCount() == 1
    assert board.debtors.item(0, 0).text() == "Alfa Sp. z o.o."


def test_month_names_under_the_trend_are_never_cut_to_dots(
    qtbot: QtBot, first_screen: MainWindow
) -> None:
    """On a 1366-pixel screen twelve bars leave each month about 30 pixels: Qt cut "mar" and
    "maj" to "..." though the short name fits."""
    first_screen.resize(1300, 700)
    axis = first_screen.dashboard.trend_view.x_axis
    qtbot.waitUntil(lambda: first_screen.dashboard.trend_view.width() < 600)
    assert len(axis.categories()) == 12
    assert not axis.labelsTruncated()
    # whole names that would touch their neighbours stand on their side instead
    assert first_screen.dashboard.trend_view.labels_fit_upright() or axis.labelsAngle() == -90
    first_screen.resize(2400, 700)
    qtbot.waitUntil(lambda: first_screen.dashboard.trend_view.labels_fit_upright())
    assert axis.labelsAngle() == 0


def test_the_side_labels_group_thousands(first_screen: MainWindow) -> None:
    """The value axis read "6000": amounts in the thousands are grouped as elsewhere."""
    axis = first_screen.dashboard.aging_view.y_axis
    assert axis.max() >= 1000
    labels = axis.categoriesLabels()
    assert len(labels) == axis.tickCount()
    assert labels[0] == "0"
    assert labels[-1] == f"{axis.max():,.0f}"


def test_a_book_with_contractors_offers_no_first_steps(first_screen: MainWindow) -> None:
    assert not first_screen.dashboard.first_steps.isVisible()
