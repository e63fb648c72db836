"""The first rows of a table as the chosen mapping reads them: a row that cannot be imported is
red, with the reason in its last column and its tooltip."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from desktop_app.i18n import _
from desktop_app.importers.tabular import PreviewRow, TablePreview
from ui import theme

Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class PreviewModel(QAbstractTableModel):
    """Columns: the row's number, the file's columns, then what is wrong with the row."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns: tuple[str, ...] = ()
        self._rows: tuple[PreviewRow, ...] = ()

    def set_preview(self, preview: TablePreview | None) -> None:
        self.beginResetModel()
        if preview is None:
            self._columns, self._rows = (), ()
        else:
            width = max([len(preview.columns), *(len(r.cells) for r in preview.rows)], default=0)
            named = preview.columns + ("",) * (width - len(preview.columns))
            self._columns, self._rows = named, preview.rows
        self.endResetModel()

    @property
    def error_column(self) -> int:
        return len(self._columns) + 1

    def errors(self) -> list[tuple[int, str]]:
        """(row number as the spreadsheet shows it, the reason) of every row in error."""
        return [(r.number, r.error) for r in self._rows if r.error]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return (
            0
            if parent.isValid() or (not self._rows and not self._columns)
            else len(self._columns) + 2
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return _("Row")
        if section == self.error_column:
            return _("Problem")
        if 1 <= section <= len(self._columns):
            return self._columns[section - 1] or _("Column {number}").format(number=section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return str(row.number) if role == Qt.ItemDataRole.DisplayRole else None
            if column == self.error_column:
                return row.error or ""
            if role == Qt.ItemDataRole.ToolTipRole:
                return row.error or None
            cell = column - 1
            return row.cells[cell] if cell < len(row.cells) else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and row.error:
            return QBrush(theme.overdue_text())
        return None
