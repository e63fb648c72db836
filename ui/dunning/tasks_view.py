"""Tasks for people: mine, due today, overdue, all open; done with a note; a new one by hand."""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabBar,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app import labels
from desktop_app.changes import Change
from desktop_app.i18n import N_, _, ngettext
from desktop_app.services import activity, users
from desktop_app.services.dunning import tasks
from desktop_app.services.dunning.tasks import TaskView
from desktop_app.services.users import UserView
from resources import resource_path
from ui import formatting, theme
from ui.operations import Operations
from ui.widgets import view_state
from ui.widgets.date_edit import DateEdit

log = logging.getLogger(__name__)

SortRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2
#: what the list shows: the tasks, and the contractors' names on them
SHOWS = Change.TASKS | Change.CONTRACTORS

#: (tab key, label, service filter)
TABS = (
    ("mine", N_("Mine"), "open"),
    ("today", N_("Due today"), "today"),
    ("overdue", N_("Overdue"), "overdue"),
    # the dashboard's "tasks due" figure: today's and the overdue together
    ("due", N_("Due by today"), "due"),
    ("open", N_("All open"), "open"),
)
COLUMNS = (N_("Due"), N_("Contractor"), N_("Task"), N_("Assigned to"))


@dataclass(frozen=True)
class TasksPage:
    tab: str
    tasks: list[TaskView]
    users: list[UserView]
    me: UserView | None
    login: str


def load_page(db: Database, tab: str, today: dt.date) -> TasksPage:
    which = next(f for key, _label, f in TABS if key == tab)
    me = users.current_user(db)
    user_id = None
    if tab == "mine":
        user_id = me.id if me is not None else None
    found = tasks.list_tasks(db, today=today, which=which, user_id=user_id)
    if tab == "mine" and me is None:
        found = [t for t in found if t.assigned_user_id is None]
    return TasksPage(tab, found, users.list_users(db), me, activity.current_actor())


