"""Opens the entry dialogs for a main window and its cards, deletes with confirmation, and keeps
the last deletion so that one "Undo" (Edit menu, or the button in the status bar) restores it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.i18n import _
from desktop_app.services import deletion, views
from desktop_app.services.deletion import Deleted
from desktop_app.services.views import ContractorView, InvoiceView
from ui.entry.contractor_dialog import ContractorDialog
from ui.entry.invoice_dialog import InvoiceDialog
from ui.entry.payment_dialog import PaymentDialog
from ui.operations import Operations

_D = TypeVar("_D", bound=QWidget)
#: how long the status line offers Undo after a deletion (the Edit menu keeps it)
UNDO_OFFER_MS = 30_000
_LEDGER = Change.CONTRACTORS | Change.INVOICES | Change.PAYMENTS
_CHANGES = {
    "contractor": Change.CONTRACTORS,
    "invoice": Change.INVOICES | Change.PAYMENTS,
    "payment": Change.PAYMENTS | Change.INVOICES,
}


@dataclass(frozen=True)
class UndoStep:
    """A change Undo can take back: what the status line says, and the write that undoes it."""

    text: str
    run: Callable[[], object]
    changes: Change

    def sentence(self) -> str:
        return self.text


class EntryController(QObject):
    """``deleted`` carries the :class:`Deleted` (None once undone), for the status line."""

    deleted = Signal(object)
    #: a contractor was saved from a dialog (its id), so the window can show it
    contractor_saved = Signal(int)

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: Callable[[], dt.date],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self._today = today
        self._window = parent
        self.last_deleted: Deleted | None = None
        self.last_step: UndoStep | None = None
        #: the dialog or question opened last (tests drive it)
        self.dialog: QWidget | None = None
        self.undo_action = QAction(_("&Undo"), parent)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setEnabled(False)
        self.undo_action.triggered.connect(self.undo)
        self._offer = QTimer(self)
        self._offer.setSingleShot(True)
        self._offer.setInterval(UNDO_OFFER_MS)
        self._offer.timeout.connect(lambda: self.deleted.emit(None))

    def _parent(self, parent: QWidget | None) -> QWidget:
        return parent if parent is not None else self._window

    # -- dialogs ----------------------------------------------------------------------------------

    def new_contractor(self, parent: QWidget | None = None) -> ContractorDialog:
        dialog = ContractorDialog(
            self._db, self._ops, today=self._today, parent=self._parent(parent)
        )
        dialog.saved.connect(self.contractor_saved)
        return self._open(dialog)

    def edit_contractor(self, contractor_id: int, parent: QWidget | None = None) -> None:
        db = self._db

        def loaded(view: ContractorView) -> None:
            dialog = ContractorDialog(
                self._db, self._ops, contractor=view, today=self._today, parent=self._parent(parent)
            )
            self._open(dialog)

        self._ops.read(
            lambda: views.get_contractor(db, contractor_id),
            on_success=loaded,
            owner=self._parent(parent),
            label="edit contractor",
        )

    def new_invoice(
        self, contractor_id: int | None = None, parent: QWidget | None = None
    ) -> InvoiceDialog:
        dialog = InvoiceDialog(
            self._db,
            self._ops,
            today=self._today(),
            contractor_id=contractor_id,
            parent=self._parent(parent),
        )
        return self._open(dialog)

    def edit_invoice(self, number: str, parent: QWidget | None = None) -> None:
        db, today = self._db, self._today()

        def loaded(view: InvoiceView) -> None:
            dialog = InvoiceDialog(
                self._db, self._ops, today=today, invoice=view, parent=self._parent(parent)
            )
            self._open(dialog)

        self._ops.read(
            lambda: views.find_invoice(db, number, today),
            on_success=loaded,
            owner=self._parent(parent),
            label="edit invoice",
        )

    def record_payment(
        self, contractor_id: int | None = None, parent: QWidget | None = None
    ) -> PaymentDialog:
        dialog = PaymentDialog(
            self._db,
            self._ops,
            today=self._today(),
            contractor_id=contractor_id,
            parent=self._parent(parent),
        )
        return self._open(dialog)

    def _open(self, dialog: _D) -> _D:
        self.dialog = dialog
        if isinstance(dialog, ContractorDialog | InvoiceDialog | PaymentDialog):
            dialog.open()
        return dialog

    # -- deleting ---------------------------------------------------------------------------------

    def delete_contractor(
        self, contractor_id: int, name: str, parent: QWidget | None = None
    ) -> None:
        db = self._db
        self._confirm(
            _("Delete contractor {name}?").format(name=name),
            lambda: deletion.delete_contractor(db, contractor_id),
            "contractor",
            parent,
        )

    def delete_invoice(self, number: str, parent: QWidget | None = None) -> None:
        db = self._db
        self._confirm(
            _("Delete invoice {number}? What paid it becomes the contractor's credit.").format(
                number=number
            ),
            lambda: deletion.delete_invoice(db, number),
            "invoice",
            parent,
        )

    def delete_payment(self, payment_id: int, label: str, parent: QWidget | None = None) -> None:
        db = self._db
        self._confirm(
            _("Delete the payment of {amount}? What it paid is open again.").format(amount=label),
            lambda: deletion.delete_payment(db, payment_id),
            "payment",
            parent,
        )

    def _confirm(
        self, question: str, run: Callable[[], Deleted], kind: str, parent: QWidget | None
    ) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Delete"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self._parent(parent),
        )
        box.button(QMessageBox.StandardButton.Yes).setText(_("Delete"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setInformativeText(_("You can undo this right after (Edit → Undo)."))

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Yes:
                self._ops.write(
                    run,
                    changes=_CHANGES[kind],
                    on_success=self._remember,
                    owner=self,
                    label=f"delete {kind}",
                )

        box.finished.connect(answered)
        self.dialog = box
        box.open()

    def _remember(self, deleted: Deleted | UndoStep) -> None:
        if isinstance(deleted, Deleted):
            self.last_deleted, self.last_step = deleted, None
        else:
            self.last_deleted, self.last_step = None, deleted
        self.undo_action.setEnabled(True)
        self.undo_action.setText(_("&Undo: {what}").format(what=deleted.sentence()))
        self.deleted.emit(deleted)
        self._offer.start()

    def offer_undo(self, step: UndoStep) -> None:
        """Another change than a deletion that one Undo takes back (a bulk assignment)."""
        self._remember(step)

    def undo(self) -> None:
        deleted, step = self.last_deleted, self.last_step
        if deleted is None and step is None:
            return
        db = self._db

        def done(_result: object) -> None:
            self.last_deleted = self.last_step = None
            self.undo_action.setEnabled(False)
            self.undo_action.setText(_("&Undo"))
            self._offer.stop()
            self.deleted.emit(None)

        if step is not None:
            self._ops.write(
                step.run, changes=step.changes, on_success=done, owner=self, label="undo"
            )
            return
        assert deleted is not None
        self._ops.write(
            lambda: deletion.undo(db, deleted),
            changes=_LEDGER,
            on_success=done,
            owner=self,
            label="undo deletion",
        )
