"""Operations: results and errors come back on the GUI thread; stale results are dropped;
writes run one at a time; an InkasoError reads as a sentence, anything else as a crash dialog."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.errors import InkasoError
from desktop_app.logging_setup import log_file
from desktop_app.services import views
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.receivables.conftest import TODAY, Ledger
from ui import errors
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

ROOT = Path(__file__).resolve().parents[3]


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
        ops.write(lambda n=n: write(n), changes=Change.NONE, on_success=done.append)
    qtbot.waitUntil(lambda: len(done) == 5)
    assert order == done == [0, 1, 2, 3, 4]
    assert most == 1


def test_a_successful_write_announces_what_it_changed_once_after_its_callback(
    qtbot: QtBot, ops: Operations
) -> None:
    heard: list[object] = []
    ops.changed.connect(heard.append)
    ops.write(
        lambda: "paid",
        changes=Change.PAYMENTS | Change.PROMISES,
        on_success=lambda result: heard.append(("callback", result)),
    )
    qtbot.waitUntil(lambda: len(heard) == 2)
    assert heard == [("callback", "paid"), Change.PAYMENTS | Change.PROMISES]

    ops.write(lambda: {}["nothing written"], changes=Change.PAYMENTS, on_failure=heard.append)
    ops.write(lambda: None, changes=Change.NONE, on_success=heard.append)
    ops.read(lambda: "read", on_success=heard.append)
    qtbot.waitUntil(lambda: len(heard) == 5)
    qtbot.wait(20)
    # a failure, a write that changes nothing and a read announce nothing
    later = heard[2:]
    assert len(later) == 3 and not any(isinstance(h, Change) for h in later)
    assert {type(h) for h in later} == {KeyError, type(None), str}

    ops.announce(Change.OUTBOX)  # what the scheduler bridge does after a run
    assert heard[-1] == Change.OUTBOX


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


class _Held:
    """Something a job captured; the test watches when it is freed."""


def test_a_job_lets_go_of_what_it_captured_and_operations_of_their_last_owner(
    qtbot: QtBot, db: Database, ledger: Ledger
) -> None:
    """Freed by reference counting on the GUI thread, not left to the cycle collector (which
    runs on whichever thread allocates and would destroy the Qt objects there)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        operations = Operations()
        held = _Held()
        held_ref = weakref.ref(held)
        done: list[object] = []
        operations.read(
            lambda held=held: (held, views.contractor_card(db, ledger.beta, TODAY)),
            on_success=done.append,
        )
        operations.read(lambda: views.contractor_card(db, 424242, TODAY), on_failure=done.append)
        operations.write(
            lambda: views.count_contractors(db), changes=Change.NONE, on_success=done.append
        )
        qtbot.waitUntil(lambda: len(done) == 3)
        done.clear()
        del held
        # the worker drops its job a moment after the result is in: wait for that, not for GC
        qtbot.waitUntil(lambda: held_ref() is None)
        operations.shutdown()
        operations_ref = weakref.ref(operations)
        del operations
        assert operations_ref() is None, "only the cycle collector could free the Operations"
    finally:
        if was_enabled:
            gc.enable()


STRESS_ROUNDS, STRESS_PER_ROUND = 20, 100


def test_two_thousand_operations_under_garbage_collection_pressure_do_not_crash(
    tmp_path: Path,
) -> None:
    """The stress run lives in its own process, so a segfault fails this test, not the session."""
    run = subprocess.run(
        [
            sys.executable,
            "-X",
            "faulthandler",
            "-m",
            "tests.gui.receivables.operations_stress",
            str(tmp_path / "stress.db"),
            str(STRESS_ROUNDS),
            str(STRESS_PER_ROUND),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, f"exit {run.returncode}\n{run.stderr[-6000:]}"
    totals = json.loads(run.stdout.strip().splitlines()[-1])
    total = STRESS_ROUNDS * STRESS_PER_ROUND
    failing = STRESS_ROUNDS * sum(1 for n in range(STRESS_PER_ROUND) if n % 6 in (3, 5))
    assert totals["operations"] == total
    assert totals["failed"] == failing  # each an InkasoError, delivered to its failure callback
    assert totals["ok"] + totals["failed"] + totals["dropped"] == total
    assert totals["ok"] > total // 2
    assert totals["outlived"] == 0
    assert totals["unannounced"] == 0
