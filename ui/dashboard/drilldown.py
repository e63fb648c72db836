"""The list behind a dashboard figure: one dialog for every figure, fed by the one service
function of :mod:`services.dashboard_drilldown` that makes that figure's rows.

The rows are read through :class:`Operations` off the GUI thread; a row opens its contractor's
card; the total under the table is the figure the click came from. An optional button leads to
the full view the list is a part of (the task list, the outbox, the contractor list).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.i18n import _, ngettext
from desktop_app.services.dashboard_drilldown import DrillDown
from ui import formatting, theme
from ui.operations import Operations

#: sorts numbers and dates by value, not by their text
SortRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2


class _Cell(QTableWidgetItem):
    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SortRole), other.data(SortRole)
        if mine is None or theirs is None or type(mine) is not type(theirs):
            return self.text().casefold() < other.text().casefold()
        return bool(mine < theirs)


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
        self.heading = QLabel(_("Loading…"))
        self.heading.setFont(theme.scaled_font(self.heading.font(), 1.2, bold=True))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("Contractor"), _("Details"), "", _("Amount")])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setToolTip(_("Click a name (or press Enter on a row) to open the card"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # a name is a link, as in the top debtors; Enter or a double-click anywhere on the row
        self.table.cellClicked.connect(self._cell_clicked)
        self.table.cellActivated.connect(lambda row, _column: self._row_chosen(row))
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
        ops.read(load, on_success=self._show, owner=self, label="dashboard drill-down")

    def _show(self, drill: DrillDown) -> None:
        self.drill = drill
        self.heading.setText(drill.title)
        self.setWindowTitle(drill.title)
        count = _("Amount") if drill.currency is not None else _("Count")
        self.table.setHorizontalHeaderLabels(
            [_("Contractor"), _("Details"), drill.day_caption, count]
        )
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(drill.rows))
        link = self.palette().link()
        for row, found in enumerate(drill.rows):
            name = _Cell(found.name)
            name.setData(IdRole, found.contractor_id)
            if found.contractor_id is not None:
                name.setForeground(link)
            day = _Cell(formatting.date(found.day))
            day.setData(SortRole, found.day)
            amount = _Cell(self._amount(found.amount))
            amount.setData(SortRole, found.amount)
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, _Cell(found.detail))
            self.table.setItem(row, 2, day)
            self.table.setItem(row, 3, amount)
        # the service's order (largest first, or by day) until a header is clicked
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.total.setText(
            ngettext(
                "{count} row, total {total}", "{count} rows, total {total}", len(drill.rows)
            ).format(count=len(drill.rows), total=self._amount(drill.total))
            if drill.rows
            else _("Nothing here.")
        )
        self.loaded.emit()

    def _amount(self, value: int) -> str:
        if self.drill is None or self.drill.currency is None:
            return str(value)
        return formatting.money(value, self.drill.currency)

    def row_amounts(self) -> list[int]:
        """The amounts of the rows shown (minor units, or counts)."""
        amounts = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 3)
            amounts.append(int(item.data(SortRole)) if item is not None else 0)
        return amounts

    def _cell_clicked(self, row: int, column: int) -> None:
        if column == 0:
            self._row_chosen(row)

    def _row_chosen(self, row: int) -> None:
        item = self.table.item(row, 0)
        contractor_id = item.data(IdRole) if item is not None else None
        if contractor_id is not None:
            self.card_requested.emit(int(contractor_id))


def show_failed_messages(window: QWidget) -> None:
    """The outbox window filtered to the failed messages (those still to be retried; the
    drill-down list also has the ones given up)."""
    from ui.dunning.outbox_view import OutboxWindow  # as lazily as the outbox itself

    if isinstance(window, OutboxWindow):
        window.status_filter.setCurrentIndex(max(0, window.status_filter.findData("failed")))
