"""Inkaso started again, for what only a new start shows in full: another language.

The main window, its menus, the tray and the status bar are built once, in the language of the
start; windows opened later already speak the new one. Rather than leave the office with a
mixed screen, the setup wizard offers a restart when its language page changed the language.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop_app import autostart
from desktop_app.i18n import _

log = logging.getLogger(__name__)


def relaunch_arguments(argv: Sequence[str]) -> list[str]:
    """The options of this start that the new one keeps: the same database and day, scheduler
    or not; never the old ``--lang`` (the chosen language is the preference now), the tray-only
    start or a contractor to open, which belonged to this start."""
    from ui.app import parse_args  # the app module builds the window this restarts

    options, qt_arguments = parse_args(argv)
    kept: list[str] = []
    if options.demo:
        kept.append("--demo")
    elif options.db:
        kept += ["--db", options.db]
    if options.today is not None:
        kept += ["--today", options.today.isoformat()]
    if not options.scheduler:
        kept.append("--no-scheduler")
    return kept + qt_arguments


def restart() -> None:
    """Quit, and start this Inkaso again once it has stopped listening for a second launch
    (its shutdown runs first on ``aboutToQuit``), which would otherwise take the new start's
    request and let it exit."""
    app = QApplication.instance()
    if app is None:
        return
    program, *prefix = autostart.program()
    arguments = [*prefix, *relaunch_arguments(sys.argv[1:])]

    def start_again() -> None:
        started, _pid = QProcess.startDetached(program, arguments)
        if not started:
            log.error("Inkaso could not be started again: %s %s", program, arguments)

    app.aboutToQuit.connect(start_again)
    QApplication.quit()


def offer_restart(parent: QWidget | None, language_name: str) -> QMessageBox:
    """Say what a language change does until the next start, with Restart now / Later."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(_("Language"))
    box.setText(
        _(
            "Language changed to {language} in the windows you open from now on. The main "
            "window, its menus and the tray change when Inkaso starts again."
        ).format(language=language_name)
    )
    box.setInformativeText(_("Restart now? Reminders being sent finish first; nothing is lost."))
    restart_button = box.addButton(_("&Restart now"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("&Later"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restart_button)
    box.buttonClicked.connect(lambda button: restart() if button is restart_button else None)
    box.open()
    return box
