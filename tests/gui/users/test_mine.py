""" "Mine" from the first start: a fresh install's login is its owner; an unknown login in an
office with users says "This is me…" and links itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services import activity, users
from desktop_app.services.dunning import tasks
from desktop_app.services.users import UserInput
from tests.gui.conftest import OFFSCREEN_NOISE
from ui.app import Launcher, Options, launch
from ui.dunning.tasks_view import TasksWindow
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def launched(qapp: QApplication) -> Iterator[list[Launcher]]:
    started: list[Launcher] = []
    yield started
    for launcher in started:
        for window in (launcher.wizard, launcher.window, launcher.error_box):
            if window is not None:
                window.close()
        for translator in launcher.translators:
            qapp.removeTranslator(translator)
        launcher.shutdown()
        launcher.deleteLater()


def _tasks_window(qtbot: QtBot, db: Database, ops: Operations) -> TasksWindow:
    view = TasksWindow(db, ops, today=lambda: TODAY, open_card=lambda _cid: None)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: not view.loading)
    return view


def test_the_first_start_makes_this_login_the_owner_and_mine_is_theirs(
    qtbot: QtBot, db: Database, db_path: Path, ops: Operations, qapp: QApplication,
    launched: list[Launcher], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("INKASO_DATA_DIR", str(tmp_path / "data"))
    assert users.list_users(db) == []
    options = Options(db=str(db_path), lang="en", today=TODAY, scheduler=False)
    launcher = launch(options, qapp, install_hooks=False)
    launched.append(launcher)
    # the set-up wizard comes first on a database without a firm; cancelled, the window opens
    qtbot.waitUntil(lambda: launcher.wizard is not None and launcher.wizard.isVisible())
    launcher.wizard.reject()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: launcher.window is not None and launcher.window.isVisible())
    me = users.current_user(db)
    assert me is not None and me.role == "owner" and me.login == activity.current_actor()
    tasks.add_task(db, title="Call Alfa", due_on=TODAY, user_id=me.id)
    view = _tasks_window(qtbot, db, ops)
    assert view.current_tab() == "mine" and not view.note.isVisible()
    assert view.tree.topLevelItemCount() == 1


def test_an_unknown_login_says_this_is_me_and_links_itself(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    users.add_user(db, UserInput("szef", "Jan Szef", role="owner"))
    anna = users.add_user(db, UserInput("a.nowak", "Anna Nowak"))
    tasks.add_task(db, title="Call Alfa", due_on=TODAY, user_id=anna)
    view = _tasks_window(qtbot, db, ops)
    assert view.note.isVisible() and view.me_button.isVisible()
    assert view.tree.topLevelItemCount() == 0
    dialog = view.ask_who()
    dialog.person.setCurrentIndex(dialog.person.findData(anna))
    with qtbot.waitSignal(view.loaded):
        dialog.accept()
    assert not view.note.isVisible() and not view.me_button.isVisible()
    assert view.tree.topLevelItem(0).text(2) == "Call Alfa"  # type: ignore[union-attr]
    assert users.get_user(db, anna).login == activity.current_actor()
