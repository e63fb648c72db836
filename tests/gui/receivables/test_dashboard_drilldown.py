"""A click on each dashboard figure shows the list behind it, and its rows sum to the figure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.models import OutboxMessage
from db.uow import Database
from desktop_app.services.dunning.promises import add_promise
from desktop_app.services.dunning.tasks import add_task
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.receivables.conftest import TODAY, Ledger
from ui.dashboard.drilldown import DrillDownDialog
from ui.dashboard.view import DashboardView
from ui.dunning.outbox_view import OutboxWindow
from ui.dunning.tasks_view import TasksWindow
from ui.main_window import MainWindow
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def board(qtbot: QtBot, db: Database, ledger: Ledger, ops: Operations) -> MainWindow:
    # this week (Monday 16 to Sunday 22 November): Beta promises 1 000,00 on Friday
    add_promise(
        db,
        contractor=ledger.beta,
        due_on=dt.date(2026, 11, 20),
        amount_minor=100_000,
        currency="PLN",
        today=dt.date(2026, 11, 10),
    )
    add_task(db, title="Call Alfa", due_on=TODAY - dt.timedelta(days=2), contractor_id=ledger.alfa)
    add_task(db, title="Call Beta", due_on=TODAY, contractor_id=ledger.beta)
    add_task(db, title="Later", due_on=TODAY + dt.timedelta(days=1), contractor_id=ledger.beta)
    with db.write() as session:
        for n, status in enumerate(("failed", "failed_permanently", "sent")):
            session.add(
                OutboxMessage(
                    key=f"m-{n}",
                    contractor_id=ledger.alfa,
                    channel="email",
                    recipients=["biuro@alfa.pl"],
                    body_text="x",
                    status=status,
                    planned_for=TODAY,
                )
            )
    main = MainWindow(db, ops, currency="PLN", today=lambda: TODAY, db_label="inkaso.db")
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: main.dashboard.board is not None and bool(main.dashboard.forecast))
    return main


def _shown(qtbot: QtBot, view: DashboardView, click: Callable[[], None]) -> DrillDownDialog:
    click()
    dialog = view.drill_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.drill is not None)
    assert dialog.isVisible()
    return dialog


def _names(dialog: DrillDownDialog) -> list[str]:
    model = dialog.table.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_each_figure_opens_the_rows_that_make_it(qtbot: QtBot, board: MainWindow) -> None:
    view = board.dashboard
    assert view.board is not None
    pln = view.board.currencies["PLN"]

    def click(widget: object) -> Callable[[], None]:
        return lambda: qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]

    opened = _shown(qtbot, view, click(view.open_tile))
    assert sum(opened.row_amounts()) == pln.open == 640_000
    assert _names(opened) == [
        "Beta Budownictwo S.A.",
        "Alfa Sp. z o.o.",
        "Łódzkie Zakłady Mięsne Sp. z o.o.",
    ]
    overdue = _shown(qtbot, view, click(view.overdue_tile))
    assert sum(overdue.row_amounts()) == pln.overdue == 590_000
    assert _names(overdue) == ["Beta Budownictwo S.A.", "Alfa Sp. z o.o."]
    # each aging bar: 31-60 has Beta's 5 000,00 and Alfa's 300,00, 61-90 Alfa's 600,00
    for index, label in enumerate(view.board.labels):
        bar = _shown(qtbot, view, lambda i=index: view.aging_bars.clicked.emit(i))
        assert sum(bar.row_amounts()) == pln.buckets[label], label
    assert _names(_shown(qtbot, view, lambda: view.aging_bars.clicked.emit(2))) == [
        "Alfa Sp. z o.o."
    ]
    promised = _shown(qtbot, view, click(view.promised_tile))
    assert sum(promised.row_amounts()) == pln.promised_this_week == 100_000
    assert _names(promised) == ["Beta Budownictwo S.A."]
    weeks = view.forecast["PLN"]
    for week, tile in enumerate(view.week_tiles):
        shown = _shown(qtbot, view, click(tile))
        assert sum(shown.row_amounts()) == weeks[week].amount
    tasks = _shown(qtbot, view, click(view.tasks))
    assert sum(tasks.row_amounts()) == view.board.tasks_due == 2
    failed = _shown(qtbot, view, click(view.failed))
    assert sum(failed.row_amounts()) == view.board.failed_reminders == 2


def test_a_row_opens_the_card_and_the_button_the_full_view(
    qtbot: QtBot, board: MainWindow, ledger: Ledger
) -> None:
    view = board.dashboard
    overdue = _shown(qtbot, view, lambda: view.show_overdue(None))
    rect = overdue.table.visualRect(overdue.table.model().index(0, 0))
    qtbot.mouseClick(overdue.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: ledger.beta in board.cards() and board.cards()[ledger.beta].isVisible())
    # a header sorts by value: the smaller debt first
    overdue.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    assert overdue.row_amounts() == [90_000, 500_000]
    assert overdue.more is not None
    qtbot.mouseClick(overdue.more, Qt.MouseButton.LeftButton)
    assert board.pages.currentWidget() is board.list_page
    assert board.overdue_only.isChecked()

    failed = _shown(qtbot, view, view.show_failed)
    assert failed.more is not None
    qtbot.mouseClick(failed.more, Qt.MouseButton.LeftButton)
    outbox = board.sending.outbox_window
    assert outbox is not None and outbox.isVisible()
    assert outbox.status_filter.currentData() == "failed_any"  # type: ignore[attr-defined]


def test_the_failed_button_shows_every_message_the_figure_counts(
    qtbot: QtBot, board: MainWindow
) -> None:
    view = board.dashboard
    assert view.board is not None
    failed = _shown(qtbot, view, view.show_failed)
    assert failed.more is not None
    qtbot.mouseClick(failed.more, Qt.MouseButton.LeftButton)
    outbox = board.sending.outbox_window
    assert isinstance(outbox, OutboxWindow)
    qtbot.waitUntil(lambda: not outbox.loading and outbox.model.query.status is not None)
    qtbot.waitUntil(lambda: not outbox.loading)
    shown = sorted(outbox.model.message(n).status for n in range(outbox.model.rowCount()))
    # the retried one and the one given up, as the figure counts them; not the sent one
    assert shown == ["failed", "failed_permanently"]
    assert outbox.model.rowCount() == view.board.failed_reminders
    assert outbox.status_filter.currentText() == "Failed (any) (2)"


def test_the_tasks_button_shows_the_tasks_the_figure_counts(
    qtbot: QtBot, board: MainWindow
) -> None:
    view = board.dashboard
    assert view.board is not None
    tasks = _shown(qtbot, view, view.show_tasks_due)
    assert tasks.more is not None
    qtbot.mouseClick(tasks.more, Qt.MouseButton.LeftButton)
    window = board.sending.tasks_window
    assert isinstance(window, TasksWindow)
    qtbot.waitUntil(lambda: window.current_tab() == "due" and len(window.task_ids()) == 2)
    # the overdue call and today's; not tomorrow's
    assert len(window.task_ids()) == view.board.tasks_due
