"""Match a payment by hand: find the invoice(s) it pays by number or contractor, and for one
invoice say how much of the payment goes to it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.services.bank.review import OpenInvoiceChoice, open_invoices
from ui import formatting, theme
from ui.bank.rows import CHOICE_COLUMNS, choice_row
from ui.bank.rows_model import Row, RowsModel
from ui.operations import Operations
from ui.widgets.amount_edit import AmountEdit
from ui.widgets.tables import setup_list_table

TYPING_DELAY_MS = 250


@dataclass(frozen=True)
class PaymentToMatch:
    id: int
    currency: str
    #: the payment's money not yet set against invoices
    free_minor: int
    #: what identifies it for the user ("12.11.2026, 1 230,00 zł, Jan Kowalski")
    label: str
    #: a matched payment's contractor: only their invoices can take the rest of it
    contractor_id: int | None = None


@dataclass(frozen=True)
class MatchChoice:
    invoice_ids: tuple[int, ...]
    #: for one invoice, the amount chosen; None: as much as each invoice owes, in order
    amount_minor: int | None


class MatchDialog(QDialog):
    #: a search came back (tests wait for it)
    searched = Signal()

    def __init__(
        self,
        db: Database,
        ops: Operations,
        payment: PaymentToMatch,
        *,
        text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self._payment = payment
        self.choice: MatchChoice | None = None
        self.setWindowTitle(_("Match payment"))
        self.about = QLabel(payment.label)
        self.about.setWordWrap(True)
        self.search = QLineEdit(text)
        self.search.setPlaceholderText(_("Invoice number, contractor's name or NIP"))
        self.search.setClearButtonEnabled(True)
        self.model = RowsModel(CHOICE_COLUMNS, self)
        self.table = QTableView()
        header = setup_list_table(self.table, self.model, name=_("Open invoices"), multi=True)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSortingEnabled(True)
        self.amount = AmountEdit(payment.currency)
        self.amount.setAccessibleName(_("Amount"))
        self.amount_hint = QLabel()
        self.error = QLabel()
        self.error.setWordWrap(True)
        pal = self.error.palette()
        pal.setColor(self.error.foregroundRole(), theme.overdue_text())
        self.error.setPalette(pal)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("&Match"))

        form = QFormLayout()
        form.addRow(_("&Find:"), self.search)
        form.addRow(_("&Amount:"), self.amount)
        form.addRow("", self.amount_hint)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_DELAY_MS)
        self._typing.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._typing.start())
        self.table.selectionModel().selectionChanged.connect(self._chosen_changed)
        self.table.doubleClicked.connect(lambda _index: self.accept())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._key = f"bank-match-search-{id(self)}"
        self.resize(theme.fitting_size(QSize(820, 520)))
        self._chosen_changed()
        self.refresh()

    def refresh(self) -> None:
        db, text, payment = self._db, self.search.text(), self._payment

        def run() -> list[Row]:
            with db.read() as session:
                found = open_invoices(
                    session, text, currency=payment.currency, contractor_id=payment.contractor_id
                )
            return [choice_row(c) for c in found]

        self._ops.read(run, on_success=self._found, key=self._key, owner=self, label="bank search")

    def chosen(self) -> list[OpenInvoiceChoice]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        items = [self.model.row(r).item for r in rows]
        return [c for c in items if isinstance(c, OpenInvoiceChoice)]

    def choose(self, invoice_id: int) -> bool:
        """Select an invoice of the list as a click would (tests, a suggestion)."""
        row = self.model.row_of(invoice_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def _found(self, rows: list[Row]) -> None:
        self.model.set_rows(rows)
        if len(rows) == 1:
            self.table.selectRow(0)
        self.searched.emit()

    def _chosen_changed(self, *_args: object) -> None:
        chosen = self.chosen()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(chosen))
        self.amount.setEnabled(len(chosen) == 1)
        self.error.setText("")
        free = self._payment.free_minor
        if len(chosen) == 1:
            self.amount.set_minor(min(free, chosen[0].open_minor))
            self.amount_hint.setText(
                _("At most {amount}.").format(
                    amount=formatting.money(min(free, chosen[0].open_minor), self._payment.currency)
                )
            )
        elif chosen:
            self.amount.setText("")
            self.amount_hint.setText(
                _(
                    "The payment goes to the chosen invoices in the order shown, each as much as it owes."
                )
            )
        else:
            self.amount_hint.setText(
                _("Payment left to match: {amount}.").format(
                    amount=formatting.money(free, self._payment.currency)
                )
            )

    def accept(self) -> None:
        chosen = self.chosen()
        if not chosen:
            return
        amount: int | None = None
        if len(chosen) == 1:
            try:
                amount = self.amount.minor()
            except ValidationError as exc:
                self.error.setText(exc.message)
                self.amount.setFocus()
                return
        self.choice = MatchChoice(tuple(c.invoice_id for c in chosen), amount)
        super().accept()

    def done(self, result: int) -> None:
        self._typing.stop()
        super().done(result)
