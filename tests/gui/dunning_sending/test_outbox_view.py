"""The outbox window over messages written and sent by real dunning runs."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services.dunning import outbox
from tests.gui.dunning_sending.conftest import OFFSCREEN_NOISE, add_debtors
from tests.integration.dunning_env import DunningEnv
from tests.integration.outbox_crowd import NEWER, crowded_outbox
from ui.dunning.outbox_model import COLUMN, PAGE_SIZE
from ui.dunning.outbox_view import OutboxWindow
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def messages(env: DunningEnv) -> DunningEnv:
    """d1 and d3: interrupted while sending (uncertain); d2: refused by the server (failed)."""
    env.configure("gentle-email")
    add_debtors(env)
    env.mail.refuse_rcpt["d2@debtor.example.com"] = "550 5.1.1 Mailbox unavailable"
    env.run("2026-03-16")
    # a sender that died between handing d1's and d3's reminders to the server and recording it
    con = sqlite3.connect(env.db_path)
    with con:
        con.execute(
            "UPDATE outbox SET status = 'sending', holder = 'dead' "
            "WHERE recipients LIKE '%d1@%' OR recipients LIKE '%d3@%'"
        )
    con.close()
    env.run("2026-03-16")  # the next run finds them and marks them uncertain
    return env


@pytest.fixture
def window(qtbot: QtBot, db: Database, ops: Operations, messages: DunningEnv) -> OutboxWindow:
    opened: list[int] = []
    view = OutboxWindow(db, ops, open_card=opened.append)
    view.opened = opened  # type: ignore[attr-defined]
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: not view.loading)
    return view


def _statuses(view: OutboxWindow) -> dict[str, str]:
    model = view.model
    return {
        model.index(r, COLUMN["recipient"]).data(): model.index(r, COLUMN["status"]).data()
        for r in range(model.rowCount())
    }


def _select(view: OutboxWindow, address: str) -> None:
    for row in range(view.model.rowCount()):
        message = view.model.message(row)
        if address in message.recipients:
            assert view.select_message(message.id)
            return
    raise AssertionError(f"no row for {address}")


def test_rows_counts_and_preview(window: OutboxWindow, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(window.model)
    assert _statuses(window) == {
        "d1@debtor.example.com": "Uncertain",
        "d2@debtor.example.com": "Failed",
        "d3@debtor.example.com": "Uncertain",
    }
    counts = window.counts.text()
    assert counts.startswith("3 messages")
    assert "Uncertain: 2" in counts and "Failed: 1" in counts
    assert window.status_filter.itemText(0) == "All statuses (3)"
    _select(window, "d2@debtor.example.com")
    row = window.table.currentIndex().row()
    assert window.model.index(row, COLUMN["contractor"]).data() == "Dłużnik 2 Sp. z o.o."
    assert "Mailbox unavailable" in window.model.index(row, COLUMN["error"]).data()
    assert window.model.index(row, COLUMN["subject"]).data()
    preview = window.preview.toPlainText()
    assert "FV/2/2026" in preview and "Mailbox unavailable" in preview
    assert window.retry_button.isEnabled()
    assert not window.sent_button.isEnabled() and not window.resend_button.isEnabled()


def test_filters_by_status_channel_and_text(qtbot: QtBot, window: OutboxWindow) -> None:
    with qtbot.waitSignal(window.loaded):
        window.status_filter.setCurrentIndex(window.status_filter.findData("uncertain"))
    assert set(_statuses(window)) == {"d1@debtor.example.com", "d3@debtor.example.com"}
    with qtbot.waitSignal(window.loaded):
        qtbot.keyClicks(window.search, "D3@DEBTOR")  # a recipient, any case
    assert set(_statuses(window)) == {"d3@debtor.example.com"}
    with qtbot.waitSignal(window.loaded):
        window.search.setText("dłużnik 1")  # a contractor's name
    assert set(_statuses(window)) == {"d1@debtor.example.com"}
    with qtbot.waitSignal(window.loaded):
        window.search.setText("Dłużnik 3")
    assert set(_statuses(window)) == {"d3@debtor.example.com"}
    with qtbot.waitSignal(window.loaded):
        window.channel_filter.setCurrentIndex(window.channel_filter.findData("sms"))
    assert window.model.rowCount() == 0
    assert window.empty.isVisible()
    assert window.empty.text() == "No message matches the filters."


def test_retry_and_both_answers_for_uncertain_change_the_rows(
    qtbot: QtBot, window: OutboxWindow, db: Database
) -> None:
    _select(window, "d2@debtor.example.com")
    with qtbot.waitSignal(window.loaded):
        window.retry_button.click()
    assert _statuses(window)["d2@debtor.example.com"] == "Waiting"

    _select(window, "d1@debtor.example.com")
    assert window.sent_button.isEnabled() and window.resend_button.isEnabled()
    with qtbot.waitSignal(window.loaded):
        window.sent_button.click()
    assert _statuses(window)["d1@debtor.example.com"] == "Sent"

    _select(window, "d3@debtor.example.com")
    with qtbot.waitSignal(window.loaded):
        window.resend_button.click()
    assert _statuses(window)["d3@debtor.example.com"] == "Waiting"
    assert outbox.counts(db)["pending"] == 2
    assert outbox.counts(db)["uncertain"] == 0


def test_cancel_and_double_click_opens_the_card(qtbot: QtBot, window: OutboxWindow) -> None:
    _select(window, "d2@debtor.example.com")
    assert not window.cancel_button.isEnabled()  # failed for good: nothing left to cancel
    with qtbot.waitSignal(window.loaded):
        window.retry_button.click()
    _select(window, "d2@debtor.example.com")
    assert window.cancel_button.isEnabled()
    with qtbot.waitSignal(window.loaded):
        window.cancel_now([window.selected_messages()[0].id])
    assert _statuses(window)["d2@debtor.example.com"] == "Cancelled"
    _select(window, "d3@debtor.example.com")  # uncertain: cancelling it means "never send"
    with qtbot.waitSignal(window.loaded):
        window.cancel_now([window.selected_messages()[0].id])
    assert _statuses(window)["d3@debtor.example.com"] == "Cancelled"
    _select(window, "d1@debtor.example.com")
    index = window.table.currentIndex()
    rect = window.table.visualRect(window.model.index(index.row(), COLUMN["contractor"]))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.opened == [window.model.message(index.row()).contractor_id]  # type: ignore[attr-defined]


def test_a_secret_in_a_stored_error_never_reaches_the_screen(
    qtbot: QtBot, db: Database, ops: Operations, messages: DunningEnv
) -> None:
    """An error stored before errors were redacted: a gateway that echoed the request."""
    token = "tok-Zq8sK3vN1xW7"
    con = sqlite3.connect(messages.db_path)
    with con:
        con.execute(
            "UPDATE outbox SET last_error = ? WHERE recipients LIKE '%d2@%'",
            (f"HTTP 400: you sent Authorization: Bearer {token}",),
        )
    con.close()
    view = OutboxWindow(db, ops, open_card=lambda contractor_id: None)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: not view.loading)
    _select(view, "d2@debtor.example.com")
    cell = view.model.index(view.table.currentIndex().row(), COLUMN["error"]).data()
    preview = view.preview.toPlainText()
    for shown in (cell, preview):
        assert "HTTP 400: you sent Authorization:" in shown
        assert token not in shown and "Bearer" not in shown


def test_the_oldest_of_thousands_is_found_and_scrolling_reaches_it(
    qtbot: QtBot, db: Database, ops: Operations, env: DunningEnv
) -> None:
    oldest = crowded_outbox(env)
    view = OutboxWindow(db, ops, open_card=lambda _id: None)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: not view.loading and view.model.rowCount() > 0)
    assert view.model.rowCount() == PAGE_SIZE
    assert view.counts.text().startswith(f"{NEWER + 1} messages")
    sms = next(r for r in range(PAGE_SIZE) if view.model.message(r).channel == "sms")
    assert view.model.index(sms, COLUMN["recipient"]).data() == "+48 501 000 111"

    with qtbot.waitSignal(view.loaded):
        qtbot.keyClicks(view.search, "najstarsze")
    assert [view.model.message(r).id for r in range(view.model.rowCount())] == [oldest]
    assert view.status_filter.itemText(0) == "All statuses (1)"
    assert view.counts.text() == "1 message&nbsp;&nbsp;·&nbsp;&nbsp;Sent: 1"

    with qtbot.waitSignal(view.loaded):
        view.search.clear()
    assert view.model.rowCount() == PAGE_SIZE
    for _page in range(NEWER // PAGE_SIZE + 1):  # the view asks for more at the bottom
        if view.model.rowCount() == NEWER + 1:
            break
        shown = view.model.rowCount()
        view.table.scrollToBottom()
        qtbot.waitUntil(lambda shown=shown: view.model.rowCount() > shown)
    assert view.model.rowCount() == NEWER + 1
    assert view.model.message(NEWER).id == oldest
    assert not view.model.canFetchMore(view.model.index(-1, -1))

    assert view.select_message(oldest)
    with qtbot.waitSignal(view.loaded):
        view.refresh()  # data changed elsewhere: the place and the choice are kept
    assert view.model.rowCount() == NEWER + 1
    assert [m.id for m in view.selected_messages()] == [oldest]
