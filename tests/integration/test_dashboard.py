"""The debt dashboard's figures on a hand-made book, and their agreement with ``report aging``."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from db.models import OutboxMessage
from db.uow import Database
from desktop_app.domain import forecast
from desktop_app.domain.rating import PaymentFact
from desktop_app.services.dashboard import (
    FORECAST_WEEKS,
    cash_in_forecast,
    dashboard,
    month_ends,
    overdue_trend,
)
from desktop_app.services.dunning.tasks import add_task
from tests.conftest import Cli

TODAY = dt.date(2026, 12, 1)  # a Tuesday: this week runs from Monday 30 November


def _invoice(cli: Cli, who: str, number: str, issued: str, due: str, amount: str) -> None:
    args = ("--issued", issued, "--due", due, "--amount", amount)
    assert cli("invoice", "add", "--contractor", who, "--number", number, *args).code == 0


def _pay(cli: Cli, who: str, day: str, amount: str) -> None:
    args = ("--date", day, "--amount", amount)
    assert cli("payment", "add", "--contractor", who, *args).code == 0


@pytest.fixture
def book(cli: Cli, db: Database) -> Database:
    for name, nip in (("Alpha", "5260250274"), ("Beta", "7740001454"), ("Gamma", "1234563218")):
        assert cli("contractor", "add", "--name", name, "--nip", nip).code == 0
    # Alpha: one old debt (108 days overdue) and one not due yet; no payment history
    _invoice(cli, "1", "A/1", "2026-08-01", "2026-08-15", "1000")
    _invoice(cli, "1", "A/2", "2026-11-20", "2026-12-10", "500")
    # Beta: paid its first invoice 10 days late, so its open ones are expected 10 days late
    _invoice(cli, "2", "B/1", "2026-10-01", "2026-10-15", "2000")
    _pay(cli, "2", "2026-10-25", "2000")
    _invoice(cli, "2", "B/2", "2026-11-10", "2026-11-24", "800")
    _invoice(cli, "2", "B/3", "2026-11-25", "2026-12-20", "300")
    # Gamma: paid part of an invoice, promises the rest this Friday
    _invoice(cli, "3", "G/1", "2026-09-01", "2026-09-15", "400")
    _pay(cli, "3", "2026-10-01", "100")
    promise = ("--date", "2026-12-04", "--amount", "300", "--today", TODAY.isoformat())
    assert cli("contractor", "promise", "3", *promise).code == 0
    promise = ("--date", "2026-12-08", "--amount", "500", "--today", TODAY.isoformat())
    assert cli("contractor", "promise", "1", *promise).code == 0
    add_task(db, title="Call Alpha", due_on=TODAY, contractor_id=1)
    add_task(db, title="Call Beta", due_on=TODAY + dt.timedelta(days=1), contractor_id=2)
    with db.write() as session:
        session.add(
            OutboxMessage(
                key="failed-1",
                contractor_id=1,
                channel="email",
                recipients=["a@example.com"],
                body_text="x",
                status="failed_permanently",
                planned_for=TODAY,
            )
        )
    return db


def test_hand_computed_figures(book: Database) -> None:
    board = dashboard(book, TODAY)
    pln = board.currencies["PLN"]
    assert list(board.currencies) == ["PLN"]
    assert pln.open == 290_000
    assert pln.overdue == 210_000
    assert pln.overdue_share == pytest.approx(2100 / 2900)
    # invoiced in the 90 days to today: A/2, B/1, B/2, B/3 = 3600 -> 2900 / 3600 * 90
    assert pln.dso_days == pytest.approx(72.5)
    assert pln.promised_this_week == 30_000
    assert [(d.name, d.overdue) for d in pln.top_debtors] == [
        ("Alpha", 100_000),
        ("Beta", 80_000),
        ("Gamma", 30_000),
    ]
    assert pln.buckets == {
        "1-30": 80_000,
        "31-60": 0,
        "61-90": 30_000,
        "91-180": 100_000,
        "181+": 0,
    }
    assert board.tasks_due == 1
    assert board.failed_reminders == 1


def _expected_weeks() -> list[int]:
    """The book's history and open items as the forecast sees them, by hand."""
    history = {
        1: [PaymentFact(dt.date(2026, 8, 15), 100_000, None)],  # A/1, unpaid
        2: [
            PaymentFact(dt.date(2026, 10, 15), 200_000, dt.date(2026, 10, 25)),  # B/1, 10 late
            PaymentFact(dt.date(2026, 11, 24), 80_000, None),  # B/2, unpaid
        ],
        3: [PaymentFact(dt.date(2026, 9, 15), 40_000, None)],  # G/1, part paid
    }
    own = {cid: forecast.sums(facts, TODAY) for cid, facts in history.items()}
    prior = forecast.population(sum(own.values(), forecast.LatenessSums()))
    open_now = [
        (1, dt.date(2026, 8, 15), 100_000),
        (1, dt.date(2026, 12, 10), 50_000),
        (2, dt.date(2026, 11, 24), 80_000),
        (2, dt.date(2026, 12, 20), 30_000),
        (3, dt.date(2026, 9, 15), 30_000),
    ]
    weeks = [0] * FORECAST_WEEKS
    for cid, due, amount in open_now:
        expected = forecast.forecast_item(due, TODAY, forecast.lateness(own[cid], prior)).expected
        if (expected - TODAY).days < 7 * FORECAST_WEEKS:
            weeks[(expected - TODAY).days // 7] += amount
    return weeks


def test_cash_in_forecast_by_expected_payment_day_overdue_included(book: Database) -> None:
    weeks = cash_in_forecast(book, TODAY)["PLN"]
    assert [w.week_start for w in weeks] == [dt.date(2026, 12, d) for d in (1, 8, 15, 22)]
    assert [w.amount for w in weeks] == _expected_weeks()
    # B/2, a week overdue: Beta paid 10 days late once, pulled toward a population that pays
    # ~34 days late when late (27 days together), so half such debts are paid 27 ln 2 = 19
    # days from today, in the third week; A/2 and B/3 (due 10 and 20 December) are expected
    # after the four weeks, as everyone here pays late, not on their due dates
    assert [w.amount for w in weeks] == [0, 0, 80_000, 0]


def test_overdue_trend_at_month_ends(book: Database) -> None:
    months = overdue_trend(book, TODAY)
    assert list(months) == ["PLN"]
    trend = {m.month_end: m.overdue for m in months["PLN"]}
    assert len(trend) == 12
    assert trend[dt.date(2026, 7, 31)] == 0
    assert trend[dt.date(2026, 8, 31)] == 100_000
    assert trend[dt.date(2026, 9, 30)] == 140_000  # A/1 + all of G/1
    assert trend[dt.date(2026, 10, 31)] == 130_000  # B/1 paid, G/1 partly
    assert trend[dt.date(2026, 11, 30)] == 210_000
    assert trend[TODAY] == 210_000


def test_overdue_trend_equals_the_aging_report_at_each_month_end(book: Database, cli: Cli) -> None:
    for month in overdue_trend(book, TODAY)["PLN"]:
        shown = cli("report", "aging", "--as-of", month.month_end.isoformat(), "--json")
        assert shown.code == 0, shown.err
        sections = json.loads(shown.out)["currencies"]
        overdue = sections["PLN"]["totals"]["overdue"] if "PLN" in sections else "0"
        assert month.overdue == int(Decimal(overdue) * 100), month.month_end


def test_month_ends_run_to_today() -> None:
    ends = month_ends(dt.date(2026, 3, 15))
    assert ends[0] == dt.date(2025, 4, 30)
    assert ends[-3:] == [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 15)]


