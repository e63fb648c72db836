"""The debt dashboard, the main window's first page: per currency, figure tiles, aging bars, the
12-month overdue trend (QtCharts), the top debtors, tasks due and failed reminders.

Both reads (the current figures, then the slower trend) run through :class:`Operations` off the
GUI thread and are repeated on every announced change to what the figures are made of. A click
on a debtor asks for its card; a click on any other figure (a tile, an aging bar, a forecast
week, the tasks due, the failed reminders) opens the list behind it (:mod:`ui.dashboard.drilldown`),
whose rows open cards and whose button leads on to the contractor list, the task list or the
outbox. The window that holds the page answers the requests (it owns those windows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from babel.dates import format_date
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain.money import to_decimal
from desktop_app.i18n import _, babel_locale
from desktop_app.services import dashboard_drilldown as drill
from desktop_app.services.dashboard import (
    CurrencyDashboard,
    Dashboard,
    MonthOverdue,
    WeekForecast,
    cash_in_forecast,
    dashboard,
    nothing_due,
    overdue_trend,
)
from desktop_app.services.dashboard_drilldown import DrillDown
from ui import formatting, theme
from ui.dashboard.drilldown import DrillDownDialog
from ui.operations import Operations

#: the kinds of data the figures are made of
SHOWS = (
    Change.CONTRACTORS
    | Change.INVOICES
    | Change.PAYMENTS
    | Change.PROMISES
    | Change.OUTBOX
    | Change.TASKS
)


class Tile(QPushButton):
    """A figure with its caption; flat, and clickable when it leads somewhere."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = caption
        self.setFlat(True)
        self.setMinimumHeight(64)
        self.setFont(theme.scaled_font(self.font(), 1.3, bold=True))
        self.set_value("…")

    def set_value(self, value: str) -> None:
        self.value = value
        self.setText(f"{value}\n{self.caption}")


def _major(minor: int, currency: str) -> float:
    # charts draw floats; the exact amounts are in the tiles and the table
    return float(to_decimal(minor, currency))


Y_TICKS = 5  # QValueAxis's own default


class BarChart(QChartView):
    """One series of bars over named categories; the axes stay, the bars are replaced."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setTitle(title)
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.x_axis = QBarCategoryAxis()
        # Qt cuts a label to "..." well before it touches its neighbour ("mar", "maj" on a
        # 1366-pixel screen); names too wide for their bar ("июнь") are turned on their side
        self.x_axis.setTruncateLabels(False)
        chart.plotAreaChanged.connect(self._fit_labels)
        # QValueAxis prints its numbers through printf ("1500000"); a category axis carries our
        # own labels, one at each tick, grouped in the UI language
        self.y_axis = QCategoryAxis()
        self.y_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.bars = QBarSet("")

    def show_bars(self, labels: list[str], values: list[float], color: QColor) -> QBarSet:
        chart = self.chart()
        chart.removeAllSeries()
        self.bars = QBarSet("")
        self.bars.append(values)
        self.bars.setColor(color)
        series = QBarSeries()
        series.append(self.bars)
        chart.addSeries(series)
        self.x_axis.clear()
        self.x_axis.append(labels)
        self.y_axis.setTickCount(Y_TICKS)  # a smaller book may have lowered it
        self.y_axis.setRange(0, max([*values, 1.0]))
        self.y_axis.applyNiceNumbers()
        # whole numbers only: below five ticks' worth the labels repeated (0, 0, 0, 1, 1, 1)
        top = round(self.y_axis.max())
        if top < self.y_axis.tickCount() - 1:
            self.y_axis.setTickCount(top + 1)
        self._label_ticks()
        series.attachAxis(self.x_axis)
        series.attachAxis(self.y_axis)
        self._fit_labels()
        return self.bars

    def _label_ticks(self) -> None:
        axis = self.y_axis
        for label in axis.categoriesLabels():
            axis.remove(label)
        axis.setStartValue(axis.min())
        step = (axis.max() - axis.min()) / (axis.tickCount() - 1)
        for tick in range(axis.tickCount()):
            value = axis.min() + tick * step
            axis.append(formatting.number(value), value)

    def labels_fit_upright(self) -> bool:
        """Whether the widest category name fits its bar's width with a little gap."""
        labels = self.x_axis.categories()
        if not labels:
            return True
        metrics = QFontMetrics(self.x_axis.labelsFont())
        widest = max(metrics.horizontalAdvance(label) for label in labels)
        return widest + metrics.averageCharWidth() <= self.chart().plotArea().width() / len(labels)

    def _fit_labels(self) -> None:
        # the angle changes the plot's height only, so this settles at once
        self.x_axis.setLabelsAngle(0 if self.labels_fit_upright() else -90)


