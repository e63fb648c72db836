"""On an empty database a user adds a contractor, an invoice due in the past and a partial
payment through the dialogs, typing into the real widgets, and sees the overdue amount in red."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.domain.money import format_money
from desktop_app.services import views
from tests.gui.conftest import OFFSCREEN_NOISE, shown_main_window
from tests.gui.entry.conftest import save, type_date, type_text
from ui import theme
from ui.entry.contractor_dialog import ContractorDialog
from ui.entry.invoice_dialog import InvoiceDialog
from ui.entry.payment_dialog import PaymentDialog
from ui.main_window import MainWindow
from ui.models.contractors_model import COLUMN
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

TODAY = dt.date(2026, 11, 22)


def test_empty_database_to_overdue_in_red_without_the_command_line(
    qtbot: QtBot, db: Database, ops: Operations, polish: None
) -> None:
    window: MainWindow = shown_main_window(qtbot, db, ops, TODAY, rows=0)
    qtbot.waitUntil(window.table.add_button.isVisible)

    # 1. the empty list's own button opens New contractor
    qtbot.mouseClick(window.table.add_button, Qt.MouseButton.LeftButton)
    dialog = window.entry.dialog
    assert isinstance(dialog, ContractorDialog)
    type_text(qtbot, dialog.name_edit, "Łódzkie Zakłady Mięsne Sp. z o.o.")
    qtbot.keyClicks(dialog.nip_edit, "526-025-02-75")
    assert not dialog.nip_valid()  # the check digit is wrong: said as it is typed
    qtbot.keyClick(dialog.nip_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.nip_edit, "4")
    assert dialog.nip_valid()
    assert "5260250274" in dialog.nip_hint.text()
    type_text(qtbot, dialog.emails.input, "biuro@lzm.pl")
    qtbot.keyClick(dialog.emails.input, Qt.Key.Key_Return)
    type_text(qtbot, dialog.phones.input, "501 234 567")
    qtbot.mouseClick(dialog.phones.add_button, Qt.MouseButton.LeftButton)
    assert dialog.emails.values() == ["biuro@lzm.pl"]
    assert dialog.phones.values() == ["501 234 567"], dialog.phones.input.text()
    save(qtbot, dialog.buttons)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and not window.model.loading)
    assert not window.table.add_button.isVisible()
    contractor = views.get_contractor(db, "5260250274")
    assert contractor.name == "Łódzkie Zakłady Mięsne Sp. z o.o."
    assert contractor.emails == ("biuro@lzm.pl",)
    assert contractor.phones == ("+48501234567",)

    # 2. Invoice > New invoice: due 14 days (the contractor's terms) after 1 October
    window.new_invoice_action.trigger()
    invoice_dialog = window.entry.dialog
    assert isinstance(invoice_dialog, InvoiceDialog)
    qtbot.waitUntil(lambda: invoice_dialog.picker.current() is not None)
    qtbot.keyClicks(invoice_dialog.number_edit, "FV/1/10/2026")
    type_date(qtbot, invoice_dialog.issue_edit, "1.10.2026")
    assert invoice_dialog.issue_edit.value() == dt.date(2026, 10, 1)
    assert invoice_dialog.instalments.date_edit(0).value() == dt.date(2026, 10, 15)
    qtbot.keyClicks(invoice_dialog.instalments.amount_edit(0), "1 234,56")
    assert invoice_dialog.gross_label.text().endswith(format_money(123_456, "PLN"))
    save(qtbot, invoice_dialog.buttons)
    qtbot.waitUntil(
        lambda: window.model.index(0, COLUMN["overdue"]).data() == format_money(123_456, "PLN")
    )

    # 3. Invoice > Record payment: 234,56 of it, shown against the invoice before saving
    window.record_payment_action.trigger()
    payment_dialog = window.entry.dialog
    assert isinstance(payment_dialog, PaymentDialog)
    qtbot.waitUntil(lambda: payment_dialog.picker.current() is not None)
    qtbot.keyClicks(payment_dialog.amount_edit, "234,56")
    qtbot.waitUntil(
        lambda: (
            payment_dialog.table.rowCount() == 1 and payment_dialog.pay_edit(0).text() == "234,56"
        )
    )
    assert payment_dialog.credit_label.text().endswith(format_money(0, "PLN"))
    type_text(qtbot, payment_dialog.title_edit, "FV/1/10/2026 część")
    save(qtbot, payment_dialog.buttons)

    qtbot.waitUntil(
        lambda: window.model.index(0, COLUMN["overdue"]).data() == format_money(100_000, "PLN")
    )
    overdue = window.model.index(0, COLUMN["overdue"])
    brush = overdue.data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush)
    assert brush.color() == theme.overdue_text()
