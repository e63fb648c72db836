"""Contractor → Check on the White List…: the contractors chosen in the list are checked in the
background against a loopback White List, each shown with its traffic light."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.services import whitelist
from desktop_app.services.dunning.tasks import add_task
from desktop_app.settings import set_value
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.receivables.conftest import Ledger
from tests.integration.http_gateway import Answer, Request, running_gateway
from tests.integration.whitelist_server import registry, subject
from ui.credibility.menu import open_bulk_check
from ui.main_window import MainWindow
from ui.models.contractors_model import COLUMN

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
ACCOUNT = "61109010140000071219812874"


def _choose(window: MainWindow, *ids: int) -> None:
    selection = window.table.selectionModel()
    selection.clearSelection()
    for cid in ids:
        row = window.model.row_of(cid)
        assert row is not None
        selection.select(
            window.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def test_the_chosen_contractors_are_checked_with_their_lights(
    qtbot: QtBot, window: MainWindow, db: Database, ledger: Ledger
) -> None:
    known = {"5260250274": subject("5260250274", "ALFA SP. Z O.O.", accounts=(ACCOUNT,))}
    with running_gateway(registry(known)) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        _choose(window, ledger.alfa, ledger.gamma)
        dialog = open_bulk_check(window)
        assert dialog.chosen.isChecked()
        with qtbot.waitSignal(dialog.finished_run, timeout=10_000):
            dialog.start_button.click()
        assert [r.path for r in mf.requests] == ["/api/search/nips/5260250274,1132853869"]
    assert dialog.outcome is not None and dialog.outcome.stopped is None
    model = dialog.table.model()
    shown = {
        model.index(n, 1).data(): (model.index(n, 0).data(), model.index(n, 3).data())
        for n in range(model.rowCount())
    }
    # Alfa is listed but owes 900,00 overdue since September; Gamma is not on the list
    assert shown == {
        "Alfa Sp. z o.o.": ("● red", "Czynny"),
        "Gamma Transport s.c.": ("● red", "not on the list"),
    }
    assert "Checked 2 of 2 contractors." in dialog.status.text()
    dialog.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 1).data() == "Gamma Transport s.c."
    dialog.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    # a name opens the card
    rect = dialog.table.visualRect(model.index(0, 1))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: ledger.alfa in window.cards())
    with db.read() as session:
        assert len(whitelist.checks(session, "1132853869")) == 1  # kept, with its date
    dialog.close()


def test_with_none_chosen_every_contractor_not_checked_lately(
    qtbot: QtBot, window: MainWindow, db: Database
) -> None:
    with running_gateway(registry({})) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        window.table.selectionModel().clearSelection()
        dialog = open_bulk_check(window)
        assert not dialog.chosen.isEnabled() and dialog.due.isChecked()
        with qtbot.waitSignal(dialog.finished_run, timeout=10_000):
            dialog.start_button.click()
        assert dialog.model.rowCount() == 4
        with qtbot.waitSignal(dialog.finished_run, timeout=10_000):
            dialog.start_button.click()  # checked today: none is older than 30 days now
        assert dialog.model.rowCount() == 0
        assert len(mf.requests) == 1
    assert dialog.status.text() == "No contractor with a NIP needs checking."
    dialog.close()


def test_a_save_made_during_a_run_completes_before_the_run_ends(
    qtbot: QtBot, window: MainWindow, db: Database, ledger: Ledger
) -> None:
    asked, release = threading.Event(), threading.Event()
    answer = registry({})

    def slow(request: Request) -> Answer:
        # a registry that takes its time: it answers only once the test lets it
        asked.set()
        release.wait(60)
        return answer(request)

    saved: list[int] = []
    with running_gateway(slow) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        _choose(window, ledger.alfa, ledger.gamma)
        dialog = open_bulk_check(window)
        try:
            dialog.start_button.click()
            assert asked.wait(10)
            window.ops.write(
                lambda: add_task(
                    db, title="Call Alfa", due_on=dt.date(2026, 12, 2), contractor_id=ledger.alfa
                ),
                changes=Change.TASKS,
                on_success=saved.append,
            )
            qtbot.waitUntil(lambda: bool(saved), timeout=10_000)
            # the run still waits for the registry's answer: the save did not wait for the run
            assert dialog.running and not release.is_set()
        finally:
            release.set()
        qtbot.waitUntil(lambda: not dialog.running, timeout=10_000)
    assert dialog.outcome is not None and dialog.outcome.checked == 2
    with db.read() as session:
        assert len(whitelist.checks(session, "1132853869")) == 1  # the batch's answers kept
    dialog.close()


def test_the_list_shows_the_kept_checks_light_and_sorts_by_it(
    qtbot: QtBot, window: MainWindow, db: Database, ledger: Ledger
) -> None:
    known = {"5260250274": subject("5260250274", "ALFA SP. Z O.O.", accounts=(ACCOUNT,))}
    column = COLUMN["whitelist"]

    def cell(cid: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> object:
        row = window.model.row_of(cid)
        return None if row is None else window.model.index(row, column).data(role)

    assert cell(ledger.alfa) == ""  # never checked: empty
    with running_gateway(registry(known)) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        _choose(window, ledger.alfa, ledger.gamma)
        dialog = open_bulk_check(window)
        with qtbot.waitSignal(dialog.finished_run, timeout=10_000):
            dialog.start_button.click()
    dialog.close()
    # the list is read again once the answers are kept
    qtbot.waitUntil(lambda: cell(ledger.alfa) == "● green")
    assert cell(ledger.gamma) == "● red"
    assert cell(ledger.beta) == ""
    tooltip = str(cell(ledger.alfa, Qt.ItemDataRole.ToolTipRole))
    assert tooltip.startswith("an active VAT payer on the White List on ")
    window.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: window.model.row_of(ledger.gamma) == 0)
    assert window.model.row_of(ledger.alfa) == 1
