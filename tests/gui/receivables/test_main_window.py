"""The main window as a clerk uses it: type to search, click a header, Enter or double-click."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from desktop_app.domain.money import format_money
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.receivables.conftest import Ledger
from ui.main_window import MainWindow
from ui.models.contractors_model import COLUMN

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _names(window: MainWindow) -> list[str]:
    model = window.model
    return [model.index(r, COLUMN["name"]).data() for r in range(model.rowCount())]


def _search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.search.clear()
    qtbot.keyClicks(window.search, text)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("alfa", ["Alfa Sp. z o.o."]),
        ("lodzkie", ["Łódzkie Zakłady Mięsne Sp. z o.o."]),  # without Polish letters
        ("0001454", ["Beta Budownictwo S.A."]),  # a NIP fragment
        ("gamma-trans.com", ["Gamma Transport s.c."]),  # an e-mail fragment
        ("765 43", ["Gamma Transport s.c."]),  # a phone fragment as printed
        ("501234", ["Alfa Sp. z o.o."]),
        ("plock", ["Beta Budownictwo S.A."]),  # the city Płock, without Polish letters
        ("WARSZ", ["Alfa Sp. z o.o."]),  # a city, any case
        ("nobody", []),
    ],
)
def test_typing_in_the_search_box_filters_the_list(
    qtbot: QtBot, window: MainWindow, typed: str, expected: list[str]
) -> None:
    _search(qtbot, window, typed)
    qtbot.waitUntil(lambda: not window.model.loading and _names(window) == expected)
    assert window.summary.text().startswith(f"{len(expected)} contractor")
    if not expected:
        assert window.table._empty.isVisible()
    _search(qtbot, window, "")
    qtbot.waitUntil(lambda: window.model.rowCount() == 4)


def test_clicking_the_overdue_header_puts_the_biggest_debtor_first(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    header = window.table.horizontalHeader()
    column = COLUMN["overdue"]
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    qtbot.waitUntil(lambda: window.model.contractor_id(0) == ledger.beta)
    assert header.sortIndicatorSection() == column
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert _names(window)[:2] == ["Beta Budownictwo S.A.", "Alfa Sp. z o.o."]


def test_status_bar_counts_and_totals(window: MainWindow) -> None:
    text = window.summary.text()
    assert "4 contractors" in text
    assert format_money(640_000, "PLN") in text
    assert format_money(590_000, "PLN") in text


def test_double_click_opens_the_card_and_esc_closes_it(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    row = window.model.row_of(ledger.alfa)
    assert row is not None
    rect = window.table.visualRect(window.model.index(row, COLUMN["name"]))
    # a real double-click starts with a press: the view opens only the row that was pressed
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(
        lambda: ledger.alfa in window.cards() and window.cards()[ledger.alfa].isVisible()
    )
    card = window.cards()[ledger.alfa]
    qtbot.waitUntil(lambda: card.card is not None)
    assert card.name_label.text() == "Alfa Sp. z o.o."
    qtbot.keyClick(card, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: ledger.alfa not in window.cards())


def test_keyboard_search_down_enter_opens_card_ctrl_f_returns(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search.hasFocus)
    qtbot.keyClicks(window.search, "beta")
    qtbot.waitUntil(lambda: _names(window) == ["Beta Budownictwo S.A."])
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert window.table.hasFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: ledger.beta in window.cards() and window.cards()[ledger.beta].isVisible()
    )
    card = window.cards()[ledger.beta]
    qtbot.waitUntil(lambda: card.card is not None)
    assert card.overdue_labels["PLN"].text() == format_money(500_000, "PLN")
    card.close()


def test_right_click_copies_the_nip(qtbot: QtBot, window: MainWindow, ledger: Ledger) -> None:
    row = window.model.row_of(ledger.beta)
    assert row is not None
    rect = window.table.visualRect(window.model.index(row, COLUMN["name"]))
    window.table.customContextMenuRequested.emit(rect.center())
    menus: list[QMenu] = []
    qtbot.waitUntil(
        lambda: bool(
            menus.extend(
                w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()
            )
            or menus
        )
    )
    menu = menus[0]
    copy = next(a for a in menu.actions() if a.text() == "Copy NIP")
    assert not next(a for a in menu.actions() if a.text() == "Copy e-mail").isEnabled()
    copy.trigger()
    menu.close()
    assert QApplication.clipboard().text() == "7740001454"


def test_enter_in_the_search_box_opens_the_only_match(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    window.search.setFocus()
    qtbot.keyClicks(window.search, "plock")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # before the typing pause ran the search
    qtbot.waitUntil(
        lambda: ledger.beta in window.cards() and window.cards()[ledger.beta].isVisible()
    )
    assert list(window.cards()) == [ledger.beta]
    card = window.cards()[ledger.beta]
    qtbot.waitUntil(lambda: card.card is not None)
    card.close()


def test_enter_with_several_matches_moves_into_the_list(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.search.setFocus()
    qtbot.keyClicks(window.search, "sp. z o.o.")
    qtbot.waitUntil(lambda: not window.model.loading and window.model.rowCount() == 2)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.table.hasFocus()
    assert window.table.currentIndex().row() == 0
    assert window.cards() == {}
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    second = window.model.contractor_id(1)
    qtbot.waitUntil(lambda: second in window.cards() and window.cards()[second].isVisible())
    window.cards()[second].close()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.search.setFocus()
    _search(qtbot, window, "nobody")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.model.loading and window.model.rowCount() == 0)
    assert window.search.hasFocus()  # nothing to move to: the search stays to be corrected
