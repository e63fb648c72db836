"""The list behind a dashboard figure: one dialog for every figure, fed by the one service
function of :mod:`services.dashboard_drilldown` that makes that figure's rows.

The rows are read through :class:`Operations` off the GUI thread; a row opens its contractor's
card; the total under the table is the figure the click came from. An optional button leads to
the full view the list is a part of (the task list, the outbox, the contractor list).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.i18n import _, ngettext
from desktop_app.services.dashboard_drilldown import DrillDown, DrillRow
from ui import formatting, theme
from ui.models.prepared_rows import Index, PreparedRowsModel
from ui.operations import Operations
from ui.widgets.tables import setup_list_table

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

#: what the table's columns hold: contractor, details, a day (named by the list), amount
AMOUNT_COLUMN = 3


@dataclass(frozen=True)
class Prepared:
    """A list with its cell texts, made on the worker thread that read it (a long list is
    formatted there, not on the GUI thread)."""

    drill: DrillDown
    texts: tuple[tuple[str, str, str, str], ...]


def prepare(drill: DrillDown) -> Prepared:
    def amount(value: int) -> str:
        return str(value) if drill.currency is None else formatting.money(value, drill.currency)

    return Prepared(
        drill,
        tuple(
            (row.name, row.detail, formatting.date(row.day), amount(row.amount))
            for row in drill.rows
        ),
    )


class DrillModel(PreparedRowsModel[DrillRow]):
    """The rows of one list; sorted by a clicked header (by value), the service's order before."""

    def __init__(self, prepared: Prepared, parent: QObject | None = None) -> None:
        drill = prepared.drill
        count = _("Amount") if drill.currency is not None else _("Count")
        super().__init__((_("Contractor"), _("Details"), drill.day_caption, count), parent)
        self.set_rows(drill.rows, prepared.texts)
        self._link = QBrush(QGuiApplication.palette().link())

    def header_extra(self, section: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and section == AMOUNT_COLUMN:
            return _RIGHT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        n = self.source_row(index)
        if n is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._texts[n][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == AMOUNT_COLUMN:
            return _RIGHT
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.column() == 0
            and self._rows[n].contractor_id is not None
        ):
            return self._link
        return None

    def sort_key(self, n: int, column: int) -> Any:
        row = self._rows[n]
        if column == AMOUNT_COLUMN:
            return row.amount
        if column == 2:
            return (row.day is None, row.day or dt.date.min)
        return super().sort_key(n, column)


class DrillDownDialog(QDialog):
    #: a contractor's id whose card should open
    card_requested = Signal(int)
    #: the rows have been shown (tests and the screenshot wait for it)
    loaded = Signal()

    def __init__(
        self,
        ops: Operations,
        load: Callable[[], DrillDown],
        *,
        more: tuple[str, Callable[[], None]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("Dashboard"))
        self.resize(720, 480)
        self.drill: DrillDown | None = None
        self.model: DrillModel | None = None
        self.heading = QLabel(_("Loading…"))
        self.heading.setFont(theme.scaled_font(self.heading.font(), 1.2, bold=True))
        self.table = QTableView()
        self.table.setToolTip(_("Click a name (or press Enter on a row) to open the card"))
        # a name is a link, as in the top debtors; Enter or a double-click anywhere on the row
        self.table.clicked.connect(self._cell_clicked)
        self.table.activated.connect(lambda index: self._row_chosen(index.row()))
        self.total = QLabel()
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.more: QPushButton | None = None
        if more is not None:
            text, action = more
            self.more = buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
            self.more.clicked.connect(action)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)
        layout.addWidget(buttons)
        ops.read(lambda: prepare(load()), on_success=self._show, owner=self, label="drill-down")

    def _show(self, prepared: Prepared) -> None:
        drill = self.drill = prepared.drill
        self.heading.setText(drill.title)
        self.setWindowTitle(drill.title)
        self.model = DrillModel(prepared, self)
        # the service's order (largest first, or by day) until a header is clicked; set before
        # the rows are in, as after it the header re-measures them all
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header = setup_list_table(self.table, self.model, name=drill.title)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # widths from the first rows: measuring every one of 10,000 would stall the GUI thread
        header.setResizeContentsPrecision(200)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSortingEnabled(True)
        total = (
            str(drill.total)
            if drill.currency is None
            else formatting.money(drill.total, drill.currency)
        )
        self.total.setText(
            ngettext(
                "{count} row, total {total}", "{count} rows, total {total}", len(drill.rows)
            ).format(count=len(drill.rows), total=total)
            if drill.rows
            else _("Nothing here.")
        )
        self.loaded.emit()

    def row_count(self) -> int:
        return 0 if self.model is None else self.model.rowCount()

    def row_names(self) -> list[str]:
        """The names in the rows, in the order shown."""
        model = self.model
        return [] if model is None else [model.row(n).name for n in range(model.rowCount())]

    def row_amounts(self) -> list[int]:
        """The amounts of the rows shown (minor units, or counts)."""
        model = self.model
        return [] if model is None else [model.row(n).amount for n in range(model.rowCount())]

    def _cell_clicked(self, index: QModelIndex) -> None:
        if index.column() == 0:
            self._row_chosen(index.row())

    def _row_chosen(self, row: int) -> None:
        if self.model is None or not 0 <= row < self.model.rowCount():
            return
        contractor_id = self.model.row(row).contractor_id
        if contractor_id is not None:
            self.card_requested.emit(contractor_id)


def show_failed_messages(window: QWidget) -> None:
    """The outbox window filtered to the failed messages, those to be retried and those given
    up, as the dashboard's figure counts them."""
    from desktop_app.services.dunning.outbox import FAILED_ANY
    from ui.dunning.outbox_view import OutboxWindow  # as lazily as the outbox itself

    if isinstance(window, OutboxWindow):
        window.status_filter.setCurrentIndex(max(0, window.status_filter.findData(FAILED_ANY)))


def show_tasks_due(window: QWidget) -> None:
    """The task window on the tab of the tasks due today or earlier, as the dashboard's figure
    counts them."""
    from ui.dunning.tasks_view import TasksWindow  # as lazily as the task window itself

    if isinstance(window, TasksWindow):
        window.show_tab("due")
