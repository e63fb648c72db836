"""The list behind each dashboard figure sums to the figure (the hand-made book of
test_dashboard.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from db.uow import Database
from desktop_app.services import dashboard_drilldown as drill
from desktop_app.services.dashboard import cash_in_forecast, dashboard
from tests.integration.test_dashboard import TODAY, book

__all__ = ["book"]


def test_open_and_overdue_lists_sum_to_their_figures(book: Database) -> None:
    pln = dashboard(book, TODAY).currencies["PLN"]
    opened = drill.open_receivable(book, TODAY, "PLN")
    assert opened.total == pln.open
    assert [(r.name, r.amount) for r in opened.rows] == [
        ("Alpha", 150_000),
        ("Beta", 110_000),
        ("Gamma", 30_000),
    ]
    late = drill.overdue(book, TODAY, "PLN")
    assert late.total == pln.overdue
    assert [(r.name, r.amount, r.day) for r in late.rows] == [
        ("Alpha", 100_000, dt.date(2026, 8, 15)),
        ("Beta", 80_000, dt.date(2026, 11, 24)),
        ("Gamma", 30_000, dt.date(2026, 9, 15)),
    ]
    for label, amount in pln.buckets.items():
        assert drill.overdue(book, TODAY, "PLN", label).total == amount
    assert [r.name for r in drill.overdue(book, TODAY, "PLN", "91-180").rows] == ["Alpha"]
    with pytest.raises(ValueError):
        drill.overdue(book, TODAY, "PLN", "1-2")


def test_promises_forecast_tasks_and_failures(book: Database) -> None:
    board = dashboard(book, TODAY)
    pln = board.currencies["PLN"]
    promised = drill.promised(book, TODAY, "PLN")
    assert promised.total == pln.promised_this_week
    assert [(r.name, r.day) for r in promised.rows] == [("Gamma", dt.date(2026, 12, 4))]
    # the forecast's own rows, overdue items included by their expected day
    weeks = cash_in_forecast(book, TODAY)["PLN"]
    for week, figure in enumerate(weeks):
        assert drill.forecast_week(book, TODAY, "PLN", week).total == figure.amount
    assert sum(w.amount for w in weeks) > 0
    tasks = drill.tasks_due(book, TODAY)
    assert tasks.total == board.tasks_due
    assert [(r.contractor_id, r.detail) for r in tasks.rows] == [(1, "Call Alpha")]
    failed = drill.failed_reminders(book)
    assert failed.total == board.failed_reminders
    assert [(r.name, r.detail) for r in failed.rows] == [("Alpha", "a@example.com")]
