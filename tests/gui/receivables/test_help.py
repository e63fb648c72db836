"""Help: About with versions and paths (Copy), Open log folder, the keyboard shortcuts read from
the window's actions, and a crash dialog whose report can be copied."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.logging_setup import log_file
from desktop_app.paths import data_dir, log_dir
from tests.gui.conftest import OFFSCREEN_NOISE
from ui.errors import show_crash
from ui.help_menu import AboutDialog, ShortcutsDialog
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _help_action(window: MainWindow, text: str) -> QAction:
    for top in window.menuBar().actions():
        if top.text() == "&Help" and top.menu() is not None:
            for action in top.menu().actions():  # type: ignore[union-attr]
                if action.text() == text:
                    return action
    raise AssertionError(f"no {text} in the Help menu")


def test_about_shows_versions_and_paths_and_copies_them(
    qtbot: QtBot, window: MainWindow, db_path: object
) -> None:
    _help_action(window, "&About Inkaso").trigger()
    about = window.findChild(AboutDialog)
    assert about is not None
    qtbot.waitExposed(about)
    shown = "\n".join(label.text() for label in about.findChildren(QLabel))
    for name in ("Inkaso", "Python", "Qt", "PySide6", "SQLAlchemy", "ReportLab", "SQLite"):
        assert f"{name}:" in shown
    assert sqlite3.sqlite_version in shown
    assert str(db_path) in shown
    assert str(data_dir()) in shown and str(log_dir()) in shown
    qtbot.mouseClick(about.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert f"  SQLite: {sqlite3.sqlite_version}" in copied
    assert f"  Database: {db_path}" in copied
    about.close()


def test_the_shortcuts_page_lists_every_action_with_keys_even_ones_added_later(
    qtbot: QtBot, window: MainWindow
) -> None:
    extra = QAction("&Something new…", window)
    extra.setShortcut(QKeySequence("Ctrl+Alt+J"))
    window.menuBar().actions()[0].menu().addAction(extra)  # type: ignore[union-attr]
    _help_action(window, "&Keyboard shortcuts").trigger()
    page = window.findChild(ShortcutsDialog)
    assert page is not None
    table = page.table
    rows = {table.item(row, 0).text(): table.item(row, 1).text() for row in range(table.rowCount())}

    def keys(sequence: QKeySequence | QKeySequence.StandardKey) -> str:
        return QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)

    assert rows["File › Something new"] == "Ctrl+Alt+J"
    assert rows["View › Quick find"] == "Ctrl+K"
    assert rows["Contractor › New contractor"] == keys(QKeySequence.StandardKey.New)
    assert keys(QKeySequence.StandardKey.Find) in rows["View › Find contractor"]
    assert all(rows.values())  # only actions that have keys
    page.close()


class _FileManager(QObject):
    """Stands in for the desktop's file manager (Qt's own hook for file: URLs)."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def show(self, url: QUrl) -> None:
        self.opened.append(url.toLocalFile())


def test_open_log_folder_hands_the_folder_to_the_desktop(window: MainWindow) -> None:
    manager = _FileManager()
    QDesktopServices.setUrlHandler("file", manager, "show")
    try:
        _help_action(window, "Open &log folder").trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert manager.opened == [str(log_dir())]


def test_the_crash_dialog_copies_a_report_with_versions_and_the_log_and_stays_open(
    qtbot: QtBot, qapp: QApplication
) -> None:
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as exc:
        box = show_crash(type(exc), exc, exc.__traceback__)
    assert box is not None
    qtbot.waitExposed(box)
    report = box.detailedText()
    assert "SQLAlchemy:" in report and "PySide6:" in report
    assert str(log_file()) in report
    assert "RuntimeError: boom in a slot" in report
    copy = next(b for b in box.buttons() if b.text() == "Copy report")
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == report
    assert box.isVisible()
    keep_going = next(b for b in box.buttons() if b.text() == "Continue")
    qtbot.mouseClick(keep_going, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible())
    assert isinstance(box, QMessageBox)
