"""The tasks window: mine, due today, overdue, all open; done with a note; a new task."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services.dunning import tasks
from tests.gui.dunning_sending.conftest import OFFSCREEN_NOISE
from tests.helpers import contractor
from ui.dunning.tasks_view import TABS, TasksWindow
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def window(qtbot: QtBot, db: Database, ops: Operations) -> TasksWindow:
    alfa = contractor(db, "Alfa Sp. z o.o.")
    beta = contractor(db, "Beta S.A.")
    tasks.add_task(db, title="Call Alfa about FV/1", due_on=TODAY, contractor_id=alfa)
    tasks.add_task(
        db, title="Hand Beta over to collection", due_on=TODAY - dt.timedelta(days=3),
        contractor_id=beta, body="21 days overdue; the SMS plan has ended.",
    )  # fmt: skip
    tasks.add_task(db, title="Check Alfa's promise", due_on=TODAY + dt.timedelta(days=5))
    opened: list[int] = []
    view = TasksWindow(db, ops, today=lambda: TODAY, open_card=opened.append)
    view.opened = opened  # type: ignore[attr-defined]
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: not view.loading)
    return view


def _titles(view: TasksWindow) -> list[str]:
    return [view.tree.topLevelItem(n).text(2) for n in range(view.tree.topLevelItemCount())]


def _tab(qtbot: QtBot, view: TasksWindow, key: str) -> None:
    with qtbot.waitSignal(view.loaded):
        view.tabs.setCurrentIndex([k for k, _l, _w in TABS].index(key))


def test_tabs_filter_mine_today_overdue_and_all(qtbot: QtBot, window: TasksWindow) -> None:
    # nobody here is an Inkaso user: Mine shows the tasks assigned to no one, and says so
    assert window.tabs.tabText(0) == "Mine"
    assert window.note.isVisible() and "is not linked to an Inkaso user" in window.note.text()
    assert len(_titles(window)) == 3
    _tab(qtbot, window, "today")
    assert _titles(window) == ["Call Alfa about FV/1"]
    _tab(qtbot, window, "overdue")
    assert _titles(window) == ["Hand Beta over to collection"]
    assert window.tree.topLevelItem(0).text(1) == "Beta S.A."
    _tab(qtbot, window, "open")
    assert _titles(window) == [  # soonest due first
        "Hand Beta over to collection",
        "Call Alfa about FV/1",
        "Check Alfa's promise",
    ]
    assert window.summary.text() == "3 tasks"


def test_done_with_a_note_closes_the_task(qtbot: QtBot, window: TasksWindow, db: Database) -> None:
    _tab(qtbot, window, "overdue")
    window.tree.setCurrentItem(window.tree.topLevelItem(0))
    assert "the SMS plan has ended" in window.details.toPlainText()
    dialog = window.ask_done()
    assert dialog is not None
    dialog.text.setPlainText("Passed to Kancelaria Windykacyjna, case 12/2026")
    with qtbot.waitSignal(window.loaded):
        dialog.accept()
    assert _titles(window) == []
    done = tasks.list_tasks(db, today=TODAY, which="done")
    assert [(t.title, t.done_note) for t in done] == [
        ("Hand Beta over to collection", "Passed to Kancelaria Windykacyjna, case 12/2026")
    ]


def test_new_task_and_double_click_opens_the_card(
    qtbot: QtBot, window: TasksWindow, db: Database
) -> None:
    _tab(qtbot, window, "today")
    item = window.tree.topLevelItem(0)
    window.tree.setCurrentItem(item)
    dialog = window.ask_new()
    dialog._check()  # an empty title is refused with a sentence
    assert dialog.isVisible() and dialog.error.text() == "Say what is to be done."
    qtbot.keyClicks(dialog.title, "Send a copy of FV/1 by post")
    assert dialog.about.isChecked() and dialog.about.text() == "Alfa Sp. z o.o."
    with qtbot.waitSignal(window.loaded):
        dialog._check()
    assert sorted(_titles(window)) == ["Call Alfa about FV/1", "Send a copy of FV/1 by post"]
    new = [t for t in tasks.list_tasks(db, today=TODAY) if t.title.startswith("Send a copy")]
    assert new[0].contractor_name == "Alfa Sp. z o.o." and new[0].due_on == TODAY

    window.tree.setCurrentItem(window.tree.topLevelItem(0))
    rect = window.tree.visualItemRect(window.tree.topLevelItem(0))
    qtbot.mouseClick(window.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.opened == [new[0].contractor_id]  # type: ignore[attr-defined]
