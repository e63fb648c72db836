"""The tray icon: Inkaso keeps sending reminders while its window is closed.

The icon and its tooltip say whether sending runs, is paused, waits for the firm's details or for
a channel to be set up, is done by another Inkaso on this computer, or has failed messages; a balloon tells about a run that left
failed or uncertain messages. The menu opens the window, pauses sending, shows the outbox, runs a
cycle now and quits. Without a system tray (some Linux desktops) nothing here is shown and closing
the window quits Inkaso as usual.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop_app.i18n import _
from desktop_app.services.dunning.runner import RunReport
from resources import resource_path
from ui.dunning.scheduler_bridge import Mode
from ui.dunning.sending import SendingController

log = logging.getLogger(__name__)

ICON_SIZE = 64
#: how long a balloon stays up (the platform may shorten it)
MESSAGE_MS = 10_000


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


def state_icon(mode: Mode, problems: int) -> QIcon:
    """The app icon with a badge: grey bars when paused, orange "!" on problems, faded elsewhere."""
    base = QIcon(str(resource_path("icons", "inkaso.svg")))
    if mode in (Mode.RUNNING, Mode.STARTING) and not problems:
        return base
    pixmap = base.pixmap(ICON_SIZE, ICON_SIZE)
    if mode in (Mode.ELSEWHERE, Mode.STOPPED):
        return QIcon(base.pixmap(ICON_SIZE, ICON_SIZE, QIcon.Mode.Disabled))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    centre = QPointF(46, 46)
    if problems or mode in (Mode.NO_FIRM, Mode.NOT_SET_UP):
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#e65100"))
        painter.drawEllipse(centre, 15, 15)
        painter.setPen(QPen(QColor("white"), 5, c=Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(46, 37), QPointF(46, 47))
        painter.drawPoint(QPointF(46, 55))
    else:  # paused
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#616161"))
        painter.drawEllipse(centre, 15, 15)
        painter.setBrush(QColor("white"))
        painter.drawRoundedRect(QRectF(39.5, 38, 5, 16), 1.5, 1.5)
        painter.drawRoundedRect(QRectF(47.5, 38, 5, 16), 1.5, 1.5)
    painter.end()
    return QIcon(pixmap)


class SendingTray(QObject):
    """The tray icon and its menu over a :class:`SendingController`."""

    #: the user chose Quit in the tray menu
    quit_requested = Signal()
    #: the user chose Open Inkaso (or clicked the icon)
    open_requested = Signal()

    def __init__(self, controller: SendingController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.available = tray_available()
        self._close_hint_shown = False
        #: the last balloon, whether or not the platform could show it
        self.last_message: tuple[str, str] | None = None

        self.menu = QMenu()
        self.menu.setTitle(_("Inkaso"))
        self.status_action = QAction(self)
        self.status_action.setEnabled(False)
        self.open_action = QAction(_("Open &Inkaso"), self)
        self.open_action.triggered.connect(self.open_requested)
        self.quit_action = QAction(_("&Quit"), self)
        self.quit_action.triggered.connect(self.quit_requested)
        self.menu.addAction(self.status_action)
        self.menu.addAction(controller.firm_action)
        self.menu.addAction(controller.setup_action)
        self.menu.addSeparator()
        self.menu.addAction(self.open_action)
        self.menu.addAction(controller.pause_action)
        self.menu.addAction(controller.outbox_action)
        self.menu.addAction(controller.run_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        font = self.open_action.font()
        font.setBold(True)
        self.open_action.setFont(font)

        self.icon: QSystemTrayIcon | None = None
        if self.available:
            self.icon = QSystemTrayIcon(state_icon(Mode.STARTING, 0), self)
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._activated)
            self.icon.messageClicked.connect(controller.open_outbox)
        else:
            log.info("no system tray: closing the window quits Inkaso")
        bridge = controller.bridge
        bridge.state_changed.connect(self.update_state)
        bridge.run_finished.connect(self._run_finished)
        bridge.run_failed.connect(self._run_failed)
        self.update_state()

    # -- showing -------------------------------------------------------------------------------

    def show(self) -> None:
        if self.icon is not None:
            self.icon.show()

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()

    @property
    def keeps_app_running(self) -> bool:
        """With a visible tray icon, closing the window leaves Inkaso running."""
        return self.icon is not None and self.icon.isVisible()

    def tooltip(self) -> str:
        return _("Inkaso — {state}").format(state=self.controller.state_text())

    def update_state(self) -> None:
        mode = self.controller.bridge.mode
        status = self.controller.bridge.status
        problems = (status.failed + status.uncertain) if status is not None else 0
        self.status_action.setText(self.controller.state_text())
        if self.icon is not None:
            self.icon.setToolTip(self.tooltip())
            self.icon.setIcon(state_icon(mode, problems))

    def show_close_hint_once(self) -> None:
        """After the first close of the window: say where Inkaso went (once per session)."""
        if self._close_hint_shown or self.icon is None:
            return
        self._close_hint_shown = True
        self.notify(
            _("Inkaso is still running"),
            _(
                "Reminders keep going out while the window is closed. Open Inkaso from this icon; "
                "choose Quit in its menu to stop."
            ),
        )

    def notify(
        self,
        title: str,
        text: str,
        icon: QSystemTrayIcon.MessageIcon = QSystemTrayIcon.MessageIcon.Information,
    ) -> None:
        log.info("tray message: %s: %s", title, text)
        self.last_message = (title, text)
        if self.icon is not None and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(title, text, icon, MESSAGE_MS)

    # -- events --------------------------------------------------------------------------------

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()

    def _run_finished(self, report: RunReport | None) -> None:
        if report is None:
            return
        counts = report.counts()
        failed, uncertain = counts["failed"], counts["uncertain"]
        if not failed and not uncertain:
            return
        lines = []
        if failed:
            lines.append(self.controller.failed_text(failed))
        if uncertain:
            lines.append(self.controller.uncertain_text(uncertain))
        lines.append(_("Open the outbox to see what happened."))
        self.notify(
            _("Some reminders were not sent"), "\n".join(lines), QSystemTrayIcon.MessageIcon.Warning
        )

    def _run_failed(self, error: BaseException) -> None:
        self.notify(
            _("Reminders could not be sent"),
            self.controller.error_text(error),
            QSystemTrayIcon.MessageIcon.Critical,
        )