class _Item(QTreeWidgetItem):
    def __lt__(self, other: QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        column = tree.sortColumn() if tree is not None else 0
        mine, theirs = self.data(column, SortRole), other.data(column, SortRole)
        if mine is None or theirs is None or type(mine) is not type(theirs):
            return self.text(column).casefold() < other.text(column).casefold()
        return bool(mine < theirs)


class TasksWindow(QWidget):
    #: a list was read and shown (tests wait for it)
    loaded = Signal()

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: Callable[[], dt.date],
        open_card: Callable[[int], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._db = db
        self._ops = ops
        self._today = today
        self._open_card = open_card
        self._tasks: dict[int, TaskView] = {}
        self._shown_tab: str | None = None
        self.users: list[UserView] = []
        self.me: UserView | None = None
        self.loading = False
        self._login = activity.current_actor()
        self.setWindowTitle(_("Tasks"))
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))

        self.tabs = QTabBar()
        self.tabs.setExpanding(False)
        for _key, label, _which in TABS:
            self.tabs.addTab(_(label))
        self.tabs.setCurrentIndex(0)
        self.note = QLabel()
        pal = self.note.palette()
        pal.setColor(self.note.foregroundRole(), theme.muted_text())
        self.note.setPalette(pal)
        self.me_button = QPushButton(_("This is me…"))
        self.me_button.setToolTip(
            _("Link your login to your Inkaso user, so Mine shows your tasks")
        )
        self.me_button.hide()
        self.me_button.clicked.connect(self.ask_who)
        self.who_dialog: ThisIsMeDialog | None = None
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([_(c) for c in COLUMNS])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.tree.setAccessibleName(_("Tasks"))
        header = self.tree.header()
        header.setStretchLastSection(False)
        metrics = self.tree.fontMetrics()
        header.resizeSection(0, metrics.horizontalAdvance("22.11.2026 ") + 40)
        header.resizeSection(1, metrics.horizontalAdvance("Przedsiębiorstwo Handlowe Kowalski"))
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(3, metrics.horizontalAdvance("Katarzyna Wiśniewska") + 28)
        self.details = QTextBrowser()
        self.details.setPlaceholderText(_("Choose a task to read it in full."))

        self.done_button = QPushButton(_("Done…"))
        self.done_button.setToolTip(_("Close the chosen task with a note of what was done"))
        self.new_button = QPushButton(_("New task…"))
        self.card_button = QPushButton(_("Open card"))
        self.summary = QLabel()

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.tabs)
        top.addStretch(1)
        top.addWidget(self.summary)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.new_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.card_button)
        buttons.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(top)
        note_row = QHBoxLayout()
        note_row.setContentsMargins(0, 0, 0, 0)
        note_row.addWidget(self.note, 1)
        note_row.addWidget(self.me_button)
        layout.addLayout(note_row)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.itemDoubleClicked.connect(lambda _item, _col: self.open_current_card())
        self.done_button.clicked.connect(self.ask_done)
        self.new_button.clicked.connect(self.ask_new)
        self.card_button.clicked.connect(self.open_current_card)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        ops.changed.connect(self._data_changed)
        self.resize(theme.fitting_size(QSize(1000, 640)))
        self._selection_changed()
        self.refresh()

    # -- reading -------------------------------------------------------------------------------

    def current_tab(self) -> str:
        return TABS[self.tabs.currentIndex()][0]

    def show_tab(self, key: str) -> None:
        for n, (tab, _label, _which) in enumerate(TABS):
            if tab == key:
                self.tabs.setCurrentIndex(n)

    def refresh(self) -> None:
        db, tab, today = self._db, self.current_tab(), self._today()
        self.loading = True
        self._ops.read(
            lambda: load_page(db, tab, today),
            on_success=self._loaded,
            key=f"tasks-{id(self)}",
            owner=self,
            label="tasks list",
        )

    def _data_changed(self, changes: Change) -> None:
        # a hidden window is read again when it is opened
        if changes & SHOWS and self.isVisible():
            self.refresh()

    def _loaded(self, page: TasksPage) -> None:
        # the same list read again keeps the user's place; another tab starts at its top
        place = view_state.remember(self.tree, IdRole) if page.tab == self._shown_tab else None
        chosen = self.selected_task()
        self._shown_tab = page.tab
        self.users, self.me = page.users, page.me
        names = {u.id: u.full_name for u in page.users}
        self._tasks = {t.id: t for t in page.tasks}
        today = self._today()
        tree = self.tree
        tree.setSortingEnabled(False)
        tree.clear()
        overdue = theme.overdue_text()
        for task in page.tasks:
            item = _Item(
                [
                    formatting.date(task.due_on),
                    task.contractor_name or "",
                    task.title,
                    names.get(task.assigned_user_id or -1, ""),
                ]
            )
            item.setData(0, SortRole, task.due_on.toordinal() * 10_000_000 + task.id)
            item.setData(0, IdRole, task.id)
            item.setToolTip(2, task.title)
            if task.due_on < today:
                item.setForeground(0, overdue)
            tree.addTopLevelItem(item)
        tree.setSortingEnabled(True)
        if place is not None:
            view_state.restore(tree, place, IdRole)
        elif chosen is not None:
            self.select_task(chosen.id)
        unknown = page.tab == "mine" and page.me is None
        if unknown:
            self.note.setText(
                _(
                    "Your login {login} is not linked to an Inkaso user yet, so Mine shows the "
                    "tasks assigned to no one. Which user are you?"
                ).format(login=page.login)
            )
        self.note.setVisible(unknown)
        self.me_button.setVisible(unknown and bool(page.users))
        self._login = page.login
        self.summary.setText(
            ngettext("{count} task", "{count} tasks", len(page.tasks)).format(count=len(page.tasks))
        )
        self._selection_changed()
        self.loading = False
        self.loaded.emit()

    # -- selection -----------------------------------------------------------------------------

    def selected_task(self) -> TaskView | None:
        items = self.tree.selectedItems()
        if not items:
            return None
        return self._tasks.get(items[0].data(0, IdRole))

    def task_ids(self) -> list[int]:
        items = (self.tree.topLevelItem(n) for n in range(self.tree.topLevelItemCount()))
        return [item.data(0, IdRole) for item in items if item is not None]

    def select_task(self, task_id: int) -> bool:
        for n in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(n)
            if item is not None and item.data(0, IdRole) == task_id:
                self.tree.setCurrentItem(item)
                return True
        return False

    def _selection_changed(self) -> None:
        task = self.selected_task()
        self.done_button.setEnabled(task is not None and task.status == "open")
        self.card_button.setEnabled(task is not None and task.contractor_id is not None)
        self.details.setHtml(task_html(task) if task is not None else "")

    def open_current_card(self) -> None:
        task = self.selected_task()
        if task is not None and task.contractor_id is not None:
            self._open_card(task.contractor_id)

    # -- changes -------------------------------------------------------------------------------

    def ask_done(self) -> DoneDialog | None:
        task = self.selected_task()
        if task is None:
            return None
        dialog = DoneDialog(task, self)
        dialog.accepted.connect(lambda: self.complete(task.id, dialog.note()))
        dialog.open()
        return dialog

    def complete(self, task_id: int, note: str) -> None:
        db = self._db
        self._ops.write(
            lambda: tasks.complete(db, task_id, note),
            changes=Change.TASKS,
            owner=self,
            label="task done",
        )

    def ask_new(self) -> NewTaskDialog:
        dialog = NewTaskDialog(
            self.users, self.me, self._today(), self.selected_task(), parent=self
        )
        dialog.accepted.connect(lambda: self.add(dialog))
        dialog.open()
        return dialog

    def add(self, dialog: NewTaskDialog) -> None:
        db = self._db
        title, due, contractor_id, user_id, body = dialog.values()
        self._ops.write(
            lambda: tasks.add_task(
                db,
                title=title,
                due_on=due,
                contractor_id=contractor_id,
                user_id=user_id,
                body=body or None,
            ),
            changes=Change.TASKS,
            owner=self,
            label="new task",
        )

    def ask_who(self) -> ThisIsMeDialog:
        dialog = ThisIsMeDialog(self.users, self._login, self)
        dialog.accepted.connect(lambda: self.link(dialog.person.currentData()))
        self.who_dialog = dialog
        dialog.open()
        return dialog

    def link(self, user_id: int) -> None:
        db, login = self._db, self._login
        self._ops.write(
            lambda: users.link_login(db, user_id, login),
            changes=Change.TASKS | Change.USERS,
            owner=self,
            label="this is me",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)


