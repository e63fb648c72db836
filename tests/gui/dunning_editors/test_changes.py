"""A scenario saved in the editor re-plans the open calendar; an editor with unsaved edits is
marked, not overwritten, when its scenario changes elsewhere; without edits it shows the new one."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.services.dunning import scenarios
from tests.gui.conftest import OFFSCREEN_NOISE
from ui.dunning import editors_menu
from ui.dunning.calendar_view import CONTRACTOR, STEP, WHEN, CalendarWindow, KeyRole
from ui.dunning.scenario_editor import ScenarioEditor
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _calendar(qtbot: QtBot, window: MainWindow) -> CalendarWindow:
    calendar = editors_menu.open_calendar(window)
    qtbot.waitUntil(lambda: calendar.dry_run is not None and not calendar.loading)
    return calendar


def _editor(qtbot: QtBot, window: MainWindow, name: str) -> ScenarioEditor:
    editor = editors_menu.open_scenarios(window)
    qtbot.waitUntil(lambda: editor.scenario_list.count() == 3 and editor._loaded is not None)
    for row in range(editor.scenario_list.count()):
        item = editor.scenario_list.item(row)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) == name:
            editor.scenario_list.setCurrentRow(row)
    qtbot.waitUntil(lambda: editor._loaded is not None and editor._loaded.name == name)
    return editor


def _listed(editor: ScenarioEditor) -> list[str]:
    items = (editor.scenario_list.item(r) for r in range(editor.scenario_list.count()))
    return [item.text() for item in items if item is not None]


def _rows(calendar: CalendarWindow) -> list[tuple[str, str, str]]:
    return [
        (day.text(WHEN), action.text(CONTRACTOR), action.text(STEP))
        for day in (calendar.tree.topLevelItem(i) for i in range(calendar.tree.topLevelItemCount()))
        if day is not None
        for action in (day.child(j) for j in range(day.childCount()))
        if action is not None
    ]


def test_a_scenario_saved_in_the_editor_replans_the_open_calendar_keeping_its_selection(
    qtbot: QtBot, window: MainWindow
) -> None:
    calendar = _calendar(qtbot, window)
    before = ("Saturday, 28 November 2026", "Kowalski Transport", "2 days before the due date")
    assert before in _rows(calendar)
    chosen = next(
        action
        for action in calendar.action_items()
        if action.text(CONTRACTOR).startswith("Nowak")
        and action.parent().text(WHEN) == "Sunday, 29 November 2026"
    )
    key = chosen.data(0, KeyRole)
    calendar.tree.setCurrentItem(chosen)
    plans = calendar.plans_made

    editor = _editor(qtbot, window, "sms-classic")
    editor.step_list.setCurrentRow(1)
    editor.step_form.offset.setValue(-3)
    editor.save_button.click()
    qtbot.waitUntil(lambda: editor.state_label.text() == "Saved")

    qtbot.waitUntil(lambda: calendar.plans_made > plans and not calendar.loading)
    rows = _rows(calendar)
    assert before not in rows
    # the step keeps its name; its day moves a day earlier, to the Friday
    assert ("Friday, 27 November 2026", "Kowalski Transport", "2 days before the due date") in rows
    current = calendar.tree.currentItem()
    assert current is not None and current.data(0, KeyRole) == key


def test_an_edited_scenario_changed_elsewhere_keeps_the_typing_and_says_so(
    qtbot: QtBot, window: MainWindow, db: Database
) -> None:
    editor = _editor(qtbot, window, "sms-classic")
    editor.title_edit.setText("SMS, our way")
    assert editor.is_dirty()
    elsewhere = dataclasses.replace(scenarios.get(db, "sms-classic"), title="SMS, their way")

    window.ops.write(lambda: scenarios.save(db, elsewhere), changes=Change.SCENARIOS)

    qtbot.waitUntil(lambda: any("SMS, their way" in text for text in _listed(editor)))
    qtbot.waitUntil(lambda: editor.changed_elsewhere)
    assert editor.title_edit.text() == "SMS, our way"
    assert editor.is_dirty()
    assert "changed elsewhere" in editor.state_label.text()


def test_a_scenario_changed_elsewhere_is_shown_when_nothing_was_typed(
    qtbot: QtBot, window: MainWindow, db: Database
) -> None:
    editor = _editor(qtbot, window, "sms-classic")
    editor.step_list.setCurrentRow(2)
    elsewhere = dataclasses.replace(scenarios.get(db, "sms-classic"), title="SMS, their way")

    window.ops.write(lambda: scenarios.save(db, elsewhere), changes=Change.SCENARIOS)

    qtbot.waitUntil(lambda: editor.title_edit.text() == "SMS, their way")
    assert not editor.is_dirty() and not editor.changed_elsewhere
    assert editor.step_list.currentRow() == 2
    assert editor.state_label.text() == "Saved"