def test_an_empty_book_has_no_currencies(db: Database) -> None:
    board = dashboard(db, TODAY)
    assert board.currencies == {}
    assert board.tasks_due == 0


@pytest.mark.parametrize("today", ["2026-12-01", "2026-10-20", "2026-09-16"])
def test_dashboard_json_agrees_with_report_aging(book: Database, cli: Cli, today: str) -> None:
    board = cli("report", "dashboard", "--today", today, "--json").json()
    aging = cli("report", "aging", "--as-of", today, "--json").json()
    assert board["today"] == today
    assert set(board["currencies"]) == set(aging["currencies"])
    for currency, section in aging["currencies"].items():
        mine = board["currencies"][currency]
        assert mine["open"] == section["totals"]["open"]
        assert mine["overdue"] == section["totals"]["overdue"]
        assert mine["buckets"] == section["totals"]["buckets"]
        debtors = [
            {"id": r["id"], "name": r["name"], "overdue": r["overdue"]}
            for r in sorted(section["contractors"], key=lambda r: -float(r["overdue"]))
            if float(r["overdue"]) > 0
        ]
        assert mine["top_debtors"] == debtors[:10]


def test_dashboard_json_shape(book: Database, cli: Cli) -> None:
    result = cli("report", "dashboard", "--today", "2026-12-01", "--json")
    assert result.code == 0
    pln = result.json()["currencies"]["PLN"]
    assert pln["open"] == "2900.00"
    assert pln["overdue"] == "2100.00"
    assert pln["overdue_share"] == 0.7241
    assert pln["dso_days"] == 72.5
    assert pln["promised_this_week"] == "300.00"
    assert [w["week"] for w in pln["forecast"]] == [
        "2026-12-01",
        "2026-12-08",
        "2026-12-15",
        "2026-12-22",
    ]
    assert pln["forecast"][2] == {"week": "2026-12-15", "amount": "800.00"}
    assert pln["top_debtors"][0] == {"id": 1, "name": "Alpha", "overdue": "1000.00"}
    text = cli("report", "dashboard", "--today", "2026-12-01")
    assert text.code == 0
    assert "2,100.00" in text.out or "2100" in text.out.replace(" ", "").replace("\xa0", "")
