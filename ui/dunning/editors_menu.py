"""Entries of the Dunning menu for the editors: scenarios, templates, the dry-run calendar.

Each opens one non-modal window per main window; choosing the entry again brings it forward.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu

from db.uow import Database
from desktop_app.i18n import _
from ui.dunning.calendar_view import CalendarWindow
from ui.dunning.scenario_editor import ScenarioEditor
from ui.dunning.template_editor import TemplateEditor
from ui.operations import Operations

if TYPE_CHECKING:
    from ui.main_window import MainWindow

#: one window of each kind per main window
_OPEN: dict[tuple[int, str], QDialog] = {}


def _parts(window: MainWindow) -> tuple[Database, Operations, Callable[[], dt.date]]:
    return window.db, window.ops, window.today


def _show(window: MainWindow, kind: str, build: Callable[[], QDialog]) -> QDialog:
    key = (id(window), kind)
    existing = _OPEN.get(key)
    if existing is not None:
        existing.showNormal()
        existing.raise_()
        existing.activateWindow()
        return existing
    dialog = build()
    _OPEN[key] = dialog
    dialog.destroyed.connect(lambda *_args: _OPEN.pop(key, None))
    dialog.show()
    return dialog


def open_scenarios(window: MainWindow) -> ScenarioEditor:
    db, ops, _today = _parts(window)
    dialog = _show(window, "scenarios", lambda: ScenarioEditor(db, ops, parent=window))
    assert isinstance(dialog, ScenarioEditor)
    return dialog


def open_templates(window: MainWindow) -> TemplateEditor:
    db, ops, today = _parts(window)
    dialog = _show(window, "templates", lambda: TemplateEditor(db, ops, today=today, parent=window))
    assert isinstance(dialog, TemplateEditor)
    return dialog


def open_calendar(window: MainWindow) -> CalendarWindow:
    db, ops, today = _parts(window)
    dialog = _show(
        window,
        "calendar",
        lambda: CalendarWindow(db, ops, today=today, open_card=window.open_card, parent=window),
    )
    assert isinstance(dialog, CalendarWindow)
    return dialog


def install(window: MainWindow, menu: QMenu) -> None:
    """Add this module's actions to the window's Dunning menu."""
    scenarios = QAction(_("Sce&narios…"), window)
    scenarios.setStatusTip(_("Edit the dunning scenarios: steps, channels, conditions"))
    scenarios.triggered.connect(lambda: open_scenarios(window))
    templates = QAction(_("Te&mplates…"), window)
    templates.setStatusTip(_("Edit the wording of e-mails, SMS and tasks, with a live preview"))
    templates.triggered.connect(lambda: open_templates(window))
    calendar = QAction(_("Dry-run &calendar…"), window)
    calendar.setStatusTip(_("What would be sent in the coming days"))
    calendar.triggered.connect(lambda: open_calendar(window))
    for action in (scenarios, templates, calendar):
        menu.addAction(action)
