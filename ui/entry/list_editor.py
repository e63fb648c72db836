"""A short list of texts (e-mail addresses, phone numbers): typed in a field and added with
Enter or Add, changed in place with a double-click, removed with Remove."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.i18n import _


class _EntryField(QLineEdit):
    """Enter adds the text to the list and goes no further (not to the dialog's Save)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class ListEditor(QWidget):
    def __init__(
        self,
        values: Sequence[str] = (),
        parent: QWidget | None = None,
        *,
        placeholder: str = "",
    ) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.list.setMaximumHeight(90)
        self.input = _EntryField()
        if placeholder:
            self.input.setPlaceholderText(placeholder)
        self.input.returnPressed.connect(self._add_typed)
        self.add_button = QPushButton(_("Add"))
        self.remove_button = QPushButton(_("Remove"))
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_typed)
        self.remove_button.clicked.connect(self._remove)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        column = QVBoxLayout()
        column.setSpacing(4)
        column.addWidget(self.input)
        column.addWidget(self.list)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(column, 1)
        layout.addLayout(buttons)
        for value in values:
            self.add(value)

    def add(self, value: str) -> QListWidgetItem:
        item = QListWidgetItem(value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(item)
        return item

    def _add_typed(self) -> None:
        text = self.input.text().strip()
        if text:
            self.add(text)
            self.input.clear()

    def _remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)

    def values(self) -> list[str]:
        """The list, and what is typed in the field but not yet added (Save should not lose it)."""
        texts = [self.list.item(row).text().strip() for row in range(self.list.count())]
        texts.append(self.input.text().strip())
        return [text for text in texts if text]
