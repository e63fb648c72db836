"""One Inkaso per user and database: a second launch hands its request over and exits, the
first comes to the front with the contractor asked for (a softphone's ``--phone``)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.instance import AlreadyRunningError, Request, channel_name
from desktop_app.services.contractors import ContactPersonInput
from desktop_app.services.firm import FirmInput, save_firm
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.receivables.conftest import TODAY, Ledger
from tests.helpers import contractor
from ui.app import Launcher, Options, claim_instance, launch
from ui.caller import ChooseContractor

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def first(
    qtbot: QtBot, db: Database, db_path: Path, ledger: Ledger, qapp: QApplication
) -> Iterator[Launcher]:
    """The first Inkaso on the test's database, listening, its scheduler running."""
    save_firm(db, FirmInput("Hurtownia Pol-Mak"))  # set up: no first-run wizard
    options = Options(db=str(db_path), lang="en", today=TODAY)
    handed_over, server = claim_instance(options)
    assert not handed_over and server is not None
    launcher = launch(options, qapp, install_hooks=False, server=server)
    qtbot.waitUntil(lambda: launcher.window is not None and launcher.window.model.rowCount() == 4)
    assert launcher.scheduler is not None
    yield launcher
    if launcher.window is not None:
        for card in launcher.window.cards().values():
            card.close()
        launcher.window.close()
    launcher.shutdown()
    launcher.deleteLater()


def _second_launch(qtbot: QtBot, home: Path, *arguments: str) -> tuple[int, str]:
    """``inkaso-gui`` ARGUMENTS as a real second process (its own data folder, so its own log);
    this test's event loop keeps running meanwhile, so the first can answer."""
    env = dict(os.environ, INKASO_DATA_DIR=str(home), QT_QPA_PLATFORM="offscreen")
    process = subprocess.Popen(
        [sys.executable, "-m", "ui.app", "--lang", "en", *arguments],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        qtbot.waitUntil(lambda: process.poll() is not None, timeout=30_000)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    log = home / "logs" / "inkaso.log"
    return process.returncode, log.read_text(encoding="utf-8") if log.exists() else ""


def test_a_second_launch_hands_over_its_number_and_never_starts_a_scheduler(
    qtbot: QtBot, first: Launcher, db_path: Path, ledger: Ledger, tmp_path: Path
) -> None:
    window = first.window
    assert window is not None
    window.showMinimized()
    code, log = _second_launch(
        qtbot, tmp_path / "second", "--db", str(db_path), "--phone", "0048 501-234-567"
    )
    assert code == 0
    assert "request handed over" in log
    # it opened no database and started no scheduler of its own
    assert "starting Inkaso" not in log
    assert "scheduler" not in log
    # the number reached the first, which came up with the caller's card
    qtbot.waitUntil(lambda: ledger.alfa in window.cards())
    qtbot.waitUntil(lambda: window.cards()[ledger.alfa].isVisible())
    assert not window.isMinimized()


def test_another_database_runs_side_by_side(qtbot: QtBot, first: Launcher, tmp_path: Path) -> None:
    handed_over, server = claim_instance(Options(db=str(tmp_path / "other.db")))
    assert not handed_over and server is not None
    assert server.listening
    server.close()
    server.deleteLater()


@pytest.mark.skipif(sys.platform == "win32", reason="Unix socket files")
def test_a_socket_left_by_a_crash_is_taken_over(qapp: QApplication, tmp_path: Path) -> None:
    options = Options(db=str(tmp_path / "crashed.db"))
    name = channel_name(options.db)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as dead:
        dead.bind(name)  # the file stays; nobody will ever answer on it
    try:
        handed_over, server = claim_instance(options)
        assert not handed_over and server is not None and server.listening
        server.close()
        server.deleteLater()
    finally:
        Path(name).unlink(missing_ok=True)


@pytest.mark.skipif(sys.platform == "win32", reason="Unix socket files")
def test_an_inkaso_that_does_not_answer_is_not_started_beside(
    qapp: QApplication, tmp_path: Path
) -> None:
    options = Options(db=str(tmp_path / "hung.db"))
    name = channel_name(options.db)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as hung:
        hung.bind(name)
        hung.listen(1)  # connections are queued, never read nor answered
        try:
            with pytest.raises(AlreadyRunningError, match="does not respond"):
                claim_instance(options)
        finally:
            Path(name).unlink(missing_ok=True)


def test_the_app_started_by_a_caller_opens_with_the_card(
    qtbot: QtBot, db: Database, db_path: Path, ledger: Ledger, qapp: QApplication
) -> None:
    save_firm(db, FirmInput("Hurtownia Pol-Mak"))  # set up: no first-run wizard
    options = Options(
        db=str(db_path),
        lang="en",
        today=TODAY,
        scheduler=False,
        request=Request("open", nip="PL7740001454"),
    )
    launcher = launch(options, qapp, install_hooks=False)
    try:
        qtbot.waitUntil(lambda: launcher.window is not None)
        assert launcher.window is not None
        window = launcher.window
        qtbot.waitUntil(lambda: ledger.beta in window.cards())
    finally:
        if launcher.window is not None:
            for card in launcher.window.cards().values():
                card.close()
            launcher.window.close()
        launcher.shutdown()
        launcher.deleteLater()


def test_an_unknown_number_shows_the_list_with_it_and_a_sentence(
    qtbot: QtBot, first: Launcher
) -> None:
    window = first.window
    assert window is not None
    first.handle(Request("open", phone="+48 600 000 000"))
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() != "")
    assert window.statusBar().currentMessage() == (
        "No contractor has the phone number +48 600 000 000."
    )
    assert window.pages.currentWidget() is window.list_page
    assert window.search.text() == "600000000"
    qtbot.waitUntil(lambda: window.model.filter_text == "600000000" and not window.model.loading)
    assert window.model.rowCount() == 0
    assert window.cards() == {}


