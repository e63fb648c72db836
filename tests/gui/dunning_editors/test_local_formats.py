"""Dates and amounts in dialogs are read and typed as the user's language writes them (here
Polish)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.i18n import _, set_language
from desktop_app.services import views
from desktop_app.services.dunning import desk
from desktop_app.services.firm import FirmInput, save_firm
from desktop_app.settings import get_value
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.dunning_editors.conftest import TODAY, Ledger
from ui.card.contractor_card import ContractorCardWindow
from ui.card.dunning_dialogs import PromiseDialog
from ui.dunning.settings_dialog import SettingsDialog
from ui.dunning.tasks_view import NewTaskDialog
from ui.main_window import MainWindow
from ui.operations import Operations
from ui.widgets.date_edit import DateEdit

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

NBSP = "\u00a0"


@pytest.fixture
def polish() -> Iterator[None]:
    """The interface in Polish, as ``inkaso-gui --lang pl`` sets it up (gettext and QLocale)."""
    before = QLocale()
    set_language("pl")
    QLocale.setDefault(QLocale("pl_PL"))
    yield
    QLocale.setDefault(before)
    set_language("en")


def _open(qtbot: QtBot, window: MainWindow, contractor_id: int) -> ContractorCardWindow:
    card = window.open_card(contractor_id)
    qtbot.waitUntil(lambda: card.card is not None and card.dunning is not None)
    return card


def _pick(qtbot: QtBot, edit: DateEdit, day: dt.date) -> None:
    """Choose a day in the field's calendar popup, as a click on it does."""
    calendar = edit.calendarWidget()
    calendar.setSelectedDate(QDate(day.year, day.month, day.day))
    calendar.activated.emit(calendar.selectedDate())


def _assert_polish_date_field(edit: DateEdit, shown: str) -> None:
    assert edit.displayFormat() == "d.MM.yyyy"
    assert edit.text() == shown
    assert edit.calendarPopup()
    calendar = edit.calendarWidget()
    assert calendar.locale().name() == "pl_PL"
    assert calendar.firstDayOfWeek() == Qt.DayOfWeek.Monday


def test_a_promise_is_typed_and_read_in_polish(
    qtbot: QtBot, window: MainWindow, ledger: Ledger, db: Database, polish: None
) -> None:
    card = _open(qtbot, window, ledger.kowalski)
    card.promise_button.click()
    dialog = card.promise_dialog
    assert isinstance(dialog, PromiseDialog)
    # the open amount suggested as Polish writes it, not "1230.00"
    assert dialog.amount_edit.text() == f"1{NBSP}230,00"
    assert dialog.amount_edit.placeholderText() == f"1{NBSP}234,56"
    _assert_polish_date_field(dialog.date_edit, "29.11.2026")
    _pick(qtbot, dialog.date_edit, dt.date(2026, 12, 4))
    assert dialog.date_edit.text() == "4.12.2026"

    dialog.amount_edit.clear()
    qtbot.keyClicks(dialog.amount_edit, "12,34,5")
    dialog.add_button.click()
    assert dialog.error.text() == _("Not an amount: {text}").format(text="12,34,5")
    assert dialog.error.text() != "Not an amount: 12,34,5"  # said in Polish

    dialog.amount_edit.clear()
    qtbot.keyClicks(dialog.amount_edit, "1 234,56")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: len(desk.contractor_dunning(db, ledger.kowalski).promises) == 1)
    (promise,) = desk.contractor_dunning(db, ledger.kowalski).promises
    assert (promise.amount_minor, promise.due_on) == (123_456, dt.date(2026, 12, 4))
    qtbot.waitUntil(lambda: dialog.promises.topLevelItemCount() == 1)
    row = dialog.promises.topLevelItem(0)
    assert row is not None
    assert (row.text(0), row.text(1)) == ("4.12.2026", f"1{NBSP}234,56{NBSP}zł")


def test_an_amount_is_tidied_into_the_polish_form_when_the_field_is_left(
    qtbot: QtBot, polish: None
) -> None:
    dialog = PromiseDialog(today=TODAY, currencies=["PLN", "EUR"], suggested={})
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.amount_edit, "1234.5")  # the numeric keypad's decimal key
    dialog.amount_edit.editingFinished.emit()
    assert dialog.amount_edit.text() == f"1{NBSP}234,50"
    dialog.currency.setCurrentText("EUR")
    assert dialog.amount_edit.minor() == 123_450
    assert dialog.amount_edit.currency == "EUR"


def test_in_english_the_same_field_takes_english_amounts(qtbot: QtBot) -> None:
    dialog = PromiseDialog(today=TODAY, currencies=["PLN"], suggested={"PLN": 98_214_142})
    qtbot.addWidget(dialog)
    assert dialog.amount_edit.text() == "982,141.42"
    assert dialog.date_edit.text() == "29/11/2026"
    dialog.amount_edit.clear()
    qtbot.keyClicks(dialog.amount_edit, "1,234.56")
    with qtbot.waitSignal(dialog.promise_requested) as blocker:
        dialog.add_button.click()
    assert blocker.args[1] == 123_456


def test_the_pause_until_day_is_a_polish_date(
    qtbot: QtBot, window: MainWindow, ledger: Ledger, db: Database, polish: None
) -> None:
    card = _open(qtbot, window, ledger.kowalski)
    card.pause_button.click()
    dialog = card.pause_dialog
    assert dialog is not None and dialog.until_edit is not None
    _assert_polish_date_field(dialog.until_edit, "6.12.2026")
    _pick(qtbot, dialog.until_edit, dt.date(2027, 1, 15))
    assert dialog.until_edit.text() == "15.01.2027"
    dialog.reason_edit.setText("Zapłaci po świętach")
    dialog.accept()
    qtbot.waitUntil(lambda: views.get_contractor(db, ledger.kowalski).paused_until is not None)
    assert views.get_contractor(db, ledger.kowalski).paused_until == dt.date(2027, 1, 15)


def test_a_new_tasks_due_day_is_a_polish_date(qtbot: QtBot, polish: None) -> None:
    dialog = NewTaskDialog([], None, dt.date(2026, 12, 1), None)
    qtbot.addWidget(dialog)
    _assert_polish_date_field(dialog.due, "1.12.2026")
    _pick(qtbot, dialog.due, dt.date(2026, 12, 24))
    dialog.title.setText("Zadzwonić w sprawie FV/10/2026")
    assert dialog.values()[1] == dt.date(2026, 12, 24)


def test_settings_show_the_firms_phone_and_the_start_day_in_polish(
    qtbot: QtBot, db: Database, ops: Operations, polish: None
) -> None:
    save_firm(db, FirmInput(name="Hurtownia Pol-Mak", phone="501 234 567"))
    dialog = SettingsDialog(db, ops)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.ready)
    assert dialog.fields["firm.phone"].text() == "+48 501 234 567"
    start = dialog.fields["dunning.start_date"]
    start.set_text("2026-03-01")
    day = start.day  # type: ignore[attr-defined]
    _assert_polish_date_field(day, "1.03.2026")
    _pick(qtbot, day, dt.date(2026, 2, 2))
    with qtbot.waitSignal(dialog.saved):
        assert dialog.save()
    assert get_value(db, "dunning.start_date") == "2026-02-02"
    assert get_value(db, "firm.timezone") == "Europe/Warsaw"  # nothing else changed
