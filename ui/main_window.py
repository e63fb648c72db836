"""The main window: who owes what, searchable as you type, a card on Enter or double-click.

Enter in the search box opens the card when one contractor matches and moves into the list
when several do."""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable
from functools import partial
from pathlib import PurePath
from typing import TYPE_CHECKING

from babel.numbers import format_decimal
from PySide6.QtCore import QItemSelectionModel, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain.identifiers import format_phone
from desktop_app.i18n import _, babel_locale, ngettext
from desktop_app.services.deletion import Deleted
from resources import resource_path
from ui import audit_window, formatting, help_menu, quick_find, theme
from ui.backup import menu as backup_menu
from ui.bank import menu as bank_menu
from ui.card.contractor_card import ContractorCardWindow
from ui.credibility import menu as credibility_menu
from ui.dashboard.drilldown import show_failed_messages, show_tasks_due
from ui.dashboard.view import DashboardView
from ui.dunning import editors_menu, sending_menu
from ui.dunning.scheduler_bridge import Mode, SchedulerBridge
from ui.dunning.sending import SendingController
from ui.entry.controller import EntryController, UndoStep
from ui.imports import menu as imports_menu
from ui.letters import letters_menu
from ui.letters.letter_dialog import LetterDialog
from ui.models.contractors_model import COLUMN, COLUMNS, ContractorsModel, ListSummary
from ui.operations import Operations
from ui.report import menu as report_menu
from ui.users import menu as users_menu
from ui.widgets.search_box import SearchBox
from ui.widgets.tables import setup_list_table

if TYPE_CHECKING:
    from ui.dunning.tray import SendingTray

log = logging.getLogger(__name__)

#: a busy indicator that flashes for a 50 ms query is noise; show it only for slower work
BUSY_DELAY_MS = 300
#: what the list and the status bar's totals show (promises: a broken one lowers the stars)
LIST_SHOWS = Change.CONTRACTORS | Change.INVOICES | Change.PAYMENTS | Change.PROMISES


