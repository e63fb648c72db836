"""A read-only table of rows whose cell texts were made on a worker thread.

The drill-down lists and the bulk White List check show lists of thousands of rows: their texts
are formatted off the GUI thread, and a header click only reorders indices, so neither showing
nor sorting formats anything on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


class PreparedRowsModel(QAbstractTableModel, Generic[Row]):
    """Rows beside their prepared texts, in the given order until a header is clicked."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._rows: tuple[Row, ...] = ()
        self._texts: tuple[Sequence[str], ...] = ()
        self._order: list[int] = []

    def set_rows(self, rows: Sequence[Row], texts: Sequence[Sequence[str]]) -> None:
        self.beginResetModel()
        self._rows, self._texts = tuple(rows), tuple(texts)
        self._order = list(range(len(self._rows)))
        self.endResetModel()

    def row(self, n: int) -> Row:
        return self._rows[self._order[n]]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return self.header_extra(section, role)

    def header_extra(self, section: int, role: int) -> Any:
        """Other roles of a header (alignment...); none by default."""
        return None

    def source_row(self, index: Index) -> int | None:
        """The position in the rows given of a shown index, or None for an invalid one."""
        if not index.isValid() or not 0 <= index.row() < len(self._order):
            return None
        return self._order[index.row()]

    def sort_key(self, n: int, column: int) -> Any:
        """What row ``n`` sorts by in ``column``: its text, case-blind, unless a list says more."""
        return self._texts[n][column].casefold()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._headers):
            return
        self.layoutAboutToBeChanged.emit()
        self._order.sort(
            key=lambda n: self.sort_key(n, column),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self.layoutChanged.emit()
