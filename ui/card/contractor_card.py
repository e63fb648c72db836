"""The contractor card: who they are, what they owe, and everything that happened with them."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, QSize, Qt
from PySide6.QtGui import QBrush, QFont, QIcon, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app import labels
from desktop_app.changes import Change
from desktop_app.domain.forecast import ItemForecast
from desktop_app.domain.identifiers import format_phone
from desktop_app.domain.reminder_rule import pause_in_force
from desktop_app.domain.scenario import MESSAGE_CHANNELS
from desktop_app.errors import InkasoError, NotFoundError
from desktop_app.i18n import N_, _, ngettext
from desktop_app.services import contractor_insight, views, whitelist
from desktop_app.services import forecast as forecast_service
from desktop_app.services.dunning import actions, desk, promises, windows
from desktop_app.services.dunning.desk import ContractorDunning, InvoiceFlags
from desktop_app.services.views import (
    ActivityView,
    Balance,
    ContractorCard,
    InvoiceView,
    PaymentView,
)
from desktop_app.settings import Snapshot
from resources import resource_path
from ui import formatting, theme
from ui.card import privacy_menu
from ui.card.communication import CommunicationView
from ui.card.dunning_dialogs import PromiseDialog, ReasonDialog, SendNowDialog
from ui.card.insight_panel import InsightPanel
from ui.errors import show_error
from ui.letters import letters_menu
from ui.letters.letter_dialog import LetterDialog
from ui.letters.letter_viewer import LetterViewer
from ui.operations import Operations
from ui.report.history import InvoiceHistoryDialog
from ui.widgets import view_state

if TYPE_CHECKING:
    from ui.entry.controller import EntryController

SortRole = Qt.ItemDataRole.UserRole + 1
#: position of a child row (instalment, allocation) under its parent
SeqRole = Qt.ItemDataRole.UserRole + 2
#: a risk of paying more than 30 days late from which the card shows it in red
HIGH_RISK = 0.5
#: the invoices' status column, kept whole when the row is too wide for the card
STATUS_COLUMN = 7
#: a payment from an account the White List did not list (True) on the payment's row
UnlistedRole = Qt.ItemDataRole.UserRole + 3
#: on an activity entry of a letter: the queued letter's id
LetterRole = Qt.ItemDataRole.UserRole + 4

INVOICE_KINDS = {"invoice": N_("Invoice"), "correction": N_("Correction"), "advance": N_("Advance")}
ACTIVITY_KINDS = {
    "invoice": N_("Invoice"),
    "payment": N_("Payment"),
    "status": N_("Status"),
    "note": N_("Note"),
    "call": N_("Phone call"),
    "email": N_("E-mail"),
    "sms": N_("SMS"),
    "letter": N_("Letter"),
    "reminder": N_("Reminder"),
    "demand": N_("Demand for payment"),
    "message": N_("Message"),
    "promise": N_("Promise to pay"),
}
CHANNELS = {
    "email": N_("e-mail"),
    "sms": N_("SMS"),
    "phone": N_("phone"),
    "voice": N_("voice call"),
    "letter": N_("letter"),
    "post": N_("post"),
}
#: a phone call is by phone: saying so again is noise
IMPLIED_CHANNELS = {
    "call": ("phone", "voice"),
    "email": ("email",),
    "sms": ("sms",),
    "letter": ("letter", "post"),
}
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
#: what the card shows: who, balances, invoices and their flags, payments, promises, messages,
#: and which channels "Send reminder now" offers; letters written land in its activity log
SHOWS = (
    Change.CONTRACTORS
    | Change.INVOICES
    | Change.PAYMENTS
    | Change.PROMISES
    | Change.OUTBOX
    | Change.SETTINGS
    | Change.LETTERS
)


class _Item(QTreeWidgetItem):
    """Sorts by the raw value (minor units, day numbers) rather than by the shown text."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        column = tree.sortColumn() if tree is not None else 0
        if self.parent() is not None and tree is not None:
            # instalments and allocations stay in their own order whichever way the list is sorted
            mine_seq, their_seq = self.data(0, SeqRole), other.data(0, SeqRole)
            if isinstance(mine_seq, int) and isinstance(their_seq, int):
                ascending = tree.header().sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
                return mine_seq < their_seq if ascending else mine_seq > their_seq
        mine, theirs = self.data(column, SortRole), other.data(column, SortRole)
        if mine is None or theirs is None or type(mine) is not type(theirs):
            # QTreeWidgetItem.__lt__ would call back into this override: compare the text instead
            return self.text(column).casefold() < other.text(column).casefold()
        return bool(mine < theirs)


