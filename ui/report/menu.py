"""View → Owed to us…: one report window per main window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from desktop_app.i18n import _
from ui.report.window import ReportWindow

if TYPE_CHECKING:
    from ui.main_window import MainWindow

_OPEN: dict[int, ReportWindow] = {}


def open_report(window: MainWindow) -> ReportWindow:
    key = id(window)
    report = _OPEN.get(key)
    if report is not None:
        report.refresh()
        report.showNormal()
        report.raise_()
        report.activateWindow()
        return report
    report = ReportWindow(
        window.db, window.ops, today=window.today(), open_card=window.open_card, parent=window
    )
    _OPEN[key] = report
    report.destroyed.connect(lambda *_args: _OPEN.pop(key, None))
    report.show()
    return report


def install(window: MainWindow, menu: QMenu) -> None:
    action = QAction(_("&Owed to us…"), window)
    action.setStatusTip(
        _("Who owes what as of a day, by contractor, account manager or days overdue")
    )
    action.setShortcut(Qt.Modifier.CTRL | Qt.Modifier.SHIFT | Qt.Key.Key_O)
    action.triggered.connect(lambda: open_report(window))
    menu.addAction(action)
    window.addAction(action)