def _inkaso(home: Path, *arguments: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, INKASO_DATA_DIR=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "--lang", "en", *arguments],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_inkaso_open_brings_up_the_callers_card_in_the_running_app(
    qtbot: QtBot, first: Launcher, db_path: Path, ledger: Ledger, tmp_path: Path
) -> None:
    window = first.window
    assert window is not None
    process = _inkaso(tmp_path / "cli", "open", "--phone", "+48 22 765 43 21", "--db", str(db_path))
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=30_000)
    assert process.returncode == 0, process.communicate()
    qtbot.waitUntil(lambda: ledger.gamma in window.cards())


@pytest.mark.skipif(sys.platform == "win32", reason="ends the started app by its pid")
def test_inkaso_open_starts_the_app_with_the_card_when_it_is_not_running(
    qtbot: QtBot, db: Database, db_path: Path, ledger: Ledger, tmp_path: Path
) -> None:
    save_firm(db, FirmInput("Hurtownia Pol-Mak"))  # set up: no first-run wizard
    home = tmp_path / "started"
    process = _inkaso(home, "open", "--contractor", str(ledger.lodz), "--db", str(db_path))
    assert process.wait(timeout=30) == 0
    log = home / "logs" / "inkaso.log"
    try:
        qtbot.waitUntil(
            lambda: log.exists() and "caller lookup: 1 match" in log.read_text("utf-8"),
            timeout=60_000,
        )
    finally:
        lines = log.read_text("utf-8").splitlines() if log.exists() else []
        for line in lines:
            if "starting Inkaso" in line:  # the app this test started, by the pid it logged
                os.kill(int(line.split()[2]), signal.SIGTERM)
        Path(channel_name(str(db_path))).unlink(missing_ok=True)


def test_a_number_two_contractors_share_offers_a_choice(
    qtbot: QtBot, first: Launcher, db: Database, ledger: Ledger
) -> None:
    window = first.window
    assert window is not None
    # Delta's contact person has Alfa's number (the owner answers for both firms)
    delta = contractor(
        db, "Delta Sp. z o.o.", persons=[ContactPersonInput("Jan Kowalski", phone="501 234 567")]
    )
    first.handle(Request("open", phone="501 234 567"))
    qtbot.waitUntil(lambda: window.findChild(ChooseContractor) is not None)
    dialog = window.findChild(ChooseContractor)
    assert dialog is not None
    names = [
        dialog.choices.item(row).text().split("  ·  ")[0] for row in range(dialog.choices.count())
    ]
    assert names == ["Alfa Sp. z o.o.", "Delta Sp. z o.o."]
    assert window.cards() == {}
    dialog.choices.setCurrentRow(1)
    qtbot.keyClick(dialog.choices, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: delta in window.cards())
    assert ledger.alfa not in window.cards()