def task_html(task: TaskView) -> str:
    e = html.escape
    rows = [
        (_("Task"), task.title),
        (_("Contractor"), task.contractor_name or ""),
        (_("Due"), formatting.date(task.due_on)),
        (_("Kind"), labels.task_kind(task.kind)),
        (_("Created"), formatting.local_time(task.created_at)),
    ]
    head = "".join(
        f'<tr><td style="padding-right:12px"><b>{e(k)}</b></td><td>{e(v)}</td></tr>'
        for k, v in rows
        if v
    )
    if not task.body:
        return f"<table>{head}</table>"
    body = f'<pre style="white-space:pre-wrap; font-family:sans-serif">{e(task.body)}</pre>'
    return f"<table>{head}</table>{body}"


class ThisIsMeDialog(QDialog):
    """ "This is me…": the Inkaso user this computer's login belongs to."""

    def __init__(self, people: list[UserView], login: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("This is me"))
        self.person = QComboBox()
        for person in people:
            self.person.addItem(f"{person.full_name} ({person.login})", person.id)
        text = QLabel(
            _(
                "From now on the login {login} signs in as the user chosen here; their tasks "
                "are under Mine."
            ).format(login=login)
        )
        text.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("This is me"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.person)
        layout.addWidget(buttons)
        self.setMinimumWidth(400)


class DoneDialog(QDialog):
    """ "Done…": what was done, in a sentence for the contractor's history."""

    def __init__(self, task: TaskView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Task done"))
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(_("What was done (goes to the contractor's history)"))
        self.text.setTabChangesFocus(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Mark as done"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        title = QLabel(f"<b>{html.escape(task.title)}</b>")
        title.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if task.contractor_name:
            layout.addWidget(QLabel(task.contractor_name))
        layout.addWidget(QLabel(_("Note:")))
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(460, 260)

    def note(self) -> str:
        return self.text.toPlainText().strip()


class NewTaskDialog(QDialog):
    def __init__(
        self,
        people: list[UserView],
        me: UserView | None,
        today: dt.date,
        related: TaskView | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New task"))
        self.title = QLineEdit()
        self.title.setPlaceholderText(_("For example: call about invoice FV/12/2026"))
        self.due = DateEdit(today)
        self.assignee = QComboBox()
        self.assignee.addItem(_("No one"), None)
        for person in people:
            self.assignee.addItem(person.full_name, person.id)
        if me is not None:
            self.assignee.setCurrentIndex(self.assignee.findData(me.id))
        self.about = QCheckBox()
        self._contractor_id = related.contractor_id if related is not None else None
        if related is not None and related.contractor_id is not None:
            self.about.setText(related.contractor_name or "")
            self.about.setChecked(True)
        else:
            self.about.setText(_("No contractor chosen"))
            self.about.setEnabled(False)
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.error = QLabel()
        pal = self.error.palette()
        pal.setColor(self.error.foregroundRole(), theme.overdue_text())
        self.error.setPalette(pal)
        self.error.hide()
        form = QFormLayout()
        form.addRow(_("Task:"), self.title)
        form.addRow("", self.error)
        form.addRow(_("Due:"), self.due)
        form.addRow(_("Assigned to:"), self.assignee)
        form.addRow(_("About:"), self.about)
        form.addRow(_("Details:"), self.body)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Add task"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(480, 320)

    def _check(self) -> None:
        if not self.title.text().strip():
            self.error.setText(_("Say what is to be done."))
            self.error.show()
            self.title.setFocus()
            return
        self.accept()

    def values(self) -> tuple[str, dt.date, int | None, int | None, str]:
        return (
            self.title.text().strip(),
            self.due.value(),
            self._contractor_id if self.about.isChecked() else None,
            self.assignee.currentData(),
            self.body.toPlainText().strip(),
        )
