"""A user's form (add or edit) and their absence with a deputy."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain import roles
from desktop_app.i18n import LANGUAGES, _
from desktop_app.labels import LANGUAGE_LABELS
from desktop_app.services import users
from desktop_app.services.users import UserInput, UserView
from ui.entry.field_errors import FieldErrors, error_label
from ui.operations import Operations
from ui.widgets.date_edit import DateEdit

#: how long an absence lasts unless changed (a working week and the weekend after it)
DEFAULT_DAYS = 7


class UserDialog(QDialog):
    """Add user… / Edit…: the service checks everything; its refusal shows beside the field."""

    saved = Signal(int)

    def __init__(
        self,
        db: Database,
        ops: Operations,
        user: UserView | None = None,
        *,
        login: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._ops, self._editing = db, ops, user
        self.setWindowTitle(_("Edit user") if user is not None else _("New user"))
        self.name_edit = QLineEdit(user.full_name if user else "")
        self.name_edit.setPlaceholderText(_("For example: Anna Nowak"))
        self.login_edit = QLineEdit(user.login if user else login)
        self.login_edit.setToolTip(
            _("The name this person signs in to the computer with; Inkaso recognises them by it")
        )
        self.email_edit = QLineEdit((user.email or "") if user else "")
        self.phone_edit = QLineEdit((user.phone or "") if user else "")
        self.role_combo = QComboBox()
        for value, label in roles.ROLES.items():
            self.role_combo.addItem(_(label), value)
        self.role_combo.setCurrentIndex(
            self.role_combo.findData(user.role if user else roles.ACCOUNT_MANAGER)
        )
        self.language_combo = QComboBox()
        self.language_combo.addItem(_("As set for the digest"), "")
        for code in LANGUAGES:
            self.language_combo.addItem(_(LANGUAGE_LABELS[code]), code)
        self.language_combo.setCurrentIndex(
            max(0, self.language_combo.findData((user.language or "") if user else ""))
        )
        self.language_combo.setToolTip(_("The language of this person's morning digest"))
        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error)
        self.form = QFormLayout()
        # each field with its error below it
        for field, label, widget in (
            ("full_name", _("Full name:"), self.name_edit),
            ("login", _("Login:"), self.login_edit),
            ("email", _("E-mail:"), self.email_edit),
            ("phone", _("Phone:"), self.phone_edit),
            ("role", _("Role:"), self.role_combo),
            ("language", _("Language:"), self.language_combo),
        ):
            error = error_label()
            self.form.addRow(label, widget)
            self.form.addRow("", error)
            self.errors.add(field, widget, error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def data(self) -> UserInput:
        return UserInput(
            login=self.login_edit.text(),
            full_name=self.name_edit.text(),
            email=self.email_edit.text(),
            phone=self.phone_edit.text(),
            role=str(self.role_combo.currentData()),
            language=str(self.language_combo.currentData()) or None,
        )

    def save(self) -> None:
        self.errors.clear()
        db, data, editing = self._db, self.data(), self._editing

        def run() -> int:
            if editing is None:
                return users.add_user(db, data)
            return users.edit_user(db, editing.id, data)

        def done(user_id: int) -> None:
            self.saved.emit(user_id)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.errors.show(exc, self)

        self.buttons.setEnabled(False)
        self._ops.write(
            run,
            changes=Change.USERS,
            on_success=done,
            on_failure=failed,
            owner=self,
            label="save user",
        )


class AbsenceDialog(QDialog):
    """Away…: from–to and who stands in; "Back at work" clears a recorded absence."""

    def __init__(
        self,
        db: Database,
        ops: Operations,
        user: UserView,
        people: list[UserView],
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._ops, self._user = db, ops, user
        self.setWindowTitle(_("Absence of {name}").format(name=user.full_name))
        first = user.absent_from or today
        self.first = DateEdit(first)
        self.last = DateEdit(user.absent_to or first + dt.timedelta(days=DEFAULT_DAYS - 1))
        self.deputy = QComboBox()
        for person in people:
            if person.id != user.id and person.active:
                self.deputy.addItem(person.full_name, person.id)
        if user.deputy_id is not None:
            self.deputy.setCurrentIndex(max(0, self.deputy.findData(user.deputy_id)))
        explain = QLabel(
            _(
                "While {name} is away, the tasks assigned to them (new and open) go to the "
                "deputy; their contractors stay theirs."
            ).format(name=user.full_name)
        )
        explain.setWordWrap(True)
        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error)
        form = QFormLayout()
        for field, label, widget in (
            ("absent_from", _("Away from:"), self.first),
            ("absent_to", _("Away until:"), self.last),
            ("deputy", _("Deputy:"), self.deputy),
        ):
            error = error_label()
            form.addRow(label, widget)
            form.addRow("", error)
            self.errors.add(field, widget, error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.back_button = QPushButton(_("Back at work"))
        self.back_button.setToolTip(_("Clear the absence: the tasks are theirs again"))
        self.back_button.setVisible(user.absent_from is not None)
        self.buttons.addButton(self.back_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.back_button.clicked.connect(self.clear)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)

    def save(self) -> None:
        first, last, deputy = self.first.value(), self.last.value(), self.deputy.currentData()
        self._write(first, last, deputy)

    def clear(self) -> None:
        self._write(None, None, None)

    def _write(self, first: dt.date | None, last: dt.date | None, deputy: int | None) -> None:
        self.errors.clear()
        db, user_id = self._db, self._user.id

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.errors.show(exc, self)

        self.buttons.setEnabled(False)
        self._ops.write(
            lambda: users.set_absence(db, user_id, first, last, deputy),
            changes=Change.USERS | Change.TASKS,
            on_success=lambda _id: self.accept(),
            on_failure=failed,
            owner=self,
            label="user absence",
        )
