"""Tools → Users… (one window per main window) and Contractor → Assign account manager…."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from desktop_app.i18n import _
from ui.users import assign
from ui.users.window import UsersWindow

if TYPE_CHECKING:
    from ui.main_window import MainWindow

_OPEN: dict[int, UsersWindow] = {}


def open_users(window: MainWindow) -> UsersWindow:
    key = id(window)
    shown = _OPEN.get(key)
    if shown is not None:
        shown.refresh()
        shown.showNormal()
        shown.raise_()
        shown.activateWindow()
        return shown
    shown = UsersWindow(window.db, window.ops, today=window.today, parent=window)
    _OPEN[key] = shown
    shown.destroyed.connect(lambda *_args: _OPEN.pop(key, None))
    shown.show()
    return shown


def install(window: MainWindow, tools_menu: QMenu, contractor_menu: QMenu) -> QAction:
    """Returns Assign account manager… for the list's context menu."""
    users_action = QAction(_("&Users…"), window)
    users_action.setStatusTip(_("The people working in Inkaso, their roles, absences and deputies"))
    users_action.triggered.connect(lambda: open_users(window))
    tools_menu.addAction(users_action)
    assign_action = QAction(_("&Assign account manager…"), window)
    assign_action.setStatusTip(
        _("Give the selected contractors (or all in the list) to one account manager")
    )
    assign_action.triggered.connect(lambda: assign.ask_assign(window))
    contractor_menu.addAction(assign_action)
    return assign_action
