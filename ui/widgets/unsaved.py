"""The question every editor asks before unsaved changes would be lost."""

from __future__ import annotations

from typing import Literal

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.i18n import _

Answer = Literal["save", "discard", "cancel"]


def ask_to_save(parent: QWidget, question: str, cannot_save: str | None = None) -> Answer:
    """Save / Discard / Cancel; when ``cannot_save`` explains why saving is impossible,
    Save is offered disabled and Cancel is the default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Unsaved changes"))
    box.setText(question)
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
    box.setDefaultButton(buttons.Save)
    if cannot_save:
        box.button(buttons.Save).setEnabled(False)
        box.setInformativeText(cannot_save)
        box.setDefaultButton(buttons.Cancel)
    answer = box.exec()
    if answer == buttons.Save:
        return "save"
    if answer == buttons.Discard:
        return "discard"
    return "cancel"
