"""Starting the application: a bad --db is explained in a message box, a good one opens the list."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services.firm import FirmInput, save_firm
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.receivables.conftest import TODAY, Ledger
from ui import app as gui_app
from ui.app import Launcher, Options, launch

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def launched(qapp: QApplication) -> Iterator[list[Launcher]]:
    """Launchers started by a test, shut down and removed afterwards with Qt's state restored."""
    started: list[Launcher] = []
    locale = QLocale()
    yield started
    for launcher in started:
        for window in (launcher.wizard, launcher.window, launcher.error_box):
            if window is not None:
                window.close()
        for translator in launcher.translators:
            qapp.removeTranslator(translator)
        launcher.shutdown()
        launcher.deleteLater()
    QLocale.setDefault(locale)


def test_a_bad_database_path_shows_a_message_not_a_traceback(
    qtbot: QtBot, tmp_path: Path, launched: list[Launcher], qapp: QApplication
) -> None:
    target = tmp_path / "no such folder" / "inkaso.db"
    launcher = launch(Options(db=str(target), lang="en"), qapp, install_hooks=False)
    launched.append(launcher)
    qtbot.waitUntil(lambda: launcher.error_box is not None and launcher.error_box.isVisible())
    assert launcher.error_box is not None
    assert launcher.error_box.text() == (
        f"Cannot open the database {target}: the folder does not exist"
    )
    assert launcher.window is None


def test_a_good_database_opens_the_main_window_in_polish_with_qt_translated(
    qtbot: QtBot,
    db: Database,
    db_path: Path,
    ledger: Ledger,
    launched: list[Launcher],
    qapp: QApplication,
) -> None:
    save_firm(db, FirmInput("Hurtownia Pol-Mak"))  # set up: no first-run wizard
    options = Options(db=str(db_path), lang="pl", today=TODAY)
    launcher = launch(options, qapp, install_hooks=False)
    launched.append(launcher)
    qtbot.waitUntil(lambda: launcher.window is not None and launcher.window.model.rowCount() == 4)
    assert launcher.window is not None
    assert launcher.window.as_of.text().endswith("22.11.2026")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Anuluj"
    assert launcher.today() == TODAY


def test_main_reports_a_folder_given_as_database_and_returns(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # main() installs its own
    seen: list[str] = []

    def close_the_box() -> None:
        boxes = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()
        ]
        if not boxes:
            QTimer.singleShot(20, close_the_box)
            return
        seen.append(boxes[0].text())
        boxes[0].close()  # the last window closing ends main()'s event loop, as for a user

    QTimer.singleShot(20, close_the_box)
    # never hang the suite; an explicit quit would also leave a Quit event for later tests
    safety = QTimer()
    safety.setSingleShot(True)
    safety.timeout.connect(QApplication.quit)
    safety.start(15_000)
    try:
        assert gui_app.main(["--db", str(tmp_path), "--lang", "en"]) == 0
    finally:
        safety.stop()
    assert seen == [f"{tmp_path} is a folder, not a database file"]


def test_demo_creates_the_demo_database_once_then_reuses_it(
    qtbot: QtBot,
    tmp_path: Path,
    launched: list[Launcher],
    qapp: QApplication,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INKASO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(gui_app, "DEMO_SPEC", {"contractors": 30, "invoices": 300, "seed": 1})
    progress_shown: list[bool] = []
    launcher = launch(Options(demo=True, lang="en", today=TODAY), qapp, install_hooks=False)
    launched.append(launcher)
    qtbot.waitUntil(
        lambda: (
            progress_shown.append(launcher.progress is not None)
            or (launcher.window is not None and launcher.window.model.rowCount() == 30)
        ),
        timeout=30_000,
    )
    assert any(progress_shown)
    demo_file = tmp_path / "data" / "demo.db"
    assert demo_file.exists()
    launcher.shutdown()

    again = launch(Options(demo=True, lang="en", today=TODAY), qapp, install_hooks=False)
    launched.append(again)
    qtbot.waitUntil(lambda: again.window is not None and again.window.model.rowCount() == 30)
    assert again.progress is None  # nothing to generate the second time


def test_opening_the_demo_never_leaves_the_screen_without_a_window(
    qtbot: QtBot,
    tmp_path: Path,
    launched: list[Launcher],
    qapp: QApplication,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The progress dialog used to close before the main window appeared: for that moment no
    window was open, Qt took it for the user closing the last one and quit (in the event loop,
    so at random), and the demo sometimes never showed at all."""
    monkeypatch.setenv("INKASO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(gui_app, "DEMO_SPEC", {"contractors": 30, "invoices": 300, "seed": 1})
    launcher = launch(Options(demo=True, lang="en", today=TODAY), qapp, install_hooks=False)
    launched.append(launcher)
    qtbot.waitUntil(lambda: launcher.progress is not None)
    progress = launcher.progress
    assert progress is not None
    shown_when_hidden: list[bool] = []

    class Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Hide:
                window = launcher.window
                shown_when_hidden.append(window is not None and window.isVisible())
            return False

    watch = Watch()
    progress.installEventFilter(watch)
    qtbot.waitUntil(
        lambda: launcher.window is not None and launcher.window.isVisible(), timeout=30_000
    )
    qtbot.waitUntil(lambda: launcher.progress is None)
    assert shown_when_hidden == [True]


def test_a_first_start_opens_the_setup_wizard_and_cancel_still_opens_inkaso(
    qtbot: QtBot,
    tmp_path: Path,
    launched: list[Launcher],
    qapp: QApplication,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INKASO_DATA_DIR", str(tmp_path / "data"))
    target = tmp_path / "new.db"
    launcher = launch(Options(db=str(target), lang="en", today=TODAY), qapp, install_hooks=False)
    launched.append(launcher)
    qtbot.waitUntil(lambda: launcher.wizard is not None and launcher.wizard.isVisible())
    assert launcher.window is None  # the wizard comes first
    assert launcher.wizard is not None
    launcher.wizard.reject()
    qtbot.waitUntil(lambda: launcher.window is not None and launcher.window.isVisible())
    assert launcher.wizard is None
    launcher.shutdown()

    again = launch(Options(db=str(target), lang="en", today=TODAY), qapp, install_hooks=False)
    launched.append(again)
    qtbot.waitUntil(lambda: again.wizard is not None and again.wizard.isVisible())
