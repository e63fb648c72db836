"""The template editor: a live preview against real data, line-numbered errors, the SMS counter."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextBlock, QTextTable
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services.dunning import templates_store
from desktop_app.settings import get_value
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.dunning_editors.conftest import Ledger
from ui.dunning import editors_menu
from ui.dunning.template_editor import TemplateEditor
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


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


def test_the_preview_follows_typing_and_shows_the_chosen_contractor(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    editor = _open(qtbot, window, "sms-classic/sms_overdue", "pl")
    assert "sample contractor" in editor.preview_note.text()
    editor.contractor_search.setText("nowak")
    qtbot.waitUntil(lambda: editor.contractor_combo.currentData() == ledger.nowak)
    editor.text_edit.setPlainText("Dla {{ contractor.name }}: {{ items[0].number }}")
    qtbot.waitUntil(
        lambda: editor.preview_plain_text() == "Dla Nowak Budownictwo Sp. z o.o.: FV/11/2026"
    )
    assert "Nowak Budownictwo" in editor.preview_note.text()
    assert editor.save_button.isEnabled()


def test_bad_syntax_is_shown_with_its_line_and_save_is_refused(
    qtbot: QtBot, window: MainWindow
) -> None:
    editor = _open(qtbot, window, "gentle-email/email_overdue", "en")
    assert editor.subject_stack.isVisible() and editor.parts.isTabVisible(1)
    editor.text_edit.setPlainText("Dear client,\n\n{% if items %}\nYou owe {{ totals|money }}\n")
    qtbot.waitUntil(lambda: bool(editor.problems()))
    problems = editor.problems()
    assert len(problems) == 1 and problems[0].startswith("Text: Line 4: syntax error")
    assert editor.problems_label.text() == problems[0]
    assert not editor.save_button.isEnabled()
    editor.text_edit.setPlainText("Dear client, you owe {{ totals|money }}.\n{{ contractor.nmae }}")
    qtbot.waitUntil(lambda: editor.problems() != problems)
    assert editor.problems() == ["Text: Line 2: Party has no field nmae"]
    assert not editor.save_button.isEnabled()


def test_the_sms_counter_switches_encoding_and_transliteration_wins_it_back(
    qtbot: QtBot, window: MainWindow, db: Database
) -> None:
    editor = _open(qtbot, window, "sms-classic/sms_due_today", "pl")
    assert editor.sms_box.isVisible()
    qtbot.waitUntil(lambda: editor.transliterate.isChecked())  # the setting's default
    editor.transliterate.setChecked(False)
    qtbot.waitUntil(lambda: get_value(db, "sms.transliterate") is False)
    editor.text_edit.setPlainText("Prosimy o wplate")
    qtbot.waitUntil(lambda: editor.preview_plain_text() == "Prosimy o wplate")
    assert editor.sms_counter.text() == "16 characters, 1 segment (GSM-7)"
    editor.text_edit.setPlainText("Prosimy o wpłatę")
    assert editor.sms_counter.text() == "16 characters, 1 segment (UCS-2)"
    qtbot.waitUntil(lambda: editor.preview_plain_text() == "Prosimy o wpłatę")
    assert editor.sms_counter.text() == "16 characters, 1 segment (UCS-2)"
    assert editor.sms_effect.text() == "with transliteration: 16 characters, 1 segment (GSM-7)"
    assert "ł" in editor.sms_counter.toolTip()
    editor.transliterate.setChecked(True)
    assert editor.sms_counter.text() == "16 characters, 1 segment (GSM-7)"
    assert editor.sms_effect.text().startswith("without transliteration:")
    qtbot.waitUntil(lambda: get_value(db, "sms.transliterate") is True)
    long_text = "Faktura zaległa. " * 5
    editor.text_edit.setPlainText(long_text)
    qtbot.waitUntil(lambda: editor.preview_plain_text() == long_text.strip())
    assert editor.sms_counter.text() == "84 characters, 1 segment (GSM-7)"
    assert editor.sms_effect.text() == "without transliteration: 84 characters, 2 segments (UCS-2)"


def test_saved_wording_is_marked_and_can_go_back_to_the_built_in_one(
    qtbot: QtBot, window: MainWindow, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = _open(qtbot, window, "sms-classic/sms_thanks", "en")
    assert not editor.revert_button.isEnabled()
    editor.text_edit.setPlainText("Thank you, {{ contractor.name }}!")
    qtbot.waitUntil(lambda: editor.save_button.isEnabled())
    editor.save_button.click()
    qtbot.waitUntil(lambda: editor.state_label.text() == "The firm's own wording")
    stored = templates_store.get_template(db, "sms-classic/sms_thanks", "en")
    assert stored.text == "Thank you, {{ contractor.name }}!"
    qtbot.waitUntil(
        lambda: (
            (item := editor.template_list.currentItem()) is not None
            and item.text(2) == "Customised"
        )
    )
    item = editor.template_list.currentItem()
    assert item is not None and item.toolTip(0) == "sms-classic/sms_thanks" and item.font(0).bold()
    assert editor.revert_button.isEnabled()

    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    editor.revert_button.click()
    qtbot.waitUntil(lambda: editor.state_label.text() == "The wording Inkaso ships")
    assert "Thank you, {{ contractor.name }}!" not in editor.text_edit.toPlainText()
    assert not any(
        i.customised
        for i in templates_store.list_templates(db)
        if i.name == "sms-classic/sms_thanks"
    )


def test_the_preview_words_each_due_date_by_its_state(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    """A preview said a due date "minął 5.01.2027", a date in the future."""
    editor = _open(qtbot, window, "sms-classic/sms_overdue", "pl")
    editor.contractor_search.setText("kowalski")  # FV/10/2026 is due on 30.11, eight days ahead
    qtbot.waitUntil(lambda: editor.contractor_combo.currentData() == ledger.kowalski)
    qtbot.waitUntil(lambda: "FV/10/2026" in editor.preview_plain_text())
    text = editor.preview_plain_text()
    assert "termin mija 30.11.2026" in text and "minął" not in text
    # the made-up contractor's invoices are in the state the template is written for
    editor.contractor_search.setText("")
    qtbot.waitUntil(lambda: editor.contractor_combo.currentData() is None)
    editor.select_template("gentle-email/email_before_due", "pl")
    qtbot.waitUntil(lambda: "Szanowni Państwo" in editor.preview_plain_text())
    text = editor.preview_plain_text()
    assert "(za 10 dni)" in text and "po terminie" not in text and "za 0 dni" not in text


def _line_breaks(block: QTextBlock) -> list[int]:
    layout = block.layout()
    assert layout is not None
    return [
        layout.lineAt(i).textStart() for i in range(1, layout.lineCount())
    ]  # where each line after the first starts


@pytest.mark.parametrize(
    ("language", "columns"),
    [
        ("pl", ["Faktura", "Termin płatności", "Do zapłaty"]),
        ("en", ["Invoice", "Due date", "Outstanding"]),
        ("ru", ["Счёт", "Срок оплаты", "К оплате"]),
    ],
)
def test_the_html_preview_never_breaks_a_word_in_the_table(
    qtbot: QtBot, window: MainWindow, language: str, columns: list[str]
) -> None:
    """Headers read "Fa ktu ra" once the table was wider than the preview."""
    editor = _open(qtbot, window, "gentle-email/email_overdue", language)
    qtbot.waitUntil(lambda: "<table" in editor.preview_html.toHtml())
    document = editor.preview_html.document()
    document.setTextWidth(300)  # a preview narrower than the table
    [table] = [f for f in document.rootFrame().childFrames() if isinstance(f, QTextTable)]
    headers = []
    for row in range(table.rows()):
        for column in range(table.columns()):
            block = table.cellAt(row, column).firstCursorPosition().block()
            text = block.text()
            if row == 0:
                headers.append(text)
            for start in _line_breaks(block):
                assert text[start - 1] in " \u2028", f"{text!r} broken at {start}"  # or <br>
    assert headers == columns
