"""A letter kept earlier (opened from the contractor's activity log): its PDF, print, save."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from db.uow import Database
from desktop_app.i18n import _
from desktop_app.services import letter_queue
from ui import theme
from ui.errors import show_error
from ui.letters.pdf_view import PdfPreview, print_with_dialog, save_with_dialog
from ui.operations import Operations


class LetterViewer(QDialog):
    #: the PDF is shown (tests wait for it)
    shown_pdf = Signal()

    def __init__(
        self,
        db: Database,
        ops: Operations,
        letter_id: int,
        *,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        self._file_name = f"letter-{letter_id}.pdf"
        self.preview = PdfPreview()
        self.print_button = QPushButton(_("Print…"))
        self.save_button = QPushButton(_("Save as…"))
        close = QPushButton(_("Close"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        self.print_button.clicked.connect(
            lambda: print_with_dialog(self.preview.document, self) if self.preview.pdf else None
        )
        self.save_button.clicked.connect(
            lambda: (
                save_with_dialog(self.preview.pdf, self._file_name, self)
                if self.preview.pdf
                else None
            )
        )
        close.clicked.connect(self.close)
        self.resize(theme.fitting_size(QSize(820, 900)))
        ops.read(
            lambda: letter_queue.queued_pdf(db, letter_id),
            on_success=self._loaded,
            on_failure=self._failed,
            owner=self,
            label="letter",
        )

    def _loaded(self, pdf: bytes) -> None:
        self.preview.show_pdf(pdf)
        self.shown_pdf.emit()

    def _failed(self, exc: BaseException) -> None:
        show_error(exc, self)
