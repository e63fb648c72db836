"""A display-only table of outbox messages: filtered, sorted and counted in SQL, read a page at a
time off the GUI thread (cell texts are made there too)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush

from db.uow import Database
from desktop_app import labels
from desktop_app.domain.identifiers import format_contact
from desktop_app.i18n import N_, _
from desktop_app.services.dunning import outbox
from desktop_app.services.dunning.outbox import OutboxView
from ui import formatting, theme
from ui.errors import show_error
from ui.operations import Operations

SortRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2
#: rows read at a time; more follow as the user scrolls
PAGE_SIZE = 500

#: the channels an outbox message can have, in filter order
OUTBOX_CHANNELS = ("email", "sms", "voice", "notice")
#: statuses a person has to look at
PROBLEM_STATUSES = ("failed", "failed_permanently", "uncertain")


@dataclass(frozen=True)
class Column:
    name: str
    title: str


COLUMNS = (
    Column("created", N_("Created")),
    Column("status", N_("Status")),
    Column("channel", N_("Channel")),
    Column("contractor", N_("Contractor")),
    Column("recipient", N_("Recipient")),
    Column("subject", N_("Subject / first line")),
    Column("attempts", N_("Attempts")),
    Column("error", N_("Last error")),
)
COLUMN = {c.name: i for i, c in enumerate(COLUMNS)}


@dataclass(frozen=True)
class OutboxRow:
    """One message with its cell texts already made (on the worker thread)."""

    message: OutboxView
    texts: tuple[str, ...]
    keys: tuple[Any, ...]


def status_label(status: str) -> str:
    return labels.status(status)


def channel_label(channel: str) -> str:
    return labels.channel(channel, short=True)


def first_line(message: OutboxView) -> str:
    if message.subject:
        return message.subject
    for line in message.body_text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def make_row(message: OutboxView) -> OutboxRow:
    created = message.created_at
    texts = (
        formatting.local_time(created),
        status_label(message.status),
        channel_label(message.channel),
        message.contractor_name or "",
        ", ".join(format_contact(r) for r in message.recipients),
        first_line(message),
        str(message.attempts) if message.attempts else "",
        (message.last_error or "").replace("\n", " "),
    )
    keys = (
        (created, message.id),
        texts[1].casefold(),
        texts[2].casefold(),
        texts[3].casefold(),
        texts[4].casefold(),
        texts[5].casefold(),
        message.attempts,
        texts[7].casefold(),
    )
    return OutboxRow(message, texts, keys)


@dataclass(frozen=True)
class OutboxQuery:
    """What the list shows: the filters of the window and the order of the table."""

    status: str | None = None
    channel: str | None = None
    text: str = ""
    sort: str = "created"
    descending: bool = True


@dataclass(frozen=True)
class OutboxPage:
    """Rows from ``offset`` on; a first page also carries the counts per status."""

    query: OutboxQuery
    offset: int
    rows: list[OutboxRow]
    counts: dict[str, int] | None = None

    @property
    def total(self) -> int:
        """How many messages match the query (known with the counts)."""
        counts = self.counts or {}
        if not self.query.status:
            return sum(counts.values())
        return sum(counts.get(s, 0) for s in outbox.statuses_of(self.query.status))


def load_page(
    db: Database, query: OutboxQuery, offset: int, limit: int, *, with_counts: bool
) -> OutboxPage:
    """Runs on a worker: one page of matching messages with their cell texts (and the counts)."""
    messages = outbox.list_messages(
        db,
        status=query.status,
        channel=query.channel,
        text=query.text,
        sort=query.sort,
        descending=query.descending,
        offset=offset,
        limit=limit,
    )
    counts = outbox.counts(db, channel=query.channel, text=query.text) if with_counts else None
    return OutboxPage(query, offset, [make_row(m) for m in messages], counts)


class OutboxModel(QAbstractTableModel):
    """Display-only: filtering, sorting and counting happen in SQL, rows arrive a page at a time.

    A (re)load reads the first page, or as many rows as were shown, so a refresh keeps the
    place; the view asks for more (``fetchMore``) as the user scrolls towards the end.
    """

    #: a (re)load replaced the rows; carries the OutboxPage with the counts
    reloaded = Signal(object)
    #: more rows were appended at the end
    fetched = Signal()

    def __init__(self, db: Database, ops: Operations, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self._query = OutboxQuery()
        self._rows: list[OutboxRow] = []
        self._total = 0
        self._generation = 0
        self._loading = False
        self._fetching = False
        self._fetch_failed = False
        self._key = f"outbox-list-{id(self)}"

    # -- filling -------------------------------------------------------------------------------

    @property
    def query(self) -> OutboxQuery:
        return self._query

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def total(self) -> int:
        """Messages matching the filters, shown or not yet fetched."""
        return self._total

    def set_filters(self, status: str | None, channel: str | None, text: str) -> None:
        self._query = replace(self._query, status=status, channel=channel, text=text.strip())
        self.refresh(keep_place=False)

    def refresh(self, *, keep_place: bool = True) -> None:
        """Read the list again: as many rows as are shown (``keep_place``), or the first page."""
        db, query = self._db, self._query
        limit = max(PAGE_SIZE, len(self._rows)) if keep_place else PAGE_SIZE
        self._loading = True
        self._ops.read(
            lambda: load_page(db, query, 0, limit, with_counts=True),
            on_success=self._reloaded,
            on_failure=self._reload_failed,
            key=self._key,
            owner=self,
            label="outbox list",
        )

    def message(self, row: int) -> OutboxView:
        return self._rows[row].message

    def row_of(self, message_id: int) -> int | None:
        for n, row in enumerate(self._rows):
            if row.message.id == message_id:
                return n
        return None

    # -- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return (
            not parent.isValid()
            and not self._loading
            and not self._fetching
            and not self._fetch_failed
            and len(self._rows) < self._total
        )

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        db, query, offset, generation = self._db, self._query, len(self._rows), self._generation
        self._ops.read(
            lambda: load_page(db, query, offset, PAGE_SIZE, with_counts=False),
            on_success=lambda page: self._appended(generation, page),
            on_failure=lambda exc: self._append_failed(generation, exc),
            owner=self,
            label="outbox more",
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section].title)
        if role == Qt.ItemDataRole.TextAlignmentRole and section == COLUMN["attempts"]:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.InitialSortOrderRole and section == COLUMN["created"]:
            return Qt.SortOrder.DescendingOrder  # the newest first, as the list opens
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = row.texts[column]
            if role == Qt.ItemDataRole.ToolTipRole and column not in (
                COLUMN["error"],
                COLUMN["subject"],
                COLUMN["recipient"],
            ):
                return None
            return text
        if role == SortRole:
            return row.keys[column]
        if role == IdRole:
            return row.message.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COLUMN["attempts"]:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == COLUMN["status"]:
            if row.message.status in PROBLEM_STATUSES:
                return QBrush(theme.overdue_text())
            if row.message.status == "cancelled":
                return QBrush(theme.muted_text())
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        query = replace(
            self._query,
            sort=COLUMNS[column].name,
            descending=order == Qt.SortOrder.DescendingOrder,
        )
        if query != self._query:
            self._query = query
            self.refresh(keep_place=False)

    def sort_column(self) -> tuple[int, Qt.SortOrder]:
        order = (
            Qt.SortOrder.DescendingOrder if self._query.descending else Qt.SortOrder.AscendingOrder
        )
        return COLUMN[self._query.sort], order

    # -- results -------------------------------------------------------------------------------

    def _reloaded(self, page: OutboxPage) -> None:
        self.beginResetModel()
        self._generation += 1
        self._rows = list(page.rows)
        self._total = max(page.total, len(self._rows))
        self._fetching = False
        self._fetch_failed = False
        self.endResetModel()
        self._loading = False
        self.reloaded.emit(page)

    def _reload_failed(self, exc: BaseException) -> None:
        self._loading = False
        show_error(exc)

    def _appended(self, generation: int, page: OutboxPage) -> None:
        if generation != self._generation:
            return  # rows of a list that has since been read again
        self._fetching = False
        # a message written since the first page pushes older ones down: skip repeats
        known = {r.message.id for r in self._rows}
        rows = [r for r in page.rows if r.message.id not in known]
        if len(page.rows) < PAGE_SIZE:
            self._total = len(self._rows) + len(rows)  # the end of the list was reached
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.fetched.emit()

    def _append_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._fetch_failed = True  # not asked again on every scroll; a refresh tries anew
        show_error(exc)
