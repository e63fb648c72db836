"""Credit policy in the entry dialogs: the limit warning of a new invoice (saving still allowed)
and the suggested terms, accepted with one click and still open to change."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services import views
from tests.gui.conftest import OFFSCREEN_NOISE, shown_main_window
from tests.gui.entry.conftest import closed, save, type_text
from tests.helpers import D, contractor, invoice, pay
from ui.entry.contractor_dialog import ContractorDialog
from ui.main_window import MainWindow
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

TODAY = dt.date(2026, 11, 22)


def _window(qtbot: QtBot, db: Database, ops: Operations, rows: int = 1) -> MainWindow:
    return shown_main_window(qtbot, db, ops, TODAY, rows=rows)


def test_a_new_invoice_past_the_limit_is_warned_about_and_still_saved(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    cid = contractor(db, "Alfa", "5260250274", credit_limit_minor=100_000)
    invoice(db, cid, "FV/1", D(2026, 11, 1), (D(2026, 11, 15), 80_000))
    window = _window(qtbot, db, ops)
    dialog = window.entry.new_invoice(cid)
    qtbot.waitUntil(lambda: dialog.credit is not None)
    type_text(qtbot, dialog.number_edit, "FV/2")
    type_text(qtbot, dialog.instalments.amount_edit(0), "200")
    assert dialog.limit_warning.isHidden()  # 800 + 200 = the limit, not past it
    type_text(qtbot, dialog.instalments.amount_edit(0), "0")  # 2000
    assert not dialog.limit_warning.isHidden()
    text = dialog.limit_warning.text().replace("\xa0", " ")
    assert text == (
        "Warning: Alfa would owe PLN 2,800.00, PLN 1,800.00 over its credit limit of PLN 1,000.00"
    )
    save(qtbot, dialog.buttons)
    qtbot.waitUntil(lambda: closed(dialog))
    assert views.find_invoice(db, "FV/2", TODAY).gross_minor == 200_000


def test_accepting_prepayment_for_a_late_payer_sets_the_due_date_to_the_issue_date(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    cid = contractor(db, "Alfa", "5260250274", terms_days=21)
    for n, month in enumerate((6, 7, 8), start=1):
        invoice(db, cid, f"FV/{n}", D(2026, month, 1), (D(2026, month, 10), 10_000))
        pay(db, cid, D(2026, month + 2, 20), 10_000)
    window = _window(qtbot, db, ops)
    dialog = window.entry.new_invoice(cid)
    suggestion = dialog.terms_suggestion
    qtbot.waitUntil(lambda: suggestion.terms is not None)
    assert suggestion.isVisible()
    assert suggestion.label.text() == "Suggested terms: prepayment: rated 1 star, it pays late"
    assert dialog.instalments.date_edit(0).value() == TODAY + dt.timedelta(days=21)
    qtbot.mouseClick(suggestion.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.instalments.date_edit(0).value() == TODAY
    # the user may still override it
    dialog.instalments.date_edit(0).set_value(TODAY + dt.timedelta(days=7))
    assert dialog.instalments.date_edit(0).value() == TODAY + dt.timedelta(days=7)


def test_the_contractor_dialog_suggests_prepayment_for_a_new_one_and_keeps_the_limit(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    window = _window(qtbot, db, ops, rows=0)
    dialog = window.entry.new_contractor()
    assert isinstance(dialog, ContractorDialog)
    suggestion = dialog.terms_suggestion
    assert suggestion.isVisible()
    assert suggestion.label.text() == (
        "Suggested terms: prepayment: a new contractor, with no payment history yet"
    )
    assert dialog.terms_spin.value() == 14
    qtbot.mouseClick(suggestion.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.terms_spin.value() == 0
    type_text(qtbot, dialog.name_edit, "Beta")
    type_text(qtbot, dialog.nip_edit, "7740001454")
    type_text(qtbot, dialog.limit_edit, "5000")
    save(qtbot, dialog.buttons)
    qtbot.waitUntil(lambda: closed(dialog))
    found = views.get_contractor(db, "7740001454")
    assert (found.terms_days, found.credit_limit_minor) == (0, 500_000)
