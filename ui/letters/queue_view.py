"""Letters to print: what dunning and the user queued, previewed inside the app; print, save,
and record the day each went by registered mail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app import labels
from desktop_app.changes import Change
from desktop_app.i18n import N_, _, ngettext
from desktop_app.services import letter_queue
from desktop_app.services.letter_queue import QueuedView
from resources import resource_path
from ui import formatting, theme
from ui.letters.pdf_view import PdfPreview, file_name_for, print_with_dialog, save_with_dialog
from ui.operations import Operations
from ui.widgets.date_edit import DateEdit

IdRole = Qt.ItemDataRole.UserRole + 2
SHOWS = Change.LETTERS | Change.CONTRACTORS
COLUMNS = (
    N_("Date"),
    N_("Contractor"),
    N_("Document"),
    N_("Reference"),
    N_("Amount"),
    N_("Printed"),
    N_("Posted"),
)


class RegisteredDialog(QDialog):
    """The day the letter was handed to the post office as registered mail."""

    def __init__(self, letter: QueuedView, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Sent by registered mail"))
        self.day = DateEdit(today)
        self.day.setMaximumDate(self.day.date())
        text = QLabel(
            _("{reference} to {contractor}: the day it was posted by registered mail.").format(
                reference=letter.reference, contractor=letter.contractor
            )
        )
        text.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Posted on"), self.day)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(buttons)


class LettersQueueWindow(QWidget):
    #: the list was read and shown (tests wait for it)
    loaded = Signal()
    #: the chosen letter's PDF is in the preview
    previewed = Signal()

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._db = db
        self._ops = ops
        self._today = today
        self._letters: dict[int, QueuedView] = {}
        self.loading = False
        self._previewing: int | None = None
        self.setWindowTitle(_("Letters to print"))
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))

        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([_(c) for c in COLUMNS])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAccessibleName(_("Letters to print"))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 4, 5, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # the reference is on the letter itself; the list keeps room for the debtor's name
        self.tree.setColumnHidden(3, True)
        self.preview = PdfPreview()
        self.empty = QLabel(_("No letter waits to be printed."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.show_posted = QCheckBox(_("Show letters already posted"))
        self.print_button = QPushButton(_("Print…"))
        self.save_button = QPushButton(_("Save as…"))
        self.registered_button = QPushButton(_("Mark as sent by registered mail…"))
        self.registered_button.setToolTip(
            _(
                "Record the day it was posted: a demand sent so allows the debtor-register warning a month later"
            )
        )
        self.summary = QLabel()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        left_layout.addWidget(self.empty)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.preview)
        # the page is read at a size one can check the figures at
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 4)
        split.setChildrenCollapsible(False)
        top = QHBoxLayout()
        top.addWidget(self.show_posted)
        top.addStretch(1)
        top.addWidget(self.summary)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.registered_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.show_posted.toggled.connect(lambda _on: self.refresh())
        self.print_button.clicked.connect(self.print_current)
        self.save_button.clicked.connect(self.save_current)
        self.registered_button.clicked.connect(self.ask_registered)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        ops.changed.connect(self._data_changed)
        self.resize(theme.fitting_size(QSize(1200, 720)))
        self._selection_changed()
        self.refresh()

    # -- reading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        db, everything = self._db, self.show_posted.isChecked()
        self.loading = True
        self._ops.read(
            lambda: letter_queue.list_queue(db, include_done=everything),
            on_success=self._loaded,
            key=f"letters-{id(self)}",
            owner=self,
            label="letters to print",
        )

    def _data_changed(self, changes: Change) -> None:
        if changes & SHOWS and self.isVisible():
            self.refresh()

    def _loaded(self, letters: list[QueuedView]) -> None:
        chosen = self.selected_letter()
        self._letters = {letter.id: letter for letter in letters}
        tree = self.tree
        tree.clear()
        for letter in letters:
            item = QTreeWidgetItem(
                [
                    formatting.date(letter.letter_date),
                    letter.contractor,
                    labels.document(letter.document),
                    letter.reference,
                    formatting.money(letter.amount_minor, letter.currency)
                    if letter.currency
                    else "",
                    formatting.local_time(letter.printed_at) if letter.printed_at else "",
                    formatting.date(letter.sent_registered_on),
                ]
            )
            item.setData(0, IdRole, letter.id)
            item.setToolTip(2, letter.reference)
            item.setTextAlignment(4, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tree.addTopLevelItem(item)
        self.empty.setVisible(not letters)
        self.summary.setText(
            ngettext("{count} letter", "{count} letters", len(letters)).format(count=len(letters))
        )
        first = tree.topLevelItem(0)
        if not self.select_letter(chosen.id if chosen else -1) and first is not None:
            tree.setCurrentItem(first)
        self._selection_changed()
        self.loading = False
        self.loaded.emit()

    # -- selection -----------------------------------------------------------------------------

    def selected_letter(self) -> QueuedView | None:
        items = self.tree.selectedItems()
        return self._letters.get(items[0].data(0, IdRole)) if items else None

    def select_letter(self, letter_id: int) -> bool:
        for n in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(n)
            if item is not None and item.data(0, IdRole) == letter_id:
                self.tree.setCurrentItem(item)
                return True
        return False

    def _selection_changed(self) -> None:
        letter = self.selected_letter()
        self.print_button.setEnabled(letter is not None)
        self.save_button.setEnabled(letter is not None)
        self.registered_button.setEnabled(letter is not None and letter.sent_registered_on is None)
        if letter is None:
            self._previewing = None
            self.preview.clear()
            return
        if self._previewing == letter.id and self.preview.pdf:
            return
        self._previewing = letter.id
        db, letter_id = self._db, letter.id
        self._ops.read(
            lambda: letter_queue.queued_pdf(db, letter_id),
            on_success=self._show_pdf,
            key=f"letter-pdf-{id(self)}",
            owner=self,
            label="letter preview",
        )

    def _show_pdf(self, pdf: bytes) -> None:
        self.preview.show_pdf(pdf)
        self.previewed.emit()

    # -- actions -------------------------------------------------------------------------------

    def print_current(self) -> bool:
        letter = self.selected_letter()
        if letter is None or not self.preview.pdf:
            return False
        if not print_with_dialog(self.preview.document, self):
            return False
        self.record_printed(letter.id)
        return True

    def record_printed(self, letter_id: int) -> None:
        # naive UTC, as the database keeps times
        db, now = self._db, dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self._ops.write(
            lambda: letter_queue.mark_printed(db, [letter_id], now=now),
            changes=Change.LETTERS,
            owner=self,
            label="letter printed",
        )

    def save_current(self) -> None:
        letter = self.selected_letter()
        if letter is not None and self.preview.pdf:
            save_with_dialog(self.preview.pdf, file_name_for(letter.reference), self)

    def ask_registered(self) -> RegisteredDialog | None:
        letter = self.selected_letter()
        if letter is None or letter.sent_registered_on is not None:
            return None
        dialog = RegisteredDialog(letter, self._today(), self)
        dialog.accepted.connect(lambda: self.mark_registered(letter.id, dialog.day.value()))
        dialog.open()
        return dialog

    def mark_registered(self, letter_id: int, day: dt.date) -> None:
        db, today = self._db, self._today()
        self._ops.write(
            lambda: letter_queue.mark_registered(db, letter_id, day=day, today=today),
            changes=Change.LETTERS,
            owner=self,
            label="letter registered",
        )
