"""The dry-run calendar: what Inkaso would send or open on each of the coming days.

A tree of days and their actions (time window, contractor, step, channel, invoices, amount),
filtered by channel, with per-day totals. Planning runs off the GUI thread (a second or two on a
big ledger) behind a busy indicator, and again whenever the operations announce a change to
something the plan depends on (keeping the chosen action, the open days and the scroll);
double-clicking an action opens the contractor's card.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from babel.dates import format_date
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QFontMetrics, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app import labels
from desktop_app.changes import Change
from desktop_app.domain.scenario import CHANNELS
from desktop_app.i18n import _, babel_locale, ngettext
from desktop_app.services.dunning.dry_run import DryRun, DryRunAction, dry_run
from resources import resource_path
from ui import formatting, theme
from ui.operations import Operations
from ui.widgets import view_state

ContractorRole = Qt.ItemDataRole.UserRole
KeyRole = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("when", "contractor", "step", "channel", "items", "amount")
WHEN, CONTRACTOR, STEP, CHANNEL, ITEMS, AMOUNT = range(len(COLUMNS))
DEFAULT_DAYS = 14
#: what the plan depends on: who owes what, what was sent, the scenarios, windows and holidays
PLAN_USES = (
    Change.CONTRACTORS
    | Change.INVOICES
    | Change.PAYMENTS
    | Change.PROMISES
    | Change.OUTBOX
    | Change.SCENARIOS
    | Change.SETTINGS
    | Change.FIRM
)


def money_totals(totals: dict[str, int]) -> str:
    return ", ".join(formatting.money(minor, cur) for cur, minor in sorted(totals.items()))


class CalendarWindow(QDialog):
    """Non-modal window: Dunning → Dry-run calendar…"""

    #: a contractor's card was asked for (double-click on an action)
    open_requested = Signal(int)

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: Callable[[], dt.date],
        open_card: Callable[[int], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self._today = today
        self.dry_run: DryRun | None = None
        self.loading = False
        #: dry runs shown so far (tests wait for the next one)
        self.plans_made = 0
        if open_card is not None:
            self.open_requested.connect(open_card)

        self.setWindowTitle(_("Dry-run calendar"))
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(theme.fitting_size(QSize(1240, 780)))

        self.days = QSpinBox()
        self.days.setRange(1, 60)
        self.days.setValue(DEFAULT_DAYS)
        self.days.setSuffix(" " + _("days"))
        self.days.setAccessibleName(_("Days ahead"))
        self.days.valueChanged.connect(lambda _v: self.refresh())
        self.refresh_button = QPushButton(
            self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload), _("Refresh")
        )
        self.refresh_button.setAutoDefault(False)
        self.refresh_button.clicked.connect(self.refresh)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh)
        self.channel_checks: dict[str, QCheckBox] = {}
        filters = QHBoxLayout()
        filters.setSpacing(10)
        filters.addWidget(QLabel(_("Next")))
        filters.addWidget(self.days)
        filters.addSpacing(16)
        filters.addWidget(QLabel(_("Show:")))
        for code in CHANNELS:
            check = QCheckBox(labels.channel(code, short=True))
            check.setChecked(True)
            check.toggled.connect(lambda _on: self._fill())
            self.channel_checks[code] = check
            filters.addWidget(check)
        filters.addStretch(1)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.hide()
        filters.addWidget(self.busy)
        filters.addWidget(self.refresh_button)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(
            [
                _("Day / window"),
                _("Contractor"),
                _("Step"),
                _("Channel"),
                _("Invoices"),
                _("Amount"),
            ]
        )
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAccessibleName(_("Planned actions by day"))
        self.tree.itemActivated.connect(self._activated)
        self.tree.headerItem().setTextAlignment(
            AMOUNT, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        self.tree.headerItem().setTextAlignment(
            ITEMS, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(CONTRACTOR, QHeaderView.ResizeMode.Stretch)
        metrics = self.tree.fontMetrics()
        bold_metrics = QFontMetrics(theme.scaled_font(self.tree.font(), 1.0, bold=True))
        widths = {
            WHEN: bold_metrics.horizontalAdvance(_day_text(dt.date(2026, 9, 30), dt.date.min))
            + bold_metrics.horizontalAdvance(_("Today, {date}").format(date=""))
            + 48,
            STEP: metrics.horizontalAdvance("2 days before the due date") + 24,
            CHANNEL: metrics.horizontalAdvance("Notice") + 40,
            ITEMS: metrics.horizontalAdvance(_("Invoices")) + 28,
            AMOUNT: bold_metrics.horizontalAdvance(
                money_totals({"EUR": 9_999_99, "PLN": 999_999_99})
            )
            + 28,
        }
        for column, width in widths.items():
            header.resizeSection(column, width)
        self.status = QLabel()
        self.status.setWordWrap(True)
        hint = QLabel(_("Double-click an action to open the contractor's card."))
        pal = hint.palette()
        pal.setColor(hint.foregroundRole(), theme.muted_text())
        hint.setPalette(pal)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(hint)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(filters)
        layout.addWidget(self.tree, 1)
        layout.addLayout(bottom)
        ops.changed.connect(self._data_changed)
        self.refresh()

    # -- loading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        db, today, days = self._db, self._today(), self.days.value()
        self.loading = True
        self.busy.show()
        self.status.setText(
            ngettext(
                "Planning the next {days} day…", "Planning the next {days} days…", days
            ).format(days=days)
        )
        self._ops.read(
            lambda: dry_run(db, today, days),
            on_success=self._loaded,
            on_failure=self._failed,
            key=f"calendar-{id(self)}",
            owner=self,
            label="dry-run calendar",
        )

    def _data_changed(self, changes: Change) -> None:
        if changes & PLAN_USES:
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        from ui.errors import show_error

        self.loading = False
        self.busy.hide()
        self.status.setText(_("The calendar could not be planned."))
        show_error(exc, self)

    def _loaded(self, result: DryRun) -> None:
        self.dry_run = result
        self.loading = False
        self.busy.hide()
        self._fill()
        self.plans_made += 1

    # -- filling -------------------------------------------------------------------------------

    def shown_channels(self) -> set[str]:
        return {code for code, check in self.channel_checks.items() if check.isChecked()}

    def _fill(self) -> None:
        result = self.dry_run
        tree = self.tree
        place = view_state.remember(tree, KeyRole)
        tree.clear()
        if result is None:
            return
        shown = self.shown_channels()
        bold = QFont(tree.font())
        bold.setBold(True)
        muted = QBrush(theme.muted_text())
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        total_actions = 0
        busy_days = 0
        days: list[QTreeWidgetItem] = []
        for day, actions in result.by_day():
            visible = [a for a in actions if a.channel in shown]
            day_item = QTreeWidgetItem()
            day_item.setText(WHEN, _day_text(day, result.today))
            day_item.setFirstColumnSpanned(False)
            totals: dict[str, int] = {}
            items = 0
            for action in visible:
                for currency, minor in action.totals().items():
                    totals[currency] = totals.get(currency, 0) + minor
                items += len(action.items)
            day_item.setText(
                CONTRACTOR,
                ngettext("{n} action", "{n} actions", len(visible)).format(n=len(visible))
                if visible
                else _("nothing planned"),
            )
            if items:
                day_item.setText(ITEMS, str(items))
            day_item.setText(AMOUNT, money_totals(totals))
            day_item.setTextAlignment(ITEMS, right)
            day_item.setTextAlignment(AMOUNT, right)
            for column in range(len(COLUMNS)):
                day_item.setFont(column, bold)
                if not visible:
                    day_item.setForeground(column, muted)
            for action in sorted(visible, key=_action_order):
                day_item.addChild(self._action_item(action, right))
            days.append(day_item)
            total_actions += len(visible)
            busy_days += bool(visible)
        tree.addTopLevelItems(days)
        for item in days:
            item.setExpanded(item.childCount() <= 200)
        view_state.restore(tree, place, KeyRole)
        self.status.setText(
            ngettext("{n} action planned", "{n} actions planned", total_actions).format(
                n=total_actions
            )
            + " · "
            + ngettext("on {days} day of {all}", "on {days} days of {all}", busy_days).format(
                days=busy_days, all=result.days
            )
            + " · "
            + _("assuming nobody pays in the meantime")
        )

    def _action_item(self, action: DryRunAction, right: Qt.AlignmentFlag) -> QTreeWidgetItem:
        item = QTreeWidgetItem()
        item.setData(0, ContractorRole, action.contractor_id)
        item.setData(0, KeyRole, action.key)
        item.setText(WHEN, action.window or _("any time"))
        item.setText(CONTRACTOR, action.contractor)
        item.setText(STEP, action.step_title)
        item.setToolTip(STEP, f"{action.scenario} / {action.step}")
        item.setText(CHANNEL, labels.channel(action.channel, short=True))
        item.setText(ITEMS, str(len(action.items)))
        item.setToolTip(
            ITEMS,
            "\n".join(
                _("{number}, due {date}: {amount}").format(
                    number=i.invoice,
                    date=formatting.date(i.due_date),
                    amount=formatting.money(i.open_minor, i.currency),
                )
                for i in action.items
            ),
        )
        item.setText(AMOUNT, money_totals(action.totals()))
        item.setTextAlignment(ITEMS, right)
        item.setTextAlignment(AMOUNT, right)
        if action.kind == "handover":
            item.setForeground(STEP, QBrush(theme.overdue_text()))
        elif action.kind == "thanks":
            item.setForeground(STEP, QBrush(theme.credit_text()))
        return item

    def action_items(self) -> list[QTreeWidgetItem]:
        found = []
        for i in range(self.tree.topLevelItemCount()):
            day = self.tree.topLevelItem(i)
            if day is None:
                continue
            for j in range(day.childCount()):
                child = day.child(j)
                if child is not None:
                    found.append(child)
        return found

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        contractor_id = item.data(0, ContractorRole)
        if contractor_id is not None:
            self.open_requested.emit(int(contractor_id))


def _day_text(day: dt.date, today: dt.date) -> str:
    text = str(format_date(day, "EEEE, d MMMM y", locale=babel_locale()))
    if day == today:
        return _("Today, {date}").format(date=text)
    return text[:1].upper() + text[1:]


def _action_order(action: DryRunAction) -> tuple[str, str, str]:
    return (action.window or "~", action.contractor.casefold(), action.step)
