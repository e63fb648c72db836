"""Sending as the user drives it: the actions shared by the Dunning menu, the tray and the status bar.

One :class:`SendingController` per main window holds the actions (Outbox…, Tasks…, Run now, Pause
sending, Settings…), opens the outbox, tasks and settings windows (one of each), and puts the
scheduler's state into words.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from db.uow import Database
from desktop_app import labels
from desktop_app.errors import InkasoError
from desktop_app.i18n import _, current_language, ngettext
from ui.dunning.scheduler_bridge import Mode, SchedulerBridge
from ui.operations import Operations
from ui.restart import offer_restart

if TYPE_CHECKING:
    # the settings dialog is imported when first opened: most sessions never open it
    from ui.dunning.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)


class SendingController(QObject):
    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        bridge: SchedulerBridge,
        today: Callable[[], dt.date],
        open_card: Callable[[int], object],
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self.db = db
        self.ops = ops
        self.bridge = bridge
        self.today = today
        self.open_card = open_card
        self.window = window
        self.outbox_window: QWidget | None = None
        self.tasks_window: QWidget | None = None
        self.settings_dialog: SettingsDialog | None = None

        self.outbox_action = QAction(_("&Outbox…"), self)
        self.outbox_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.outbox_action.setToolTip(_("Messages waiting, sent, failed or uncertain"))
        self.outbox_action.triggered.connect(self.open_outbox)
        self.tasks_action = QAction(_("&Tasks…"), self)
        self.tasks_action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.tasks_action.triggered.connect(self.open_tasks)
        self.run_action = QAction(_("&Run now"), self)
        self.run_action.setToolTip(_("Plan and send what is due now, without waiting"))
        self.run_action.triggered.connect(self.run_now)
        self.pause_action = QAction(_("&Pause sending"), self)
        self.pause_action.setCheckable(True)
        self.pause_action.setToolTip(
            _("No reminder goes out until sending is resumed (for everyone using this database)")
        )
        self.pause_action.toggled.connect(self._pause_toggled)
        self.settings_action = QAction(_("&Settings…"), self)
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(lambda: self.open_settings())
        self.firm_action = QAction(_("Setup &wizard…"), self)
        self.firm_action.setToolTip(_("Your firm, bank account, e-mail and SMS, step by step"))
        self.firm_action.triggered.connect(self.open_setup_wizard)
        self.firm_action.setVisible(False)
        #: the same, always in the menu (Dunning → Setup wizard…)
        self.wizard_action = QAction(_("Setup &wizard…"), self)
        self.wizard_action.triggered.connect(self.open_setup_wizard)
        self.setup_wizard: QWidget | None = None
        #: the question after the wizard changed the language (restart now or later)
        self.restart_offer: QWidget | None = None
        self.setup_action = QAction(_("Set up sending…"), self)
        self.setup_action.setToolTip(_("Enter the e-mail server or the SMS gateway"))
        self.setup_action.triggered.connect(lambda: self.open_settings(self.setup_tab()))
        self.setup_action.setVisible(False)

        bridge.state_changed.connect(self._state_changed)
        self._state_changed()

    # -- windows -------------------------------------------------------------------------------

    def open_outbox(self) -> QWidget:
        from ui.dunning.outbox_view import OutboxWindow

        if self.outbox_window is None:
            window = OutboxWindow(self.db, self.ops, open_card=self.open_card, parent=self.window)
            self.outbox_window = window
        else:
            self.outbox_window.refresh()  # type: ignore[attr-defined]
        _bring_up(self.outbox_window)
        return self.outbox_window

    def open_tasks(self) -> QWidget:
        from ui.dunning.tasks_view import TasksWindow

        if self.tasks_window is None:
            window = TasksWindow(
                self.db, self.ops, today=self.today, open_card=self.open_card, parent=self.window
            )
            self.tasks_window = window
        else:
            self.tasks_window.refresh()  # type: ignore[attr-defined]
        _bring_up(self.tasks_window)
        return self.tasks_window

    def open_settings(self, tab: str | None = None) -> QWidget:
        from ui.dunning.settings_dialog import SettingsDialog

        dialog = self.settings_dialog
        if dialog is None or not dialog.isVisible():
            dialog = SettingsDialog(self.db, self.ops, parent=self.window, today=self.today)
            dialog.finished.connect(dialog.deleteLater)
            dialog.destroyed.connect(self._settings_gone)
            self.settings_dialog = dialog
        if tab is not None:
            dialog.show_tab(tab)
        _bring_up(dialog)
        return dialog

    def open_setup_wizard(self) -> QWidget:
        from ui.first_run.wizard import LANGUAGE_NAMES, FirstData, open_first_data, open_wizard

        wizard = self.setup_wizard
        if wizard is None or not wizard.isVisible():
            window = self.window
            spoken = current_language()

            def chosen(choice: FirstData | None) -> None:
                from ui.main_window import MainWindow  # it builds this controller

                if isinstance(window, MainWindow):
                    open_first_data(window, choice)
                if current_language() != spoken:
                    self.restart_offer = offer_restart(window, LANGUAGE_NAMES[current_language()])

            wizard = open_wizard(
                self.db, self.ops, today=self.today, parent=window, on_close=chosen
            )
            self.setup_wizard = wizard
        _bring_up(wizard)
        return wizard

    def _settings_gone(self) -> None:
        self.settings_dialog = None

    # -- commands ------------------------------------------------------------------------------

    def run_now(self) -> None:
        if not self.bridge.run_now():
            log.info("run now: a run is already going")

    def _pause_toggled(self, paused: bool) -> None:
        status = self.bridge.status
        if status is not None and status.paused == paused:
            return  # the action follows the stored state; nothing to write
        self.bridge.set_paused(paused)

    def _state_changed(self) -> None:
        bridge = self.bridge
        status = bridge.status
        blocked = self.pause_action.blockSignals(True)
        self.pause_action.setChecked(bool(status and status.paused))
        self.pause_action.blockSignals(blocked)
        self.pause_action.setEnabled(status is not None)
        self.firm_action.setVisible(bridge.mode is Mode.NO_FIRM)
        self.setup_action.setVisible(
            bridge.mode is not Mode.NO_FIRM and bool(status and status.not_set_up)
        )
        can_run = (
            bridge.mode in (Mode.RUNNING, Mode.NOT_SET_UP, Mode.ELSEWHERE)
            and not bridge.running_now
        )
        self.run_action.setEnabled(can_run)
        if bridge.running_now:
            self.run_action.setText(_("Running…"))
        else:
            self.run_action.setText(_("&Run now"))

    def setup_tab(self) -> str:
        """The settings tab of the first channel that is not set up."""
        status = self.bridge.status
        return status.not_set_up[0] if status is not None and status.not_set_up else "email"

    # -- words ---------------------------------------------------------------------------------

    def state_text(self) -> str:
        """One line for the tray tooltip and the status bar: running, paused, problems."""
        bridge = self.bridge
        mode = bridge.mode
        if mode is Mode.STARTING:
            base = _("starting…")
        elif mode is Mode.ELSEWHERE:
            base = _("sending is done by another Inkaso process")
        elif mode is Mode.NO_FIRM:
            base = _(
                "Setup is not finished (missing: {missing}): no reminders are being sent "
                "— Setup wizard…"
            ).format(missing=bridge.status.setup_missing if bridge.status else "")
        elif mode is Mode.NOT_SET_UP:
            base = self.not_set_up_text(nothing=True)
        elif mode is Mode.PAUSED:
            base = _("sending paused")
        elif mode is Mode.STOPPED:
            base = _("sending stopped")
        elif bridge.running_now:
            base = _("sending reminders now…")
        else:
            base = _("sending reminders automatically")
        status = bridge.status
        problems = []
        if status is not None and mode in (Mode.RUNNING, Mode.PAUSED) and status.not_set_up:
            problems.append(self.not_set_up_text(nothing=False))
        if status is not None and mode is not Mode.ELSEWHERE:
            if status.failed:
                problems.append(self.failed_text(status.failed))
            if status.uncertain:
                problems.append(self.uncertain_text(status.uncertain))
        if problems and mode is Mode.RUNNING and not bridge.running_now:
            return "; ".join(problems)
        return "; ".join([base, *problems])

    def not_set_up_text(self, *, nothing: bool) -> str:
        """Which channels are not set up, and that nothing (or only those reminders) goes."""
        status = self.bridge.status
        missing = "; ".join(labels.not_set_up(c) for c in (status.not_set_up if status else ()))
        if nothing:
            return _("{problem}: no reminders are being sent — Settings…").format(problem=missing)
        return _("{problem}: those reminders are not being sent — Settings…").format(
            problem=missing
        )

    @staticmethod
    def failed_text(count: int) -> str:
        return ngettext("{count} message failed", "{count} messages failed", count).format(
            count=count
        )

    @staticmethod
    def uncertain_text(count: int) -> str:
        return ngettext(
            "{count} message may not have been sent",
            "{count} messages may not have been sent",
            count,
        ).format(count=count)

    @staticmethod
    def error_text(error: BaseException) -> str:
        if isinstance(error, InkasoError):
            return error.message
        return _("An unexpected error stopped the run; the log file has the details.")


def _bring_up(widget: QWidget) -> None:
    widget.show()
    widget.showNormal()
    widget.raise_()
    widget.activateWindow()
