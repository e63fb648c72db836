"""A search field that filters as you type, without a query per keystroke."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop_app.i18n import _
from resources import resource_path

#: long enough to swallow a burst of typing, short enough to feel instant
DEBOUNCE_MS = 180


class SearchBox(QLineEdit):
    """Emits :attr:`query_changed` once typing pauses; Enter searches at once (and says so with
    :attr:`entered`), Esc clears, Down hands the keyboard to the list below."""

    query_changed = Signal(str)
    down_pressed = Signal()
    #: Enter was pressed; the search for the text typed so far has been asked for
    entered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("Search by name, city, NIP, e-mail or phone  (Ctrl+F)"))
        self.setClearButtonEnabled(True)
        self.addAction(
            QIcon(str(resource_path("icons", "search.svg"))),
            QLineEdit.ActionPosition.LeadingPosition,
        )
        self.setAccessibleName(_("Search contractors"))
        self._last = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self.textChanged.connect(lambda _text: self._timer.start())
        self.returnPressed.connect(self._enter)

    def _emit(self) -> None:
        self._timer.stop()
        text = self.text().strip()
        if text != self._last:
            self._last = text
            self.query_changed.emit(text)

    def _enter(self) -> None:
        self._emit()
        self.entered.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            self._emit()
            return
        if event.key() == Qt.Key.Key_Down:
            self._emit()
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)
