"""Contractor → Assign account manager…: the chosen rows (or the whole filtered list) given to
one person at once, with Undo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.changes import Change
from desktop_app.domain import roles
from desktop_app.i18n import _, ngettext
from desktop_app.services import manager_assignment, users
from desktop_app.services.users import UserView
from ui.entry.controller import UndoStep

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class AssignDialog(QDialog):
    def __init__(
        self, people: list[UserView], selected: int, listed: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Assign account manager"))
        self.person = QComboBox()
        # account managers first: they are who contractors are usually given to
        ordered = sorted(people, key=lambda u: (u.role != roles.ACCOUNT_MANAGER, u.full_name))
        for person in ordered:
            self.person.addItem(f"{person.full_name} ({_(roles.ROLES[person.role])})", person.id)
        self.person.addItem(_("No one"), None)
        self.selected = QRadioButton(
            ngettext(
                "The {count} selected contractor",
                "The {count} selected contractors",
                selected,
            ).format(count=selected)
        )
        self.listed = QRadioButton(
            ngettext(
                "All {count} contractor in the list",
                "All {count} contractors in the list",
                listed,
            ).format(count=listed)
        )
        self.selected.setEnabled(selected > 0)
        (self.selected if selected else self.listed).setChecked(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Assign"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Account manager:"), self.person)
        form.addRow(_("Contractors:"), self.selected)
        form.addRow("", self.listed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)


def selected_ids(window: MainWindow) -> list[int]:
    rows = {index.row() for index in window.table.selectionModel().selectedRows()}
    return [window.model.contractor_id(row) for row in sorted(rows)]


def listed_ids(window: MainWindow) -> list[int]:
    return [window.model.contractor_id(row) for row in range(window.model.rowCount())]


def ask_assign(window: MainWindow) -> None:
    """Read the people, then ask; the dialog is ``window.assign_dialog`` (tests drive it)."""
    db = window.db
    window.ops.read(
        lambda: users.list_users(db),
        on_success=lambda people: _open(window, people),
        owner=window,
        label="assign manager users",
    )


def _open(window: MainWindow, people: list[UserView]) -> None:
    chosen, listed = selected_ids(window), listed_ids(window)
    dialog = AssignDialog(people, len(chosen), len(listed), window)
    window.assign_dialog = dialog

    def accepted() -> None:
        ids = chosen if dialog.selected.isChecked() else listed
        assign(window, ids, dialog.person.currentData(), dialog.person.currentText())

    dialog.accepted.connect(accepted)
    dialog.open()


def assign(window: MainWindow, ids: list[int], user_id: int | None, name: str) -> None:
    db = window.db

    def done(previous: dict[int, int | None]) -> None:
        sentence = ngettext(
            "{count} contractor given to {name}", "{count} contractors given to {name}", len(ids)
        ).format(count=len(ids), name=name)
        window.entry.offer_undo(
            UndoStep(
                sentence,
                lambda: manager_assignment.restore_managers(db, previous),
                Change.CONTRACTORS,
            )
        )

    window.ops.write(
        lambda: manager_assignment.assign_manager(db, ids, user_id),
        changes=Change.CONTRACTORS,
        on_success=done,
        owner=window,
        label="assign manager",
    )
