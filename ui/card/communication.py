"""The card's Communication tab: every message to the contractor, its state and full text."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import labels
from desktop_app.domain.identifiers import format_contact
from desktop_app.i18n import _
from desktop_app.services.dunning.outbox import OutboxView
from ui import formatting, theme

IdRole = Qt.ItemDataRole.UserRole
SortRole = Qt.ItemDataRole.UserRole + 1
WHEN, CHANNEL, STATUS, SUBJECT, TO = range(5)


def status_colour(status: str) -> QColor | None:
    if status in ("failed", "failed_permanently"):
        return theme.overdue_text()
    if status == "uncertain":
        return QColor("#ffb74d") if theme.is_dark() else QColor("#e65100")
    if status in ("pending", "sending", "cancelled"):
        return theme.muted_text()
    return None


class _Item(QTreeWidgetItem):
    def __lt__(self, other: QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        column = tree.sortColumn() if tree is not None else 0
        mine, theirs = self.data(column, SortRole), other.data(column, SortRole)
        if isinstance(mine, str) and isinstance(theirs, str):
            return mine < theirs
        return self.text(column).casefold() < other.text(column).casefold()


class CommunicationView(QWidget):
    """A list of messages (newest first) over the full text of the selected one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._messages: dict[int, OutboxView] = {}
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(
            [_("Date"), _("Channel"), _("Status"), _("Subject / text"), _("To")]
        )
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setAccessibleName(_("Messages"))
        self.tree.currentItemChanged.connect(self._selected)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(SUBJECT, QHeaderView.ResizeMode.Stretch)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setAccessibleName(_("Message text"))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.text)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        self.empty = QLabel(_("No messages yet."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pal = self.empty.palette()
        pal.setColor(self.empty.foregroundRole(), theme.muted_text())
        self.empty.setPalette(pal)
        self.stack = QStackedWidget()
        self.stack.addWidget(split)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.stack)

    def set_messages(self, messages: Sequence[OutboxView]) -> None:
        selected = self.current_id()
        tree = self.tree
        tree.setSortingEnabled(False)
        tree.clear()
        self._messages = {m.id: m for m in messages}
        select_item: QTreeWidgetItem | None = None
        for m in messages:
            when = m.finished_at or m.created_at
            item = _Item()
            item.setData(0, IdRole, m.id)
            item.setText(WHEN, formatting.local_time(when))
            item.setData(WHEN, SortRole, f"{when.isoformat()}#{m.id:012d}")
            item.setText(CHANNEL, labels.channel(m.channel, short=True))
            status = labels.status(m.status)
            if m.status == "pending" and m.planned_for:
                status = _("Waiting ({date})").format(date=formatting.date(m.planned_for))
            item.setText(STATUS, status)
            if m.last_error and m.status != "sent":
                item.setToolTip(STATUS, m.last_error)
            colour = status_colour(m.status)
            if colour is not None:
                item.setForeground(STATUS, QBrush(colour))
            first_line = (m.body_text.strip().splitlines() or [""])[0]
            item.setText(SUBJECT, m.subject or first_line)
            item.setText(TO, ", ".join(format_contact(r) for r in m.recipients))
            tree.addTopLevelItem(item)
            if m.id == selected:
                select_item = item
        for column in (WHEN, CHANNEL, STATUS, TO):
            tree.resizeColumnToContents(column)
            tree.header().resizeSection(column, tree.header().sectionSize(column) + 18)
        tree.setSortingEnabled(True)
        tree.sortByColumn(WHEN, Qt.SortOrder.DescendingOrder)
        self.stack.setCurrentIndex(0 if messages else 1)
        if select_item is None and tree.topLevelItemCount():
            select_item = tree.topLevelItem(0)
        if select_item is not None:
            tree.setCurrentItem(select_item)
        else:
            self.text.clear()

    def current_id(self) -> int | None:
        item = self.tree.currentItem()
        return None if item is None else int(item.data(0, IdRole))

    def _selected(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is None:
            self.text.clear()
            return
        m = self._messages.get(int(current.data(0, IdRole)))
        if m is None:
            return
        esc = html.escape
        head = [
            _("<b>To:</b> {to}").format(to=esc(", ".join(format_contact(r) for r in m.recipients))),
            _("<b>Status:</b> {status}").format(status=esc(labels.status(m.status))),
        ]
        if m.step:
            head.append(
                _("<b>Step:</b> {step}").format(
                    step=esc(f"{m.scenario} / {m.step}" if m.scenario else m.step)
                )
            )
        if m.last_error and m.status != "sent":
            head.append(_("<b>Error:</b> {error}").format(error=esc(m.last_error)))
        if m.subject:
            head.append(_("<b>Subject:</b> {subject}").format(subject=esc(m.subject)))
        body = f"<pre style='white-space: pre-wrap'>{esc(m.body_text)}</pre>"
        self.text.setHtml("<br>".join(head) + "<hr>" + body)

    def message_count(self) -> int:
        return self.tree.topLevelItemCount()

    def row_texts(self) -> list[list[str]]:
        return [
            [item.text(c) for c in range(5)]
            for i in range(self.tree.topLevelItemCount())
            if (item := self.tree.topLevelItem(i)) is not None
        ]
