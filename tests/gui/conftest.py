"""Everything under tests/gui is a Qt test: marked ``gui`` automatically. Shared pieces: the
operations helper, a database copied from a session-wide template, the main window on it."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services.database import open_database
from ui.garbage import GuiThreadCollector
from ui.main_window import MainWindow
from ui.operations import Operations

HERE = Path(__file__).resolve().parent

# The offscreen platform cannot resize or raise real windows; Qt says so once per window.
OFFSCREEN_NOISE = r"This plugin does not support"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.gui)


@pytest.fixture(scope="package", autouse=True)
def _collect_cycles_on_the_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the application: Python's cycle collector runs on the GUI thread, never a worker."""
    collector = GuiThreadCollector()
    yield
    collector.stop()


@pytest.fixture
def ops(db: Database) -> Iterator[Operations]:
    """Depends on ``db`` so it shuts down (waits for its threads) before the file is closed."""
    operations = Operations()
    yield operations
    operations.shutdown()


def copied_database(template: Path, target: Path) -> Iterator[Database]:
    """A test's own copy of a template file built once per session through the services."""
    shutil.copyfile(template, target)
    database = open_database(target)
    yield database
    database.dispose()


def shown_main_window(
    qtbot: QtBot, db: Database, ops: Operations, today: dt.date, rows: int
) -> MainWindow:
    main = MainWindow(db, ops, currency="PLN", today=lambda: today, db_label="inkaso.db")
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.focus_search()  # the list page (the dashboard is the first), as a user would
    qtbot.waitUntil(lambda: main.model.rowCount() == rows and not main.model.loading)
    return main
