"""New / Edit invoice: contractor, number, dates, currency, instalments (gross is their sum),
or a correction of an existing invoice by a signed difference."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
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
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain.money import format_money
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.services import invoices
from desktop_app.services.contractors import Choice
from desktop_app.services.credit_policy import CreditOutlook, credit_outlook
from desktop_app.services.invoices import InstalmentInput, InvoiceInput
from desktop_app.services.views import InvoiceView
from ui.entry.contractor_picker import ContractorPicker
from ui.entry.field_errors import FieldErrors, error_label
from ui.entry.terms_suggestion import TermsSuggestion
from ui.operations import Operations
from ui.widgets.amount_edit import AmountEdit
from ui.widgets.date_edit import DateEdit

CURRENCIES = ("PLN", "EUR", "USD", "GBP", "CHF", "CZK", "SEK", "NOK", "DKK", "UAH", "RUB")


class InstalmentsTable(QTableWidget):
    """One row per due date: a date field and an amount field typed the user's way."""

    changed = Signal()

    def __init__(self, currency: str, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self._currency = currency
        self._ids: list[int | None] = []
        self.setHorizontalHeaderLabels([_("Due date"), _("Amount")])
        self.verticalHeader().setVisible(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.setMinimumHeight(150)

    def add_row(self, due: dt.date, amount: int | None = None, ident: int | None = None) -> int:
        row = self.rowCount()
        self.insertRow(row)
        date_edit = DateEdit(due)
        amount_edit = AmountEdit(self._currency)
        amount_edit.set_minor(amount)
        date_edit.dateChanged.connect(lambda *_a: self.changed.emit())
        amount_edit.textChanged.connect(lambda *_a: self.changed.emit())
        self.setCellWidget(row, 0, date_edit)
        self.setCellWidget(row, 1, amount_edit)
        self._ids.append(ident)
        self.changed.emit()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < self.rowCount():
            self.removeRow(row)
            del self._ids[row]
            self.changed.emit()

    def date_edit(self, row: int) -> DateEdit:
        widget = self.cellWidget(row, 0)
        assert isinstance(widget, DateEdit)
        return widget

    def amount_edit(self, row: int) -> AmountEdit:
        widget = self.cellWidget(row, 1)
        assert isinstance(widget, AmountEdit)
        return widget

    def set_currency(self, currency: str) -> None:
        self._currency = currency
        for row in range(self.rowCount()):
            self.amount_edit(row).set_currency(currency)

    def parts(self) -> list[InstalmentInput]:
        """The rows as instalments; a ValidationError (field "instalments") for a bad amount."""
        parts = []
        for row in range(self.rowCount()):
            try:
                amount = self.amount_edit(row).minor()
            except ValidationError as exc:
                raise ValidationError(exc.message, field="instalments") from None
            parts.append(InstalmentInput(self.date_edit(row).value(), amount, self._ids[row]))
        return parts

    def total(self) -> int | None:
        """The sum of the amounts typed so far, None while one of them is not an amount."""
        total = 0
        for row in range(self.rowCount()):
            try:
                total += self.amount_edit(row).minor_or_none() or 0
            except ValidationError:
                return None
        return total


class InvoiceDialog(QDialog):
    """Saves through ``add_invoice`` or ``edit_invoice``; ``saved`` carries the invoice id."""

    saved = Signal(int)

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: dt.date,
        contractor_id: int | None = None,
        invoice: InvoiceView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self._editing = invoice
        self._terms = 14
        self._due_touched = invoice is not None
        self.setWindowTitle(
            _("Edit invoice {number}").format(number=invoice.number)
            if invoice
            else _("New invoice")
        )
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(600, 640)

        self.picker = ContractorPicker(db, ops)
        self.number_edit = QLineEdit()
        self.number_edit.setPlaceholderText(_("e.g. FV/12/11/2026"))
        self.issue_edit = DateEdit(today)
        self.sale_edit = DateEdit(today)
        self.currency_combo = QComboBox()
        self.currency_combo.setEditable(True)
        self.currency_combo.addItems(list(CURRENCIES))
        self.correction_check = QCheckBox(_("This is a correction of invoice"))
        self.corrects_edit = QLineEdit()
        self.corrects_edit.setPlaceholderText(_("number of the corrected invoice"))
        self.difference_edit = AmountEdit("PLN", allow_negative=True, placeholder="-123,45")
        self.difference_edit.setToolTip(
            _("The correction's difference: negative lowers the invoice, positive raises it")
        )
        self.instalments = InstalmentsTable("PLN")
        self.add_button = QPushButton(_("Add instalment"))
        self.remove_button = QPushButton(_("Remove instalment"))
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
        self.gross_label = QLabel()
        self.gross_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.terms_suggestion = TermsSuggestion()
        self.terms_suggestion.accepted.connect(self.accept_terms)
        self.limit_warning = error_label()
        self.limit_warning.setWordWrap(True)
        self.credit: CreditOutlook | None = None
        self._today = today

        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error)
        form = QFormLayout()

        def row(title: str, widget: QWidget, *fields: str) -> None:
            form.addRow(title, widget)
            if fields:
                label = error_label()
                form.addRow("", label)
                self.errors.add(fields[0], widget, label, *fields[1:])

        row(_("&Contractor:"), self.picker, "contractor")
        form.addRow("", self.terms_suggestion)
        row(_("&Number:"), self.number_edit, "number")
        row(_("&Issue date:"), self.issue_edit, "issued", _("Issue date"))
        row(_("&Sale date:"), self.sale_edit, "sold", _("Sale date"))
        row(_("C&urrency:"), self.currency_combo, "currency")
        corrects_row = QHBoxLayout()
        corrects_row.addWidget(self.corrects_edit, 1)
        corrects_row.addWidget(QLabel(_("difference:")))
        corrects_row.addWidget(self.difference_edit)
        corrects = QWidget()
        corrects.setLayout(corrects_row)
        corrects_row.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.correction_check, corrects)
        corrects_error = error_label()
        form.addRow("", corrects_error)
        self.errors.add("corrects", self.corrects_edit, corrects_error, "kind")

        instalment_buttons = QHBoxLayout()
        instalment_buttons.addWidget(self.add_button)
        instalment_buttons.addWidget(self.remove_button)
        instalment_buttons.addStretch(1)
        instalment_buttons.addWidget(self.gross_label)
        instalments_error = error_label()
        self.errors.add(
            "instalments", self.instalments, instalments_error, "due", "amount", _("Due date")
        )

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Instalments (due dates and amounts):")))
        layout.addWidget(self.instalments, 1)
        layout.addLayout(instalment_buttons)
        layout.addWidget(instalments_error)
        layout.addWidget(self.limit_warning)
        layout.addWidget(self.buttons)

        self.picker.chosen.connect(self._contractor_chosen)
        self.issue_edit.dateChanged.connect(self._issue_changed)
        self.currency_combo.currentTextChanged.connect(self._currency_changed)
        self.correction_check.toggled.connect(self._kind_changed)
        self.difference_edit.textChanged.connect(self._kind_changed)
        self.add_button.clicked.connect(self._add_instalment)
        self.remove_button.clicked.connect(
            lambda: self.instalments.remove_row(self.instalments.currentRow())
        )
        self.instalments.changed.connect(self._show_gross)
        self._suppress_due = False

        if invoice is not None:
            self._fill(invoice)
        else:
            self.instalments.add_row(today + dt.timedelta(days=self._terms))
            first_due = self.instalments.date_edit(0)
            first_due.dateChanged.connect(self._due_edited)
            if contractor_id is not None:
                self.picker.select_id(contractor_id)
        self._kind_changed()
        self._show_gross()

    def _fill(self, invoice: InvoiceView) -> None:
        self.picker.select_id(invoice.contractor_id)
        self.number_edit.setText(invoice.number)
        self.issue_edit.set_value(invoice.issue_date)
        self.sale_edit.set_value(invoice.sale_date or invoice.issue_date)
        self.currency_combo.setCurrentText(invoice.currency)
        self.instalments.set_currency(invoice.currency)
        for part in invoice.instalments:
            self.instalments.add_row(part.due_date, part.amount_minor, part.id)
        if invoice.kind == "correction":
            self.correction_check.setChecked(True)
            self.corrects_edit.setText(invoice.corrects or "")
            self.difference_edit.set_currency(invoice.currency)
            self.difference_edit.set_minor(invoice.gross_minor)
        self.correction_check.setEnabled(False)  # what a document is cannot change
        self.corrects_edit.setReadOnly(True)

    # -- live behaviour ---------------------------------------------------------------------------

    def _contractor_chosen(self, choice: Choice | None) -> None:
        if choice is not None:
            self._terms = choice.terms_days
            self._default_due()
        self.credit = None
        self.terms_suggestion.set_terms(None)
        self._show_limit()
        if choice is None or self._editing is not None:
            return
        db, contractor_id, today = self._db, choice.id, self._today
        self._ops.read(
            lambda: credit_outlook(db, contractor_id, today),
            on_success=self._show_credit,
            key=f"invoice-credit-{id(self)}",
            owner=self,
            label="credit limit and suggested terms",
        )

    def _show_credit(self, credit: CreditOutlook) -> None:
        choice = self.picker.current()
        if choice is None or choice.id != credit.contractor_id:
            return  # another contractor was chosen meanwhile
        self.credit = credit
        self.terms_suggestion.set_terms(credit.terms)
        self._show_limit()

    def accept_terms(self, days: int) -> None:
        """The suggested terms fill the due date (prepayment: due on the issue date)."""
        self._terms = days
        self._due_touched = False
        self._default_due()

    def _show_limit(self) -> None:
        """Open + this invoice past the contractor's credit limit: said here, saving allowed."""
        warning = None
        if self.credit is not None and not self.correction_check.isChecked():
            total = self.instalments.total()
            if total:
                warning = self.credit.warning(total, self.currency())
        self.limit_warning.setText(warning or "")
        self.limit_warning.setVisible(bool(warning))

    def _issue_changed(self) -> None:
        self.sale_edit.set_value(self.issue_edit.value())
        self._default_due()

    def _default_due(self) -> None:
        """Until the user sets a due date, it follows the issue date and the contractor's terms."""
        if self._due_touched or self.instalments.rowCount() != 1:
            return
        self._suppress_due = True
        self.instalments.date_edit(0).set_value(
            self.issue_edit.value() + dt.timedelta(days=self._terms)
        )
        self._suppress_due = False

    def _due_edited(self) -> None:
        if not self._suppress_due:
            self._due_touched = True

    def _add_instalment(self) -> None:
        rows = self.instalments.rowCount()
        last = self.instalments.date_edit(rows - 1).value() if rows else self.issue_edit.value()
        self.instalments.add_row(last + dt.timedelta(days=30))
        self._due_touched = True

    def _currency_changed(self, currency: str) -> None:
        code = currency.strip().upper()
        if len(code) == 3:
            self.instalments.set_currency(code)
            self.difference_edit.set_currency(code)
            self._show_limit()
            self._show_gross()

    def _lowering(self) -> bool:
        if not self.correction_check.isChecked():
            return False
        try:
            difference = self.difference_edit.minor_or_none()
        except ValidationError:
            return False
        return difference is not None and difference < 0

    def _kind_changed(self) -> None:
        correction = self.correction_check.isChecked()
        self.corrects_edit.setEnabled(correction)
        self.difference_edit.setEnabled(correction)
        lowering = self._lowering()
        # a correction that lowers an invoice has no due dates of its own
        for widget in (self.instalments, self.add_button, self.remove_button):
            widget.setEnabled(not lowering)
        self._show_gross()

    def _show_gross(self) -> None:
        self._show_limit()
        currency = self.currency()
        if self._lowering():
            amount = self.difference_edit.minor_or_none() or 0
            self.gross_label.setText(
                _("Gross: {amount}").format(amount=format_money(amount, currency))
            )
            return
        total = self.instalments.total()
        self.gross_label.setText(
            _("Gross: {amount}").format(amount=format_money(total, currency))
            if total is not None
            else _("Gross: —")
        )

    def currency(self) -> str:
        code = self.currency_combo.currentText().strip().upper()
        return code if len(code) == 3 and code.isalpha() else "PLN"

    # -- saving -----------------------------------------------------------------------------------

    def data(self) -> InvoiceInput:
        choice = self.picker.current()
        if choice is None:
            raise ValidationError(_("Choose the contractor"), field="contractor")
        correction = self.correction_check.isChecked()
        lowering = self._lowering()
        gross = None
        if correction:
            try:
                gross = self.difference_edit.minor_or_none()
            except ValidationError as exc:
                raise ValidationError(exc.message, field="corrects") from None
        return InvoiceInput(
            contractor=choice.id,
            number=self.number_edit.text(),
            issue_date=self.issue_edit.value(),
            sale_date=self.sale_edit.value(),
            currency=self.currency_combo.currentText(),
            instalments=[] if lowering else self.instalments.parts(),
            kind="correction" if correction else "invoice",
            corrects=self.corrects_edit.text().strip() or None if correction else None,
            gross_minor=gross if lowering else None,
        )

    def save(self) -> None:
        self.errors.clear()
        try:
            data = self.data()
        except ValidationError as exc:
            self.errors.show(exc, self)
            return
        db, editing = self._db, self._editing
        run: Callable[[], int]
        if editing is None:

            def run() -> int:
                return invoices.add_invoice(db, data)
        else:

            def run() -> int:
                return invoices.edit_invoice(db, editing.id, data)

        def done(invoice_id: int) -> None:
            self.saved.emit(invoice_id)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.errors.show(exc, self)

        self.buttons.setEnabled(False)
        # credit the contractor has pays a new invoice at once: payments change too
        self._ops.write(
            run,
            changes=Change.INVOICES | Change.PAYMENTS,
            on_success=done,
            on_failure=failed,
            owner=self,
            label="save invoice",
        )
