"""Tools → Users… and Contractor → Assign account manager… driven as a person does."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.models import Contractor
from db.uow import Database
from desktop_app.services import contractors, users
from desktop_app.services.contractors import ContractorInput
from desktop_app.services.users import UserInput
from tests.gui.conftest import OFFSCREEN_NOISE, shown_main_window
from tests.gui.entry.conftest import closed, retype, save
from ui.operations import Operations
from ui.users.dialogs import AbsenceDialog, UserDialog
from ui.users.window import UsersWindow

TODAY = dt.date(2026, 12, 1)
pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _users_window(qtbot: QtBot, db: Database, ops: Operations) -> UsersWindow:
    window = UsersWindow(db, ops, today=lambda: TODAY)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.loaded):
        window.show()
    return window


def _rows(window: UsersWindow) -> list[list[str]]:
    tree = window.tree
    return [
        [tree.topLevelItem(n).text(c) for c in range(tree.columnCount())]  # type: ignore[union-attr]
        for n in range(tree.topLevelItemCount())
    ]


def test_add_a_user_with_checked_fields_and_mark_them_away(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    users.ensure_first_user(db, "szef", "Jan Szef")
    window = _users_window(qtbot, db, ops)
    assert [r[:3] for r in _rows(window)] == [["Jan Szef", "szef", "Owner"]]

    dialog = window.ask_add()
    retype(qtbot, dialog.name_edit, "Anna Wiśniewska")
    retype(qtbot, dialog.login_edit, "SZEF")
    retype(qtbot, dialog.email_edit, "anna@")
    save(qtbot, dialog.buttons)
    # the first refusal is shown beside its field; the dialog stays open
    qtbot.waitUntil(lambda: dialog.errors.message("email") != "")
    assert "anna@" in dialog.errors.message("email")
    retype(qtbot, dialog.email_edit, "anna@firma.pl")
    save(qtbot, dialog.buttons)
    qtbot.waitUntil(lambda: dialog.errors.message("login") != "")
    assert "Jan Szef" in dialog.errors.message("login")
    retype(qtbot, dialog.login_edit, "anna")
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("ru"))
    with qtbot.waitSignal(window.loaded):
        save(qtbot, dialog.buttons)
    qtbot.waitUntil(lambda: closed(dialog))
    assert ["Anna Wiśniewska", "anna", "Account manager", "anna@firma.pl", "", ""] in _rows(window)
    assert users.get_user(db, "anna").language == "ru"
    assert window.selected_user() is not None and window.selected_user().login == "anna"  # type: ignore[union-attr]

    absence = window.ask_absence()
    assert isinstance(absence, AbsenceDialog)
    assert absence.deputy.currentText() == "Jan Szef"
    absence.first.set_value(dt.date(2026, 12, 2))
    absence.last.set_value(dt.date(2026, 12, 9))
    with qtbot.waitSignal(window.loaded):
        absence.save()
    anna = next(r for r in _rows(window) if r[1] == "anna")
    assert anna[5].endswith(", deputy Jan Szef") and "2026" in anna[5]
    assert users.get_user(db, "anna").absent_to == dt.date(2026, 12, 9)


def test_the_only_owner_cannot_be_made_a_bookkeeper(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    users.ensure_first_user(db, "szef", "Jan Szef")
    window = _users_window(qtbot, db, ops)
    window.select_user(users.get_user(db, "szef").id)
    dialog = window.ask_edit()
    assert isinstance(dialog, UserDialog)
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("bookkeeper"))
    save(qtbot, dialog.buttons)
    qtbot.waitUntil(lambda: dialog.errors.message("role") != "")
    assert "only active owner" in dialog.errors.message("role")
    assert users.get_user(db, "szef").role == "owner"
    dialog.reject()


def test_assign_several_contractors_to_an_account_manager_and_undo(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    users.ensure_first_user(db, "szef", "Jan Szef")
    anna = users.add_user(db, UserInput("anna", "Anna Nowak"))
    for name in ("Alfa", "Beta", "Gamma"):
        contractors.add_contractor(db, ContractorInput(name=name))
    main = shown_main_window(qtbot, db, ops, TODAY, rows=3)
    table, model = main.table, main.model
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in range(model.rowCount()):
        if model.cached_row(row) is not None and model.cached_row(row).name in ("Alfa", "Gamma"):  # type: ignore[union-attr]
            table.selectionModel().select(model.index(row, 0), flags)
    main.assign_manager_action.trigger()
    qtbot.waitUntil(lambda: main.assign_dialog is not None and main.assign_dialog.isVisible())
    dialog = main.assign_dialog
    assert dialog is not None
    assert dialog.selected.isChecked() and "2" in dialog.selected.text()  # type: ignore[attr-defined]
    dialog.person.setCurrentIndex(dialog.person.findData(anna))  # type: ignore[attr-defined]
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()  # type: ignore[union-attr]

    def managers() -> dict[str, int | None]:
        with db.read() as session:
            return dict(session.execute(select(Contractor.name, Contractor.assigned_user_id)).all())  # type: ignore[arg-type]

    qtbot.waitUntil(lambda: main.entry.undo_action.isEnabled())
    assert managers() == {"Alfa": anna, "Beta": None, "Gamma": anna}
    assert "2" in main.undo_label.text() and "Anna Nowak" in main.undo_label.text()
    main.entry.undo_action.trigger()
    qtbot.waitUntil(lambda: not main.entry.undo_action.isEnabled())
    assert managers() == {"Alfa": None, "Beta": None, "Gamma": None}
