"""The one place errors reach the user.

An :class:`~desktop_app.errors.InkasoError` already carries a plain, translated sentence: it is
shown as it is. Anything else is a bug: it is logged with its traceback and shown in a crash dialog
(a plain sentence, the details behind "Show Details...", and the path of the log file), and the
program keeps running instead of dying.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop_app import diagnostics
from desktop_app.errors import InkasoError
from desktop_app.i18n import _
from desktop_app.logging_setup import log_file
from desktop_app.redaction import redact
from ui.help_menu import qt_versions

log = logging.getLogger(__name__)

_crash_box: QMessageBox | None = None
#: a box without a parent window is owned by Python: keep it referenced until it is closed
_open_boxes: set[QMessageBox] = set()


def _keep(box: QMessageBox) -> QMessageBox:
    _open_boxes.add(box)
    box.finished.connect(lambda _result: _open_boxes.discard(box))
    return box


def show_error(exc: BaseException, parent: QWidget | None = None) -> QMessageBox | None:
    """Tell the user about ``exc``: its sentence if it is ours, the crash dialog otherwise."""
    if isinstance(exc, InkasoError):
        log.info("shown to the user: %s", exc.message)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Inkaso"),
            exc.message,
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()
        return _keep(box)
    return show_crash(type(exc), exc, exc.__traceback__, parent)


def show_crash(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    parent: QWidget | None = None,
) -> QMessageBox | None:
    """Log an unexpected exception and show the crash dialog (one at a time, never a storm)."""
    global _crash_box
    log.error("unexpected error", exc_info=(exc_type, exc, tb))
    if QApplication.instance() is None:
        return None
    if _crash_box is not None and shiboken6.isValid(_crash_box) and _crash_box.isVisible():
        return _crash_box  # the same fault repeating (say in a paint event): logged, not re-shown
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        _("Inkaso"),
        _("Something went wrong inside Inkaso and the last action was not completed."),
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setInformativeText(
        _(
            "Your data is safe: a change that did not finish was not saved. You can keep working; "
            "if this happens again, please send the log file to your support:"
        )
        + "\n"
        + str(log_file())
    )
    report = crash_report(exc_type, exc, tb)
    box.setDetailedText(report)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    copy = box.addButton(_("Copy report"), QMessageBox.ButtonRole.ActionRole)
    # every button of a message box closes it: this one's link to the box is cut, so copying
    # leaves the dialog open for Continue or Quit
    copy.clicked.disconnect()
    copy.clicked.connect(lambda: _copy(report))
    keep_going = box.addButton(_("Continue"), QMessageBox.ButtonRole.AcceptRole)
    box.setEscapeButton(keep_going)
    box.setDefaultButton(keep_going)
    quit_button = box.addButton(_("Quit Inkaso"), QMessageBox.ButtonRole.DestructiveRole)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def finished() -> None:
        if box.clickedButton() is quit_button:
            QApplication.quit()

    box.finished.connect(finished)
    box.open()
    _crash_box = box
    return _keep(box)


def crash_report(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """What support needs, for the clipboard: versions, the log file, the traceback (secrets
    redacted)."""
    header = diagnostics.report(
        [
            (_("Versions"), diagnostics.versions(qt_versions())),
            (_("Files"), [(_("Log file"), str(log_file()))]),
        ]
    )
    return header + "\n" + redact("".join(traceback.format_exception(exc_type, exc, tb)))


def _copy(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.setText(text)


def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """``sys.excepthook`` for the GUI: an escaped exception becomes a dialog, not a dead window."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        QApplication.quit()
        return
    try:
        if isinstance(exc, InkasoError):
            show_error(exc, QApplication.activeWindow())
        else:
            show_crash(exc_type, exc, tb, QApplication.activeWindow())
    except Exception:  # the dialog itself failed: the log must still get the original error
        log.exception("could not show the crash dialog")
        sys.__excepthook__(exc_type, exc, tb)


def install_excepthook() -> None:
    sys.excepthook = excepthook
