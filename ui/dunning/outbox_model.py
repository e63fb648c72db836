"""A display-only table of outbox messages (rows read off the GUI thread, texts made there too)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from desktop_app import labels
from desktop_app.i18n import N_, _
from desktop_app.services.dunning.outbox import OutboxView
from ui import formatting, theme

SortRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2

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
        ", ".join(message.recipients),
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


def matches(message: OutboxView, needle: str) -> bool:
    """Text filter: contractor, recipients, subject, text, error, key (case-insensitive)."""
    if not needle:
        return True
    folded = needle.casefold()
    haystack = (
        message.contractor_name or "",
        " ".join(message.recipients),
        message.subject or "",
        message.body_text,
        message.last_error or "",
        message.key,
    )
    return any(folded in part.casefold() for part in haystack)


class OutboxModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[OutboxRow] = []
        self._sort: tuple[int, Qt.SortOrder] = (COLUMN["created"], Qt.SortOrder.DescendingOrder)

    # -- filling -------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[OutboxRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._apply_sort()
        self.endResetModel()

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

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section].title)
        if role == Qt.ItemDataRole.TextAlignmentRole and section == COLUMN["attempts"]:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
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
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self._rows[i.row()].message.id for i in persistent]
        self._apply_sort()
        where = {r.message.id: n for n, r in enumerate(self._rows)}
        self.changePersistentIndexList(
            persistent,
            [self.index(where[m], i.column()) for m, i in zip(ids, persistent, strict=True)],
        )
        self.layoutChanged.emit()

    def sort_column(self) -> tuple[int, Qt.SortOrder]:
        return self._sort

    def _apply_sort(self) -> None:
        column, order = self._sort
        self._rows.sort(
            key=lambda r: (r.keys[column], r.message.id),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
