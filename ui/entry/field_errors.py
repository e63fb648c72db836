"""A service's refusal shown where it belongs: next to the field it names, in the dialog."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QLabel, QWidget

from desktop_app.errors import InkasoError
from ui import theme
from ui.errors import show_error

log = logging.getLogger(__name__)


def error_label() -> QLabel:
    """A red sentence under a field (hidden while there is nothing to say)."""
    label = QLabel()
    label.setWordWrap(True)
    pal = label.palette()
    pal.setColor(label.foregroundRole(), theme.overdue_text())
    label.setPalette(pal)
    label.hide()
    return label


class FieldErrors:
    """Maps a ValidationError's ``field`` to the widget and the label beside it; anything without
    a known field goes to the dialog's general label, anything not ours to the crash dialog."""

    def __init__(self, general: QLabel) -> None:
        self.general = general
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}

    def add(self, field: str, widget: QWidget, label: QLabel, *aliases: str) -> None:
        for name in (field, *aliases):
            self._fields[name] = (widget, label)

    def clear(self) -> None:
        self.general.hide()
        for _widget, label in self._fields.values():
            label.hide()

    def show(self, exc: BaseException, parent: QWidget | None = None) -> None:
        self.clear()
        if not isinstance(exc, InkasoError):
            show_error(exc, parent)
            return
        log.info("shown in the dialog: %s", exc.message)
        target = self._fields.get(exc.field or "")
        if target is None:
            self.general.setText(exc.message)
            self.general.show()
            return
        widget, label = target
        label.setText(exc.message)
        label.show()
        widget.setFocus()

    def message(self, field: str) -> str:
        target = self._fields.get(field)
        return target[1].text() if target is not None and target[1].isVisible() else ""
