"""Record payment: contractor, date, amount, currency, title, and the allocation shown live.

The table lists the contractor's open instalments in that currency with what the rule (oldest
due first) would set against each; the user may change any amount before saving. Saving is one
service call: ``add_payment`` with the rule's allocation, or with the amounts as chosen.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain.money import format_money
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.services import payments
from desktop_app.services.contractors import Choice
from desktop_app.services.payments import AllocationPreview, PaymentInput
from ui import formatting, theme
from ui.entry.contractor_picker import ContractorPicker
from ui.entry.field_errors import FieldErrors, error_label
from ui.entry.invoice_dialog import CURRENCIES
from ui.operations import Operations
from ui.widgets.amount_edit import AmountEdit
from ui.widgets.date_edit import DateEdit

#: columns of the allocation table
INVOICE, DUE, OPEN, PAY = range(4)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class PaymentDialog(QDialog):
    """``saved`` carries the new payment's id."""

    saved = Signal(int)

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: dt.date,
        contractor_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self.preview: AllocationPreview | None = None
        #: the user changed an amount in the table: save the table, not the rule's allocation
        self.chosen_by_hand = False
        self._filling = False
        self.setWindowTitle(_("Record payment"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(680, 620)

        self.picker = ContractorPicker(db, ops)
        self.date_edit = DateEdit(today)
        self.amount_edit = AmountEdit("PLN")
        self.currency_combo = QComboBox()
        self.currency_combo.setEditable(True)
        self.currency_combo.addItems(list(CURRENCIES))
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("transfer title, e.g. FV/12/11/2026"))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("Invoice"), _("Due"), _("Open"), _("Pay")])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(INVOICE, QHeaderView.ResizeMode.Stretch)
        for column in (DUE, OPEN, PAY):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(180)
        self.credit_label = QLabel()
        self.automatic_button = QPushButton(_("Oldest first again"))
        self.automatic_button.setToolTip(
            _("Forget the amounts typed and allocate oldest due first")
        )
        self.automatic_button.setAutoDefault(False)
        self.automatic_button.setEnabled(False)
        self.automatic_button.clicked.connect(self._automatic)

        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error)
        form = QFormLayout()
        for title, widget, field in (
            (_("&Contractor:"), self.picker, "contractor"),
            (_("&Date:"), self.date_edit, "date"),
            (_("&Amount:"), self.amount_edit, "amount"),
            (_("C&urrency:"), self.currency_combo, "currency"),
            (_("&Title:"), self.title_edit, None),
        ):
            form.addRow(title, widget)
            if field is not None:
                label = error_label()
                form.addRow("", label)
                aliases = (_("Payment date"),) if field == "date" else ()
                self.errors.add(field, widget, label, *aliases)
        allocation_error = error_label()
        self.errors.add("allocation", self.table, allocation_error, "invoice")

        below = QHBoxLayout()
        below.addWidget(self.credit_label, 1)
        below.addWidget(self.automatic_button)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("What the payment pays:")))
        layout.addWidget(self.table, 1)
        layout.addLayout(below)
        layout.addWidget(allocation_error)
        layout.addWidget(self.buttons)

        self.picker.chosen.connect(self._draft_changed)
        self.date_edit.dateChanged.connect(self._draft_changed)
        self.amount_edit.textChanged.connect(self._draft_changed)
        self.currency_combo.currentTextChanged.connect(self._currency_changed)
        if contractor_id is not None:
            self.picker.select_id(contractor_id)
        self._show_credit()

    # -- the live allocation ----------------------------------------------------------------------

    def currency(self) -> str:
        code = self.currency_combo.currentText().strip().upper()
        return code if len(code) == 3 and code.isalpha() else "PLN"

    def _currency_changed(self, _text: str) -> None:
        self.amount_edit.set_currency(self.currency())
        self._draft_changed()

    def _amount(self) -> int:
        try:
            return self.amount_edit.minor_or_none() or 0
        except ValidationError:
            return 0

    def _draft_changed(self, *_args: object) -> None:
        """Ask the rule again; amounts typed by hand are dropped when the draft changes."""
        choice: Choice | None = self.picker.current()
        if choice is None:
            self._fill(None)
            return
        db, day, amount, currency = (
            self._db,
            self.date_edit.value(),
            self._amount(),
            self.currency(),
        )
        self._ops.read(
            lambda: payments.preview_payment(db, choice.id, day, amount, currency),
            on_success=self._fill,
            key=f"payment-preview-{id(self)}",
            owner=self,
            label="payment preview",
        )

    def _fill(self, preview: AllocationPreview | None) -> None:
        self.preview = preview
        self.chosen_by_hand = False
        self.automatic_button.setEnabled(False)
        self._filling = True
        self.table.setRowCount(0)
        lines = preview.lines if preview is not None else ()
        for row, line in enumerate(lines):
            self.table.insertRow(row)
            label = f"{line.invoice_number} ({line.seq})" if line.seq > 1 else line.invoice_number
            cells = (
                (INVOICE, label, False),
                (DUE, formatting.date(line.due_date), False),
                (OPEN, format_money(line.open_minor, preview.currency if preview else "PLN"), True),
            )
            for column, text, right in cells:
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if right:
                    item.setTextAlignment(_RIGHT)
                self.table.setItem(row, column, item)
            pay = AmountEdit(preview.currency if preview else "PLN", placeholder="0")
            pay.set_minor(line.proposed_minor or None)
            pay.textEdited.connect(self._edited_by_hand)
            self.table.setCellWidget(row, PAY, pay)
        self._filling = False
        self._show_credit()

    def pay_edit(self, row: int) -> AmountEdit:
        widget = self.table.cellWidget(row, PAY)
        assert isinstance(widget, AmountEdit)
        return widget

    def _edited_by_hand(self, *_args: object) -> None:
        if self._filling:
            return
        self.chosen_by_hand = True
        self.automatic_button.setEnabled(True)
        self._show_credit()

    def _automatic(self) -> None:
        self._draft_changed()

    def chosen(self) -> list[tuple[int, int]]:
        """(instalment id, amount) as the table shows them; a ValidationError for a bad amount."""
        if self.preview is None:
            return []
        shares = []
        for row, line in enumerate(self.preview.lines):
            try:
                amount = self.pay_edit(row).minor_or_none() or 0
            except ValidationError as exc:
                raise ValidationError(exc.message, field="allocation") from None
            if amount:
                shares.append((line.instalment_id, amount))
        return shares

    def _show_credit(self) -> None:
        amount, currency = self._amount(), self.currency()
        try:
            allocated = sum(a for _key, a in self.chosen())
        except ValidationError:
            self.credit_label.setText(_("An amount in the table is not an amount"))
            return
        left = amount - allocated
        if left < 0:
            text = _("{amount} more than the payment brings").format(
                amount=format_money(-left, currency)
            )
            colour = theme.overdue_text()
        else:
            text = _("Left as credit: {amount}").format(amount=format_money(left, currency))
            colour = theme.muted_text()
        self.credit_label.setText(text)
        pal = self.credit_label.palette()
        pal.setColor(self.credit_label.foregroundRole(), colour)
        self.credit_label.setPalette(pal)

    # -- saving -----------------------------------------------------------------------------------

    def data(self) -> PaymentInput:
        choice = self.picker.current()
        if choice is None:
            raise ValidationError(_("Choose the contractor"), field="contractor")
        return PaymentInput(
            contractor=choice.id,
            date=self.date_edit.value(),
            amount_minor=self.amount_edit.minor(),
            currency=self.currency_combo.currentText(),
            title=self.title_edit.text().strip() or None,
            chosen=self.chosen() if self.chosen_by_hand else None,
        )

    def save(self) -> None:
        self.errors.clear()
        try:
            data = self.data()
        except ValidationError as exc:
            self.errors.show(exc, self)
            return
        db = self._db

        def done(payment_id: int) -> None:
            self.saved.emit(payment_id)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.errors.show(exc, self)

        self.buttons.setEnabled(False)
        self._ops.write(
            lambda: payments.add_payment(db, data),
            changes=Change.PAYMENTS | Change.INVOICES,
            on_success=done,
            on_failure=failed,
            owner=self,
            label="record payment",
        )
