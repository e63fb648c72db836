"""The wizard's check: the import is tried in a transaction that is rolled back, and the user sees
what it would create, update and leave alone, and every problem with its file, line and field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget, QWizard, QWizardPage

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


class CheckPage(QWizardPage):
    #: the dry run finished (tests wait for it); carries the report
    checked = Signal(object)

    def __init__(self, wizard: ImportWizard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._wizard = wizard
        self.report: ImportReport | None = None
        self.setTitle(_("Check before importing"))
        self.setSubTitle(
            _(
                "Nothing has been saved yet. This is what the import would do; files with problems are not imported at all."
            )
        )
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("&Import"))
        self.busy = ProgressBar()
        self.progress: Progress | None = None
        self.running = False
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.view = ReportView()
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        layout.addWidget(self.view, 1)

    def initializePage(self) -> None:
        self.report = None
        self.view.clear()
        self.status.setText(_("Checking…"))
        progress = self.progress = Progress()
        self.busy.follow(progress)
        self.running = True
        job = self._wizard.job()
        self._wizard.ops.write(
            lambda: job.run(dry_run=True, progress=progress.report),
            changes=Change.NONE,
            on_success=self._checked,
            on_failure=self._failed,
            key=f"import-check-{id(self)}",
            owner=self,
            label="import dry run",
        )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        report = self.report
        # a check whose every file is refused, or that found no file, leaves nothing to import
        return (
            report is not None
            and bool(report.files)
            and (not report.errors or bool(report.created + report.updated + report.unchanged))
        )

    def stop(self) -> None:
        """The wizard is cancelled while checking: the check ends at the next file, unsaved."""
        if self.progress is not None and self.running:
            self.progress.cancel()

    def _checked(self, report: ImportReport) -> None:
        self.running = False
        self.report = report
        self.busy.done()
        self.status.setText("")
        self.view.show_report(report, dry_run=True)
        self.completeChanged.emit()
        self.checked.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.busy.done()
        if isinstance(exc, ImportCancelledError):
            self.status.setText(_("The check was stopped."))
        elif isinstance(exc, InkasoError):
            self.status.setText(exc.message)
        else:
            self.status.setText(_("The check could not be finished."))
            show_error(exc, self)
        self.completeChanged.emit()
        self.checked.emit(None)
