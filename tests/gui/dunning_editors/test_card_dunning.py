"""Card actions change the data through the services; the timeline shows what was sent."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services import views
from desktop_app.services.dunning import desk, promises
from desktop_app.settings import set_value
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.dunning_editors.conftest import TODAY, Ledger
from tests.integration.smtp_server import Recorder, smtp_server
from ui.card.contractor_card import ContractorCardWindow
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _open(qtbot: QtBot, window: MainWindow, contractor_id: int) -> ContractorCardWindow:
    card = window.open_card(contractor_id)
    qtbot.waitUntil(lambda: card.card is not None and card.dunning is not None)
    return card


def test_pause_and_resume_collection(
    qtbot: QtBot, window: MainWindow, ledger: Ledger, db: Database
) -> None:
    card = _open(qtbot, window, ledger.kowalski)
    assert card.pause_button.text() == "&Pause collection…"
    card.pause_button.click()
    dialog = card.pause_dialog
    assert dialog is not None and dialog.until() == TODAY + dt.timedelta(days=14)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()  # a reason is required
    dialog.reason_edit.setText("Zapłaci po świętach")
    dialog.accept()
    qtbot.waitUntil(lambda: card.pause_button.text() == "Resume collection")
    person = views.get_contractor(db, ledger.kowalski)
    assert person.paused_until == TODAY + dt.timedelta(days=14)
    assert person.pause_reason == "Zapłaci po świętach"
    assert "Collection paused until" in card.notice_label.text()
    card.pause_button.click()
    qtbot.waitUntil(lambda: card.pause_button.text() == "&Pause collection…")
    assert views.get_contractor(db, ledger.kowalski).paused_until is None


def test_promise_to_pay_is_recorded_listed_and_cancelled(
    qtbot: QtBot, window: MainWindow, ledger: Ledger, db: Database
) -> None:
    card = _open(qtbot, window, ledger.nowak)
    card.promise_button.click()
    dialog = card.promise_dialog
    assert dialog is not None
    assert dialog.amount_edit.text() == "500.00"  # the overdue amount is suggested
    dialog.amount_edit.setText("abc")
    dialog.add_button.click()
    assert dialog.error.text() == "Not an amount: abc"
    dialog.amount_edit.setText("300")
    dialog.note_edit.setText("Telefonicznie")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.promises.topLevelItemCount() == 1)
    (promise,) = desk.contractor_dunning(db, ledger.nowak).promises
    assert (promise.amount_minor, promise.due_on, promise.status, promise.note) == (
        30_000,
        TODAY + dt.timedelta(days=7),
        "open",
        "Telefonicznie",
    )
    assert "Promised to pay" in card.notice_label.text()
    dialog.promises.setCurrentItem(dialog.promises.topLevelItem(0))
    assert dialog.cancel_button.isEnabled()
    dialog.cancel_button.click()
    qtbot.waitUntil(
        lambda: desk.contractor_dunning(db, ledger.nowak).promises[0].status == "cancelled"
    )
    qtbot.waitUntil(lambda: dialog.promises.topLevelItem(0).text(2) == "Cancelled")  # type: ignore[union-attr]
    dialog.close()


def test_dispute_and_pause_an_invoice_from_its_row(
    qtbot: QtBot, window: MainWindow, ledger: Ledger, db: Database
) -> None:
    card = _open(qtbot, window, ledger.nowak)
    (invoice_id,) = card.dunning.flags  # type: ignore[union-attr]
    card.set_dispute("FV/11/2026", True)
    dialog = card.invoice_dialog
    assert dialog is not None
    dialog.reason_edit.setText("Towar uszkodzony")
    dialog.accept()
    qtbot.waitUntil(lambda: "disputed" in card.invoices_tree.topLevelItem(0).text(7))  # type: ignore[union-attr]
    flags = desk.contractor_dunning(db, ledger.nowak).flags[invoice_id]
    assert flags.disputed and flags.dispute_reason == "Towar uszkodzony"
    card.set_dispute("FV/11/2026", False)
    qtbot.waitUntil(
        lambda: not desk.contractor_dunning(db, ledger.nowak).flags[invoice_id].disputed
    )

    card.pause_invoice("FV/11/2026", True)
    dialog = card.invoice_dialog
    assert dialog is not None
    dialog.reason_edit.setText("Korekta w drodze")
    dialog.accept()
    qtbot.waitUntil(lambda: "reminders paused until" in card.invoices_tree.topLevelItem(0).text(7))  # type: ignore[union-attr]
    flags = desk.contractor_dunning(db, ledger.nowak).flags[invoice_id]
    assert flags.paused_until == TODAY + dt.timedelta(days=14)


def test_send_a_reminder_now_by_email_shows_in_the_timeline(
    qtbot: QtBot, window: MainWindow, ledger: Ledger, db: Database
) -> None:
    recorder = Recorder()
    with smtp_server(recorder) as smtp:
        for key, value in {
            "smtp.host": "127.0.0.1",
            "smtp.port": str(smtp.port),
            "smtp.security": "plain",
            "smtp.from": "windykacja@hurtownia.example.com",
        }.items():
            set_value(db, key, value)
        card = _open(qtbot, window, ledger.nowak)
        assert card.dunning is not None and card.dunning.channels == {"email"}
        assert card.communication.message_count() == 0
        card.send_button.click()
        dialog = card.send_dialog
        assert dialog is not None and dialog.current_channel() == "email"
        qtbot.waitUntil(lambda: dialog.send_button.isEnabled())
        assert "ksiegowosc@nowak.pl" in dialog.summary.text()
        assert "FV/11/2026" in dialog.summary.text()
        dialog.send_button.click()
        qtbot.waitUntil(lambda: card.communication.message_count() == 1, timeout=10_000)
    assert len(recorder.messages) == 1
    assert recorder.messages[0].rcpt_tos == ["ksiegowosc@nowak.pl"]
    (row,) = card.communication.row_texts()
    assert row[1:3] == ["E-mail", "Sent"]
    assert row[4] == "ksiegowosc@nowak.pl"
    assert "FV/11/2026" in card.communication.text.toPlainText()
    assert card.tabs.tabText(3) == "Communication (1)"
    (message,) = desk.contractor_dunning(db, ledger.nowak).messages
    assert message.status == "sent" and message.step == "manual"


def test_send_now_while_a_promise_holds_names_it_and_asks_before_sending(
    qtbot: QtBot, window: MainWindow, ledger: Ledger, db: Database
) -> None:
    promises.add_promise(
        db,
        contractor=ledger.nowak,
        due_on=TODAY + dt.timedelta(days=5),
        amount_minor=30_000,
        currency="PLN",
        today=TODAY,
    )
    recorder = Recorder()
    with smtp_server(recorder) as smtp:
        for key, value in {
            "smtp.host": "127.0.0.1",
            "smtp.port": str(smtp.port),
            "smtp.security": "plain",
            "smtp.from": "windykacja@hurtownia.example.com",
        }.items():
            set_value(db, key, value)
        card = _open(qtbot, window, ledger.nowak)
        card.send_button.click()
        dialog = card.send_dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.send_button.isEnabled())
        assert dialog.warnings == ("the contractor promised to pay 300.00 PLN by 27/11/2026",)
        assert "promised to pay 300.00 PLN" in dialog.warning.text()
        assert dialog.send_button.text() == "&Send anyway…"
        # the overdue invoice gets the overdue wording
        assert "nie odnotowaliśmy jeszcze wpłaty" in dialog.body.toPlainText()
        dialog.send_button.click()
        box = dialog.confirm_box
        assert box is not None and "promised to pay" in box.text()
        box.button(QMessageBox.StandardButton.No).click()
        assert recorder.messages == [] and dialog.isVisible()
        dialog.send_button.click()
        box = dialog.confirm_box
        assert box is not None
        box.button(QMessageBox.StandardButton.Yes).click()
        qtbot.waitUntil(lambda: card.communication.message_count() == 1, timeout=10_000)
    assert [m.rcpt_tos for m in recorder.messages] == [["ksiegowosc@nowak.pl"]]


def test_before_sending_is_set_up_the_reminder_can_be_read_but_not_sent(
    qtbot: QtBot, window: MainWindow, ledger: Ledger, db: Database
) -> None:
    """On a fresh demo nothing is set up yet: the owner still sees the overdue reminder that
    would go out, with the promise named, and learns why it cannot be sent."""
    promises.add_promise(
        db,
        contractor=ledger.nowak,
        due_on=TODAY + dt.timedelta(days=5),
        amount_minor=30_000,
        currency="PLN",
        today=TODAY,
    )
    card = _open(qtbot, window, ledger.nowak)
    card.send_button.click()
    dialog = card.send_dialog
    assert dialog is not None
    assert dialog.channel.itemText(0) == "E-mail (not set up)"
    qtbot.waitUntil(lambda: "nie odnotowaliśmy jeszcze wpłaty" in dialog.body.toPlainText())
    assert dialog.warnings == ("the contractor promised to pay 300.00 PLN by 27/11/2026",)
    assert dialog.not_set_up.isVisibleTo(dialog)
    assert not dialog.send_button.isEnabled()
