"""The outbox window: every message Inkaso wrote, what happened to it, and what to do about it.

Filters (status, channel, text), sorting and the counts per status (of the messages matching the
channel and the text) are done in SQL, and the list is read a page at a time as it scrolls, so an
old message is found as readily as today's. Retry, the two answers for an uncertain message and
Cancel go through the outbox service on the serial writer; the list is read again whenever the
operations announce a change to the outbox (these, a run, a reminder sent from a card).
Double-click opens the contractor.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain.identifiers import format_contact
from desktop_app.i18n import _, ngettext
from desktop_app.services.dunning import outbox
from desktop_app.services.dunning.outbox import OutboxView
from resources import resource_path
from ui import formatting, theme
from ui.dunning.outbox_model import (
    COLUMN,
    OUTBOX_CHANNELS,
    OutboxModel,
    OutboxPage,
    channel_label,
    status_label,
)
from ui.errors import show_error
from ui.operations import Operations
from ui.widgets.tables import setup_list_table

log = logging.getLogger(__name__)

TYPING_DELAY_MS = 250
#: the order statuses are offered in the filter (what needs a person first)
STATUS_ORDER = outbox.ATTENTION_ORDER
RETRYABLE = ("failed", "failed_permanently", "cancelled")
CANCELLABLE = ("pending", "failed")
#: what the list shows: the messages, and the contractors' names on them
SHOWS = Change.OUTBOX | Change.CONTRACTORS


class OutboxWindow(QWidget):
    #: a list was read and shown (tests wait for it)
    loaded = Signal()

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
        self._selected_ids: list[int] = []
        self.setWindowTitle(_("Outbox"))
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))

        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search contractor, recipient, subject or text"))
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName(_("Status"))
        self.status_filter.addItem(_("All statuses"), None)
        # the dashboard's "failed reminders" counts both; its button shows them together
        self.status_filter.addItem(_("Failed (any)"), outbox.FAILED_ANY)
        for status in STATUS_ORDER:
            self.status_filter.addItem(status_label(status), status)
        self.status_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.channel_filter = QComboBox()
        self.channel_filter.setAccessibleName(_("Channel"))
        self.channel_filter.addItem(_("All channels"), None)
        for channel in OUTBOX_CHANNELS:
            self.channel_filter.addItem(channel_label(channel), channel)
        self.refresh_button = QPushButton(_("Refresh"))
        self.counts = QLabel()
        self.counts.setTextFormat(Qt.TextFormat.RichText)

        self.model = OutboxModel(db, ops, self)
        self.table = QTableView()
        self._build_table()
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.preview.setPlaceholderText(_("Choose a message to read it in full."))
        self.empty = QLabel(self.table.viewport())
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        pal = self.empty.palette()
        pal.setColor(self.empty.foregroundRole(), theme.muted_text())
        self.empty.setPalette(pal)

        self.retry_button = QPushButton(_("Retry"))
        self.retry_button.setToolTip(_("Send the chosen failed or cancelled messages again"))
        self.sent_button = QPushButton(_("It was sent"))
        self.sent_button.setToolTip(
            _("The recipient got this interrupted message: record it as sent, do not send again")
        )
        self.resend_button = QPushButton(_("It was not sent – send again"))
        self.resend_button.setToolTip(
            _("The recipient did not get this interrupted message: send it at the next run")
        )
        self.cancel_button = QPushButton(_("Cancel message"))
        self.cancel_button.setToolTip(_("Do not send the chosen messages"))
        self.card_button = QPushButton(_("Open card"))
        self.selection_info = QLabel()

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(self.status_filter)
        top.addWidget(self.channel_filter)
        top.addWidget(self.refresh_button)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.retry_button, self.sent_button, self.resend_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addSpacing(12)
        buttons.addWidget(self.card_button)
        buttons.addStretch(1)
        buttons.addWidget(self.selection_info)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.counts)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_DELAY_MS)
        self._typing.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._typing.start())
        self.status_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.channel_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.retry_button.clicked.connect(self.retry)
        self.sent_button.clicked.connect(lambda: self.resolve("sent"))
        self.resend_button.clicked.connect(lambda: self.resolve("resend"))
        self.cancel_button.clicked.connect(self.cancel)
        self.card_button.clicked.connect(self.open_current_card)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.reloaded.connect(self._loaded)
        ops.changed.connect(self._data_changed)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

        self.resize(theme.fitting_size(QSize(1280, 800)))
        self._selection_changed()
        self.refresh()

    # -- construction --------------------------------------------------------------------------

    def _build_table(self) -> None:
        table = self.table
        header = setup_list_table(table, self.model, name=_("Outbox messages"), multi=True)
        header.setStretchLastSection(True)
        table.setSortingEnabled(True)
        header.setSortIndicator(*self.model.sort_column())
        metrics = table.fontMetrics()
        pad = 28

        def fit(*samples: str) -> int:
            return max(metrics.horizontalAdvance(s) for s in samples) + pad

        # the last error takes what is left; long names and subjects elide (full text in the
        # tooltip and the preview)
        widths = {
            "created": fit("22.11.2026, 23:59", "22/11/2026, 23:59"),
            "status": fit(status_label("failed"), status_label("uncertain")),
            "channel": fit(channel_label("voice"), channel_label("email")),
            "contractor": fit("Przedsiębiorstwo Handlowe Kowal"),
            "recipient": fit("ksiegowosc@przyklad.pl"),
            "subject": fit("Przypomnienie o płatności: FV/2026"),
            "attempts": header.fontMetrics().horizontalAdvance(_("Attempts")) + pad,
        }
        for name, width in widths.items():
            header.resizeSection(COLUMN[name], width)
        header.setMinimumSectionSize(metrics.horizontalAdvance("0000") + pad)

    # -- reading -------------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return self.model.loading

    def refresh(self) -> None:
        """Read the list again; new filters start at the top, the same ones keep the place."""
        status = self.status_filter.currentData()
        channel = self.channel_filter.currentData()
        query = self.model.query
        if (status, channel, self.search.text().strip()) != (
            query.status,
            query.channel,
            query.text,
        ):
            self.model.set_filters(status, channel, self.search.text())
        else:
            self.model.refresh()

    def _data_changed(self, changes: Change) -> None:
        # a hidden window is read again when it is opened
        if changes & SHOWS and self.isVisible():
            self.refresh()

    def _loaded(self, page: OutboxPage) -> None:
        self._show_counts(page.counts or {})
        self._restore_selection()
        if page.rows:
            self.empty.hide()
        else:
            filtered = (
                self.search.text().strip()
                or self.status_filter.currentData()
                or self.channel_filter.currentData()
            )
            self.empty.setText(
                _("No message matches the filters.")
                if filtered
                else _("The outbox is empty: no reminder has been written yet.")
            )
            self.empty.setGeometry(self.table.viewport().rect().adjusted(24, 24, -24, -24))
            self.empty.show()
        self.loaded.emit()

    def _show_counts(self, counts: dict[str, int]) -> None:
        parts = []
        for status in STATUS_ORDER:
            n = counts.get(status, 0)
            if not n:
                continue
            label = html.escape(status_label(status))
            if status in ("failed", "failed_permanently", "uncertain"):
                colour = theme.overdue_text().name()
                parts.append(f'<span style="color:{colour}; font-weight:600">{label}: {n}</span>')
            else:
                parts.append(f"{label}: {n}")
        total = sum(counts.values())
        head = ngettext("{count} message", "{count} messages", total).format(count=total)
        self.counts.setText("&nbsp;&nbsp;·&nbsp;&nbsp;".join([head, *parts]))
        for index in range(1, self.status_filter.count()):
            status = self.status_filter.itemData(index)
            label = _("Failed (any)") if status == outbox.FAILED_ANY else status_label(status)
            n = sum(counts.get(s, 0) for s in outbox.statuses_of(status))
            self.status_filter.setItemText(index, f"{label} ({n})")
        self.status_filter.setItemText(0, _("All statuses ({count})").format(count=total))

    # -- selection and preview -----------------------------------------------------------------

    def selected_messages(self) -> list[OutboxView]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.message(r) for r in rows]

    def select_message(self, message_id: int) -> bool:
        row = self.model.row_of(message_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _remember_selection(self) -> None:
        self._selected_ids = [m.id for m in self.selected_messages()]

    def _restore_selection(self) -> None:
        selection = QItemSelection()
        for message_id in self._selected_ids:
            row = self.model.row_of(message_id)
            if row is not None:
                selection.select(self.model.index(row, 0), self.model.index(row, len(COLUMN) - 1))
        self.table.selectionModel().select(
            selection, self.table.selectionModel().SelectionFlag.ClearAndSelect
        )
        self._selection_changed()

    def _selection_changed(self, *_args: object) -> None:
        chosen = self.selected_messages()
        statuses = {m.status for m in chosen}
        self.retry_button.setEnabled(bool(statuses) and statuses <= set(RETRYABLE))
        uncertain = bool(statuses) and statuses == {"uncertain"}
        self.sent_button.setEnabled(uncertain)
        self.resend_button.setEnabled(uncertain)
        self.cancel_button.setEnabled(bool(statuses) and statuses <= {*CANCELLABLE, "uncertain"})
        self.card_button.setEnabled(len(chosen) == 1 and chosen[0].contractor_id is not None)
        if len(chosen) > 1:
            self.selection_info.setText(
                ngettext("{count} message chosen", "{count} messages chosen", len(chosen)).format(
                    count=len(chosen)
                )
            )
        else:
            self.selection_info.setText("")
        self.preview.setHtml(preview_html(chosen[0]) if len(chosen) == 1 else "")

    def _double_clicked(self, index: QModelIndex) -> None:
        message = self.model.message(index.row())
        if message.contractor_id is not None:
            self._open_card(message.contractor_id)

    def open_current_card(self) -> None:
        chosen = self.selected_messages()
        if len(chosen) == 1 and chosen[0].contractor_id is not None:
            self._open_card(chosen[0].contractor_id)

    # -- actions -------------------------------------------------------------------------------

    def retry(self) -> None:
        ids = [m.id for m in self.selected_messages() if m.status in RETRYABLE]
        self._change(ids, lambda db, i: outbox.retry(db, i), "retry")

    def resolve(self, outcome: str) -> None:
        ids = [m.id for m in self.selected_messages() if m.status == "uncertain"]
        self._change(
            ids, lambda db, i: outbox.resolve_uncertain(db, i, outcome), f"resolve {outcome}"
        )

    def cancel(self) -> None:
        chosen = [m for m in self.selected_messages() if m.status in (*CANCELLABLE, "uncertain")]
        if not chosen:
            return
        answer = QMessageBox.question(
            self,
            _("Cancel messages"),
            ngettext(
                "Cancel {count} message? It will not be sent.",
                "Cancel {count} messages? They will not be sent.",
                len(chosen),
            ).format(count=len(chosen)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.cancel_now([m.id for m in chosen])

    def cancel_now(self, ids: list[int]) -> None:
        """Cancel without asking (the question was answered, or a test decided)."""
        statuses = {m.id: m.status for m in self.selected_messages()}

        def one(db: Database, message_id: int) -> None:
            if statuses.get(message_id) == "uncertain":
                outbox.resolve_uncertain(db, message_id, "cancel")
            else:
                outbox.cancel(db, message_id)

        self._change(ids, one, "cancel")

    def _change(self, ids: list[int], change: Callable[[Database, int], None], label: str) -> None:
        if not ids:
            return
        db = self._db

        def run() -> int:
            for message_id in ids:
                change(db, message_id)
            return len(ids)

        def failed(exc: BaseException) -> None:
            # each message is its own transaction: the ones before the failure went through
            self._ops.announce(Change.OUTBOX)
            show_error(exc, self)

        self._ops.write(run, changes=Change.OUTBOX, on_failure=failed, owner=self, label=label)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._typing.stop()
        super().closeEvent(event)


def preview_html(message: OutboxView) -> str:
    """The whole message as it went (or will go) out, with what a clerk needs above it."""
    e = html.escape
    rows = [
        (_("Status"), status_label(message.status)),
        (_("Channel"), channel_label(message.channel)),
        (_("To"), ", ".join(format_contact(r) for r in message.recipients)),
        (_("Contractor"), message.contractor_name or ""),
        (_("Planned for"), formatting.date(message.planned_for)),
        (_("Created"), formatting.local_time(message.created_at)),
    ]
    if message.finished_at is not None:
        rows.append((_("Finished"), formatting.local_time(message.finished_at)))
    if message.attempts:
        rows.append((_("Attempts"), str(message.attempts)))
    if message.scenario or message.step:
        rows.append(
            (_("Scenario step"), " / ".join(p for p in (message.scenario, message.step) if p))
        )
    if message.last_error:
        rows.append((_("Last error"), message.last_error))
    if message.subject:
        rows.append((_("Subject"), message.subject))
    head = "".join(
        f'<tr><td style="padding-right:12px"><b>{e(k)}</b></td><td>{e(v)}</td></tr>'
        for k, v in rows
        if v
    )
    items = ""
    if message.items:
        lines = "".join(
            "<tr><td style='padding-right:12px'>{}</td><td style='padding-right:12px'>{}</td>"
            "<td align='right'>{}</td></tr>".format(
                e(str(item.get("number", ""))),
                e(_due(item.get("due_date"))),
                e(_amount(item.get("open"), item.get("currency"))),
            )
            for item in message.items
        )
        title = _("Invoices in this message")  # outside the f-string, where gettext finds it
        items = f"<p><b>{e(title)}</b></p><table>{lines}</table>"
    body = e(message.body_text)
    return (
        f"<table>{head}</table>{items}<hr/>"
        f'<pre style="white-space:pre-wrap; font-family:sans-serif">{body}</pre>'
    )


def _amount(value: object, currency: object) -> str:
    """An item's open amount (a decimal string in the outbox) as money reads on screen."""
    try:
        minor = int((Decimal(str(value)) * 100).to_integral_value())
    except (InvalidOperation, ValueError):
        return f"{value or ''} {currency or ''}".strip()
    return formatting.money(minor, str(currency or "PLN"))


def _due(value: object) -> str:
    if isinstance(value, str):
        try:
            return formatting.date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return ""