class _RoomyRows(QStyledItemDelegate):
    """A few pixels more per row than the style's minimum: long lists of amounts read easier."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 6)


def _tree(headers: Sequence[str], numeric: Sequence[int]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setItemDelegate(_RoomyRows(tree))
    tree.setColumnCount(len(headers))
    tree.setHeaderLabels(list(headers))
    tree.setAlternatingRowColors(True)
    tree.setUniformRowHeights(True)
    tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    tree.setSortingEnabled(False)
    header = tree.header()
    header.setStretchLastSection(False)
    header.setHighlightSections(False)
    for column in numeric:
        tree.headerItem().setTextAlignment(column, _RIGHT)
    return tree


def _date_key(value: dt.date | None) -> int:
    return value.toordinal() if value else 0


def _set(
    item: QTreeWidgetItem,
    column: int,
    text: str,
    raw: Any = None,
    *,
    right: bool = False,
) -> None:
    item.setText(column, text)
    if raw is not None:
        item.setData(column, SortRole, raw)
    if right:
        item.setTextAlignment(column, _RIGHT)


def _payment_status(
    amount: int, open_minor: int, due: dt.date | None, days: int, today: dt.date
) -> str:
    """A few words a clerk reads at a glance: paid or not, and how it stands with the due date."""
    if open_minor <= 0:
        return _("Paid") if amount > 0 else ""
    partly = open_minor < amount
    if days > 0:
        return _("Partly paid, overdue") if partly else _("Unpaid, overdue")
    if due is None or due <= today:
        return _("Partly paid, due today") if partly else _("Unpaid, due today")
    left = (due - today).days
    if partly:
        return ngettext(
            "Partly paid, due in {days} day", "Partly paid, due in {days} days", left
        ).format(days=left)
    return ngettext("Unpaid, due in {days} day", "Unpaid, due in {days} days", left).format(
        days=left
    )


class _EmptyAware(QStackedWidget):
    """A list that shows a plain sentence instead of a blank grid when it has no rows."""

    def __init__(self, view: QWidget, empty_text: str) -> None:
        super().__init__()
        self.view = view
        self.empty = QLabel(empty_text)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pal = self.empty.palette()
        pal.setColor(QPalette.ColorRole.WindowText, theme.muted_text())
        self.empty.setPalette(pal)
        self.addWidget(view)
        self.addWidget(self.empty)

    def set_empty(self, empty: bool) -> None:
        self.setCurrentWidget(self.empty if empty else self.view)


class ContractorCardWindow(QDialog):
    """A non-modal window per contractor; loads (and reloads) its data through operations."""

    def __init__(
        self,
        db: Database,
        ops: Operations,
        contractor_id: int,
        *,
        today: Callable[[], dt.date],
        entry: EntryController | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        #: the first load, which shows the window, has not come back yet
        self._show_pending = False
        self._entry = entry
        self.contractor_id = contractor_id
        self._today = today
        self.card: ContractorCard | None = None
        self._texts = formatting.Texts()
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))
        self.setWindowTitle(_("Contractor card"))
        self.setModal(False)
        self.resize(theme.fitting_size(QSize(1180, 740)))

        self.name_label = QLabel()
        self.name_label.setFont(theme.scaled_font(self.font(), 1.55, bold=True))
        self.name_label.setWordWrap(True)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_label = QLabel()
        self.details_label.setTextFormat(Qt.TextFormat.RichText)
        self.details_label.setWordWrap(True)
        self.details_label.setOpenExternalLinks(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.notice_label.hide()

        self.dunning: ContractorDunning | None = None
        self.pause_button = QPushButton(_("&Pause collection…"))
        self.pause_button.setToolTip(_("No reminders to this contractor until a day you choose"))
        self.pause_button.clicked.connect(self.pause_or_resume)
        self.promise_button = QPushButton(_("Promise to pa&y…"))
        self.promise_button.setToolTip(_("Record a promise to pay; reminders wait until its day"))
        self.promise_button.clicked.connect(self.open_promises)
        self.send_button = QPushButton(_("Send &reminder now…"))
        self.send_button.setToolTip(_("Send a reminder about everything open, now"))
        self.send_button.clicked.connect(self.open_send_now)
        action_row = QHBoxLayout()
        action_row.setSpacing(8)
        for button in (self.pause_button, self.promise_button, self.send_button):
            button.setAutoDefault(False)
            button.setEnabled(False)
            action_row.addWidget(button)
        self.letter_button = QPushButton(_("&Letter…"))
        self.letter_button.setToolTip(_("A demand letter or note: preview, print or save"))
        self.letter_button.setAutoDefault(False)
        self.letter_button.setEnabled(False)
        self.letter_button.clicked.connect(self.open_letter)
        action_row.addWidget(self.letter_button)
        action_row.addStretch(1)
        # entry by hand, when the card was opened from a window that offers it
        self.edit_button = QPushButton(_("&Edit…"))
        self.edit_button.setToolTip(_("Change the contractor's details"))
        self.new_invoice_button = QPushButton(_("New &invoice…"))
        self.payment_button = QPushButton(_("Record pa&yment…"))
        entry_row = QHBoxLayout()
        entry_row.setSpacing(8)
        if entry is not None:
            self.edit_button.clicked.connect(lambda: entry.edit_contractor(contractor_id, self))
            self.new_invoice_button.clicked.connect(lambda: entry.new_invoice(contractor_id, self))
            self.payment_button.clicked.connect(lambda: entry.record_payment(contractor_id, self))
            for button in (self.edit_button, self.new_invoice_button, self.payment_button):
                button.setAutoDefault(False)
                entry_row.addWidget(button)
            entry_row.addStretch(1)
        self.payments_menu: QMenu | None = None
        self.pause_dialog: ReasonDialog | None = None
        self.invoice_dialog: ReasonDialog | None = None
        self.promise_dialog: PromiseDialog | None = None
        self.send_dialog: SendNowDialog | None = None

        who = QVBoxLayout()
        who.setSpacing(6)
        who.addWidget(self.name_label)
        who.addWidget(self.details_label)
        who.addWidget(self.notice_label)
        who.addStretch(1)
        who.addLayout(entry_row)
        who.addLayout(action_row)

        self.balances_box = QWidget()
        self.balances_grid = QGridLayout(self.balances_box)
        self.balances_grid.setContentsMargins(0, 0, 0, 0)
        self.balances_grid.setHorizontalSpacing(28)
        self.balances_grid.setVerticalSpacing(2)
        #: per currency: the big red overdue amount, the open amount, the credit (if any)
        self.overdue_labels: dict[str, QLabel] = {}
        self.open_labels: dict[str, QLabel] = {}
        self.credit_labels: dict[str, QLabel] = {}

        header = QFrame()
        header.setObjectName("cardHeader")
        header.setFrameShape(QFrame.Shape.StyledPanel)
        header.setAutoFillBackground(True)
        header_pal = header.palette()
        header_pal.setColor(
            QPalette.ColorRole.Window, self.palette().color(QPalette.ColorRole.Base)
        )
        header.setPalette(header_pal)
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(18, 14, 18, 14)
        header_layout.setSpacing(24)
        header_layout.addLayout(who, 1)
        header_layout.addWidget(self.balances_box, 0, Qt.AlignmentFlag.AlignTop)

        self.invoices_tree = _tree(
            [
                _("Number"),
                _("Kind"),
                _("Issued"),
                _("Due"),
                _("Amount"),
                _("Open"),
                _("Days overdue"),
                _("Status"),
                _("Expected"),
                _("Risk >30 d"),
            ],
            numeric=(4, 5, 6, 9),
        )
        # short headers keep the status readable; the full meaning is in their tooltips
        forecast_header = self.invoices_tree.headerItem()
        forecast_header.setToolTip(8, _("Expected payment day: as likely paid by then as not"))
        forecast_header.setToolTip(9, _("Risk of being paid more than 30 days late"))
        self.outlook: tuple[forecast_service.ItemOutlook, ...] = ()
        # the room the status needs is taken again whenever the card's width changes
        self._fitting = False
        self.invoices_tree.viewport().installEventFilter(self)
        self.only_open = QCheckBox(_("Only unpaid"))
        self.only_open.setToolTip(_("Hide invoices that are fully paid"))
        self.only_open.toggled.connect(self._filter_invoices)
        self.invoices_tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.invoices_tree.customContextMenuRequested.connect(self._invoice_menu)
        self._invoices_stack = _EmptyAware(self.invoices_tree, _("No invoices yet."))
        invoices_page = QWidget()
        invoices_layout = QVBoxLayout(invoices_page)
        invoices_layout.setContentsMargins(6, 6, 6, 6)
        invoices_layout.addWidget(self.only_open, 0, Qt.AlignmentFlag.AlignLeft)
        invoices_layout.addWidget(self._invoices_stack, 1)

        self.payments_tree = _tree(
            [_("Date"), _("Amount"), _("Allocated to"), _("Unallocated"), _("Title")],
            numeric=(1, 3),
        )
        self._payments_stack = _EmptyAware(self.payments_tree, _("No payments yet."))
        self.payments_tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.payments_tree.customContextMenuRequested.connect(self._payment_menu)
        self.activity_tree = _tree([_("Time"), _("Who"), _("Type"), _("What happened")], ())
        self.activity_tree.setRootIsDecorated(False)
        self.activity_tree.itemDoubleClicked.connect(lambda item, _col: self.open_logged(item))
        self._activity_stack = _EmptyAware(self.activity_tree, _("Nothing recorded yet."))

        self.insight = InsightPanel()
        self.insight.check_requested.connect(self.check_white_list)
        self.unlisted_payments: dict[int, str] = {}

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(invoices_page, _("Invoices"))
        self.tabs.addTab(_padded(self._payments_stack), _("Payments"))
        self.tabs.addTab(_padded(self._activity_stack), _("Activity"))
        self.communication = CommunicationView()
        self.tabs.addTab(self.communication, _("Communication"))

        self.as_of_label = QLabel()
        pal = self.as_of_label.palette()
        pal.setColor(QPalette.ColorRole.WindowText, theme.muted_text())
        self.as_of_label.setPalette(pal)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        refresh = QPushButton(
            self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload), _("Refresh")
        )
        refresh.setToolTip(_("Reload this card (F5)"))
        refresh.setAutoDefault(False)
        refresh.clicked.connect(self.reload)
        buttons.addButton(refresh, QDialogButtonBox.ButtonRole.ActionRole)
        self.privacy = privacy_menu.install(self, buttons)
        for any_button in buttons.buttons():
            if isinstance(any_button, QPushButton):
                any_button.setAutoDefault(False)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.reload)
        bottom = QHBoxLayout()
        bottom.addWidget(self.as_of_label, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 10)
        layout.setSpacing(10)
        layout.addWidget(header)
        layout.addWidget(self.insight)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        ops.changed.connect(self._data_changed)

    # -- loading -------------------------------------------------------------------------------

    def reload(self, *, show_when_loaded: bool = False) -> None:
        # a reload asked for (a change announced) while the first load is on its way supersedes
        # it, so it takes over showing the window, or the card would stay hidden
        show_when_loaded = show_when_loaded or self._show_pending
        self._show_pending = show_when_loaded
        db, contractor_id, today = self._db, self.contractor_id, self._today()

        def run() -> tuple[ContractorCard, formatting.Texts, ContractorDunning]:
            card = views.contractor_card(db, contractor_id, today)
            dunning = desk.contractor_dunning(db, contractor_id)
            return card, _warm_texts(card), dunning

        def loaded(result: tuple[ContractorCard, formatting.Texts, ContractorDunning]) -> None:
            card, texts, dunning = result
            trees = (
                self.invoices_tree,
                self.payments_tree,
                self.activity_tree,
                self.communication.tree,
            )
            places = [view_state.remember(tree) for tree in trees]
            self.set_card(card, texts)
            self.set_dunning(dunning)
            for tree, place in zip(trees, places, strict=True):
                view_state.restore(tree, place)
            if show_when_loaded:
                self._show_pending = False
                self.show()
                self.raise_()
                self.activateWindow()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, NotFoundError) and exc.field == "contractor" and self.card:
                self.close()  # the contractor was deleted: its card goes with it
                return
            self._show_pending = False
            parent = self.parentWidget() if show_when_loaded else self
            show_error(exc, parent)
            if show_when_loaded:
                self.close()

        self._ops.read(
            run,
            on_success=loaded,
            on_failure=failed,
            key=f"card-{id(self)}",
            owner=self,
            label="contractor card",
        )
        self._load_insight()

    def _load_insight(self) -> None:
        db, contractor_id, today = self._db, self.contractor_id, self._today()
        self._ops.read(
            lambda: contractor_insight.insight(db, contractor_id, today),
            on_success=self.set_insight,
            # the card's own load reports a vanished contractor; the panel just stays as it was
            on_failure=self._insight_failed,
            key=f"card-insight-{id(self)}",
            owner=self,
            label="contractor rating and credibility",
        )

    def set_insight(self, insight: contractor_insight.Insight) -> None:
        self.insight.set_insight(insight)
        self.unlisted_payments = insight.unlisted_reasons
        self._flag_unlisted_payments()
        self.outlook = insight.forecast
        self._show_forecast()

    def _insight_failed(self, exc: BaseException) -> None:
        if isinstance(exc, InkasoError):
            self.insight.show_status(exc.message, error=True)
        else:
            show_error(exc, self)  # a bug: logged, and the user told so plainly

    def check_white_list(self) -> None:
        """Ask the registry now, off the GUI thread; a failure is its plain sentence in the box."""
        current = self.insight.insight
        if current is None or not current.nip:
            return
        db, nip, today = self._db, current.nip, self._today()

        def checked(_result: object) -> None:
            self.insight.set_checking(False)
            self._load_insight()

        def failed(exc: BaseException) -> None:
            self.insight.set_checking(False)
            self._insight_failed(exc)

        self.insight.set_checking(True)
        # the answer kept shows in the contractor list's White List column
        self._ops.write(
            lambda: whitelist.check_nip(db, nip, today),
            changes=Change.CONTRACTORS,
            on_success=checked,
            on_failure=failed,
            owner=self,
            label="White List check",
        )

    def _data_changed(self, changes: Change) -> None:
        if changes & SHOWS:
            self.reload()

    # -- filling -------------------------------------------------------------------------------

    def set_card(self, card: ContractorCard, texts: formatting.Texts | None = None) -> None:
        self.card = card
        self._texts = texts or formatting.Texts()
        person = card.contractor
        self.setWindowTitle(_("{name} — contractor card").format(name=person.name))
        self.name_label.setText(person.name)
        self.details_label.setText(self._details_html(card))
        notice = self._notice(card)
        self.notice_label.setText(notice)
        self.notice_label.setVisible(bool(notice))
        self._fill_balances(card.balances)
        self._fill_invoices(card.invoices)
        self._fill_payments(card.payments, card.invoices)
        self._fill_activity(card.activity)
        self.tabs.setTabText(0, _("Invoices ({count})").format(count=len(card.invoices)))
        self.tabs.setTabText(1, _("Payments ({count})").format(count=len(card.payments)))
        self.tabs.setTabText(2, _("Activity ({count})").format(count=len(card.activity)))
        self.as_of_label.setText(_("As of {date}").format(date=self._texts.date(card.today)))
        self.letter_button.setEnabled(True)

    def open_logged(self, item: QTreeWidgetItem) -> LetterViewer | None:
        """A letter's entry in the activity log opens the letter as it was written."""
        letter_id = item.data(0, LetterRole)
        if letter_id is None:
            return None
        viewer = LetterViewer(self._db, self._ops, int(letter_id), title=item.text(3), parent=self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()
        return viewer

    def open_letter(self) -> LetterDialog | None:
        if self.card is None:
            return None
        parts = (self._db, self._ops, self._today)
        return letters_menu.open_letter(self, parts, self.contractor_id, self.card.contractor.name)

    @staticmethod
    def _details_html(card: ContractorCard) -> str:
        person = card.contractor
        esc = html.escape
        lines: list[str] = []
        ids = []
        if person.nip:
            ids.append(_("NIP {nip}").format(nip=esc(person.nip)))
        if person.regon:
            ids.append(_("REGON {regon}").format(regon=esc(person.regon)))
        if ids:
            lines.append(" &nbsp;·&nbsp; ".join(ids))
        street = person.street or ""
        town = " ".join(filter(None, (person.postal_code, person.city)))
        address = ", ".join(filter(None, (street, town)))
        if person.country and person.country != "PL":
            address = ", ".join(filter(None, (address, person.country)))
        if address:
            lines.append(esc(address))
        contacts = [f'<a href="mailto:{esc(e)}">{esc(e)}</a>' for e in person.emails]
        contacts += [f'<a href="tel:{esc(p)}">{esc(format_phone(p))}</a>' for p in person.phones]
        if contacts:
            lines.append(" &nbsp;·&nbsp; ".join(contacts))
        for contact in person.persons:
            bits = [esc(contact["name"] or "")]
            if contact.get("role"):
                bits[0] += f" ({esc(contact['role'] or '')})"
            if contact.get("email"):
                bits.append(esc(contact["email"] or ""))
            if contact.get("phone"):
                bits.append(esc(format_phone(contact["phone"] or "")))
            lines.append(_("Contact: {person}").format(person=", ".join(bits)))
        terms = ngettext(
            "Payment terms: {days} day", "Payment terms: {days} days", person.terms_days
        ).format(days=person.terms_days)
        extra = [terms]
        if person.tags:
            extra.append(_("Tags: {tags}").format(tags=esc(", ".join(person.tags))))
        lines.append(" &nbsp;·&nbsp; ".join(extra))
        return "<br>".join(lines)

    def _notice(self, card: ContractorCard) -> str:
        person = card.contractor
        if self._paused(card):
            text = _("Collection paused until {date}").format(
                date=self._texts.date(person.paused_until)
            )
            if person.pause_reason:
                text += ": " + person.pause_reason
            return text
        return ""

    def _fill_balances(self, balances: Sequence[Balance]) -> None:
        while self.balances_grid.count():
            item = self.balances_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.overdue_labels.clear()
        self.open_labels.clear()
        self.credit_labels.clear()
        if not balances:
            nothing = QLabel(_("Nothing to pay"))
            nothing.setFont(theme.scaled_font(self.font(), 1.3, bold=True))
            _colour(nothing, theme.credit_text())
            self.balances_grid.addWidget(nothing, 0, 0, Qt.AlignmentFlag.AlignRight)
            return
        caption_font = theme.scaled_font(self.font(), 0.92)
        big = theme.scaled_font(self.font(), 2.0, bold=True)
        medium = theme.scaled_font(self.font(), 1.15, bold=True)
        for column, balance in enumerate(balances):
            row = 0
            overdue_caption = QLabel(_("Overdue"))
            overdue_caption.setFont(caption_font)
            self.balances_grid.addWidget(overdue_caption, row, column, Qt.AlignmentFlag.AlignRight)
            row += 1
            overdue = QLabel(self._texts.money(balance.overdue_minor, balance.currency))
            overdue.setFont(big)
            overdue.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if balance.overdue_minor > 0:
                _colour(overdue, theme.overdue_text())
                overdue.setToolTip(
                    ngettext(
                        "The oldest unpaid instalment is {days} day overdue",
                        "The oldest unpaid instalment is {days} days overdue",
                        balance.max_days_overdue,
                    ).format(days=balance.max_days_overdue)
                )
            else:
                _colour(overdue, theme.credit_text())
            self.overdue_labels[balance.currency] = overdue
            self.balances_grid.addWidget(overdue, row, column, Qt.AlignmentFlag.AlignRight)
            row += 1
            if balance.max_days_overdue:
                days = QLabel(
                    ngettext(
                        "oldest {days} day past due",
                        "oldest {days} days past due",
                        balance.max_days_overdue,
                    ).format(days=balance.max_days_overdue)
                )
                days.setFont(caption_font)
                _colour(days, theme.overdue_text())
                self.balances_grid.addWidget(days, row, column, Qt.AlignmentFlag.AlignRight)
            row += 1
            open_label = QLabel(
                _("Open: {amount}").format(
                    amount=self._texts.money(balance.open_minor, balance.currency)
                )
            )
            open_label.setFont(medium)
            self.open_labels[balance.currency] = open_label
            self.balances_grid.addWidget(open_label, row, column, Qt.AlignmentFlag.AlignRight)
            row += 1
            if balance.credit_minor:
                credit = QLabel(
                    _("Credit: {amount}").format(
                        amount=self._texts.money(balance.credit_minor, balance.currency)
                    )
                )
                credit.setToolTip(
                    _(
                        "Paid in excess; used automatically for the next invoice in {currency}"
                    ).format(currency=balance.currency)
                )
                _colour(credit, theme.credit_text())
                self.credit_labels[balance.currency] = credit
                self.balances_grid.addWidget(credit, row, column, Qt.AlignmentFlag.AlignRight)

    def _fill_invoices(self, invoices: Sequence[InvoiceView]) -> None:
        tree = self.invoices_tree
        tree.setSortingEnabled(False)
        tree.clear()
        today = self.card.today if self.card else dt.date.today()
        items = []
        for invoice in invoices:
            item = _Item()
            item.setData(0, Qt.ItemDataRole.UserRole, invoice.id)
            parts = invoice.instalments
            days = max((p.days_overdue for p in parts), default=0)
            next_due = next((p.due_date for p in parts if p.open_minor), None)
            due = next_due or (parts[-1].due_date if parts else None)
            kind = _(INVOICE_KINDS[invoice.kind]) if invoice.kind in INVOICE_KINDS else invoice.kind
            _set(item, 0, invoice.number, invoice.number)
            _set(item, 1, kind, kind)
            _set(item, 2, self._texts.date(invoice.issue_date), _date_key(invoice.issue_date))
            self._amount_cells(
                item,
                invoice.currency,
                due=due,
                amount=invoice.gross_minor,
                open_minor=invoice.open_minor,
                days=days,
                today=today,
            )
            if invoice.corrects:
                text = _("Corrects {number}").format(number=invoice.corrects)
                _set(item, 7, text, text)
            if len(parts) > 1:
                for part in parts:
                    child = _Item(item)
                    child.setData(0, SeqRole, part.seq)
                    label = _("Instalment {seq} of {count}").format(seq=part.seq, count=len(parts))
                    _set(child, 0, label)
                    self._amount_cells(
                        child,
                        invoice.currency,
                        due=part.due_date,
                        amount=part.amount_minor,
                        open_minor=part.open_minor,
                        days=part.days_overdue,
                        today=today,
                    )
            items.append(item)
        tree.addTopLevelItems(items)
        for item in items:
            if item.childCount() and item.data(5, SortRole):
                item.setExpanded(True)
        self._invoices_stack.set_empty(not items)
        self._filter_invoices(self.only_open.isChecked())
        self._show_forecast()  # sizes the columns, the forecast's with the rest
        tree.setSortingEnabled(True)
        tree.sortByColumn(2, Qt.SortOrder.DescendingOrder)

    def _show_forecast(self) -> None:
        """Each open invoice's (and instalment's) expected payment day and risk of more than 30
        days late; an invoice shows its latest instalment's day and its highest risk (the card
        and the insight load in either order: each calls this)."""
        by_part = {(o.invoice_id, o.seq): o.forecast for o in self.outlook}
        by_invoice: dict[int, list[ItemForecast]] = {}
        for outlook in self.outlook:
            by_invoice.setdefault(outlook.invoice_id, []).append(outlook.forecast)
        tree = self.invoices_tree
        for index in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(index)
            if item is None:
                continue
            invoice_id = item.data(0, Qt.ItemDataRole.UserRole)
            mine = by_invoice.get(invoice_id, [])
            latest = max((f.expected for f in mine), default=None)
            self._forecast_cells(item, latest, max((f.late_risk for f in mine), default=None))
            for child_index in range(item.childCount()):
                child = item.child(child_index)
                if child is None:
                    continue
                part = by_part.get((invoice_id, child.data(0, SeqRole)))
                self._forecast_cells(
                    child,
                    part.expected if part else None,
                    part.late_risk if part else None,
                )
        self._fit_invoices()

    def _forecast_cells(
        self, item: QTreeWidgetItem, expected: dt.date | None, risk: float | None
    ) -> None:
        if expected is None or risk is None:
            for column in (8, 9):
                _set(item, column, "", -1)
            return
        _set(item, 8, self._texts.date(expected), _date_key(expected))
        _set(item, 9, formatting.percent(risk), risk, right=True)
        if risk >= HIGH_RISK:
            item.setForeground(9, QBrush(theme.overdue_text()))

    def _amount_cells(
        self,
        item: QTreeWidgetItem,
        currency: str,
        *,
        due: dt.date | None,
        amount: int,
        open_minor: int,
        days: int,
        today: dt.date,
    ) -> None:
        """Due, amount, open, days overdue and status of an invoice or one of its instalments."""
        _set(item, 3, self._texts.date(due), _date_key(due))
        _set(item, 4, self._texts.money(amount, currency), amount, right=True)
        _set(item, 5, self._texts.money(open_minor, currency), open_minor, right=True)
        _set(item, 6, formatting.days(days), days, right=True)
        status = _payment_status(amount, open_minor, due, days, today)
        _set(item, 7, status, status)
        if open_minor <= 0:
            muted = QBrush(theme.muted_text())
            for column in (5, 7):
                item.setForeground(column, muted)
        if days:
            background = QBrush(theme.overdue_row())
            red = QBrush(theme.overdue_text())
            for column in range(self.invoices_tree.columnCount()):
                item.setBackground(column, background)
            for column in (5, 6, 7):
                item.setForeground(column, red)

    def _filter_invoices(self, only_open: bool) -> None:
        tree = self.invoices_tree
        for i in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(i)
            if item is not None:
                item.setHidden(only_open and not item.data(5, SortRole))

    def _fill_payments(
        self, payments: Sequence[PaymentView], invoices: Sequence[InvoiceView]
    ) -> None:
        tree = self.payments_tree
        tree.setSortingEnabled(False)
        tree.clear()
        parts_of = {i.number: len(i.instalments) for i in invoices}
        muted = QBrush(theme.muted_text())
        italic = QFont(tree.font())
        italic.setItalic(True)
        items = []
        expand: list[QTreeWidgetItem] = []
        for payment in payments:
            item = _Item()
            item.setData(0, Qt.ItemDataRole.UserRole, payment.id)
            _set(item, 0, self._texts.date(payment.date), _date_key(payment.date))
            _set(
                item,
                1,
                self._texts.money(payment.amount_minor, payment.currency),
                payment.amount_minor,
                right=True,
            )
            targets = list(
                dict.fromkeys(
                    a.invoice_number for a in payment.allocations if a.released_on is None
                )
            )
            if len(targets) == 1:
                allocated_to = targets[0]
            elif targets:
                allocated_to = ngettext("{count} invoice", "{count} invoices", len(targets)).format(
                    count=len(targets)
                )
            else:
                allocated_to = "—"
            _set(item, 2, allocated_to, allocated_to)
            _set(
                item,
                3,
                self._texts.money(payment.unallocated_minor, payment.currency),
                payment.unallocated_minor,
                right=True,
            )
            if payment.unallocated_minor:
                item.setForeground(3, QBrush(theme.credit_text()))
            else:
                item.setForeground(3, muted)
            title = payment.title or payment.payer_name or ""
            _set(item, 4, title, title)
            if payment.title and payment.payer_name:
                item.setToolTip(
                    4,
                    _("{title}\nPayer: {payer}").format(
                        title=payment.title, payer=payment.payer_name
                    ),
                )
            # one allocation repeats the row above it; a split or a released one is worth seeing
            if len(payment.allocations) > 1 or any(a.released_on for a in payment.allocations):
                expand.append(item)
            for position, allocation in enumerate(payment.allocations):
                child = _Item(item)
                child.setData(0, SeqRole, position)
                _set(
                    child,
                    0,
                    self._texts.date(allocation.effective_date),
                    _date_key(allocation.effective_date),
                )
                _set(
                    child,
                    1,
                    self._texts.money(allocation.amount_minor, payment.currency),
                    allocation.amount_minor,
                    right=True,
                )
                target = allocation.invoice_number
                if parts_of.get(target, 1) > 1:
                    target = _("{number}, instalment {seq}").format(
                        number=target, seq=allocation.instalment_seq
                    )
                _set(child, 2, target, target)
                if allocation.released_on is not None:
                    _set(
                        child,
                        4,
                        _("released on {date}").format(
                            date=self._texts.date(allocation.released_on)
                        ),
                    )
                    for column in range(tree.columnCount()):
                        child.setForeground(column, muted)
                        child.setFont(column, italic)
            items.append(item)
        tree.addTopLevelItems(items)
        for expanded in expand:
            expanded.setExpanded(True)
        self._flag_unlisted_payments()
        self._payments_stack.set_empty(not items)
        self._size_tree(tree, stretch=4)
        tree.setSortingEnabled(True)
        tree.sortByColumn(0, Qt.SortOrder.DescendingOrder)

    def _flag_unlisted_payments(self) -> None:
        """Mark payments from an account the White List did not list for the NIP on their day
        (the two loads, card and insight, arrive in either order: each calls this)."""
        tree = self.payments_tree
        for index in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(index)
            reason = (
                self.unlisted_payments.get(item.data(0, Qt.ItemDataRole.UserRole))
                if item is not None
                else None
            )
            if item is not None and reason is not None:
                item.setIcon(
                    0, self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
                )
                item.setToolTip(0, reason)
                item.setData(0, UnlistedRole, True)

    def _fill_activity(self, entries: Sequence[ActivityView]) -> None:
        tree = self.activity_tree
        tree.setSortingEnabled(False)
        tree.clear()
        items = []
        for entry in entries:
            item = _Item()
            _set(item, 0, formatting.local_time(entry.at), entry.at.isoformat())
            _set(item, 1, entry.actor, entry.actor)
            kind = _(ACTIVITY_KINDS[entry.kind]) if entry.kind in ACTIVITY_KINDS else entry.kind
            if entry.channel and entry.channel not in IMPLIED_CHANNELS.get(entry.kind, ()):
                channel = entry.channel
                label = _(CHANNELS[channel]) if channel in CHANNELS else channel
                kind = f"{kind} ({label})"
            _set(item, 2, kind, kind)
            _set(item, 3, entry.summary, entry.summary)
            item.setToolTip(3, entry.body or entry.summary)
            if entry.letter_id is not None:
                item.setData(0, LetterRole, entry.letter_id)
                item.setToolTip(3, _("Double-click to open the letter"))
            items.append(item)
        tree.addTopLevelItems(items)
        self._activity_stack.set_empty(not items)
        self._size_tree(tree, stretch=3)
        tree.setSortingEnabled(True)
        tree.sortByColumn(0, Qt.SortOrder.DescendingOrder)

    # -- dunning -------------------------------------------------------------------------------

    @staticmethod
    def _paused(card: ContractorCard) -> bool:
        return pause_in_force(card.contractor.paused_until, card.today)

    def set_dunning(self, dunning: ContractorDunning) -> None:
        """Messages, promises and invoice flags (disputed, paused, handed over)."""
        self.dunning = dunning
        card = self.card
        paused = card is not None and self._paused(card)
        self.pause_button.setText(_("Resume collection") if paused else _("&Pause collection…"))
        self.pause_button.setToolTip(
            _("Reminders start again with the step that fits today")
            if paused
            else _("No reminders to this contractor until a day you choose")
        )
        for button in (self.pause_button, self.promise_button, self.send_button):
            button.setEnabled(card is not None)
        self.communication.set_messages(dunning.messages)
        self.tabs.setTabText(3, _("Communication ({count})").format(count=len(dunning.messages)))
        open_promises = [p for p in dunning.promises if p.status == "open"]
        if open_promises and card is not None:
            first = min(open_promises, key=lambda p: p.due_on)
            promise = _("Promised to pay {amount} by {date}").format(
                amount=self._texts.money(first.amount_minor, first.currency),
                date=self._texts.date(first.due_on),
            )
            notice = self._notice(card)
            self.notice_label.setText(f"{notice}\n{promise}" if notice else promise)
            self.notice_label.setVisible(True)
        if self.promise_dialog is not None:
            self.promise_dialog.set_promises(dunning.promises)
        tree = self.invoices_tree
        for i in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(i)
            if item is None:
                continue
            flags = dunning.flags.get(int(item.data(0, Qt.ItemDataRole.UserRole)))
            marks = _flag_marks(flags, self._texts, card.today) if flags and card else []
            if marks:
                base = item.text(7)
                text = "; ".join([base, *marks]) if base else "; ".join(marks)
                item.setText(7, text)
                item.setToolTip(7, "\n".join(_flag_details(flags)) if flags else "")
        self._fit_invoices()  # the marks lengthened the status

    def _now(self) -> Callable[[], dt.datetime]:
        """The moment a manual action happens: now, on the card's day (tests run on a set day)."""
        db, day = self._db, self._today()

        def now() -> dt.datetime:
            zone = windows.firm_zone(Snapshot.load(db))
            moment = dt.datetime.now(zone)
            if moment.date() != day:
                moment = dt.datetime.combine(day, moment.time(), tzinfo=zone)
            return moment

        return now

    def _write(
        self,
        fn: Callable[[], object],
        label: str,
        then: Callable[[], None] | None = None,
        *,
        changes: Change,
    ) -> None:
        """A change from this card; it reloads when the change is announced, as every window."""

        def done(_result: object) -> None:
            if then is not None:
                then()

        self._ops.write(fn, changes=changes, on_success=done, owner=self, label=label)

    def pause_or_resume(self) -> None:
        card = self.card
        if card is None:
            return
        db, cid = self._db, self.contractor_id
        if self._paused(card):
            self._write(
                lambda: actions.pause_contractor(db, cid, None, None),
                "resume contractor",
                changes=Change.CONTRACTORS,
            )
            return
        today = card.today
        dialog = ReasonDialog(
            _("Pause collection"),
            _("No reminders go to {name} until the day you choose.").format(
                name=card.contractor.name
            ),
            until=today + dt.timedelta(days=14),
            minimum=today + dt.timedelta(days=1),
            parent=self,
        )

        def accepted() -> None:
            until, reason = dialog.until(), dialog.reason()
            self._write(
                lambda: actions.pause_contractor(db, cid, until, reason),
                "pause contractor",
                changes=Change.CONTRACTORS,
            )

        dialog.accepted.connect(accepted)
        self.pause_dialog = dialog
        dialog.open()

    def open_promises(self) -> None:
        card = self.card
        if card is None:
            return
        currencies = [b.currency for b in card.balances] or ["PLN"]
        suggested = {b.currency: b.overdue_minor or b.open_minor for b in card.balances}
        dialog = PromiseDialog(
            today=card.today, currencies=currencies, suggested=suggested, parent=self
        )
        if self.dunning is not None:
            dialog.set_promises(self.dunning.promises)
        db, cid, today = self._db, self.contractor_id, card.today

        def add(due_on: dt.date, minor: int, currency: str, note: str) -> None:
            self._write(
                lambda: promises.add_promise(
                    db,
                    contractor=cid,
                    due_on=due_on,
                    amount_minor=minor,
                    currency=currency,
                    today=today,
                    note=note or None,
                ),
                "add promise",
                dialog.recorded,
                changes=Change.PROMISES,
            )

        def cancel(promise_id: int) -> None:
            self._write(
                lambda: promises.cancel_promise(db, promise_id),
                "cancel promise",
                changes=Change.PROMISES,
            )

        dialog.promise_requested.connect(add)
        dialog.cancel_requested.connect(cancel)
        dialog.destroyed.connect(lambda *_a: setattr(self, "promise_dialog", None))
        self.promise_dialog = dialog
        dialog.open()

    def open_send_now(self) -> None:
        if self.card is None:
            return
        configured = self.dunning.channels if self.dunning else frozenset()
        # channels set up first; the others still preview what would go out
        channels = sorted(MESSAGE_CHANNELS, key=lambda c: (c not in configured, _channel_order(c)))
        dialog = SendNowDialog(channels, parent=self, configured=configured)
        db, cid, today = self._db, self.contractor_id, self.card.today

        def preview(channel: str) -> None:
            if not channel:
                return

            def failed(exc: BaseException) -> None:
                if isinstance(exc, InkasoError):
                    dialog.show_problem(exc.message)
                else:
                    show_error(exc, dialog)

            self._ops.read(
                lambda: desk.preview_reminder(db, cid, channel, today),
                on_success=dialog.show_preview,
                on_failure=failed,
                key=f"send-preview-{id(dialog)}",
                owner=dialog,
                label="reminder preview",
            )

        now = self._now()

        def send(channel: str, force: bool) -> None:
            dialog.sending()

            def sent(result: actions.ManualResult) -> None:
                dialog.accept()
                rows = result.report.rows
                status = rows[0].status if rows else "pending"
                if status != "sent":
                    detail = rows[0].detail if rows else ""
                    box = QMessageBox(
                        QMessageBox.Icon.Warning,
                        _("Reminder not sent"),
                        _("The reminder is in the outbox with the status: {status}.").format(
                            status=labels.status(status)
                        )
                        + (f"\n{detail}" if detail else ""),
                        QMessageBox.StandardButton.Ok,
                        self,
                    )
                    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                    box.open()

            def failed(exc: BaseException) -> None:
                dialog.reject()
                show_error(exc, self)
                self.reload()  # nothing is announced after a failure: show what is true now

            self._ops.write(
                lambda: actions.send_reminder_now(db, cid, channel, now=now(), force=force),
                # the message, its log and the activity line
                changes=Change.OUTBOX,
                on_success=sent,
                on_failure=failed,
                owner=self,
                label="send reminder now",
            )

        dialog.preview_requested.connect(preview)
        dialog.send_requested.connect(send)
        self.send_dialog = dialog
        dialog.open()
        preview(dialog.current_channel())

    def _invoice_menu(self, pos: QPoint) -> None:
        item = self.invoices_tree.itemAt(pos)
        while item is not None and item.parent() is not None:
            item = item.parent()
        if item is None or self.dunning is None:
            return
        invoice_id = int(item.data(0, Qt.ItemDataRole.UserRole))
        number = item.text(0)
        flags = self.dunning.flags.get(invoice_id)
        menu = QMenu(self)
        if flags is not None and flags.disputed:
            menu.addAction(_("Close the dispute"), lambda: self.set_dispute(number, False))
        else:
            menu.addAction(_("Dispute…"), lambda: self.set_dispute(number, True))
        today = self.card.today if self.card else self._today()
        if flags is not None and pause_in_force(flags.paused_until, today):
            menu.addAction(
                _("Resume reminders for this invoice"), lambda: self.pause_invoice(number, False)
            )
        else:
            menu.addAction(
                _("Pause reminders for this invoice…"), lambda: self.pause_invoice(number, True)
            )
        menu.addSeparator()
        menu.addAction(_("Collection history…"), lambda: self.show_history(invoice_id))
        entry = self._entry
        if entry is not None:
            menu.addSeparator()
            menu.addAction(_("Edit invoice…"), lambda: entry.edit_invoice(number, self))
            menu.addAction(_("Delete invoice…"), lambda: entry.delete_invoice(number, self))
        self.invoice_menu = menu
        menu.popup(self.invoices_tree.viewport().mapToGlobal(pos))

    def show_history(self, invoice_id: int) -> InvoiceHistoryDialog:
        """The invoice's reminders, promise and log entries (the report's drill-down)."""
        dialog = InvoiceHistoryDialog(self._db, self._ops, invoice_id, parent=self)
        dialog.show()
        return dialog

    def _payment_menu(self, pos: QPoint) -> None:
        item = self.payments_tree.itemAt(pos)
        while item is not None and item.parent() is not None:
            item = item.parent()
        entry = self._entry
        if item is None or entry is None:
            return
        payment_id = int(item.data(0, Qt.ItemDataRole.UserRole))
        label = item.text(1)
        menu = QMenu(self)
        menu.addAction(_("Delete payment…"), lambda: entry.delete_payment(payment_id, label, self))
        self.payments_menu = menu
        menu.popup(self.payments_tree.viewport().mapToGlobal(pos))

    def set_dispute(self, number: str, disputed: bool) -> None:
        db = self._db
        if not disputed:
            self._write(
                lambda: actions.set_dispute(db, number, False),
                "close dispute",
                changes=Change.INVOICES,
            )
            return
        dialog = ReasonDialog(
            _("Dispute invoice {number}").format(number=number),
            _(
                "A disputed invoice gets no reminders and no thank-you until the dispute is "
                "closed. Why does the contractor dispute it?"
            ),
            parent=self,
        )

        def accepted() -> None:
            reason = dialog.reason()
            self._write(
                lambda: actions.set_dispute(db, number, True, reason),
                "dispute",
                changes=Change.INVOICES,
            )

        dialog.accepted.connect(accepted)
        self.invoice_dialog = dialog
        dialog.open()

    def pause_invoice(self, number: str, pause: bool) -> None:
        db = self._db
        if not pause:
            self._write(
                lambda: actions.pause_invoice(db, number, None, None),
                "resume invoice",
                changes=Change.INVOICES,
            )
            return
        today = self.card.today if self.card else self._today()
        dialog = ReasonDialog(
            _("Pause reminders for {number}").format(number=number),
            _("No reminders about this invoice until the day you choose."),
            until=today + dt.timedelta(days=14),
            minimum=today + dt.timedelta(days=1),
            parent=self,
        )

        def accepted() -> None:
            until, reason = dialog.until(), dialog.reason()
            self._write(
                lambda: actions.pause_invoice(db, number, until, reason),
                "pause invoice",
                changes=Change.INVOICES,
            )

        dialog.accepted.connect(accepted)
        self.invoice_dialog = dialog
        dialog.open()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.invoices_tree.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_invoices()
        return super().eventFilter(watched, event)

    def _fit_invoices(self) -> None:
        # a header put on two lines resizes the viewport: that resize is this very fitting's
        if self._fitting:
            return
        self._fitting = True
        try:
            self._size_tree(self.invoices_tree, stretch=STATUS_COLUMN)
        finally:
            self._fitting = False

    @staticmethod
    def _size_tree(tree: QTreeWidget, *, stretch: int | None) -> None:
        header = tree.header()
        labels = tree.headerItem()
        for column in range(tree.columnCount()):
            # the width is taken afresh from the header on one line (no header has a line break)
            labels.setText(column, labels.text(column).replace("\n", " "))
            tree.resizeColumnToContents(column)
            header.resizeSection(column, _column_width(header.sectionSize(column)))
        if stretch is not None:
            _make_room(tree, stretch)
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def _column_width(width: int) -> int:
    return max(width + 24, 70)


def _two_lines(text: str) -> str:
    """``text`` broken at the space nearest its middle: "Data" over "wystawienia"."""
    spaces = [index for index, char in enumerate(text) if char == " "]
    if not spaces:
        return text
    middle = min(spaces, key=lambda index: abs(len(text) - 2 * index))
    return f"{text[:middle]}\n{text[middle + 1 :]}"


def _make_room(tree: QTreeWidget, keep: int) -> None:
    """Put the headers wider than their cells ("Data wystawienia" over a date) on two lines, the
    last column's first (the forecast's), until column ``keep`` shows its cells whole."""
    header = tree.header()
    labels = tree.headerItem()
    others = [column for column in range(tree.columnCount()) if column != keep]
    wanted = sum(header.sectionSize(column) for column in others)
    excess = wanted + _column_width(tree.sizeHintForColumn(keep)) - tree.viewport().width()
    for column in reversed(others):
        if excess <= 0:
            break
        whole = labels.text(column)
        wrapped = _two_lines(whole)
        if wrapped == whole:
            continue
        before = header.sectionSize(column)
        metrics = header.fontMetrics()
        # the header's own margins and sort arrow, around its text
        chrome = header.sectionSizeHint(column) - metrics.horizontalAdvance(whole)
        lines = max(metrics.horizontalAdvance(line) for line in wrapped.split("\n"))
        after = max(_column_width(tree.sizeHintForColumn(column)), lines + chrome)
        if after >= before:
            continue
        labels.setText(column, wrapped)
        header.resizeSection(column, after)
        excess -= before - after


def _channel_order(code: str) -> int:
    order = ("email", "sms", "voice")
    return order.index(code) if code in order else len(order)


def _flag_marks(flags: InvoiceFlags, texts: formatting.Texts, today: dt.date) -> list[str]:
    marks = []
    if flags.disputed:
        marks.append(_("disputed"))
    if flags.handed_over_on is not None:
        marks.append(_("handed over to collection"))
    if flags.paused_until is not None and pause_in_force(flags.paused_until, today):
        marks.append(_("reminders paused until {date}").format(date=texts.date(flags.paused_until)))
    return marks


def _flag_details(flags: InvoiceFlags) -> list[str]:
    details = []
    if flags.disputed and flags.dispute_reason:
        details.append(_("Disputed: {reason}").format(reason=flags.dispute_reason))
    if flags.paused_until is not None and flags.pause_reason:
        details.append(_("Paused: {reason}").format(reason=flags.pause_reason))
    return details


def _warm_texts(card: ContractorCard) -> formatting.Texts:
    """Every amount and date the card shows, formatted on the worker thread."""
    amounts: list[tuple[int, str]] = []
    dates: list[dt.date | None] = [card.today]
    for balance in card.balances:
        cur = balance.currency
        amounts += [
            (balance.overdue_minor, cur),
            (balance.open_minor, cur),
            (balance.credit_minor, cur),
        ]
    for invoice in card.invoices:
        cur = invoice.currency
        amounts += [(invoice.gross_minor, cur), (invoice.open_minor, cur)]
        dates.append(invoice.issue_date)
        for part in invoice.instalments:
            amounts += [(part.amount_minor, cur), (part.open_minor, cur)]
            dates.append(part.due_date)
    for payment in card.payments:
        cur = payment.currency
        amounts += [(payment.amount_minor, cur), (payment.unallocated_minor, cur)]
        dates.append(payment.date)
        for allocation in payment.allocations:
            amounts.append((allocation.amount_minor, cur))
            dates += [allocation.effective_date, allocation.released_on]
    texts = formatting.Texts()
    texts.warm(amounts, dates)
    return texts


def _colour(label: QLabel, colour: Any) -> None:
    pal = label.palette()
    pal.setColor(QPalette.ColorRole.WindowText, colour)
    label.setPalette(pal)


def _padded(widget: QWidget) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(widget)
    return page
