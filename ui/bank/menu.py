"""View → Bank…: the window of payments waiting for a person, one per main window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from desktop_app.i18n import _
from ui.bank.bank_view import BankWindow

if TYPE_CHECKING:
    from ui.main_window import MainWindow

_OPEN: dict[int, BankWindow] = {}


def open_bank(window: MainWindow) -> BankWindow:
    key = id(window)
    bank = _OPEN.get(key)
    if bank is not None:
        bank.refresh()
        bank.showNormal()
        bank.raise_()
        bank.activateWindow()
        return bank
    bank = BankWindow(window.db, window.ops, open_card=window.open_card, parent=window)
    _OPEN[key] = bank
    bank.destroyed.connect(lambda *_args: _OPEN.pop(key, None))
    bank.show()
    return bank


def install(window: MainWindow, menu: QMenu) -> None:
    action = QAction(_("&Bank…"), window)
    action.setStatusTip(
        _("Payments not matched to an invoice, suggestions and the reasons of matches")
    )
    action.setShortcut(Qt.Modifier.CTRL | Qt.Key.Key_B)
    action.triggered.connect(lambda: open_bank(window))
    menu.addAction(action)
    window.addAction(action)
