"""Where letters are reached from the main window: View → Letters to print, Contractor → Letter…,
Tools → Interest calculator and Letterhead and rates. One window of each kind per main window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from db.uow import Database
from desktop_app.i18n import _
from ui.letters.calculator import InterestCalculator
from ui.letters.letter_dialog import LetterDialog
from ui.letters.queue_view import LettersQueueWindow
from ui.letters.settings_page import LetterSettingsDialog
from ui.operations import Operations

if TYPE_CHECKING:
    from ui.main_window import MainWindow

_OPEN: dict[tuple[int, str], QWidget] = {}
#: what a Letter… dialog needs from whatever opens it: the database, operations, "today"
LetterParts = tuple[Database, Operations, Callable[[], dt.date]]


def _show(owner: QWidget, kind: str, build: Callable[[], QWidget]) -> QWidget:
    key = (id(owner), kind)
    existing = _OPEN.get(key)
    if existing is not None:
        existing.showNormal()
        existing.raise_()
        existing.activateWindow()
        return existing
    widget = build()
    _OPEN[key] = widget
    widget.destroyed.connect(lambda *_args: _OPEN.pop(key, None))
    widget.show()
    return widget


def open_queue(window: MainWindow) -> LettersQueueWindow:
    shown = _show(
        window,
        "letters",
        lambda: LettersQueueWindow(window.db, window.ops, today=window.today, parent=window),
    )
    assert isinstance(shown, LettersQueueWindow)
    return shown


def open_calculator(window: MainWindow) -> InterestCalculator:
    shown = _show(
        window,
        "calculator",
        lambda: InterestCalculator(window.db, window.ops, today=window.today, parent=window),
    )
    assert isinstance(shown, InterestCalculator)
    return shown


def open_settings(window: MainWindow) -> LetterSettingsDialog:
    shown = _show(
        window,
        "letterhead",
        lambda: LetterSettingsDialog(window.db, window.ops, today=window.today, parent=window),
    )
    assert isinstance(shown, LetterSettingsDialog)
    return shown


def open_letter(owner: QWidget, parts: LetterParts, contractor_id: int, name: str) -> LetterDialog:
    """Letter… for one contractor (from the card or the main list)."""
    db, ops, today = parts
    shown = _show(
        owner,
        f"letter-{contractor_id}",
        lambda: LetterDialog(db, ops, contractor_id, name=name, today=today, parent=owner),
    )
    assert isinstance(shown, LetterDialog)
    return shown


def install(window: MainWindow, view_menu: QMenu, contractor_menu: QMenu) -> QMenu:
    """Returns the Tools menu, for others to add to."""
    queue = QAction(_("&Letters to print…"), window)
    queue.setStatusTip(_("Letters dunning and you made: preview, print, mark as sent"))
    queue.triggered.connect(lambda: open_queue(window))
    view_menu.addSeparator()
    view_menu.addAction(queue)

    letter = QAction(_("&Letter…"), window)
    letter.setStatusTip(_("Write a demand letter or note to the chosen contractor"))
    letter.triggered.connect(window.letter_for_current)
    contractor_menu.addAction(letter)

    tools = window.menuBar().addMenu(_("&Tools"))
    calculator = QAction(_("&Interest calculator…"), window)
    calculator.triggered.connect(lambda: open_calculator(window))
    settings = QAction(_("Letterhead and &rates…"), window)
    settings.setStatusTip(_("Logo, signature and the interest rate tables letters use"))
    settings.triggered.connect(lambda: open_settings(window))
    tools.addAction(calculator)
    tools.addAction(settings)
    return tools
