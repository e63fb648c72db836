"""The quick-find box (Ctrl+K): matches in a popup as you type, Enter opens the card, an
invoice number opens it on that invoice."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.receivables.conftest import Ledger
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _popup_lines(window: MainWindow) -> list[str]:
    model = window.quick_find.completer().completionModel()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def _close_cards(window: MainWindow) -> None:
    for card in window.cards().values():
        card.close()


def test_ctrl_k_typing_shows_matches_and_enter_opens_the_invoice_in_its_card(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    window.pages.setCurrentWidget(window.dashboard)  # it works from any page
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    box = window.quick_find
    assert QApplication.focusWidget() is box
    qtbot.keyClicks(box, "FV/3")
    popup = box.completer().popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    assert _popup_lines(window) == [
        "Invoice FV/3/2026: Beta Budownictwo S.A.  ·  NIP 7740001454, Płock"
    ]
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: ledger.beta in window.cards() and window.cards()[ledger.beta].isVisible()
    )
    card = window.cards()[ledger.beta]
    qtbot.waitUntil(lambda: card.invoices_tree.currentItem() is not None)
    current = card.invoices_tree.currentItem()
    assert current is not None and current.text(0) == "FV/3/2026"
    qtbot.waitUntil(lambda: box.text() == "")
    _close_cards(window)


def test_a_phone_number_and_enter_before_the_answer_open_the_only_match(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    box = window.quick_find
    box.focus()
    qtbot.keyClicks(box, "22 765 43")
    qtbot.keyClick(box, Qt.Key.Key_Return)  # at once, before the popup
    qtbot.waitUntil(lambda: ledger.gamma in window.cards())
    _close_cards(window)


def test_nothing_found_says_so(qtbot: QtBot, window: MainWindow) -> None:
    box = window.quick_find
    box.focus()
    qtbot.keyClicks(box, "Zzyzx")
    popup = box.completer().popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    assert _popup_lines(window) == ["Nothing found for Zzyzx"]
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert window.cards() == {}
