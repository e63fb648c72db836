"""The "Owed to us" window: the aging report as of any day, by contractor, account manager or
bucket, narrowed by manager, tags, rating, amount, days overdue and currency; totals per currency
below the table; exports to Excel and PDF.

The report is read on a worker through :class:`Operations` and read again on every announced
change to invoices, payments or contractors. A double-click drills down: a contractor opens its
card (its Communication tab is the collection history of each invoice), a manager or a bucket
shows the contractors behind it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain.money import format_money
from desktop_app.i18n import N_, _, ngettext
from desktop_app.reports.owed import BY_TITLES, By, Kind, Line, OwedTable, column_title
from desktop_app.services import owed_report
from desktop_app.services.aging_report import AgingFilter, StarsRange
from desktop_app.services.users import UserView, list_users
from resources import resource_path
from ui import theme
from ui.bank.rows_model import RowsModel
from ui.errors import show_error
from ui.operations import Operations
from ui.report.rows import Shown, load
from ui.widgets.date_edit import DateEdit
from ui.widgets.tables import setup_list_table

log = logging.getLogger(__name__)

#: what the report shows
SHOWS = Change.PAYMENTS | Change.INVOICES | Change.CONTRACTORS

#: the rating choices: (title, the wanted range; None = any)
RATINGS: tuple[tuple[str, StarsRange | None], ...] = (
    (N_("Any rating"), None),
    (N_("Not rated yet"), StarsRange(unrated=True)),
    ("★★★★★", StarsRange(low=5)),
    ("≥ ★★★★", StarsRange(low=4)),
    ("≥ ★★★", StarsRange(low=3)),
    ("≤ ★★", StarsRange(high=2)),
    ("★", StarsRange(high=1)),
)
#: days overdue choices: (title, at least this many days)
DAYS: tuple[tuple[str, int], ...] = (
    (N_("Any days overdue"), 0),
    (N_("Overdue"), 1),
    (N_("More than 30 days"), 31),
    (N_("More than 60 days"), 61),
    (N_("More than 3 months"), 91),
    (N_("More than 6 months"), 181),
    (N_("More than a year"), 366),
)
_ANY_MANAGER = -1
_NO_MANAGER = -2


class ReportWindow(QWidget):
    #: the report was read and shown (tests wait for it)
    loaded = Signal()
    #: an export was written (tests wait for it); the path
    exported = Signal(object)

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: dt.date,
        open_card: Callable[[int], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._db = db
        self._ops = ops
        self._open_card = open_card
        self._key = f"owed-report-{id(self)}"
        self.table_data: OwedTable | None = None
        #: a bucket's drill-down: only these contractors, and what they are
        self._only: tuple[frozenset[int], str] | None = None
        self._currencies: set[str] = set()
        self.loading = False
        self.setWindowTitle(_("Owed to us"))
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))

        self.as_of = DateEdit(today)
        self.by = QComboBox()
        for by in By:
            self.by.addItem(_(BY_TITLES[by]), by)
        self.manager = QComboBox()
        self.manager.addItem(_("All account managers"), _ANY_MANAGER)
        self.manager.addItem(_("No account manager"), _NO_MANAGER)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(_("Tags, comma-separated"))
        self.tags.setClearButtonEnabled(True)
        self.rating = QComboBox()
        for title, _wanted in RATINGS:
            self.rating.addItem(_(title) if title.isascii() else title)
        self.days = QComboBox()
        for title, _least in DAYS:
            self.days.addItem(_(title))
        self.min_amount = QLineEdit()
        self.min_amount.setPlaceholderText(_("Open at least…"))
        self.min_amount.setClearButtonEnabled(True)
        self.currency = QComboBox()
        self.currency.addItem(_("All currencies"), "")
        self.refresh_button = QPushButton(_("Refresh"))
        self.xlsx_button = QPushButton(_("Export to Excel…"))
        self.pdf_button = QPushButton(_("Export to PDF…"))

        self.model = RowsModel([])
        self.table = QTableView()
        self.drill = QLabel()
        self.show_all = QPushButton(_("Show all"))
        self.totals = QLabel()
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.totals.setWordWrap(True)
        self._build()

        self.as_of.dateChanged.connect(self.refresh)
        self.by.currentIndexChanged.connect(self._by_changed)
        for combo in (self.manager, self.rating, self.days, self.currency):
            combo.currentIndexChanged.connect(self.refresh)
        self.tags.editingFinished.connect(self.refresh)
        self.min_amount.editingFinished.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.xlsx_button.clicked.connect(lambda: self._export(".xlsx"))
        self.pdf_button.clicked.connect(lambda: self._export(".pdf"))
        self.show_all.clicked.connect(self._show_all)
        self.table.doubleClicked.connect(self._drill_down)
        self.table.activated.connect(self._drill_down)
        ops.changed.connect(self._data_changed)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self.resize(theme.fitting_size(QSize(1320, 780)))
        self._load_managers()
        self.refresh()

    # -- construction --------------------------------------------------------------------------

    def _build(self) -> None:
        filters = QGridLayout()
        filters.addWidget(QLabel(_("As of")), 0, 0)
        filters.addWidget(self.as_of, 0, 1)
        filters.addWidget(QLabel(_("Show")), 0, 2)
        filters.addWidget(self.by, 0, 3)
        filters.addWidget(QLabel(_("Account manager")), 0, 4)
        filters.addWidget(self.manager, 0, 5)
        filters.addWidget(QLabel(_("Tags")), 0, 6)
        filters.addWidget(self.tags, 0, 7)
        filters.addWidget(QLabel(_("Rating")), 1, 0)
        filters.addWidget(self.rating, 1, 1)
        filters.addWidget(QLabel(_("Days overdue")), 1, 2)
        filters.addWidget(self.days, 1, 3)
        filters.addWidget(QLabel(_("Amount")), 1, 4)
        filters.addWidget(self.min_amount, 1, 5)
        filters.addWidget(QLabel(_("Currency")), 1, 6)
        filters.addWidget(self.currency, 1, 7)
        filters.setColumnStretch(7, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.xlsx_button)
        buttons.addWidget(self.pdf_button)
        drill = QHBoxLayout()
        drill.addWidget(self.drill, 1)
        drill.addWidget(self.show_all)
        self.drill.hide()
        self.show_all.hide()
        header = setup_list_table(self.table, self.model, name=_("Owed to us"))
        self.table.setSortingEnabled(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addLayout(drill)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)

    def _load_managers(self) -> None:
        db = self._db
        self._ops.read(
            lambda: list_users(db, active_only=False),
            on_success=self._managers_loaded,
            owner=self,
            label="report managers",
        )

    def _managers_loaded(self, users: list[UserView]) -> None:
        self.manager.blockSignals(True)
        for user in users:
            self.manager.addItem(user.full_name, user.id)
        self.manager.blockSignals(False)

    # -- the filters -----------------------------------------------------------------------------

    def by_value(self) -> By:
        # Qt hands the enum back as its plain string
        value = self.by.currentData()
        return By(str(value)) if value else By.CONTRACTOR

    def filters(self) -> AgingFilter:
        chosen = self.manager.currentData()
        managers: frozenset[int | None] | None = None
        if chosen == _NO_MANAGER:
            managers = frozenset({None})
        elif isinstance(chosen, int) and chosen != _ANY_MANAGER:
            managers = frozenset({chosen})
        tags = frozenset(t.strip() for t in self.tags.text().split(",") if t.strip())
        amount: Decimal | None = None
        text = self.min_amount.text().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if text:
            try:
                amount = Decimal(text)
            except InvalidOperation:
                amount = None
            if amount is not None and (not amount.is_finite() or amount < 0):
                amount = None
        currency = self.currency.currentData()
        return AgingFilter(
            managers=managers,
            tags=tags,
            stars=RATINGS[max(self.rating.currentIndex(), 0)][1],
            min_amount=amount,
            min_days=DAYS[max(self.days.currentIndex(), 0)][1],
            currency=currency or None,
        )

    def set_manager(self, user_id: int | None) -> None:
        wanted = _NO_MANAGER if user_id is None else user_id
        index = self.manager.findData(wanted)
        if index >= 0:
            self.manager.setCurrentIndex(index)

    # -- reading ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        db = self._db
        as_of, by, filters = self.as_of.value(), self.by_value(), self.filters()
        self.loading = True
        self._ops.read(
            lambda: load(db, as_of, by, filters),
            on_success=self._loaded,
            on_failure=self._load_failed,
            key=self._key,
            owner=self,
            label="owed report",
        )

    def _data_changed(self, changes: Change) -> None:
        # a hidden window is read again when it is opened
        if changes & SHOWS and self.isVisible():
            self.refresh()

    def _by_changed(self) -> None:
        self._only = None
        self.refresh()

    def _loaded(self, shown: Shown) -> None:
        self.loading = False
        table = self.table_data = shown.table
        self._remember_currencies(table)
        rows = shown.rows
        only = self._only
        if only is not None:
            rows = [row for row in rows if isinstance(row.item, Line) and row.item.key in only[0]]
        self.model = RowsModel(shown.columns)
        self.model.set_rows(rows)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        if table.by is By.BUCKET:
            header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        else:
            # the biggest overdue debts first, as the service orders them
            header.setSortIndicator(self.model.column("overdue"), Qt.SortOrder.DescendingOrder)
        # the indicator may not have moved (no signal): the new model is sorted by hand
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._size_columns(table)
        self._show_totals(table)
        self.drill.setVisible(only is not None)
        self.show_all.setVisible(only is not None)
        if only is not None:
            self.drill.setText(only[1])
        self.loaded.emit()

    def _size_columns(self, table: OwedTable) -> None:
        metrics = self.table.fontMetrics()
        pad = 28
        money = metrics.horizontalAdvance("1 234 567,89 zł") + pad
        for n, column in enumerate(table.columns):
            if column.kind is Kind.MONEY:
                width = money
            elif column.kind is Kind.TEXT and n == 0:
                width = metrics.horizontalAdvance("Przedsiębiorstwo Handlowe Żółw") + pad
            elif column.kind is Kind.TEXT:
                width = metrics.horizontalAdvance("Piotr Wiśniewski") + pad
            else:
                width = metrics.horizontalAdvance(column_title(column)) + pad
            self.table.setColumnWidth(n, width)

    def _remember_currencies(self, table: OwedTable) -> None:
        new = {s.currency for s in table.sections} - self._currencies
        if not new:
            return
        self._currencies |= new
        chosen = self.currency.currentData()
        self.currency.blockSignals(True)
        self.currency.clear()
        self.currency.addItem(_("All currencies"), "")
        for code in sorted(self._currencies):
            self.currency.addItem(code, code)
        self.currency.setCurrentIndex(max(self.currency.findData(chosen), 0))
        self.currency.blockSignals(False)

    def _show_totals(self, table: OwedTable) -> None:
        if not table.sections:
            self.totals.setText(_("Nobody owes anything."))
            return
        lines = []
        for section in table.sections:
            t = section.total.values
            count = int(str(t.get("contractors", 0)))
            lines.append(
                _("{currency}: open {open}, overdue {overdue}, not due {not_due}").format(
                    currency=section.currency,
                    open=format_money(int(str(t["open"])), section.currency),
                    overdue=format_money(int(str(t["overdue"])), section.currency),
                    not_due=format_money(int(str(t["not_due"])), section.currency),
                )
                + " · "
                + ngettext("{n} contractor", "{n} contractors", count).format(n=count)
            )
        self.totals.setText("\n".join(lines))

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        show_error(exc, self)

    # -- drill-down ------------------------------------------------------------------------------

    def _drill_down(self, index: QModelIndex) -> None:
        if not index.isValid() or self.table_data is None:
            return
        line = self.model.row(index.row()).item
        if not isinstance(line, Line):
            return
        by = self.table_data.by
        if by is By.CONTRACTOR and isinstance(line.key, int):
            self._open_card(line.key)
            return
        if by is By.MANAGER:
            # a manager row: that manager's contractors, by the real filter (exports follow it)
            self.set_manager(line.key if isinstance(line.key, int) else None)
        else:
            title = str(line.values.get("name", ""))
            self._only = (
                frozenset(line.contractor_ids),
                _("Contractors owing: {bucket}").format(bucket=title),
            )
        self.by.blockSignals(True)
        self.by.setCurrentIndex(self.by.findData(By.CONTRACTOR))
        self.by.blockSignals(False)
        self.refresh()

    def _show_all(self) -> None:
        self._only = None
        self.refresh()

    # -- exports ---------------------------------------------------------------------------------

    def _export(self, suffix: str) -> None:
        table = self.table_data
        if table is None:
            return
        kinds = _("Excel workbook (*.xlsx)") if suffix == ".xlsx" else _("PDF document (*.pdf)")
        name = _("owed-{date}").format(date=table.as_of.isoformat()) + suffix
        chosen, _filter = QFileDialog.getSaveFileName(self, _("Export the report"), name, kinds)
        if chosen:
            self.export_to(Path(chosen))

    def export_to(self, path: Path) -> None:
        table = self.table_data
        if table is None:
            return
        if path.suffix.lower() not in {".xlsx", ".pdf"}:
            path = path.with_name(path.name + ".xlsx")
        db = self._db
        self._ops.read(
            lambda: owed_report.export(db, table, path),
            on_success=self.exported.emit,
            on_failure=self._export_failed,
            owner=self,
            label="owed report export",
        )

    def _export_failed(self, exc: BaseException) -> None:
        show_error(exc, self)