class DashboardView(QWidget):
    #: a contractor's id whose card should open
    card_requested = Signal(int)
    #: the list should be shown, True: only overdue contractors
    list_requested = Signal(bool)
    #: the task list should be shown (from the tasks due)
    tasks_requested = Signal()
    #: the outbox should be shown with the failed messages (from the failed reminders)
    failed_requested = Signal()
    #: the figures of a read have been shown (for tests and the screenshot)
    loaded = Signal()
    #: a new book's first steps, as the empty contractor list offers them
    add_contractor_requested = Signal()
    import_requested = Signal()

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: Callable[[], dt.date],
        currency: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self._today = today
        self._home = currency
        self.board: Dashboard | None = None
        self.trend: dict[str, list[MonthOverdue]] = {}
        self.forecast: dict[str, list[WeekForecast]] = {}
        self._forecast_read = False

        self.currency = QComboBox()
        self.currency.setToolTip(_("Currency of the figures"))
        self.currency.currentTextChanged.connect(self._show_currency)
        self.as_of = QLabel()
        self.tasks = QPushButton()
        self.tasks.setFlat(True)
        self.tasks.setToolTip(_("Show the tasks due"))
        self.tasks.clicked.connect(self.show_tasks_due)
        self.failed = QPushButton()
        self.failed.setFlat(True)
        self.failed.setToolTip(_("Show the reminders that failed"))
        self.failed.clicked.connect(self.show_failed)
        self.drill_dialog: DrillDownDialog | None = None
        top = QHBoxLayout()
        top.addWidget(self.currency)
        top.addWidget(self.as_of)
        top.addStretch(1)
        top.addWidget(self.tasks)
        top.addSpacing(16)
        top.addWidget(self.failed)

        self.open_tile = Tile(_("open receivable"))
        self.overdue_tile = Tile(_("overdue"))
        self.share_tile = Tile(_("overdue share"))
        self.dso_tile = Tile(_("DSO, days"))
        self.dso_tile.setToolTip(
            _("Days sales outstanding: open receivable / invoiced in the last 90 days × 90")
        )
        self.cei_tile = Tile(_("collection effectiveness"))
        self.cei_tile.setToolTip(
            _(
                "Collection effectiveness over the last 30 days: (open 30 days ago + invoiced"
                " since − open now) / (open 30 days ago + invoiced since − open now and not yet"
                " due) × 100"
            )
        )
        self.promised_tile = Tile(_("promised this week"))
        self.week_tiles = [Tile("") for _week in range(4)]
        self.open_tile.clicked.connect(self.show_open)
        for tile in (self.overdue_tile, self.share_tile):
            tile.clicked.connect(partial(self.show_overdue, None))
        self.promised_tile.clicked.connect(self.show_promised)
        for week, tile in enumerate(self.week_tiles):
            tile.clicked.connect(partial(self.show_forecast_week, week))
        tiles = QGridLayout()
        figures = (
            self.open_tile,
            self.overdue_tile,
            self.share_tile,
            self.dso_tile,
            self.cei_tile,
            self.promised_tile,
        )
        # three figures a row, so the page fits a 1366-pixel laptop screen in every language
        per_row = 3
        for index, tile in enumerate(figures):
            tiles.addWidget(tile, index // per_row, index % per_row)
        rows = (len(figures) + per_row - 1) // per_row
        forecast_caption = QLabel(_("Expected cash-in by expected payment date, next 4 weeks:"))
        weeks = QGridLayout()
        weeks.addWidget(forecast_caption, 0, 0, 1, len(self.week_tiles))
        for column, tile in enumerate(self.week_tiles):
            weeks.addWidget(tile, 1, column)
        tiles.addLayout(weeks, rows, 0, 1, per_row)

        self.aging_view = BarChart(_("Overdue by days past due"))
        self.trend_view = BarChart(_("Overdue at month end"))
        charts = QHBoxLayout()
        charts.addWidget(self.aging_view, 1)
        charts.addWidget(self.trend_view, 1)

        self.debtors = QTableWidget(0, 2)
        self.debtors.setHorizontalHeaderLabels([_("Top debtors"), _("Overdue")])
        self.debtors.verticalHeader().hide()
        self.debtors.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.debtors.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.debtors.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.debtors.setToolTip(_("Click a debtor to open its card"))
        self.debtors.cellClicked.connect(self._debtor_clicked)
        self.debtors.setMinimumWidth(300)

        self.first_steps = QWidget()
        self.first_steps.hide()
        first_sentence = QLabel(
            _(
                "There are no contractors in this database yet: add the first by hand or "
                "import your invoices, and the figures will show here."
            )
        )
        first_sentence.setWordWrap(True)
        self.add_contractor_button = QPushButton(_("Add contractor…"))
        self.add_contractor_button.clicked.connect(self.add_contractor_requested)
        self.import_button = QPushButton(_("Import invoices…"))
        self.import_button.setToolTip(_("Import invoices from KSeF, JPK, CSV or Excel files"))
        self.import_button.clicked.connect(self.import_requested)
        steps = QHBoxLayout(self.first_steps)
        steps.setContentsMargins(0, 0, 0, 8)
        steps.addWidget(first_sentence, 1)
        steps.addWidget(self.add_contractor_button)
        steps.addWidget(self.import_button)

        left = QVBoxLayout()
        left.addWidget(self.first_steps)
        left.addLayout(tiles)
        left.addLayout(charts, 1)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addWidget(self.debtors, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 4)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        ops.changed.connect(self._changed)

    # -- reading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        db, today = self._db, self._today()
        self._ops.read(
            lambda: dashboard(db, today),
            on_success=self._show,
            key="dashboard",
            owner=self,
            label="dashboard",
        )
        self._ops.read(
            lambda: cash_in_forecast(db, today),
            on_success=self._show_forecast,
            key="dashboard-forecast",
            owner=self,
            label="dashboard forecast",
        )
        self._ops.read(
            lambda: overdue_trend(db, today),
            on_success=self._show_trend,
            key="dashboard-trend",
            owner=self,
            label="dashboard trend",
        )

    def _changed(self, changes: Change) -> None:
        if changes & SHOWS:
            self.refresh()

    def _show(self, board: Dashboard) -> None:
        self.board = board
        self.as_of.setText(_("as of {date}").format(date=formatting.date(board.today)))
        self.tasks.setText(_("Tasks due: {count}").format(count=board.tasks_due))
        self.failed.setText(_("Failed reminders: {count}").format(count=board.failed_reminders))
        self.first_steps.setVisible(not board.has_contractors)
        names = list(board.currencies) or [self._home]
        current = self.currency.currentText() or self._home
        self.currency.blockSignals(True)
        self.currency.clear()
        self.currency.addItems(names)
        self.currency.setCurrentText(current if current in names else names[0])
        self.currency.blockSignals(False)
        self.currency.setVisible(len(names) > 1)
        self._show_currency(self.currency.currentText())
        self.loaded.emit()

    def _show_trend(self, trend: dict[str, list[MonthOverdue]]) -> None:
        self.trend = trend
        self._draw_trend(self.currency.currentText() or self._home)

    def _show_forecast(self, weeks: dict[str, list[WeekForecast]]) -> None:
        self.forecast = weeks
        self._forecast_read = True
        self._draw_forecast(self.currency.currentText() or self._home)

    def _draw_forecast(self, currency: str) -> None:
        if not self._forecast_read:
            return  # the tiles say "…" until the read is back
        weeks = self.forecast.get(currency) or nothing_due(self._figures_day())
        for tile, week in zip(self.week_tiles, weeks, strict=False):
            tile.caption = _("week from {date}").format(date=formatting.date(week.week_start))
            tile.set_value(formatting.money(week.amount, currency))

    def _section(self, currency: str) -> CurrencyDashboard:
        if self.board is not None and currency in self.board.currencies:
            return self.board.currencies[currency]
        labels = self.board.labels if self.board is not None else ()
        return CurrencyDashboard(currency, buckets=dict.fromkeys(labels, 0))

    def _show_currency(self, currency: str) -> None:
        if not currency:
            return
        section = self._section(currency)
        self.open_tile.set_value(formatting.money(section.open, currency))
        self.overdue_tile.set_value(formatting.money(section.overdue, currency))
        self.share_tile.set_value(f"{section.overdue_share:.0%}")
        self.dso_tile.set_value("–" if section.dso_days is None else f"{section.dso_days:.0f}")
        cei = section.collection_effectiveness
        self.cei_tile.set_value("–" if cei is None else f"{cei / 100:.0%}")
        self.promised_tile.set_value(formatting.money(section.promised_this_week, currency))
        self._draw_forecast(currency)
        self._draw_aging(section)
        self._draw_trend(currency)
        self.debtors.setRowCount(len(section.top_debtors))
        for row, debtor in enumerate(section.top_debtors):
            name = QTableWidgetItem(debtor.name)
            name.setData(Qt.ItemDataRole.UserRole, debtor.contractor_id)
            name.setForeground(self.palette().link())
            amount = QTableWidgetItem(formatting.money(debtor.overdue, currency))
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            amount.setForeground(theme.overdue_text(self.palette()))
            self.debtors.setItem(row, 0, name)
            self.debtors.setItem(row, 1, amount)

    def _draw_aging(self, section: CurrencyDashboard) -> None:
        labels = list(section.buckets)
        values = [_major(section.buckets[label], section.currency) for label in labels]
        color = theme.overdue_text(self.palette())
        self.aging_bars = self.aging_view.show_bars(labels, values, color)
        self.aging_bars.clicked.connect(lambda index: self.show_overdue(labels[index]))

    def _draw_trend(self, currency: str) -> None:
        months = self.trend.get(currency, [])
        # the month alone: twelve bars span at most one month of each name
        labels = [str(format_date(m.month_end, "LLL", locale=babel_locale())) for m in months]
        values = [_major(m.overdue, currency) for m in months]
        self.trend_view.show_bars(labels, values, theme.overdue_text(self.palette()))

    def _debtor_clicked(self, row: int, _column: int) -> None:
        item = self.debtors.item(row, 0)
        if item is not None:
            self.card_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    # -- the lists behind the figures ------------------------------------------------------------

    def _figures_day(self) -> dt.date:
        return self.board.today if self.board is not None else self._today()

    def _shown_currency(self) -> str:
        return self.currency.currentText() or self._home

    def _drill(
        self, load: Callable[[], DrillDown], more: tuple[str, Callable[[], None]] | None = None
    ) -> DrillDownDialog:
        dialog = DrillDownDialog(self._ops, load, more=more, parent=self)
        dialog.card_requested.connect(self.card_requested)
        dialog.destroyed.connect(lambda *_args: self._drill_gone(dialog))
        self.drill_dialog = dialog
        dialog.show()
        return dialog

    def _drill_gone(self, dialog: DrillDownDialog) -> None:
        if self.drill_dialog is dialog:
            self.drill_dialog = None

    def show_open(self) -> DrillDownDialog:
        db, today, currency = self._db, self._figures_day(), self._shown_currency()
        return self._drill(
            lambda: drill.open_receivable(db, today, currency),
            (_("Show in the contractor list"), partial(self.list_requested.emit, False)),
        )

    def show_overdue(self, bucket: str | None) -> DrillDownDialog:
        """The overdue contractors, all (``bucket`` None) or one aging bar's."""
        db, today, currency = self._db, self._figures_day(), self._shown_currency()
        return self._drill(
            lambda: drill.overdue(db, today, currency, bucket),
            (_("Show in the contractor list"), partial(self.list_requested.emit, True)),
        )

    def show_promised(self) -> DrillDownDialog:
        db, today, currency = self._db, self._figures_day(), self._shown_currency()
        return self._drill(lambda: drill.promised(db, today, currency))

    def show_forecast_week(self, week: int) -> DrillDownDialog:
        db, today, currency = self._db, self._figures_day(), self._shown_currency()
        return self._drill(lambda: drill.forecast_week(db, today, currency, week))

    def show_tasks_due(self) -> DrillDownDialog:
        db, today = self._db, self._figures_day()
        return self._drill(
            lambda: drill.tasks_due(db, today), (_("Open the task list"), self.tasks_requested.emit)
        )

    def show_failed(self) -> DrillDownDialog:
        db = self._db
        return self._drill(
            lambda: drill.failed_reminders(db), (_("Open the outbox"), self.failed_requested.emit)
        )
