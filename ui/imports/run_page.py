"""The wizard's last page: the import runs on the writer thread with a progress bar the user can
stop, then the result (counts and problems) stays on screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget, QWizardPage

from desktop_app.changes import Change
from desktop_app.errors import InkasoError
from desktop_app.i18n import _
from desktop_app.services.imports import ImportReport
from ui.errors import show_error
from ui.imports.progress import ImportCancelledError, Progress
from ui.imports.progress_bar import ProgressBar
from ui.imports.report_view import ReportView

if TYPE_CHECKING:
    from ui.imports.wizard import ImportWizard

#: how often the bar is brought up to date while files are imported
POLL_MS = 100
#: what any import may write; announced even when a stopped import wrote only part of it
IMPORT_CHANGES = Change.CONTRACTORS | Change.INVOICES | Change.PAYMENTS


class RunPage(QWizardPage):
    #: the import ended (done, stopped or failed); carries the report or None
    finished = Signal(object)

    def __init__(self, wizard: ImportWizard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._wizard = wizard
        self.report: ImportReport | None = None
        self.progress: Progress | None = None
        self.running = False
        self.setTitle(_("Importing"))
        self.bar = ProgressBar()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.view = ReportView()
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addWidget(self.view, 1)

    def initializePage(self) -> None:
        self.report = None
        self.view.clear()
        self.status.setText(_("Importing… You can stop the import with Cancel."))
        progress = self.progress = Progress()
        job = self._wizard.job()
        self.running = True
        self._wizard.ops.write(
            lambda: job.run(dry_run=False, progress=progress.report),
            # announced by this page itself: a stopped import wrote part of its files
            changes=Change.NONE,
            on_success=self._done,
            on_failure=self._failed,
            owner=self,
            label="import",
        )
        self.bar.follow(progress)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.running

    def stop(self) -> None:
        """Cancel pressed while importing: the import stops at its next report of progress; the
        transaction it was writing (a batch of files) is rolled back, those before it stay."""
        if self.progress is not None and self.running:
            self.progress.cancel()
            self.status.setText(_("Stopping the import…"))

    def _ended(self) -> None:
        self.running = False
        self.bar.done()
        self._wizard.ops.announce(IMPORT_CHANGES)
        self.completeChanged.emit()

    def _done(self, report: ImportReport) -> None:
        self.report = report
        self._ended()
        self.setTitle(_("Import finished"))
        self.status.setText("")
        self.view.show_report(report, dry_run=False)
        self.finished.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self._ended()
        if isinstance(exc, ImportCancelledError):
            self.setTitle(_("Import stopped"))
            self.status.setText(
                _(
                    "The import was stopped. What was saved before the stop stays imported, "
                    "nothing is saved by halves; importing again adds only what is missing."
                )
            )
        elif isinstance(exc, InkasoError):
            self.setTitle(_("Import failed"))
            self.status.setText(exc.message)
        else:
            self.setTitle(_("Import failed"))
            self.status.setText(_("The import could not be finished."))
            show_error(exc, self)
        self.finished.emit(None)
