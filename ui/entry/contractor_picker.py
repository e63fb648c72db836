"""Choose a contractor by typing part of the name or NIP; the matches fill a list below."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QVBoxLayout, QWidget

from db.uow import Database
from desktop_app.i18n import _
from desktop_app.services import contractors
from desktop_app.services.contractors import Choice
from ui.operations import Operations


class ContractorPicker(QWidget):
    """``chosen`` carries the picked :class:`Choice` (or None when nothing matches)."""

    chosen = Signal(object)

    def __init__(self, db: Database, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self._choices: list[Choice] = []
        self._wanted: int | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Type part of the name or NIP"))
        self.search.setClearButtonEnabled(True)
        self.combo = QComboBox()
        self.combo.setMinimumContentsLength(40)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.combo)
        self.search.textEdited.connect(self._find)
        self.combo.currentIndexChanged.connect(self._picked)
        self._find("")

    def current(self) -> Choice | None:
        index = self.combo.currentIndex()
        return self._choices[index] if 0 <= index < len(self._choices) else None

    def select_id(self, contractor_id: int) -> None:
        """Show this contractor (once the list has it)."""
        self._wanted = contractor_id
        if not self._select_wanted():
            db = self._db
            self._ops.read(
                lambda: contractors.choice_of(db, contractor_id),
                on_success=self._show,
                key=f"pick-{id(self)}",
                owner=self,
                label="contractor picker",
            )

    def _find(self, text: str) -> None:
        db = self._db
        self._ops.read(
            lambda: contractors.choices(db, text),
            on_success=self._show,
            key=f"pick-{id(self)}",
            owner=self,
            label="contractor picker",
        )

    def _show(self, found: list[Choice]) -> None:
        before = self.current()
        self._choices = list(found)
        blocked = self.combo.blockSignals(True)
        self.combo.clear()
        for choice in found:
            label = f"{choice.name} ({choice.nip})" if choice.nip else choice.name
            self.combo.addItem(label, choice.id)
        self.combo.blockSignals(blocked)
        if not self._select_wanted():
            self.combo.setCurrentIndex(0 if found else -1)
        if self.current() != before or before is None:
            self._picked()

    def _select_wanted(self) -> bool:
        if self._wanted is None:
            return False
        index = self.combo.findData(self._wanted)
        if index < 0:
            return False
        self._wanted = None
        self.combo.setCurrentIndex(index)
        self._picked()
        return True

    def _picked(self, *_args: object) -> None:
        self.chosen.emit(self.current())
