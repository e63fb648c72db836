"""Runs and writes reach every open window through one signal: the card's communication and the
status bar after a run, the tasks window after a task is added, the settings after a pause from
the tray; each keeps the user's place, and typing in progress is never overwritten."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QCheckBox, QLineEdit
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.services.dunning import outbox, tasks
from desktop_app.settings import set_value
from tests.gui.dunning_sending.conftest import OFFSCREEN_NOISE, TODAY, add_debtors, at
from tests.helpers import contractor
from tests.integration.dunning_env import DunningEnv
from ui.dunning.outbox_view import OutboxWindow
from ui.dunning.scheduler_bridge import Mode, SchedulerBridge
from ui.dunning.settings_dialog import SettingsDialog
from ui.dunning.tasks_view import TasksWindow
from ui.main_window import MainWindow
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def test_a_run_reaches_the_open_card_and_the_status_bar_and_so_does_a_retry_in_the_outbox(
    qtbot: QtBot, env: DunningEnv, db: Database, ops: Operations, bridges: list[SchedulerBridge]
) -> None:
    env.configure("gentle-email")
    add_debtors(env, 2)
    env.mail.refuse_rcpt["d2@debtor.example.com"] = "550 5.1.1 Mailbox unavailable"
    bridge = SchedulerBridge(db, ops, clock=lambda: at(TODAY))
    bridges.append(bridge)
    main = MainWindow(
        db, ops, currency="PLN", today=lambda: TODAY, db_label="inkaso.db", scheduler=bridge
    )
    qtbot.addWidget(main)
    main.show()
    bridge.refresh()
    qtbot.waitUntil(lambda: bridge.mode is Mode.RUNNING)
    card = main.open_card(1)
    qtbot.waitUntil(lambda: card.dunning is not None)
    assert card.tabs.tabText(3) == "Communication (0)"
    assert "failed" not in main.sending_state.text()

    with qtbot.waitSignal(bridge.run_finished, timeout=30_000):
        assert bridge.run_now()

    qtbot.waitUntil(lambda: card.tabs.tabText(3) == "Communication (1)")
    qtbot.waitUntil(lambda: main.sending_state.text().endswith("1 message failed</a>"))

    window = main.sending.open_outbox()
    assert isinstance(window, OutboxWindow)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2 and not window.loading)
    refused = next(m.id for m in outbox.list_messages(db) if m.status == "failed_permanently")
    assert window.select_message(refused)
    window.retry()  # waits to go out again: no longer a failure
    qtbot.waitUntil(lambda: "failed" not in main.sending_state.text())
    assert {m.id: m.status for m in outbox.list_messages(db)}[refused] == "pending"


@pytest.fixture
def tasks_window(qtbot: QtBot, db: Database, ops: Operations) -> TasksWindow:
    alfa = contractor(db, "Alfa Sp. z o.o.")
    for n in range(40):
        tasks.add_task(db, title=f"Call Alfa, attempt {n + 1}", due_on=TODAY + dt.timedelta(days=n))
    tasks.add_task(db, title="Ask Alfa for a new address", due_on=TODAY, contractor_id=alfa)
    view = TasksWindow(db, ops, today=lambda: TODAY, open_card=lambda _id: None)
    qtbot.addWidget(view)
    view.resize(700, 420)
    view.show()
    view.show_tab("open")
    qtbot.waitUntil(lambda: not view.loading and view.tree.topLevelItemCount() == 41)
    return view


def test_a_task_added_elsewhere_appears_keeping_the_chosen_task_and_the_scroll(
    qtbot: QtBot, tasks_window: TasksWindow, db: Database, ops: Operations
) -> None:
    view = tasks_window
    chosen = view.task_ids()[30]
    assert view.select_task(chosen)
    bar = view.tree.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum() // 2)
    scrolled = bar.value()

    ops.write(
        lambda: tasks.add_task(db, title="Send the statement", due_on=TODAY + dt.timedelta(3)),
        changes=Change.TASKS,
    )

    qtbot.waitUntil(lambda: view.tree.topLevelItemCount() == 42)
    selected = view.selected_task()
    assert selected is not None and selected.id == chosen
    assert bar.value() == scrolled


def test_the_open_settings_follow_a_pause_from_the_tray_but_never_overwrite_typing(
    qtbot: QtBot, db: Database, ops: Operations, bridges: list[SchedulerBridge]
) -> None:
    dialog = SettingsDialog(db, ops)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ready)
    paused = dialog.fields["schedule.paused"].editor
    assert isinstance(paused, QCheckBox) and not paused.isChecked()

    bridge = SchedulerBridge(db, ops)
    bridges.append(bridge)
    bridge.set_paused(True)  # what the tray's Pause sending does
    qtbot.waitUntil(paused.isChecked)
    assert not dialog.changed_elsewhere

    host = dialog.fields["smtp.host"].editor
    assert isinstance(host, QLineEdit)
    host.setText("smtp.ours.example.com")
    ops.write(
        lambda: set_value(db, "smtp.host", "smtp.theirs.example.com"), changes=Change.SETTINGS
    )
    qtbot.waitUntil(lambda: dialog.changed_elsewhere)
    assert host.text() == "smtp.ours.example.com"
    assert dialog.problem.isVisible() and "changed elsewhere" in dialog.problem.text()
