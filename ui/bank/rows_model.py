"""A small display-only table whose rows arrive whole, with their cell texts made on a worker.

The Bank view's lists are short by nature (what waits for a person, one payment's suggestions),
so they are sorted here by each cell's sort key rather than in SQL.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from desktop_app.i18n import _
from ui import theme

Index = QModelIndex | QPersistentModelIndex
IdRole = Qt.ItemDataRole.UserRole
SortRole = Qt.ItemDataRole.UserRole + 1
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class Column:
    name: str
    #: an N_() msgid, translated when the header is painted
    title: str
    numeric: bool = False


@dataclass(frozen=True)
class Row:
    #: what the row stands for (a payment id, an invoice id, an allocation id)
    id: Hashable
    texts: tuple[str, ...]
    keys: tuple[Any, ...]
    #: drawn in the overdue red (a doubtful payment)
    marked: bool = False
    #: the whole row's tooltip (a reason, a full title)
    tooltip: str = ""
    #: the service's object behind the row, for the window's actions
    item: object = None
    #: a warning about the row (a payment from an account not on the VAT White List): a
    #: warning sign on its first cell, the words in the tooltip
    warning: str = ""


class RowsModel(QAbstractTableModel):
    def __init__(
        self, columns: Sequence[Column], parent: QObject | None = None, *, sortable: bool = True
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: list[Row] = []
        #: None: the rows stay in the order given (suggestions, in the order they would pay)
        self._sort: tuple[int, Qt.SortOrder] | None = (
            (0, Qt.SortOrder.AscendingOrder) if sortable else None
        )

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    def column(self, name: str) -> int:
        for n, column in enumerate(self._columns):
            if column.name == name:
                return n
        raise KeyError(name)

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = self._sorted(rows)
        self.endResetModel()

    def row(self, n: int) -> Row:
        return self._rows[n]

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_of(self, row_id: Hashable) -> int | None:
        for n, row in enumerate(self._rows):
            if row.id == row_id:
                return n
        return None

    # -- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(self._columns[section].title)
        if role == Qt.ItemDataRole.TextAlignmentRole and self._columns[section].numeric:
            return _RIGHT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if not 0 <= column < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return row.texts[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.warning and column == 0:
                return row.warning
            return row.tooltip or row.texts[column] or None
        if role == Qt.ItemDataRole.DecorationRole and row.warning and column == 0:
            return _warning_icon()
        if role == IdRole:
            return row.id
        if role == SortRole:
            return row.keys[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and self._columns[column].numeric:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and row.marked:
            return QBrush(theme.overdue_text())
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self._sort is None or not 0 <= column < len(self._columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self._rows[i.row()].id for i in before]
        self._rows = self._sorted(self._rows)
        positions = {row.id: n for n, row in enumerate(self._rows)}
        self.changePersistentIndexList(
            before, [self.index(positions[i], p.column()) for i, p in zip(ids, before, strict=True)]
        )
        self.layoutChanged.emit()

    def _sorted(self, rows: Sequence[Row]) -> list[Row]:
        if self._sort is None:
            return list(rows)
        column, order = self._sort
        return sorted(
            rows,
            key=lambda r: r.keys[column],
            reverse=order == Qt.SortOrder.DescendingOrder,
        )


def _warning_icon() -> QIcon:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
