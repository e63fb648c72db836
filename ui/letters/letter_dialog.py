"""Letter…: choose a document for a contractor, preview it inside the app, print or save it.

A document whose legal conditions do not hold today (the debtor-register warning without a
registered demand a month earlier, a note with nothing to claim) is listed but disabled, with
the missing condition as its tooltip. A letter printed, saved or added to the queue is kept in
"Letters to print" and the contractor's activity log, like the ones dunning writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app import labels
from desktop_app.changes import Change
from desktop_app.i18n import _
from desktop_app.letters.model import KINDS, LetterKind
from desktop_app.services import letter_queue
from desktop_app.services.letter_queue import Previewed
from desktop_app.services.letters import LetterRequest
from ui import theme
from ui.errors import show_error
from ui.letters.pdf_view import PdfPreview, file_name_for, print_with_dialog, save_with_dialog
from ui.operations import Operations

KindRole = Qt.ItemDataRole.UserRole + 1


class LetterDialog(QDialog):
    #: the documents that may be written were read (tests wait for it)
    checked = Signal()
    #: a preview is shown
    previewed = Signal()
    #: the letter was kept in the queue and the activity log
    kept = Signal(int)

    def __init__(
        self,
        db: Database,
        ops: Operations,
        contractor_id: int,
        *,
        name: str,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self.contractor_id = contractor_id
        self._today = today
        self.letter: Previewed | None = None
        self.kept_id: int | None = None
        self.setWindowTitle(_("Letter to {name}").format(name=name))
        self.setModal(False)

        self.document = QComboBox()
        self._kinds = QStandardItemModel(self)
        for kind in KINDS:
            item = QStandardItem(labels.document(kind))
            item.setData(kind, KindRole)
            self._kinds.appendRow(item)
        self.document.setModel(self._kinds)
        self.preview_button = QPushButton(_("Preview"))
        self.preview_button.setDefault(True)
        self.print_button = QPushButton(_("Print…"))
        self.save_button = QPushButton(_("Save as…"))
        self.queue_button = QPushButton(_("Add to letters to print"))
        self.close_button = QPushButton(_("Close"))
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.hide()
        self.preview = PdfPreview()

        form = QFormLayout()
        form.addRow(_("Document"), self.document)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.preview_button)
        buttons = QHBoxLayout()
        for button in (self.print_button, self.save_button, self.queue_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notes)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)

        self.document.currentIndexChanged.connect(lambda _i: self._forget_preview())
        self.preview_button.clicked.connect(self.make_preview)
        self.print_button.clicked.connect(self.print_letter)
        self.save_button.clicked.connect(self.save_letter)
        self.queue_button.clicked.connect(self.keep)
        self.close_button.clicked.connect(self.close)
        self.resize(theme.fitting_size(QSize(860, 900)))
        self._forget_preview()
        self._check()

    # -- which documents ---------------------------------------------------------------------

    def _check(self) -> None:
        db, cid, today = self._db, self.contractor_id, self._today()
        self._ops.read(
            lambda: letter_queue.refusals(db, cid, today),
            on_success=self._checked,
            owner=self,
            label="letter conditions",
        )

    def _checked(self, refused: dict[str, str]) -> None:
        first_allowed = None
        for row in range(self._kinds.rowCount()):
            item = self._kinds.item(row)
            reason = refused.get(item.data(KindRole))
            item.setEnabled(reason is None)
            item.setToolTip(reason or "")
            if reason is None and first_allowed is None:
                first_allowed = row
        current = self._kinds.item(self.document.currentIndex())
        if current is not None and not current.isEnabled() and first_allowed is not None:
            self.document.setCurrentIndex(first_allowed)
        self.checked.emit()

    def kind(self) -> LetterKind:
        kind: LetterKind = self.document.currentData(KindRole)
        return kind

    def choose(self, kind: LetterKind) -> None:
        self.document.setCurrentIndex(KINDS.index(kind))

    def is_allowed(self, kind: LetterKind) -> bool:
        return self._kinds.item(KINDS.index(kind)).isEnabled()

    def reason(self, kind: LetterKind) -> str:
        return self._kinds.item(KINDS.index(kind)).toolTip()

    # -- preview -----------------------------------------------------------------------------

    def _forget_preview(self) -> None:
        self.letter = None
        self.kept_id = None
        self.preview.clear()
        self.notes.hide()
        for button in (self.print_button, self.save_button, self.queue_button):
            button.setEnabled(False)

    def make_preview(self) -> None:
        db = self._db
        request = LetterRequest(self.kind(), self.contractor_id, self._today())
        self.preview_button.setEnabled(False)

        def failed(exc: BaseException) -> None:
            self.preview_button.setEnabled(True)
            show_error(exc, self)

        self._ops.read(
            lambda: letter_queue.preview_letter(db, request),
            on_success=self._previewed,
            on_failure=failed,
            owner=self,
            label="letter preview",
        )

    def _previewed(self, letter: Previewed) -> None:
        self._forget_preview()
        self.letter = letter
        self.preview.show_pdf(letter.pdf)
        warnings = letter.built.warnings
        self.notes.setText("\n".join(_("Check: {warning}").format(warning=w) for w in warnings))
        self.notes.setVisible(bool(warnings))
        self.preview_button.setEnabled(True)
        for button in (self.print_button, self.save_button, self.queue_button):
            button.setEnabled(True)
        self.previewed.emit()

    # -- keeping -----------------------------------------------------------------------------

    def keep(self, *, printed: bool = False) -> None:
        """Keep the previewed letter in the queue and the activity log (once per preview)."""
        letter = self.letter
        if letter is None:
            return
        db, kept = self._db, self.kept_id
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)

        def run() -> int:
            letter_id = (
                kept if kept is not None else letter_queue.keep_letter(db, letter.built, letter.pdf)
            )
            if printed:
                letter_queue.mark_printed(db, [letter_id], now=now)
            return letter_id

        def done(letter_id: int) -> None:
            self.kept_id = letter_id
            self.queue_button.setEnabled(False)
            self.kept.emit(letter_id)

        self._ops.write(
            run,
            changes=Change.LETTERS,
            on_success=done,
            owner=self,
            label="letter kept",
        )

    def print_letter(self) -> None:
        if self.letter is not None and print_with_dialog(self.preview.document, self):
            self.keep(printed=True)

    def save_letter(self) -> None:
        letter = self.letter
        if letter is None:
            return
        if save_with_dialog(letter.pdf, file_name_for(letter.built.letter.reference), self):
            self.keep()
