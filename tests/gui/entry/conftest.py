"""Typing into the entry dialogs as a person does, Polish letters included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDateEdit, QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.i18n import set_language


@pytest.fixture
def polish() -> Iterator[None]:
    """Dates and amounts typed the Polish way: "01.10.2026", "1 234,56"."""
    set_language("pl")
    yield
    set_language("en")


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Key presses for ``text``; QTest types ASCII only, so other letters are sent as the key
    events a keyboard layout with them produces."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def retype(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Select what the field holds and type over it."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, widget, text)


def type_date(qtbot: QtBot, edit: QDateEdit, text: str) -> None:
    """A date typed from its first section on, as the field shows dates ("1.10.2026")."""
    edit.setFocus()
    edit.setCurrentSectionIndex(0)
    edit.setSelectedSection(edit.sectionAt(0))
    qtbot.keyClicks(edit, text)


def closed(widget: QWidget) -> bool:
    """Gone or hidden (a dialog deletes itself when it closes)."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


def save(qtbot: QtBot, buttons: QDialogButtonBox) -> None:
    qtbot.mouseClick(
        buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )
