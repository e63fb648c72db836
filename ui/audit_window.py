"""Tools → Audit trail…: who changed what, newest first, one page at a time.

The window only asks :mod:`desktop_app.services.audit` for a page (read in SQL, off the GUI
thread); the firm's set-up changes and every contractor's log come back as one list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.i18n import _
from desktop_app.services import audit
from ui import theme
from ui.formatting import local_time
from ui.operations import Operations

if TYPE_CHECKING:
    from ui.main_window import MainWindow

PAGE = 100
#: how far back the window looks when it opens
FIRST_DAYS = 30


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class AuditTrailWindow(QWidget):
    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._db = db
        self._ops = ops
        self._offset = 0
        self.page: audit.AuditPage | None = None
        self.setWindowTitle(_("Audit trail"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        day = today()
        self.since = QDateEdit(_qdate(day - dt.timedelta(days=FIRST_DAYS)))
        self.until = QDateEdit(_qdate(day))
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.who = QComboBox()
        self.who.addItem(_("Everyone"), None)
        self.kind = QComboBox()
        self.kind.addItem(_("All kinds"), None)
        for kind in sorted(audit.KINDS, key=audit.kind_label):
            self.kind.addItem(audit.kind_label(kind), kind)

        filters = QHBoxLayout()
        for label, widget in (
            (_("From:"), self.since),
            (_("To:"), self.until),
            (_("Who:"), self.who),
            (_("Kind:"), self.kind),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addStretch(1)

        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [_("When"), _("Who"), _("Kind"), _("Object"), _("What happened")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        self.newer = QPushButton(_("← Newer"))
        self.older = QPushButton(_("Older →"))
        self.position = QLabel()
        pager = QHBoxLayout()
        pager.addWidget(self.position)
        pager.addStretch(1)
        pager.addWidget(self.newer)
        pager.addWidget(self.older)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(pager)

        self.since.dateChanged.connect(lambda _d: self.reload())
        self.until.dateChanged.connect(lambda _d: self.reload())
        self.who.currentIndexChanged.connect(lambda _i: self.reload())
        self.kind.currentIndexChanged.connect(lambda _i: self.reload())
        self.newer.clicked.connect(lambda: self._go(self._offset - PAGE))
        self.older.clicked.connect(lambda: self._go(self._offset + PAGE))
        self.resize(theme.fitting_size(QSize(980, 560)))
        ops.read(lambda: audit.known_actors(db), on_success=self._actors, owner=self)
        self.reload()

    def selected_filter(self) -> audit.AuditFilter:
        return audit.AuditFilter(
            since=self.since.date().toPython(),  # type: ignore[arg-type]
            until=self.until.date().toPython(),  # type: ignore[arg-type]
            user=self.who.currentData(),
            kind=self.kind.currentData(),
        )

    def reload(self) -> None:
        """Back to the newest page of what the filters select."""
        self._go(0)

    def _go(self, offset: int) -> None:
        self._offset = max(offset, 0)
        db, flt, start = self._db, self.selected_filter(), self._offset
        self._ops.read(
            lambda: audit.read_page(db, flt, limit=PAGE, offset=start),
            on_success=self._show,
            key="audit-page",
            owner=self,
            label="audit",
        )

    def _actors(self, actors: list[str]) -> None:
        for actor in actors:
            self.who.addItem(actor, actor)

    def _show(self, page: audit.AuditPage) -> None:
        self.page = page
        self.table.setRowCount(len(page.rows))
        for n, row in enumerate(page.rows):
            what = audit.what_happened(row)
            cells = (
                local_time(row.at),
                row.who,
                audit.kind_label(row.kind),
                row.target,
                what,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 4:
                    item.setToolTip(what)
                self.table.setItem(n, column, item)
        if page.total:
            self.position.setText(
                _("{first}–{last} of {total}").format(
                    first=page.offset + 1, last=page.offset + len(page.rows), total=page.total
                )
            )
        else:
            self.position.setText(_("Nothing recorded"))
        self.newer.setEnabled(page.offset > 0)
        self.older.setEnabled(page.offset + len(page.rows) < page.total)


def open_audit(window: MainWindow) -> AuditTrailWindow:
    existing = window.findChild(AuditTrailWindow)
    if existing is not None:
        existing.showNormal()
        existing.raise_()
        existing.activateWindow()
        return existing
    shown = AuditTrailWindow(window.db, window.ops, today=window.today, parent=window)
    shown.show()
    return shown


def install(window: MainWindow, tools: QMenu) -> None:
    action = QAction(_("&Audit trail…"), window)
    action.setStatusTip(_("Who changed what: settings, firm, templates, users and contractors"))
    action.triggered.connect(lambda: open_audit(window))
    tools.addSeparator()
    tools.addAction(action)
