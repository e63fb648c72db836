"""The scenario editor: presets load, steps edit, problems show in words and block Save."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.domain.scenario import Conditions, Repeat, Trigger
from desktop_app.services.dunning import scenarios
from tests.gui.conftest import OFFSCREEN_NOISE
from ui.dunning import editors_menu
from ui.dunning.scenario_editor import ScenarioEditor
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _open(qtbot: QtBot, window: MainWindow, name: str) -> ScenarioEditor:
    titles = [a.text() for a in window.dunning_menu.actions()]
    assert {"Sce&narios…", "Te&mplates…", "Dry-run &calendar…"} <= set(titles)
    action = next(a for a in window.dunning_menu.actions() if a.text() == "Sce&narios…")
    action.trigger()
    editor = editors_menu.open_scenarios(window)  # the same window, brought forward
    qtbot.waitUntil(lambda: editor.scenario_list.count() == 3 and editor._loaded is not None)
    for row in range(editor.scenario_list.count()):
        item = editor.scenario_list.item(row)
        assert item is not None
        if item.data(Qt.ItemDataRole.UserRole) == name:
            editor.scenario_list.setCurrentRow(row)
    qtbot.waitUntil(lambda: editor._loaded is not None and editor._loaded.name == name)
    return editor


def test_the_preset_loads_with_its_steps_and_the_default_is_marked(
    qtbot: QtBot, window: MainWindow
) -> None:
    editor = _open(qtbot, window, "sms-classic")
    texts = [editor.scenario_list.item(r).text() for r in range(3)]  # type: ignore[union-attr]
    assert any(t.startswith("★ ") and "sms-classic" in t for t in texts)
    assert all("built-in preset" in t for t in texts)
    assert editor.step_list.count() == 4
    assert editor.name_edit.text() == "sms-classic" and editor.name_edit.isReadOnly()
    assert editor.handover_box.isChecked() and editor.handover_days.value() == 21
    assert editor.thanks_channels.checks["sms"].isChecked()
    editor.step_list.setCurrentRow(3)
    form = editor.step_form
    assert form.code.text() == "overdue"
    assert form.offset.value() == 2 and form.anchor.currentData() == "due"
    assert form.repeat.isChecked() and form.every.value() == 7 and not form.limited.isChecked()
    assert form.when_text.text() == "2 days after the due date"
    assert not editor.save_button.isEnabled()  # nothing changed yet
    assert not editor.delete_button.isEnabled()  # the default cannot be deleted
    assert editor.reset_button.isEnabled()


def test_an_edited_step_saves_and_round_trips_through_the_service(
    qtbot: QtBot, window: MainWindow, db: Database
) -> None:
    editor = _open(qtbot, window, "sms-classic")
    editor.step_list.setCurrentRow(1)
    form = editor.step_form
    form.offset.setValue(-3)
    form.business.setChecked(True)
    form.channels.checks["email"].setChecked(True)
    form.channels.templates["email"].set_value("gentle-email/email_before_due")
    form.channels.templates["email"].editTextChanged.emit("gentle-email/email_before_due")
    form.min_open.setText("100.50")  # typed as English writes amounts
    form.min_open.textEdited.emit("100.50")
    form.tags_none.setText("vip, pause")
    form.rating.setCurrentIndex(form.rating.findData(3))
    form.attach.setChecked(True)
    editor.step_list.setCurrentRow(3)
    editor.step_form.limited.setChecked(True)
    editor.step_form.times.setValue(2)
    editor.per_invoice.setChecked(True)
    editor.thanks_within.setValue(5)
    editor.handover_notice.setChecked(False)
    assert editor.problems() == []
    assert editor.is_dirty() and editor.save_button.isEnabled()
    assert editor.state_label.text() == "Unsaved changes"

    editor.save_button.click()
    qtbot.waitUntil(lambda: editor.state_label.text() == "Saved")

    stored = scenarios.get(db, "sms-classic")
    step = stored.step("before-due")
    assert step.trigger == Trigger("due", -3, business_days=True)
    assert step.channels == ("email", "sms")
    assert step.templates["email"] == "gentle-email/email_before_due"
    assert step.conditions == Conditions(
        min_open_minor=10_050, tags_none=("vip", "pause"), max_rating=3
    )
    assert step.attach_invoice_list
    assert stored.step("overdue").repeat == Repeat(every=7, times=2)
    assert stored.per_invoice and stored.on_paid.within_days == 5
    assert stored.handover is not None and not stored.handover.notice
    built, _problems = editor.scenario()
    assert built == stored


def test_invalid_input_is_explained_marks_the_step_and_disables_save(
    qtbot: QtBot, window: MainWindow
) -> None:
    editor = _open(qtbot, window, "gentle-email")
    editor.step_list.setCurrentRow(2)
    form = editor.step_form
    form.code.setText("Bad Code")
    form.code.textEdited.emit("Bad Code")
    form.channels.checks["email"].setChecked(False)
    problems = editor.problems()
    assert "Step 3 (Bad Code): the code must be lower-case letters, digits, - or _" in problems
    assert "Step 3 (Bad Code): choose at least one channel" in problems
    assert not editor.save_button.isEnabled()
    assert editor.step_has_problem(2) and not editor.step_has_problem(0)
    shown = [editor.problems_list.item(i).text() for i in range(editor.problems_list.count())]  # type: ignore[union-attr]
    assert shown == problems

    editor.step_list.setCurrentRow(0)
    editor.step_form.min_open.setText("12.345")
    editor.step_form.min_open.textEdited.emit("12.345")
    assert any(
        p.startswith("Step 1 (before-due): open amount: Too many decimal places")
        for p in editor.problems()
    )
    # a problem in the list leads to its step
    item = next(
        editor.problems_list.item(i)
        for i in range(editor.problems_list.count())
        if "Bad Code" in editor.problems_list.item(i).text()  # type: ignore[union-attr]
    )
    assert item is not None
    editor._problem_clicked(item)
    assert editor.step_list.currentRow() == 2 and editor.tabs.currentIndex() == 1

    editor.revert_button.click()
    assert editor.problems() == [] and not editor.is_dirty()
    editor.close()


def test_a_step_names_only_templates_that_exist(qtbot: QtBot, window: MainWindow) -> None:
    editor = _open(qtbot, window, "gentle-email")
    qtbot.waitUntil(lambda: editor._known_templates is not None)
    editor.step_list.setCurrentRow(2)
    combo = editor.step_form.channels.templates["email"]
    for typed, problem in (
        ("x//tmp/evil/steal", "'x//tmp/evil/steal' is not a template name"),
        ("gentle-email/no_such", "there is no template named gentle-email/no_such"),
    ):
        combo.set_value(typed)
        combo.editTextChanged.emit(typed)
        assert any(p.startswith(f"Step 3 (overdue): {problem}") for p in editor.problems())
        assert editor.step_has_problem(2) and not editor.save_button.isEnabled()
    combo.set_value("gentle-email/email_final")
    combo.editTextChanged.emit("gentle-email/email_final")
    assert editor.problems() == [] and editor.save_button.isEnabled()
    editor.revert_button.click()
    editor.close()


def test_a_new_scenario_is_built_step_by_step_and_becomes_the_default(
    qtbot: QtBot, window: MainWindow, db: Database
) -> None:
    editor = _open(qtbot, window, "gentle-email")
    editor.start_new("office")
    assert editor.is_dirty() and not editor.name_edit.isReadOnly()
    editor.title_edit.setText("Office reminders")
    editor.title_edit.textEdited.emit("Office reminders")
    editor._add_step()
    assert editor.step_list.count() == 2
    form = editor.step_form
    assert form.anchor.currentData() == "previous" and form.offset.value() == 7
    form.channels.checks["email"].setChecked(False)
    form.channels.checks["task"].setChecked(True)
    assert "Step 2 (step-2): no template chosen for task" in editor.problems()
    form.channels.templates["task"].set_value("escalation/task_manager")
    form.channels.templates["task"].editTextChanged.emit("escalation/task_manager")
    editor._move_step(-1)
    assert "Step 1 (step-2): the first step cannot follow a previous step" in editor.problems()
    editor._move_step(1)
    assert editor.problems() == []
    editor.save_button.click()
    qtbot.waitUntil(lambda: not editor._is_new and editor.current_name() == "office")
    stored = scenarios.get(db, "office")
    assert [s.code for s in stored.steps] == ["step-1", "step-2"]
    assert stored.steps[1].channels == ("task",) and stored.title == "Office reminders"

    editor.default_button.click()
    qtbot.waitUntil(lambda: any(i.is_default and i.name == "office" for i in editor._infos))
    assert not editor.delete_button.isEnabled()


def _answer_prompt(button: str, seen: list[tuple[str, bool]]) -> None:
    """When the unsaved-changes question shows, note it and press ``button``."""
    buttons = QMessageBox.StandardButton

    def poll() -> None:
        boxes = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()
        ]
        if not boxes:
            QTimer.singleShot(20, poll)
            return
        seen.append((boxes[0].text(), boxes[0].button(buttons.Save).isEnabled()))
        boxes[0].button(getattr(buttons, button)).click()

    QTimer.singleShot(0, poll)


def test_closing_with_changes_asks_and_cancel_keeps_them(
    qtbot: QtBot, window: MainWindow, db: Database
) -> None:
    editor = _open(qtbot, window, "sms-classic")
    editor.step_list.setCurrentRow(1)
    editor.step_form.offset.setValue(-5)
    assert editor.is_dirty()

    seen: list[tuple[str, bool]] = []
    _answer_prompt("Cancel", seen)
    editor.close()
    assert seen == [("Save the changes to this scenario?", True)]
    assert editor.isVisible() and editor.is_dirty()

    editor.step_form.code.setText("")  # invalid now: Save is offered disabled
    editor.step_form.code.textEdited.emit("")
    assert editor.problems() and not editor.save_button.isEnabled()
    _answer_prompt("Discard", seen)
    editor.close()
    assert seen[-1] == ("Save the changes to this scenario?", False)
    assert not editor.isVisible()
    assert scenarios.get(db, "sms-classic").step("before-due").trigger.offset == -2
