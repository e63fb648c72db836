"""The simple template editor: office staff word a reminder with chips, never braces."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.messaging import template_blocks as tb
from desktop_app.services.dunning import templates_store
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.dunning_editors.conftest import TODAY, Ledger
from ui.dunning import editors_menu
from ui.dunning.template_editor import TemplateEditor
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

NAME = "sms-classic/sms_overdue"


def _open(qtbot: QtBot, window: MainWindow, name: str, language: str) -> TemplateEditor:
    editor = editors_menu.open_templates(window)
    qtbot.waitUntil(lambda: editor.template_list.topLevelItemCount() > 0)
    editor.select_template(name, language)
    qtbot.waitUntil(
        lambda: (
            editor._loaded is not None
            and (editor._loaded.name, editor._loaded.language) == (name, language)
        )
    )
    qtbot.waitUntil(lambda: bool(editor.preview_plain_text()))
    return editor


def test_an_office_worker_rewords_a_reminder_and_adds_the_amount_without_a_brace(
    qtbot: QtBot, window: MainWindow, db: Database, ledger: Ledger
) -> None:
    editor = _open(qtbot, window, NAME, "pl")
    assert editor.simple_available() and editor.parts.currentIndex() == 0
    simple = editor.simple_edit
    assert "{" not in simple.toPlainText() and "%" not in simple.toPlainText()
    # (QTest types ASCII only: the new wording has no Polish letters)
    # the clerk clicks at the start of the last sentence, selects it to the end of the line and
    # types the new wording, choosing «amount due» from the Insert field menu in the middle
    found = simple.document().find("Prosimy o wpłatę.")
    cursor = simple.textCursor()
    cursor.setPosition(found.selectionStart())
    simple.setTextCursor(cursor)
    simple.setFocus()
    qtbot.keyClick(simple, Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(simple, "Prosimy o przelew kwoty ")
    (amount,) = [a for a in editor.field_menu.actions() if a.data() == "amount_due"]
    assert amount.text() == "amount due"
    amount.trigger()
    qtbot.keyClicks(simple, " w terminie 7 dni.")
    expected = "Prosimy o przelew kwoty {{ totals|money }} w terminie 7 dni."
    assert expected in editor.text_edit.toPlainText()
    qtbot.waitUntil(editor.save_button.isEnabled)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: expected in templates_store.get_template(db, NAME, "pl").text)
    stored = templates_store.get_template(db, NAME, "pl")
    message = templates_store.preview(db, stored, ledger.nowak, TODAY, "email")
    assert "Prosimy o przelew kwoty 500,00\xa0zł w terminie 7 dni." in message.text


def test_a_chip_is_deleted_as_one_unit_and_a_condition_wraps_the_sentence(
    qtbot: QtBot, window: MainWindow
) -> None:
    editor = _open(qtbot, window, NAME, "pl")
    simple = editor.simple_edit
    simple.set_pieces([tb.Text("Zapłać "), tb.Field("amount_due"), tb.Text("!")])
    cursor = simple.textCursor()
    cursor.setPosition(len("Zapłać ") + 1)
    simple.setTextCursor(cursor)
    qtbot.keyClick(simple, Qt.Key.Key_Backspace)
    assert simple.pieces() == [tb.Text("Zapłać !")]

    simple.set_pieces(
        [tb.Text("Dzień dobry.\nProsimy o wpłatę "), tb.Field("amount_due"), tb.Text(".")]
    )
    cursor = simple.textCursor()
    cursor.setPosition(len("Dzień dobry.\n"))
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    simple.setTextCursor(cursor)
    (several,) = [a for a in editor.condition_menu.actions() if a.data() == "invoice_count"]
    several.trigger()
    sentence = "Prosimy o wpłatę {{ totals|money }}."
    assert editor.text_edit.toPlainText() == (
        "Dzień dobry.\n{% if items|length == 1 %}"
        + sentence
        + "{% else %}"
        + sentence
        + "{% endif %}"
    )
    # deleting the end marker alone leaves the condition without an end: save waits
    simple.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(simple, Qt.Key.Key_Backspace)
    assert "condition" in editor.problems_label.text()
    assert not editor.save_button.isEnabled()


def test_copied_text_keeps_its_chips_when_pasted(qtbot: QtBot, window: MainWindow) -> None:
    editor = _open(qtbot, window, NAME, "pl")
    simple = editor.simple_edit
    simple.set_pieces([tb.Text("Kwota "), tb.Field("amount_due"), tb.Text(".\n")])
    simple.selectAll()
    simple.copy()
    simple.moveCursor(QTextCursor.MoveOperation.End)
    simple.paste()
    assert tb.nest(simple.pieces()) == [
        tb.Text("Kwota "),
        tb.Field("amount_due"),
        tb.Text(".\nKwota "),
        tb.Field("amount_due"),
        tb.Text(".\n"),
    ]


def test_code_the_simple_editor_cannot_show_opens_in_the_advanced_tab_with_the_reason(
    qtbot: QtBot, window: MainWindow
) -> None:
    editor = _open(qtbot, window, NAME, "pl")
    editor.parts.setCurrentIndex(2)
    editor.text_edit.setPlainText("Uwaga: }} to nie kod {{ totals|money }}")
    editor.parts.setCurrentIndex(0)
    assert not editor.simple_available()
    assert "Advanced" in editor.simple_reason.text()


def test_an_e_mail_subject_is_edited_with_chips_too(qtbot: QtBot, window: MainWindow) -> None:
    editor = _open(qtbot, window, "gentle-email/email_overdue", "en")
    subject = editor.simple_subject
    assert subject.isVisible() and not editor.subject_edit.isVisible()
    assert "{" not in subject.toPlainText()
    before = editor.subject_edit.text()
    qtbot.mouseClick(subject.viewport(), Qt.MouseButton.LeftButton)
    subject.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(subject, "for ")
    (name,) = [a for a in editor.field_menu.actions() if a.data() == "contractor_name"]
    name.trigger()
    assert editor.subject_edit.text() == before + "for {{ contractor.name }}"
    assert "{{ contractor.name }}" not in editor.text_edit.toPlainText()
    qtbot.waitUntil(lambda: " for " in editor.preview_subject.text())
    editor.parts.setCurrentIndex(2)  # the Advanced tab shows the subject's code
    assert editor.subject_edit.isVisible() and not subject.isVisible()
