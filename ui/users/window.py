"""Tools → Users…: the people working in Inkaso, their roles, absences and deputies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain import roles
from desktop_app.domain.identifiers import format_phone
from desktop_app.i18n import N_, _, ngettext
from desktop_app.services import users
from desktop_app.services.users import UserView
from resources import resource_path
from ui import formatting, theme
from ui.operations import Operations
from ui.users.dialogs import AbsenceDialog, UserDialog

IdRole = Qt.ItemDataRole.UserRole + 1
COLUMNS = (N_("Full name"), N_("Login"), N_("Role"), N_("E-mail"), N_("Phone"), N_("Away"))


def away_text(user: UserView, names: dict[int, str]) -> str:
    if user.absent_from is None or user.absent_to is None:
        return ""
    return _("{first} – {last}, deputy {deputy}").format(
        first=formatting.date(user.absent_from),
        last=formatting.date(user.absent_to),
        deputy=names.get(user.deputy_id or -1, "?"),
    )


class UsersWindow(QWidget):
    #: the list was read and shown (tests wait for it)
    loaded = Signal()

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._db, self._ops, self._today = db, ops, today
        self.people: list[UserView] = []
        #: the dialog opened last (tests drive it)
        self.dialog: UserDialog | AbsenceDialog | None = None
        self.setWindowTitle(_("Users"))
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))

        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([_(c) for c in COLUMNS])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAccessibleName(_("Users"))
        header = self.tree.header()
        header.setStretchLastSection(True)
        metrics = self.tree.fontMetrics()
        for column, sample in enumerate(
            (
                "Katarzyna Wiśniewska",
                "k.wisniewska",
                "Opiekun klienta",
                "magdalena.wojcik@elmax.example.com",
            )
        ):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 28)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.show_inactive = QCheckBox(_("Show deactivated users"))
        self.summary = QLabel()

        self.add_button = QPushButton(_("Add user…"))
        self.edit_button = QPushButton(_("Edit…"))
        self.active_button = QPushButton(_("Deactivate"))
        self.away_button = QPushButton(_("Away…"))
        self.away_button.setToolTip(
            _("Mark the user away with a deputy who gets their tasks meanwhile")
        )
        top = QHBoxLayout()
        top.addWidget(self.show_inactive)
        top.addStretch(1)
        top.addWidget(self.summary)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.away_button, self.active_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)

        self.show_inactive.toggled.connect(lambda _on: self._fill())
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.itemDoubleClicked.connect(lambda _item, _col: self.ask_edit())
        self.add_button.clicked.connect(self.ask_add)
        self.edit_button.clicked.connect(self.ask_edit)
        self.away_button.clicked.connect(self.ask_absence)
        self.active_button.clicked.connect(self.toggle_active)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        ops.changed.connect(self._data_changed)
        self.resize(theme.fitting_size(QSize(1240, 480)))
        self._selection_changed()
        self.refresh()

    # -- reading ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        db = self._db
        self._ops.read(
            lambda: users.list_users(db, active_only=False),
            on_success=self._loaded,
            key=f"users-{id(self)}",
            owner=self,
            label="users",
        )

    def _data_changed(self, changes: Change) -> None:
        if changes & Change.USERS and self.isVisible():
            self.refresh()

    def _loaded(self, people: list[UserView]) -> None:
        self.people = people
        self._fill()
        self.loaded.emit()

    def _fill(self) -> None:
        chosen = self.selected_user()
        names = {u.id: u.full_name for u in self.people}
        shown = [u for u in self.people if u.active or self.show_inactive.isChecked()]
        today = self._today()
        self.tree.clear()
        muted = theme.muted_text()
        for user in shown:
            item = QTreeWidgetItem(
                [
                    user.full_name,
                    user.login,
                    _(roles.ROLES[user.role]),
                    user.email or "",
                    format_phone(user.phone) if user.phone else "",
                    away_text(user, names),
                ]
            )
            item.setData(0, IdRole, user.id)
            if not user.active:
                for column in range(len(COLUMNS)):
                    item.setForeground(column, muted)
                item.setToolTip(0, _("Deactivated"))
            elif user.absent_on(today):
                item.setToolTip(5, _("Away today: the deputy gets the tasks"))
            self.tree.addTopLevelItem(item)
        if chosen is not None:
            self.select_user(chosen.id)
        active = sum(1 for u in self.people if u.active)
        self.summary.setText(
            ngettext("{count} active user", "{count} active users", active).format(count=active)
        )
        self._selection_changed()

    # -- selection -------------------------------------------------------------------------------

    def selected_user(self) -> UserView | None:
        items = self.tree.selectedItems()
        if not items:
            return None
        wanted = items[0].data(0, IdRole)
        return next((u for u in self.people if u.id == wanted), None)

    def select_user(self, user_id: int) -> bool:
        for n in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(n)
            if item is not None and item.data(0, IdRole) == user_id:
                self.tree.setCurrentItem(item)
                return True
        return False

    def _selection_changed(self) -> None:
        user = self.selected_user()
        for button in (self.edit_button, self.active_button):
            button.setEnabled(user is not None)
        self.away_button.setEnabled(user is not None and user.active)
        self.active_button.setText(
            _("Activate") if user is not None and not user.active else _("Deactivate")
        )

    # -- changes ---------------------------------------------------------------------------------

    def ask_add(self) -> UserDialog:
        dialog = UserDialog(self._db, self._ops, parent=self)
        dialog.saved.connect(self._select_later)
        self.dialog = dialog
        dialog.open()
        return dialog

    def ask_edit(self) -> UserDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        dialog = UserDialog(self._db, self._ops, user, parent=self)
        self.dialog = dialog
        dialog.open()
        return dialog

    def ask_absence(self) -> AbsenceDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        dialog = AbsenceDialog(self._db, self._ops, user, self.people, self._today(), self)
        self.dialog = dialog
        dialog.open()
        return dialog

    def toggle_active(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        db, user_id, active = self._db, user.id, not user.active
        self._ops.write(
            lambda: users.set_active(db, user_id, active),
            changes=Change.USERS,
            owner=self,
            label="user active",
        )

    def _select_later(self, user_id: int) -> None:
        def select() -> None:
            self.loaded.disconnect(select)
            self.select_user(user_id)

        self.loaded.connect(select)
