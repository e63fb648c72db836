"""The tray and the in-process scheduler: pause, run now, notifications, the machine lock, and
closing the window while Inkaso keeps sending."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.scheduler import machine_lock
from desktop_app.services.firm import FirmInput, save_firm
from desktop_app.settings import get_value, set_value
from tests.gui.dunning_sending.conftest import OFFSCREEN_NOISE, TODAY, add_debtors, at
from tests.integration.dunning_env import DunningEnv
from ui.app import Launcher, Options, launch, parse_args
from ui.dunning import tray as tray_module
from ui.dunning.scheduler_bridge import Mode, SchedulerBridge
from ui.dunning.sending import SendingController
from ui.dunning.settings_dialog import TABS, SettingsDialog
from ui.dunning.tray import SendingTray
from ui.first_run.wizard import FirstRunWizard
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def with_tray(monkeypatch: pytest.MonkeyPatch) -> None:
    """The offscreen platform has no tray; a desktop has one."""
    monkeypatch.setattr(tray_module, "tray_available", lambda: True)


def _sending(
    qtbot: QtBot, db: Database, ops: Operations, bridges: list[SchedulerBridge]
) -> tuple[SendingController, SendingTray, QWidget]:
    bridge = SchedulerBridge(db, ops, clock=lambda: at(TODAY))
    bridges.append(bridge)
    window = QWidget()
    qtbot.addWidget(window)
    opened: list[int] = []
    controller = SendingController(
        db, ops, bridge=bridge, today=lambda: TODAY, open_card=opened.append, window=window
    )
    tray = SendingTray(controller, parent=window)
    tray.show()
    return controller, tray, window


def test_tray_menu_has_the_actions_and_pause_toggles_the_scheduler(
    qtbot: QtBot,
    env: DunningEnv,
    db: Database,
    ops: Operations,
    bridges: list[SchedulerBridge],
    with_tray: None,
) -> None:
    env.configure("gentle-email")
    controller, tray, _window = _sending(qtbot, db, ops, bridges)
    bridge = controller.bridge
    bridge.refresh()
    qtbot.waitUntil(lambda: bridge.mode is Mode.RUNNING)
    visible = [a.text() for a in tray.menu.actions() if a.isVisible() and not a.isSeparator()]
    assert visible == [
        "sending reminders automatically",
        "Open &Inkaso",
        "&Pause sending",
        "&Outbox…",
        "&Run now",
        "&Quit",
    ]
    assert tray.icon is not None and tray.icon.isVisible()
    assert tray.icon.toolTip() == "Inkaso — sending reminders automatically"
    assert controller.pause_action.isCheckable() and not controller.pause_action.isChecked()

    controller.pause_action.trigger()
    qtbot.waitUntil(lambda: bridge.mode is Mode.PAUSED)
    assert get_value(db, "schedule.paused") is True
    assert bridge.scheduler.paused
    assert controller.pause_action.isChecked()
    assert not controller.run_action.isEnabled()
    assert tray.icon.toolTip() == "Inkaso — sending paused"
    report = bridge.scheduler.run_once()  # a scheduled run while paused sends nothing
    assert report is not None and report.errors == ["Automatic sending is paused"]

    controller.pause_action.trigger()
    qtbot.waitUntil(lambda: bridge.mode is Mode.RUNNING)
    assert get_value(db, "schedule.paused") is False
    assert controller.run_action.isEnabled()


def test_run_now_sends_refreshes_the_outbox_and_tells_about_failures(
    qtbot: QtBot,
    env: DunningEnv,
    db: Database,
    ops: Operations,
    bridges: list[SchedulerBridge],
    with_tray: None,
) -> None:
    env.configure("gentle-email")
    add_debtors(env)
    env.mail.refuse_rcpt["d2@debtor.example.com"] = "550 5.1.1 Mailbox unavailable"
    controller, tray, _window = _sending(qtbot, db, ops, bridges)
    bridge = controller.bridge
    bridge.refresh()
    qtbot.waitUntil(lambda: bridge.mode is Mode.RUNNING)
    outbox_window = controller.open_outbox()
    qtbot.waitUntil(lambda: not outbox_window.loading)  # type: ignore[attr-defined]
    assert outbox_window.model.rowCount() == 0  # type: ignore[attr-defined]

    with qtbot.waitSignal(outbox_window.loaded, timeout=30_000):  # type: ignore[attr-defined]
        controller.run_action.trigger()
    assert outbox_window.model.rowCount() == 3  # type: ignore[attr-defined]
    assert sorted(r for m in env.mail.messages for r in m.rcpt_tos) == [
        "d1@debtor.example.com",
        "d3@debtor.example.com",
    ]
    assert bridge.last_report is not None and bridge.last_report.counts()["failed"] == 1
    assert tray.last_message == (
        "Some reminders were not sent",
        "1 message failed\nOpen the outbox to see what happened.",
    )
    qtbot.waitUntil(lambda: bridge.status is not None and bridge.status.failed == 1)
    assert tray.icon is not None
    assert tray.icon.toolTip() == "Inkaso — 1 message failed"


def test_the_started_scheduler_runs_at_once(
    qtbot: QtBot, env: DunningEnv, db: Database, ops: Operations, bridges: list[SchedulerBridge]
) -> None:
    env.configure("gentle-email")
    add_debtors(env, 1)
    bridge = SchedulerBridge(db, ops, clock=lambda: at(TODAY))
    bridges.append(bridge)
    with qtbot.waitSignal(bridge.run_finished, timeout=30_000) as blocker:
        bridge.start()
    assert blocker.args[0].counts()["sent"] == 1
    assert [m.rcpt_tos for m in env.mail.messages] == [["d1@debtor.example.com"]]
    qtbot.waitUntil(lambda: bridge.mode is Mode.RUNNING)


def test_a_scheduler_elsewhere_on_this_computer_is_shown_not_fatal(
    qtbot: QtBot,
    env: DunningEnv,
    db: Database,
    ops: Operations,
    bridges: list[SchedulerBridge],
    with_tray: None,
) -> None:
    env.configure("gentle-email")
    other = machine_lock(db)  # what `inkaso scheduler` holds while it runs
    other.acquire(timeout=0)
    try:
        controller, tray, _window = _sending(qtbot, db, ops, bridges)
        controller.bridge.start()
        qtbot.waitUntil(lambda: controller.bridge.mode is Mode.ELSEWHERE)
        assert tray.icon is not None
        assert tray.icon.toolTip() == "Inkaso — sending is done by another Inkaso process"
        assert controller.bridge.sending_elsewhere
    finally:
        other.release()


def test_without_a_firm_the_tray_says_so_and_offers_the_settings(
    qtbot: QtBot, db: Database, ops: Operations, bridges: list[SchedulerBridge], with_tray: None
) -> None:
    controller, tray, _window = _sending(qtbot, db, ops, bridges)
    controller.bridge.refresh()
    qtbot.waitUntil(lambda: controller.bridge.mode is Mode.NO_FIRM)
    assert tray.icon is not None
    assert tray.icon.toolTip() == (
        "Inkaso — Setup is not finished (missing: your firm's details, a bank account, "
        "e-mail or SMS sending, the first user): no reminders are being sent — Setup wizard…"
    )
    assert controller.firm_action.isVisible()
    assert not controller.run_action.isEnabled()
    controller.firm_action.trigger()
    wizard = controller.setup_wizard
    assert isinstance(wizard, FirstRunWizard) and wizard.isVisible()
    wizard.reject()  # Settings still takes the firm's details as before
    dialog = controller.open_settings("firm")
    assert isinstance(dialog, SettingsDialog)
    assert dialog.tabs.currentIndex() == TABS.index("firm")
    qtbot.waitUntil(lambda: dialog.ready)
    dialog.fields["firm.name"].set_text("Hurtownia Pol-Mak")
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    # the firm is there, but no e-mail server yet: the tray says plainly that nothing goes
    qtbot.waitUntil(lambda: controller.bridge.mode is Mode.NOT_SET_UP)
    assert not controller.firm_action.isVisible()
    assert tray.icon.toolTip() == (
        "Inkaso — E-mail is not set up: no reminders are being sent — Settings…"
    )
    assert controller.setup_action.isVisible()
    controller.setup_action.trigger()  # the dialog closed on saving: a new one opens
    dialog = controller.settings_dialog
    assert isinstance(dialog, SettingsDialog) and dialog.tabs.currentIndex() == TABS.index("email")


def test_until_a_channel_is_set_up_the_tray_says_nothing_is_sent(
    qtbot: QtBot,
    env: DunningEnv,
    db: Database,
    ops: Operations,
    bridges: list[SchedulerBridge],
    with_tray: None,
) -> None:
    """Issue 6, item 4: not "sending reminders automatically" while nothing can go out."""
    env.configure("escalation", smtp__host="", sms__provider="none", voice__provider="none")
    controller, tray, _window = _sending(qtbot, db, ops, bridges)
    bridge = controller.bridge
    bridge.refresh()
    qtbot.waitUntil(lambda: bridge.mode is Mode.NOT_SET_UP)
    assert tray.icon is not None
    assert tray.icon.toolTip() == (
        "Inkaso — E-mail is not set up; SMS is not set up; Voice calls are not set up: "
        "no reminders are being sent — Settings…"
    )
    assert controller.setup_action.isVisible() and controller.run_action.isEnabled()
    # e-mail set up: it goes; the channels still missing are named
    set_value(db, "smtp.host", "127.0.0.1")
    bridge.refresh()
    qtbot.waitUntil(lambda: bridge.mode is Mode.RUNNING)
    expected = (
        "Inkaso — SMS is not set up; Voice calls are not set up: those reminders are "
        "not being sent — Settings…"
    )
    qtbot.waitUntil(lambda: tray.icon is not None and tray.icon.toolTip() == expected)
    controller.setup_action.trigger()
    dialog = controller.settings_dialog
    assert isinstance(dialog, SettingsDialog) and dialog.tabs.currentIndex() == TABS.index("sms")


@pytest.fixture
def launched(qapp: QApplication, keep_quit_setting: None) -> Iterator[list[Launcher]]:
    started: list[Launcher] = []
    locale = QLocale()
    yield started
    for launcher in started:
        if launcher.wizard is not None:
            launcher.wizard.close()
        if launcher.window is not None:
            launcher.window.close()
        for translator in launcher.translators:
            qapp.removeTranslator(translator)
        launcher.shutdown()
        launcher.deleteLater()
    QLocale.setDefault(locale)


def test_closing_the_window_keeps_inkaso_running_in_the_tray(
    qtbot: QtBot,
    db: Database,
    db_path: Path,
    qapp: QApplication,
    launched: list[Launcher],
    with_tray: None,
) -> None:
    save_firm(db, FirmInput("Hurtownia Pol-Mak"))  # set up: no first-run wizard
    quitting: list[bool] = []
    qapp.aboutToQuit.connect(lambda: quitting.append(True))
    launcher = launch(Options(db=str(db_path), lang="en", today=TODAY), qapp, install_hooks=False)
    launched.append(launcher)
    qtbot.waitUntil(lambda: launcher.window is not None and launcher.tray is not None)
    window, tray = launcher.window, launcher.tray
    assert window is not None and tray is not None and launcher.scheduler is not None
    qtbot.waitUntil(
        lambda: launcher.scheduler is not None and launcher.scheduler.status is not None
    )
    assert window.sending_state.text().startswith('<a href="setup"')  # no e-mail server yet
    assert not qapp.quitOnLastWindowClosed()
    window.close()
    assert not window.isVisible()
    assert tray.keeps_app_running
    assert tray.last_message is not None and tray.last_message[0] == "Inkaso is still running"
    window.close()  # the hint is shown once
    assert tray.last_message is not None and tray.last_message[0] == "Inkaso is still running"
    assert launcher.scheduler.mode is not Mode.STOPPED
    tray.open_action.trigger()
    qtbot.waitUntil(window.isVisible)
    assert quitting == []


def test_without_a_tray_closing_the_window_quits_as_before(
    qtbot: QtBot, db: Database, db_path: Path, qapp: QApplication, launched: list[Launcher]
) -> None:
    save_firm(db, FirmInput("Hurtownia Pol-Mak"))  # set up: no first-run wizard
    launcher = launch(Options(db=str(db_path), lang="en", today=TODAY), qapp, install_hooks=False)
    launched.append(launcher)
    qtbot.waitUntil(lambda: launcher.tray is not None)
    assert launcher.tray is not None and not launcher.tray.available
    assert launcher.window is not None and launcher.window.tray is None
    assert qapp.quitOnLastWindowClosed()


def test_the_status_bar_says_nothing_is_sent_until_e_mail_is_set_up(
    qtbot: QtBot,
    env: DunningEnv,
    db: Database,
    db_path: Path,
    qapp: QApplication,
    launched: list[Launcher],
) -> None:
    env.configure("gentle-email", smtp__host="")
    launcher = launch(Options(db=str(db_path), lang="en", today=TODAY), qapp, install_hooks=False)
    launched.append(launcher)
    qtbot.waitUntil(lambda: launcher.window is not None and launcher.scheduler is not None)
    window = launcher.window
    assert window is not None
    qtbot.waitUntil(lambda: "not set up" in window.sending_state.text())
    assert window.sending_state.text().startswith('<a href="setup"')
    assert "E-mail is not set up: no reminders are being sent" in window.sending_state.text()
    window.sending_state.linkActivated.emit("setup")
    dialog = window.sending.settings_dialog
    assert isinstance(dialog, SettingsDialog) and dialog.tabs.currentIndex() == TABS.index("email")


def test_minimized_start_waits_in_the_tray_without_the_window(
    qtbot: QtBot,
    db: Database,
    db_path: Path,
    qapp: QApplication,
    launched: list[Launcher],
    with_tray: None,
) -> None:
    """``inkaso-gui --minimized``, as the login autostart starts it."""
    save_firm(db, FirmInput("Hurtownia Pol-Mak"))
    options, _rest = parse_args(["--db", str(db_path), "--lang", "en", "--minimized"])
    assert options.minimized
    launcher = launch(replace(options, today=TODAY), qapp, install_hooks=False)
    launched.append(launcher)
    qtbot.waitUntil(lambda: launcher.window is not None and launcher.tray is not None)
    window, tray = launcher.window, launcher.tray
    assert window is not None and tray is not None and tray.available
    assert not window.isVisible()
    assert launcher.scheduler is not None  # sending goes on from the tray
    tray.open_action.trigger()
    qtbot.waitUntil(window.isVisible)
