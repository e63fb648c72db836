"""Tools → Audit trail…: the firm's set-up changes and the contractors' log in one list, newest
first, filtered by kind and by who, a page at a time."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services import audit
from desktop_app.services.activity import current_actor
from tests.conftest import Cli
from tests.gui.conftest import OFFSCREEN_NOISE, shown_main_window
from ui.audit_window import PAGE, AuditTrailWindow
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _texts(window: AuditTrailWindow, column: int) -> list[str]:
    table = window.table
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_the_audit_trail_window_lists_filters_and_pages(
    qtbot: QtBot, db: Database, ops: Operations, cli: Cli
) -> None:
    for args in (
        ("config", "set", "smtp.host", "mail.example.com"),
        ("firm", "set", "--name", "Hurtownia Pol-Mak"),
        ("contractor", "add", "--name", "Dobry Klient"),
        ("rates", "add", "--kind", "commercial", "--from", "2027-01-01", "--rate", "16.25"),
    ):
        assert cli(*args).code == 0, args
    # the window's days are real local days: the lines were written just now
    main = shown_main_window(qtbot, db, ops, dt.date.today(), rows=1)
    tools = next(a.menu() for a in main.menuBar().actions() if a.text() == "&Tools")
    entry = next(a for a in tools.actions() if a.text() == "&Audit trail…")
    entry.trigger()
    window = main.findChild(AuditTrailWindow)
    assert window is not None
    qtbot.waitUntil(lambda: window.page is not None and window.table.rowCount() == 4)
    assert _texts(window, 2) == ["Rate", "Contractor", "Firm", "Settings"]
    assert "16.25" in _texts(window, 4)[0]
    assert _texts(window, 3)[1] == "Dobry Klient"
    assert set(_texts(window, 1)) == {current_actor()}
    assert window.position.text() == "1–4 of 4"
    assert not window.older.isEnabled() and not window.newer.isEnabled()

    window.kind.setCurrentIndex(window.kind.findData("contractor"))
    qtbot.waitUntil(lambda: _texts(window, 3) == ["Dobry Klient"])
    window.kind.setCurrentIndex(0)
    qtbot.waitUntil(lambda: window.who.count() > 1)
    window.who.setCurrentIndex(window.who.findData(current_actor()))
    qtbot.waitUntil(lambda: window.table.rowCount() == 4)

    with db.write() as session:
        for n in range(PAGE + 10):
            audit.record(session, kind="rate", target=f"eur {n}", action="add", actor="ksiegowa")
    window.who.setCurrentIndex(0)
    window.reload()
    qtbot.waitUntil(lambda: window.position.text() == f"1–{PAGE} of {PAGE + 14}")
    assert window.older.isEnabled()
    window.older.click()
    qtbot.waitUntil(lambda: window.position.text() == f"{PAGE + 1}–{PAGE + 14} of {PAGE + 14}")
    assert _texts(window, 2)[-1] == "Settings"  # the oldest, on the last page
    assert window.newer.isEnabled() and not window.older.isEnabled()
