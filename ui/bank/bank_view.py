"""View → Bank: payments from the bank that no invoice was found for (or not surely), what they
may pay and why, matched by a person; and the payments already matched, each with the reason, to
be unmatched when the rules got it wrong. Every match and unmatch can be undone at once.

Matches go through the bank services on the serial writer and announce what they changed, so the
main list and an open card show the new balance at once; this window re-reads both lists on every
announced change to payments, invoices or contractors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.i18n import _, ngettext
from desktop_app.services import bank
from desktop_app.services.bank.review import MatchedPayment
from resources import resource_path
from ui import formatting, theme
from ui.bank.match_dialog import MatchChoice, MatchDialog, PaymentToMatch
from ui.bank.rows import (
    MATCHED_COLUMNS,
    SUGGESTION_COLUMNS,
    WAITING_COLUMNS,
    BankLists,
    load_lists,
    suggestion_row,
)
from ui.bank.rows_model import RowsModel
from ui.errors import show_error
from ui.operations import Operations
from ui.widgets.tables import setup_list_table

log = logging.getLogger(__name__)

#: what the lists show
SHOWS = Change.PAYMENTS | Change.INVOICES | Change.CONTRACTORS


@dataclass(frozen=True)
class _Undo:
    #: what was done, for the line above the Undo button
    done: str
    #: the inverse, on the writer thread
    run: Callable[[], object]
    #: said once it has been undone
    undone: str


class BankWindow(QWidget):
    #: both lists were read and shown (tests wait for it)
    loaded = Signal()
    #: a match, unmatch or undo was saved (tests wait for it)
    saved = Signal()

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        open_card: Callable[[int], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._db = db
        self._ops = ops
        self._open_card = open_card
        self._undo: _Undo | None = None
        self.match_dialog: MatchDialog | None = None
        self.loading = False
        self.setWindowTitle(_("Bank"))
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))

        self.headline = QLabel()
        self.refresh_button = QPushButton(_("Refresh"))
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_waiting(), "")
        self.tabs.addTab(self._build_matched(), "")
        self.undo_text = QLabel()
        self.undo_text.setWordWrap(True)
        self.undo_button = QPushButton(_("&Undo"))
        self.undo_button.setToolTip(_("Put back what the last match or unmatch changed"))

        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(self.refresh_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.undo_text, 1)
        bottom.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        self.refresh_button.clicked.connect(self.refresh)
        self.undo_button.clicked.connect(self.undo)
        ops.changed.connect(self._data_changed)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self._key = f"bank-lists-{id(self)}"
        self._show_undo()
        self._waiting_chosen()
        self._matched_chosen()
        self.resize(theme.fitting_size(QSize(1280, 800)))
        self.refresh()

    # -- construction --------------------------------------------------------------------------

    def _table(
        self, model: RowsModel, name: str, *, stretch: str, sortable: bool = True
    ) -> QTableView:
        table = QTableView()
        header = setup_list_table(table, model, name=name, multi=not sortable)
        if sortable:
            table.setSortingEnabled(True)
            header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        else:
            header.setSortIndicatorShown(False)
            header.setSectionsClickable(False)
        metrics = table.fontMetrics()
        pad = 28
        widths = {
            "date": metrics.horizontalAdvance("22.11.2026") + pad,
            "amount": metrics.horizontalAdvance("1 234 567,89 zł") + pad,
            "open": metrics.horizontalAdvance("1 234 567,89 zł") + pad,
            "payer": metrics.horizontalAdvance("Przedsiębiorstwo Handlowe") + pad,
            "contractor": metrics.horizontalAdvance("Przedsiębiorstwo Handlowe") + pad,
            "account": metrics.horizontalAdvance("PL61109010140000071219812874") + pad,
            "invoice": metrics.horizontalAdvance("FV/1234/11/2026") + pad,
            "due": metrics.horizontalAdvance("22.11.2026") + pad,
            "state": metrics.horizontalAdvance(_("fits an invoice now")) + pad,
            "invoices": metrics.horizontalAdvance("FV/12/11/2026, FV/13/11/2026") + pad,
        }
        for n, column in enumerate(model.columns):
            if column.name == stretch:
                header.setSectionResizeMode(n, QHeaderView.ResizeMode.Stretch)
            elif column.name in widths:
                header.resizeSection(n, widths[column.name])
        return table

    def _build_waiting(self) -> QWidget:
        self.waiting_model = RowsModel(WAITING_COLUMNS, self)
        self.waiting_table = self._table(self.waiting_model, _("Payments waiting"), stretch="title")
        self.suggestions_model = RowsModel(SUGGESTION_COLUMNS, self, sortable=False)
        self.suggestions_table = self._table(
            self.suggestions_model, _("Suggestions"), stretch="reason", sortable=False
        )
        self.match_button = QPushButton(_("&Match with the chosen invoices"))
        self.match_other_button = QPushButton(_("Match with &another invoice…"))
        self.rules_button = QPushButton(_("Match by the rules a&gain"))
        self.rules_button.setToolTip(
            _(
                "Match every waiting payment an invoice now fits (an invoice imported after "
                "the statement that paid it)"
            )
        )
        self.waiting_card_button = QPushButton(_("Open card"))
        self.suggestions_hint = QLabel()
        self.suggestions_hint.setWordWrap(True)
        pal = self.suggestions_hint.palette()
        pal.setColor(self.suggestions_hint.foregroundRole(), theme.muted_text())
        self.suggestions_hint.setPalette(pal)

        box = QGroupBox(_("What the chosen payment may pay"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.match_button)
        buttons.addWidget(self.match_other_button)
        buttons.addStretch(1)
        buttons.addWidget(self.rules_button)
        buttons.addWidget(self.waiting_card_button)
        inner = QVBoxLayout(box)
        inner.addWidget(self.suggestions_hint)
        inner.addWidget(self.suggestions_table, 1)
        inner.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.waiting_table)
        split.addWidget(box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)

        self.waiting_table.selectionModel().selectionChanged.connect(self._waiting_chosen)
        self.suggestions_table.selectionModel().selectionChanged.connect(self._suggestion_chosen)
        self.suggestions_table.doubleClicked.connect(lambda _index: self.match_suggestion())
        self.waiting_table.doubleClicked.connect(lambda _index: self.match_other())
        self.match_button.clicked.connect(self.match_suggestion)
        self.match_other_button.clicked.connect(self.match_other)
        self.rules_button.clicked.connect(self.match_by_rules)
        self.waiting_card_button.clicked.connect(self._open_suggested_card)
        return split

    def _build_matched(self) -> QWidget:
        self.matched_model = RowsModel(MATCHED_COLUMNS, self)
        self.matched_table = self._table(self.matched_model, _("Matched payments"), stretch="how")
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unmatch_button = QPushButton(_("&Unmatch"))
        self.unmatch_button.setToolTip(
            _("The invoices owe this payment again and it waits for a person")
        )
        self.match_rest_button = QPushButton(_("Match the &rest…"))
        self.matched_card_button = QPushButton(_("Open card"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.unmatch_button)
        buttons.addWidget(self.match_rest_button)
        buttons.addStretch(1)
        buttons.addWidget(self.matched_card_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.matched_table, 1)
        layout.addWidget(self.reasons)
        layout.addLayout(buttons)
        self.matched_table.selectionModel().selectionChanged.connect(self._matched_chosen)
        self.matched_table.doubleClicked.connect(lambda _index: self._open_matched_card())
        self.unmatch_button.clicked.connect(self.unmatch)
        self.match_rest_button.clicked.connect(self.match_rest)
        self.matched_card_button.clicked.connect(self._open_matched_card)
        return page

    # -- reading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        db = self._db
        self.loading = True
        self._ops.read(
            lambda: load_lists(db),
            on_success=self._loaded,
            on_failure=self._load_failed,
            key=self._key,
            owner=self,
            label="bank lists",
        )

    def _data_changed(self, changes: Change) -> None:
        # a hidden window is read again when it is opened
        if changes & SHOWS and self.isVisible():
            self.refresh()

    def _loaded(self, lists: BankLists) -> None:
        waiting_id = self._chosen_id(self.waiting_table, self.waiting_model)
        matched_id = self._chosen_id(self.matched_table, self.matched_model)
        self.waiting_model.set_rows(lists.waiting)
        self.matched_model.set_rows(lists.matched)
        self._choose(self.waiting_table, self.waiting_model, waiting_id)
        self._choose(self.matched_table, self.matched_model, matched_id)
        waiting = lists.waiting_count
        self.tabs.setTabText(0, _("Waiting for a person ({count})").format(count=waiting))
        self.tabs.setTabText(1, _("Matched"))
        if waiting > len(lists.waiting):
            self.headline.setText(
                _("{count} payments wait for a person; the newest {shown} are listed.").format(
                    count=waiting, shown=len(lists.waiting)
                )
            )
        elif waiting:
            self.headline.setText(
                ngettext(
                    "{count} payment from the bank waits for a person.",
                    "{count} payments from the bank wait for a person.",
                    waiting,
                ).format(count=waiting)
            )
        else:
            self.headline.setText(_("Every payment from the bank is matched."))
        self.loading = False
        self.rules_button.setEnabled(
            any(
                isinstance(r.item, bank.WaitingPayment) and r.item.status == "matchable"
                for r in lists.waiting
            )
        )
        self._waiting_chosen()
        self._matched_chosen()
        self.loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        show_error(exc, self)

    # -- selection -----------------------------------------------------------------------------

    @staticmethod
    def _chosen_id(table: QTableView, model: RowsModel) -> Hashable | None:
        index = table.currentIndex()
        rows = table.selectionModel().selectedRows()
        if not rows or not index.isValid():
            return None
        return model.row(index.row()).id

    @staticmethod
    def _choose(table: QTableView, model: RowsModel, row_id: Hashable | None) -> bool:
        row = model.row_of(row_id) if row_id is not None else None
        if row is None:
            row = 0 if model.rowCount() else None
        if row is None:
            return False
        table.selectionModel().setCurrentIndex(
            model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        return True

    def choose_waiting(self, payment_id: int) -> bool:
        row = self.waiting_model.row_of(payment_id)
        if row is None:
            return False
        self.tabs.setCurrentIndex(0)
        return self._choose(self.waiting_table, self.waiting_model, payment_id)

    def choose_matched(self, payment_id: int) -> bool:
        row = self.matched_model.row_of(payment_id)
        if row is None:
            return False
        self.tabs.setCurrentIndex(1)
        return self._choose(self.matched_table, self.matched_model, payment_id)

    def waiting_payment(self) -> bank.WaitingPayment | None:
        rows = self.waiting_table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.waiting_model.row(rows[0].row()).item
        return item if isinstance(item, bank.WaitingPayment) else None

    def matched_payment(self) -> MatchedPayment | None:
        rows = self.matched_table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.matched_model.row(rows[0].row()).item
        return item if isinstance(item, MatchedPayment) else None

    def suggestions(self) -> list[bank.Suggestion]:
        """The chosen suggestions, in the order they are listed (the order they would pay)."""
        rows = sorted(i.row() for i in self.suggestions_table.selectionModel().selectedRows())
        items = [self.suggestions_model.row(r).item for r in rows]
        return [s for s in items if isinstance(s, bank.Suggestion)]

    def _waiting_chosen(self, *_args: object) -> None:
        payment = self.waiting_payment()
        suggestions = payment.suggestions if payment is not None else ()
        self.suggestions_model.set_rows([suggestion_row(s) for s in suggestions])
        if payment is not None and payment.status == "matchable":
            self.suggestions_table.selectAll()  # what the rules would pay, all of it
        elif suggestions:
            self.suggestions_table.selectRow(0)
        if payment is None:
            self.suggestions_hint.setText(_("Choose a payment above."))
        elif payment.status == "ambiguous":
            self.suggestions_hint.setText(
                _(
                    "The rules are not sure what this payment pays: check the suggestions "
                    "and choose the invoice it pays, or find another."
                )
            )
        elif payment.status == "matchable":
            self.suggestions_hint.setText(
                _("An invoice that fits this payment has come in since it was received.")
            )
        else:
            self.suggestions_hint.setText(
                _("Nothing in the book fits this payment: find the invoice it pays.")
            )
        self.match_other_button.setEnabled(payment is not None)
        self._suggestion_chosen()

    def _suggestion_chosen(self, *_args: object) -> None:
        chosen = self.suggestions() if self.waiting_payment() is not None else []
        self.match_button.setEnabled(bool(chosen))
        self.waiting_card_button.setEnabled(len({s.contractor_id for s in chosen}) == 1)

    def _matched_chosen(self, *_args: object) -> None:
        payment = self.matched_payment()
        self.unmatch_button.setEnabled(payment is not None and bool(payment.shares))
        self.match_rest_button.setEnabled(payment is not None and payment.unallocated_minor > 0)
        self.matched_card_button.setEnabled(payment is not None)
        if payment is None:
            self.reasons.setText("")
        elif payment.manual:
            self.reasons.setText(_("Matched by hand."))
        elif payment.reasons:
            self.reasons.setText(
                _("Matched automatically because: {reasons}.").format(
                    reasons="; ".join(payment.reasons)
                )
            )
        else:
            self.reasons.setText(_("Matched automatically."))

    def _open_suggested_card(self) -> None:
        chosen = self.suggestions()
        if chosen:
            self._open_card(chosen[0].contractor_id)

    def _open_matched_card(self) -> None:
        payment = self.matched_payment()
        if payment is not None:
            self._open_card(payment.contractor_id)

    # -- matching ------------------------------------------------------------------------------

    def match_suggestion(self) -> None:
        """The chosen suggestions, each paid as much as it owes, in the order listed."""
        payment, chosen = self.waiting_payment(), self.suggestions()
        if payment is None or not chosen:
            return
        choice = MatchChoice(tuple(s.invoice_id for s in chosen), None)
        self.match_now(payment.id, choice, payment_label(payment))

    def match_other(self) -> MatchDialog | None:
        payment = self.waiting_payment()
        if payment is None:
            return None
        target = PaymentToMatch(
            payment.id, payment.currency, payment.amount_minor, payment_label(payment)
        )
        return self._ask(target, text=_first_number(payment))

    def match_rest(self) -> MatchDialog | None:
        payment = self.matched_payment()
        if payment is None or payment.unallocated_minor <= 0:
            return None
        target = PaymentToMatch(
            payment.id,
            payment.currency,
            payment.unallocated_minor,
            payment_label(payment),
            contractor_id=payment.contractor_id,
        )
        return self._ask(target)

    def _ask(self, target: PaymentToMatch, *, text: str = "") -> MatchDialog:
        dialog = MatchDialog(self._db, self._ops, target, text=text, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.match_dialog = dialog

        def accepted() -> None:
            if dialog.choice is not None:
                self.match_now(target.id, dialog.choice, target.label)

        dialog.accepted.connect(accepted)
        dialog.destroyed.connect(lambda *_args: setattr(self, "match_dialog", None))
        dialog.open()
        return dialog

    def match_now(self, payment_id: int, choice: MatchChoice, label: str) -> None:
        """Match without asking (the dialog was answered, or a test decided)."""
        db = self._db

        def run() -> tuple[int, ...]:
            made: list[int] = []
            with db.write() as session:
                for invoice_id in choice.invoice_ids:
                    made += bank.match(
                        session, payment_id, invoice_id, amount_minor=choice.amount_minor
                    )
            return tuple(made)

        def done(result: object) -> None:
            made = result if isinstance(result, tuple) else ()
            self._remember(
                _Undo(
                    done=_("Matched: {payment}.").format(payment=label),
                    run=lambda: _unmatch_all(db, made),
                    undone=_("The match was undone: {payment}.").format(payment=label),
                )
            )
            self.saved.emit()

        self._write(run, done, "bank match")

    def match_by_rules(self) -> None:
        """Every waiting payment the rules can match now; each can be unmatched on its own."""
        db = self._db

        def run() -> int:
            with db.write() as session:
                return bank.match_waiting(session)

        def done(result: object) -> None:
            count = result if isinstance(result, int) else 0
            self._undo = None  # what it would undo may have just been matched by the rules
            self._show_undo()
            self.undo_text.setText(
                ngettext(
                    "{count} payment matched by the rules; see why on the Matched tab.",
                    "{count} payments matched by the rules; see why on the Matched tab.",
                    count,
                ).format(count=count)
            )
            self.saved.emit()

        self._write(run, done, "bank match waiting")

    def unmatch(self) -> None:
        payment = self.matched_payment()
        if payment is None or not payment.shares:
            return
        db = self._db
        shares = tuple((s.invoice_id, s.amount_minor) for s in payment.shares)
        label = payment_label(payment)

        def done(_result: object) -> None:
            self._remember(
                _Undo(
                    done=_("Unmatched: {payment}.").format(payment=label),
                    run=lambda: _match_again(db, payment.id, shares),
                    undone=_("Matched again: {payment}.").format(payment=label),
                )
            )
            self.saved.emit()

        allocations = tuple(s.allocation_id for s in payment.shares)
        self._write(lambda: _unmatch_all(db, allocations), done, "bank unmatch")

    def undo(self) -> None:
        undo, self._undo = self._undo, None
        self._show_undo()
        if undo is None:
            return

        def done(_result: object) -> None:
            self.undo_text.setText(undo.undone)
            self.saved.emit()

        self._write(undo.run, done, "bank undo")

    def _write(self, run: Callable[[], object], done: Callable[[object], None], label: str) -> None:
        self._ops.write(
            run,
            changes=bank.CHANGES,
            on_success=done,
            on_failure=self._failed,
            owner=self,
            label=label,
        )

    def _failed(self, exc: BaseException) -> None:
        show_error(exc, self)

    def _remember(self, undo: _Undo) -> None:
        self._undo = undo
        self._show_undo()

    def _show_undo(self) -> None:
        self.undo_button.setEnabled(self._undo is not None)
        self.undo_button.setVisible(self._undo is not None)
        if self._undo is not None:
            self.undo_text.setText(self._undo.done)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.match_dialog is not None:
            self.match_dialog.reject()
        super().closeEvent(event)


def payment_label(payment: bank.WaitingPayment | MatchedPayment) -> str:
    """A payment as the user tells it apart: date, amount, payer."""
    parts = [
        formatting.date(payment.date),
        formatting.money(payment.amount_minor, payment.currency),
    ]
    if payment.payer_name:
        parts.append(payment.payer_name)
    return ", ".join(parts)


def _first_number(payment: bank.WaitingPayment) -> str:
    """The search a person would start from: the invoice a suggestion names, else nothing."""
    return payment.suggestions[0].invoice_number if payment.suggestions else ""


def _unmatch_all(db: Database, allocations: tuple[int, ...]) -> None:
    with db.write() as session:
        for allocation_id in allocations:
            bank.unmatch(session, allocation_id)


def _match_again(db: Database, payment_id: int, shares: tuple[tuple[int, int], ...]) -> None:
    with db.write() as session:
        for invoice_id, amount in shares:
            bank.match(session, payment_id, invoice_id, amount_minor=amount)
