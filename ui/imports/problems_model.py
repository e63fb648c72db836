"""The table of what an import refused or left out: file, line (or XPath), field and the sentence.

Errors are in the overdue red; skipped items (a purchase invoice) in the muted colour, since they
are deliberate, not faults. Display-only; the rows are handed over whole (a report is small).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from desktop_app.i18n import N_, _
from desktop_app.importers.column_mapping import BANK_FIELDS, INVOICE_FIELDS
from ui import theme

Index = QModelIndex | QPersistentModelIndex

COLUMNS = (N_("File"), N_("Line"), N_("Field"), N_("Problem"))
COLUMN = {"file": 0, "line": 1, "field": 2, "message": 3}

#: the names the mapping page gives the fields; a parser names a field by its key ("gross"), or
#: by what the file calls it (a column's title, an XML element), which is shown as it is
FIELD_LABELS: dict[str, str] = {**BANK_FIELDS, **INVOICE_FIELDS, "nip": N_("NIP")}


def field_label(field: str) -> str:
    label = FIELD_LABELS.get(field)
    return field if label is None else _(label)


@dataclass(frozen=True)
class Problem:
    file: str
    #: a line/row number, or an XPath in an XML file; "" when the whole file is meant
    line: str
    field: str
    message: str
    #: a skipped item (deliberately not imported) rather than an error
    skipped: bool = False


class ProblemsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Problem] = []

    def set_problems(self, problems: Sequence[Problem]) -> None:
        self.beginResetModel()
        self._rows = list(problems)
        self.endResetModel()

    def problem(self, row: int) -> Problem:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return _(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        problem = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COLUMN["file"]:
                return PurePath(problem.file).name or problem.file
            return (problem.line, field_label(problem.field), problem.message)[column - 1]
        if role == Qt.ItemDataRole.ToolTipRole:
            # the whole path, and sentences longer than their column
            if column == COLUMN["file"]:
                return problem.file
            if column == COLUMN["message"]:
                return problem.message
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(theme.muted_text() if problem.skipped else theme.overdue_text())
        return None
