"""The dry-run calendar: sms-classic on a hand-made ledger, by day; double-click opens the card."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.domain.money import format_money
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.dunning_editors.conftest import Ledger
from ui.dunning import editors_menu
from ui.dunning.calendar_view import AMOUNT, CHANNEL, CONTRACTOR, ITEMS, STEP, WHEN, CalendarWindow
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _open(qtbot: QtBot, window: MainWindow) -> CalendarWindow:
    calendar = editors_menu.open_calendar(window)
    assert calendar.busy.isVisibleTo(calendar) or calendar.dry_run is not None
    qtbot.waitUntil(lambda: calendar.dry_run is not None and not calendar.loading)
    assert not calendar.busy.isVisibleTo(calendar)
    return calendar


def _rows(calendar: CalendarWindow) -> list[tuple[str, str, str, str]]:
    rows = []
    for i in range(calendar.tree.topLevelItemCount()):
        day = calendar.tree.topLevelItem(i)
        assert day is not None
        for j in range(day.childCount()):
            child = day.child(j)
            assert child is not None
            rows.append(
                (day.text(WHEN), child.text(CONTRACTOR), child.text(STEP), child.text(CHANNEL))
            )
    return rows


def test_the_next_fourteen_days_of_sms_classic(qtbot: QtBot, window: MainWindow) -> None:
    calendar = _open(qtbot, window)
    assert calendar.days.value() == 14
    assert calendar.tree.topLevelItemCount() == 14
    assert _rows(calendar) == [
        ("Today, Sunday, 22 November 2026", "Kowalski Transport", "Invoice issued", "SMS"),
        (
            "Today, Sunday, 22 November 2026",
            "Nowak Budownictwo Sp. z o.o.",
            "Overdue, then weekly",
            "SMS",
        ),
        ("Saturday, 28 November 2026", "Kowalski Transport", "2 days before the due date", "SMS"),
        ("Sunday, 29 November 2026", "Nowak Budownictwo Sp. z o.o.", "Overdue, then weekly", "SMS"),
        ("Monday, 30 November 2026", "Kowalski Transport", "On the due date", "SMS"),
        ("Wednesday, 2 December 2026", "Kowalski Transport", "Overdue, then weekly", "SMS"),
    ]
    today = calendar.tree.topLevelItem(0)
    assert today is not None
    assert (today.text(CONTRACTOR), today.text(ITEMS), today.text(AMOUNT)) == (
        "2 actions",
        "2",
        format_money(173_000, "PLN"),
    )
    first = today.child(0)
    assert first is not None and first.text(WHEN) == "09:00-19:00"
    assert first.text(AMOUNT) == format_money(123_000, "PLN")
    quiet = calendar.tree.topLevelItem(1)
    assert quiet is not None and quiet.text(CONTRACTOR) == "nothing planned"
    assert calendar.status.text().startswith("6 actions planned · on 5 days of 14")


def test_channel_filter_and_a_longer_range(qtbot: QtBot, window: MainWindow) -> None:
    calendar = _open(qtbot, window)
    calendar.channel_checks["sms"].setChecked(False)
    assert _rows(calendar) == []
    assert calendar.status.text().startswith("0 actions planned")
    calendar.channel_checks["sms"].setChecked(True)
    calendar.days.setValue(30)
    qtbot.waitUntil(lambda: calendar.dry_run is not None and calendar.dry_run.days == 30)
    rows = _rows(calendar)
    assert (
        "Friday, 11 December 2026",
        "Nowak Budownictwo Sp. z o.o.",
        "Hand-over to collection",
        "Task",
    ) in rows
    assert not any(
        r[1].startswith("Nowak") and r[0].startswith("Sunday, 13 December") for r in rows
    )


def test_double_click_opens_the_contractor_card(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    calendar = _open(qtbot, window)
    today = calendar.tree.topLevelItem(0)
    assert today is not None
    nowak = today.child(1)
    assert nowak is not None
    calendar.tree.itemActivated.emit(nowak, 0)
    qtbot.waitUntil(lambda: ledger.nowak in window.cards())
    card = window.cards()[ledger.nowak]
    qtbot.waitUntil(lambda: card.card is not None)
    assert card.name_label.text() == "Nowak Budownictwo Sp. z o.o."
