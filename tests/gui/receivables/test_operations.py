"""Operations: results and errors come back on the GUI thread; stale results are dropped;
writes run one at a time; an InkasoError reads as a sentence, anything else as a crash dialog."""

from __future__ import annotations

import sys
import threading
import time

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.errors import InkasoError
from desktop_app.logging_setup import log_file
from desktop_app.services import views
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.receivables.conftest import TODAY, Ledger
from ui import errors
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def wait_for_box(qtbot: QtBot, text: str) -> QMessageBox:
    """The visible message box whose text contains ``text``."""
    found: list[QMessageBox] = []

    def visible() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible() and text in w.text()
        ]
        return bool(found)

    qtbot.waitUntil(visible)
    return found[0]


def test_result_arrives_on_the_gui_thread(
    qtbot: QtBot, ops: Operations, db: Database, ledger: Ledger
) -> None:
    seen: list[tuple[str, bool]] = []

    def on_success(card: views.ContractorCard) -> None:
        seen.append(
            (card.contractor.name, QThread.currentThread() is QApplication.instance().thread())
        )  # type: ignore[union-attr]

    ops.read(lambda: views.contractor_card(db, ledger.beta, TODAY), on_success=on_success)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [("Beta Budownictwo S.A.", True)]


def test_an_older_result_finishing_late_is_dropped(qtbot: QtBot, ops: Operations) -> None:
    release = threading.Event()
    delivered: list[str] = []

    def slow() -> str:
        release.wait(5)
        return "old search"

    ops.read(slow, on_success=delivered.append, key="search")
    ops.read(lambda: "new search", on_success=delivered.append, key="search")
    qtbot.waitUntil(lambda: delivered == ["new search"])
    release.set()
    ops.wait_for_done()
    qtbot.wait(20)  # let the late result's event arrive
    assert delivered == ["new search"]
    assert not ops.busy


def test_writes_run_one_at_a_time_in_order(qtbot: QtBot, ops: Operations) -> None:
    order: list[int] = []
    running = 0
    most = 0
    lock = threading.Lock()

    def write(n: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.01)
        with lock:
            order.append(n)
            running -= 1
        return n

    done: list[int] = []
    for n in range(5):
        ops.write(lambda n=n: write(n), on_success=done.append)
    qtbot.waitUntil(lambda: len(done) == 5)
    assert order == done == [0, 1, 2, 3, 4]
    assert most == 1


def test_an_inkaso_error_in_an_operation_shows_its_sentence(
    qtbot: QtBot, ops: Operations, db: Database, ledger: Ledger
) -> None:
    ops.read(lambda: views.contractor_card(db, 424242, TODAY), on_success=lambda _card: None)
    box = wait_for_box(qtbot, "No contractor with id or NIP 424242")
    assert box.icon() == QMessageBox.Icon.Warning
    assert box.detailedText() == ""
    box.close()


def test_an_unexpected_error_shows_the_crash_dialog_with_details_and_log_path(
    qtbot: QtBot, ops: Operations
) -> None:
    ops.read(lambda: {}["no such key"], on_success=lambda _r: None)
    box = wait_for_box(qtbot, "Something went wrong")
    assert "KeyError" in box.detailedText()
    assert str(log_file()) in box.informativeText()
    box.close()


def test_the_excepthook_turns_an_escaped_exception_into_a_dialog(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    errors.install_excepthook()
    assert sys.excepthook is errors.excepthook
    try:
        raise RuntimeError("painting went wrong")
    except RuntimeError as exc:
        errors.excepthook(type(exc), exc, exc.__traceback__)
    box = wait_for_box(qtbot, "Something went wrong")
    assert "painting went wrong" in box.detailedText()
    box.close()
    try:
        raise InkasoError("The file inkaso.csv has no header line")
    except InkasoError as exc:
        errors.excepthook(type(exc), exc, exc.__traceback__)
    wait_for_box(qtbot, "The file inkaso.csv has no header line").close()
