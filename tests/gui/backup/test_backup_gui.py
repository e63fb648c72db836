"""File → Back up now and Restore… on a real database: the copy made off the GUI thread, the
confirmation, the restore with the scheduler held, every window showing the restored data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services import backup
from desktop_app.settings import set_value
from tests.conftest import Cli
from tests.gui.conftest import shown_main_window
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support")
TODAY = dt.date(2026, 12, 1)


def test_back_up_now_then_restore_brings_the_list_back(
    qtbot: QtBot, db: Database, ops: Operations, cli: Cli, tmp_path: Path
) -> None:
    set_value(db, "backup.folder", str(tmp_path / "copies"))
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    window = shown_main_window(qtbot, db, ops, TODAY, rows=1)
    actions = window.backups
    qtbot.waitUntil(lambda: actions.status.isVisible())  # no backup yet: the status bar says so
    assert "No backup yet" in actions.status.text()
    with qtbot.waitSignal(actions.finished, timeout=20_000) as made:
        actions.backup_action.trigger()
    copy = made.args[0].path
    assert copy.parent == tmp_path / "copies"
    qtbot.waitUntil(lambda: not actions.status.isVisible())

    assert cli("contractor", "add", "--name", "Beta").code == 0
    window.refresh()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2 and not window.model.loading)

    box = actions.confirm_restore(copy)
    assert box.icon() is QMessageBox.Icon.Warning
    assert str(tmp_path / "copies") in box.informativeText()
    with qtbot.waitSignal(actions.finished, timeout=30_000) as restored:
        box.property("restore_button").click()
    kept = restored.args[0].kept_aside
    assert kept is not None and kept.name.endswith("-before-restore.db")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and not window.model.loading)
    assert {b.path for b in backup.list_backups(tmp_path / "copies")} == {kept, copy}


def test_a_refused_restore_is_one_sentence_and_changes_nothing(
    qtbot: QtBot, db: Database, ops: Operations, cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    window = shown_main_window(qtbot, db, ops, TODAY, rows=1)
    note = tmp_path / "notes.db"
    note.write_text("not a database\n" * 100)
    before = db_path.read_bytes()
    window.backups.restore(note)
    qtbot.waitUntil(lambda: _warning() is not None)
    box = _warning()
    assert box is not None and "not an Inkaso database" in box.text()
    box.close()
    assert db_path.read_bytes() == before
    assert window.backups.restore_action.isEnabled()


def _warning() -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            return widget
    return None
