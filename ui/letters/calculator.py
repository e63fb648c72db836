"""Tools → Interest calculator: one amount, its due date and the day it was paid (or a day to
count to), the kind of interest → each rate period and the total, from the interest domain with
the firm's rate tables (the same call as ``inkaso interest``)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.domain.interest import (
    InterestKind,
    InterestResult,
    format_rate,
    interest_warnings,
)
from desktop_app.domain.money import normalize_currency
from desktop_app.errors import ValidationError
from desktop_app.i18n import N_, _
from desktop_app.services import late_payment
from desktop_app.services.rates import parse_rate
from ui import formatting, theme
from ui.errors import show_error
from ui.operations import Operations
from ui.widgets.amount_edit import AmountEdit
from ui.widgets.date_edit import DateEdit

KIND_LABELS = {
    InterestKind.COMMERCIAL: N_("Commercial (between businesses)"),
    InterestKind.STATUTORY: N_("Statutory (art. 481 KC)"),
    InterestKind.MEDICAL: N_("Commercial, medical entities"),
    InterestKind.CONTRACT: N_("Contract rate"),
    InterestKind.RU395: N_("Russia, art. 395 ГК РФ"),
}
COLUMNS = (N_("From day"), N_("To day"), N_("Days"), N_("Rate"), N_("Base"), N_("Interest"))
CURRENCIES = ("PLN", "EUR", "USD", "RUB")


class InterestCalculator(QDialog):
    #: a result is shown (tests wait for it)
    calculated = Signal()

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self.outcome: InterestResult | None = None
        self.setWindowTitle(_("Interest calculator"))
        self.setModal(False)
        day = today()

        self.amount = AmountEdit("PLN")
        self.currency = QComboBox()
        self.currency.setEditable(True)
        self.currency.addItems(CURRENCIES)
        self.currency.currentTextChanged.connect(self._currency_changed)
        self.due = DateEdit(day)
        self.paid = QRadioButton(_("Paid on"))
        self.paid.setChecked(True)
        self.counted = QRadioButton(_("Count to"))
        self.until = DateEdit(day)
        self.kind = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(_(label), kind.value)
        self.rate = QLineEdit()
        self.rate.setPlaceholderText(_("e.g. 12.5"))
        self.rate_label = QLabel(_("Rate, % a year"))
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.calculate_button = QPushButton(_("Calculate"))
        self.calculate_button.setDefault(True)
        self.calculate_button.clicked.connect(self.calculate)

        self.table = QTreeWidget()
        self.table.setColumnCount(len(COLUMNS))
        self.table.setHeaderLabels([_(c) for c in COLUMNS])
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.total = QLabel()
        self.total.setFont(theme.scaled_font(self.font(), 1.3, bold=True))
        self.total.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.days = QLabel()
        self.notes = QLabel()
        self.notes.setWordWrap(True)

        amount_row = QHBoxLayout()
        amount_row.addWidget(self.amount, 1)
        amount_row.addWidget(self.currency)
        until_row = QHBoxLayout()
        until_row.addWidget(self.paid)
        until_row.addWidget(self.counted)
        until_row.addWidget(self.until, 1)
        form = QFormLayout()
        form.addRow(_("Amount"), amount_row)
        form.addRow(_("Due date"), self.due)
        form.addRow(_("Until"), until_row)
        form.addRow(_("Interest"), self.kind)
        form.addRow(self.rate_label, self.rate)
        result_row = QHBoxLayout()
        result_row.addWidget(self.days)
        result_row.addStretch(1)
        result_row.addWidget(QLabel(_("Total interest:")))
        result_row.addWidget(self.total)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.calculate_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.table, 1)
        layout.addLayout(result_row)
        layout.addWidget(self.notes)
        self._kind_changed()
        self.resize(theme.fitting_size(QSize(760, 560)))

    def _currency_changed(self, text: str) -> None:
        # a code still being typed is explained when calculating
        with contextlib.suppress(ValidationError):
            self.amount.set_currency(normalize_currency(text))

    def _kind_changed(self) -> None:
        contract = self.kind.currentData() == InterestKind.CONTRACT.value
        self.rate.setVisible(contract)
        self.rate_label.setVisible(contract)

    def set_kind(self, kind: InterestKind) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind.value))

    def calculate(self) -> None:
        try:
            currency = normalize_currency(self.currency.currentText())
            self.amount.set_currency(currency)
            amount = self.amount.minor()
            kind = InterestKind(self.kind.currentData())
            rate = parse_rate(self.rate.text()) if kind is InterestKind.CONTRACT else None
        except ValidationError as exc:
            show_error(exc, self)
            return
        db, due, until = self._db, self.due.value(), self.until.value()
        self._ops.read(
            lambda: late_payment.interest(
                db, amount, currency, due, until=until, kind=kind, contract_rate=rate
            ),
            on_success=self._show,
            on_failure=self._failed,
            owner=self,
            label="interest",
        )

    def _show(self, result: InterestResult) -> None:
        self.outcome = result
        cur = result.currency
        self.table.clear()
        for p in result.periods:
            item = QTreeWidgetItem(
                [
                    formatting.date(p.start),
                    formatting.date(p.end),
                    str(p.days),
                    f"{format_rate(p.rate)} %" + (" *" if p.past_known else ""),
                    formatting.money(p.base_minor, cur),
                    formatting.money(p.interest_minor, cur),
                ]
            )
            for column in (2, 3, 4, 5):
                item.setTextAlignment(
                    column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
            self.table.addTopLevelItem(item)
        self.total.setText(formatting.money(result.total_minor, cur))
        self.days.setText(
            _("{days} days late, counted from the day after {due}").format(
                days=result.days, due=formatting.date(result.moved_due)
            )
        )
        warnings = interest_warnings(result)
        self.notes.setText("\n".join(warnings))
        self.notes.setVisible(bool(warnings))
        self.calculated.emit()

    def _failed(self, exc: BaseException) -> None:
        show_error(exc, self)
