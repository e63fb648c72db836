"""Editing, deleting with Undo, a refusal shown by its field, and an allocation changed by hand
before the payment is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.domain.money import format_money
from desktop_app.services import views
from tests.gui.conftest import OFFSCREEN_NOISE, shown_main_window
from tests.gui.entry.conftest import closed, save, type_text
from tests.helpers import D, contractor, invoice, pay
from ui.entry.contractor_dialog import ContractorDialog
from ui.entry.invoice_dialog import InvoiceDialog
from ui.entry.payment_dialog import PaymentDialog
from ui.main_window import MainWindow
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

TODAY = dt.date(2026, 11, 22)


def _window(qtbot: QtBot, db: Database, ops: Operations, rows: int) -> MainWindow:
    return shown_main_window(qtbot, db, ops, TODAY, rows=rows)


def _card_open(db: Database, cid: int) -> dict[str, list[int]]:
    card = views.contractor_card(db, cid, TODAY)
    return {i.number: [p.open_minor for p in i.instalments] for i in card.invoices}


def test_edit_from_the_card_updates_the_card(qtbot: QtBot, db: Database, ops: Operations) -> None:
    cid = contractor(db, "Alfa", "5260250274", emails=["a@alfa.pl"])
    window = _window(qtbot, db, ops, 1)
    card = window.open_card(cid)
    qtbot.waitUntil(lambda: card.card is not None)
    qtbot.mouseClick(card.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(window.entry.dialog, ContractorDialog))
    dialog = window.entry.dialog
    assert isinstance(dialog, ContractorDialog)
    assert dialog.emails.values() == ["a@alfa.pl"]
    dialog.name_edit.clear()
    type_text(qtbot, dialog.name_edit, "Alfa Sp. z o.o. – Kraków")
    dialog.terms_spin.setValue(30)
    save(qtbot, dialog.buttons)
    qtbot.waitUntil(lambda: card.name_label.text() == "Alfa Sp. z o.o. – Kraków")
    assert views.get_contractor(db, cid).terms_days == 30


def test_a_refusal_is_shown_next_to_its_field_and_the_dialog_stays(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    contractor(db, "Alfa", "5260250274")
    window = _window(qtbot, db, ops, 1)
    window.new_contractor_action.trigger()
    dialog = window.entry.dialog
    assert isinstance(dialog, ContractorDialog)
    type_text(qtbot, dialog.name_edit, "Beta")
    type_text(qtbot, dialog.nip_edit, "526 025 02 74")
    save(qtbot, dialog.buttons)
    qtbot.waitUntil(lambda: bool(dialog.errors.message("nip")))
    assert "5260250274" in dialog.errors.message("nip")
    assert dialog.isVisible()
    assert dialog.buttons.isEnabled()


def test_delete_an_invoice_from_the_card_and_undo_it(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    cid = contractor(db, "Alfa", "5260250274")
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    invoice(db, cid, "FV/2", D(2026, 9, 5), (D(2026, 9, 30), 8_000))
    pay(db, cid, D(2026, 9, 10), 10_000)
    window = _window(qtbot, db, ops, 1)
    card = window.open_card(cid)
    qtbot.waitUntil(lambda: card.card is not None)
    window.entry.delete_invoice("FV/1", card)
    box = window.entry.dialog
    assert isinstance(box, QMessageBox)
    assert "FV/1" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.undo_button.isVisible)
    assert window.undo_label.text() == "Invoice FV/1 deleted"
    assert window.entry.undo_action.isEnabled()
    qtbot.waitUntil(lambda: card.card is not None and len(card.card.invoices) == 1)
    assert _card_open(db, cid) == {"FV/2": [0]}  # its payment now pays FV/2
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.undo_button.isVisible())
    qtbot.waitUntil(lambda: card.card is not None and len(card.card.invoices) == 2)
    assert _card_open(db, cid) == {"FV/2": [8_000], "FV/1": [0]}
    assert not window.entry.undo_action.isEnabled()


def test_delete_contractor_from_the_menu_and_undo_with_the_edit_menu(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    contractor(db, "Alfa", "5260250274", emails=["a@alfa.pl"], tags=["VIP"])
    window = _window(qtbot, db, ops, 1)
    window.delete_contractor_action.trigger()
    box = window.entry.dialog
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 0 and not window.model.loading)
    qtbot.waitUntil(window.table.add_button.isVisible)
    window.entry.undo_action.trigger()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and not window.model.loading)
    restored = views.get_contractor(db, "5260250274")
    assert (restored.emails, restored.tags) == (("a@alfa.pl",), ("VIP",))


def test_the_allocation_is_changed_by_hand_before_saving(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    cid = contractor(db, "Alfa", "5260250274")
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    invoice(db, cid, "FV/2", D(2026, 9, 5), (D(2026, 9, 30), 8_000))
    window = _window(qtbot, db, ops, 1)
    dialog = window.entry.record_payment(cid)
    assert isinstance(dialog, PaymentDialog)
    qtbot.waitUntil(lambda: dialog.picker.current() is not None)
    type_text(qtbot, dialog.amount_edit, "100.00")
    # the rule pays the oldest first: all of it to FV/1
    qtbot.waitUntil(
        lambda: dialog.table.rowCount() == 2 and dialog.pay_edit(0).minor_or_none() == 10_000
    )
    assert dialog.pay_edit(1).text() == ""
    # the clerk knows the money was for FV/2
    dialog.pay_edit(0).clear()
    type_text(qtbot, dialog.pay_edit(0), "0")
    type_text(qtbot, dialog.pay_edit(1), "80")
    assert dialog.chosen_by_hand
    assert dialog.credit_label.text() == f"Left as credit: {format_money(2_000, 'PLN')}"
    save(qtbot, dialog.buttons)
    qtbot.waitUntil(lambda: closed(dialog))
    assert _card_open(db, cid) == {"FV/2": [0], "FV/1": [10_000]}
    card = views.contractor_card(db, cid, TODAY)
    assert card.balance("PLN").credit_minor == 2_000


def test_more_than_the_payment_is_refused_by_the_table(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    cid = contractor(db, "Alfa", "5260250274")
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    invoice(db, cid, "FV/2", D(2026, 9, 5), (D(2026, 9, 30), 8_000))
    window = _window(qtbot, db, ops, 1)
    dialog = window.entry.record_payment(cid)
    qtbot.waitUntil(lambda: dialog.picker.current() is not None)
    type_text(qtbot, dialog.amount_edit, "100")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2 and dialog.pay_edit(0).text() != "")
    type_text(qtbot, dialog.pay_edit(1), "80")
    assert "more than the payment brings" in dialog.credit_label.text()
    save(qtbot, dialog.buttons)
    qtbot.waitUntil(lambda: bool(dialog.errors.message("allocation")))
    assert dialog.isVisible()
    assert _card_open(db, cid) == {"FV/2": [8_000], "FV/1": [10_000]}


def test_edit_invoice_from_the_card_menu(qtbot: QtBot, db: Database, ops: Operations) -> None:
    cid = contractor(db, "Alfa", "5260250274")
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    window = _window(qtbot, db, ops, 1)
    window.entry.edit_invoice("FV/1")
    qtbot.waitUntil(lambda: isinstance(window.entry.dialog, InvoiceDialog))
    dialog = window.entry.dialog
    assert isinstance(dialog, InvoiceDialog)
    qtbot.waitUntil(lambda: dialog.picker.current() is not None)
    assert dialog.instalments.rowCount() == 1
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    type_text(qtbot, dialog.instalments.amount_edit(1), "50")
    assert dialog.gross_label.text().endswith(format_money(15_000, "PLN"))
    save(qtbot, dialog.buttons)
    qtbot.waitUntil(lambda: closed(dialog))
    edited = views.find_invoice(db, "FV/1", TODAY)
    assert [p.amount_minor for p in edited.instalments] == [10_000, 5_000]
    assert edited.gross_minor == 15_000


def test_delete_a_payment_and_undo_it(qtbot: QtBot, db: Database, ops: Operations) -> None:
    cid = contractor(db, "Alfa", "5260250274")
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    payment_id = pay(db, cid, D(2026, 10, 1), 4_000)
    window = _window(qtbot, db, ops, 1)
    card = window.open_card(cid)
    qtbot.waitUntil(lambda: card.card is not None and len(card.card.payments) == 1)
    item = card.payments_tree.topLevelItem(0)
    assert item is not None
    window.entry.delete_payment(payment_id, item.text(1), card)
    box = window.entry.dialog
    assert isinstance(box, QMessageBox)
    assert format_money(4_000, "PLN") in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: card.card is not None and not card.card.payments)
    assert _card_open(db, cid) == {"FV/1": [10_000]}
    window.entry.undo()
    qtbot.waitUntil(lambda: card.card is not None and len(card.card.payments) == 1)
    assert _card_open(db, cid) == {"FV/1": [6_000]}


def test_the_card_of_a_deleted_contractor_closes(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    cid = contractor(db, "Alfa", "5260250274")
    window = _window(qtbot, db, ops, 1)
    card = window.open_card(cid)
    qtbot.waitUntil(lambda: card.card is not None)
    window.entry.delete_contractor(cid, "Alfa")
    box = window.entry.dialog
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cid not in window.cards())


def test_a_correction_that_lowers_an_invoice(qtbot: QtBot, db: Database, ops: Operations) -> None:
    cid = contractor(db, "Alfa", "5260250274")
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    window = _window(qtbot, db, ops, 1)
    dialog = window.entry.new_invoice(cid)
    qtbot.waitUntil(lambda: dialog.picker.current() is not None)
    type_text(qtbot, dialog.number_edit, "KOR/1")
    qtbot.mouseClick(dialog.correction_check, Qt.MouseButton.LeftButton)
    type_text(qtbot, dialog.corrects_edit, "FV/1")
    type_text(qtbot, dialog.difference_edit, "-25")
    assert not dialog.instalments.isEnabled()  # a lowering correction has no due dates
    assert dialog.gross_label.text().endswith(format_money(-2_500, "PLN"))
    save(qtbot, dialog.buttons)
    qtbot.waitUntil(lambda: closed(dialog))
    assert _card_open(db, cid) == {"KOR/1": [], "FV/1": [7_500]}


def test_the_correction_checkbox_reads_without_a_colon(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    window = _window(qtbot, db, ops, 0)
    dialog = window.entry.new_invoice()
    assert not dialog.correction_check.text().rstrip().endswith(":")