class ContractorTable(QTableView):
    """The list itself; Enter or a double-click asks for the card of the current row."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doubleClicked.connect(lambda index: self.open_requested.emit(index.row()))
        self._empty = QLabel(self.viewport())
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        pal = self._empty.palette()
        pal.setColor(self._empty.foregroundRole(), theme.muted_text())
        self._empty.setPalette(pal)
        self._empty.hide()
        #: shown with the sentence when the database has no contractors at all
        self.add_button = QPushButton(_("Add contractor…"), self.viewport())
        self.add_button.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)

    def set_empty_text(self, text: str, *, offer_add: bool = False) -> None:
        """A sentence in the middle of an empty list ("no contractor matches ..."), and below it
        the "Add contractor" button when the database has none yet."""
        self._empty.setText(text)
        self._empty.setVisible(bool(text))
        self.add_button.setVisible(bool(text) and offer_add)
        self._place_empty()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_empty()

    def _place_empty(self) -> None:
        area = self.viewport().rect().adjusted(24, 24, -24, -24)
        self._empty.setGeometry(area)
        button = self.add_button.sizeHint()
        self.add_button.setGeometry(
            area.center().x() - button.width() // 2,
            area.center().y() + self._empty.fontMetrics().height() * 2,
            button.width(),
            button.height(),
        )


class MainWindow(QMainWindow):
    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        currency: str,
        today: Callable[[], dt.date],
        db_label: str,
        scheduler: SchedulerBridge | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self._today = today
        #: set by the application when a tray icon keeps Inkaso running with the window closed
        self.tray: SendingTray | None = None
        own_scheduler = scheduler is None
        #: without a scheduler from the application: runs only on "Run now", nothing scheduled
        self.scheduler = scheduler or SchedulerBridge(db, ops, parent=self)
        self.sending = SendingController(
            db, ops, bridge=self.scheduler, today=today, open_card=self.open_card, window=self
        )
        self.entry = EntryController(db, ops, today=today, parent=self)
        #: Assign account manager…'s dialog once open (tests drive it)
        self.assign_dialog: QDialog | None = None
        self._cards: dict[int, ContractorCardWindow] = {}
        self._selected_id: int | None = None
        #: (the list's query, horizontal, vertical scroll) while data changed elsewhere is re-read
        self._keep_place: tuple[object, int, int] | None = None
        self._first_load = True
        #: Enter was pressed in the search box before its search came back
        self._enter_pending = False

        # Qt adds the application name ("Receivables — Inkaso")
        self.setWindowTitle(_("Receivables"))
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))
        self.model = ContractorsModel(db, ops, currency=currency, today=today, parent=self)

        self.search = SearchBox()
        self.overdue_only = QCheckBox(_("Only overdue"))
        self.overdue_only.setToolTip(_("Show only contractors with overdue debt"))
        self.as_of = QLabel()
        self.as_of.setToolTip(_("Amounts are shown as of this date"))
        self.table = ContractorTable()
        self._build_table()

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(12)
        top.addWidget(self.search, 1)
        top.addWidget(self.overdue_only)
        top.addSpacing(12)
        top.addWidget(self.as_of)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 10, 10, 4)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        # the dashboard is the first screen; the list is the next tab, one click away
        self.dashboard = DashboardView(db, ops, today=today, currency=currency)
        self.dashboard.card_requested.connect(self.open_card)
        self.dashboard.list_requested.connect(self.show_list)
        self.dashboard.tasks_requested.connect(lambda: show_tasks_due(self.sending.open_tasks()))
        self.dashboard.failed_requested.connect(
            lambda: show_failed_messages(self.sending.open_outbox())
        )
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.dashboard, _("Dashboard"))
        self.list_page = central
        self.pages.addTab(central, _("Contractors"))
        self.setCentralWidget(self.pages)

        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(110)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.hide()
        # the file name is enough to tell databases apart; the full path is in the tooltip
        self.database = QLabel(_short_label(db_label))
        self.database.setToolTip(_("Database: {path}").format(path=db_label))
        pal = self.database.palette()
        pal.setColor(self.database.foregroundRole(), theme.muted_text())
        self.database.setPalette(pal)
        # what automatic sending is doing; a link opens what fixes a problem
        self.sending_state = QLabel()
        self.sending_state.setTextFormat(Qt.TextFormat.RichText)
        self.sending_state.linkActivated.connect(self._sending_link)
        self.undo_label = QLabel()
        self.undo_button = QPushButton(_("Undo"))
        self.undo_button.setFlat(True)
        self.undo_button.clicked.connect(self.entry.undo)
        self.undo_label.hide()
        self.undo_button.hide()
        self.entry.deleted.connect(self._offer_undo)
        # long totals or warnings are cut (their tooltips hold them whole) instead of widening
        # the window past a laptop's screen
        for label in (self.summary, self.sending_state):
            label.setMinimumWidth(120)
        self.sending_state.setMaximumWidth(480)  # the totals come first; the link opens the rest
        status = self.statusBar()
        status.addWidget(self.summary, 1)
        status.addWidget(self.undo_label)
        status.addWidget(self.undo_button)
        status.addPermanentWidget(self.sending_state)
        status.addPermanentWidget(self.busy)
        status.addPermanentWidget(self.database)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self.busy.show)

        self._build_actions()
        self.search.query_changed.connect(self.model.set_filter_text)
        self.search.down_pressed.connect(self._focus_table)
        self.search.entered.connect(self._search_entered)
        self.search.textEdited.connect(self._search_edited)
        self.overdue_only.toggled.connect(self.model.set_overdue_only)
        self.table.open_requested.connect(self._open_row)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.model.search_finished.connect(self._search_finished)
        self.model.loading_changed.connect(self._loading_changed)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        ops.busy_changed.connect(self._ops_busy)
        ops.changed.connect(self._data_changed)
        self.scheduler.state_changed.connect(self._show_sending_state)
        self._show_sending_state()
        if own_scheduler:
            self.scheduler.refresh()

        self.resize(theme.fitting_size(QSize(1360, 840)))
        self._update_as_of()
        self.model.refresh()
        self.dashboard.refresh()
        self.search.setFocus()

    # the database, operations and clock every window opened from here shares
    @property
    def db(self) -> Database:
        return self._db

    @property
    def ops(self) -> Operations:
        return self._ops

    @property
    def today(self) -> Callable[[], dt.date]:
        return self._today

    # -- construction --------------------------------------------------------------------------

    def _build_table(self) -> None:
        table = self.table
        # several may be chosen, for the credibility check and Assign account manager… in bulk
        header = setup_list_table(table, self.model, name=_("Contractors"), multi=True)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header.setSectionsMovable(False)
        header.setStretchLastSection(False)
        header.setSortIndicator(*self.model.sort_column())
        table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self._size_columns()

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        header_metrics = header.fontMetrics()
        padding = 28  # cell margins plus the sort arrow
        currency = self.model.currency

        def fit(*samples: str) -> int:
            widest = max(metrics.horizontalAdvance(s) for s in samples)
            return widest + padding

        def title(column: str) -> str:
            return _(COLUMNS[COLUMN[column]].title)

        # a złoty amount with a euro one beside it fits without eliding
        money_sample = formatting.amounts([(9_999_999_99, currency), (99_999_99, "EUR")], currency)
        widths = {
            "nip": fit("0000000000", title("nip")),
            "city": fit("Bielsko-Biała"),
            "email": fit("ksiegowosc@przyklad-firmy.pl"),
            "phone": fit(format_phone("+48501234567")),
            "open": max(
                fit(money_sample), header_metrics.horizontalAdvance(title("open")) + padding
            ),
            "overdue": max(
                fit(money_sample), header_metrics.horizontalAdvance(title("overdue")) + padding
            ),
            "days": header_metrics.horizontalAdvance(title("days")) + padding,
            "rating": max(
                fit(formatting.stars(5)),
                header_metrics.horizontalAdvance(title("rating")) + padding,
            ),
            "whitelist": fit(f"● {_('amber')}", title("whitelist")),
        }
        for name, width in widths.items():
            header.resizeSection(COLUMN[name], width)
            header.setSectionResizeMode(COLUMN[name], QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMN["name"], QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(metrics.horizontalAdvance("0000") + padding)

    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu(_("&File"))
        imports_menu.install(self, file_menu)
        file_menu.addSeparator()
        self.backups = backup_menu.install(self, file_menu)
        file_menu.addSeparator()
        quit_action = QAction(_("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.quit)
        file_menu.addAction(quit_action)

        edit_menu = menu.addMenu(_("&Edit"))
        edit_menu.addAction(self.entry.undo_action)
        self.addAction(self.entry.undo_action)

        view_menu = menu.addMenu(_("&View"))
        find = QAction(_("&Find contractor"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        view_menu.addAction(find)
        self.addAction(find)
        self.quick_find = quick_find.install(self, view_menu)
        only = QAction(_("Only &overdue"), self)
        only.setCheckable(True)
        only.toggled.connect(self.overdue_only.setChecked)
        self.overdue_only.toggled.connect(only.setChecked)
        view_menu.addAction(only)
        view_menu.addSeparator()
        bank_menu.install(self, view_menu)
        report_menu.install(self, view_menu)
        view_menu.addSeparator()
        refresh = QAction(_("&Refresh"), self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh)
        view_menu.addAction(refresh)
        self.addAction(refresh)

        contractor_menu = menu.addMenu(_("&Contractor"))
        self.open_card_action = QAction(_("&Open card"), self)
        self.open_card_action.setShortcut(QKeySequence(Qt.Key.Key_Return))
        # the table handles Enter itself; the shortcut here is only shown in the menu
        self.open_card_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.open_card_action.triggered.connect(self.open_current_card)
        contractor_menu.addAction(self.open_card_action)
        contractor_menu.addSeparator()
        self.new_contractor_action = QAction(_("&New contractor…"), self)
        self.new_contractor_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_contractor_action.triggered.connect(lambda: self.entry.new_contractor())
        self.edit_contractor_action = QAction(_("&Edit contractor…"), self)
        self.edit_contractor_action.triggered.connect(self._edit_current)
        self.delete_contractor_action = QAction(_("&Delete contractor…"), self)
        self.delete_contractor_action.triggered.connect(self._delete_current)
        for action in (
            self.new_contractor_action,
            self.edit_contractor_action,
            self.delete_contractor_action,
        ):
            contractor_menu.addAction(action)
        self.addAction(self.new_contractor_action)
        self.table.add_button.clicked.connect(lambda: self.entry.new_contractor())
        self.dashboard.add_contractor_requested.connect(lambda: self.entry.new_contractor())

        invoice_menu = menu.addMenu(_("&Invoice"))
        self.new_invoice_action = QAction(_("New &invoice…"), self)
        self.new_invoice_action.triggered.connect(
            lambda: self.entry.new_invoice(self._current_id())
        )
        self.record_payment_action = QAction(_("Record &payment…"), self)
        self.record_payment_action.triggered.connect(
            lambda: self.entry.record_payment(self._current_id())
        )
        invoice_menu.addAction(self.new_invoice_action)
        invoice_menu.addAction(self.record_payment_action)

        # sending/outbox/tasks/settings and the editors live in their own modules
        self.dunning_menu = menu.addMenu(_("&Dunning"))
        sending_menu.install(self, self.dunning_menu)
        self.dunning_menu.addSeparator()
        editors_menu.install(self, self.dunning_menu)

        tools_menu = letters_menu.install(self, view_menu, contractor_menu)
        self.assign_manager_action = users_menu.install(self, tools_menu, contractor_menu)
        audit_window.install(self, tools_menu)
        credibility_menu.install(self, contractor_menu)

        help_menu.install(self, menu.addMenu(_("&Help")), self._db)

    # -- behaviour -----------------------------------------------------------------------------

    def show_list(self, overdue_only: bool | None = None) -> None:
        """The contractor list page; ``overdue_only`` sets its filter when given."""
        self.pages.setCurrentWidget(self.list_page)
        if overdue_only is not None:
            self.overdue_only.setChecked(overdue_only)

    def focus_search(self) -> None:
        self.show_list()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        self._update_as_of()
        self.model.refresh()
        self.dashboard.refresh()
        for card in self._cards.values():
            card.reload()

    def open_current_card(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._open_row(index.row())

    def _current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.contractor_id(index.row()) if index.isValid() else None

    def _edit_current(self) -> None:
        contractor_id = self._current_id()
        if contractor_id is not None:
            self.entry.edit_contractor(contractor_id)

    def _delete_current(self) -> None:
        index = self.table.currentIndex()
        row = self.model.cached_row(index.row()) if index.isValid() else None
        if row is not None:
            self.entry.delete_contractor(row.id, row.name)

    def _offer_undo(self, deleted: Deleted | UndoStep | None) -> None:
        self.undo_label.setText(deleted.sentence() if deleted is not None else "")
        self.undo_label.setVisible(deleted is not None)
        self.undo_button.setVisible(deleted is not None)

    def open_card(self, contractor_id: int) -> ContractorCardWindow:
        card = self._cards.get(contractor_id)
        if card is not None:
            card.reload()
            card.showNormal()
            card.raise_()
            card.activateWindow()
            return card
        card = ContractorCardWindow(
            self._db, self._ops, contractor_id, today=self._today, entry=self.entry, parent=self
        )
        self._cards[contractor_id] = card
        card.destroyed.connect(lambda *_args: self._cards.pop(contractor_id, None))
        card.reload(show_when_loaded=True)
        return card

    def letter_for_current(self) -> LetterDialog | None:
        """Letter… for the contractor chosen in the list."""
        index = self.table.currentIndex()
        row = self.model.cached_row(index.row()) if index.isValid() else None
        if row is None:
            return None
        parts = (self._db, self._ops, self._today)
        return letters_menu.open_letter(
            self, parts, self.model.contractor_id(index.row()), row.name
        )

    def cards(self) -> dict[int, ContractorCardWindow]:
        return dict(self._cards)

    def _open_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.open_card(self.model.contractor_id(row))

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        row = self.model.cached_row(index.row()) if index.isValid() else None
        if row is None:
            return
        menu = QMenu(self)
        menu.addAction(_("Open card"), lambda: self._open_row(index.row()))
        menu.addAction(_("Letter…"), self.letter_for_current)
        menu.addSeparator()
        entry = self.entry
        menu.addAction(_("Edit contractor…"), lambda: entry.edit_contractor(row.id))
        menu.addAction(_("New invoice…"), lambda: entry.new_invoice(row.id))
        menu.addAction(_("Record payment…"), lambda: entry.record_payment(row.id))
        menu.addAction(_("Delete contractor…"), lambda: entry.delete_contractor(row.id, row.name))
        menu.addAction(self.assign_manager_action)
        menu.addSeparator()
        copies = (
            (_("Copy NIP"), row.nip),
            (_("Copy e-mail"), row.email),
            (_("Copy phone number"), format_phone(row.phone) if row.phone else None),
        )
        for label, value in copies:
            action = menu.addAction(label, partial(_copy, value or ""))
            action.setEnabled(bool(value))
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _search_entered(self) -> None:
        if self.model.loading:
            self._enter_pending = True  # answered when the search for this text comes back
        else:
            self._go_to_results()

    def _search_edited(self, _text: str) -> None:
        self._enter_pending = False  # typing on after Enter asks a new question

    def _go_to_results(self) -> None:
        """Enter in the search box: the only match opens, several are handed to the keyboard."""
        if self.model.rowCount() == 1:
            self._open_row(0)
        else:
            self._focus_table()

    def _focus_table(self) -> None:
        if self.model.rowCount() == 0:
            return
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.currentIndex().isValid():
            self._select_row(0)

    def _select_row(self, row: int, *, scroll: bool = True) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        if scroll:
            self.table.scrollTo(index)

    def _sort_indicator_changed(self, column: int, _order: Qt.SortOrder) -> None:
        if COLUMNS[column].sort_key is None:
            header = self.table.horizontalHeader()
            blocked = header.blockSignals(True)
            header.setSortIndicator(*self.model.sort_column())
            header.blockSignals(blocked)

    def _remember_selection(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._selected_id = self.model.contractor_id(index.row())

    def _data_changed(self, changes: Change) -> None:
        if changes & LIST_SHOWS:
            horizontal, vertical = self.table.horizontalScrollBar(), self.table.verticalScrollBar()
            self._keep_place = (self.model.query, horizontal.value(), vertical.value())
            self.model.refresh()

    def _search_finished(self, summary: ListSummary) -> None:
        keep, self._keep_place = self._keep_place, None
        if keep is not None and keep[0] != self.model.query:
            keep = None  # the user searched or sorted meanwhile: show the top of the new list
        row = self.model.row_of(self._selected_id) if self._selected_id is not None else None
        if row is not None:
            self._select_row(row, scroll=keep is None)
        elif self.model.rowCount():
            self._select_row(0, scroll=keep is None)
        if keep is not None:
            self.table.doItemsLayout()  # the scroll ranges of the new rows
            self.table.horizontalScrollBar().setValue(keep[1])
            self.table.verticalScrollBar().setValue(keep[2])
        self._show_summary(summary)
        if summary.count:
            self.table.set_empty_text("")
        elif self.model.filter_text or self.overdue_only.isChecked():
            self.table.set_empty_text(_("No contractor matches the search."))
        else:
            self.table.set_empty_text(
                _("There are no contractors in this database yet."), offer_add=True
            )
        if self._first_load:
            self._first_load = False
            log.info("contractor list shown: %d rows", summary.count)
        if self._enter_pending:
            self._enter_pending = False
            self._go_to_results()

    def _show_summary(self, summary: ListSummary) -> None:
        count = format_decimal(summary.count, locale=babel_locale())
        parts = [
            ngettext("{count} contractor", "{count} contractors", summary.count).format(
                count=count
            ),
            _("open: {amount}").format(amount=html.escape(_totals(summary, "open_minor"))),
        ]
        overdue = html.escape(_totals(summary, "overdue_minor"))
        if any(t.overdue_minor for t in summary.totals):
            colour = theme.overdue_text().name()
            overdue = f'<span style="color:{colour}; font-weight:600">{overdue}</span>'
        parts.append(_("overdue: {amount}").format(amount=overdue))
        text = "&nbsp;&nbsp;·&nbsp;&nbsp;".join(parts)
        self.summary.setText(text)
        self.summary.setToolTip(text)  # the whole line when a narrow window cuts it

    def _loading_changed(self, loading: bool) -> None:
        if loading:
            self.table.set_empty_text("")

    def _ops_busy(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.busy.hide()

    def _update_as_of(self) -> None:
        self.as_of.setText(_("As of {date}").format(date=formatting.date(self._today())))

    def _show_sending_state(self) -> None:
        bridge = self.scheduler
        status = bridge.status
        text = html.escape(self.sending.state_text())
        link = ""
        if bridge.mode is Mode.NO_FIRM:
            link = "settings"
        elif status is not None and status.not_set_up:
            link = "setup"
        elif status is not None and (status.failed or status.uncertain):
            link = "outbox"
        if link:
            colour = theme.overdue_text().name()
            text = f'<a href="{link}" style="color:{colour}">{text}</a>'
        self.sending_state.setText(text)
        self.sending_state.setToolTip(
            _("Automatic sending: {state}").format(state=self.sending.state_text())
        )

    def _sending_link(self, link: str) -> None:
        if link == "settings":
            self.sending.open_setup_wizard()
        elif link == "setup":
            self.sending.open_settings(self.sending.setup_tab())
        else:
            self.sending.open_outbox()

    def quit(self) -> None:
        """File > Quit: really quit, even when the tray would keep Inkaso running."""
        if self.tray is not None and self.tray.keeps_app_running:
            QApplication.quit()
        else:
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        for card in list(self._cards.values()):
            card.close()
        super().closeEvent(event)
        if self.tray is not None and self.tray.keeps_app_running:
            self.tray.show_close_hint_once()


def _totals(summary: ListSummary, amount: str) -> str:
    return formatting.amounts(
        ((getattr(t, amount), t.currency) for t in summary.totals), summary.currency
    )


def _copy(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.setText(text)


def _short_label(label: str) -> str:
    if "://" in label:
        return label.rsplit("@", 1)[-1]  # host/database of a server URL, never the password
    return PurePath(label).name or label
