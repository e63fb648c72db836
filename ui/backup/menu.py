"""File → Back up now and Restore…, and the status bar's warning when the newest backup is old.

Both run off the GUI thread through :class:`~ui.operations.Operations`: a backup reads the
database (the read pool), a restore replaces it (the serial writer, with the scheduler's jobs held
and the database reopened afterwards, then every window re-reads what it shows).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QMessageBox, QWidget

from db.engine import sqlite_path
from desktop_app.changes import Change
from desktop_app.domain.backups import backup_stale
from desktop_app.errors import InkasoError
from desktop_app.i18n import _, ngettext
from desktop_app.services import backup
from desktop_app.services.database import restore_in_place
from ui import theme
from ui.errors import show_error

if TYPE_CHECKING:
    from ui.main_window import MainWindow

#: a restore may replace anything: every window re-reads everything
EVERYTHING = ~Change.NONE
#: how often the status bar looks at the age of the newest backup
CHECK_EVERY_MS = 60 * 60 * 1000


def restore_question(
    parent: QWidget | None, source: Path, target: str, folder: Path, taken: dt.datetime | None
) -> QMessageBox:
    """The confirmation before a restore: what will be replaced, where the current database
    goes, and that sending stops meanwhile."""
    when = (
        _("The backup was made on {when}; everything entered after that will be missing.").format(
            when=taken.strftime("%Y-%m-%d %H:%M")
        )
        if taken is not None
        else _("Everything entered after this backup was made will be missing.")
    )
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _("Restore from a backup"),
        _("Replace the database with the backup {file}?").format(file=source.name),
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setInformativeText(
        "\n\n".join(
            (
                when,
                _(
                    "The database in use ({target}) is first copied to the backup folder {folder}, "
                    "so this step can be undone by restoring that copy."
                ).format(target=target, folder=folder),
                _(
                    "Automatic sending stops during the restore; the database is then opened "
                    "again and every window shows the restored data."
                ),
            )
        )
    )
    restore = box.addButton(_("Restore"), QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setProperty("restore_button", restore)
    return box


class BackupActions(QObject):
    """The two actions and the status bar label of one main window."""

    #: a backup was made (the Backup) or a restore done (the Restored); tests wait for it
    finished = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.backup_action = QAction(_("&Back up now"), window)
        self.backup_action.setStatusTip(
            _("Make a backup copy of the database in the backup folder")
        )
        self.backup_action.triggered.connect(self.back_up_now)
        self.restore_action = QAction(_("&Restore from a backup…"), window)
        self.restore_action.setStatusTip(
            _("Replace the database with a backup copy (the current one is kept aside)")
        )
        self.restore_action.triggered.connect(self.choose_and_restore)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.linkActivated.connect(lambda _link: self.back_up_now())
        self.status.hide()
        self.folder: Path | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_EVERY_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        window.ops.changed.connect(self._data_changed)
        self.refresh()

    # -- the status bar ------------------------------------------------------------------------

    def refresh(self) -> None:
        db = self.window.db

        def read() -> tuple[Path, backup.Backup | None]:
            return backup.backup_folder(db), backup.last_backup(db)

        self.window.ops.read(
            read,
            on_success=self._show,
            on_failure=self._not_readable,
            key=f"last-backup-{id(self)}",
            owner=self,
            label="backup",
        )

    def _not_readable(self, exc: BaseException) -> None:
        """An unreadable folder (a network drive away) is said in the status bar, not in a
        message box every hour."""
        if not isinstance(exc, InkasoError):
            show_error(exc, self.window)
            return
        colour = theme.overdue_text().name()
        self.status.setText(f'<span style="color:{colour}">{html.escape(exc.message)}</span>')
        self.status.setToolTip(exc.message)
        self.status.show()

    def _show(self, found: tuple[Path, backup.Backup | None]) -> None:
        self.folder, last = found
        now = dt.datetime.now()
        if not backup_stale(last.taken if last else None, now):
            self.status.hide()
            return
        if last is None:
            text = _("No backup yet")
        else:
            days = (now.date() - last.taken.date()).days
            text = ngettext("Last backup {n} day ago", "Last backup {n} days ago", days).format(
                n=days
            )
        colour = theme.overdue_text().name()
        link = html.escape(_("Back up now"))
        self.status.setText(
            f'<span style="color:{colour}">{html.escape(text)}</span> — <a href="backup">{link}</a>'
        )
        self.status.setToolTip(
            _("Backups go to {folder}; one is made every day while Inkaso runs").format(
                folder=self.folder
            )
        )
        self.status.show()

    def _data_changed(self, changes: Change) -> None:
        if changes & Change.SETTINGS:  # the backup folder may have moved
            self.refresh()

    # -- back up now ---------------------------------------------------------------------------

    def back_up_now(self) -> None:
        db = self.window.db
        self.backup_action.setEnabled(False)
        self.window.statusBar().showMessage(_("Backing up…"))
        self.window.ops.read(
            lambda: backup.make_backup(db, dt.datetime.now()),
            on_success=self._backed_up,
            on_failure=self._failed,
            owner=self,
            label="back up now",
        )

    def _backed_up(self, made: backup.Backup) -> None:
        self.backup_action.setEnabled(True)
        self.window.statusBar().showMessage(_("Backed up to {path}").format(path=made.path), 15_000)
        self.refresh()
        self.finished.emit(made)

    def _failed(self, exc: BaseException) -> None:
        self.backup_action.setEnabled(True)
        self.restore_action.setEnabled(True)
        self.window.statusBar().clearMessage()
        show_error(exc, self.window)

    # -- restore -------------------------------------------------------------------------------

    def choose_and_restore(self) -> None:
        start = str(self.folder) if self.folder is not None else ""
        chosen, _filter = QFileDialog.getOpenFileName(
            self.window,
            _("Restore from a backup"),
            start,
            _("Inkaso backups (*.db *.dump);;All files (*)"),
        )
        if chosen:
            self.confirm_restore(Path(chosen))

    def confirm_restore(self, source: Path) -> QMessageBox:
        db = self.window.db
        found = backup.parse_name(source)
        target = str(sqlite_path(db.url) or db.url.render_as_string(hide_password=True))
        box = restore_question(
            self.window,
            source,
            target,
            self.folder or backup.default_folder(),
            found.taken if found else None,
        )
        restore_button = box.property("restore_button")
        box.finished.connect(
            lambda _result: self.restore(source) if box.clickedButton() is restore_button else None
        )
        box.open()
        return box

    def restore(self, source: Path) -> None:
        db = self.window.db
        held = self.window.scheduler.scheduler.held
        self.restore_action.setEnabled(False)
        self.window.statusBar().showMessage(_("Restoring…"))
        self.window.ops.write(
            lambda: restore_in_place(db, source, dt.datetime.now(), held),
            changes=EVERYTHING,
            on_success=self._restored,
            on_failure=self._failed,
            owner=self,
            label="restore",
        )

    def _restored(self, done: backup.Restored) -> None:
        self.restore_action.setEnabled(True)
        message = (
            _("Restored {file}; the previous database was kept as {aside}").format(
                file=done.source, aside=done.kept_aside
            )
            if done.kept_aside
            else _("Restored {file}").format(file=done.source)
        )
        self.window.statusBar().showMessage(message, 30_000)
        self.window.scheduler.refresh()
        self.refresh()
        self.finished.emit(done)


def install(window: MainWindow, menu: QMenu) -> BackupActions:
    """File → Back up now, Restore…; the status bar's backup warning."""
    actions = BackupActions(window)
    menu.addAction(actions.backup_action)
    menu.addAction(actions.restore_action)
    window.statusBar().addPermanentWidget(actions.status)
    return actions
